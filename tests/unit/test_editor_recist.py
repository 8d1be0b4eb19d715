"""The case editor's RECIST screen logic, without widgets: typed rows -> case document."""

from __future__ import annotations

from typing import Any

from tumorboard.gui.case.editor_fields import RECIST_ASSESSMENTS, RECIST_TARGETS, EditState

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


def test_target_sites_and_the_1_1_fields_are_edited_and_left_out_when_empty() -> None:
    state = EditState.start(DOC)
    state.texts["/recist/baseline_date"] = "2025-01-20"
    state.lists[RECIST_TARGETS.pointer] += [
        {"name": "breast", "site": "primary", "organ": "", "nodal": "no", "baseline_mm": "30"},
        {"name": "liver", "site": "distant", "organ": "liver", "nodal": "no", "baseline_mm": "20"},
        {"name": "unsure", "site": "", "organ": "", "nodal": "no", "baseline_mm": "12"}]
    state.texts["/tumour/pdl1_cps"] = "12"
    state.texts["/tumour/esr1"] = "detected"
    state.texts["/metastatic/cord_compression_symptoms"] = "yes"
    state.texts["/patient/menopausal_status"] = "pre"
    doc, problems = state.candidate()
    assert problems == {}
    assert [t.get("site") for t in doc["recist"]["targets"]] == ["primary", "distant", None]
    assert "site" not in doc["recist"]["targets"][2]
    assert doc["tumour"]["pdl1_cps"] == 12 and doc["tumour"]["esr1"] == "detected"
    assert doc["metastatic"]["cord_compression_symptoms"] is True
    assert doc["patient"]["menopausal_status"] == "pre"
    # Back to empty / unknown: the optional keys go (the schema allows no null for them).
    again = EditState.start(doc)
    again.texts["/tumour/esr1"] = ""
    again.texts["/metastatic/cord_compression_symptoms"] = "unknown"
    again.texts["/patient/menopausal_status"] = ""
    again.texts["/tumour/pdl1_cps"] = ""
    doc2, problems = again.candidate()
    assert problems == {}
    assert "esr1" not in doc2["tumour"] and "menopausal_status" not in doc2["patient"]
    assert "cord_compression_symptoms" not in doc2["metastatic"]
    assert doc2["tumour"]["pdl1_cps"] is None  # nullable: an explicit "not known"


def test_a_pdl1_score_over_100_is_marked_at_its_field() -> None:
    state = EditState.start(DOC)
    state.texts["/tumour/pdl1_cps"] = "140"
    _doc, problems = state.candidate()
    assert "140 is greater than the maximum of 100" in problems["/tumour/pdl1_cps"]
