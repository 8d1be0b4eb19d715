"""Two database sessions whose writes interleave, for every row two people can edit (cases,
meetings, agenda items, attendance, decisions, department settings, accounts), on SQLite and,
when configured, PostgreSQL.

Two windows are open on the same record: A and B both read version N through the services'
read methods; A saves from version N, then B saves from version N. B is refused with
ConcurrentEdit naming who changed it, and nothing is written twice: the row is at version N+1
exactly once and only A's audit rows are there. Below the services, the version is taken by the
UPDATE statement itself (``tumorboard.store.versions.claim``), and the database's own guards
(triggers) refuse what the meeting's state does not allow, whatever program writes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from tumorboard.domain.meeting import AgendaTriage, BoardRole, DecisionCategory, Discipline, MeetingError
from tumorboard.domain.users import Role, User
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services import meeting_parts as meetings_module  # where _meeting applies the state machine
from tumorboard.services.accounts import AccountService
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.services.settings import SettingsService
from tumorboard.store import ConcurrentEdit, Database, SignedRecord, StateRefused
from tumorboard.store.models import AgendaItemRow, AttendanceRow, CaseRow, DecisionRow, MeetingRow, UserRow
from tumorboard.store.versions import claim

DAY = date(2025, 6, 10)
BOARD = "Breast MDT"
CHAIR = "Dr Sánchez"
MEMBERS = [(CHAIR, Discipline.BREAST_SURGERY, BoardRole.CHAIR),
           ("Dr Okafor", Discipline.MEDICAL_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Lindqvist", Discipline.RADIATION_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Novák", Discipline.RADIOLOGY, BoardRole.MEMBER),
           ("Dr Haddad", Discipline.PATHOLOGY, BoardRole.MEMBER)]
MRNS = ["SYN-V01", "SYN-V05"]
PASSWORD = "correct horse battery"


def _render(_minutes: object) -> bytes:
    return b"%PDF-fake"


def _decision(words: str) -> DecisionInput:
    return DecisionInput(DecisionCategory.SYSTEMIC_THERAPY, words, concordant=True)


def _audit(db: Database, entity: str, entity_id: str | int, action: str) -> list[tuple[str, str | None]]:
    """(actor, field) of the audit rows of one action on one record, oldest first."""
    with db.reading() as uow:
        return [(h.actor, h.field) for h in uow.audit_log.history(entity, str(entity_id)) if h.action == action]


@dataclass
class Desk:
    """Two people at two workstations: alice and bob, each with their own services."""

    db: Database
    alice: MeetingService
    bob: MeetingService
    alice_cases: CaseService
    bob_cases: CaseService


@pytest.fixture
def desk(db: Database, example_files: list[Path]) -> Desk:
    wanted = [f for f in example_files if f.name.startswith(("v01", "v05"))]
    CaseService(db, actor="setup", today=lambda: DAY).import_documents([(f.name, f.read_bytes()) for f in wanted])
    boards = BoardService(db, actor="setup")
    boards.create(BOARD)
    for name, discipline, role in MEMBERS:
        boards.add_member(BOARD, name, discipline, role)
    return Desk(db, MeetingService(db, actor="alice", today=lambda: DAY, render=_render),
                MeetingService(db, actor="bob", today=lambda: DAY, render=_render),
                CaseService(db, actor="alice", today=lambda: DAY), CaseService(db, actor="bob", today=lambda: DAY))


def _meeting(desk: Desk, *, started: bool) -> int:
    setup = MeetingService(desk.db, actor="setup", today=lambda: DAY, render=_render)
    meeting_id = setup.create_meeting(BOARD, DAY, "08:30", chair=CHAIR)
    setup.add_cases(meeting_id, MRNS)
    if started:
        setup.start(meeting_id)
        for name, *_ in MEMBERS:
            setup.set_attendance(meeting_id, name, True)
    return meeting_id


# -- cases --------------------------------------------------------------------------------------
CASE_EDITS: dict[str, Callable[[CaseService, Any], object]] = {
    "save": lambda s, r: s.save(replace(r.case, dental_evaluation_date=date(2025, 3, 1 + len(s.actor))),
                                r.version),
    "status": lambda s, r: s.change_status(r.case.patient.mrn, WorkflowStatus.STAGING if s.actor == "alice"
                                           else WorkflowStatus.READY_FOR_MDT, r.version),
    "schedule": lambda s, r: s.schedule(r.case.patient.mrn, next_meeting=DAY + timedelta(days=len(s.actor)),
                                        staging_date=None, expected_version=r.version),
}
CASE_ACTIONS = {"save": "update", "status": "status", "schedule": "schedule"}


@pytest.mark.parametrize("edit", list(CASE_EDITS))
def test_a_stale_case_save_is_refused_and_written_once(desk: Desk, edit: str) -> None:
    mrn = MRNS[0]
    seen_a, seen_b = desk.alice_cases.get(mrn), desk.bob_cases.get(mrn)
    assert seen_a.version == seen_b.version
    CASE_EDITS[edit](desk.alice_cases, seen_a)
    with pytest.raises(ConcurrentEdit, match=f"case {mrn} was changed by alice"):
        CASE_EDITS[edit](desk.bob_cases, seen_b)
    stored = desk.alice_cases.get(mrn)
    assert stored.version == seen_a.version + 1 and stored.updated_by == "alice"
    audit = _audit(desk.db, "case", mrn, CASE_ACTIONS[edit])
    assert audit and {actor for actor, _ in audit} == {"alice"}
    assert len(audit) == len({field for _, field in audit})  # one row per field: one save


# -- meetings -----------------------------------------------------------------------------------
def _details(service: MeetingService, meeting_id: int, version: int, place: str) -> object:
    return service.update_details(meeting_id, start="08:30", place=place, video_link=None, chair=CHAIR,
                                  expected_version=version)


def test_a_stale_meeting_details_save_is_refused_and_written_once(desk: Desk) -> None:
    meeting_id = _meeting(desk, started=False)
    seen_a, seen_b = desk.alice.get(meeting_id), desk.bob.get(meeting_id)
    _details(desk.alice, meeting_id, seen_a.version, "Room 1")
    with pytest.raises(ConcurrentEdit, match=f"meeting {meeting_id} was changed by alice"):
        _details(desk.bob, meeting_id, seen_b.version, "Room 2")
    stored = desk.alice.get(meeting_id)
    assert stored.version == seen_a.version + 1 and stored.place == "Room 1"
    assert _audit(desk.db, "meeting", meeting_id, "update") == [("alice", "place")]


def test_a_close_decided_on_a_stale_meeting_is_refused_and_carries_nothing_over(desk: Desk) -> None:
    """B closes from the view A has since changed (a case triaged): nothing of the close is
    written, not even the next week's meeting it would carry cases to."""
    meeting_id = _meeting(desk, started=True)
    seen_a, seen_b = desk.alice.get(meeting_id), desk.bob.get(meeting_id)
    desk.alice.update_agenda_item(meeting_id, MRNS[0], triage=AgendaTriage.LISTED_NOT_DISCUSSED,
                                  responsible_clinician="Dr Okafor", expected_version=seen_a.agenda[0].version)
    with pytest.raises(ConcurrentEdit, match=f"meeting {meeting_id} was changed by alice"):
        desk.bob.close(meeting_id, expected_version=seen_b.version)
    stored = desk.alice.get(meeting_id)
    assert stored.state == "in_progress" and stored.closed_at is None and stored.version == seen_a.version + 1
    assert [m.id for m in desk.alice.listing()] == [meeting_id]  # no carry-over meeting was made
    assert _audit(desk.db, "meeting", meeting_id, "close") == []


