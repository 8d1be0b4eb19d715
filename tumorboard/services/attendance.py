"""A member's attendance record: the meetings they were marked present at in a period, with dates
and durations (start to close), for continuing professional development (CPD)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tumorboard.domain.circulation import AttendanceReport, AttendedMeeting
from tumorboard.domain.meeting import MeetingError
from tumorboard.services.acting import Acting
from tumorboard.services.circulation_settings import CirculationSettingsService


class AttendanceService(Acting):
    def report(self, member: str, first: date, last: date) -> AttendanceReport:
        from tumorboard import __version__

        member = member.strip()
        if not member:
            raise MeetingError("member: give the member's name as the boards' lists spell it")
        if last < first:
            raise MeetingError(f"to: {last.isoformat()} is before the start of the period "
                               f"({first.isoformat()})")
        with self.db.reading() as uow:
            rows = uow.circulation.attended(member, first, last)
            known = uow.circulation.known_names()
        if not rows and member.lower() not in {k.lower() for k in known}:
            raise MeetingError(f"member: nobody called {member!r} is on any meeting's attendance list")
        meetings = tuple(AttendedMeeting(r.day, r.board, r.start_time, _minutes(r.started_at, r.closed_at),
                                         r.role) for r in rows)
        name = next((k for k in known if k.lower() == member.lower()), member)
        department = CirculationSettingsService(self.db).letterhead().department
        return AttendanceReport(name, first, last, meetings, datetime.now(UTC), department, __version__)

    def render(self, member: str, first: date, last: date) -> bytes:
        from tumorboard.reports.attendance_pdf import render_attendance

        return render_attendance(self.report(member, first, last))


def _minutes(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None or end < start:
        return None
    return round((end - start).total_seconds() / 60)
