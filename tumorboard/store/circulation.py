"""What goes out around a meeting: the members' e-mail addresses, the record of what was sent to
whom, and who attended which meetings (the attendance record a clinician submits for CPD)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tumorboard.store.models import AttendanceRow, BoardRow, MeetingRow, MemberAddressRow, SentMessageRow


@dataclass(frozen=True, slots=True)
class SentRecord:
    meeting_id: int
    document: str  # "minutes" | "agenda"
    recipient: str
    address: str
    via: str  # "smtp" | "eml"
    attachment: str
    attachment_sha256: str
    pseudonymised: bool
    sent_at: datetime
    sent_by: str


@dataclass(frozen=True, slots=True)
class AttendedRecord:
    """One meeting a person was marked present at."""

    meeting_id: int
    board: str
    day: date
    start_time: str | None
    started_at: datetime | None
    closed_at: datetime | None
    discipline: str
    role: str


class CirculationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def addresses(self) -> dict[str, str]:
        """Name -> e-mail address (names as the boards' lists spell them)."""
        return {r.name: r.email for r in self.session.scalars(select(MemberAddressRow))}

    def set_address(self, name: str, email: str, actor: str, now: datetime) -> str | None:
        """Store one address; returns the previous one."""
        row = self.session.scalars(select(MemberAddressRow).where(
            func.lower(MemberAddressRow.name) == name.lower())).first()
        if row is None:
            self.session.add(MemberAddressRow(name=name, email=email, updated_at=now, updated_by=actor))
            self.session.flush()
            return None
        before = row.email
        row.email, row.updated_at, row.updated_by = email, now, actor
        self.session.flush()
        return before

    def add_sent(self, sent: SentRecord) -> None:
        self.session.add(SentMessageRow(
            meeting_id=sent.meeting_id, document=sent.document, recipient=sent.recipient,
            address=sent.address, via=sent.via, attachment=sent.attachment,
            attachment_sha256=sent.attachment_sha256, pseudonymised=sent.pseudonymised,
            sent_at=sent.sent_at, sent_by=sent.sent_by))
        self.session.flush()

    def sent(self, meeting_id: int) -> list[SentRecord]:
        rows = self.session.scalars(select(SentMessageRow).where(SentMessageRow.meeting_id == meeting_id)
                                    .order_by(SentMessageRow.id))
        return [SentRecord(r.meeting_id, r.document, r.recipient, r.address, r.via, r.attachment,
                           r.attachment_sha256, bool(r.pseudonymised), r.sent_at, r.sent_by) for r in rows]

    def attended(self, name: str, first: date, last: date) -> list[AttendedRecord]:
        """Meetings from ``first`` to ``last`` (inclusive) where ``name`` was marked present and
        that were closed (a meeting still running has no duration yet)."""
        stmt = (select(MeetingRow.id, BoardRow.name, MeetingRow.day, MeetingRow.start_time,
                       MeetingRow.started_at, MeetingRow.closed_at, AttendanceRow.discipline,
                       AttendanceRow.role)
                .join(AttendanceRow, AttendanceRow.meeting_id == MeetingRow.id)
                .join(BoardRow, BoardRow.id == MeetingRow.board_id)
                .where(func.lower(AttendanceRow.name) == name.lower(), AttendanceRow.present.is_(True),
                       MeetingRow.day >= first, MeetingRow.day <= last,
                       MeetingRow.state.in_(("closed", "signed")))
                .order_by(MeetingRow.day, MeetingRow.start_time, MeetingRow.id))
        return [AttendedRecord(*row) for row in self.session.execute(stmt).all()]

    def known_names(self) -> list[str]:
        """Everyone ever listed on a meeting's attendance (for "no such member" messages)."""
        return list(self.session.scalars(select(AttendanceRow.name).distinct().order_by(AttendanceRow.name)))
