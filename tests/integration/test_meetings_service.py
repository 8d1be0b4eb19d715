"""MDT meetings on a real database: agenda, attendance and quorum, decisions with concordance,
carry-over, sign-off immutability (service and database), amendments, follow-up."""

from __future__ import annotations

import json
from datetime import date, timedelta
from hashlib import sha256
from pathlib import Path

import pytest
from sqlalchemy import text

from tumorboard.domain.meeting import (
    AgendaTriage,
    BoardRole,
    DecisionAction,
    DecisionCategory,
    DeviationReason,
    Discipline,
    ImplementationOutcome,
    MeetingError,
    NonImplementationReason,
)
from tumorboard.domain.minutes import Minutes
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.store import ConcurrentEdit, Database, SignedRecord, StateRefused, StoreError

DAY = date(2025, 6, 10)
BOARD = "Breast MDT"
QUORUM_MEMBERS = [("Dr Sánchez", Discipline.BREAST_SURGERY, BoardRole.CHAIR),
                  ("Dr Okafor", Discipline.MEDICAL_ONCOLOGY, BoardRole.MEMBER),
                  ("Dr Lindqvist", Discipline.RADIATION_ONCOLOGY, BoardRole.MEMBER),
                  ("Dr Novák", Discipline.RADIOLOGY, BoardRole.MEMBER),
                  ("Dr Haddad", Discipline.PATHOLOGY, BoardRole.MEMBER),
                  ("Ms Byrne", Discipline.COORDINATION, BoardRole.COORDINATOR)]


def fake_render(minutes: Minutes) -> bytes:
    """A stand-in PDF whose bytes depend on what the minutes say (the real renderer is tested apart)."""
    lines = [minutes.document_id, minutes.board, str(minutes.sign_off), str(minutes.copy_of_sha256)]
    lines += [f"{c.identity.label}|{c.decision.text if c.decision else ''}" for c in minutes.cases]
    return ("%PDF-fake\n" + "\n".join(lines)).encode()


@pytest.fixture
def cases(db: Database, example_files: list[Path]) -> list[str]:
    service = CaseService(db, actor="coordinator", today=lambda: DAY)
    outcomes = service.import_documents([(f.name, f.read_bytes()) for f in example_files])
    return [o.mrn for o in outcomes if o.mrn]


@pytest.fixture
def meetings(db: Database) -> MeetingService:
    service = MeetingService(db, actor="coordinator", today=lambda: DAY, render=fake_render)
    BoardService(db, actor="coordinator").create(BOARD)
    for name, discipline, role in QUORUM_MEMBERS:
        service.add_member(BOARD, name, discipline, role)
    return service


def _all_present(service: MeetingService, meeting_id: int) -> None:
    for name, *_ in QUORUM_MEMBERS:
        service.set_attendance(meeting_id, name, True)


def _started(service: MeetingService, meeting_id: int) -> None:
    """The meeting begins (attendance, triage and decisions open) with everyone present."""
    service.start(meeting_id)
    _all_present(service, meeting_id)


def _json(value: str | None) -> object:
    """An audit value as written (audit values are JSON documents since revision 0005)."""
    return None if value is None else json.loads(value)


def _on(service: MeetingService, day: date) -> MeetingService:
    """The same service with its clock on ``day`` (a meeting is started on or after its date)."""
    return MeetingService(service.db, actor=service.actor, today=lambda: day, render=fake_render)


def _concordant(text_: str = "Continue endocrine therapy with CDK4/6 inhibitor; reassess in 3 months.") -> DecisionInput:
    return DecisionInput(DecisionCategory.SYSTEMIC_THERAPY, text_, concordant=True,
                         actions=(DecisionAction("Book CT thorax/abdomen/pelvis", "Dr Okafor", DAY + timedelta(days=80)),))


