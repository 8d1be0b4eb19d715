"""The agenda circulated before a meeting: board, date, place, chair and, per case in agenda
order, the question, the presenter, readiness (what is missing or stale) and the reviews asked of
radiology and pathology; then the cases listed but not for discussion with their clinician.

Showing it is reading; saving or printing it is an export of patient data, checked and audited.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from tumorboard.domain.circulation import Agenda, AgendaLine, ReadinessLine
from tumorboard.domain.meeting import AgendaTriage, Discipline, MeetingError
from tumorboard.domain.minutes import AttendeeLine, CaseIdentity
from tumorboard.domain.users import Permission
from tumorboard.recommend.readiness import assess_readiness
from tumorboard.reports.redaction import patient_identifiers, redact_values
from tumorboard.services.acting import Acting
from tumorboard.services.minutes import document_id
from tumorboard.services.settings import settings_from
from tumorboard.store import RecordNotFound
from tumorboard.store.meeting_records import AgendaRecord, MeetingRecord
from tumorboard.store.records import StoredCase
from tumorboard.store.unit_of_work import UnitOfWork


def meeting_or_refuse(uow: UnitOfWork, meeting_id: int) -> MeetingRecord:
    try:
        return uow.meetings.get(meeting_id)
    except RecordNotFound:
        raise MeetingError(f"meeting: no meeting with id {meeting_id} (see `tumorboard meetings list`)") \
            from None


def identity(item: AgendaRecord, stored: StoredCase, pseudonymise: bool) -> CaseIdentity:
    """How a document names the case: in full, or "Case N" with no name, record number or birth date."""
    if pseudonymise:
        return CaseIdentity(f"Case {item.position}", True)
    p = stored.case.patient
    return CaseIdentity(f"{p.name or '(no name recorded)'} (MRN {p.mrn}, born {p.birth_date.isoformat()})",
                        False, p.mrn, p.name, p.birth_date)


def clock_time(text: str | None) -> time | None:
    """A meeting's "HH:MM" (validated when it was stored) as a time."""
    if not text:
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class AgendaService(Acting):
    def agenda(self, meeting_id: int, *, pseudonymise: bool = False) -> Agenda:
        from tumorboard import __version__

        with self.db.reading() as uow:
            meeting = meeting_or_refuse(uow, meeting_id)
            readiness = settings_from(uow.settings.all()).readiness
            stored = {a.mrn: uow.cases.get(a.mrn) for a in meeting.agenda}
        lines = []
        for item in meeting.agenda:
            case = stored[item.mrn]
            ready = assess_readiness(case.case, meeting.day, case.staging_date, readiness)
            lines.append(AgendaLine(
                position=item.position, identity=identity(item, case, pseudonymise),
                triage=AgendaTriage(item.triage), question=item.question, presenter=item.presenter,
                responsible_clinician=item.responsible_clinician,
                imaging_review_requested=item.imaging_review_requested,
                pathology_review_requested=item.pathology_review_requested,
                readiness=tuple(ReadinessLine(r.label, r.state.value, r.detail) for r in ready.items),
                carried_over_from=item.carried_over_from_day))
        agenda = Agenda(
            document_id=document_id(meeting).replace("MDT-", "AGENDA-", 1), board=meeting.board.name,
            day=meeting.day, start=clock_time(meeting.start_time), place=meeting.place,
            video_link=meeting.video_link, chair=meeting.chair,
            members=tuple(AttendeeLine(a.name, Discipline(a.discipline), a.role, a.present)
                          for a in meeting.attendance),
            lines=tuple(lines), pseudonymised=pseudonymise, generated_at=datetime.now(UTC),
            app_version=__version__)
        if pseudonymise:  # free text (a question) may still name a patient: the safety net
            agenda = redact_values(agenda, patient_identifiers(
                [c.case.patient.name for c in stored.values()], list(stored),
                [c.case.patient.birth_date for c in stored.values()]))
        return agenda

    def render(self, meeting_id: int, *, pseudonymise: bool = False) -> bytes:
        """The agenda PDF for the screen (a preview is not an export)."""
        from tumorboard.reports.agenda_pdf import render_agenda

        return render_agenda(self.agenda(meeting_id, pseudonymise=pseudonymise))

    def export(self, meeting_id: int, *, pseudonymise: bool = False, to: str = "file") -> bytes:
        """The agenda for a file, a printer or e-mail: checked and recorded before it is handed over."""
        pdf = self.render(meeting_id, pseudonymise=pseudonymise)
        self.record_export(meeting_id, pseudonymised=pseudonymise, to=to)
        return pdf

    def record_export(self, meeting_id: int, *, pseudonymised: bool, to: str) -> None:
        kind = "pseudonymised agenda" if pseudonymised else "agenda"
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            meeting_or_refuse(uow, meeting_id)
            uow.audit("export", "meeting", meeting_id, [("agenda", None, f"{kind} to a {to}")])
