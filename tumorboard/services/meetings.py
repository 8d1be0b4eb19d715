"""MDT meeting use cases: plan, agenda, attendance and quorum, decisions, close, sign off, amend,
follow up. One unit of work per user action, audited in the same transaction."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tumorboard.casedoc import case_to_document
from tumorboard.domain.case import Case
from tumorboard.domain.meeting import (
    DEFAULT_QUORUM,
    AgendaTriage,
    BoardRole,
    Concordance,
    DecisionAction,
    DecisionCategory,
    DeviationReason,
    Discipline,
    ImplementationOutcome,
    MeetingError,
    NonImplementationReason,
    Quorum,
    QuorumOverride,
    SignedState,
    check_decision_quorum,
)
from tumorboard.domain.minutes import Minutes, SignOff
from tumorboard.domain.users import Permission, User
from tumorboard.domain.workflow import ALLOWED_TRANSITIONS, WorkflowStatus
from tumorboard.recommend import evaluate, recommendation_to_document
from tumorboard.services.access import check
from tumorboard.services.audit import field_changes
from tumorboard.services.derived import derive
from tumorboard.services.minutes import assemble_minutes
from tumorboard.services.quorum import QuorumStatus, quorum_status
from tumorboard.services.settings import settings_from
from tumorboard.store import Database, RecordExists, RecordNotFound
from tumorboard.store.meeting_records import (
    BoardRecord,
    FollowUpRecord,
    MeetingListRecord,
    MeetingRecord,
)
from tumorboard.store.meetings import MeetingRepository
from tumorboard.store.repositories import AuditRepository, CaseRepository
from tumorboard.store.settings import SettingsRepository

__all__ = ["DecisionInput", "MeetingService", "QuorumStatus", "SignedMinutes"]

Renderer = Callable[[Minutes], bytes]
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True, slots=True)
class DecisionInput:
    """What the board decided for one case, as typed in the meeting room."""

    category: DecisionCategory
    text: str
    concordant: bool
    deviation_reason: DeviationReason | None = None
    deviation_text: str | None = None
    actions: tuple[DecisionAction, ...] = ()
    patient_preferences: str | None = None
    counselling_delivered: tuple[str, ...] = field(default_factory=tuple)

    def problems(self) -> list[str]:
        """Every reason the decision cannot be recorded, each naming its field."""
        out = []
        if not self.text.strip():
            out.append("decision: the decision text is empty; write what the board decided")
        try:
            Concordance(self.concordant, self.deviation_reason, self.deviation_text).check()
        except MeetingError as exc:
            out.append(f"concordance: {exc}")
        texts = {"decision": self.text, "deviation explained": self.deviation_text,
                 "patient preferences": self.patient_preferences,
                 **{f"counselling {i}": c for i, c in enumerate(self.counselling_delivered, start=1)},
                 **{f"actions {i}": f"{a.description} {a.owner}"
                    for i, a in enumerate(self.actions, start=1)}}
        for name, value in texts.items():
            if value and "\x00" in value:
                out.append(f"{name}: {NUL_MESSAGE}")
        for i, action in enumerate(self.actions, start=1):
            if not action.description.strip():
                out.append(f"actions {i}: the action has no description")
            if not action.owner.strip():
                out.append(f"actions {i}: the action has no owner")
        return out


@dataclass(frozen=True, slots=True)
class SignedMinutes:
    meeting_id: int
    sha256: str
    pdf: bytes


def signed_state(meeting: MeetingRecord) -> SignedState:
    return SignedState(meeting.signed_at is not None, meeting.signed_by, meeting.signed_at,
                       meeting.minutes_sha256)


def parse_start_time(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    if not _TIME.match(text.strip()):
        raise MeetingError(f"time: {text!r} is not a time of day as HH:MM (for example 08:30)")
    return text.strip()


class MeetingService:
    def __init__(self, db: Database, actor: str = "local user", today: Callable[[], date] = date.today,
                 *, follow_up_weeks: int | None = None, render: Renderer | None = None,
                 user: User | None = None) -> None:
        self.db = db
        self.user = user
        self.actor = user.username if user else actor
        self.today = today
        self.follow_up_weeks = follow_up_weeks
        self._render = render

    # -- boards -------------------------------------------------------------------------------
    def boards(self) -> list[BoardRecord]:
        with self.db.session() as s:
            return MeetingRepository(s).boards()

    def ensure_board(self, name: str, site: str = "breast") -> BoardRecord:
        """The board with this name; created with its tumour site's default quorum the first time."""
        if not name.strip():
            raise MeetingError("board: the board needs a name (for example \"Breast MDT\")")
        if site not in DEFAULT_QUORUM:
            raise MeetingError(f"site: no default quorum is known for {site!r}; known: "
                               + ", ".join(sorted(DEFAULT_QUORUM)))
        with self.db.session() as s:
            repo = MeetingRepository(s)
            board = repo.board(name)
            if board is not None:
                return board
            check(self.db, self.user, Permission.PLAN_MEETINGS)
            quorum = [d.value for d in Discipline if d in DEFAULT_QUORUM[site]]
            board = repo.add_board(name, site, quorum)
            AuditRepository(s).record(self.actor, "create", "board", str(board.id), [
                ("name", None, board.name), ("site", None, site), ("quorum", None, ",".join(quorum))])
            s.commit()
            return board

    def add_member(self, board: str, name: str, discipline: Discipline,
                   role: BoardRole = BoardRole.MEMBER, *, meeting_id: int | None = None) -> BoardRecord:
        """Add someone to the board's list; with ``meeting_id``, list them (absent until ticked) on
        that open meeting too, in the same transaction: meetings copy the list when planned."""
        check(self.db, self.user, Permission.PLAN_MEETINGS)
        _no_nul(name)
        if not name.strip():
            raise MeetingError("name: a board member needs a name")
        name = name.strip()
        with self.db.session() as s:
            repo = MeetingRepository(s)
            record = repo.board(board)
            if record is None:
                raise MeetingError(f"board: no board named {board!r}")
            if meeting_id is not None:
                self._open_meeting(s, meeting_id, "adding a board member to the attendance list")
                if any(a.name == name for a in repo.get(meeting_id).attendance):
                    raise MeetingError(f"name: {name} is already on this meeting's attendance list")
            try:
                repo.add_member(record.id, name, discipline.value, role.value)
            except RecordExists as exc:
                raise MeetingError(f"name: {exc}") from None
            AuditRepository(s).record(self.actor, "add-member", "board", str(record.id), [
                ("member", None, f"{name} ({discipline.value}, {role.value})")])
            if meeting_id is not None:
                repo.set_attendance(meeting_id, name, False, None, None)
                AuditRepository(s).record(self.actor, "attendance", "meeting", str(meeting_id), [
                    (f"present/{name}", None, "False")])
                repo.touch(meeting_id, self.actor, None)
            s.commit()
            updated = repo.board(board)
            assert updated is not None
            return updated

    def remove_member(self, board: str, name: str) -> BoardRecord:
        """Take someone off the board's list: meetings planned from now on do not list them; the
        meetings already planned, past attendance and signed minutes are left as they are."""
        check(self.db, self.user, Permission.PLAN_MEETINGS)
        with self.db.session() as s:
            repo = MeetingRepository(s)
            record = repo.board(board)
            if record is None:
                raise MeetingError(f"board: no board named {board!r}")
            try:
                repo.remove_member(record.id, name.strip())
            except RecordNotFound as exc:
                raise MeetingError(f"name: {exc}") from None
            AuditRepository(s).record(self.actor, "remove-member", "board", str(record.id), [
                ("member", name.strip(), None)])
            s.commit()
            updated = repo.board(board)
            assert updated is not None
            return updated

    # -- meetings -----------------------------------------------------------------------------
    def create_meeting(self, board: str, day: date, start: str | None = None, *, place: str | None = None,
                       video_link: str | None = None, chair: str | None = None) -> int:
        check(self.db, self.user, Permission.PLAN_MEETINGS)
        start = parse_start_time(start)
        _no_nul(board, place, video_link, chair)
        record = self.ensure_board(board)
        with self.db.session() as s:
            repo = MeetingRepository(s)
            meeting_id = repo.add_meeting(record, day, start, place, video_link, chair, self.actor)
            AuditRepository(s).record(self.actor, "create", "meeting", str(meeting_id), [
                ("board", None, record.name), ("day", None, day.isoformat()), ("start_time", None, start),
                ("place", None, place), ("video_link", None, video_link), ("chair", None, chair)])
            s.commit()
        return meeting_id

    def get(self, meeting_id: int) -> MeetingRecord:
        with self.db.session() as s:
            return MeetingRepository(s).get(meeting_id)

    def listing(self, board: str | None = None) -> list[MeetingListRecord]:
        with self.db.session() as s:
            return MeetingRepository(s).listing(board)

    def quorum(self, meeting_id: int) -> QuorumStatus:
        return quorum_status(self.get(meeting_id))

    def update_details(self, meeting_id: int, *, start: str | None, place: str | None,
                       video_link: str | None, chair: str | None,
                       expected_version: int | None = None) -> None:
        check(self.db, self.user, Permission.PLAN_MEETINGS)
        start = parse_start_time(start)
        _no_nul(place, video_link, chair)
        place, video_link, chair = _clean(place), _clean(video_link), _clean(chair)
        with self.db.session() as s:
            repo = self._open_meeting(s, meeting_id, "changing the meeting's details")
            old = repo.update_meeting(meeting_id, self.actor, expected_version, start_time=start, place=place,
                                      video_link=video_link, chair=chair)
            self._audit_fields(s, "update", "meeting", meeting_id, old, {
                "start_time": start, "place": place, "video_link": video_link, "chair": chair})
            s.commit()

    def schedule_next(self, meeting_id: int) -> int:
        """The same board, time and place one week later (weekly recurrence); an existing meeting
        on that day is reused."""
        check(self.db, self.user, Permission.PLAN_MEETINGS)
        with self.db.session() as s:
            meeting_id = self._next_meeting(s, MeetingRepository(s).get(meeting_id))
            s.commit()
            return meeting_id

    def _next_meeting(self, s: Any, meeting: MeetingRecord) -> int:
        repo = MeetingRepository(s)
        day = meeting.day + timedelta(days=7)
        existing = repo.meeting_on(meeting.board.id, day)
        if existing is not None:
            return existing
        new_id = repo.add_meeting(meeting.board, day, meeting.start_time, meeting.place, meeting.video_link,
                                  meeting.chair, self.actor)
        AuditRepository(s).record(self.actor, "create", "meeting", str(new_id), [
            ("board", None, meeting.board.name), ("day", None, day.isoformat()),
            ("recurrence_of", None, str(meeting.id))])
        return new_id

    # -- agenda -------------------------------------------------------------------------------
    def add_cases(self, meeting_id: int, mrns: Sequence[str], *, question: str | None = None,
                  presenter: str | None = None) -> list[int]:
        """Put cases on the agenda (all or none); returns their positions."""
        check(self.db, self.user, Permission.PLAN_MEETINGS)
        if not mrns:
            raise MeetingError("cases: name at least one record number to add")
        with self.db.session() as s:
            repo = self._open_meeting(s, meeting_id, "adding a case")
            meeting = repo.get(meeting_id)
            cases = CaseRepository(s)
            positions = []
            for mrn in mrns:
                positions.append(repo.add_agenda(meeting_id, mrn, triage=AgendaTriage.FOR_DISCUSSION.value,
                                                 question=question, presenter=presenter))
                self._set_next_meeting(cases, mrn, meeting.day)
                AuditRepository(s).record(self.actor, "add-case", "meeting", str(meeting_id), [
                    ("agenda", None, mrn)])
            repo.touch(meeting_id, self.actor, None)
            s.commit()
            return positions

    def _set_next_meeting(self, cases: CaseRepository, mrn: str, day: date) -> None:
        current = cases.get(mrn)
        if current.next_meeting == day:
            return
        derived = derive(current.case, self.today(), current.staging_date, day,
                         settings_from(SettingsRepository(cases.session).all()).readiness)
        cases.set_fields(mrn, self.actor, None, derived, next_meeting=day)
        AuditRepository(cases.session).record(self.actor, "schedule", "case", mrn, [
            ("next_meeting", _iso(current.next_meeting), day.isoformat())])

    def suggest_cases(self, meeting_id: int, limit: int = 50) -> list[str]:
        """Record numbers of cases ready for the MDT or whose reassessment is due, not yet listed."""
        from tumorboard.services.cases import CaseService, WorklistQuery

        meeting = self.get(meeting_id)
        listed = {a.mrn for a in meeting.agenda}
        service = CaseService(self.db, self.actor, lambda: meeting.day)
        rows = service.worklist(WorklistQuery(statuses=(WorkflowStatus.READY_FOR_MDT,), limit=limit))
        rows += service.worklist(WorklistQuery(window_statuses=("open", "overdue"), limit=limit))
        out: list[str] = []
        for row in rows:
            if row.mrn not in listed and row.mrn not in out and row.status is not WorkflowStatus.CLOSED:
                out.append(row.mrn)
        return out[:limit]

    def update_agenda_item(self, meeting_id: int, mrn: str, *, question: str | None = None,
                           presenter: str | None = None, triage: AgendaTriage | None = None,
                           responsible_clinician: str | None = None) -> None:
        check(self.db, self.user, Permission.PLAN_MEETINGS)
        with self.db.session() as s:
            repo = self._open_meeting(s, meeting_id, "changing the agenda")
            current = next((a for a in repo.get(meeting_id).agenda if a.mrn == mrn), None)
            if current is None:
                raise MeetingError(f"case {mrn} is not on the agenda of meeting {meeting_id}")
            new_triage = triage or AgendaTriage(current.triage)
            if new_triage is AgendaTriage.LISTED_NOT_DISCUSSED and current.decision is not None:
                raise MeetingError(f"triage: case {mrn} has a recorded decision; it was discussed")
            fields = {"question": _clean(question), "presenter": _clean(presenter),
                      "triage": new_triage.value,
                      "responsible_clinician": _clean(responsible_clinician)}
            if new_triage is AgendaTriage.LISTED_NOT_DISCUSSED and not fields["responsible_clinician"]:
                raise MeetingError("responsible clinician: a case listed but not discussed needs the named "
                                   "clinician responsible for standard-of-care treatment")
            old = repo.update_agenda(meeting_id, mrn, **fields)
            self._audit_fields(s, "agenda", "meeting", meeting_id, old, fields, prefix=f"{mrn}/")
            repo.touch(meeting_id, self.actor, None)
            s.commit()

    def reorder(self, meeting_id: int, mrns: Sequence[str]) -> None:
        check(self.db, self.user, Permission.PLAN_MEETINGS)
        with self.db.session() as s:
            repo = self._open_meeting(s, meeting_id, "reordering the agenda")
            before = [a.mrn for a in repo.get(meeting_id).agenda]
            repo.reorder(meeting_id, list(mrns))
            AuditRepository(s).record(self.actor, "reorder", "meeting", str(meeting_id), [
                ("agenda", ",".join(before), ",".join(mrns))])
            repo.touch(meeting_id, self.actor, None)
            s.commit()

    def remove_case(self, meeting_id: int, mrn: str) -> None:
        check(self.db, self.user, Permission.PLAN_MEETINGS)
        with self.db.session() as s:
            repo = self._open_meeting(s, meeting_id, "removing a case")
            repo.remove_agenda(meeting_id, mrn)
            AuditRepository(s).record(self.actor, "remove-case", "meeting", str(meeting_id), [
                ("agenda", mrn, None)])
            repo.touch(meeting_id, self.actor, None)
            s.commit()

    # -- attendance and quorum ----------------------------------------------------------------
    def set_attendance(self, meeting_id: int, name: str, present: bool, *,
                       discipline: Discipline | None = None, role: BoardRole | None = None) -> QuorumStatus:
        check(self.db, self.user, Permission.RECORD_DECISIONS)
        _no_nul(name)
        if not name.strip():
            raise MeetingError("name: whose attendance? the name is empty")
        with self.db.session() as s:
            repo = self._open_meeting(s, meeting_id, "changing attendance")
            before = repo.set_attendance(meeting_id, name.strip(), present,
                                         discipline.value if discipline else None,
                                         role.value if role else None)
            AuditRepository(s).record(self.actor, "attendance", "meeting", str(meeting_id), [
                (f"present/{name.strip()}", None if before is None else str(before), str(present))])
            repo.touch(meeting_id, self.actor, None)
            s.commit()
            return quorum_status(repo.get(meeting_id))

    def record_quorum_override(self, meeting_id: int, chair: str, reason: str) -> None:
        """The chair's decision to proceed without quorum, with the reason, for the record."""
        check(self.db, self.user, Permission.SIGN_OFF)
        _no_nul(chair, reason)
        if not chair.strip():
            raise MeetingError("chair: the override is recorded by the chair; the name is empty")
        if not reason.strip():
            raise MeetingError("reason: the chair's override needs a reason")
        with self.db.session() as s:
            repo = self._open_meeting(s, meeting_id, "overriding the quorum")
            meeting = repo.get(meeting_id)
            if meeting.chair and meeting.chair.strip().lower() != chair.strip().lower():
                raise MeetingError(f"chair: only the chair ({meeting.chair}) can override the quorum")
            old = repo.update_meeting(meeting_id, self.actor, None, quorum_override_by=chair.strip(),
                                      quorum_override_reason=reason.strip(), quorum_override_at=_now())
            self._audit_fields(s, "quorum-override", "meeting", meeting_id, old, {
                "quorum_override_by": chair.strip(), "quorum_override_reason": reason.strip()})
            s.commit()

    # -- decisions ----------------------------------------------------------------------------
    def record_decision(self, meeting_id: int, mrn: str, decision: DecisionInput,
                        expected_version: int | None = None) -> int:
        """Record (or, before sign-off, revise) the board's decision for a case on the agenda.

        The engine's full output for the meeting day is stored with it; the case is marked as
        discussed at this meeting. Refused without quorum unless the chair's override is recorded."""
        check(self.db, self.user, Permission.RECORD_DECISIONS)
        problems = decision.problems()
        if problems:
            raise MeetingError("; ".join(problems))
        with self.db.session() as s:
            repo = self._open_meeting(s, meeting_id, "recording a decision")
            meeting = repo.get(meeting_id)
            item = next((a for a in meeting.agenda if a.mrn == mrn), None)
            if item is None:
                raise MeetingError(f"case {mrn} is not on the agenda of this meeting; add it first")
            if item.triage == AgendaTriage.LISTED_NOT_DISCUSSED.value:
                raise MeetingError(f"case {mrn} is listed as not for discussion; change its triage to "
                                   "record a decision")
            status = quorum_status(meeting)
            override = None
            if meeting.quorum_override_by:
                override = QuorumOverride(meeting.quorum_override_by, meeting.quorum_override_reason or "",
                                          _now())
            check_decision_quorum(Quorum(frozenset(status.required)),
                                  {Discipline(a.discipline) for a in meeting.attendance if a.present},
                                  override)
            cases = CaseRepository(s)
            stored = cases.get(mrn)
            rec = recommendation_to_document(evaluate(stored.case, meeting.day))
            fields = _decision_fields(decision, rec, None if status.met else
                                      f"{meeting.quorum_override_by}: {meeting.quorum_override_reason}",
                                      meeting.day + timedelta(weeks=self._follow_up_weeks(s)))
            if item.decision is None:
                decision_id = repo.add_decision(meeting_id, mrn, fields, self.actor)
                old: dict[str, Any] = {}
                action = "decide"
            else:
                old = repo.update_decision(meeting_id, mrn, fields, self.actor, expected_version)
                decision_id = item.decision.id
                action = "revise-decision"
            self._audit_fields(s, action, "decision", decision_id, old,
                               {k: v for k, v in fields.items() if k != "recommendation"})
            self._mark_discussed(cases, stored.case, meeting.day)
            repo.touch(meeting_id, self.actor, None)
            s.commit()
            return decision_id

    def _mark_discussed(self, cases: CaseRepository, case: Case, day: date) -> None:
        """The case now carries this MDT discussion and moves to "discussed" where the pathway allows."""
        mrn = case.patient.mrn
        audit = AuditRepository(cases.session)
        if day not in case.mdt_discussions:
            updated = _with_discussion(case, day)
            before = cases.get(mrn)
            cases.update(updated, derive(updated, self.today(), before.staging_date, before.next_meeting,
                                         settings_from(SettingsRepository(cases.session).all()).readiness),
                         self.actor, None)
            audit.record(self.actor, "update", "case", mrn,
                         field_changes(case_to_document(case), case_to_document(updated)))
        current = WorkflowStatus(cases.get(mrn).status)
        path = _path_to_discussed(current)
        for step in path:
            cases.set_fields(mrn, self.actor, None, status=step.value)
        if path:
            audit.record(self.actor, "status", "case", mrn, [("status", current.value, path[-1].value)])

    # -- end of meeting -----------------------------------------------------------------------
    def close(self, meeting_id: int) -> int | None:
        """Close the meeting: cases for discussion that were not discussed move to the next weekly
        meeting (created if needed). Returns that meeting's id, or None if nothing carried over."""
        check(self.db, self.user, Permission.PLAN_MEETINGS)
        with self.db.session() as s:
            target = self._close(s, meeting_id)
            s.commit()
            return target

    def _close(self, s: Any, meeting_id: int) -> int | None:
        repo = self._open_meeting(s, meeting_id, "closing the meeting")
        meeting = repo.get(meeting_id)
        carried = [a for a in meeting.agenda
                   if a.triage == AgendaTriage.FOR_DISCUSSION.value and not a.discussed]
        target: int | None = None
        if carried:
            target = self._next_meeting(s, meeting)
            next_meeting = repo.get(target)
            listed = {a.mrn for a in next_meeting.agenda}
            cases = CaseRepository(s)
            for item in carried:
                if item.mrn not in listed:
                    repo.add_agenda(target, item.mrn, triage=AgendaTriage.FOR_DISCUSSION.value,
                                    question=item.question, presenter=item.presenter,
                                    carried_over_from=meeting_id)
                self._set_next_meeting(cases, item.mrn, next_meeting.day)
            AuditRepository(s).record(self.actor, "carry-over", "meeting", str(target), [
                ("agenda", None, item.mrn) for item in carried])
        old = repo.update_meeting(meeting_id, self.actor, None, closed_at=_now(), carried_over_to_id=target)
        self._audit_fields(s, "close", "meeting", meeting_id, old, {"carried_over_to_id": target})
        return target

    def minutes(self, meeting_id: int, *, pseudonymise: bool = False) -> Minutes:
        """The minutes as data; a signed meeting's minutes say they are a copy of the signed hash."""
        from tumorboard import __version__

        with self.db.session() as s:
            meeting = MeetingRepository(s).get(meeting_id)
            cases = {a.mrn: CaseRepository(s).get(a.mrn).case for a in meeting.agenda}
        return assemble_minutes(meeting, cases, pseudonymise=pseudonymise, app_version=__version__,
                                quorum=quorum_status(meeting), generated_at=_now(),
                                copy_of=meeting.minutes_sha256)

    def render_minutes(self, meeting_id: int, *, pseudonymise: bool = False) -> bytes:
        return self._renderer()(self.minutes(meeting_id, pseudonymise=pseudonymise))

    def export_minutes(self, meeting_id: int, *, pseudonymise: bool = False,
                       signed_original: bool = False, to: str = "file") -> bytes:
        """The minutes for a file or a printer (``to``): patient data leaving the system, so
        checked and recorded. Showing them on screen (``render_minutes``) is not an export."""
        if signed_original and pseudonymise:
            raise MeetingError("pseudonymise: the signed original names the patients; it cannot be "
                               "pseudonymised")
        self.record_minutes_export(meeting_id, pseudonymised=pseudonymise, signed_original=signed_original,
                                   to=to)
        if signed_original:
            return self.signed_original(meeting_id)
        return self.render_minutes(meeting_id, pseudonymise=pseudonymise)

    def record_minutes_export(self, meeting_id: int, *, pseudonymised: bool, signed_original: bool,
                              to: str = "file") -> None:
        """Check that the user may export patient data and record that the minutes left the
        system (before the bytes are handed over: an export that then fails is still on record)."""
        check(self.db, self.user, Permission.EXPORT_PATIENT_DATA)
        kind = ("pseudonymised copy" if pseudonymised else "signed original" if signed_original
                else "copy")
        with self.db.session() as s:
            MeetingRepository(s).get(meeting_id)  # RecordNotFound for a meeting that does not exist
            AuditRepository(s).record(self.actor, "export", "meeting", str(meeting_id), [
                ("minutes", None, f"{kind} to a {to}")])
            s.commit()

    def signed_original(self, meeting_id: int) -> bytes:
        with self.db.session() as s:
            pdf = MeetingRepository(s).signed_pdf(meeting_id)
        if pdf is None:
            raise MeetingError(f"meeting {meeting_id} is not signed off; there is no signed original")
        return pdf

    def sign_off(self, meeting_id: int, chair: str, expected_version: int | None = None) -> SignedMinutes:
        """The chair signs: the meeting is closed if it was not, the minutes are rendered and their
        SHA-256 stored with them, and the meeting becomes read-only (service and database)."""
        check(self.db, self.user, Permission.SIGN_OFF)
        from hashlib import sha256

        from tumorboard import __version__

        if not chair.strip():
            raise MeetingError("chair: the minutes are signed by the chair; the name is empty")
        if self.user is not None and chair.strip().lower() != self.user.display_name.strip().lower():
            raise MeetingError(f"chair: you are signed in as {self.user.display_name}; minutes are signed "
                               "in your own name only")
        with self.db.session() as s:
            repo = self._open_meeting(s, meeting_id, "signing off")
            meeting = repo.get(meeting_id)
            if meeting.chair and meeting.chair.strip().lower() != chair.strip().lower():
                raise MeetingError(f"chair: only the meeting's chair ({meeting.chair}) can sign it off")
            if expected_version is not None and meeting.version != expected_version:
                raise MeetingError("the meeting was changed since you opened it; reload it before signing")
            if meeting.closed_at is None:
                self._close(s, meeting_id)
            signed_at = _now()
            meeting = repo.get(meeting_id)
            cases = {a.mrn: CaseRepository(s).get(a.mrn).case for a in meeting.agenda}
            minutes = assemble_minutes(meeting, cases, pseudonymise=False, app_version=__version__,
                                       quorum=quorum_status(meeting), generated_at=signed_at, copy_of=None,
                                       sign_off=SignOff(chair.strip(), signed_at, None))
            pdf = self._renderer()(minutes)
            digest = sha256(pdf).hexdigest()
            # One UPDATE signs, hashes and keeps the document: the triggers refuse any change after it.
            repo.update_meeting(meeting_id, self.actor, None, chair=chair.strip(), signed_by=chair.strip(),
                                signed_at=signed_at, minutes_sha256=digest, minutes_pdf=pdf)
            AuditRepository(s).record(self.actor, "sign-off", "meeting", str(meeting_id), [
                ("signed_by", None, chair.strip()), ("signed_at", None, signed_at.isoformat()),
                ("minutes_sha256", None, digest)])
            s.commit()
        return SignedMinutes(meeting_id, digest, pdf)

    def amend(self, meeting_id: int, mrn: str | None, field_name: str, new_value: str, reason: str) -> None:
        """Correct a signed meeting: the original stays as signed, the amendment records what, why
        and who. ``field_name`` is a decision field (text, category, concordant, deviation_reason,
        deviation_text, patient_preferences) for ``mrn``, or "note" for the meeting as a whole."""
        check(self.db, self.user, Permission.SIGN_OFF)
        _no_nul(reason, new_value)
        if not reason.strip():
            raise MeetingError("reason: an amendment needs a reason")
        with self.db.session() as s:
            repo = MeetingRepository(s)
            meeting = repo.get(meeting_id)
            if meeting.signed_at is None:
                raise MeetingError("the meeting is not signed off yet; change it directly instead of "
                                   "amending")
            decision_id = None
            old_value = None
            if field_name != "note":
                if mrn is None:
                    raise MeetingError("case: name the case whose decision is amended")
                if field_name not in AMENDABLE:
                    raise MeetingError(f"field: {field_name!r} cannot be amended; amendable: "
                                       + ", ".join(sorted(AMENDABLE)) + ", note")
                new_value = AMENDABLE[field_name](new_value)
                item = next((a for a in meeting.agenda if a.mrn == mrn), None)
                if item is None or item.decision is None:
                    raise MeetingError(f"case: no decision was recorded for {mrn} at this meeting")
                decision_id = item.decision.id
                previous = [a for a in meeting.amendments
                            if a.decision_id == decision_id and a.field == field_name]
                old_value = previous[-1].new_value if previous else _text(getattr(item.decision, field_name))
            repo.add_amendment(meeting_id, decision_id, self.actor, reason.strip(), field_name, old_value,
                               new_value)
            AuditRepository(s).record(self.actor, "amend", "meeting", str(meeting_id), [
                (f"{mrn + '/' if mrn else ''}{field_name}", old_value, new_value)])
            s.commit()

    # -- follow-up ----------------------------------------------------------------------------
    def follow_ups_due(self, on: date | None = None) -> list[FollowUpRecord]:
        with self.db.session() as s:
            return MeetingRepository(s).follow_ups(on or self.today())

    def record_implementation(self, decision_id: int, outcome: ImplementationOutcome,
                              reason: NonImplementationReason | None = None, note: str | None = None) -> None:
        check(self.db, self.user, Permission.FOLLOW_UP)
        if outcome is not ImplementationOutcome.FULLY and reason is None:
            raise MeetingError("reason: a decision carried out partly or not at all needs the reason "
                               "(patient wish, death, clinical change, physician decision, other)")
        if reason is NonImplementationReason.OTHER and not (note or "").strip():
            raise MeetingError("note: the reason \"other\" needs a note saying what happened")
        with self.db.session() as s:
            repo = MeetingRepository(s)
            repo.add_implementation(decision_id, outcome.value, reason.value if reason else None,
                                    _clean(note), self.actor)
            AuditRepository(s).record(self.actor, "implementation", "decision", str(decision_id), [
                ("outcome", None, outcome.value), ("reason", None, reason.value if reason else None),
                ("note", None, _clean(note))])
            s.commit()

    # -- helpers ------------------------------------------------------------------------------
    def _open_meeting(self, s: Any, meeting_id: int, action: str) -> MeetingRepository:
        repo = MeetingRepository(s)
        meeting = repo.get(meeting_id)
        signed_state(meeting).require_open(action)
        if meeting.closed_at is not None and action not in ("signing off",):
            raise MeetingError(f"the meeting was closed on {meeting.closed_at:%Y-%m-%d %H:%M} UTC; "
                               f"{action} is refused (undiscussed cases moved to the next meeting)")
        return repo

    def _follow_up_weeks(self, s: Any) -> int:
        if self.follow_up_weeks is not None:
            return self.follow_up_weeks
        return settings_from(SettingsRepository(s).all()).follow_up_weeks

    def _renderer(self) -> Renderer:
        if self._render is not None:
            return self._render
        from tumorboard.reports import render_minutes

        return render_minutes

    def _audit_fields(self, s: Any, action: str, entity: str, entity_id: int, old: dict[str, Any],
                      new: dict[str, Any], prefix: str = "") -> None:
        changes = [(f"{prefix}{k}", _text(old.get(k)), _text(v)) for k, v in new.items()
                   if _text(old.get(k)) != _text(v)]
        if changes:
            AuditRepository(s).record(self.actor, action, entity, str(entity_id), changes)


