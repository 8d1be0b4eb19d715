"""Screen logic of the case editor, without widgets: which fields exist, how typed text becomes
document values, and which problems belong to which field. Testable without Qt."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from tumorboard.casedoc import DocumentProblem, validate_case_document
from tumorboard.domain.vocab import N_CATEGORIES, T_CATEGORIES
from tumorboard.gui.case.editor_lists import (
    LESIONS,
    LISTS,
    RECIST_ASSESSMENTS,
    RECIST_TARGETS,
    THERAPIES,
    ListSpec,
    cell_text,
)
from tumorboard.gui.case.editor_values import FieldError, FieldSpec, display, parse

# The editor's vocabulary in one place for the screens and the tests.
__all__ = ["FIELDS", "LESIONS", "LISTS", "RECIST_ASSESSMENTS", "RECIST_TARGETS", "THERAPIES", "EditState",
           "FieldError", "FieldSpec", "ListSpec", "display", "parse"]


YES_NO_UNKNOWN = ("unknown", "yes", "no")
MUTATION_RESULTS = ("", "detected", "not_detected", "unknown")

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("/patient/name", "Name", "text", section="Patient"),
    FieldSpec("/patient/birth_date", "Date of birth", "date", section="Patient"),
    FieldSpec("/patient/sex", "Sex", "choice", ("female", "male", "other", "unknown"), "Patient"),
    FieldSpec("/patient/ecog", "ECOG", "int", section="Patient"),
    FieldSpec("/patient/menopausal_status", "Menopausal status", "choice",
              ("", "pre", "peri", "post", "not_applicable", "unknown"), "Patient"),
    FieldSpec("/tumour/diagnosis_date", "Primary diagnosed", "date", section="Tumour and biology"),
    FieldSpec("/tumour/histology", "Histology", "text", section="Tumour and biology"),
    FieldSpec("/tumour/er_percent", "ER %", "number", section="Tumour and biology"),
    FieldSpec("/tumour/pr_percent", "PR %", "number", section="Tumour and biology"),
    FieldSpec("/tumour/her2_ihc", "HER2 IHC", "choice", ("", "0", "1+", "2+", "3+"), "Tumour and biology"),
    FieldSpec("/tumour/her2_ish", "HER2 ISH", "choice", ("", "amplified", "not_amplified", "equivocal"),
              "Tumour and biology"),
    # Biomarkers the testing prompts of ruleset 1.1 read (germline BRCA, PD-L1, ESR1, PIK3CA pathway).
    FieldSpec("/tumour/germline_brca", "Germline BRCA", "choice",
              ("", "BRCA1", "BRCA2", "negative", "unknown"), "Tumour and biology"),
    FieldSpec("/tumour/pdl1_cps", "PD-L1 CPS (22C3)", "number", section="Tumour and biology"),
    FieldSpec("/tumour/esr1", "ESR1 mutation", "choice", MUTATION_RESULTS, "Tumour and biology"),
    FieldSpec("/tumour/pik3ca_pathway", "PIK3CA / AKT1 / PTEN alteration", "choice", MUTATION_RESULTS,
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
    FieldSpec("/metastatic/cord_compression_symptoms",
              "Cord-compression symptoms (new back pain, neurological signs)", "tristate", YES_NO_UNKNOWN,
              "Metastatic disease"),
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
# The metastatic flags are left out, not false, while a new referral's answer is "not recorded".
_OMIT_WHEN_EMPTY = {"/patient/name", "/patient/ecog", "/patient/menopausal_status", "/tumour/histology",
                    "/tumour/germline_brca", "/tumour/esr1", "/tumour/pik3ca_pathway",
                    "/metastatic/diagnosis_date", "/metastatic/cord_compression_symptoms",
                    "/metastatic/diffuse", "/metastatic/visceral_crisis", "/metastatic/biopsy_done"}


@dataclass
class EditState:
    """The document being edited: the saved original plus what the user typed."""

    original: dict[str, Any]
    texts: dict[str, str | bool]
    initial: dict[str, str | bool]
    lists: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    initial_lists: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    fields: tuple[FieldSpec, ...] = FIELDS
    list_specs: tuple[ListSpec, ...] = LISTS

    @classmethod
    def start(cls, doc: dict[str, Any], fields: tuple[FieldSpec, ...] = FIELDS,
              list_specs: tuple[ListSpec, ...] = LISTS) -> EditState:
        """Editing ``doc`` through ``fields`` (the case editor's, or a subset such as the new
        referral form's) and the tables of ``list_specs``."""
        texts: dict[str, str | bool] = {}
        for spec in fields:
            value = get_at(doc, spec.pointer)
            texts[spec.pointer] = bool(value) if spec.kind == "flag" else display(spec, value)
        lists = {ls.pointer: [{key: cell_text(item.get(key)) for key in ls.keys}
                              for item in (get_at(doc, ls.pointer) or [])]
                 for ls in list_specs}
        return cls(copy.deepcopy(doc), texts, dict(texts), lists, copy.deepcopy(lists), fields, list_specs)

    @property
    def lesions(self) -> list[dict[str, str]]:
        return self.lists[LESIONS.pointer]

    def candidate(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The document as typed, and per-field problems (field pointer -> message).

        Fields the user has not touched keep their stored value exactly (an unknown flag stays
        unknown rather than becoming "no")."""
        doc = copy.deepcopy(self.original)
        problems: dict[str, str] = {}
        for spec in self.fields:
            if self.texts[spec.pointer] == self.initial[spec.pointer]:
                continue
            try:
                set_at(doc, spec.pointer, parse(spec, self.texts[spec.pointer]))
            except FieldError as exc:
                problems[spec.pointer] = str(exc)
        for ls in self.list_specs:
            rows = self.lists[ls.pointer]
            if rows != self.initial_lists[ls.pointer]:
                set_at(doc, ls.pointer, [ls.to_value(f"{ls.pointer}/{i}", row, problems)
                                         for i, row in enumerate(rows)])
        _tidy_recist(doc)
        for problem in validate_case_document(doc):
            target, message = _placed(problem, self.fields)
            if target not in problems:
                problems[target] = message
        return doc, problems

    @property
    def dirty(self) -> bool:
        return self.texts != self.initial or self.lists != self.initial_lists


_REQUIRED = re.compile(r"^'([^']+)' is a required property$")


def _placed(problem: DocumentProblem, fields: tuple[FieldSpec, ...]) -> tuple[str, str]:
    """The field a problem belongs to (the nearest field on its path, else the path) and its
    words: a missing or blank required value says "required" under the field itself."""
    pointer, message = problem.pointer, problem.message
    missing = _REQUIRED.match(message)
    if missing:
        pointer = f"{pointer.rstrip('/')}/{missing.group(1)}"
    if missing or message.startswith("None is not"):
        spec = next((s for s in fields if s.pointer == pointer), None)
        message = "required" + (f": {spec.label} must be filled in" if spec is not None else "")
    for spec in fields:
        if pointer == spec.pointer or pointer.startswith(spec.pointer + "/"):
            return spec.pointer, message
    return pointer or "/", message


def _tidy_recist(doc: dict[str, Any]) -> None:
    """A RECIST record with nothing typed in it is no record (``null``), not an invalid one."""
    recist = doc.get("recist")
    if isinstance(recist, dict):
        recist.setdefault("targets", [])
        if not recist.get("baseline_date") and not recist["targets"] and not recist.get("assessments") \
                and not recist.get("non_targets"):
            doc["recist"] = None
