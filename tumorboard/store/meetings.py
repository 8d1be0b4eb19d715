"""Meeting repository: boards, meetings, attendance, agenda, decisions, amendments. Never commits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tumorboard.store import checksums
from tumorboard.store.errors import RecordExists, RecordNotFound
from tumorboard.store.meeting_records import (
    AgendaRecord,
    AmendmentRecord,
    AttendanceRecord,
    BoardRecord,
    DecisionRecord,
    FollowUpRecord,
    MeetingListRecord,
    MeetingRecord,
    ReplacedDecisionRecord,
)
from tumorboard.store.models import (
    AgendaItemRow,
    AmendmentRow,
    AttendanceRow,
    BoardMemberRow,
    BoardRow,
    CaseRow,
    DecisionRow,
    ImplementationCheckRow,
    MeetingRow,
    PatientRow,
    ReplacedDecisionRow,
)
from tumorboard.store.versions import claim


def _now() -> datetime:
    return datetime.now(UTC)


class MeetingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- boards -------------------------------------------------------------------------------
    def board(self, name: str) -> BoardRecord | None:
        row = self.session.scalars(select(BoardRow).options(selectinload(BoardRow.members))
                                   .where(func.lower(BoardRow.name) == name.strip().lower())).first()
        return _board(row) if row else None

    def boards(self) -> list[BoardRecord]:
        rows = self.session.scalars(select(BoardRow).options(selectinload(BoardRow.members))
                                    .order_by(BoardRow.name))
        return [_board(r) for r in rows]

    def add_board(self, name: str, site: str, quorum: Sequence[str]) -> BoardRecord:
        row = BoardRow(name=name.strip(), site=site, quorum=",".join(quorum), created_at=_now())
        self.session.add(row)
        self.session.flush()
        return _board(row)

    def rename_board(self, board_id: int, name: str) -> str:
        row = self.session.get(BoardRow, board_id)
        if row is None:
            raise RecordNotFound(f"no board with id {board_id}")
        before = row.name
        row.name = name.strip()
        self.session.flush()
        return before

    def add_member(self, board_id: int, name: str, discipline: str, role: str) -> None:
        """Add a member, or bring back one who left (with the discipline and role given now)."""
        row = self._member(board_id, name)
        if row is not None and row.active:
            raise RecordExists(f"{name} is already a member of this board")
        if row is None:
            self.session.add(BoardMemberRow(board_id=board_id, name=name, discipline=discipline, role=role,
                                            active=True))
        else:
            row.discipline, row.role, row.active = discipline, role, True
        self.session.flush()

    def remove_member(self, board_id: int, name: str) -> None:
        """Take someone off the board's list. The row stays (inactive): past attendance and minutes
        keep naming them, and re-adding them brings the same member back."""
        row = self._member(board_id, name)
        if row is None or not row.active:
            raise RecordNotFound(f"{name} is not a member of this board")
        row.active = False
        self.session.flush()

    def _member(self, board_id: int, name: str) -> BoardMemberRow | None:
        return self.session.scalars(select(BoardMemberRow).where(
            BoardMemberRow.board_id == board_id, BoardMemberRow.name == name)).first()

    # -- meetings -----------------------------------------------------------------------------
    def add_meeting(self, board: BoardRecord, day: date, start: str | None, place: str | None,
                    video_link: str | None, chair: str | None, actor: str) -> int:
        now = _now()
        row = MeetingRow(board_id=board.id, day=day, start_time=start, place=place, video_link=video_link,
                         chair=chair, version=1, created_at=now, updated_at=now, updated_by=actor)
        # Everyone on the board is listed, absent until ticked: attendance is taken from the list.
        row.attendance = [AttendanceRow(name=n, discipline=d, role=r, present=False)
                          for n, d, r in board.members]
        self.session.add(row)
        self.session.flush()
        return row.id

    def meeting_on(self, board_id: int, day: date) -> int | None:
        return self.session.scalar(select(MeetingRow.id).where(MeetingRow.board_id == board_id,
                                                              MeetingRow.day == day)
                                   .order_by(MeetingRow.id))

    def meeting_at(self, board_id: int, day: date, start: str | None) -> int | None:
        """The board's meeting at that date and time (no time matches no time), if planned."""
        return self.session.scalar(select(MeetingRow.id).where(
            MeetingRow.board_id == board_id, MeetingRow.day == day,
            func.coalesce(MeetingRow.start_time, "") == (start or "")).order_by(MeetingRow.id))

    def _meeting(self, meeting_id: int) -> MeetingRow:
        row = self.session.scalars(select(MeetingRow).where(MeetingRow.id == meeting_id).options(
            selectinload(MeetingRow.board).selectinload(BoardRow.members),
            selectinload(MeetingRow.attendance),
            selectinload(MeetingRow.agenda).selectinload(AgendaItemRow.case).selectinload(CaseRow.patient),
            selectinload(MeetingRow.agenda).selectinload(AgendaItemRow.decision))).first()
        if row is None:
            raise RecordNotFound(f"no meeting with id {meeting_id}")
        return row

    def get(self, meeting_id: int) -> MeetingRecord:
        row = self._meeting(meeting_id)
        linked = [i for i in [row.carried_over_to_id, *(a.carried_over_from_id for a in row.agenda)] if i]
        days = dict(self.session.execute(select(MeetingRow.id, MeetingRow.day)
                                         .where(MeetingRow.id.in_(linked))).all())
        amendments = self.session.execute(
            select(AmendmentRow, PatientRow.mrn)
            .outerjoin(DecisionRow, AmendmentRow.decision_id == DecisionRow.id)
            .outerjoin(CaseRow, DecisionRow.case_id == CaseRow.id)
            .outerjoin(PatientRow, CaseRow.patient_id == PatientRow.id)
            .where(AmendmentRow.meeting_id == meeting_id).order_by(AmendmentRow.id)).all()
        return MeetingRecord(
            id=row.id, board=_board(row.board), day=row.day, start_time=row.start_time, place=row.place,
            video_link=row.video_link, chair=row.chair, version=row.version, state=row.state,
            started_at=row.started_at,
            quorum_override_by=row.quorum_override_by, quorum_override_reason=row.quorum_override_reason,
            closed_at=row.closed_at, carried_over_to=row.carried_over_to_id,
            carried_over_to_day=days.get(row.carried_over_to_id) if row.carried_over_to_id else None,
            signed_by=row.signed_by, signed_at=row.signed_at, minutes_sha256=row.minutes_sha256,
            attendance=tuple(AttendanceRecord(a.name, a.discipline, a.role, a.present, a.version)
                             for a in row.attendance),
            agenda=tuple(_agenda(a, days) for a in row.agenda),
            amendments=tuple(AmendmentRecord(a.at, a.by, a.reason, a.decision_id, mrn, a.field, a.old_value,
                                             a.new_value) for a, mrn in amendments))

    def signed_pdf(self, meeting_id: int) -> bytes | None:
        return self.session.scalar(select(MeetingRow.minutes_pdf).where(MeetingRow.id == meeting_id))

    def signed_snapshot(self, meeting_id: int) -> str | None:
        """The canonical JSON of the signed minutes' data (revision 0008), if signed since."""
        return self.session.scalar(select(MeetingRow.minutes_snapshot).where(MeetingRow.id == meeting_id))

    def signed_with_hash(self, sha256: str) -> int | None:
        """The signed meeting whose signed PDF has this SHA-256, if any."""
        return self.session.scalar(select(MeetingRow.id).where(MeetingRow.minutes_sha256 == sha256,
                                                                MeetingRow.signed_at.is_not(None))
                                   .order_by(MeetingRow.id))

    def listing(self, board: str | None = None, limit: int = 200) -> list[MeetingListRecord]:
        counts = (select(AgendaItemRow.meeting_id, func.count().label("n"))
                  .group_by(AgendaItemRow.meeting_id).subquery())
        stmt = (select(MeetingRow.id, BoardRow.name, MeetingRow.day, MeetingRow.start_time, MeetingRow.chair,
                       func.coalesce(counts.c.n, 0), MeetingRow.closed_at, MeetingRow.signed_at,
                       MeetingRow.state)
                .join(BoardRow).outerjoin(counts, counts.c.meeting_id == MeetingRow.id)
                .order_by(MeetingRow.day.desc(), MeetingRow.id.desc()).limit(limit))
        if board:
            stmt = stmt.where(func.lower(BoardRow.name) == board.strip().lower())
        return [MeetingListRecord(i, b, d, t, c, n, closed is not None, signed is not None, state)
                for i, b, d, t, c, n, closed, signed, state in self.session.execute(stmt).all()]

    def update_meeting(self, meeting_id: int, actor: str, expected_version: int | None,
                       **fields: Any) -> dict[str, Any]:
        """Set fields and take the next version in one UPDATE; returns the previous values.
        Refused (ConcurrentEdit) if the meeting was saved since ``expected_version``."""
        row = self._meeting(meeting_id)
        old = {k: getattr(row, k) for k in fields}
        claim(self.session, MeetingRow, meeting_id, expected_version, actor=actor, now=_now(),
              what=f"meeting {meeting_id}", audit=("meeting", str(meeting_id)), values=fields)
        return old

    def touch(self, meeting_id: int, actor: str, expected_version: int | None = None) -> None:
        """A new version of the meeting for a change of its agenda or attendance."""
        claim(self.session, MeetingRow, meeting_id, expected_version, actor=actor, now=_now(),
              what=f"meeting {meeting_id}", audit=("meeting", str(meeting_id)))

    def state(self, meeting_id: int) -> str:
        state = self.session.scalar(select(MeetingRow.state).where(MeetingRow.id == meeting_id))
        if state is None:
            raise RecordNotFound(f"no meeting with id {meeting_id}")
        return state

    # -- attendance ---------------------------------------------------------------------------
    def set_attendance(self, meeting_id: int, name: str, present: bool, discipline: str | None,
                       role: str | None, actor: str, expected_version: int | None = None) -> bool | None:
        """Mark someone present or absent (a guest is added); returns the previous state."""
        row = self.session.scalars(select(AttendanceRow).where(AttendanceRow.meeting_id == meeting_id,
                                                               AttendanceRow.name == name)).first()
        if row is None:
            if discipline is None:  # a board member who joined after the meeting was planned
                member = self.session.scalars(select(BoardMemberRow).join(
                    MeetingRow, MeetingRow.board_id == BoardMemberRow.board_id).where(
                    MeetingRow.id == meeting_id, BoardMemberRow.name == name)).first()
                if member is None:
                    raise RecordNotFound(f"{name} is not on this meeting's attendance list nor a member "
                                         "of its board; give their discipline to add them as a guest")
                discipline, role = member.discipline, member.role
            self.session.add(AttendanceRow(meeting_id=meeting_id, name=name, discipline=discipline,
                                           role=role or "member", present=present, version=1,
                                           updated_at=_now(), updated_by=actor))
            self.session.flush()
            return None
        before = row.present
        claim(self.session, AttendanceRow, row.id, expected_version, actor=actor, now=_now(),
              what=f"the attendance of {name}", audit=("meeting", str(meeting_id)),
              values={"present": present})
        return before

    # -- agenda -------------------------------------------------------------------------------
    def case_id(self, mrn: str) -> int:
        case_id = self.session.scalar(select(CaseRow.id).join(PatientRow).where(PatientRow.mrn == mrn))
        if case_id is None:
            raise RecordNotFound(f"no case with record number {mrn}")
        return case_id

    def add_agenda(self, meeting_id: int, mrn: str, *, triage: str, question: str | None = None,
                   presenter: str | None = None, carried_over_from: int | None = None) -> int:
        case_id = self.case_id(mrn)
        if self._agenda_row(meeting_id, mrn, missing_ok=True) is not None:
            raise RecordExists(f"case {mrn} is already on the agenda of meeting {meeting_id}")
        position = (self.session.scalar(select(func.max(AgendaItemRow.position))
                                        .where(AgendaItemRow.meeting_id == meeting_id)) or 0) + 1
        row = AgendaItemRow(meeting_id=meeting_id, case_id=case_id, position=position, triage=triage,
                            question=question, presenter=presenter, discussed=False,
                            carried_over_from_id=carried_over_from, version=1)
        self.session.add(row)
        self.session.flush()
        return position

    def _agenda_row(self, meeting_id: int, mrn: str, missing_ok: bool = False) -> AgendaItemRow | None:
        row = self.session.scalars(select(AgendaItemRow).join(CaseRow).join(PatientRow).where(
            AgendaItemRow.meeting_id == meeting_id, PatientRow.mrn == mrn)
            .options(selectinload(AgendaItemRow.decision))).first()
        if row is None and not missing_ok:
            raise RecordNotFound(f"case {mrn} is not on the agenda of meeting {meeting_id}")
        return row

    def update_agenda(self, meeting_id: int, mrn: str, actor: str, expected_version: int | None = None,
                      **fields: Any) -> dict[str, Any]:
        row = self._agenda_row(meeting_id, mrn)
        assert row is not None
        old = {k: getattr(row, k) for k in fields}
        claim(self.session, AgendaItemRow, row.id, expected_version, actor=actor, now=_now(),
              what=f"the agenda item of case {mrn}", audit=("meeting", str(meeting_id)), values=fields)
        return old

    def remove_agenda(self, meeting_id: int, mrn: str) -> None:
        row = self._agenda_row(meeting_id, mrn)
        assert row is not None
        if row.decision is not None:
            raise RecordExists(f"case {mrn} has a recorded decision and stays on the agenda")
        self.session.delete(row)
        self.session.flush()

    def reorder(self, meeting_id: int, mrns: Sequence[str]) -> None:
        rows = {r.case.patient.mrn: r for r in self._meeting(meeting_id).agenda}
        if sorted(rows) != sorted(mrns):
            raise RecordNotFound("the new order must list exactly the cases on the agenda")
        # Two passes so the positions never collide mid-way on databases that check uniqueness.
        for i, mrn in enumerate(mrns, start=1):
            rows[mrn].position = 10_000 + i
        self.session.flush()
        for i, mrn in enumerate(mrns, start=1):
            rows[mrn].position = i
        self.session.flush()

    # -- decisions ----------------------------------------------------------------------------
    def add_decision(self, meeting_id: int, mrn: str, fields: dict[str, Any], actor: str) -> int:
        item = self._agenda_row(meeting_id, mrn)
        assert item is not None
        if item.decision is not None:
            raise RecordExists(f"a decision is already recorded for case {mrn} at this meeting")
        now = _now()
        row = DecisionRow(agenda_item_id=item.id, meeting_id=meeting_id, case_id=item.case_id, version=1,
                          recorded_by=actor, recorded_at=now, updated_at=now, **fields)
        self.session.add(row)
        self.session.flush()
        claim(self.session, AgendaItemRow, item.id, None, actor=actor, now=now,
              what=f"the agenda item of case {mrn}", values={"discussed": True})
        return row.id

    def replace_decision(self, meeting_id: int, mrn: str, fields: dict[str, Any], actor: str,
                         expected_version: int | None, reason: str) -> tuple[int, dict[str, Any]]:
        """Replace the decision: the one it replaces is kept whole in replaced_decisions first.
        Returns the decision id and the replaced values."""
        item = self._agenda_row(meeting_id, mrn)
        assert item is not None
        row = item.decision
        if row is None:
            raise RecordNotFound(f"no decision is recorded for case {mrn} at this meeting")
        now = _now()
        old = {k: getattr(row, k) for k in fields}
        # The decision as the board made it; its checksum is the store's bookkeeping, not content.
        content = {c.name: getattr(row, c.name) for c in DecisionRow.__table__.columns
                   if c.name != "checksum"}
        self.session.add(ReplacedDecisionRow(
            decision_id=row.id, meeting_id=meeting_id, replaced_version=row.version,
            content=json.dumps(content, ensure_ascii=False, sort_keys=True, default=_iso),
            replaced_at=now, replaced_by=actor, reason=reason))
        self.session.flush()
        claim(self.session, DecisionRow, row.id, expected_version, actor=actor, now=now,
              what=f"the decision for case {mrn}", audit=("decision", str(row.id)),
              values={**fields, "recorded_at": now})
        return row.id, old

    def decision_id(self, meeting_id: int, mrn: str) -> int:
        item = self._agenda_row(meeting_id, mrn)
        assert item is not None
        if item.decision is None:
            raise RecordNotFound(f"no decision is recorded for case {mrn} at meeting {meeting_id}")
        return item.decision.id

    # -- after the meeting --------------------------------------------------------------------
    def add_amendment(self, meeting_id: int, decision_id: int | None, by: str, reason: str, field: str,
                      old_value: str | None, new_value: str | None) -> None:
        self.session.add(AmendmentRow(meeting_id=meeting_id, decision_id=decision_id, at=_now(), by=by,
                                      reason=reason, field=field, old_value=old_value, new_value=new_value))
        self.session.flush()

    def replaced_decisions(self, meeting_id: int) -> list[ReplacedDecisionRecord]:
        rows = self.session.execute(
            select(ReplacedDecisionRow, PatientRow.mrn)
            .join(DecisionRow, ReplacedDecisionRow.decision_id == DecisionRow.id)
            .join(CaseRow, DecisionRow.case_id == CaseRow.id).join(PatientRow)
            .where(ReplacedDecisionRow.meeting_id == meeting_id).order_by(ReplacedDecisionRow.id)).all()
        return [ReplacedDecisionRecord(r.decision_id, mrn, r.replaced_version, json.loads(r.content),
                                       r.replaced_at, r.replaced_by, r.reason) for r, mrn in rows]

    def discussion_days(self, mrn: str) -> list[date]:
        """The days of meetings that recorded a decision for the case."""
        return list(self.session.scalars(
            select(MeetingRow.day).join(DecisionRow, DecisionRow.meeting_id == MeetingRow.id)
            .join(CaseRow, DecisionRow.case_id == CaseRow.id).join(PatientRow)
            .where(PatientRow.mrn == mrn).distinct().order_by(MeetingRow.day)))

    def case_decisions(self, mrn: str) -> list[tuple[MeetingListRecord, DecisionRecord]]:
        """Every decision recorded for the case, oldest meeting first, with its meeting."""
        rows = self.session.execute(
            select(DecisionRow, MeetingRow, BoardRow.name)
            .join(MeetingRow, DecisionRow.meeting_id == MeetingRow.id).join(BoardRow)
            .join(CaseRow, DecisionRow.case_id == CaseRow.id).join(PatientRow)
            .where(PatientRow.mrn == mrn).order_by(MeetingRow.day, DecisionRow.id)).all()
        return [(MeetingListRecord(m.id, board, m.day, m.start_time, m.chair, 0, m.closed_at is not None,
                                   m.signed_at is not None, m.state), _decision(d)) for d, m, board in rows]

    def amendments_of_decision(self, decision_id: int) -> list[AmendmentRecord]:
        rows = self.session.scalars(select(AmendmentRow).where(AmendmentRow.decision_id == decision_id)
                                    .order_by(AmendmentRow.id))
        return [AmendmentRecord(a.at, a.by, a.reason, a.decision_id, None, a.field, a.old_value, a.new_value)
                for a in rows]

    def replaced_versions(self, decision_id: int) -> list[ReplacedDecisionRecord]:
        rows = self.session.scalars(select(ReplacedDecisionRow).where(
            ReplacedDecisionRow.decision_id == decision_id).order_by(ReplacedDecisionRow.id))
        return [ReplacedDecisionRecord(r.decision_id, "", r.replaced_version, json.loads(r.content),
                                       r.replaced_at, r.replaced_by, r.reason) for r in rows]

    def add_implementation(self, decision_id: int, outcome: str, reason: str | None, note: str | None,
                           actor: str) -> None:
        if self.session.get(DecisionRow, decision_id) is None:
            raise RecordNotFound(f"no decision with id {decision_id}")
        self.session.add(ImplementationCheckRow(decision_id=decision_id, outcome=outcome, reason=reason,
                                                note=note, checked_by=actor, checked_at=_now()))
        self.session.flush()

    def follow_ups(self, due_by: date | None = None, *, open_only: bool = True) -> list[FollowUpRecord]:
        latest = (select(ImplementationCheckRow.decision_id,
                         func.max(ImplementationCheckRow.id).label("last"))
                  .group_by(ImplementationCheckRow.decision_id).subquery())
        stmt = (select(DecisionRow, MeetingRow.day, PatientRow.mrn, PatientRow.name, ImplementationCheckRow)
                .join(MeetingRow, DecisionRow.meeting_id == MeetingRow.id)
                .join(CaseRow, DecisionRow.case_id == CaseRow.id).join(PatientRow)
                .outerjoin(latest, latest.c.decision_id == DecisionRow.id)
                .outerjoin(ImplementationCheckRow, ImplementationCheckRow.id == latest.c.last)
                .order_by(DecisionRow.follow_up_due, DecisionRow.id))
        if due_by is not None:
            stmt = stmt.where(DecisionRow.follow_up_due <= due_by)
        if open_only:
            stmt = stmt.where(ImplementationCheckRow.id.is_(None))
        return [FollowUpRecord(d.id, d.meeting_id, day, mrn, name, d.category, d.text, d.follow_up_due,
                               check.outcome if check else None, check.reason if check else None)
                for d, day, mrn, name, check in self.session.execute(stmt).all()]


