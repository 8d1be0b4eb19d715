"""Decision actions across meetings, and their completions (table action_completions)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tumorboard.store import checksums
from tumorboard.store.errors import RecordExists, RecordNotFound
from tumorboard.store.models import ActionCompletionRow, CaseRow, DecisionRow, MeetingRow, PatientRow

CLOSED_STATES = ("closed", "signed")


@dataclass(frozen=True, slots=True)
class ActionRecord:
    decision_id: int
    index: int  # 0-based position in the decision's actions
    mrn: str
    name: str | None
    meeting_id: int
    meeting_day: date
    meeting_state: str
    description: str
    owner: str
    due: date | None
    done_at: datetime | None
    done_by: str | None
    note: str | None


class ActionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self, mrn: str | None = None) -> list[ActionRecord]:
        """Every action of every decision of a closed or signed meeting, with its completion."""
        stmt = (select(DecisionRow, MeetingRow.day, MeetingRow.state, PatientRow.mrn, PatientRow.name)
                .join(MeetingRow, DecisionRow.meeting_id == MeetingRow.id)
                .join(CaseRow, DecisionRow.case_id == CaseRow.id).join(PatientRow)
                .where(MeetingRow.state.in_(CLOSED_STATES)).order_by(MeetingRow.day, DecisionRow.id))
        if mrn is not None:
            stmt = stmt.where(PatientRow.mrn == mrn)
        rows = self.session.execute(stmt).all()
        done = {(c.decision_id, c.action_index): c for c in self.session.scalars(
            select(ActionCompletionRow).where(ActionCompletionRow.decision_id.in_([d.id for d, *_ in rows])))}
        out = []
        for d, day, state, mrn_, name in rows:
            checksums.check(d, f"decision {d.id}")
            for i, a in enumerate(json.loads(d.actions)):
                c = done.get((d.id, i))
                out.append(ActionRecord(
                    d.id, i, mrn_, name, d.meeting_id, day, state, a.get("description", ""),
                    a.get("owner", ""), date.fromisoformat(a["due"]) if a.get("due") else None,
                    c.done_at if c else None, c.done_by if c else None, c.note if c else None))
        return out

    def one(self, decision_id: int, index: int) -> ActionRecord:
        decision = self.session.get(DecisionRow, decision_id)
        if decision is None:
            raise RecordNotFound(f"no decision with id {decision_id}")
        mrn = self.session.scalar(select(PatientRow.mrn).join(CaseRow).where(CaseRow.id == decision.case_id))
        found = next((a for a in self.all(mrn) if a.decision_id == decision_id and a.index == index), None)
        if found is None:
            count = len(json.loads(decision.actions))
            meeting = self.session.get(MeetingRow, decision.meeting_id)
            if meeting is not None and meeting.state not in CLOSED_STATES:
                raise RecordNotFound(f"decision {decision_id}: its meeting is not closed yet, so its "
                                     "actions can still change; mark them done once it is closed")
            raise RecordNotFound(f"index: decision {decision_id} has {count} action(s), numbered 1 to "
                                 f"{count}; there is no action {index + 1}")
        return found

    def complete(self, decision_id: int, index: int, note: str | None, actor: str, at: datetime) -> None:
        """Record the action done; the database refuses a second completion and an action of an
        open meeting (revision 0012)."""
        existing = self.session.scalar(select(ActionCompletionRow).where(
            ActionCompletionRow.decision_id == decision_id, ActionCompletionRow.action_index == index))
        if existing is not None:
            raise RecordExists(f"action {index + 1} of decision {decision_id} was marked done already, by "
                               f"{existing.done_by} on {existing.done_at:%Y-%m-%d}")
        self.session.add(ActionCompletionRow(decision_id=decision_id, action_index=index, done_at=at,
                                             done_by=actor, note=note))
        self.session.flush()