def test_new_board_gets_the_default_breast_quorum_and_members_are_listed_absent(
        db: Database, meetings: MeetingService) -> None:
    board = BoardService(db).get(BOARD)
    assert set(board.quorum) == {"breast_surgery", "medical_oncology", "radiation_oncology", "radiology",
                                 "pathology"}
    meeting_id = meetings.create_meeting(BOARD, DAY, "08:30", chair="Dr Sánchez")
    meeting = meetings.get(meeting_id)
    assert [a.name for a in meeting.attendance] == [m[0] for m in QUORUM_MEMBERS]
    assert not any(a.present for a in meeting.attendance)
    assert meeting.start_time == "08:30"


def test_a_bad_time_is_refused_naming_the_field(meetings: MeetingService) -> None:
    with pytest.raises(MeetingError, match="time: '25:00'"):
        meetings.create_meeting(BOARD, DAY, "25:00")


def test_a_member_added_during_planning_is_listed_on_the_open_meeting_in_one_step(
        db: Database, meetings: MeetingService) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, "08:30")
    before = meetings.get(meeting_id).version
    board = meetings.add_member(BOARD, "  Dr Ito ", Discipline.SPECIALIST_NURSING, meeting_id=meeting_id)
    assert ("Dr Ito", "specialist_nursing", "member") in board.members
    listed = {a.name: a.present for a in meetings.get(meeting_id).attendance}
    assert listed["Dr Ito"] is False and meetings.get(meeting_id).version == before + 1
    later = meetings.create_meeting(BOARD, DAY + timedelta(days=7))
    assert "Dr Ito" in {a.name for a in meetings.get(later).attendance}  # and on every meeting planned later
    with pytest.raises(MeetingError, match=r"^name: Dr Ito is already on this meeting's attendance list"):
        meetings.add_member(BOARD, "Dr Ito", Discipline.RADIOLOGY, meeting_id=meeting_id)
    with pytest.raises(MeetingError, match=r"^name: Dr Ito is already a member of this board"):
        meetings.add_member(BOARD, "Dr Ito", Discipline.RADIOLOGY)
    with pytest.raises(MeetingError, match="NUL character"):
        meetings.add_member(BOARD, "Dr\x00X", Discipline.RADIOLOGY)
    # A closed meeting refuses, and the board's list is left as it was: one transaction.
    meetings.update_details(meeting_id, start="08:30", place=None, video_link=None, chair="Dr Sánchez")
    _started(meetings, meeting_id)
    meetings.close(meeting_id)
    with pytest.raises(MeetingError, match="closed"):
        meetings.add_member(BOARD, "Dr Pereira", Discipline.RADIOLOGY, meeting_id=meeting_id)
    assert "Dr Pereira" not in {m[0] for m in BoardService(db).get(BOARD).members}
    with db.session() as s:
        added = s.execute(text("SELECT count(*) FROM audit_log WHERE action = 'add-member'")).scalar_one()
    assert added == len(QUORUM_MEMBERS) + 1


def test_a_member_who_leaves_stays_in_past_meetings_and_can_come_back(
        db: Database, meetings: MeetingService) -> None:
    before = meetings.create_meeting(BOARD, DAY)
    board = meetings.remove_member(BOARD, " Dr Novák ")
    assert "Dr Novák" not in {m[0] for m in board.members}
    assert "Dr Novák" in {a.name for a in meetings.get(before).attendance}  # planned already: kept
    after = meetings.create_meeting(BOARD, DAY + timedelta(days=7))
    assert "Dr Novák" not in {a.name for a in meetings.get(after).attendance}
    next_week = _on(meetings, DAY + timedelta(days=7))
    next_week.start(after)
    for name, *_ in QUORUM_MEMBERS:
        if name != "Dr Novák":
            next_week.set_attendance(after, name, True)
    assert meetings.quorum(after).text == "Quorum NOT met: missing Radiology"  # the list lacks one now
    with pytest.raises(MeetingError, match=r"^name: Dr Novák is not a member of this board"):
        meetings.remove_member(BOARD, "Dr Novák")
    with pytest.raises(MeetingError, match=r"^board: no board named 'Lung MDT'"):
        meetings.remove_member("Lung MDT", "Dr Novák")
    board = meetings.add_member(BOARD, "Dr Novák", Discipline.RADIOLOGY, BoardRole.CHAIR)  # back, new role
    assert ("Dr Novák", "radiology", "chair") in board.members
    with db.session() as s:
        audit = s.execute(text("SELECT action, old_value, new_value, encoding FROM audit_log "
                               "WHERE action IN ('remove-member', 'add-member') ORDER BY id DESC LIMIT 2")).all()
    assert [(a, _json(old), _json(new), e) for a, old, new, e in audit] == [
        ("add-member", None, "Dr Novák (radiology, chair)", "json"), ("remove-member", "Dr Novák", None, "json")]


