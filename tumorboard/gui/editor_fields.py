"""Screen logic of the case editor, without widgets: which fields exist, how typed text becomes
document values, and which problems belong to which field. Testable without Qt."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from tumorboard.casedoc import DocumentProblem, validate_case_document
from tumorboard.domain.vocab import N_CATEGORIES, T_CATEGORIES


@dataclass(frozen=True, slots=True)
class FieldSpec:
    pointer: str          # JSON pointer into the case document
    label: str
    kind: str             # text | date | number | int | choice | tristate | flag
    options: tuple[str, ...] = ()
    section: str = ""


YES_NO_UNKNOWN = ("unknown", "yes", "no")

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("/patient/name", "Name", "text", section="Patient"),
    FieldSpec("/patient/birth_date", "Date of birth", "date", section="Patient"),
    FieldSpec("/patient/sex", "Sex", "choice", ("female", "male", "other", "unknown"), "Patient"),
    FieldSpec("/patient/ecog", "ECOG", "int", section="Patient"),
    FieldSpec("/tumour/diagnosis_date", "Primary diagnosed", "date", section="Tumour and biology"),
    FieldSpec("/tumour/histology", "Histology", "text", section="Tumour and biology"),
    FieldSpec("/tumour/er_percent", "ER %", "number", section="Tumour and biology"),
    FieldSpec("/tumour/pr_percent", "PR %", "number", section="Tumour and biology"),
    FieldSpec("/tumour/her2_ihc", "HER2 IHC", "choice", ("", "0", "1+", "2+", "3+"), "Tumour and biology"),
    FieldSpec("/tumour/her2_ish", "HER2 ISH", "choice", ("", "amplified", "not_amplified", "equivocal"),
              "Tumour and biology"),
    FieldSpec("/tumour/t", "T", "choice", T_CATEGORIES, "TNM at diagnosis"),
    FieldSpec("/tumour/n", "N", "choice", N_CATEGORIES, "TNM at diagnosis"),
    FieldSpec("/tumour/m", "M", "choice", ("M0", "M1"), "TNM at diagnosis"),
    FieldSpec("/tumour/primary_intact", "Primary intact", "flag", section="TNM at diagnosis"),
    FieldSpec("/tumour/complete_clearance_feasible", "Complete clearance feasible", "tristate",
              YES_NO_UNKNOWN, "TNM at diagnosis"),
    FieldSpec("/metastatic/diagnosis_date", "Metastatic diagnosis", "date", section="Metastatic disease"),
    FieldSpec("/metastatic/diffuse", "Diffuse (too many to count)", "flag", section="Metastatic disease"),
    FieldSpec("/metastatic/visceral_crisis", "Visceral crisis", "flag", section="Metastatic disease"),
    FieldSpec("/metastatic/biopsy_done", "Metastasis biopsied", "flag", section="Metastatic disease"),
    FieldSpec("/dental_evaluation_date", "Dental evaluation", "date", section="Bone health"),
    FieldSpec("/recist/baseline_date", "RECIST baseline", "date", section="Response (RECIST 1.1)"),
    FieldSpec("/recist/non_targets", "Non-target lesions (comma-separated)", "textlist",
              section="Response (RECIST 1.1)"),
    FieldSpec("/mdt_discussions", "MDT discussions (dates, comma-separated)", "datelist",
              section="MDT history"),
)


def get_at(doc: Any, pointer: str) -> Any:
    node = doc
    for part in pointer.strip("/").split("/"):
        if isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def set_at(doc: dict[str, Any], pointer: str, value: Any) -> None:
    parts = pointer.strip("/").split("/")
    node = doc
    for part in parts[:-1]:
        if node.get(part) is None:  # e.g. "recist": null until the first RECIST value is typed
            node[part] = {}
        node = node[part]
    if value is None and parts[-1] in node and pointer in _OMIT_WHEN_EMPTY:
        del node[parts[-1]]
    elif value is None and pointer in _OMIT_WHEN_EMPTY:
        return
    else:
        node[parts[-1]] = value


# Optional properties whose schema does not allow null: an empty field means "leave it out".
_OMIT_WHEN_EMPTY = {"/patient/name", "/patient/ecog", "/tumour/histology", "/metastatic/diagnosis_date"}


def display(spec: FieldSpec, value: Any) -> str:
    """The text a field shows for a document value."""
    if value is None:
        return "unknown" if spec.kind == "tristate" else ""
    if spec.kind == "tristate":
        return "yes" if value else "no"
    if spec.kind in ("datelist", "textlist"):
        return ", ".join(str(v) for v in value)
    if spec.kind == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class FieldError(ValueError):
    pass


def parse(spec: FieldSpec, text: str | bool) -> Any:
    """Typed text -> document value; raises FieldError with a sentence naming what is wrong."""
    if spec.kind == "flag":
        return bool(text)
    assert isinstance(text, str)
    raw = text.strip()
    if spec.kind == "tristate":
        choices = {"unknown": None, "yes": True, "no": False}
        if (raw or "unknown") not in choices:
            raise FieldError(f"{raw!r} is not one of yes, no or unknown")
        return choices[raw or "unknown"]
    if spec.kind == "choice" and raw and spec.options and raw not in spec.options:
        raise FieldError(f"{raw!r} is not one of " + ", ".join(o for o in spec.options if o))
    if spec.kind in ("datelist", "textlist"):
        return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
    if raw == "":
        return None
    if spec.kind == "number":
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            raise FieldError(f"{raw!r} is not a number") from None
        return int(value) if value.is_integer() else value
    if spec.kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise FieldError(f"{raw!r} is not a whole number") from None
    return raw


@dataclass
class EditState:
    """The document being edited: the saved original plus what the user typed."""

    original: dict[str, Any]
    texts: dict[str, str | bool]
    initial: dict[str, str | bool]
    lists: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    initial_lists: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @classmethod
    def start(cls, doc: dict[str, Any]) -> EditState:
        texts: dict[str, str | bool] = {}
        for spec in FIELDS:
            value = get_at(doc, spec.pointer)
            texts[spec.pointer] = bool(value) if spec.kind == "flag" else display(spec, value)
        lists = {ls.pointer: [{key: _cell_text(item.get(key)) for key in ls.keys}
                              for item in (get_at(doc, ls.pointer) or [])]
                 for ls in LISTS}
        return cls(copy.deepcopy(doc), texts, dict(texts), lists, copy.deepcopy(lists))

    @property
    def lesions(self) -> list[dict[str, str]]:
        return self.lists[LESIONS.pointer]

    def candidate(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The document as typed, and per-field problems (field pointer -> message).

        Fields the user has not touched keep their stored value exactly (an unknown flag stays
        unknown rather than becoming "no")."""
        doc = copy.deepcopy(self.original)
        problems: dict[str, str] = {}
        for spec in FIELDS:
            if self.texts[spec.pointer] == self.initial[spec.pointer]:
                continue
            try:
                set_at(doc, spec.pointer, parse(spec, self.texts[spec.pointer]))
            except FieldError as exc:
                problems[spec.pointer] = str(exc)
        for ls in LISTS:
            rows = self.lists[ls.pointer]
            if rows != self.initial_lists[ls.pointer]:
                set_at(doc, ls.pointer, [ls.to_value(f"{ls.pointer}/{i}", row, problems)
                                         for i, row in enumerate(rows)])
        _tidy_recist(doc)
        for problem in validate_case_document(doc):
            target = _field_for(problem)
            if target not in problems:
                problems[target] = problem.message
        return doc, problems

    @property
    def dirty(self) -> bool:
        return self.texts != self.initial or self.lists != self.initial_lists


