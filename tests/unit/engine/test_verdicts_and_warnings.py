"""Each verdict branch and each warning code: fires, and does not fire."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from casebuilder import codes, criteria, run

SELECTED = ["bone_only", "hormone_receptor_positive", "her2_negative", "age_below_55", "oligometastatic",
            "response_in_window", "no_progression"]


def test_the_base_case_is_the_selected_subgroup() -> None:
    out = run()
    assert out["primary_tumour"]["verdict"] == "consider_selected"
    assert [c["id"] for c in out["primary_tumour"]["criteria"]] == SELECTED
    assert all(c["met"] is True and c["detail"] for c in out["primary_tumour"]["criteria"])


def test_not_applicable_when_the_primary_was_resected() -> None:
    out = run({"tumour/primary_intact": False, "tumour/primary_symptoms": ["pain"],
               "tumour/complete_clearance_feasible": True})
    assert out["primary_tumour"]["verdict"] == "not_applicable"
    assert "PALLIATIVE_SURGERY_NOT_FEASIBLE" not in codes(out)


def test_indicated_palliative_needs_symptom_clearance_and_no_crisis() -> None:
    symptomatic = {"tumour/primary_symptoms": ["bleeding"], "tumour/complete_clearance_feasible": True}
    out = run(symptomatic)
    assert out["primary_tumour"]["verdict"] == "indicated_palliative"
    assert "PALLIATIVE_SURGERY_NOT_FEASIBLE" not in codes(out)
    for blocker in ({"tumour/complete_clearance_feasible": False},
                    {"tumour/complete_clearance_feasible": None},
                    {"metastatic/visceral_crisis": True}):
        out = run({**symptomatic, **blocker})
        assert out["primary_tumour"]["verdict"] != "indicated_palliative"
        assert "PALLIATIVE_SURGERY_NOT_FEASIBLE" in codes(out)


@pytest.mark.parametrize(("changes", "failing", "met"), [
    ({"metastatic/lesions/1": {"organ": "liver"}}, "bone_only", False),
    ({"tumour/er_percent": 0.5, "tumour/pr_percent": 0}, "hormone_receptor_positive", False),
    ({"tumour/er_percent": None, "tumour/pr_percent": 0}, "hormone_receptor_positive", None),
    ({"tumour/her2_ihc": "3+"}, "her2_negative", False),
    ({"tumour/her2_ihc": "2+"}, "her2_negative", None),   # equivocal
    ({"tumour/her2_ihc": None}, "her2_negative", None),
    ({"patient/birth_date": "1970-01-20"}, "age_below_55", False),   # 55 on the day
    ({"metastatic/lesions": [{"organ": "bone"}] * 6}, "oligometastatic", False),
    ({"metastatic/diffuse": True}, "oligometastatic", False),
    ({"recist/assessments/0/date": "2025-04-30"}, "response_in_window", False),   # before 05-03
    ({"recist/assessments/0/target_mm": [30, 17]}, "response_in_window", False),  # SD in window
])
def test_each_selected_criterion_failing_gives_not_routine(changes: dict[str, Any], failing: str,
                                                           met: bool | None) -> None:
    out = run(changes)
    assert out["primary_tumour"]["verdict"] == "not_routine"
    got = criteria(out)
    assert got[failing] is met
    assert all(v is True for k, v in got.items() if k not in (failing, "no_progression", "oligometastatic",
                                                              "response_in_window", "bone_only"))


def test_progression_after_a_response_fails_the_last_criterion() -> None:
    out = run({"recist/assessments": [
        {"date": "2025-05-10", "target_mm": [20, 9], "non_target": "none", "new_lesions": False},
        {"date": "2025-06-05", "target_mm": [20, 9], "non_target": "none", "new_lesions": True}]})
    got = criteria(out)
    assert got["response_in_window"] is True and got["no_progression"] is False
    assert out["primary_tumour"]["verdict"] == "not_routine"


def test_age_is_completed_years_at_metastatic_diagnosis() -> None:
    assert run({"patient/birth_date": "1970-01-21"})["patient"]["age_at_metastatic_diagnosis"] == 54
    assert run({"patient/birth_date": "1970-01-20"})["patient"]["age_at_metastatic_diagnosis"] == 55
    out = run({"metastatic/lesions": [], "metastatic/diffuse": False}, drop=("metastatic/diagnosis_date",))
    assert out["patient"]["age_at_metastatic_diagnosis"] is None


@pytest.mark.parametrize(("changes", "verdict"), [
    ({"metastatic/visceral_crisis": True}, "not_indicated"),
    ({"recist/assessments/0/new_lesions": True}, "not_indicated"),
    ({"metastatic/lesions": [{"organ": "bone"}] * 6}, "not_indicated"),
    ({"metastatic/history/prior_polymetastatic": True}, "not_routine"),
    ({"recist/assessments/0/date": "2025-04-30"}, "not_yet"),
    ({}, "consider"),
    ({"recist/assessments/0/target_mm": [30, 17]}, "consider_non_progression"),
    ({"recist/targets": [], "recist/assessments/0/target_mm": []}, "consider_non_progression"),
    ({"recist/assessments/0/target_mm": [None, 9]}, "not_yet"),   # NE
])
def test_metastasis_directed_therapy_branches(changes: dict[str, Any], verdict: str) -> None:
    out = run(changes)
    assert out["metastasis_directed_therapy"]["verdict"] == verdict
    assert out["metastasis_directed_therapy"]["rationale"]


def test_metastasis_directed_therapy_order_crisis_before_progression() -> None:
    out = run({"metastatic/visceral_crisis": True, "recist/assessments/0/new_lesions": True})
    assert out["metastasis_directed_therapy"]["reason"] == "visceral_crisis"


@pytest.mark.parametrize(("changes", "as_of", "expected"), [
    ({}, date(2025, 6, 10), ("in_place", "done", "not_needed")),
    ({"therapies/1/end": "2025-05-01"}, date(2025, 6, 10), ("indicated", "done", "not_needed")),
    ({"therapies/1/start": "2025-07-01"}, date(2025, 6, 10), ("indicated", "done", "not_needed")),
    ({"dental_evaluation_date": "2025-07-01"}, date(2025, 6, 10), ("in_place", "pending", "not_needed")),
    ({"metastatic/lesions": [{"organ": "liver"}], "dental_evaluation_date": None},
     date(2025, 6, 10), ("in_place", "not_needed", "not_needed")),
    ({"metastatic/lesions/0/bone_site": "vertebra"}, date(2025, 6, 10), ("in_place", "done", "required")),
    ({"metastatic/lesions/0/bone_site": "humerus"}, date(2025, 6, 10), ("in_place", "done", "advisory")),
    ({"metastatic/lesions/0/bone_site": "pelvis", "metastatic/lesions/1/bone_site": "humerus"},
     date(2025, 6, 10), ("in_place", "done", "required")),
])
def test_bone_health(changes: dict[str, Any], as_of: date, expected: tuple[str, str, str]) -> None:
    b = run(changes, as_of=as_of)["bone_health"]
    assert (b["bone_modifying_agent"], b["dental_evaluation"], b["orthopaedic_evaluation"]) == expected


CHEMO_LINE_1 = {"kind": "systemic", "classes": ["chemotherapy"], "setting": "metastatic", "line": 1,
                "start": "2025-02-03", "end": None}

# code: (changes that make it fire, as_of) ; the base case fires only OS_BENEFIT_UNPROVEN.
FIRES: dict[str, tuple[dict[str, Any], date]] = {
    "CHEMO_FIRST_LINE_HR_POSITIVE": ({"therapies/0": CHEMO_LINE_1}, date(2025, 6, 10)),
    "NO_MDT_DISCUSSION": ({"mdt_discussions": ["2025-07-01"]}, date(2025, 6, 10)),
    "METASTASIS_NOT_BIOPSIED": ({"metastatic/biopsy_done": False}, date(2025, 6, 10)),
    "NO_PET_STAGING": ({"metastatic/staging_modalities": ["ct", "bone_scan"]}, date(2025, 6, 10)),
    "BMA_NOT_STARTED": ({"therapies/1/end": "2025-03-01"}, date(2025, 6, 10)),
    "DENTAL_EVALUATION_PENDING": ({"dental_evaluation_date": None}, date(2025, 6, 10)),
    "ORTHOPAEDIC_EVALUATION": ({"metastatic/lesions/0/bone_site": "femur"}, date(2025, 6, 10)),
    "ASSESSMENT_TOO_EARLY": ({"recist/assessments/0/date": "2025-04-01"}, date(2025, 6, 10)),
    "RESPONSE_ASSESSMENT_OVERDUE": ({"recist/assessments": []}, date(2025, 8, 4)),
    "LATE_ASSESSMENT": ({"recist/assessments/0/date": "2025-08-04"}, date(2025, 9, 1)),
    "PROGRESSIVE_DISEASE": ({"recist/assessments/0/non_target": "PD"}, date(2025, 6, 10)),
    "NON_MEASURABLE_DISEASE": ({"recist/targets": [], "recist/assessments/0/target_mm": []}, date(2025, 6, 10)),
    "PALLIATIVE_SURGERY_NOT_FEASIBLE": ({"tumour/primary_symptoms": ["pain"]}, date(2025, 6, 10)),
    "VISCERAL_CRISIS": ({"metastatic/visceral_crisis": True}, date(2025, 6, 10)),
    "NOT_OLIGOMETASTATIC": ({"metastatic/diffuse": True}, date(2025, 6, 10)),
}


@pytest.mark.parametrize("code", sorted(FIRES))
def test_each_warning_fires_and_does_not_fire(code: str) -> None:
    changes, as_of = FIRES[code]
    assert code in codes(run(changes, as_of=as_of))
    assert code not in codes(run({}, as_of=date(2025, 6, 10)))


def test_base_case_warnings_are_exactly_the_counselling_one() -> None:
    # Of the v1 codes only the counselling one; ruleset 1.1 adds that the primary is intact and
    # untreated (outside NRG-BR002) and that germline BRCA status is not recorded.
    assert codes(run()) == {"OS_BENEFIT_UNPROVEN", "PRIMARY_NOT_CONTROLLED", "GERMLINE_TESTING"}


def test_os_benefit_unproven_follows_the_verdicts() -> None:
    assert "OS_BENEFIT_UNPROVEN" in codes(run({"recist/assessments/0/target_mm": [30, 17]}))  # MDT nonprog
    quiet = run({"recist/assessments/0/non_target": "PD"})
    assert "OS_BENEFIT_UNPROVEN" not in codes(quiet)


@pytest.mark.parametrize("changes", [
    {"therapies/0": {**CHEMO_LINE_1, "line": 2}},
    {"therapies/0": CHEMO_LINE_1, "metastatic/visceral_crisis": True},
    {"therapies/0": CHEMO_LINE_1, "tumour/her2_ihc": "3+"},
    {"therapies/0": CHEMO_LINE_1, "tumour/er_percent": 0, "tumour/pr_percent": 0},
    {"therapies/0": {**CHEMO_LINE_1, "setting": "adjuvant"}},
])
def test_chemotherapy_warning_needs_every_condition(changes: dict[str, Any]) -> None:
    assert "CHEMO_FIRST_LINE_HR_POSITIVE" not in codes(run(changes))


def test_planned_first_line_chemotherapy_is_warned_about() -> None:
    out = run({"therapies/0": {**CHEMO_LINE_1, "start": "2025-07-01"}})
    assert "CHEMO_FIRST_LINE_HR_POSITIVE" in codes(out)
    assert out["response_window"]["status"] == "no_systemic_therapy"  # planned is not the anchor


@pytest.mark.parametrize(("as_of", "assessment", "status"), [
    (date(2025, 5, 2), None, "before_window"),
    (date(2025, 5, 3), None, "open"),
    (date(2025, 8, 3), None, "open"),
    (date(2025, 8, 4), None, "overdue"),
    (date(2025, 5, 3), "2025-05-03", "assessed"),
    (date(2025, 9, 1), "2025-08-20", "assessed"),
    (date(2025, 5, 2), "2025-05-01", "before_window"),
])
def test_window_status_at_both_boundaries(as_of: date, assessment: str | None, status: str) -> None:
    assessments = ([] if assessment is None else
                   [{"date": assessment, "target_mm": [20, 9], "non_target": "none", "new_lesions": False}])
    assert run({"recist/assessments": assessments}, as_of=as_of)["response_window"]["status"] == status


BASE_FIRST = {"kind": "systemic", "classes": ["endocrine"], "setting": "metastatic", "line": 1,
              "start": "2025-02-03", "end": None}


def test_no_systemic_therapy_and_the_latest_metastatic_line_is_the_anchor() -> None:
    assert run({"therapies": []})["response_window"] == {
        "therapy_start": None, "opens": None, "closes": None, "status": "no_systemic_therapy",
        "therapy_regimen": None}
    second = {**BASE_FIRST, "line": 2, "start": "2025-04-01"}
    adjuvant = {**BASE_FIRST, "setting": "adjuvant", "line": None, "start": "2025-05-01"}
    planned = {**BASE_FIRST, "line": 3, "start": "2025-07-01"}
    w = run({"therapies": [BASE_FIRST, second, adjuvant, planned]})["response_window"]
    assert (w["therapy_start"], w["opens"], w["closes"]) == ("2025-04-01", "2025-07-01", "2025-10-01")


def test_every_warning_is_sourced_and_every_reference_resolves() -> None:
    for changes, as_of in FIRES.values():
        out = run(changes, as_of=as_of)
        for w in out["warnings"]:
            assert w["severity"] in ("critical", "warning", "info")
            assert w["message"] and w["references"]
        cited = {r for w in out["warnings"] for r in w["references"]}
        cited |= {r for k in ("primary_tumour", "metastasis_directed_therapy") for r in out[k]["references"]}
        assert cited <= set(out["references"])
        assert all(ref["citation"] for ref in out["references"].values())
        assert len(out["warnings"]) == len(codes(out))  # each code at most once


def test_bone_only_is_not_met_without_any_distant_lesion() -> None:
    out = run({"metastatic/lesions": []})
    assert criteria(out)["bone_only"] is False
    assert out["disease"]["bone_only"] is False
    assert "no distant lesion" in out["primary_tumour"]["criteria"][0]["detail"]
