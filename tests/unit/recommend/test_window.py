"""response_window and the warnings that depend on it.

Contract: "Anchor therapy = the systemic therapy with setting: metastatic and the latest start on or
before as-of. No such therapy: no response window. Response window = [anchor start + 3 calendar
months, anchor start + 6 calendar months], both ends inclusive; a day that does not exist in the target
month clamps to that month's last day (2025-08-31 + 3 months = 2025-11-30)."
Statuses: no_systemic_therapy | before_window (as-of < opens) | open (in the window, no assessment yet
on/after opens) | assessed (an assessment on/after opens exists) | overdue (as-of > closes, none on/after
opens).
"""

from __future__ import annotations

from typing import Any

import pytest
from rec_casekit import (
    add_months,
    assessment,
    bma,
    codes,
    d,
    evaluate,
    make_case,
    recist_block,
    systemic,
    window,
)

START = "2025-01-15"
OPENS = "2025-04-15"
CLOSES = "2025-07-15"
BASELINE = "2025-01-10"


def case(therapies: list[dict[str, Any]] | None = None, assessed_on: tuple[str, ...] = ()) -> dict[str, Any]:
    changes: dict[str, Any] = {"therapies": [systemic(START)] if therapies is None else therapies}
    if assessed_on or therapies is None:
        changes["recist"] = recist_block(BASELINE, [50], [assessment(day, [45]) for day in assessed_on])
    return make_case(**changes)


def status(doc: dict[str, Any], as_of: str) -> str:
    return str(evaluate(doc, as_of)["response_window"]["status"])


# ---------------------------------------------------------------- window dates, month-end clamping

@pytest.mark.parametrize(("start", "opens", "closes"), [
    ("2025-08-31", "2025-11-30", "2026-02-28"),   # the contract's example
    ("2024-08-31", "2024-11-30", "2025-02-28"),
    ("2023-08-31", "2023-11-30", "2024-02-29"),   # leap year
    ("2023-11-30", "2024-02-29", "2024-05-30"),   # leap year
    ("2024-11-30", "2025-02-28", "2025-05-30"),
    ("2024-11-29", "2025-02-28", "2025-05-29"),
    ("2024-02-29", "2024-05-29", "2024-08-29"),
    ("2025-03-31", "2025-06-30", "2025-09-30"),
    ("2025-05-31", "2025-08-31", "2025-11-30"),
    ("2025-10-31", "2026-01-31", "2026-04-30"),
    ("2025-12-31", "2026-03-31", "2026-06-30"),   # year roll-over
    ("2025-01-15", "2025-04-15", "2025-07-15"),
    ("2025-02-03", "2025-05-03", "2025-08-03"),
])
def test_window_is_plus_3_and_plus_6_calendar_months_clamped(start: str, opens: str, closes: str) -> None:
    assert (add_months(d(start), 3).isoformat(), add_months(d(start), 6).isoformat()) == (opens, closes)
    out = evaluate(make_case(therapies=[systemic(start)]), start)
    assert window(out) == {"therapy_start": start, "opens": opens, "closes": closes, "status": "before_window"}


# ---------------------------------------------------------------- statuses at their boundaries

def test_no_systemic_therapy() -> None:
    out = evaluate(make_case(therapies=[]), "2025-06-01")
    assert window(out) == {"therapy_start": None, "opens": None, "closes": None, "status": "no_systemic_therapy"}


@pytest.mark.parametrize(("as_of", "want"), [
    (START, "before_window"),
    ("2025-04-14", "before_window"),
    (OPENS, "open"),
    ("2025-06-01", "open"),
    (CLOSES, "open"),
    ("2025-07-16", "overdue"),
    ("2026-03-01", "overdue"),
])
def test_status_without_assessments(as_of: str, want: str) -> None:
    assert status(case(), as_of) == want


