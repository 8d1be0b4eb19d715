"""Outcome letters: one per discussed case of a signed meeting, to the referrer or GP named on the
case, saying what the board decided, who does what by when and what the patient wants.

Written only from the signed record (the state machine's LETTER action, ``domain.meeting_state``):
the decision as the chair signed it, and every amendment of it since, which the letter says.
Writing the letters is an export of patient data: checked and audited, one line per letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from tumorboard.domain.circulation import LetterheadLines, OutcomeLetter
from tumorboard.domain.meeting_state import MeetingAction, MeetingState, require
from tumorboard.domain.minutes import Minutes
from tumorboard.domain.users import Permission
from tumorboard.services.acting import Acting
from tumorboard.services.agenda import meeting_or_refuse
from tumorboard.services.circulation_settings import CirculationSettingsService
from tumorboard.services.minutes import amendment_lines
from tumorboard.services.signed_minutes import signed_copy


@dataclass(frozen=True, slots=True)
class WrittenLetter:
    mrn: str
    file_name: str  # "letter-03-DEMO-0014.pdf"
    recipient: str | None
    amended: bool
    pdf: bytes


class LetterService(Acting):
    def outcome_letters(self, meeting_id: int) -> list[OutcomeLetter]:
        """The letters of a signed meeting; MeetingError naming its state before sign-off."""
        from tumorboard import __version__

        with self.db.reading() as uow:
            meeting = meeting_or_refuse(uow, meeting_id)
            require(MeetingState(meeting.state), MeetingAction.LETTER)
            snapshot = uow.meetings.signed_snapshot(meeting_id)
            # Today's referrer and GP (the case's referral): the letter goes where the patient is now.
            referrals = {a.mrn: uow.cases.get(a.mrn).referral for a in meeting.agenda}
        if snapshot is None or meeting.signed_at is None or not meeting.signed_by:
            from tumorboard.domain.meeting import MeetingError

            raise MeetingError(f"meeting {meeting_id}: signed before signed snapshots were kept; its letters "
                               "cannot be written from the signed record")
        minutes: Minutes = signed_copy(meeting, snapshot, pseudonymise=False)
        head = CirculationSettingsService(self.db).letterhead()
        letterhead = LetterheadLines(head.department or meeting.board.name, head.address, head.telephone)
        labels = {c.identity.mrn: c.identity.label for c in minutes.cases if c.identity.mrn}
        words = amendment_lines(meeting, labels)
        out = []
        for case in sorted(minutes.discussed, key=lambda c: c.position):
            if case.decision is None or case.identity.mrn is None:
                continue
            mrn = case.identity.mrn
            referral = referrals[mrn]
            referrer, gp, gp_address = referral.referring_clinician, referral.gp_name, referral.gp_address
            amended = tuple(w for a, w in zip(meeting.amendments, words, strict=True) if a.mrn == mrn)
            out.append(OutcomeLetter(
                document_id=f"LETTER-{minutes.document_id.removeprefix('MDT-')}-{case.position}",
                letterhead=letterhead, recipient=referrer or gp,
                recipient_address=gp_address if (gp and not referrer) else None,
                referring_clinician=referrer, gp_name=gp, board=minutes.board, day=minutes.day,
                patient=case.identity, question=case.question, decision=case.decision, amendments=amended,
                chair=meeting.signed_by, signed_at=meeting.signed_at, minutes_sha256=meeting.minutes_sha256,
                app_version=__version__))
        return out

    def write_letters(self, meeting_id: int, *, to: str = "folder") -> list[WrittenLetter]:
        """The letters as PDFs, recorded in the audit trail (who, which case, to whom) first."""
        from tumorboard.reports.letter_pdf import render_letter

        letters = self.outcome_letters(meeting_id)
        written = [WrittenLetter(letter.patient.mrn or "", f"letter-{i:02d}-{letter.patient.mrn}.pdf",
                                 letter.recipient, letter.amended, render_letter(letter))
                   for i, letter in enumerate(letters, start=1)]
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            meeting_or_refuse(uow, meeting_id)
            uow.audit("export", "meeting", meeting_id, [
                (f"{w.mrn}/letter", None, f"outcome letter{' (amended decision)' if w.amended else ''} to "
                 f"{w.recipient or 'no recipient recorded'}, to a {to}") for w in written])
        return written
