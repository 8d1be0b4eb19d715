"""The code table of the FHIR export (``resources/interop/fhir-codes.json``), read once.

The table is data so that a terminologist reviews codes where they are written down, with their
sources; these helpers only turn an entry into FHIR's Coding / CodeableConcept.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from tumorboard.resources import load_json_resource


@cache
def table() -> dict[str, Any]:
    data: dict[str, Any] = load_json_resource("interop", "fhir-codes.json")
    return data


def system(name: str) -> str:
    url: str = table()["systems"][name]
    return url


def profile(name: str) -> str:
    url: str = table()["profiles"][name]
    return url


def meta(name: str) -> dict[str, Any]:
    """``meta.profile`` naming the mCODE profile a resource is shaped after, once the table says
    the bundle conforms (``claim_profiles``); until then nothing is claimed (a receiving server
    that validates profiles would refuse a claim the resource does not meet)."""
    if not table().get("claim_profiles", False):
        return {}
    return {"meta": {"profile": [profile(name)]}}


def extension_url(name: str) -> str:
    url: str = table()["extensions"][name]["url"]
    return url


def _concept(entry: dict[str, Any], default_system: str | None, text: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "code" in entry:
        coding = {"system": system(entry.get("system", default_system or "snomed")), "code": entry["code"]}
        if "display" in entry:
            coding["display"] = entry["display"]
        out["coding"] = [coding]
    shown = text or entry.get("text")
    if shown:
        out["text"] = shown
    return out


def concept(key: str, text: str | None = None) -> dict[str, Any]:
    """A CodeableConcept for a named code of the table (text alone when the table has no code)."""
    return _concept(table()["codes"][key], None, text)


def coding(key: str) -> dict[str, Any]:
    codings: list[dict[str, Any]] = concept(key)["coding"]
    return codings[0]


def organ_site(organ: str, text: str | None = None) -> dict[str, Any]:
    return _concept(table()["organ_body_sites"][organ], "snomed", text)


def bone_site(bone: str, text: str | None = None) -> dict[str, Any]:
    return _concept(table()["bone_body_sites"][bone], "snomed", text)


def recist_status(response: str) -> dict[str, Any] | None:
    entry = table()["recist_status"].get(response)
    if entry is None:
        return None
    return _concept(entry, "snomed", f"RECIST 1.1 overall response {response}")
