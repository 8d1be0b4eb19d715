"""MDT meeting use cases: plan, start, agenda, attendance and quorum, decisions, close, sign off,
amend, follow up.

Each action is one unit of work (``Database.unit_of_work``): the meeting's state, the quorum and
the agenda it decides on are read inside the write transaction, the state machine
(``domain.meeting_state``) is applied there, the audit rows and versions are written by it, and
what changed goes to the application's notice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tumorboard.casedoc import case_to_document
from tumorboard.domain.case import Case
from tumorboard.domain.changes import Changes
from tumorboard.domain.meeting import (
    AgendaTriage,
    BoardRole,
    Discipline,
    ImplementationOutcome,
    MeetingError,
    NonImplementationReason,
    Quorum,
    QuorumOverride,
    carry_over,
    check_decision_quorum,
    check_triage,
    next_weekly,
)
from tumorboard.domain.meeting_state import (
    MeetingAction,
    MeetingState,
    check_closable,
    check_replacement,
    check_sign_off,
    require,
)
from tumorboard.domain.minutes import Minutes, SignOff
from tumorboard.domain.users import Permission, User
from tumorboard.domain.workflow import ALLOWED_TRANSITIONS, WorkflowStatus
from tumorboard.recommend import evaluate, recommendation_to_document
from tumorboard.services.access import check
from tumorboard.services.acting import Acting
from tumorboard.services.audit import field_changes
from tumorboard.services.boards import add_member_in, find_board, remove_member_in
from tumorboard.services.derived import derive
from tumorboard.services.meeting_input import (
    AMENDABLE,
    NUL_MESSAGE,
    DecisionInput,
    clean,
    iso,
    no_nul,
    parse_start_time,
    text_of,
)
from tumorboard.services.minutes import assemble_minutes
from tumorboard.services.minutes_snapshot import sha256_text, snapshot_json
from tumorboard.services.notice import Notify, ignore
from tumorboard.services.quorum import QuorumStatus, quorum_status
from tumorboard.services.settings import settings_from
from tumorboard.services.signed_minutes import (
    MinutesCheck,
    UnreadablePdf,
    open_chair_key,
    sign_pdf,
    signed_copy,
    store_chair_key,
    verify_minutes,
)
from tumorboard.store import Database, RecordExists, RecordNotFound
from tumorboard.store.meeting_records import (
    BoardRecord,
    FollowUpRecord,
    MeetingListRecord,
    MeetingRecord,
    ReplacedDecisionRecord,
)
from tumorboard.store.unit_of_work import UnitOfWork

__all__ = ["NUL_MESSAGE", "DecisionInput", "MeetingService", "MinutesCheck", "QuorumStatus",
           "SignedMinutes", "UnreadablePdf", "parse_start_time"]

Renderer = Callable[[Minutes], bytes]


@dataclass(frozen=True, slots=True)
class SignedMinutes:
    meeting_id: int
    sha256: str
    pdf: bytes


def meeting_state(meeting: MeetingRecord) -> MeetingState:
    return MeetingState(meeting.state)


class MeetingService(Acting):
    def __init__(self, db: Database, actor: str = "local user", today: Callable[[], date] = date.today,
                 *, follow_up_weeks: int | None = None, render: Renderer | None = None,
                 user: User | None = None, notify: Notify = ignore) -> None:
        super().__init__(db, actor, user=user, notify=notify)
        self.today = today
        self.follow_up_weeks = follow_up_weeks
        self._render = render

    def _meeting(self, uow: UnitOfWork, meeting_id: int, action: MeetingAction) -> MeetingRecord:
        """The meeting as it is now (inside the write transaction), if ``action`` is allowed."""
        try:
            meeting = uow.meetings.get(meeting_id)
        except RecordNotFound:
            raise MeetingError(f"meeting: no meeting with id {meeting_id} (see `tumorboard meetings "
                               "list`)") from None
        require(meeting_state(meeting), action, day=meeting.day, today=self.today())
        return meeting

    # -- boards -------------------------------------------------------------------------------
    def boards(self) -> list[BoardRecord]:
        with self.db.reading() as uow:
            return uow.meetings.boards()

    def add_member(self, board: str, name: str, discipline: Discipline,
                   role: BoardRole = BoardRole.MEMBER, *, meeting_id: int | None = None) -> BoardRecord:
        """Add someone to the board's list; with ``meeting_id``, list them (absent until ticked) on
        that open meeting too, in the same transaction: meetings copy the list when planned."""
        with self._action(Permission.PLAN_MEETINGS) as uow:
            if meeting_id is not None:
                meeting = self._meeting(uow, meeting_id, MeetingAction.PLAN)
                if any(a.name == name.strip() for a in meeting.attendance):
                    raise MeetingError(f"name: {name.strip()} is already on this meeting's attendance list")
            record = add_member_in(uow, board, name, discipline, role)
            if meeting_id is not None:
                uow.meetings.set_attendance(meeting_id, name.strip(), False, None, None, self.actor)
                uow.audit("attendance", "meeting", meeting_id, [(f"present/{name.strip()}", None, False)])
                uow.meetings.touch(meeting_id, self.actor)
            updated = uow.meetings.board(record.name)
        assert updated is not None
        return updated

    def remove_member(self, board: str, name: str) -> BoardRecord:
        """Take someone off the board's list: meetings planned from now on do not list them; the
        meetings already planned, past attendance and signed minutes are left as they are."""
        with self._action(Permission.PLAN_MEETINGS) as uow:
            record = remove_member_in(uow, board, name)
            updated = uow.meetings.board(record.name)
        assert updated is not None
        return updated

    # -- meetings -----------------------------------------------------------------------------
    def create_meeting(self, board: str, day: date, start: str | None = None, *, place: str | None = None,
                       video_link: str | None = None, chair: str | None = None) -> int:
        """Plan a meeting of an existing board; a second one at the same date and time is refused."""
        start = parse_start_time(start)
        no_nul(board, place, video_link, chair)
        with self._action(Permission.PLAN_MEETINGS) as uow:
            record = find_board(uow, board)
            meeting_id = self._add_meeting(uow, record, day, start, clean(place), clean(video_link),
                                           clean(chair))
        return meeting_id

    def _add_meeting(self, uow: UnitOfWork, board: BoardRecord, day: date, start: str | None,
                     place: str | None, video_link: str | None, chair: str | None,
                     recurrence_of: int | None = None) -> int:
        if uow.meetings.meeting_at(board.id, day, start) is not None:
            when = f"{day.isoformat()}{' at ' + start if start else ''}"
            raise MeetingError(f"date: {board.name} already has a meeting on {when}; open that one, or "
                               "choose another date or time")
        meeting_id = uow.meetings.add_meeting(board, day, start, place, video_link, chair, self.actor)
        audit: list[tuple[str | None, Any, Any]] = [
            ("board", None, board.name), ("day", None, day.isoformat()), ("start_time", None, start),
            ("place", None, place), ("video_link", None, video_link), ("chair", None, chair)]
        if recurrence_of is not None:
            audit.append(("recurrence_of", None, recurrence_of))
        uow.audit("create", "meeting", meeting_id, audit)
        return meeting_id

    def get(self, meeting_id: int) -> MeetingRecord:
        with self.db.reading() as uow:
            return uow.meetings.get(meeting_id)

    def replaced_decisions(self, meeting_id: int) -> list[ReplacedDecisionRecord]:
        with self.db.reading() as uow:
            return uow.meetings.replaced_decisions(meeting_id)

    def listing(self, board: str | None = None) -> list[MeetingListRecord]:
        with self.db.reading() as uow:
            if board:
                find_board(uow, board)
            return uow.meetings.listing(board)

    def quorum(self, meeting_id: int) -> QuorumStatus:
        return quorum_status(self.get(meeting_id))

    def start(self, meeting_id: int, expected_version: int | None = None) -> Changes:
        """The meeting begins (on or after its date): attendance, triage and decisions open."""
        with self._action(Permission.RECORD_DECISIONS) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.START)
            after = require(meeting_state(meeting), MeetingAction.START)
            old = uow.meetings.update_meeting(meeting_id, self.actor, expected_version, state=after.value,
                                              started_at=uow.now, started_by=self.actor)
            uow.audit("start", "meeting", meeting_id, [("state", old["state"], after.value)])
        return self.last_changes

    def update_details(self, meeting_id: int, *, start: str | None, place: str | None,
                       video_link: str | None, chair: str | None,
                       expected_version: int | None = None) -> Changes:
        start = parse_start_time(start)
        no_nul(place, video_link, chair)
        place, video_link, chair = clean(place), clean(video_link), clean(chair)
        with self._action(Permission.PLAN_MEETINGS) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.PLAN)
            if start != meeting.start_time:
                other = uow.meetings.meeting_at(meeting.board.id, meeting.day, start)
                if other is not None and other != meeting_id:
                    raise MeetingError(f"time: {meeting.board.name} already has a meeting on "
                                       f"{meeting.day.isoformat()} at {start or 'no set time'}")
            new: dict[str, Any] = {"start_time": start, "place": place, "video_link": video_link,
                                   "chair": chair}
            current = {"start_time": meeting.start_time, "place": meeting.place,
                       "video_link": meeting.video_link, "chair": meeting.chair}
            new = {k: v for k, v in new.items() if text_of(v) != text_of(current[k])}
            if meeting.quorum_override_by and "chair" in new:
                # The override was that chair's decision: a new chair records their own.
                new.update(quorum_override_by=None, quorum_override_reason=None, quorum_override_at=None)
            if new:  # a save that changes nothing writes nothing (no new version to refuse others)
                old = uow.meetings.update_meeting(meeting_id, self.actor, expected_version, **new)
                _audit_fields(uow, "update", "meeting", meeting_id, old,
                              {k: v for k, v in new.items() if k != "quorum_override_at"})
        return self.last_changes

    def schedule_next(self, meeting_id: int) -> int:
        """The same board, time and place one week later (weekly recurrence); an existing meeting
        on that day is reused."""
        with self._action(Permission.PLAN_MEETINGS) as uow:
            target = self._next_meeting(uow, uow.meetings.get(meeting_id))
        return target

    def _next_meeting(self, uow: UnitOfWork, meeting: MeetingRecord) -> int:
        day = next_weekly(meeting.day)
        existing = uow.meetings.meeting_on(meeting.board.id, day)
        if existing is not None:
            return existing
        return self._add_meeting(uow, meeting.board, day, meeting.start_time, meeting.place,
                                 meeting.video_link, meeting.chair, recurrence_of=meeting.id)

    # -- agenda -------------------------------------------------------------------------------
    def add_cases(self, meeting_id: int, mrns: Sequence[str], *, question: str | None = None,
                  presenter: str | None = None) -> list[int]:
        """Put cases on the agenda (all or none); returns their positions."""
        if not mrns:
            raise MeetingError("cases: name at least one record number to add")
        no_nul(question, presenter)
        with self._action(Permission.PLAN_MEETINGS) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.PLAN)
            positions = []
            for mrn in mrns:
                try:
                    positions.append(uow.meetings.add_agenda(
                        meeting_id, mrn, triage=AgendaTriage.FOR_DISCUSSION.value, question=clean(question),
                        presenter=clean(presenter)))
                except (RecordNotFound, RecordExists) as exc:
                    raise MeetingError(f"cases: {exc}; no case was added") from None
                self._set_next_meeting(uow, mrn, meeting.day)
                uow.audit("add-case", "meeting", meeting_id, [("agenda", None, mrn)])
            uow.meetings.touch(meeting_id, self.actor)
        return positions

    def _set_next_meeting(self, uow: UnitOfWork, mrn: str, day: date) -> None:
        current = uow.cases.get(mrn)
        if current.next_meeting == day:
            return
        derived = derive(current.case, self.today(), current.staging_date, day,
                         settings_from(uow.settings.all()).readiness)
        uow.cases.set_fields(mrn, self.actor, None, derived, next_meeting=day)
        uow.audit("schedule", "case", mrn, [("next_meeting", iso(current.next_meeting), day.isoformat())])

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
                           responsible_clinician: str | None = None,
                           imaging_review: bool | None = None, pathology_review: bool | None = None,
                           expected_version: int | None = None) -> Changes:
        """The question, presenter, review requests (None: as they are) and (while the meeting is
        in progress) the triage of a case."""
        with self._action(Permission.PLAN_MEETINGS) as uow:
            meeting = uow.meetings.get(meeting_id)
            current = next((a for a in meeting.agenda if a.mrn == mrn), None)
            if current is None:
                raise MeetingError(f"case {mrn} is not on the agenda of meeting {meeting_id}")
            new_triage = triage or AgendaTriage(current.triage)
            action = MeetingAction.TRIAGE if new_triage.value != current.triage else MeetingAction.PLAN
            self._meeting(uow, meeting_id, action)
            fields: dict[str, Any] = {
                "question": clean(question), "presenter": clean(presenter), "triage": new_triage.value,
                "responsible_clinician": clean(responsible_clinician),
                "imaging_review_requested": current.imaging_review_requested if imaging_review is None
                else imaging_review,
                "pathology_review_requested": current.pathology_review_requested if pathology_review is None
                else pathology_review}
            check_triage(new_triage, fields["responsible_clinician"], decided=current.decision is not None)
            before = {"question": current.question, "presenter": current.presenter, "triage": current.triage,
                      "responsible_clinician": current.responsible_clinician,
                      "imaging_review_requested": current.imaging_review_requested,
                      "pathology_review_requested": current.pathology_review_requested}
            fields = {k: v for k, v in fields.items() if text_of(v) != text_of(before[k])}
            if fields:  # a save that changes nothing writes nothing
                old = uow.meetings.update_agenda(meeting_id, mrn, self.actor, expected_version, **fields)
                _audit_fields(uow, "agenda", "meeting", meeting_id, old, fields, prefix=f"{mrn}/")
                uow.meetings.touch(meeting_id, self.actor)
        return self.last_changes

    def reorder(self, meeting_id: int, mrns: Sequence[str], expected_version: int | None = None) -> Changes:
        with self._action(Permission.PLAN_MEETINGS) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.PLAN)
            before = [a.mrn for a in meeting.agenda]
            try:
                uow.meetings.reorder(meeting_id, list(mrns))
            except RecordNotFound as exc:
                raise MeetingError(f"order: {exc}") from None
            uow.audit("reorder", "meeting", meeting_id, [("agenda", before, list(mrns))])
            uow.meetings.touch(meeting_id, self.actor, expected_version)
        return self.last_changes

    def remove_case(self, meeting_id: int, mrn: str) -> Changes:
        with self._action(Permission.PLAN_MEETINGS) as uow:
            self._meeting(uow, meeting_id, MeetingAction.PLAN)
            try:
                uow.meetings.remove_agenda(meeting_id, mrn)
            except (RecordNotFound, RecordExists) as exc:
                raise MeetingError(f"case: {exc}") from None
            uow.audit("remove-case", "meeting", meeting_id, [("agenda", mrn, None)])
            uow.touched(cases=[mrn])
            uow.meetings.touch(meeting_id, self.actor)
        return self.last_changes

    # -- attendance and quorum ----------------------------------------------------------------
    def set_attendance(self, meeting_id: int, name: str, present: bool, *,
                       discipline: Discipline | None = None, role: BoardRole | None = None,
                       expected_version: int | None = None) -> QuorumStatus:
        """Mark someone present or absent while the meeting is in progress (a guest is added)."""
        no_nul(name)
        if not name.strip():
            raise MeetingError("name: whose attendance? the name is empty")
        name = name.strip()
        with self._action(Permission.RECORD_DECISIONS) as uow:
            meeting = uow.meetings.get(meeting_id)
            listed = any(a.name == name for a in meeting.attendance)
            # Listing someone absent is planning; ticking them present is the meeting itself.
            self._meeting(uow, meeting_id, MeetingAction.ATTEND if present or listed else MeetingAction.PLAN)
            try:
                before = uow.meetings.set_attendance(meeting_id, name, present,
                                                     discipline.value if discipline else None,
                                                     role.value if role else None, self.actor,
                                                     expected_version)
            except RecordNotFound as exc:
                raise MeetingError(f"name: {exc}") from None
            uow.audit("attendance", "meeting", meeting_id, [(f"present/{name}", before, present)])
            uow.meetings.touch(meeting_id, self.actor)
            status = quorum_status(uow.meetings.get(meeting_id))
        return status

    def record_quorum_override(self, meeting_id: int, chair: str, reason: str) -> Changes:
        """The chair's decision to proceed without quorum, with the reason, in the chair's own name."""
        no_nul(chair, reason)
        if not chair.strip():
            raise MeetingError("chair: the override is recorded by the chair; the name is empty")
        if not reason.strip():
            raise MeetingError("reason: the chair's override needs a reason")
        if self.user is not None and chair.strip().lower() != self.user.display_name.strip().lower():
            raise MeetingError(f"chair: you are signed in as {self.user.display_name}; an override is "
                               "recorded in your own name only")
        with self._action(Permission.SIGN_OFF) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.OVERRIDE_QUORUM)
            if not meeting.chair or meeting.chair.strip().lower() != chair.strip().lower():
                raise MeetingError(f"chair: only the meeting's chair ({meeting.chair or 'none named yet'}) "
                                   "can override the quorum")
            new = {"quorum_override_by": chair.strip(), "quorum_override_reason": reason.strip(),
                   "quorum_override_at": uow.now}
            old = uow.meetings.update_meeting(meeting_id, self.actor, None, **new)
            _audit_fields(uow, "quorum-override", "meeting", meeting_id, old,
                          {k: v for k, v in new.items() if k != "quorum_override_at"})
        return self.last_changes

    # -- decisions ----------------------------------------------------------------------------
    def record_decision(self, meeting_id: int, mrn: str, decision: DecisionInput,
                        expected_version: int | None = None, *, replace: bool = False,
                        reason: str | None = None) -> int:
        """Record the board's decision for a case on the agenda while the meeting is in progress.

        A second decision for the same case is refused unless ``replace`` is asked with a
        ``reason``: the replaced decision is kept whole. The engine's full output for the meeting
        day is stored with it; the case is marked as discussed. Refused without quorum unless the
        chair's override is recorded."""
        problems = decision.problems()
        if replace:
            no_nul(reason)
        if problems:
            raise MeetingError("; ".join(problems))
        with self._action(Permission.RECORD_DECISIONS) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.DECIDE)
            item = next((a for a in meeting.agenda if a.mrn == mrn), None)
            if item is None:
                raise MeetingError(f"case {mrn} is not on the agenda of this meeting; add it first")
            if item.triage == AgendaTriage.LISTED_NOT_DISCUSSED.value:
                raise MeetingError(f"case {mrn} is listed as not for discussion; change its triage to "
                                   "record a decision")
            check_replacement(existing=item.decision is not None, replace=replace, reason=reason)
            status = quorum_status(meeting)
            override = (QuorumOverride(meeting.quorum_override_by, meeting.quorum_override_reason or "",
                                       uow.now) if meeting.quorum_override_by else None)
            present = {Discipline(a.discipline) for a in meeting.attendance if a.present}
            check_decision_quorum(Quorum(frozenset(status.required)), present, override)
            stored = uow.cases.get(mrn)
            rec = recommendation_to_document(evaluate(stored.case, meeting.day))
            fields = decision.fields(rec, None if status.met else
                                     f"{meeting.quorum_override_by}: {meeting.quorum_override_reason}",
                                     meeting.day + timedelta(weeks=self._follow_up_weeks(uow)))
            audited = {k: v for k, v in fields.items() if k != "recommendation"}
            if item.decision is None:
                decision_id = uow.meetings.add_decision(meeting_id, mrn, fields, self.actor)
                _audit_fields(uow, "decide", "decision", decision_id, {}, audited)
            else:
                assert reason is not None
                decision_id, old = uow.meetings.replace_decision(meeting_id, mrn, fields, self.actor,
                                                                 expected_version, reason.strip())
                uow.audit("replace-decision", "decision", decision_id, [("reason", None, reason.strip())])
                _audit_fields(uow, "replace-decision", "decision", decision_id, old, audited)
            uow.touched(meetings=[meeting_id])
            self._mark_discussed(uow, stored.case, meeting.day)
            uow.meetings.touch(meeting_id, self.actor)
        return decision_id

    def _mark_discussed(self, uow: UnitOfWork, case: Case, day: date) -> None:
        """The case now carries this MDT discussion and moves to "discussed" where the pathway allows."""
        mrn = case.patient.mrn
        if day not in case.mdt_discussions:
            updated = replace(case, mdt_discussions=tuple(sorted({*case.mdt_discussions, day})))
            before = uow.cases.get(mrn)
            uow.cases.update(updated, derive(updated, self.today(), before.staging_date, before.next_meeting,
                                             settings_from(uow.settings.all()).readiness), self.actor, None)
            uow.audit("update", "case", mrn, field_changes(case_to_document(case), case_to_document(updated)))
        current = WorkflowStatus(uow.cases.get(mrn).status)
        path = _path_to_discussed(current)
        for step in path:
            uow.cases.set_fields(mrn, self.actor, None, status=step.value)
        if path:
            uow.audit("status", "case", mrn, [("status", current.value, path[-1].value)])

    def recommendation(self, meeting_id: int, mrn: str) -> dict[str, Any]:
        """What the board sees for a case: the recommendation stored with its decision, else the
        engine's output for the meeting day (the one rule the meeting room and the minutes share)."""
        from tumorboard.services.minutes import meeting_recommendation

        with self.db.reading() as uow:
            meeting = uow.meetings.get(meeting_id)
            item = next((a for a in meeting.agenda if a.mrn == mrn), None)
            if item is None:
                raise MeetingError(f"case {mrn} is not on the agenda of meeting {meeting_id}")
            case = uow.cases.get(mrn).case
        return meeting_recommendation(item.decision, case, meeting.day)

    # -- end of meeting -----------------------------------------------------------------------
    def close(self, meeting_id: int, expected_version: int | None = None) -> int | None:
        """Close the meeting: cases for discussion that were not discussed move to the next weekly
        meeting (created if needed). Returns that meeting's id, or None if nothing carried over."""
        with self._action(Permission.PLAN_MEETINGS) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.CLOSE)
            check_closable(chair=meeting.chair, present={a.name for a in meeting.attendance if a.present},
                           quorum_met=quorum_status(meeting).met,
                           override_recorded=_chairs_override(meeting))
            carried = carry_over(meeting.agenda)
            target: int | None = None
            if carried:
                target = self._next_meeting(uow, meeting)
                next_meeting = uow.meetings.get(target)
                if next_meeting.state not in (MeetingState.PLANNED, MeetingState.IN_PROGRESS):
                    raise MeetingError(
                        f"close: the undiscussed cases would carry over to next week's meeting "
                        f"({next_meeting.day.isoformat()}, meeting {target}), which is "
                        f"{MeetingState(next_meeting.state).label}; record their decisions or list them "
                        "as not discussed before closing")
                listed = {a.mrn for a in next_meeting.agenda}
                for item in carried:
                    if item.mrn not in listed:
                        uow.meetings.add_agenda(target, item.mrn, triage=AgendaTriage.FOR_DISCUSSION.value,
                                                question=item.question, presenter=item.presenter,
                                                carried_over_from=meeting_id)
                    self._set_next_meeting(uow, item.mrn, next_meeting.day)
                uow.audit("carry-over", "meeting", target, [("agenda", None, item.mrn) for item in carried])
                uow.meetings.touch(target, self.actor)
            after = require(meeting_state(meeting), MeetingAction.CLOSE)
            old = uow.meetings.update_meeting(meeting_id, self.actor, expected_version, state=after.value,
                                              closed_at=uow.now, carried_over_to_id=target)
            _audit_fields(uow, "close", "meeting", meeting_id, old,
                          {"state": after.value, "carried_over_to_id": target})
        return target

    def minutes(self, meeting_id: int, *, pseudonymise: bool = False) -> Minutes:
        """The minutes as data. A signed meeting's are its signed snapshot, marked as a copy of the
        signed hash, with the amendments since sign-off: never today's rows (meetings signed before
        snapshots were kept, revision 0008, are assembled from the rows as before)."""
        from tumorboard import __version__

        with self.db.reading() as uow:
            meeting = uow.meetings.get(meeting_id)
            snapshot = uow.meetings.signed_snapshot(meeting_id) if meeting.signed_at else None
            cases = {} if snapshot else {a.mrn: uow.cases.get(a.mrn).case for a in meeting.agenda}
        if snapshot is not None:
            return signed_copy(meeting, snapshot, pseudonymise=pseudonymise)
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
        kind = ("pseudonymised copy" if pseudonymised else "signed original" if signed_original
                else "copy")
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            uow.meetings.get(meeting_id)  # RecordNotFound for a meeting that does not exist
            uow.audit("export", "meeting", meeting_id, [("minutes", None, f"{kind} to a {to}")])

    def signed_original(self, meeting_id: int) -> bytes:
        with self.db.reading() as uow:
            pdf = uow.meetings.signed_pdf(meeting_id)
        if pdf is None:
            raise MeetingError(f"meeting {meeting_id} is not signed off; there is no signed original")
        return pdf

    def sign_off(self, meeting_id: int, chair: str, expected_version: int | None = None, *,
                 password: str | None = None) -> SignedMinutes:
        """The chair signs a closed meeting: the minutes are rendered, signed with the chair's key
        (PAdES; once the database has accounts, the key opens with the chair's ``password``), and
        the signed PDF, its SHA-256 and the data snapshot it was rendered from are stored in the
        UPDATE that signs; the meeting becomes read-only (service and database)."""
        from hashlib import sha256

        from tumorboard import __version__

        if not chair.strip():
            raise MeetingError("chair: the minutes are signed by the chair; the name is empty")
        if self.user is not None and chair.strip().lower() != self.user.display_name.strip().lower():
            raise MeetingError(f"chair: you are signed in as {self.user.display_name}; minutes are signed "
                               "in your own name only")
        chair_key = None
        if self.user is not None:
            # Refusals that need no password come first; then the key, outside the write lock (the
            # derivations are slow): a wrong password is refused with nothing written.
            with self.db.reading() as reading:
                check(reading, self.user, Permission.SIGN_OFF)
                self._signable(reading, meeting_id, chair)
            chair_key = open_chair_key(self.db, self.user, password, _now())
        with self._action(Permission.SIGN_OFF) as uow:
            meeting, status = self._signable(uow, meeting_id, chair)
            signed_at = uow.now
            if chair_key is not None:
                store_chair_key(uow, chair_key)
            cases = {a.mrn: uow.cases.get(a.mrn).case for a in meeting.agenda}
            minutes = assemble_minutes(meeting, cases, pseudonymise=False, app_version=__version__,
                                       quorum=status, generated_at=signed_at, copy_of=None,
                                       sign_off=SignOff(meeting.chair or chair.strip(), signed_at, None,
                                                        uow.audit_log.head(),
                                                        chair_key.key.fingerprint if chair_key else None))
            snapshot = snapshot_json(minutes)
            snapshot_digest = sha256_text(snapshot)
            pdf = self._renderer()(minutes)
            if chair_key is not None:
                pdf = sign_pdf(pdf, chair_key, meeting.board.name)
            digest = sha256(pdf).hexdigest()
            after = require(meeting_state(meeting), MeetingAction.SIGN)
            # One UPDATE signs, hashes and keeps the document and its data: the triggers refuse any
            # change after it.
            uow.meetings.update_meeting(meeting_id, self.actor, expected_version, state=after.value,
                                        signed_by=meeting.chair, signed_at=signed_at, minutes_sha256=digest,
                                        minutes_pdf=pdf, minutes_snapshot=snapshot,
                                        minutes_snapshot_sha256=snapshot_digest)
            audit: list[tuple[str | None, Any, Any]] = [
                ("state", meeting.state, after.value), ("signed_by", None, meeting.chair),
                ("signed_at", None, signed_at.isoformat()), ("minutes_sha256", None, digest),
                ("minutes_snapshot_sha256", None, snapshot_digest)]
            if chair_key is not None:
                audit.append(("signing_certificate", None, chair_key.key.fingerprint))
            uow.audit("sign-off", "meeting", meeting_id, audit)
            uow.touched(cases=[a.mrn for a in meeting.agenda])
        return SignedMinutes(meeting_id, digest, pdf)

    def _signable(self, uow: UnitOfWork, meeting_id: int, chair: str) -> tuple[MeetingRecord, QuorumStatus]:
        meeting = self._meeting(uow, meeting_id, MeetingAction.SIGN)
        status = quorum_status(meeting)
        check_sign_off(chair=meeting.chair, signer=chair, present={a.name for a in meeting.attendance
                                                                   if a.present},
                       quorum_met=status.met, override_recorded=_chairs_override(meeting))
        return meeting, status

    def verify_minutes(self, pdf: bytes) -> MinutesCheck:
        """Check a PDF against the record (``tumorboard minutes --verify``); UnreadablePdf if the
        bytes are not a readable PDF."""
        return verify_minutes(self.db, pdf, self._renderer())

    def amend(self, meeting_id: int, mrn: str | None, field_name: str, new_value: str,
              reason: str) -> Changes:
        """Correct a signed meeting: the original stays as signed, the amendment records what, why
        and who. ``field_name`` is a decision field (``meeting_input.AMENDABLE``) for ``mrn``, or
        "note" for the meeting as a whole."""
        no_nul(reason, new_value)
        if not reason.strip():
            raise MeetingError("reason: an amendment needs a reason")
        with self._action(Permission.SIGN_OFF) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.AMEND)
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
                old_value = (previous[-1].new_value if previous
                             else text_of(getattr(item.decision, field_name)))
            uow.meetings.add_amendment(meeting_id, decision_id, self.actor, reason.strip(), field_name,
                                       old_value, new_value)
            uow.audit("amend", "meeting", meeting_id, [
                (f"{mrn + '/' if mrn else ''}{field_name}", old_value, new_value)])
            if mrn:
                uow.touched(cases=[mrn])
        return self.last_changes

    # -- follow-up ----------------------------------------------------------------------------
    def follow_ups_due(self, on: date | None = None) -> list[FollowUpRecord]:
        with self.db.reading() as uow:
            return uow.meetings.follow_ups(on or self.today())

    def record_implementation(self, decision_id: int, outcome: ImplementationOutcome,
                              reason: NonImplementationReason | None = None,
                              note: str | None = None) -> Changes:
        if outcome is not ImplementationOutcome.FULLY and reason is None:
            raise MeetingError("reason: a decision carried out partly or not at all needs the reason "
                               "(patient wish, death, clinical change, physician decision, other)")
        if reason is NonImplementationReason.OTHER and not (note or "").strip():
            raise MeetingError("note: the reason \"other\" needs a note saying what happened")
        with self._action(Permission.FOLLOW_UP) as uow:
            uow.meetings.add_implementation(decision_id, outcome.value, reason.value if reason else None,
                                            clean(note), self.actor)
            uow.audit("implementation", "decision", decision_id, [
                ("outcome", None, outcome.value), ("reason", None, reason.value if reason else None),
                ("note", None, clean(note))])
        return self.last_changes

    # -- helpers ------------------------------------------------------------------------------
    def _follow_up_weeks(self, uow: UnitOfWork) -> int:
        if self.follow_up_weeks is not None:
            return self.follow_up_weeks
        return settings_from(uow.settings.all()).follow_up_weeks

    def _renderer(self) -> Renderer:
        if self._render is not None:
            return self._render
        from tumorboard.reports import render_minutes

        return render_minutes


