"""The quality audit's reads: the signed meetings of a period and their agenda items, decisions,
amendments, implementation checks and the first therapy after each meeting, as plain rows
(``domain.quality_audit``). A handful of indexed SELECTs, whatever the period's size: no query per
meeting or per case. Never writes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Date, Select, func, select
from sqlalchemy.orm import Session

from tumorboard.domain.meeting_state import MeetingState
from tumorboard.domain.quality_audit import AMENDED_FIELDS, AuditItem, AuditMeeting, amended
from tumorboard.store.models import (
    AgendaItemRow,
    AmendmentRow,
    AttendanceRow,
    BoardRow,
    CaseRow,
    DecisionRow,
    ImplementationCheckRow,
    MeetingRow,
    PatientRow,
    TherapyRow,
)

# When the case was referred: its referral date when recorded (revision 0010), else the day it
# was created in the app (the UTC day on SQLite, the server's day on PostgreSQL).
REFERRED_ON = func.coalesce(CaseRow.referral_date, func.date(CaseRow.created_at), type_=Date)


class QualityAuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _meeting_ids(self, start: date, end: date, board_id: int | None) -> Select[Any]:
        """The signed meetings dated in the period, both ends inclusive (optionally of one board)."""
        query = select(MeetingRow.id).where(MeetingRow.state == MeetingState.SIGNED.value,
                                            MeetingRow.day >= start, MeetingRow.day <= end)
        return query.where(MeetingRow.board_id == board_id) if board_id is not None else query

    def meetings(self, start: date, end: date, board_id: int | None) -> list[AuditMeeting]:
        ids = self._meeting_ids(start, end, board_id)
        present: dict[int, set[str]] = defaultdict(set)
        for meeting_id, discipline in self.session.execute(
                select(AttendanceRow.meeting_id, AttendanceRow.discipline).distinct()
                .where(AttendanceRow.meeting_id.in_(ids), AttendanceRow.present.is_(True))):
            present[meeting_id].add(discipline)
        rows = self.session.execute(
            select(MeetingRow.id, BoardRow.name, MeetingRow.day, BoardRow.quorum, MeetingRow.chair,
                   MeetingRow.quorum_override_by)
            .join(BoardRow, BoardRow.id == MeetingRow.board_id)
            .where(MeetingRow.id.in_(ids)).order_by(MeetingRow.day, MeetingRow.id))
        return [AuditMeeting(mid, board, day, frozenset(q for q in quorum.split(",") if q),
                             frozenset(present[mid]), _same_person(override_by, chair))
                for mid, board, day, quorum, chair, override_by in rows]

    def items(self, start: date, end: date, board_id: int | None) -> list[AuditItem]:
        ids = self._meeting_ids(start, end, board_id)
        # The first therapy started on or after the meeting day, read with the item (ix_therapies_case_id).
        first_therapy = (select(func.min(TherapyRow.start))
                         .where(TherapyRow.case_id == AgendaItemRow.case_id,
                                TherapyRow.start >= MeetingRow.day)
                         .correlate(AgendaItemRow, MeetingRow).scalar_subquery())
        rows = self.session.execute(
            select(AgendaItemRow.meeting_id, MeetingRow.day, PatientRow.mrn, AgendaItemRow.triage,
                   AgendaItemRow.discussed, REFERRED_ON, DecisionRow.id, DecisionRow.category,
                   DecisionRow.concordant, DecisionRow.deviation_reason, DecisionRow.ruleset_id,
                   DecisionRow.ruleset_version, first_therapy)
            .join(MeetingRow, MeetingRow.id == AgendaItemRow.meeting_id)
            .join(CaseRow, CaseRow.id == AgendaItemRow.case_id)
            .join(PatientRow, PatientRow.id == CaseRow.patient_id)
            .outerjoin(DecisionRow, DecisionRow.agenda_item_id == AgendaItemRow.id)
            .where(AgendaItemRow.meeting_id.in_(ids))
            .order_by(MeetingRow.day, AgendaItemRow.meeting_id, AgendaItemRow.position)).all()
        checks = self._latest_checks(ids)
        changes = self._amendments(ids)
        items = []
        for (meeting_id, day, mrn, triage, discussed, referred_on, decision_id, category, concordant,
             reason, ruleset_id, ruleset_version, therapy_start) in rows:
            outcome, why = checks.get(decision_id, (None, None)) if decision_id else (None, None)
            item = AuditItem(meeting_id, day, mrn, triage, bool(discussed), referred_on, decision_id,
                             category, None if concordant is None else bool(concordant), reason,
                             f"{ruleset_id} {ruleset_version}" if decision_id else None, outcome, why,
                             therapy_start)
            items.append(amended(item, changes.get(decision_id, ())) if decision_id else item)
        return items

    def _latest_checks(self, ids: Select[Any]) -> dict[int, tuple[str, str | None]]:
        """Each decision's latest implementation check (checks are appended, never changed)."""
        latest: dict[int, tuple[str, str | None]] = {}
        for decision_id, outcome, reason in self.session.execute(
                select(ImplementationCheckRow.decision_id, ImplementationCheckRow.outcome,
                       ImplementationCheckRow.reason)
                .join(DecisionRow, DecisionRow.id == ImplementationCheckRow.decision_id)
                .where(DecisionRow.meeting_id.in_(ids)).order_by(ImplementationCheckRow.id)):
            latest[decision_id] = (outcome, reason)
        return latest

    def _amendments(self, ids: Select[Any]) -> dict[int, list[tuple[str, str | None]]]:
        """The amendments after sign-off to the fields the figures use, oldest first, by decision."""
        out: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
        for decision_id, field, value in self.session.execute(
                select(AmendmentRow.decision_id, AmendmentRow.field, AmendmentRow.new_value)
                .where(AmendmentRow.meeting_id.in_(ids), AmendmentRow.decision_id.is_not(None),
                       AmendmentRow.field.in_(AMENDED_FIELDS)).order_by(AmendmentRow.id)):
            if decision_id is not None:
                out[decision_id].append((field, value))
        return out


def _same_person(override_by: str | None, chair: str | None) -> bool:
    """The override counts when the meeting's chair recorded it (as the sign-off rule says)."""
    return bool(override_by and chair and override_by.strip().lower() == chair.strip().lower())
