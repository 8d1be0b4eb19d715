"""Validation of an export bundle by fhir.resources (R4B models) and look-ups by path."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class


def validate_bundle(bundle: dict[str, Any]) -> None:
    """The Bundle and every resource in it parse as their FHIR models (types, cardinality,
    required elements, code values of required bindings); every reference resolves in the bundle."""
    get_fhir_model_class("Bundle").model_validate(bundle)
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(urls) == len(bundle["entry"]), "fullUrls are unique"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        for ref in references(resource):
            assert ref in urls, f"{resource['resourceType']} refers to {ref}, which is not in the bundle"


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        for value in node.values():
            found.extend(references(value))
        return found
    if isinstance(node, list):
        return [r for item in node for r in references(item)]
    return []


def of_type(bundle: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]


def by_code(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [r for r in of_type(bundle, "Observation")
            if any(c.get("code") == code for c in r["code"].get("coding", []))]


def at(node: Any, path: str) -> Any:
    """``at(resource, "code.coding.0.system")``: the value at a dotted path (list indexes as numbers)."""
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def url_of(resource: dict[str, Any]) -> str:
    return f"urn:uuid:{resource['id']}"