def _decision_fields(d: DecisionInput, rec: dict[str, Any], override: str | None,
                     follow_up: date) -> dict[str, Any]:
    return {
        "category": d.category.value, "text": d.text.strip(), "concordant": d.concordant,
        "deviation_reason": None if d.concordant or d.deviation_reason is None else d.deviation_reason.value,
        "deviation_text": None if d.concordant else _clean(d.deviation_text),
        "actions": json.dumps([{"description": a.description.strip(), "owner": a.owner.strip(),
                                "due": _iso(a.due)} for a in d.actions], ensure_ascii=False),
        "patient_preferences": _clean(d.patient_preferences),
        "counselling_delivered": json.dumps(list(d.counselling_delivered), ensure_ascii=False),
        "quorum_override": override,
        "recommendation": json.dumps(rec, ensure_ascii=False, sort_keys=True),
        "ruleset_id": rec["ruleset"]["id"], "ruleset_version": rec["ruleset"]["version"],
        "follow_up_due": follow_up,
    }


def _checked_category(value: str) -> str:
    try:
        return DecisionCategory(value).value
    except ValueError:
        raise MeetingError(f"category: {value!r} is not a decision category; one of "
                           + ", ".join(c.value for c in DecisionCategory)) from None


def _checked_reason(value: str) -> str:
    try:
        return DeviationReason(value).value
    except ValueError:
        raise MeetingError(f"deviation_reason: {value!r} is not a reason; one of "
                           + ", ".join(r.value for r in DeviationReason)) from None