def test_a_reorder_of_a_stale_agenda_is_refused(desk: Desk) -> None:
    meeting_id = _meeting(desk, started=False)
    seen_a, seen_b = desk.alice.get(meeting_id), desk.bob.get(meeting_id)
    desk.alice.reorder(meeting_id, list(reversed(MRNS)), expected_version=seen_a.version)
    with pytest.raises(ConcurrentEdit, match=f"meeting {meeting_id} was changed by alice"):
        desk.bob.reorder(meeting_id, MRNS, expected_version=seen_b.version)
    stored = desk.alice.get(meeting_id)
    assert [a.mrn for a in stored.agenda] == list(reversed(MRNS)) and stored.version == seen_a.version + 1
    assert [actor for actor, _ in _audit(desk.db, "meeting", meeting_id, "reorder")] == ["alice"]


# -- agenda items -------------------------------------------------------------------------------
def test_a_stale_agenda_item_save_is_refused_and_written_once(desk: Desk) -> None:
    meeting_id = _meeting(desk, started=False)
    item_a = desk.alice.get(meeting_id).agenda[0]
    item_b = desk.bob.get(meeting_id).agenda[0]
    desk.alice.update_agenda_item(meeting_id, item_a.mrn, question="Local treatment?",
                                  expected_version=item_a.version)
    with pytest.raises(ConcurrentEdit, match=f"the agenda item of case {item_a.mrn} was changed by alice"):
        desk.bob.update_agenda_item(meeting_id, item_b.mrn, question="Systemic options?",
                                    expected_version=item_b.version)
    stored = desk.alice.get(meeting_id).agenda[0]
    assert stored.version == item_a.version + 1 and stored.question == "Local treatment?"
    assert _audit(desk.db, "meeting", meeting_id, "agenda") == [("alice", f"{item_a.mrn}/question")]


