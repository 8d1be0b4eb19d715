"""recist: per-timepoint RECIST 1.1 as the recommend-v1 contract fixes it.

Contract: "Sum = sum of target diameters (nodal targets by short axis). Nadir = smallest sum so far,
baseline included. Target response: any target null -> NE; else PD if sum - nadir >= 5 mm and
(sum - nadir) / nadir >= 20% (a nadir of 0 makes any rise of 5 mm or more PD); else CR if every
non-nodal target is 0 and every nodal target < 10 mm; else PR if (sum - baseline) / baseline <= -30%;
else SD. Boundaries are exact (40 -> 28 mm is PR; compute without floating-point drift)."
"""

from __future__ import annotations

from typing import Any

import pytest
from rec_casekit import assessment, codes, evaluate, make_case, recist_block

BASELINE = "2025-01-06"
DATES = ["2025-03-03", "2025-05-05", "2025-07-07", "2025-09-08", "2025-11-10"]
AS_OF = "2025-12-15"
NON_TARGETS = ["CR", "non-CR/non-PD", "PD", "NE", "none"]


def run(targets: list[Any], steps: list[tuple[list[float | None], str, bool]] | list[list[float | None]],
        as_of: str = AS_OF) -> dict[str, Any]:
    """recist output for the given baseline targets and successive assessments (one per DATES entry)."""
    items = []
    for when, step in zip(DATES, steps, strict=False):
        mm, non_target, new = step if isinstance(step, tuple) else (step, "non-CR/non-PD", False)
        items.append(assessment(when, mm, non_target, new))
    out = evaluate(make_case(recist=recist_block(BASELINE, targets, items)), as_of)
    recist: dict[str, Any] = out["recist"]
    return recist


def targets_of(recist: dict[str, Any]) -> list[str | None]:
    return [tp["target"] for tp in recist["timepoints"]]


def overalls(recist: dict[str, Any]) -> list[str]:
    return [tp["overall"] for tp in recist["timepoints"]]


# ---------------------------------------------------------------- the contract's boundary examples

@pytest.mark.parametrize(("baseline", "sums", "want"), [
    (40, [28], "PR"),            # -30.0 %, boundary inclusive
    (40, [29], "SD"),            # -27.5 %
    (30, [18, 22], "SD"),        # nadir 18 -> 22: +22 % but only +4 mm
    (50, [40, 52], "PD"),        # nadir 40 -> 52: +30 %, +12 mm
    (40, [52], "PD"),            # the same from a baseline nadir
    (56, [68], "PD"),            # +21.4 %, +12 mm
])
def test_boundary_examples(baseline: float, sums: list[float], want: str) -> None:
    recist = run([baseline], [[s] for s in sums])
    assert targets_of(recist)[-1] == want
    assert overalls(recist)[-1] == want
    assert recist["latest"] == want


def test_new_lesion_is_pd_whatever_the_sums() -> None:
    recist = run([40], [([28], "non-CR/non-PD", True)])
    assert targets_of(recist) == ["PR"]
    assert overalls(recist) == ["PD"]
    assert recist["latest"] == "PD"


def test_pr_is_exactly_minus_30_percent_and_reported_as_such() -> None:
    tp = run([40], [[28]])["timepoints"][0]
    assert tp["sum_mm"] == pytest.approx(28)
    assert tp["change_from_baseline_pct"] == pytest.approx(-30.0, abs=0.05)
    assert tp["change_from_nadir_pct"] == pytest.approx(-30.0, abs=0.05)


# ---------------------------------------------------------------- nadir

def test_pd_is_measured_from_the_nadir_even_below_baseline() -> None:
    recist = run([100], [[50], [62]])  # -38 % from baseline, but +12 mm / +24 % from the nadir 50
    assert targets_of(recist) == ["PR", "PD"]
    tp = recist["timepoints"][1]
    assert tp["change_from_baseline_pct"] == pytest.approx(-38.0, abs=0.05)
    assert tp["change_from_nadir_pct"] == pytest.approx(24.0, abs=0.05)


def test_pr_is_measured_from_the_baseline_not_the_nadir() -> None:
    # 100 -> 80 (SD) -> 69: -31 % from baseline (PR), only -13.75 % from the nadir 80
    assert targets_of(run([100], [[80], [69]])) == ["SD", "PR"]
    # 100 -> 60 -> 65: +8 % / +5 mm from the nadir is not PD; still -35 % from baseline: PR
    assert targets_of(run([100], [[60], [65]])) == ["PR", "PR"]


def test_nadir_includes_the_baseline() -> None:
    # 40 -> 45 -> 50: only +11 % over the previous sum, but +25 % / +10 mm over the baseline nadir
    assert targets_of(run([40], [[45], [50]])) == ["SD", "PD"]


def test_nadir_is_the_smallest_earlier_sum_not_the_previous_one() -> None:
    # 50 -> 30 -> 34 -> 36: +6 mm / +20 % over the nadir 30, only +2 mm over the previous 34
    assert targets_of(run([50], [[30], [34], [36]])) == ["PR", "PR", "PD"]