@pytest.mark.parametrize(("assessed_on", "as_of", "want"), [
    (OPENS, OPENS, "assessed"),               # an assessment on the opening day counts
    ("2025-04-14", "2025-05-01", "open"),     # the day before does not
    ("2025-04-14", "2025-07-16", "overdue"),
    (CLOSES, CLOSES, "assessed"),
    (CLOSES, "2025-09-01", "assessed"),
    ("2025-07-16", "2025-09-01", "assessed"),  # late, but assessed
    ("2025-05-02", "2025-05-01", "open"),     # an assessment after as-of is not evidence
    ("2025-07-20", "2025-07-19", "overdue"),
])
def test_status_with_one_assessment(assessed_on: str, as_of: str, want: str) -> None:
    assert status(case(assessed_on=(assessed_on,)), as_of) == want


# ---------------------------------------------------------------- which therapy anchors the window

def test_adjuvant_and_neoadjuvant_therapies_do_not_anchor() -> None:
    therapies = [systemic("2024-01-10", "2024-05-01", setting="neoadjuvant", classes=("chemotherapy",)),
                 systemic("2024-07-01", None, setting="adjuvant")]
    assert window(evaluate(make_case(therapies=therapies), "2025-06-01"))["status"] == "no_systemic_therapy"


def test_systemic_therapy_without_a_setting_does_not_anchor() -> None:
    therapies = [systemic("2025-01-15", setting=None)]
    assert window(evaluate(make_case(therapies=therapies), "2025-06-01"))["status"] == "no_systemic_therapy"


@pytest.mark.parametrize("kind", ["bone_modifying", "surgery", "radiotherapy", "ablation"])
def test_other_kinds_do_not_anchor(kind: str) -> None:
    therapies = [{"kind": kind, "start": "2025-01-15", "end": None}]
    assert window(evaluate(make_case(therapies=therapies), "2025-06-01"))["status"] == "no_systemic_therapy"


def test_a_planned_metastatic_therapy_alone_gives_no_window() -> None:
    out = evaluate(make_case(therapies=[systemic("2025-06-02")]), "2025-06-01")
    assert window(out)["status"] == "no_systemic_therapy"


def test_a_later_planned_line_is_ignored() -> None:
    therapies = [systemic(START), systemic("2025-06-02", line=2)]
    out = evaluate(make_case(therapies=therapies), "2025-06-01")
    assert window(out) == {"therapy_start": START, "opens": OPENS, "closes": CLOSES, "status": "open"}


@pytest.mark.parametrize("reverse", [False, True])
def test_the_latest_started_metastatic_therapy_anchors(reverse: bool) -> None:
    therapies = [systemic("2024-03-01", "2024-12-20", line=1), systemic(START, line=2),
                 systemic("2025-03-01", setting="adjuvant"), bma("2025-03-10")]
    out = evaluate(make_case(therapies=therapies[::-1] if reverse else therapies), "2025-06-01")
    assert window(out)["therapy_start"] == START


def test_an_ended_metastatic_therapy_still_anchors() -> None:
    out = evaluate(make_case(therapies=[systemic(START, "2025-03-01")]), "2025-06-01")
    assert window(out) == {"therapy_start": START, "opens": OPENS, "closes": CLOSES, "status": "open"}


def test_a_therapy_starting_on_as_of_anchors() -> None:
    assert window(evaluate(make_case(therapies=[systemic(START)]), START))["therapy_start"] == START


# ---------------------------------------------------------------- ASSESSMENT_TOO_EARLY

@pytest.mark.parametrize("as_of", ["2025-04-01", "2025-05-01", "2025-08-01"])
def test_assessment_too_early_fires(as_of: str) -> None:
    assert "ASSESSMENT_TOO_EARLY" in codes(evaluate(case(assessed_on=("2025-03-01",)), as_of))


def test_assessment_too_early_fires_for_the_day_before_opening() -> None:
    assert "ASSESSMENT_TOO_EARLY" in codes(evaluate(case(assessed_on=("2025-04-14",)), "2025-05-01"))