# -- attendance ---------------------------------------------------------------------------------
def test_a_stale_attendance_mark_is_refused_and_written_once(desk: Desk) -> None:
    meeting_id = _meeting(desk, started=False)
    MeetingService(desk.db, actor="setup", today=lambda: DAY).start(meeting_id)
    seen_a = next(a for a in desk.alice.get(meeting_id).attendance if a.name == "Dr Okafor")
    seen_b = next(a for a in desk.bob.get(meeting_id).attendance if a.name == "Dr Okafor")
    desk.alice.set_attendance(meeting_id, "Dr Okafor", True, expected_version=seen_a.version)
    with pytest.raises(ConcurrentEdit, match="the attendance of Dr Okafor was changed by alice"):
        desk.bob.set_attendance(meeting_id, "Dr Okafor", False, expected_version=seen_b.version)
    stored = next(a for a in desk.alice.get(meeting_id).attendance if a.name == "Dr Okafor")
    assert stored.present and stored.version == seen_a.version + 1
    assert _audit(desk.db, "meeting", meeting_id, "attendance") == [("alice", "present/Dr Okafor")]


# -- decisions ----------------------------------------------------------------------------------
def test_a_stale_decision_replacement_is_refused_and_written_once(desk: Desk) -> None:
    meeting_id = _meeting(desk, started=True)
    decision_id = MeetingService(desk.db, actor="setup", today=lambda: DAY).record_decision(
        meeting_id, MRNS[0], _decision("Start letrozole"))
    seen_a = desk.alice.get(meeting_id).agenda[0].decision
    seen_b = desk.bob.get(meeting_id).agenda[0].decision
    assert seen_a is not None and seen_b is not None and seen_a.version == seen_b.version == 1
    desk.alice.record_decision(meeting_id, MRNS[0], _decision("Start anastrozole"), seen_a.version,
                               replace=True, reason="Intolerance")
    with pytest.raises(ConcurrentEdit, match=f"the decision for case {MRNS[0]} was changed by alice"):
        desk.bob.record_decision(meeting_id, MRNS[0], _decision("Start exemestane"), seen_b.version,
                                 replace=True, reason="Formulary")
    stored = desk.alice.get(meeting_id).agenda[0].decision
    assert stored is not None and (stored.version, stored.text, stored.recorded_by) == (
        2, "Start anastrozole", "alice")
    assert [(r.version, r.replaced_by, r.reason) for r in desk.alice.replaced_decisions(meeting_id)] == [
        (1, "alice", "Intolerance")]  # bob's attempt kept nothing
    assert {actor for actor, _ in _audit(desk.db, "decision", decision_id, "replace-decision")} == {"alice"}
    assert ("alice", "reason") in _audit(desk.db, "decision", decision_id, "replace-decision")