def test_meeting_details_change_is_checked_audited_and_locked(db: Database, meetings: MeetingService) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, "08:30", place="Room 1")
    version = meetings.get(meeting_id).version
    with pytest.raises(MeetingError, match="NUL character"):
        meetings.update_details(meeting_id, start="08:30", place="Room\x002", video_link=None, chair=None)
    with pytest.raises(MeetingError, match="time"):
        meetings.update_details(meeting_id, start="8h", place="Room 2", video_link=None, chair=None)
    meetings.update_details(meeting_id, start="09:00", place="  Room 2 ", video_link="", chair="Dr Sánchez",
                            expected_version=version)
    changed = meetings.get(meeting_id)
    assert (changed.start_time, changed.place, changed.video_link, changed.chair) == (
        "09:00", "Room 2", None, "Dr Sánchez")
    with pytest.raises(ConcurrentEdit):  # a second change from the same stale copy
        meetings.update_details(meeting_id, start="10:00", place=None, video_link=None, chair=None,
                                expected_version=version)
    with db.session() as s:
        fields = {r[0] for r in s.execute(text(
            "SELECT field FROM audit_log WHERE action = 'update' AND entity = 'meeting'"))}
    assert {"start_time", "place", "chair"} <= fields


def test_quorum_follows_attendance(meetings: MeetingService) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    status = meetings.quorum(meeting_id)
    assert not status.met and len(status.missing) == 5
    meetings.start(meeting_id)
    for name, _discipline, _ in QUORUM_MEMBERS[:4]:
        status = meetings.set_attendance(meeting_id, name, True)
    assert status.missing == (Discipline.PATHOLOGY,)
    assert "Pathology" in status.text
    status = meetings.set_attendance(meeting_id, "Dr Haddad", True)
    assert status.met
    status = meetings.set_attendance(meeting_id, "Dr Okafor", False)
    assert status.missing == (Discipline.MEDICAL_ONCOLOGY,)
    # A guest from a required discipline restores it.
    status = meetings.set_attendance(meeting_id, "Dr Guest", True, discipline=Discipline.MEDICAL_ONCOLOGY)
    assert status.met


def test_decision_without_quorum_needs_the_chairs_override(meetings: MeetingService, cases: list[str]) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    meetings.add_cases(meeting_id, cases[:1])
    meetings.start(meeting_id)
    meetings.set_attendance(meeting_id, "Dr Sánchez", True)
    with pytest.raises(MeetingError, match="quorum not met"):
        meetings.record_decision(meeting_id, cases[0], _concordant())
    with pytest.raises(MeetingError, match=r"only the meeting's chair \(Dr Sánchez\)"):
        meetings.record_quorum_override(meeting_id, "Dr Okafor", "urgent case")
    meetings.record_quorum_override(meeting_id, "Dr Sánchez", "Spinal cord compression risk: cannot wait a week")
    decision_id = meetings.record_decision(meeting_id, cases[0], _concordant())
    decision = meetings.get(meeting_id).agenda[0].decision
    assert decision is not None and decision.id == decision_id
    assert decision.quorum_override and "Spinal cord" in decision.quorum_override


@pytest.mark.parametrize(("reason", "why", "message"), [
    (None, None, "needs a reason"),
    (DeviationReason.CLINICIAN_JUDGEMENT, "  ", "reasoning written out"),
])
def test_deviation_needs_a_reason(meetings: MeetingService, cases: list[str], reason: DeviationReason | None,
                                  why: str | None, message: str) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    meetings.add_cases(meeting_id, cases[:1])
    _started(meetings, meeting_id)
    decision = DecisionInput(DecisionCategory.PRIMARY_TUMOUR_SURGERY, "Mastectomy", concordant=False,
                             deviation_reason=reason, deviation_text=why)
    with pytest.raises(MeetingError, match=message):
        meetings.record_decision(meeting_id, cases[0], decision)
    assert meetings.get(meeting_id).agenda[0].decision is None  # nothing half-written


