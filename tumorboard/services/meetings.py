"""MDT meeting use cases: plan, start, agenda, attendance and quorum, decisions, close, sign off,
amend, follow up.

Each action is one unit of work (``Database.unit_of_work``): the meeting's state, the quorum and
the agenda it decides on are read inside the write transaction, the state machine
(``domain.meeting_state``) is applied there, the audit rows and versions are written by it, and
what changed goes to the application's notice."""

from __future__ import annotations

from datetime import date
from typing import Any

from tumorboard.domain.changes import Changes
from tumorboard.domain.meeting import AgendaTriage, BoardRole, Discipline, MeetingError, carry_over
from tumorboard.domain.meeting_state import MeetingAction, MeetingState, check_closable, require
from tumorboard.domain.users import Permission
from tumorboard.services.boards import add_member_in, find_board, remove_member_in
from tumorboard.services.meeting_agenda import AgendaCommands
from tumorboard.services.meeting_decisions import DecisionCommands
from tumorboard.services.meeting_input import (
    NUL_MESSAGE,
    DecisionInput,
    clean,
    no_nul,
    parse_start_time,
    text_of,
)
from tumorboard.services.meeting_minutes import MinutesCommands, SignedMinutes
from tumorboard.services.meeting_parts import _audit_fields, _chairs_override, meeting_state
from tumorboard.services.quorum import QuorumStatus, quorum_status
from tumorboard.services.signed_minutes import MinutesCheck, UnreadablePdf
from tumorboard.store import RecordNotFound
from tumorboard.store.meeting_records import BoardRecord, MeetingListRecord, ReplacedDecisionRecord

__all__ = ["NUL_MESSAGE", "DecisionInput", "MeetingService", "MinutesCheck", "QuorumStatus",
           "SignedMinutes", "UnreadablePdf", "parse_start_time"]




class MeetingService(AgendaCommands, DecisionCommands, MinutesCommands):
    """Every meeting use case; this module holds the meeting itself (plan, start, details,
    attendance and quorum, close), the others are mixed in."""

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

    # -- agenda -------------------------------------------------------------------------------
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

    # -- follow-up ----------------------------------------------------------------------------
    # -- helpers ------------------------------------------------------------------------------
