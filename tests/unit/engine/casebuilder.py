"""Building case documents for engine tests: a valid base and path overrides."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from tumorboard.casedoc import validate_case_document
from tumorboard.recommend import recommend_document

AS_OF = date(2025, 6, 10)

BASE: dict[str, Any] = {
    "format": "tumorboard.case/1",
    "patient": {"mrn": "ENG-1", "birth_date": "1976-11-22", "sex": "female"},
    "tumour": {"primary_site": "breast", "diagnosis_date": "2025-01-20", "er_percent": 95,
               "pr_percent": 80, "her2_ihc": "1+", "her2_ish": None, "t": "T2", "n": "N1", "m": "M1",
               "primary_intact": True, "primary_symptoms": [], "complete_clearance_feasible": None},
    "metastatic": {"diagnosis_date": "2025-01-20",
                   "lesions": [{"organ": "bone", "bone_site": "rib"},
                               {"organ": "bone", "bone_site": "sternum"}],
                   "diffuse": False, "visceral_crisis": False, "staging_modalities": ["fdg_pet_ct", "ct"],
                   "biopsy_done": True,
                   "history": {"prior_polymetastatic": False, "prior_oligometastatic": False}},
    "therapies": [
        {"kind": "systemic", "classes": ["endocrine", "cdk46_inhibitor"], "setting": "metastatic",
         "line": 1, "start": "2025-02-03", "end": None},
        {"kind": "bone_modifying", "agent": "denosumab", "start": "2025-02-10", "end": None}],
    "dental_evaluation_date": "2025-01-25",
    "mdt_discussions": ["2025-01-27"],
    "recist": {"baseline_date": "2025-01-27",
               "targets": [{"name": "primary", "nodal": False, "baseline_mm": 32},
                           {"name": "node", "nodal": True, "baseline_mm": 18}],
               "non_targets": ["bone"],
               "assessments": [{"date": "2025-06-02", "target_mm": [20, 9],
                                "non_target": "non-CR/non-PD", "new_lesions": False}]},
}


def build(changes: dict[str, Any] | None = None, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """BASE with ``changes`` at slash paths ("tumour/er_percent") and ``drop``ped paths."""
    doc = copy.deepcopy(BASE)
    for path, value in (changes or {}).items():
        node: Any = doc
        *parents, last = path.split("/")
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    for path in drop:
        node = doc
        *parents, last = path.split("/")
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        del node[int(last) if isinstance(node, list) else last]
    problems = validate_case_document(doc)
    assert problems == [], problems
    return doc


def run(changes: dict[str, Any] | None = None, as_of: date = AS_OF, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    return recommend_document(build(changes, drop), as_of)


def codes(out: dict[str, Any]) -> set[str]:
    return {w["code"] for w in out["warnings"]}


def criteria(out: dict[str, Any], verdict: str = "primary_tumour") -> dict[str, bool | None]:
    return {c["id"]: c["met"] for c in out[verdict]["criteria"]}
