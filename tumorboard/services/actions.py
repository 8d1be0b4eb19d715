"""Actions of board decisions across meetings: who owns what, when it is due, marking it done.

The actions are part of the decision (immutable once its meeting is signed); a completion is its
own append-only row (store.actions, revision 0012), written and audited in one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from tumorboard.domain.changes import Changes
from tumorboard.domain.due import due_words, is_overdue
from tumorboard.domain.users import Permission, User
from tumorboard.services.acting import Acting
from tumorboard.services.meeting_input import clean
from tumorboard.services.notice import Notify, ignore
from tumorboard.store import Database
from tumorboard.store.actions import ActionRecord

Clock = Callable[[], date]


@dataclass(frozen=True, slots=True)
class ActionItem:
    decision_id: int
    number: int  # 1-based, as the minutes list the decision's actions
    mrn: str
    name: str | None
    meeting_id: int
    meeting_day: date
    text: str
    owner: str
    due: date | None
    due_text: str  # domain.due wording: "overdue since ...", "due ...", or "done ... by ..."
    overdue: bool
    done_at: datetime | None
    done_by: str | None
    note: str | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


def _item(r: ActionRecord, today: date) -> ActionItem:
    done = r.done_at is not None
    text = f"done {r.done_at:%Y-%m-%d} by {r.done_by}" if done else due_words(r.due, today)
    return ActionItem(r.decision_id, r.index + 1, r.mrn, r.name, r.meeting_id, r.meeting_day, r.description,
                      r.owner, r.due, text, not done and is_overdue(r.due, today), r.done_at, r.done_by,
                      r.note)


class ActionService(Acting):
    def __init__(self, db: Database, actor: str = "local user", today: Clock = date.today,
                 user: User | None = None, notify: Notify = ignore) -> None:
        super().__init__(db, actor, user=user, notify=notify)
        self.today = today

    def actions(self, *, owner: str | None = None, overdue: bool = False, include_done: bool = False,
                mrn: str | None = None, due_by: date | None = None) -> list[ActionItem]:
        """Actions of decisions of closed or signed meetings, soonest due first (no due date last).
        ``owner`` matches part of the owner's name, ignoring case."""
        today = self.today()
        with self.db.reading() as uow:
            records = uow.actions.all(mrn)
        items = [_item(r, today) for r in records]
        if not include_done:
            items = [a for a in items if not a.done]
        if owner:
            items = [a for a in items if owner.strip().casefold() in a.owner.casefold()]
        if overdue:
            items = [a for a in items if a.overdue]
        if due_by is not None:
            items = [a for a in items if a.due is not None and a.due <= due_by]
        return sorted(items, key=lambda a: (a.due is None, a.due or date.max, a.meeting_day, a.decision_id,
                                            a.number))

    def mark_done(self, decision_id: int, number: int, note: str | None = None) -> Changes:
        """Action ``number`` (1-based) of the decision marked done, audited; refused if it was
        already, or if its meeting is still open."""
        with self._action(Permission.FOLLOW_UP) as uow:
            action = uow.actions.one(decision_id, number - 1)
            uow.actions.complete(decision_id, number - 1, clean(note), self.actor, uow.now)
            uow.audit("action_done", "decision", decision_id, [
                (f"actions {number}", None, f"done: {action.description} ({action.owner})"),
                ("note", None, clean(note))])
            uow.touched(cases=[action.mrn], meetings=[action.meeting_id])
        return self.last_changes
