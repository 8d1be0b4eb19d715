"""Edges of the meeting's rules the state machine found: a save that changes nothing, an override
by a chair who is no longer the chair, a close that cannot carry its cases over."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tumorboard.domain.meeting import BoardRole, Discipline, MeetingError
from tumorboard.domain.minutes import Minutes
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

DAY = date(2025, 6, 10)
MEMBERS = [("Dr Chair", Discipline.BREAST_SURGERY, BoardRole.CHAIR),
           ("Dr Deputy", Discipline.BREAST_SURGERY, BoardRole.MEMBER),
           ("Dr Onc", Discipline.MEDICAL_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Rad", Discipline.RADIATION_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Img", Discipline.RADIOLOGY, BoardRole.MEMBER),
           ("Dr Path", Discipline.PATHOLOGY, BoardRole.MEMBER)]


def _render(minutes: Minutes) -> bytes:
    return f"%PDF-fake {minutes.document_id}".encode()


@pytest.fixture
def setting(db: Database, example_files: list[Path]) -> tuple[MeetingService, list[str], dict[str, date]]:
    clock = {"today": DAY}
    cases = CaseService(db, actor="coordinator", today=lambda: DAY)
    mrns = [o.mrn for o in cases.import_documents([(f.name, f.read_bytes()) for f in example_files]) if o.mrn]
    boards = BoardService(db, actor="coordinator")
    boards.create("Breast MDT")
    for name, discipline, role in MEMBERS:
        boards.add_member("Breast MDT", name, discipline, role)
    return MeetingService(db, actor="chair", today=lambda: clock["today"], render=_render), mrns, clock


def test_a_save_that_changes_nothing_writes_no_new_version(setting: tuple[MeetingService, list[str], dict[str, date]]) -> None:
    meetings, mrns, _ = setting
    mid = meetings.create_meeting("Breast MDT", DAY, "08:00", place="Room 2", chair="Dr Chair")
    meetings.add_cases(mid, mrns[:1], question="Local therapy?")
    before = meetings.get(mid)
    meetings.update_details(mid, start="08:00", place="Room 2", video_link=None, chair="Dr Chair",
                            expected_version=before.version)
    meetings.update_agenda_item(mid, mrns[0], question="Local therapy?")
    after = meetings.get(mid)
    assert after.version == before.version and after.agenda[0].version == before.agenda[0].version
    # Someone who opened it before can still save their real change.
    meetings.update_details(mid, start="08:00", place="Room 3", video_link=None, chair="Dr Chair",
                            expected_version=before.version)
    assert meetings.get(mid).place == "Room 3"


def test_a_new_chair_records_their_own_override(setting: tuple[MeetingService, list[str], dict[str, date]]) -> None:
    meetings, _, _ = setting
    mid = meetings.create_meeting("Breast MDT", DAY, "08:00", chair="Dr Chair")
    meetings.start(mid)
    for name in ("Dr Chair", "Dr Deputy"):
        meetings.set_attendance(mid, name, True)  # no oncologist, radiologist...: no quorum
    meetings.record_quorum_override(mid, "Dr Chair", "Urgent cases; radiology by phone")
    meetings.update_details(mid, start="08:00", place=None, video_link=None, chair="Dr Deputy")
    changed = meetings.get(mid)
    assert changed.chair == "Dr Deputy" and changed.quorum_override_by is None
    with pytest.raises(MeetingError, match="no override"):
        meetings.close(mid)
    meetings.record_quorum_override(mid, "Dr Deputy", "Urgent cases; radiology by phone")
    meetings.close(mid)
    assert meetings.sign_off(mid, "Dr Deputy").sha256


def test_a_close_that_cannot_carry_over_says_where(setting: tuple[MeetingService, list[str], dict[str, date]]) -> None:
    meetings, mrns, clock = setting
    first = meetings.create_meeting("Breast MDT", DAY, "08:00", chair="Dr Chair")
    meetings.add_cases(first, mrns[:1])
    nxt = meetings.create_meeting("Breast MDT", DAY + timedelta(days=7), "08:00", chair="Dr Chair")
    clock["today"] = DAY + timedelta(days=7)
    for mid in (first, nxt):
        meetings.start(mid)
        for name, *_ in MEMBERS:
            meetings.set_attendance(mid, name, True)
    meetings.close(nxt)
    with pytest.raises(MeetingError) as refused:
        meetings.close(first)
    message = str(refused.value)
    assert f"next week's meeting ({(DAY + timedelta(days=7)).isoformat()}, meeting {nxt}), which is closed" \
        in message
    assert meetings.get(first).state == "in_progress"
