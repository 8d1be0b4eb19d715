"""Imaging and pathology review requested, per agenda item: stored, audited, shown, on every backend
(revision 0013), and changed only while the meeting may be planned."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tumorboard.domain.meeting import BoardRole, Discipline, MeetingError
from tumorboard.services.agenda import AgendaService
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

DAY = date(2025, 6, 10)


def test_review_requests_are_kept_audited_and_frozen_with_the_meeting(db: Database,
                                                                      example_files: list[Path]) -> None:
    outcomes = CaseService(db, today=lambda: DAY).import_documents([(f.name, f.read_bytes()) for f in example_files])
    mrns = [o.mrn for o in outcomes if o.mrn][:2]
    BoardService(db).create("Breast MDT")
    meetings = MeetingService(db, today=lambda: DAY, render=lambda m: b"%PDF-fake")
    meetings.add_member("Breast MDT", "Dr Chair", Discipline.BREAST_SURGERY, BoardRole.CHAIR)
    mid = meetings.create_meeting("Breast MDT", DAY, "08:00", chair="Dr Chair")
    meetings.add_cases(mid, mrns, question="Surgery?")
    meetings.update_agenda_item(mid, mrns[0], question="Surgery?", imaging_review=True)
    meetings.update_agenda_item(mid, mrns[1], question="Surgery?", pathology_review=True)
    meetings.update_agenda_item(mid, mrns[0], question="Surgery?")  # None: left as it is
    items = {a.mrn: a for a in meetings.get(mid).agenda}
    assert (items[mrns[0]].imaging_review_requested, items[mrns[0]].pathology_review_requested) == (True, False)
    assert (items[mrns[1]].imaging_review_requested, items[mrns[1]].pathology_review_requested) == (False, True)
    with db.reading() as uow:
        audited = {(e.field, e.new) for e in uow.audit_log.history("meeting", str(mid))}
    assert (f"{mrns[0]}/imaging_review_requested", True) in audited
    assert (f"{mrns[1]}/pathology_review_requested", True) in audited
    lines = {x.identity.mrn: x for x in AgendaService(db).agenda(mid).lines}
    assert lines[mrns[0]].imaging_review_requested and lines[mrns[1]].pathology_review_requested
    meetings.start(mid)
    meetings.set_attendance(mid, "Dr Chair", True)
    meetings.record_quorum_override(mid, "Dr Chair", "Test board without a full quorum")
    meetings.close(mid)
    with pytest.raises(MeetingError, match="the meeting is closed"):
        meetings.update_agenda_item(mid, mrns[0], question="Surgery?", imaging_review=False)
    assert meetings.get(mid).agenda[0].imaging_review_requested