def test_decision_stores_the_engine_output_and_moves_the_case_on(
        db: Database, meetings: MeetingService, cases: list[str]) -> None:
    case_service = CaseService(db, actor="coordinator", today=lambda: DAY)
    mrn = cases[0]
    case_service.change_status(mrn, WorkflowStatus.READY_FOR_MDT)
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    meetings.add_cases(meeting_id, [mrn], question="Locoregional surgery?", presenter="Dr Okafor")
    assert case_service.get(mrn).next_meeting == DAY
    _started(meetings, meeting_id)
    deviation = DecisionInput(DecisionCategory.PRIMARY_TUMOUR_SURGERY, "Offer surgery of the primary",
                              concordant=False, deviation_reason=DeviationReason.PATIENT_PREFERENCE,
                              patient_preferences="Wishes surgery after full counselling",
                              counselling_delivered=("Overall survival benefit unproven",))
    meetings.record_decision(meeting_id, mrn, deviation)
    item = meetings.get(meeting_id).agenda[0]
    assert item.discussed and item.decision is not None
    rec = json.loads(item.decision.recommendation_json)
    assert rec["as_of"] == DAY.isoformat() and rec["ruleset"]["id"] == item.decision.ruleset_id == "ombc"
    assert item.decision.deviation_reason == "patient_preference"
    assert item.decision.follow_up_due == DAY + timedelta(weeks=6)
    record = case_service.get(mrn)
    assert record.status is WorkflowStatus.DISCUSSED
    assert DAY in record.case.mdt_discussions
    history = case_service.history(mrn)
    assert any(h.field == "status" and h.new_value == "discussed" for h in history)


def test_revising_a_decision_with_a_stale_version_is_refused(meetings: MeetingService, cases: list[str]) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    meetings.add_cases(meeting_id, cases[:1])
    _started(meetings, meeting_id)
    meetings.record_decision(meeting_id, cases[0], _concordant())
    with pytest.raises(MeetingError, match="already recorded for this case"):  # never replaced silently
        meetings.record_decision(meeting_id, cases[0], _concordant("Revised by colleague"), expected_version=1)
    meetings.record_decision(meeting_id, cases[0], _concordant("Revised by colleague"), expected_version=1,
                             replace=True, reason="Second opinion from pathology")
    with pytest.raises(ConcurrentEdit, match="changed by"):
        meetings.record_decision(meeting_id, cases[0], _concordant("My stale edit"), expected_version=1,
                                 replace=True, reason="My stale edit")
    decision = meetings.get(meeting_id).agenda[0].decision
    assert decision is not None and decision.text == "Revised by colleague" and decision.version == 2
    assert [r.content["text"] for r in meetings.replaced_decisions(meeting_id)] == [_concordant().text]


def test_closing_carries_undiscussed_cases_to_next_weeks_meeting(meetings: MeetingService, cases: list[str]) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, "08:30", place="Room 4", chair="Dr Sánchez")
    meetings.add_cases(meeting_id, cases[:3], question="Next step?")
    _started(meetings, meeting_id)
    meetings.record_decision(meeting_id, cases[0], _concordant())
    with pytest.raises(MeetingError, match="responsible clinician"):
        meetings.update_agenda_item(meeting_id, cases[1], triage=AgendaTriage.LISTED_NOT_DISCUSSED)
    meetings.update_agenda_item(meeting_id, cases[1], triage=AgendaTriage.LISTED_NOT_DISCUSSED,
                                responsible_clinician="Dr Okafor")
    target = meetings.close(meeting_id)
    assert target is not None
    closed = meetings.get(meeting_id)
    assert closed.closed_at is not None and closed.carried_over_to_day == DAY + timedelta(days=7)
    following = meetings.get(target)
    assert following.day == DAY + timedelta(days=7) and following.start_time == "08:30"
    assert following.place == "Room 4"
    assert [(a.mrn, a.carried_over_from, a.question) for a in following.agenda] == [
        (cases[2], meeting_id, "Next step?")]
    with pytest.raises(MeetingError, match="closed"):
        meetings.add_cases(meeting_id, cases[3:4])
    minutes = meetings.minutes(meeting_id)
    assert [c.identity.mrn for c in minutes.carried_over] == [cases[2]]
    assert [c.identity.mrn for c in minutes.listed_not_discussed] == [cases[1]]
    assert minutes.carried_over_to == DAY + timedelta(days=7)


