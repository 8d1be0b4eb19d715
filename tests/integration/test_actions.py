"""Decision actions across meetings: listed by owner and due date, marked done once (audited),
and the database itself refusing a second completion, a change or a deletion of one."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pg_roles import owner_connection
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tumorboard.domain.meeting import BoardRole, DecisionAction, DecisionCategory, Discipline
from tumorboard.services.actions import ActionService
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.store import Database, RecordExists, RecordNotFound, SignedRecord, StateRefused, StoreError

DAY = date(2025, 6, 10)
BOARD = "Breast MDT"
MEMBERS = [("Dr Sánchez", Discipline.BREAST_SURGERY, BoardRole.CHAIR),
           ("Dr Okafor", Discipline.MEDICAL_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Lindqvist", Discipline.RADIATION_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Novák", Discipline.RADIOLOGY, BoardRole.MEMBER),
           ("Dr Haddad", Discipline.PATHOLOGY, BoardRole.MEMBER)]


def _decision(*actions: DecisionAction) -> DecisionInput:
    return DecisionInput(DecisionCategory.SYSTEMIC_THERAPY, "Continue endocrine therapy.", concordant=True,
                         actions=actions)


@pytest.fixture
def board(db: Database, example_files: list[Path]) -> tuple[MeetingService, list[str], int]:
    """A meeting with two decisions: three actions (one overdue by the test's today), then open."""
    cases = CaseService(db, actor="coordinator", today=lambda: DAY)
    mrns = [o.mrn for o in cases.import_documents([(f.name, f.read_bytes()) for f in example_files]) if o.mrn]
    meetings = MeetingService(db, actor="coordinator", today=lambda: DAY, render=lambda m: b"%PDF-fake")
    BoardService(db, actor="coordinator").create(BOARD)
    for name, discipline, role in MEMBERS:
        meetings.add_member(BOARD, name, discipline, role)
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    meetings.add_cases(meeting_id, mrns[:2])
    meetings.start(meeting_id)
    for name, *_ in MEMBERS:
        meetings.set_attendance(meeting_id, name, True)
    meetings.record_decision(meeting_id, mrns[0], _decision(
        DecisionAction("Book CT thorax/abdomen/pelvis", "Dr Okafor", DAY + timedelta(days=10)),
        DecisionAction("Refer to genetics", "Ms Byrne", None)))
    meetings.record_decision(meeting_id, mrns[1], _decision(
        DecisionAction("Bone scan", "Dr Novák", DAY + timedelta(days=40))))
    return meetings, mrns, meeting_id


def test_actions_are_listed_only_once_the_meeting_is_closed_then_by_due_date(
        db: Database, board: tuple[MeetingService, list[str], int]) -> None:
    meetings, mrns, meeting_id = board
    service = ActionService(db, actor="coordinator", today=lambda: DAY + timedelta(days=20))
    assert service.actions() == []  # the decisions may still change while the meeting is open
    meetings.close(meeting_id)
    listed = service.actions()
    assert [(a.mrn, a.text) for a in listed] == [
        (mrns[0], "Book CT thorax/abdomen/pelvis"), (mrns[1], "Bone scan"), (mrns[0], "Refer to genetics")]
    assert [a.due_text for a in listed] == [f"overdue since {DAY + timedelta(days=10)}",
                                           f"due {DAY + timedelta(days=40)}", "no due date"]
    assert [a.text for a in service.actions(overdue=True)] == ["Book CT thorax/abdomen/pelvis"]
    assert [a.text for a in service.actions(owner="byrne")] == ["Refer to genetics"]


def test_an_action_is_marked_done_once_audited_and_no_longer_due(
        db: Database, board: tuple[MeetingService, list[str], int]) -> None:
    meetings, mrns, meeting_id = board
    service = ActionService(db, actor="coordinator", today=lambda: DAY + timedelta(days=20))
    with pytest.raises(RecordNotFound, match="not closed yet"):
        service.mark_done(1, 1)
    meetings.close(meeting_id)
    ct = service.actions()[0]
    changes = service.mark_done(ct.decision_id, ct.number, "  booked for 3 July  ")
    assert mrns[0] in changes.cases
    assert [a.text for a in service.actions()] == ["Bone scan", "Refer to genetics"]
    done = next(a for a in service.actions(include_done=True) if a.done)
    assert (done.done_by, done.note, done.due_text[:4]) == ("coordinator", "booked for 3 July", "done")
    with pytest.raises(RecordExists, match="marked done already, by coordinator"):
        service.mark_done(ct.decision_id, ct.number)
    with pytest.raises(RecordNotFound, match="there is no action 3"):
        service.mark_done(ct.decision_id, 3)
    with db.reading() as uow:
        audit = [e for e in uow.audit_log.history("decision", str(ct.decision_id)) if e.action == "action_done"]
    assert len(audit) == 2 and audit[0].actor == "coordinator"


def test_the_database_keeps_completions_append_only_and_refuses_open_meetings(
        db: Database, board: tuple[MeetingService, list[str], int]) -> None:
    meetings, _mrns, meeting_id = board
    with pytest.raises(StateRefused), db.unit_of_work("someone") as uow:
        uow.actions.complete(1, 0, None, "someone", uow.now)  # meeting in progress: the trigger refuses
    meetings.close(meeting_id)
    with pytest.raises(StateRefused), db.unit_of_work("someone") as uow:
        uow.actions.complete(1, 7, None, "someone", uow.now)  # no eighth action on that decision
    ActionService(db, actor="coordinator").mark_done(1, 1)
    changes = ("UPDATE action_completions SET done_by = 'x'", "DELETE FROM action_completions")
    for sql in changes:
        # The trigger refuses it; on a department server the app's role is not even granted it.
        with pytest.raises(StoreError) as refused, db.unit_of_work("someone") as uow:
            uow.session.execute(text(sql))
            uow.session.flush()
        assert isinstance(refused.value, SignedRecord) or "permission denied" in str(refused.value)
    if db.url.startswith("postgresql"):  # behind the grants, the tables' owner meets the trigger
        for sql in changes:
            with pytest.raises(DBAPIError, match="stays as recorded"), owner_connection(db.url) as conn:
                conn.execute(text(sql))
    with pytest.raises(RecordExists), db.unit_of_work("someone") as uow:
        uow.session.execute(text("INSERT INTO action_completions (decision_id, action_index, done_at, done_by) "
                                 "VALUES (1, 0, CURRENT_TIMESTAMP, 'x')"))


def test_cli_lists_marks_done_and_names_the_field_it_refuses(
        capsys: pytest.CaptureFixture[str], db: Database, board: tuple[MeetingService, list[str], int]) -> None:
    import json

    from tumorboard.cli import main

    meetings, mrns, meeting_id = board
    meetings.close(meeting_id)
    assert main(["actions", "list", "--owner", "okafor", "--format", "json", "--database", db.url]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["mrn"], a["index"], a["action"], a["owner"]) for a in listed] == [
        (mrns[0], 1, "Book CT thorax/abdomen/pelvis", "Dr Okafor")]
    decision = str(listed[0]["decision_id"])
    assert main(["actions", "done", decision, "1", "--note", "booked", "--database", db.url]) == 0
    assert "marked done" in capsys.readouterr().out
    assert main(["actions", "done", decision, "1", "--database", db.url]) != 0
    assert "marked done already" in capsys.readouterr().err
    assert main(["actions", "done", decision, "0", "--database", db.url]) == 2
    assert capsys.readouterr().err.startswith("error: INDEX:")
    assert main(["actions", "list", "--database", db.url]) == 0
    out = capsys.readouterr().out
    assert "Bone scan" in out and "Book CT" not in out and "Dr Novák" in out
