"""The decision form's input, arbitrary: either the decision is recorded whole (the first one, or
a replacement with its reason that keeps the one replaced), or it is refused with a message naming
the field, and nothing of it is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tumorboard.domain.meeting import DecisionAction, DecisionCategory, DeviationReason, MeetingError
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.store import Database

DAY = date(2025, 6, 10)
TEXT = st.text(max_size=40) | st.sampled_from(["\x00", "a\x00b", " "])  # NUL: PostgreSQL refuses it

DECISIONS = st.builds(
    DecisionInput, category=st.none() | st.sampled_from(DecisionCategory), text=TEXT,
    concordant=st.none() | st.booleans(),  # None: not answered (no default answers)
    deviation_reason=st.none() | st.sampled_from(DeviationReason), deviation_text=st.none() | TEXT,
    actions=st.lists(st.builds(DecisionAction, TEXT, TEXT, st.none() | st.dates()), max_size=3).map(tuple),
    patient_preferences=st.none() | TEXT, counselling_delivered=st.lists(TEXT, max_size=3).map(tuple))


@pytest.fixture
def meeting(db: Database, example_files: list[Path]) -> tuple[MeetingService, int]:
    CaseService(db, today=lambda: DAY).import_documents([(f.name, f.read_bytes()) for f in example_files[:1]])
    service = MeetingService(db, today=lambda: DAY, render=lambda m: b"%PDF")
    BoardService(db).create("Breast MDT")
    meeting_id = service.create_meeting("Breast MDT", DAY, chair="Dr Chair")
    service.add_cases(meeting_id, ["SYN-V01"])
    service.start(meeting_id)
    service.record_quorum_override(meeting_id, "Dr Chair", "property test")
    return service, meeting_id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DECISIONS)
def test_any_decision_is_recorded_whole_or_refused_with_nothing_written(
        meeting: tuple[MeetingService, int], decision: DecisionInput) -> None:
    service, meeting_id = meeting
    before = service.get(meeting_id).agenda[0].decision
    replaced = service.replaced_decisions(meeting_id)
    # The same meeting serves every example: once a decision is recorded, the next one replaces it.
    again = {"replace": True, "reason": "property test"} if before is not None else {}
    try:
        service.record_decision(meeting_id, "SYN-V01", decision, **again)
    except MeetingError as exc:
        field = str(exc).split(":")[0]
        assert field in {"category", "decision", "concordance", "deviation explained", "patient preferences"} \
            or field.startswith(("actions ", "counselling ")), str(exc)
        assert service.get(meeting_id).agenda[0].decision == before  # nothing half-written
        assert service.replaced_decisions(meeting_id) == replaced
        assert decision.problems()
        return
    assert not decision.problems()
    stored = service.get(meeting_id).agenda[0].decision
    assert stored is not None and stored.text == decision.text.strip()
    assert stored.concordant == decision.concordant
    kept = service.replaced_decisions(meeting_id)
    if before is None:
        assert kept == []
    else:  # the replaced decision is kept whole
        assert len(kept) == len(replaced) + 1 and kept[:-1] == replaced
        assert kept[-1].version == before.version and kept[-1].content["text"] == before.text
