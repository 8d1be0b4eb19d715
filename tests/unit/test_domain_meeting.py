"""Meeting rules: quorum, concordance reasons, quorum override, carry-over, sign-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tumorboard.domain.meeting import (
    DEFAULT_QUORUM,
    AgendaTriage,
    Concordance,
    DeviationReason,
    Discipline,
    MeetingError,
    Quorum,
    QuorumOverride,
    carry_over,
    check_decision_quorum,
    check_triage,
    next_weekly,
)

BREAST = Quorum(DEFAULT_QUORUM["breast"])
D = Discipline


def test_breast_quorum_needs_the_five_core_disciplines() -> None:
    core = {D.BREAST_SURGERY, D.MEDICAL_ONCOLOGY, D.RADIATION_ONCOLOGY, D.RADIOLOGY, D.PATHOLOGY}
    assert BREAST.is_met(core)
    assert BREAST.is_met(core | {D.SPECIALIST_NURSING})
    without_pathology = core - {D.PATHOLOGY}
    assert not BREAST.is_met(without_pathology)
    assert BREAST.missing(without_pathology) == [D.PATHOLOGY]


@given(st.sets(st.sampled_from(list(Discipline))))
def test_quorum_is_met_exactly_when_nothing_required_is_missing(present: set[Discipline]) -> None:
    assert BREAST.is_met(present) == BREAST.required.issubset(present)


def test_a_decision_without_quorum_needs_the_chairs_override() -> None:
    present = {D.BREAST_SURGERY, D.MEDICAL_ONCOLOGY}
    with pytest.raises(MeetingError, match="Radiology"):
        check_decision_quorum(BREAST, present, None)
    with pytest.raises(MeetingError):
        check_decision_quorum(BREAST, present, QuorumOverride("Dr Chair", "  ", datetime.now(UTC)))
    check_decision_quorum(BREAST, present,
                          QuorumOverride("Dr Chair", "pathology reviewed beforehand", datetime.now(UTC)))


def test_a_deviation_needs_a_reason_and_judgement_needs_text() -> None:
    Concordance(True).check()
    with pytest.raises(MeetingError, match="needs a reason"):
        Concordance(False).check()
    Concordance(False, DeviationReason.PATIENT_PREFERENCE).check()
    with pytest.raises(MeetingError, match="reasoning"):
        Concordance(False, DeviationReason.CLINICIAN_JUDGEMENT, " ").check()
    Concordance(False, DeviationReason.CLINICIAN_JUDGEMENT, "frailty not captured by ECOG").check()


def test_listed_not_discussed_needs_a_responsible_clinician() -> None:
    with pytest.raises(MeetingError, match="responsible"):
        check_triage(AgendaTriage.LISTED_NOT_DISCUSSED, None, decided=False)
    with pytest.raises(MeetingError, match="responsible"):
        check_triage(AgendaTriage.LISTED_NOT_DISCUSSED, "  ", decided=False)
    check_triage(AgendaTriage.LISTED_NOT_DISCUSSED, "Dr X", decided=False)
    check_triage(AgendaTriage.FOR_DISCUSSION, None, decided=True)
    with pytest.raises(MeetingError, match="was discussed"):
        check_triage(AgendaTriage.LISTED_NOT_DISCUSSED, "Dr X", decided=True)


@dataclass(frozen=True)
class _Item:
    mrn: str
    triage: str
    discussed: bool


def test_undiscussed_cases_for_discussion_carry_over() -> None:
    entries = [
        _Item("A1", AgendaTriage.FOR_DISCUSSION.value, discussed=True),
        _Item("A2", AgendaTriage.FOR_DISCUSSION.value, discussed=False),
        _Item("A3", AgendaTriage.LISTED_NOT_DISCUSSED.value, discussed=False),
    ]
    assert [e.mrn for e in carry_over(entries)] == ["A2"]


def test_weekly_recurrence_is_the_same_weekday_a_week_later() -> None:
    assert next_weekly(date(2026, 12, 31)) == date(2027, 1, 7)
    assert next_weekly(date(2026, 12, 31)).weekday() == date(2026, 12, 31).weekday()