def test_signed_meeting_refuses_edits_in_the_service_and_the_database(
        db: Database, meetings: MeetingService, cases: list[str]) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    meetings.add_cases(meeting_id, cases[:2])
    _started(meetings, meeting_id)
    meetings.record_decision(meeting_id, cases[0], _concordant())
    with pytest.raises(MeetingError, match="the meeting is in progress: signing off is refused"):
        meetings.sign_off(meeting_id, "Dr Sánchez")  # close first
    meetings.close(meeting_id)
    with pytest.raises(MeetingError, match="only the meeting's chair"):
        meetings.sign_off(meeting_id, "Dr Okafor")
    signed = meetings.sign_off(meeting_id, "Dr Sánchez")
    assert signed.sha256 == sha256(signed.pdf).hexdigest()
    meeting = meetings.get(meeting_id)
    assert meeting.minutes_sha256 == signed.sha256 and meeting.signed_by == "Dr Sánchez"
    assert meetings.signed_original(meeting_id) == signed.pdf
    for attempt in (lambda: meetings.record_decision(meeting_id, cases[0], _concordant("changed")),
                    lambda: meetings.set_attendance(meeting_id, "Dr Haddad", False),
                    lambda: meetings.add_cases(meeting_id, cases[2:3]),
                    lambda: meetings.sign_off(meeting_id, "Dr Sánchez")):
        with pytest.raises(MeetingError, match="signed off"):
            attempt()
    # Below the service: the database itself refuses (triggers), whatever program writes. Two
    # guards may refuse the same write (the signed meeting's, revision 0003, and the state
    # machine's, 0005); which fires first, and so the words, depends on the database's trigger order.
    before = meetings.get(meeting_id)
    for statement in ("UPDATE decisions SET text = 'tampered'",
                      "DELETE FROM decisions",
                      "UPDATE attendance SET present = false",
                      f"UPDATE meetings SET chair = 'someone else' WHERE id = {meeting_id}",
                      f"DELETE FROM agenda_items WHERE meeting_id = {meeting_id}"):
        with pytest.raises((SignedRecord, StateRefused)), db.session() as s:
            s.execute(text(statement))
            s.commit()
    assert meetings.get(meeting_id) == before  # nothing of it changed
    decision = meetings.get(meeting_id).agenda[0].decision
    assert decision is not None and decision.text.startswith("Continue endocrine")


def test_a_signed_copy_says_it_is_a_copy_of_the_signed_hash(meetings: MeetingService, cases: list[str]) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    meetings.add_cases(meeting_id, cases[:1])
    _started(meetings, meeting_id)
    meetings.record_decision(meeting_id, cases[0], _concordant())
    assert meetings.minutes(meeting_id).copy_of_sha256 is None
    meetings.close(meeting_id)
    signed = meetings.sign_off(meeting_id, "Dr Sánchez")
    copy = meetings.minutes(meeting_id)
    assert copy.copy_of_sha256 == signed.sha256
    assert copy.sign_off is not None and copy.sign_off.signed_by == "Dr Sánchez"


