"""The reference tables (shared/clinical/reference-tables.md), row by row."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from casebuilder import run

from tumorboard.domain.vocab import NonTargetResponse as NT
from tumorboard.recommend.response import overall_response
from tumorboard.recommend.staging import ajcc8_anatomic_stage

T1 = ["T1mi", "T1", "T1a", "T1b", "T1c"]
T4 = ["T4", "T4a", "T4b", "T4c", "T4d"]
N1 = ["N1", "N1a", "N1b", "N1c"]
N2 = ["N2", "N2a", "N2b"]
N3 = ["N3", "N3a", "N3b", "N3c"]

AJCC_ROWS = [
    ("0", ["Tis"], ["N0"]), ("IA", T1, ["N0"]), ("IB", ["T0"], ["N1mi"]), ("IB", T1, ["N1mi"]),
    ("IIA", ["T0"], N1), ("IIA", T1, N1), ("IIA", ["T2"], ["N0"]),
    ("IIB", ["T2"], N1), ("IIB", ["T3"], ["N0"]),
    ("IIIA", ["T0"], N2), ("IIIA", T1, N2), ("IIIA", ["T2"], N2), ("IIIA", ["T3"], N1), ("IIIA", ["T3"], N2),
    ("IIIB", T4, ["N0"]), ("IIIB", T4, N1), ("IIIB", T4, N2),
]


@pytest.mark.parametrize(("stage", "ts", "ns"), AJCC_ROWS)
def test_ajcc_anatomic_rows(stage: str, ts: list[str], ns: list[str]) -> None:
    for t in ts:
        for n in ns:
            assert ajcc8_anatomic_stage(t, n, "M0") == stage, (t, n)


ALL_T = ["TX", "T0", "Tis", *T1, "T2", "T3", *T4]
ALL_N = ["NX", "N0", "N1mi", *N1, *N2, *N3]


def test_m1_is_stage_iv_whatever_t_and_n() -> None:
    assert {ajcc8_anatomic_stage(t, n, "M1") for t in ALL_T for n in ALL_N} == {"IV"}


def test_n3_m0_is_iiic_whatever_t() -> None:
    assert {ajcc8_anatomic_stage(t, n, "M0") for t in ALL_T for n in N3} == {"IIIC"}


@pytest.mark.parametrize(("t", "n", "stage"), [
    ("TX", "N0", None), ("T2", "NX", None), ("TX", "NX", None), ("T0", "N0", None),
    ("Tis", "N1", None), ("Tis", "N1mi", None), ("Tis", "N2", None),
    ("T2", "N1mi", "IIB"), ("T3", "N1mi", "IIIA"), ("T4b", "N1mi", "IIIB"),  # N1mi -> N1 rows
])
def test_unlisted_combinations_and_n1mi_routing(t: str, n: str, stage: str | None) -> None:
    assert ajcc8_anatomic_stage(t, n, "M0") == stage


def test_stage_comes_through_the_output() -> None:
    assert run({"tumour/t": "T3", "tumour/n": "N0", "tumour/m": "M0"})["stage"]["ajcc8_anatomic"] == "IIB"


TARGET_TABLE = [
    ("CR", NT.CR, False, "CR"), ("CR", NT.NON_CR_NON_PD, False, "PR"), ("CR", NT.NE, False, "PR"),
    ("CR", NT.NONE, False, "CR"),
    ("PR", NT.NON_CR_NON_PD, False, "PR"), ("PR", NT.NE, False, "PR"), ("PR", NT.CR, False, "PR"),
    ("SD", NT.NON_CR_NON_PD, False, "SD"), ("SD", NT.NE, False, "SD"),
    ("NE", NT.NON_CR_NON_PD, False, "NE"),
    ("PD", NT.CR, False, "PD"), ("PD", NT.NON_CR_NON_PD, True, "PD"),
    ("SD", NT.PD, False, "PD"), ("CR", NT.PD, False, "PD"), ("PR", NT.NON_CR_NON_PD, True, "PD"),
]


@pytest.mark.parametrize(("target", "non_target", "new", "overall"), TARGET_TABLE)
def test_overall_response_with_target_disease(target: str, non_target: NT, new: bool, overall: str) -> None:
    assert overall_response(target, non_target, new) == overall


@pytest.mark.parametrize(("non_target", "new", "overall"), [
    (NT.CR, False, "CR"), (NT.NON_CR_NON_PD, False, "non-CR/non-PD"), (NT.NE, False, "NE"),
    (NT.PD, False, "PD"), (NT.CR, True, "PD"), (NT.NONE, False, "non-CR/non-PD"),
])
def test_overall_response_without_targets(non_target: NT, new: bool, overall: str) -> None:
    assert overall_response(None, non_target, new) == overall


def one_target(baseline: float, values: list[float | None], non_target: str = "non-CR/non-PD",
               new: bool = False) -> dict[str, Any]:
    assessments = [{"date": f"2025-0{3 + i}-15", "target_mm": [v], "non_target": non_target,
                    "new_lesions": new and i == len(values) - 1} for i, v in enumerate(values)]
    out = run({"recist/targets": [{"name": "t", "nodal": False, "baseline_mm": baseline}],
               "recist/assessments": assessments})
    return out["recist"]


@pytest.mark.parametrize(("baseline", "values", "expected"), [
    (40, [28], "PR"),               # -30.0%, boundary inclusive
    (40, [29], "SD"),               # -27.5%
    (20, [18, 22], "SD"),           # nadir 18 -> 22: +22% but only +4 mm
    (40, [40, 52], "PD"),           # nadir 40 -> 52: +30%, +12 mm
    (56, [68], "PD"),               # +21.4%, +12 mm
    (40, [30, 29, 35], "PD"),       # over the nadir 29: +6 mm and +20.7%, both thresholds met
    (40, [30, 29, 34], "SD"),       # over the nadir 29: +5 mm but +17.2%
])
def test_recist_boundary_examples(baseline: float, values: list[float], expected: str) -> None:
    assert one_target(baseline, values)["timepoints"][-1]["target"] == expected


def test_any_sums_with_a_new_lesion_are_pd() -> None:
    assert one_target(40, [20], new=True)["timepoints"][-1]["overall"] == "PD"


def test_decimal_boundaries_have_no_float_drift() -> None:
    # 10.1 + 20.2 + 9.7 = 40.0 exactly in decimals; 30% less is 28.0.
    out = run({"recist/targets": [{"name": "a", "nodal": False, "baseline_mm": 10.1},
                                  {"name": "b", "nodal": False, "baseline_mm": 20.2},
                                  {"name": "c", "nodal": False, "baseline_mm": 9.7}],
               "recist/assessments": [{"date": "2025-06-02", "target_mm": [7.1, 14.2, 6.7],
                                       "non_target": "none", "new_lesions": False}]})
    tp = out["recist"]["timepoints"][0]
    assert tp["target"] == "PR" and tp["sum_mm"] == 28 and tp["change_from_baseline_pct"] == -30.0


def test_nadir_zero_then_five_millimetres_is_pd() -> None:
    r = one_target(10, [0, 5])
    assert [tp["target"] for tp in r["timepoints"]] == ["CR", "PD"]


def test_nodal_targets_below_ten_millimetres_count_as_cr() -> None:
    out = run({"recist/assessments/0/target_mm": [0, 9], "recist/assessments/0/non_target": "CR"})
    assert out["recist"]["timepoints"][0]["target"] == "CR"
    assert out["recist"]["timepoints"][0]["overall"] == "CR"
    out = run({"recist/assessments/0/target_mm": [0, 10]})
    assert out["recist"]["timepoints"][0]["target"] == "PR"  # 10 mm node is not CR; -80% is PR


def test_a_missing_measurement_makes_the_target_ne() -> None:
    out = run({"recist/assessments/0/target_mm": [20, None]})
    tp = out["recist"]["timepoints"][0]
    assert tp["target"] == "NE" and tp["overall"] == "NE" and tp["sum_mm"] is None


def test_pd_is_measured_from_the_nadir_and_pr_from_baseline() -> None:
    r = one_target(50, [30, 36])  # baseline 50: 30 is PR; 36 is +20% and +6 over nadir 30
    assert [tp["target"] for tp in r["timepoints"]] == ["PR", "PD"]
    r = one_target(50, [30, 34])  # +4 mm over the nadir: not PD; -32% vs baseline: PR
    assert [tp["target"] for tp in r["timepoints"]] == ["PR", "PR"]


def test_latest_response_ignores_assessments_after_as_of() -> None:
    out = run({"recist/assessments": [
        {"date": "2025-06-02", "target_mm": [20, 9], "non_target": "none", "new_lesions": False},
        {"date": "2025-07-02", "target_mm": [40, 20], "non_target": "PD", "new_lesions": True}]})
    assert out["recist"]["latest"] == "PR" and len(out["recist"]["timepoints"]) == 1


def test_no_baseline_means_no_recist_and_no_assessment_means_no_latest() -> None:
    assert run({"recist": None})["recist"] is None
    assert run({"recist/assessments": []})["recist"] == {"timepoints": [], "latest": None}


@pytest.mark.parametrize(("start", "opens", "closes"), [
    ("2025-08-31", "2025-11-30", "2026-02-28"),
    ("2024-08-31", "2024-11-30", "2025-02-28"),
    ("2023-08-31", "2023-11-30", "2024-02-29"),
    ("2025-03-31", "2025-06-30", "2025-09-30"),
    ("2025-05-31", "2025-08-31", "2025-11-30"),
    ("2024-11-30", "2025-02-28", "2025-05-30"),
])
def test_window_month_end_clamping(start: str, opens: str, closes: str) -> None:
    out = run({"therapies/0/start": start, "recist": None}, as_of=date(2026, 6, 1))
    w = out["response_window"]
    assert (w["therapy_start"], w["opens"], w["closes"]) == (start, opens, closes)


@pytest.mark.parametrize(("tumour_dx", "met_dx", "expected"), [
    ("2025-01-20", "2025-07-20", "synchronous_omd"),        # exactly 6 months: synchronous
    ("2025-01-20", "2025-07-21", "metachronous_oligorecurrence"),
    ("2024-08-31", "2025-02-28", "synchronous_omd"),        # 31 Aug + 6 months clamps to 28 Feb
    ("2024-08-31", "2025-03-01", "metachronous_oligorecurrence"),
])
def test_six_month_synchronous_cut_off(tumour_dx: str, met_dx: str, expected: str) -> None:
    out = run({"tumour/diagnosis_date": tumour_dx, "metastatic/diagnosis_date": met_dx,
               "therapies/0/start": "2025-08-01"}, as_of=date(2025, 9, 1))
    assert out["disease"]["omd_classification"] == expected


def _classify(changes: dict[str, Any], as_of: date = date(2025, 9, 1)) -> str:
    result: str = run(changes, as_of=as_of)["disease"]["omd_classification"]
    return result


ADJUVANT = {"kind": "systemic", "classes": ["endocrine"], "setting": "adjuvant", "line": None,
            "start": "2021-03-01", "end": "2026-03-01"}


def test_every_estro_eortc_class() -> None:
    later = {"tumour/diagnosis_date": "2020-01-10", "metastatic/diagnosis_date": "2025-03-01",
             "therapies/0/start": "2025-03-15"}
    assert _classify({}) == "synchronous_omd"
    assert _classify(later) == "metachronous_oligorecurrence"
    assert _classify({**later, "therapies": [ADJUVANT, BASE_SYSTEMIC]}) == "metachronous_oligoprogression"
    for family, flag in (("repeat", "prior_oligometastatic"), ("induced", "prior_polymetastatic")):
        hist = {f"metastatic/history/{flag}": True}
        # state date 2025-03-01: systemic therapy active from 2025-02-03
        assert _classify({**hist, "metastatic/current_state_date": "2025-03-01"}) == f"{family}_oligopersistence"
        assert _classify({**hist, "metastatic/current_state_date": "2025-01-21"}) == f"{family}_oligorecurrence"
        pd = {**hist, "metastatic/current_state_date": "2025-06-02",
              "recist/assessments/0/new_lesions": True}
        assert _classify(pd) == f"{family}_oligoprogression"
    assert _classify({"metastatic/diffuse": True}) == "not_omd"
    six = [{"organ": "liver"}] * 6
    assert _classify({"metastatic/lesions": six}) == "not_omd"
    assert _classify({"metastatic/lesions": []}) == "no_metastases"


BASE_SYSTEMIC = {"kind": "systemic", "classes": ["endocrine"], "setting": "metastatic", "line": 1,
                 "start": "2025-03-15", "end": None}


def test_repeat_family_without_therapy_at_the_diagnosis_date_defaults_state_to_diagnosis() -> None:
    # No current_state_date: the state date is the diagnosis date 2025-01-20, before therapy.
    assert _classify({"metastatic/history/prior_oligometastatic": True}) == "repeat_oligorecurrence"


def test_a_planned_therapy_is_not_active() -> None:
    """Started after the evaluation date = planned: not active at the metastatic diagnosis."""
    changes = {"tumour/diagnosis_date": "2020-01-10", "metastatic/diagnosis_date": "2025-03-01",
               "therapies": [{**ADJUVANT, "start": "2025-02-01", "end": None}]}
    assert _classify(changes, as_of=date(2025, 1, 1)) == "metachronous_oligorecurrence"
    assert _classify(changes, as_of=date(2025, 3, 1)) == "metachronous_oligoprogression"
