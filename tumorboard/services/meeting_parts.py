"""What the meeting use cases share: the service's settings, the meeting read inside the write
transaction with the state machine applied, the next weekly meeting, the minutes' renderer.

``MeetingService`` (services.meetings) is this base with the agenda, decision and minutes use
cases (services.meeting_agenda, meeting_decisions, meeting_minutes) mixed in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from tumorboard.domain.meeting import MeetingError, next_weekly
from tumorboard.domain.meeting_state import MeetingAction, MeetingState, require
from tumorboard.domain.minutes import Minutes
from tumorboard.domain.users import User
from tumorboard.services.acting import Acting
from tumorboard.services.derived import derive
from tumorboard.services.meeting_input import iso, text_of
from tumorboard.services.notice import Notify, ignore
from tumorboard.services.settings import settings_from
from tumorboard.store import Database, RecordNotFound
from tumorboard.store.meeting_records import BoardRecord, MeetingRecord
from tumorboard.store.unit_of_work import UnitOfWork

Renderer = Callable[[Minutes], bytes]


class MeetingParts(Acting):
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

    def _next_meeting(self, uow: UnitOfWork, meeting: MeetingRecord) -> int:
        day = next_weekly(meeting.day)
        existing = uow.meetings.meeting_on(meeting.board.id, day)
        if existing is not None:
            return existing
        return self._add_meeting(uow, meeting.board, day, meeting.start_time, meeting.place,
                                 meeting.video_link, meeting.chair, recurrence_of=meeting.id)

    def _set_next_meeting(self, uow: UnitOfWork, mrn: str, day: date) -> None:
        current = uow.cases.get(mrn)
        if current.next_meeting == day:
            return
        derived = derive(current.case, self.today(), current.staging_date, day,
                         settings_from(uow.settings.all()).readiness)
        uow.cases.set_fields(mrn, self.actor, None, derived, next_meeting=day)
        uow.audit("schedule", "case", mrn, [("next_meeting", iso(current.next_meeting), day.isoformat())])

    def _follow_up_weeks(self, uow: UnitOfWork) -> int:
        if self.follow_up_weeks is not None:
            return self.follow_up_weeks
        return settings_from(uow.settings.all()).follow_up_weeks

    def _renderer(self) -> Renderer:
        if self._render is not None:
            return self._render
        from tumorboard.reports import render_minutes

        return render_minutes

    def get(self, meeting_id: int) -> MeetingRecord:
        with self.db.reading() as uow:
            return uow.meetings.get(meeting_id)

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


def meeting_state(meeting: MeetingRecord) -> MeetingState:
    return MeetingState(meeting.state)


def _audit_fields(uow: UnitOfWork, action: str, entity: str, entity_id: int, old: dict[str, Any],
                  new: dict[str, Any], prefix: str = "") -> None:
    changes = [(f"{prefix}{k}", old.get(k), v) for k, v in new.items() if text_of(old.get(k)) != text_of(v)]
    if changes:
        uow.audit(action, entity, entity_id, changes)


def _chairs_override(meeting: MeetingRecord) -> bool:
    """A quorum override counts when the meeting's chair recorded it (a new chair records their own)."""
    by, chair = meeting.quorum_override_by, meeting.chair
    return bool(by and chair and by.strip().lower() == chair.strip().lower())


def _now() -> datetime:
    return datetime.now(UTC)
