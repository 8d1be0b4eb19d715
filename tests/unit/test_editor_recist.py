"""The case editor's RECIST screen logic, without widgets: typed rows -> case document."""

from __future__ import annotations

from typing import Any

from tumorboard.gui.editor_fields import RECIST_ASSESSMENTS, RECIST_TARGETS, EditState

DOC: dict[str, Any] = {
    "format": "tumorboard.case/1",
    "patient": {"mrn": "T-1", "birth_date": "1970-01-01", "sex": "female"},
    "tumour": {"primary_site": "breast", "diagnosis_date": "2025-01-10", "t": "T2", "n": "N1", "m": "M1", "primary_intact": True},
    "metastatic": {"diagnosis_date": "2025-01-10", "lesions": [{"organ": "bone", "bone_site": "rib"}]},
    "therapies": [], "recist": None,
}


def test_no_recist_typed_stays_null() -> None:
    state = EditState.start(DOC)
    state.texts["/recist/baseline_date"] = ""
    doc, problems = state.candidate()
    assert doc["recist"] is None and problems == {}


def test_typed_targets_and_assessment_become_a_recist_record() -> None:
    state = EditState.start(DOC)
    state.texts["/recist/baseline_date"] = "2025-01-20"
    state.texts["/recist/non_targets"] = "rib lesion; sternum"
    state.lists[RECIST_TARGETS.pointer] += [
        {"name": "liver seg 7", "organ": "liver", "nodal": "no", "baseline_mm": "30"},
        {"name": "axillary node", "organ": "", "nodal": "yes", "baseline_mm": "15,5"}]
    state.lists[RECIST_ASSESSMENTS.pointer].append(
        {"date": "2025-04-20", "target_mm": "20, -", "non_target": "non-CR/non-PD", "new_lesions": "no"})
    doc, problems = state.candidate()
    assert problems == {}
    assert doc["recist"] == {
        "baseline_date": "2025-01-20", "non_targets": ["rib lesion", "sternum"],
        "targets": [{"name": "liver seg 7", "organ": "liver", "nodal": False, "baseline_mm": 30},
                    {"name": "axillary node", "nodal": True, "baseline_mm": 15.5}],
        "assessments": [{"date": "2025-04-20", "target_mm": [20, None], "non_target": "non-CR/non-PD",
                         "new_lesions": False}]}


def test_bad_sizes_and_counts_are_problems_of_their_row() -> None:
    state = EditState.start(DOC)
    state.texts["/recist/baseline_date"] = "2025-01-20"
    state.lists[RECIST_TARGETS.pointer].append({"name": "liver", "organ": "", "nodal": "no", "baseline_mm": "big"})
    state.lists[RECIST_ASSESSMENTS.pointer].append(
        {"date": "2025-04-20", "target_mm": "20, 10", "non_target": "none", "new_lesions": "no"})
    _, problems = state.candidate()
    assert "not a number" in problems["/recist/targets/0/baseline_mm"]
    assert any(k.startswith("/recist") and "target" in v for k, v in problems.items() if k != "/recist/targets/0/baseline_mm")