def test_assessment_too_early_is_silent_once_assessed_in_the_window() -> None:
    out = evaluate(case(assessed_on=("2025-03-01", "2025-04-20")), "2025-05-01")
    assert "ASSESSMENT_TOO_EARLY" not in codes(out)


def test_assessment_too_early_ignores_assessments_before_the_anchor_start() -> None:
    out = evaluate(case(assessed_on=("2025-01-12",)), "2025-05-01")
    assert "ASSESSMENT_TOO_EARLY" not in codes(out)


def test_assessment_on_the_anchor_start_day_is_not_after_it() -> None:
    out = evaluate(case(assessed_on=(START,)), "2025-05-01")
    assert "ASSESSMENT_TOO_EARLY" not in codes(out)


def test_assessment_too_early_is_silent_without_an_anchor() -> None:
    out = evaluate(case(therapies=[], assessed_on=("2025-03-01",)), "2025-05-01")
    assert "ASSESSMENT_TOO_EARLY" not in codes(out)


def test_assessment_too_early_ignores_an_early_assessment_after_as_of() -> None:
    out = evaluate(case(assessed_on=("2025-03-01",)), "2025-02-28")
    assert "ASSESSMENT_TOO_EARLY" not in codes(out)


def test_assessment_too_early_against_the_later_anchor() -> None:
    # 2025-03-01 lies after the first line's window opened but before the current (second) line's
    therapies = [systemic("2024-06-03", "2025-01-10", line=1), systemic(START, line=2)]
    out = evaluate(case(therapies=therapies, assessed_on=("2025-03-01",)), "2025-05-01")
    assert "ASSESSMENT_TOO_EARLY" in codes(out)
    assert window(out)["status"] == "open"


# ---------------------------------------------------------------- RESPONSE_ASSESSMENT_OVERDUE

def test_overdue_fires_the_day_after_closing() -> None:
    out = evaluate(case(), "2025-07-16")
    assert window(out)["status"] == "overdue"
    assert "RESPONSE_ASSESSMENT_OVERDUE" in codes(out)


@pytest.mark.parametrize(("assessed_on", "as_of"), [((), CLOSES), ((), "2025-04-20"), (("2025-05-01",), "2025-09-01")])
def test_overdue_is_silent_otherwise(assessed_on: tuple[str, ...], as_of: str) -> None:
    assert "RESPONSE_ASSESSMENT_OVERDUE" not in codes(evaluate(case(assessed_on=assessed_on), as_of))


def test_overdue_with_an_early_assessment_gives_both_warnings() -> None:
    out = evaluate(case(assessed_on=("2025-03-01",)), "2025-08-01")
    assert {"RESPONSE_ASSESSMENT_OVERDUE", "ASSESSMENT_TOO_EARLY"} <= codes(out)


# ---------------------------------------------------------------- LATE_ASSESSMENT

def test_late_assessment_fires_when_the_first_in_window_assessment_is_after_closing() -> None:
    out = evaluate(case(assessed_on=("2025-07-16",)), "2025-09-01")
    assert window(out)["status"] == "assessed"
    assert "LATE_ASSESSMENT" in codes(out)
    assert "RESPONSE_ASSESSMENT_OVERDUE" not in codes(out)


@pytest.mark.parametrize("assessed_on", [(CLOSES,), (OPENS,), ("2025-05-01", "2025-08-01")])
def test_late_assessment_is_silent_when_the_first_one_is_in_the_window(assessed_on: tuple[str, ...]) -> None:
    assert "LATE_ASSESSMENT" not in codes(evaluate(case(assessed_on=assessed_on), "2025-09-01"))


def test_late_assessment_ignores_an_assessment_dated_after_as_of() -> None:
    out = evaluate(case(assessed_on=("2025-08-20",)), "2025-08-01")
    assert "LATE_ASSESSMENT" not in codes(out)
    assert "RESPONSE_ASSESSMENT_OVERDUE" in codes(out)