def test_amendment_keeps_the_original(db: Database, meetings: MeetingService, cases: list[str]) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    meetings.add_cases(meeting_id, cases[:1])
    _started(meetings, meeting_id)
    meetings.record_decision(meeting_id, cases[0], _concordant("Start letrozole"))
    with pytest.raises(MeetingError, match="the meeting is in progress: amending the signed minutes is refused"):
        meetings.amend(meeting_id, cases[0], "text", "Start anastrozole", "typo")
    meetings.close(meeting_id)
    with pytest.raises(MeetingError, match="the meeting is closed: amending the signed minutes is refused"):
        meetings.amend(meeting_id, cases[0], "text", "Start anastrozole", "typo")
    meetings.sign_off(meeting_id, "Dr Sánchez")
    with pytest.raises(MeetingError, match="needs a reason"):
        meetings.amend(meeting_id, cases[0], "text", "Start anastrozole", " ")
    with pytest.raises(MeetingError, match="category: 'surgery'"):
        meetings.amend(meeting_id, cases[0], "category", "surgery", "wrong category")
    meetings.amend(meeting_id, cases[0], "text", "Start anastrozole", "Drug name transcribed wrongly")
    meetings.amend(meeting_id, cases[0], "text", "Start anastrozole 1 mg daily", "Dose added")
    meeting = meetings.get(meeting_id)
    decision = meeting.agenda[0].decision
    assert decision is not None and decision.text == "Start letrozole"
    assert [(a.old_value, a.new_value) for a in meeting.amendments] == [
        ("Start letrozole", "Start anastrozole"), ("Start anastrozole", "Start anastrozole 1 mg daily")]
    minutes = meetings.minutes(meeting_id)
    assert minutes.cases[0].decision is not None and minutes.cases[0].decision.text == "Start letrozole"
    assert "corrected to" in minutes.amendments[0].change
    with pytest.raises(StoreError), db.session() as s:
        s.execute(text("DELETE FROM amendments"))
        s.commit()


def test_pseudonymised_minutes_carry_no_identifiers(meetings: MeetingService, cases: list[str],
                                                    db: Database) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    meetings.add_cases(meeting_id, cases)
    minutes = meetings.minutes(meeting_id, pseudonymise=True)
    assert [c.identity.label for c in minutes.cases] == [f"Case {i}" for i in range(1, len(cases) + 1)]
    assert all(c.identity.mrn is None and c.identity.name is None for c in minutes.cases)


def test_implementation_checks_come_due_and_close(meetings: MeetingService, cases: list[str]) -> None:
    meeting_id = meetings.create_meeting(BOARD, DAY, chair="Dr Sánchez")
    meetings.add_cases(meeting_id, cases[:2])
    _started(meetings, meeting_id)
    first = meetings.record_decision(meeting_id, cases[0], _concordant())
    meetings.record_decision(meeting_id, cases[1], _concordant())
    assert meetings.follow_ups_due(DAY + timedelta(weeks=5)) == []
    due = meetings.follow_ups_due(DAY + timedelta(weeks=6))
    assert {d.mrn for d in due} == set(cases[:2])
    with pytest.raises(MeetingError, match="needs the reason"):
        meetings.record_implementation(first, ImplementationOutcome.NOT_DONE)
    meetings.record_implementation(first, ImplementationOutcome.NOT_DONE, NonImplementationReason.PATIENT_WISH)
    assert [d.mrn for d in meetings.follow_ups_due(DAY + timedelta(weeks=6))] == [cases[1]]


def test_agenda_reorders_and_suggests_ready_cases(db: Database, meetings: MeetingService,
                                                  cases: list[str]) -> None:
    case_service = CaseService(db, actor="coordinator", today=lambda: DAY)
    case_service.change_status(cases[3], WorkflowStatus.READY_FOR_MDT)
    meeting_id = meetings.create_meeting(BOARD, DAY)
    meetings.add_cases(meeting_id, cases[:3])
    meetings.reorder(meeting_id, [cases[2], cases[0], cases[1]])
    assert [a.mrn for a in meetings.get(meeting_id).agenda] == [cases[2], cases[0], cases[1]]
    with pytest.raises(MeetingError, match="exactly the cases"):
        meetings.reorder(meeting_id, [cases[0]])
    assert cases[3] in meetings.suggest_cases(meeting_id)
    assert not set(cases[:3]) & set(meetings.suggest_cases(meeting_id))
    with pytest.raises(MeetingError, match="already on the agenda"):
        meetings.add_cases(meeting_id, [cases[3], cases[0]])
    assert len(meetings.get(meeting_id).agenda) == 3  # all or none