def _checked_bool(value: str) -> str:
    if value.strip().lower() not in ("true", "false", "yes", "no"):
        raise MeetingError(f"concordant: {value!r} is not yes or no")
    return str(value.strip().lower() in ("true", "yes"))


def _checked_text(value: str) -> str:
    _no_nul(value)
    if not value.strip():
        raise MeetingError("value: the corrected text is empty")
    return value.strip()


AMENDABLE: dict[str, Callable[[str], str]] = {
    "text": _checked_text, "category": _checked_category, "concordant": _checked_bool,
    "deviation_reason": _checked_reason, "deviation_text": _checked_text,
    "patient_preferences": _checked_text,
}


def _path_to_discussed(current: WorkflowStatus) -> list[WorkflowStatus]:
    if current is WorkflowStatus.DISCUSSED:
        return []
    if WorkflowStatus.DISCUSSED in ALLOWED_TRANSITIONS[current]:
        return [WorkflowStatus.DISCUSSED]
    if WorkflowStatus.READY_FOR_MDT in ALLOWED_TRANSITIONS[current]:
        return [WorkflowStatus.READY_FOR_MDT, WorkflowStatus.DISCUSSED]
    return []  # closed cases stay closed; the decision is still recorded


def _with_discussion(case: Case, day: date) -> Case:
    from dataclasses import replace

    return replace(case, mdt_discussions=tuple(sorted({*case.mdt_discussions, day})))


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


NUL_MESSAGE = "the text contains a NUL character (\\0), which cannot be stored; remove it"


def _no_nul(*values: str | None) -> None:
    """PostgreSQL cannot store a NUL character in text; refuse it on every database alike."""
    if any(v and "\x00" in v for v in values):
        raise MeetingError(NUL_MESSAGE)


def _clean(value: str | None) -> str | None:
    _no_nul(value)
    return value.strip() if value and value.strip() else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