ORGANS = ("bone", "liver", "lung", "pleura", "brain", "distant_lymph_node", "adrenal",
          "skin_soft_tissue", "peritoneum", "other")
BONE_SITES = ("", "vertebra", "femur", "tibia", "pelvis", "humerus", "rib", "sternum", "scapula",
              "clavicle", "skull", "other")


def _cell_text(value: Any) -> str:
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
    return ", ".join("-" if v is None else _cell_text(v) for v in value)


RECIST_TARGETS = ListSpec(
    "/recist/targets", "Target lesion", ("name", "organ", "nodal", "baseline_mm"),
    ("Target lesion", "Organ", "Lymph node", "Baseline (mm)"),
    {"nodal": ("no", "yes")}, {"nodal": "no"}, _target_value)
RECIST_ASSESSMENTS = ListSpec(
    "/recist/assessments", "Assessment", ("date", "target_mm", "non_target", "new_lesions"),
    ("Date", "Targets (mm, in order)", "Non-target", "New lesions"),
    {"non_target": NON_TARGET, "new_lesions": ("no", "yes")}, {"non_target": "none", "new_lesions": "no"},
    _assessment_value)
LISTS = (LESIONS, THERAPIES, RECIST_TARGETS, RECIST_ASSESSMENTS)


def _tidy_recist(doc: dict[str, Any]) -> None:
    """A RECIST record with nothing typed in it is no record (``null``), not an invalid one."""
    recist = doc.get("recist")
    if isinstance(recist, dict):
        recist.setdefault("targets", [])
        if not recist.get("baseline_date") and not recist["targets"] and not recist.get("assessments") \
                and not recist.get("non_targets"):
            doc["recist"] = None


def _field_for(problem: DocumentProblem) -> str:
    """The editor field a problem belongs to (the nearest field on its path), else the path."""
    for spec in FIELDS:
        if problem.pointer == spec.pointer or problem.pointer.startswith(spec.pointer + "/"):
            return spec.pointer
    return problem.pointer or "/"