def test_change_from_nadir_uses_the_earlier_nadir() -> None:
    recist = run([50], [[40], [52]])
    first, second = recist["timepoints"]
    assert first["change_from_nadir_pct"] == pytest.approx(-20.0, abs=0.05)
    assert second["change_from_baseline_pct"] == pytest.approx(4.0, abs=0.05)
    assert second["change_from_nadir_pct"] == pytest.approx(30.0, abs=0.05)


@pytest.mark.parametrize(("nadir", "now", "want"), [
    (25, 30, "PD"),      # +5 mm and +20 % exactly: both boundaries inclusive
    (25, 29.9, "SD"),    # +19.6 %, 4.9 mm
    (50, 60, "PD"),      # +20 % exactly, +10 mm
    (50, 59.9, "SD"),    # +19.8 %
    (20, 25, "PD"),      # +5 mm exactly, +25 %
    (20, 24.9, "SD"),    # +4.9 mm
])
def test_pd_needs_both_5_mm_and_20_percent_inclusive(nadir: float, now: float, want: str) -> None:
    assert targets_of(run([nadir], [[now]])) == [want]


def test_nadir_of_zero_any_rise_of_5_mm_is_pd() -> None:
    assert targets_of(run([10], [[0], [5]])) == ["CR", "PD"]


def test_nadir_of_zero_a_rise_under_5_mm_is_not_pd() -> None:
    # 4 mm of a non-nodal target is not CR; -60 % from baseline: PR
    assert targets_of(run([10], [[0], [4]])) == ["CR", "PR"]


# ---------------------------------------------------------------- CR with nodal targets

@pytest.mark.parametrize(("now", "want"), [
    ([0, 9], "CR"),       # nodal < 10 mm, non-nodal 0: CR although the sum is 9
    ([0, 9.9], "CR"),
    ([0, 10], "PR"),      # a 10 mm node is not CR
    ([1, 5], "PR"),       # a non-nodal target still present is not CR
])
def test_cr_needs_non_nodal_zero_and_nodes_under_10_mm(now: list[float], want: str) -> None:
    recist = run([30, (20, True)], [(now, "CR", False)])
    assert targets_of(recist) == [want]
    assert overalls(recist) == [want]


def test_only_nodal_targets_under_10_mm_is_cr() -> None:
    recist = run([(16, True), (15, True)], [([9, 8], "none", False)])
    assert targets_of(recist) == ["CR"]
    assert recist["timepoints"][0]["sum_mm"] == pytest.approx(17)


# ---------------------------------------------------------------- NE

def test_any_null_target_is_ne() -> None:
    recist = run([32, (18, True)], [[20, None]])
    assert targets_of(recist) == ["NE"]
    assert overalls(recist) == ["NE"]
    assert recist["latest"] == "NE"


def test_any_null_target_is_ne_even_if_the_others_have_grown() -> None:
    # contract: "any target null -> NE" comes before the PD test
    assert targets_of(run([32, (18, True)], [[80, None]])) == ["NE"]


def test_null_target_with_new_lesion_is_pd_overall() -> None:
    recist = run([32, 18], [([20, None], "non-CR/non-PD", True)])
    assert targets_of(recist) == ["NE"]
    assert overalls(recist) == ["PD"]


# ---------------------------------------------------------------- overall response tables

TARGET_SUMS = {"CR": [0], "PR": [30], "SD": [45], "PD": [65], "NE": [None]}  # baseline 50


def overall_with_targets(target: str, non_target: str, new: bool) -> str:
    if new or non_target == "PD" or target == "PD":
        return "PD"
    if target == "CR":
        return "CR" if non_target in ("CR", "none") else "PR"
    return target  # PR -> PR, SD -> SD, NE -> NE


@pytest.mark.parametrize("new", [False, True])
@pytest.mark.parametrize("non_target", NON_TARGETS)
@pytest.mark.parametrize("target", list(TARGET_SUMS))
def test_overall_response_with_target_disease(target: str, non_target: str, new: bool) -> None:
    recist = run([50], [(TARGET_SUMS[target], non_target, new)])
    assert targets_of(recist) == [target]
    assert overalls(recist) == [overall_with_targets(target, non_target, new)]
    assert recist["latest"] == overall_with_targets(target, non_target, new)


@pytest.mark.parametrize(("non_target", "new", "want"), [
    ("CR", False, "CR"),
    ("non-CR/non-PD", False, "non-CR/non-PD"),
    ("NE", False, "NE"),
    ("PD", False, "PD"),
    ("none", False, "non-CR/non-PD"),
    ("CR", True, "PD"),
    ("non-CR/non-PD", True, "PD"),
    ("NE", True, "PD"),
    ("PD", True, "PD"),
    ("none", True, "PD"),
])
def test_overall_response_with_non_target_disease_only(non_target: str, new: bool, want: str) -> None:
    recist = run([], [([], non_target, new)])
    assert targets_of(recist) == [None]
    assert overalls(recist) == [want]
    assert recist["latest"] == want


# ---------------------------------------------------------------- exact decimal arithmetic