def _audit_fields(uow: UnitOfWork, action: str, entity: str, entity_id: int, old: dict[str, Any],
                  new: dict[str, Any], prefix: str = "") -> None:
    changes = [(f"{prefix}{k}", old.get(k), v) for k, v in new.items() if text_of(old.get(k)) != text_of(v)]
    if changes:
        uow.audit(action, entity, entity_id, changes)


def _chairs_override(meeting: MeetingRecord) -> bool:
    """A quorum override counts when the meeting's chair recorded it (a new chair records their own)."""
    by, chair = meeting.quorum_override_by, meeting.chair
    return bool(by and chair and by.strip().lower() == chair.strip().lower())


def _path_to_discussed(current: WorkflowStatus) -> list[WorkflowStatus]:
    if current is WorkflowStatus.DISCUSSED:
        return []
    if WorkflowStatus.DISCUSSED in ALLOWED_TRANSITIONS[current]:
        return [WorkflowStatus.DISCUSSED]
    if WorkflowStatus.READY_FOR_MDT in ALLOWED_TRANSITIONS[current]:
        return [WorkflowStatus.READY_FOR_MDT, WorkflowStatus.DISCUSSED]
    return []  # closed cases stay closed; the decision is still recorded


def _now() -> datetime:
    return datetime.now(UTC)