def _board(row: BoardRow) -> BoardRecord:
    return BoardRecord(row.id, row.name, row.site, tuple(q for q in row.quorum.split(",") if q),
                       tuple((m.name, m.discipline, m.role) for m in row.members if m.active))


def _decision(row: DecisionRow) -> DecisionRecord:
    checksums.check(row, f"decision {row.id}")
    return DecisionRecord(
        id=row.id, version=row.version, category=row.category, text=row.text, concordant=row.concordant,
        deviation_reason=row.deviation_reason, deviation_text=row.deviation_text, actions_json=row.actions,
        patient_preferences=row.patient_preferences, counselling_json=row.counselling_delivered,
        quorum_override=row.quorum_override, recommendation_json=row.recommendation,
        ruleset_id=row.ruleset_id, ruleset_version=row.ruleset_version, follow_up_due=row.follow_up_due,
        recorded_by=row.recorded_by, recorded_at=row.recorded_at)


def _agenda(row: AgendaItemRow, days: dict[int, date]) -> AgendaRecord:
    checksums.check(row.case.patient, f"patient of case {row.case.patient.mrn}")
    return AgendaRecord(
        id=row.id, mrn=row.case.patient.mrn, name=row.case.patient.name, position=row.position,
        triage=row.triage, question=row.question, presenter=row.presenter,
        responsible_clinician=row.responsible_clinician, discussed=row.discussed,
        carried_over_from=row.carried_over_from_id,
        carried_over_from_day=days.get(row.carried_over_from_id) if row.carried_over_from_id else None,
        case_status=row.case.status, decision=_decision(row.decision) if row.decision else None,
        version=row.version, imaging_review_requested=bool(row.imaging_review_requested),
        pathology_review_requested=bool(row.pathology_review_requested))


def _iso(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
