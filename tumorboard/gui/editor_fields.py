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
        node = node.setdefault(part, {})
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
        return {"unknown": None, "yes": True, "no": False}[raw or "unknown"]
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
    lesions: list[dict[str, str]] = field(default_factory=list)
    initial_lesions: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def start(cls, doc: dict[str, Any]) -> EditState:
        texts: dict[str, str | bool] = {}
        for spec in FIELDS:
            value = get_at(doc, spec.pointer)
            texts[spec.pointer] = bool(value) if spec.kind == "flag" else display(spec, value)
        lesions = [{key: _lesion_text(key, les.get(key)) for key in LESION_KEYS}
                   for les in (get_at(doc, "/metastatic/lesions") or [])]
        return cls(copy.deepcopy(doc), texts, dict(texts), lesions, copy.deepcopy(lesions))

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
        if self.lesions != self.initial_lesions:
            doc.setdefault("metastatic", {})["lesions"] = [
                _lesion_value(i, row, problems) for i, row in enumerate(self.lesions)]
        for problem in validate_case_document(doc):
            target = _field_for(problem)
            if target not in problems:
                problems[target] = problem.message
        return doc, problems

    @property
    def dirty(self) -> bool:
        return self.texts != self.initial or self.lesions != self.initial_lesions


LESION_KEYS = ("organ", "bone_site", "site", "size_mm", "detected")
LESION_LABELS = ("Organ", "Bone site", "Site / description", "Size (mm)", "Detected")
ORGANS = ("bone", "liver", "lung", "pleura", "brain", "distant_lymph_node", "adrenal",
          "skin_soft_tissue", "peritoneum", "other")
BONE_SITES = ("", "vertebra", "femur", "tibia", "pelvis", "humerus", "rib", "sternum", "scapula",
              "clavicle", "skull", "other")


def _lesion_text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "size_mm" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _lesion_value(i: int, row: dict[str, str], problems: dict[str, str]) -> dict[str, Any]:
    """One lesion row as typed -> a document lesion; unparsable cells become problems."""
    lesion: dict[str, Any] = {"organ": row["organ"].strip()}
    if row["bone_site"].strip() or lesion["organ"] == "bone":
        lesion["bone_site"] = row["bone_site"].strip() or None
    if row["site"].strip():
        lesion["site"] = row["site"].strip()
    if row["size_mm"].strip():
        try:
            lesion["size_mm"] = parse(FieldSpec("", "Size", "number"), row["size_mm"])
        except FieldError as exc:
            problems[f"/metastatic/lesions/{i}/size_mm"] = str(exc)
    if row["detected"].strip():
        lesion["detected"] = row["detected"].strip()
    return lesion


def _field_for(problem: DocumentProblem) -> str:
    """The editor field a problem belongs to (the nearest field on its path), else the path."""
    for spec in FIELDS:
        if problem.pointer == spec.pointer or problem.pointer.startswith(spec.pointer + "/"):
            return spec.pointer
    return problem.pointer or "/"