def test_two_first_decisions_on_one_case_the_second_is_refused_not_a_silent_replacement(desk: Desk) -> None:
    meeting_id = _meeting(desk, started=True)
    assert desk.alice.get(meeting_id).agenda[0].decision is None
    assert desk.bob.get(meeting_id).agenda[0].decision is None  # both windows show no decision yet
    decision_id = desk.alice.record_decision(meeting_id, MRNS[0], _decision("Start letrozole"))
    with pytest.raises(MeetingError, match="a decision is already recorded for this case at this meeting"):
        desk.bob.record_decision(meeting_id, MRNS[0], _decision("Start exemestane"))
    stored = desk.alice.get(meeting_id).agenda[0].decision
    assert stored is not None and (stored.text, stored.version) == ("Start letrozole", 1)
    assert desk.alice.replaced_decisions(meeting_id) == []
    assert {actor for actor, _ in _audit(desk.db, "decision", decision_id, "decide")} == {"alice"}


# -- in flight: a write cannot slip between another one's read and its write ------------------
@pytest.mark.parametrize("what", ["meeting", "decision"])
def test_a_write_waits_for_the_unit_of_work_it_would_overtake_then_is_refused(
        desk: Desk, monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    """Alice's action has read the meeting (its state, its version) and sits before its write;
    bob's action on the same version waits for her unit of work and is then refused: the
    version is written once (the issue's "version 5 written twice")."""
    meeting_id = _meeting(desk, started=True)
    if what == "decision":
        MeetingService(desk.db, actor="setup", today=lambda: DAY).record_decision(
            meeting_id, MRNS[0], _decision("Start letrozole"))

    def version(service: MeetingService) -> int:
        meeting = service.get(meeting_id)
        decision = meeting.agenda[0].decision
        return decision.version if what == "decision" and decision is not None else meeting.version

    def write(service: MeetingService, seen: int, words: str) -> object:
        if what == "meeting":
            return _details(service, meeting_id, seen, words)
        return service.record_decision(meeting_id, MRNS[0], _decision(words), seen, replace=True, reason=words)

    seen_a, seen_b = version(desk.alice), version(desk.bob)
    paused, release = threading.Event(), threading.Event()
    real_require = meetings_module.require

    def require_then_pause(*args: Any, **kwargs: Any) -> Any:
        after = real_require(*args, **kwargs)
        if threading.current_thread().name == "alice" and not paused.is_set():
            paused.set()
            release.wait(10)  # bob acts while alice sits between her read and her write
        return after

    monkeypatch.setattr(meetings_module, "require", require_then_pause)
    errors: dict[str, list[BaseException]] = {"alice": [], "bob": []}

    def act(name: str, service: MeetingService, seen: int) -> threading.Thread:
        def body() -> None:
            try:
                write(service, seen, f"Room of {name}" if what == "meeting" else f"Decided by {name}")
            except BaseException as exc:  # collected for the asserting thread
                errors[name].append(exc)
        thread = threading.Thread(target=body, name=name, daemon=True)
        thread.start()
        return thread

    alice = act("alice", desk.alice, seen_a)
    assert paused.wait(10), "alice's action never read the meeting"
    bob = act("bob", desk.bob, seen_b)
    time.sleep(0.5)
    assert bob.is_alive(), "bob's action did not wait for alice's unit of work"
    release.set()
    alice.join(20)
    bob.join(20)
    assert not alice.is_alive() and not bob.is_alive()
    assert errors["alice"] == []
    assert len(errors["bob"]) == 1 and isinstance(errors["bob"][0], ConcurrentEdit), errors["bob"]
    assert "changed by alice" in str(errors["bob"][0])
    assert version(desk.alice) == seen_a + 1
    stored = desk.alice.get(meeting_id)
    if what == "meeting":
        assert stored.place == "Room of alice"
        assert _audit(desk.db, "meeting", meeting_id, "update") == [("alice", "place")]
    else:
        assert stored.agenda[0].decision is not None and stored.agenda[0].decision.text == "Decided by alice"
        assert [r.replaced_by for r in desk.alice.replaced_decisions(meeting_id)] == ["alice"]


# -- department settings ------------------------------------------------------------------------
def test_a_stale_settings_save_is_refused_and_written_once(db: Database) -> None:
    alice, bob = SettingsService(db, actor="alice"), SettingsService(db, actor="bob")
    seen_a, seen_b = alice.load(), bob.load()
    assert seen_a.version == seen_b.version is not None
    saved = alice.save(replace(seen_a, follow_up_weeks=8))
    with pytest.raises(ConcurrentEdit, match="the department settings were changed by alice"):
        bob.save(replace(seen_b, staging_max_age_days=40))
    stored = SettingsService(db).load()
    assert stored.version == saved.version == seen_a.version + 1
    assert (stored.follow_up_weeks, stored.staging_max_age_days) == (8, 28)
    audit = _audit(db, "department", "settings", "settings")
    assert {actor for actor, _ in audit} == {"alice"} and ("alice", "follow_up_weeks") in audit
    assert len(audit) == len({field for _, field in audit})  # one row per setting: one save


# -- accounts -----------------------------------------------------------------------------------
@pytest.fixture
def admins(db: Database) -> tuple[User, User]:
    accounts = AccountService(db)
    first = accounts.create_first_admin("alice", "Alice Admin", PASSWORD)
    second = accounts.create_user(first, "bob", "Bob Admin", None, Role.ADMIN, PASSWORD)
    accounts.create_user(first, "okafor", "Dr Okafor", Discipline.MEDICAL_ONCOLOGY, Role.CLINICIAN, PASSWORD)
    return first, second


def test_a_stale_account_change_is_refused_and_written_once(db: Database, admins: tuple[User, User]) -> None:
    alice, bob = admins
    accounts = AccountService(db)
    # No service read gives an account's version (the account list shows users); the read unit
    # of work does, as the two administrators' screens would hold it.
    with db.reading() as uow:
        seen = uow.users.find("okafor")
    assert seen is not None
    accounts.set_role(alice, "okafor", Role.CHAIR, expected_version=seen.version)
    with pytest.raises(ConcurrentEdit, match="the account okafor was changed by alice"):
        accounts.set_role(bob, "okafor", Role.VIEWER, expected_version=seen.version)
    with db.reading() as uow:
        stored = uow.users.find("okafor")
    assert stored is not None and (stored.role, stored.version) == ("chair", seen.version + 1)
    assert _audit(db, "user", "okafor", "role") == [("alice", "role"), ("alice", "active")]


# -- the store: the version is taken by the UPDATE itself ---------------------------------------
VERSIONED = {"case": CaseRow, "meeting": MeetingRow, "agenda item": AgendaItemRow, "attendance": AttendanceRow,
             "decision": DecisionRow, "account": UserRow}


@pytest.fixture
def rows(desk: Desk) -> Iterator[dict[str, int]]:
    """One row of each versioned table (the meeting in progress, so its parts may change)."""
    meeting_id = _meeting(desk, started=True)
    desk.alice.record_decision(meeting_id, MRNS[0], _decision("Start letrozole"))
    AccountService(desk.db).create_first_admin("admin", "Administrator", PASSWORD)
    with desk.db.reading() as uow:
        s = uow.session
        ids = {"case": s.scalar(select(CaseRow.id).order_by(CaseRow.id)),
               "meeting": meeting_id,
               "agenda item": s.scalar(select(AgendaItemRow.id).where(AgendaItemRow.meeting_id == meeting_id)
                                       .order_by(AgendaItemRow.id)),
               "attendance": s.scalar(select(AttendanceRow.id).where(AttendanceRow.meeting_id == meeting_id)
                                      .order_by(AttendanceRow.id)),
               "decision": s.scalar(select(DecisionRow.id)),
               "account": s.scalar(select(UserRow.id))}
    assert all(ids.values())
    yield ids


def _version(db: Database, model: type[Any], row_id: int) -> int:
    with db.session() as s:
        return int(s.execute(select(model.__table__.c.version).where(model.__table__.c.id == row_id)).scalar_one())


@pytest.mark.parametrize("kind", list(VERSIONED))
def test_two_sessions_claiming_the_same_seen_version_the_second_takes_nothing(
        db: Database, rows: dict[str, int], kind: str) -> None:
    model, row_id = VERSIONED[kind], rows[kind]
    seen = _version(db, model, row_id)  # both sessions saw this version
    now = datetime.now(UTC)
    with db.session(write=True) as first:
        assert claim(first, model, row_id, seen, actor="alice", now=now, what=kind) == seen + 1
        first.commit()
    with db.session(write=True) as second:
        table = model.__table__
        stale = second.execute(update(table).where(table.c.id == row_id, table.c.version == seen)
                               .values(version=seen + 1))
        assert stale.rowcount == 0  # the conditional UPDATE finds no row at the version bob saw
        with pytest.raises(ConcurrentEdit, match=rf"{kind} was changed.* \(version {seen + 1}, yours {seen}\)"):
            claim(second, model, row_id, seen, actor="bob", now=now, what=kind)
        second.rollback()
    assert _version(db, model, row_id) == seen + 1


@pytest.mark.parametrize("kind", ["case", "decision"])
def test_a_second_write_session_waits_for_the_first_then_is_refused(
        db: Database, rows: dict[str, int], kind: str) -> None:
    """The write lock is taken when the unit of work begins: bob's session, opened while alice's
    is still writing, waits for her commit and then finds her version."""
    model, row_id = VERSIONED[kind], rows[kind]
    seen = _version(db, model, row_id)
    now = datetime.now(UTC)
    bob_began, bob_errors = threading.Event(), []

    def bob() -> None:
        try:
            with db.session(write=True) as s:
                bob_began.set()
                claim(s, model, row_id, seen, actor="bob", now=now, what=kind)
                s.commit()
        except Exception as exc:  # collected for the asserting thread
            bob_errors.append(exc)

    with db.session(write=True) as first:
        claim(first, model, row_id, seen, actor="alice", now=now, what=kind)
        thread = threading.Thread(target=bob, daemon=True)
        thread.start()
        time.sleep(0.5)
        assert not bob_began.is_set(), "bob's write session began while alice's held the write lock"
        first.commit()
    thread.join(20)
    assert not thread.is_alive() and len(bob_errors) == 1 and isinstance(bob_errors[0], ConcurrentEdit)
    assert _version(db, model, row_id) == seen + 1


def test_two_sessions_claiming_the_settings_version_the_second_takes_nothing(db: Database) -> None:
    seen = SettingsService(db).load().version
    assert seen is not None
    with db.unit_of_work("alice") as uow:
        assert uow.settings.claim(seen, "alice") == seen + 1
        uow.audit("settings", "department", "settings", [("follow_up_weeks", 6, 8)])
        uow.commit()
    with db.unit_of_work("bob") as uow, pytest.raises(
            ConcurrentEdit, match=rf"changed by alice .*\(version {seen + 1}, yours {seen}\)"):
        uow.settings.claim(seen, "bob")
    assert SettingsService(db).load().version == seen + 1


# -- the database's own guards, below the services ----------------------------------------------
def _raw(db: Database, statement: str, **params: object) -> None:
    with db.session() as s:
        s.execute(text(statement), params)
        s.commit()


def _state(db: Database, meeting_id: int) -> str:
    with db.session() as s:
        return str(s.execute(text("SELECT state FROM meetings WHERE id = :id"), {"id": meeting_id}).scalar_one())


def _insert_decision(db: Database, meeting_id: int) -> None:
    with db.session() as s:
        item_id, case_id = s.execute(text(
            "SELECT a.id, a.case_id FROM agenda_items a LEFT JOIN decisions d ON d.agenda_item_id = a.id "
            "WHERE a.meeting_id = :m AND d.id IS NULL ORDER BY a.id"), {"m": meeting_id}).first()
    now = datetime.now(UTC)
    _raw(db, "INSERT INTO decisions (agenda_item_id, meeting_id, case_id, version, category, text, concordant, "
             "actions, counselling_delivered, recommendation, ruleset_id, ruleset_version, recorded_by, "
             "recorded_at, updated_at) VALUES (:item, :m, :case, 1, 'other', 'raw', true, '[]', '[]', '{}', "
             "'ombc', '1', 'raw', :now, :now)", item=item_id, m=meeting_id, case=case_id, now=now)


def test_the_database_refuses_a_decision_on_a_meeting_that_is_not_in_progress(desk: Desk) -> None:
    planned = _meeting(desk, started=False)
    with pytest.raises(StateRefused, match="decisions are recorded only while the meeting is in progress"):
        _insert_decision(desk.db, planned)
    started = MeetingService(desk.db, actor="setup", today=lambda: DAY, render=_render)
    meeting_id = planned
    started.start(meeting_id)
    for name, *_ in MEMBERS:
        started.set_attendance(meeting_id, name, True)
    started.close(meeting_id)
    with pytest.raises(StateRefused, match="decisions are recorded only while the meeting is in progress"):
        _insert_decision(desk.db, meeting_id)
    with desk.db.session() as s:
        assert s.execute(text("SELECT count(*) FROM decisions")).scalar_one() == 0


def test_the_database_refuses_to_delete_a_decision(desk: Desk) -> None:
    meeting_id = _meeting(desk, started=True)
    desk.alice.record_decision(meeting_id, MRNS[0], _decision("Start letrozole"))
    with pytest.raises(SignedRecord, match="a decision is never deleted; replace it with a reason"):
        _raw(desk.db, "DELETE FROM decisions")
    assert desk.alice.get(meeting_id).agenda[0].decision is not None


EDGE = "a meeting moves only from planned to in progress, to closed, to signed"


@pytest.mark.parametrize(("start", "statement", "message"), [
    # States skipped or undone (several guards refuse a skip to signed; which one speaks first
    # depends on the database's trigger order, so only the refusal itself is checked there).
    ("planned", "UPDATE meetings SET state = 'closed', closed_at = :now WHERE id = :m", EDGE),
    ("planned", "UPDATE meetings SET state = 'signed', closed_at = :now, signed_at = :now, signed_by = chair "
                "WHERE id = :m", None),
    ("in_progress", "UPDATE meetings SET state = 'signed', closed_at = :now, signed_at = :now, "
                    "signed_by = chair WHERE id = :m", None),
    ("in_progress", "UPDATE meetings SET state = 'planned' WHERE id = :m", EDGE),
    ("closed", "UPDATE meetings SET state = 'in_progress' WHERE id = :m", EDGE),
    ("in_progress", "UPDATE meetings SET state = 'adjourned' WHERE id = :m", None),
    ("planned", "INSERT INTO meetings (board_id, day, version, created_at, updated_at, updated_by, state) "
                "SELECT board_id, day + 1, 1, :now, :now, 'raw', 'in_progress' FROM meetings WHERE id = :m",
     "a new meeting starts as planned"),
    # A closed meeting changes only by its sign-off, by its chair.
    ("closed", "UPDATE meetings SET place = 'elsewhere' WHERE id = :m",
     "the meeting is closed; only its sign-off changes it"),
    ("closed", "UPDATE meetings SET state = 'signed', signed_at = :now, signed_by = 'Dr Okafor' WHERE id = :m",
     "only the chair named for the meeting signs it off"),
    # Attendance, triage and the agenda follow the state.
    ("planned", "UPDATE attendance SET present = true WHERE meeting_id = :m",
     "attendance is marked only while the meeting is in progress"),
    ("planned", "INSERT INTO attendance (meeting_id, name, discipline, role, present, version) "
                "VALUES (:m, 'Dr Guest', 'radiology', 'member', true, 1)",
     "the attendance list is closed with the meeting"),
    ("closed", "UPDATE attendance SET present = false WHERE meeting_id = :m",
     "attendance is marked only while the meeting is in progress"),
    ("planned", "UPDATE agenda_items SET triage = 'listed_not_discussed', responsible_clinician = 'Dr Okafor' "
                "WHERE meeting_id = :m", "cases are triaged only while the meeting is in progress"),
    ("closed", "DELETE FROM agenda_items WHERE meeting_id = :m", "the agenda is closed with the meeting"),
])
def test_the_database_refuses_what_the_meetings_state_does_not_allow(
        desk: Desk, start: str, statement: str, message: str | None) -> None:
    meeting_id = _meeting(desk, started=start != "planned")
    if start == "closed":
        MeetingService(desk.db, actor="setup", today=lambda: DAY).close(meeting_id)
    before = desk.alice.get(meeting_id)
    assert before.state == start
    with desk.db.session() as s:
        meetings = s.execute(text("SELECT count(*) FROM meetings")).scalar_one()
    with pytest.raises(StateRefused, match=message):
        _raw(desk.db, statement, now=datetime.now(UTC), m=meeting_id)
    assert desk.alice.get(meeting_id) == before  # nothing of it was written
    with desk.db.session() as s:
        assert s.execute(text("SELECT count(*) FROM meetings")).scalar_one() == meetings


def _closed_behind_the_services_back(desk: Desk, present: list[str]) -> int:
    """A meeting closed by a program that bypasses the services (and the close's own check)."""
    meeting_id = _meeting(desk, started=False)
    setup = MeetingService(desk.db, actor="setup", today=lambda: DAY)
    setup.start(meeting_id)
    for name in present:
        guest = Discipline.BREAST_SURGERY if name == "Dr Guest" else None  # the quorum's breast surgeon
        setup.set_attendance(meeting_id, name, True, discipline=guest)
    _raw(desk.db, "UPDATE meetings SET state = 'closed', closed_at = :now WHERE id = :m", now=datetime.now(UTC),
         m=meeting_id)
    assert _state(desk.db, meeting_id) == "closed"
    return meeting_id


@pytest.mark.parametrize(("present", "message", "service_message"), [
    (["Dr Guest", "Dr Okafor", "Dr Lindqvist", "Dr Novák", "Dr Haddad"],
     "the chair signs off a meeting they are marked present at", f"chair: {CHAIR} is not marked present"),
    ([CHAIR], "the quorum was not met and no override by the chair is recorded", "quorum: the quorum was not met"),
])
def test_the_database_refuses_a_sign_off_without_the_chair_present_or_the_quorum(
        desk: Desk, present: list[str], message: str, service_message: str) -> None:
    meeting_id = _closed_behind_the_services_back(desk, present)
    with pytest.raises(StateRefused, match=message):
        _raw(desk.db, "UPDATE meetings SET state = 'signed', signed_at = :now, signed_by = chair WHERE id = :m",
             now=datetime.now(UTC), m=meeting_id)
    assert _state(desk.db, meeting_id) == "closed"
    with pytest.raises(MeetingError, match=service_message):
        MeetingService(desk.db, actor="setup", today=lambda: DAY, render=_render).sign_off(meeting_id, CHAIR)
