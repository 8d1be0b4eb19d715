"""The lists of the case document that the editor shows as tables (lesions, therapies, RECIST
targets and assessments): their columns, choices and how a typed row becomes a document item."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tumorboard.gui.case.editor_values import FieldError, FieldSpec, parse

ORGANS = ("bone", "liver", "lung", "pleura", "brain", "distant_lymph_node", "adrenal",
          "skin_soft_tissue", "peritoneum", "other")
BONE_SITES = ("", "vertebra", "femur", "tibia", "pelvis", "humerus", "rib", "sternum", "scapula",
              "clavicle", "skull", "other")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and any(v is None or isinstance(v, int | float) for v in value):
        return _cell_list(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(pointer: str, text: str, problems: dict[str, str], kind: str = "number") -> Any:
    try:
        return parse(FieldSpec(pointer, "", kind), text)
    except FieldError as exc:
        problems[pointer] = str(exc)
        return None


def _lesion_value(at: str, row: dict[str, str], problems: dict[str, str]) -> dict[str, Any]:
    """One lesion row as typed -> a document lesion; unparsable cells become problems."""
    lesion: dict[str, Any] = {"organ": row["organ"].strip()}
    if row["bone_site"].strip() or lesion["organ"] == "bone":
        lesion["bone_site"] = row["bone_site"].strip() or None
    if row["site"].strip():
        lesion["site"] = row["site"].strip()
    if row["size_mm"].strip():
        lesion["size_mm"] = _number(f"{at}/size_mm", row["size_mm"], problems)
    if row["detected"].strip():
        lesion["detected"] = row["detected"].strip()
    return lesion


def _therapy_value(at: str, row: dict[str, str], problems: dict[str, str]) -> dict[str, Any]:
    """One therapy row as typed -> a document therapy."""
    therapy: dict[str, Any] = {"kind": row["kind"].strip(), "start": row["start"].strip()}
    for key in ("regimen", "setting", "agent", "target"):
        if row[key].strip():
            therapy[key] = row[key].strip()
    if row["classes"].strip():
        therapy["classes"] = [c.strip() for c in row["classes"].split(",") if c.strip()]
    if row["line"].strip():
        therapy["line"] = _number(f"{at}/line", row["line"], problems, "int")
    therapy["end"] = row["end"].strip() or None
    return therapy


@dataclass(frozen=True)
class ListSpec:
    """A list of the case document edited as a table."""

    pointer: str
    item: str
    keys: tuple[str, ...]
    labels: tuple[str, ...]
    choices: dict[str, tuple[str, ...]]
    blank: dict[str, str]
    to_value: Any  # Callable[[str, dict[str, str], dict[str, str]], dict[str, Any]]


LESIONS = ListSpec(
    "/metastatic/lesions", "Lesion", ("organ", "bone_site", "site", "size_mm", "detected"),
    ("Organ", "Bone site", "Site / description", "Size (mm)", "Detected"),
    {"organ": ORGANS, "bone_site": BONE_SITES}, {"organ": "bone"}, _lesion_value)
THERAPIES = ListSpec(
    "/therapies", "Therapy", ("kind", "regimen", "classes", "setting", "line", "agent", "target", "start",
                              "end"),
    ("Kind", "Regimen", "Classes", "Setting", "Line", "Agent", "Target", "Start", "End"),
    {"kind": ("systemic", "bone_modifying", "surgery", "radiotherapy", "ablation"),
     "setting": ("", "neoadjuvant", "adjuvant", "metastatic"),
     "agent": ("", "denosumab", "zoledronic_acid", "pamidronate", "other"),
     "target": ("", "primary", "metastasis")},
    {"kind": "systemic", "setting": "metastatic"}, _therapy_value)
NON_TARGET = ("none", "CR", "non-CR/non-PD", "PD", "NE")


def _target_value(at: str, row: dict[str, str], problems: dict[str, str]) -> dict[str, Any]:
    """One RECIST baseline target as typed."""
    target: dict[str, Any] = {"name": row["name"].strip(), "nodal": row["nodal"].strip() == "yes"}
    if row["organ"].strip():
        target["organ"] = row["organ"].strip()
    if row.get("site", "").strip():
        target["site"] = row["site"].strip()
    target["baseline_mm"] = _number(f"{at}/baseline_mm", row["baseline_mm"], problems)
    return target


def _assessment_value(at: str, row: dict[str, str], problems: dict[str, str]) -> dict[str, Any]:
    """One RECIST assessment as typed: the target sizes are one value per baseline target, in the
    targets' order ("12, 8, -" with "-" for a target not evaluated)."""
    sizes: list[Any] = []
    for part in (p.strip() for p in row["target_mm"].replace(";", ",").split(",")):
        if part in ("-", "NE", "ne"):
            sizes.append(None)
        elif part:
            sizes.append(_number(f"{at}/target_mm", part, problems))
    return {"date": row["date"].strip(), "target_mm": sizes,
            "non_target": row["non_target"].strip() or "none",
            "new_lesions": row["new_lesions"].strip() == "yes"}


def _cell_list(value: list[Any]) -> str:
    return ", ".join("-" if v is None else cell_text(v) for v in value)


# Where a target lies decides whether its response is a response of the metastases (ruleset 1.1).
TARGET_SITES = ("", "primary", "regional_node", "distant")
RECIST_TARGETS = ListSpec(
    "/recist/targets", "Target lesion", ("name", "site", "organ", "nodal", "baseline_mm"),
    ("Target lesion", "Where", "Organ", "Lymph node", "Baseline (mm)"),
    {"site": TARGET_SITES, "nodal": ("no", "yes")}, {"nodal": "no"}, _target_value)
RECIST_ASSESSMENTS = ListSpec(
    "/recist/assessments", "Assessment", ("date", "target_mm", "non_target", "new_lesions"),
    ("Date", "Targets (mm, in order)", "Non-target", "New lesions"),
    {"non_target": NON_TARGET, "new_lesions": ("no", "yes")}, {"non_target": "none", "new_lesions": "no"},
    _assessment_value)
LISTS = (LESIONS, THERAPIES, RECIST_TARGETS, RECIST_ASSESSMENTS)