@pytest.mark.parametrize(("baseline", "now", "want"), [
    # 30.3 -> 21.21 is exactly -30 %; in binary floating point (21.21 - 30.3) / 30.3 > -0.3
    ([10.1, 20.2], [7.07, 14.14], "PR"),
    ([10.1, 20.2], [7.08, 14.14], "SD"),
    ([40.8, 48.4], [6.67, 55.77], "PR"),
    ([17.8, 17.7], [6.0, 18.85], "PR"),
    # 38.9 -> 46.68 is exactly +20 % (+7.78 mm); floats make it 19.999... %
    ([20.1, 18.8], [33.3, 13.38], "PD"),
    ([20.1, 18.8], [33.3, 13.37], "SD"),
    # 21.1 -> 26.1 is exactly +5 mm (+23.7 %); floats make the rise 4.999... mm
    ([10.8, 10.3], [5.7, 20.4], "PD"),
    ([10.8, 10.3], [5.7, 20.39], "SD"),
])
def test_boundaries_are_exact_with_decimal_millimetres(baseline: list[float], now: list[float], want: str) -> None:
    assert targets_of(run(baseline, [now])) == [want]


def test_exact_minus_30_percent_is_reported_as_minus_30() -> None:
    tp = run([10.1, 20.2], [[7.07, 14.14]])["timepoints"][0]
    assert tp["change_from_baseline_pct"] == pytest.approx(-30.0, abs=0.05)
    assert tp["sum_mm"] == pytest.approx(21.21)


# ---------------------------------------------------------------- latest, as-of, baseline

def test_latest_is_the_last_assessment_on_or_before_as_of() -> None:
    recist = run([50], [[40], [30]], as_of=DATES[1])  # as-of on the second assessment's date
    assert overalls(recist) == ["SD", "PR"]
    assert recist["latest"] == "PR"


def test_assessments_after_as_of_are_ignored() -> None:
    recist = run([50], [[30], ([80], "PD", True)], as_of="2025-05-04")  # the PD is dated 2025-05-05
    assert [tp["date"] for tp in recist["timepoints"]] == [DATES[0]]
    assert recist["latest"] == "PR"


def test_latest_is_by_date_not_by_list_position() -> None:
    # by date: 40 (SD) then 30 (PR); read in list order it would be 30 then 40 (PD from the nadir 30)
    items = [assessment("2025-07-07", [30]), assessment("2025-03-03", [40])]
    out = evaluate(make_case(recist=recist_block(BASELINE, [50], items)), AS_OF)
    assert out["recist"]["latest"] == "PR"


def test_no_recist_without_a_baseline() -> None:
    assert evaluate(make_case(), AS_OF)["recist"] is None
    assert evaluate(make_case(recist=None), AS_OF)["recist"] is None


def test_latest_is_null_without_assessments() -> None:
    out = evaluate(make_case(recist=recist_block(BASELINE, [50])), AS_OF)
    assert out["recist"] is not None
    assert out["recist"]["timepoints"] == []
    assert out["recist"]["latest"] is None


def test_latest_is_null_when_every_assessment_is_after_as_of() -> None:
    recist = run([50], [[30]], as_of="2025-03-02")
    assert recist["timepoints"] == []
    assert recist["latest"] is None


def test_timepoint_fields() -> None:
    recist = run([32, (18, True)], [[20, 9]])
    (tp,) = recist["timepoints"]
    assert tp["date"] == DATES[0]
    assert tp["sum_mm"] == pytest.approx(29)
    assert tp["change_from_baseline_pct"] == pytest.approx(-42.0, abs=0.05)
    assert tp["change_from_nadir_pct"] == pytest.approx(-42.0, abs=0.05)
    assert tp["target"] == "PR"
    assert tp["overall"] == "PR"


def test_progressive_disease_warning_follows_the_latest_response() -> None:
    items = [assessment(DATES[0], [30]), assessment(DATES[1], [80])]
    out = evaluate(make_case(recist=recist_block(BASELINE, [50], items)), AS_OF)
    assert "PROGRESSIVE_DISEASE" in codes(out)
    out = evaluate(make_case(recist=recist_block(BASELINE, [50], items)), DATES[0])
    assert "PROGRESSIVE_DISEASE" not in codes(out)


def test_pd_is_tested_before_cr_even_for_nodes_under_10_mm() -> None:
    # contract order: "... else PD if ...; else CR if ..." - a node back to 8 mm from a nadir of 0 is a
    # rise of 8 mm over a nadir of 0, which the contract makes PD before CR is considered
    assert targets_of(run([(20, True)], [[0], [8]])) == ["CR", "PD"]
    assert targets_of(run([30, (20, True)], [[0, 4], [0, 9.5]])) == ["CR", "PD"]


def test_a_baseline_dated_after_as_of_is_not_yet_evidence() -> None:
    # "Nothing dated after it [as-of] is evidence": without a baseline, recist is null
    out = evaluate(make_case(recist=recist_block("2025-07-01", [], [])), "2025-06-30")
    assert out["recist"] is None
    assert "NON_MEASURABLE_DISEASE" not in codes(out)
    out = evaluate(make_case(recist=recist_block("2025-07-01", [], [])), "2025-07-01")
    assert "NON_MEASURABLE_DISEASE" in codes(out)
