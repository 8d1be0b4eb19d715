"""The minutes: assembled, rendered, exported (checked and recorded), signed by the chair (the one
UPDATE that signs), verified, and amended after sign-off (the signed original untouched)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tumorboard.domain.changes import Changes
from tumorboard.domain.meeting import MeetingError
from tumorboard.domain.meeting_state import MeetingAction, check_sign_off, require
from tumorboard.domain.minutes import Minutes, SignOff
from tumorboard.domain.users import Permission
from tumorboard.services.access import check
from tumorboard.services.meeting_input import AMENDABLE, no_nul, text_of
from tumorboard.services.meeting_parts import MeetingParts, _chairs_override, _now, meeting_state
from tumorboard.services.minutes import assemble_minutes
from tumorboard.services.minutes_snapshot import sha256_text, snapshot_json
from tumorboard.services.quorum import QuorumStatus, quorum_status
from tumorboard.services.signed_minutes import (
    MinutesCheck,
    open_chair_key,
    sign_pdf,
    signed_copy,
    store_chair_key,
    verify_minutes,
)
from tumorboard.store.meeting_records import MeetingRecord
from tumorboard.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class SignedMinutes:
    meeting_id: int
    sha256: str
    pdf: bytes



class MinutesCommands(MeetingParts):
    def minutes(self, meeting_id: int, *, pseudonymise: bool = False) -> Minutes:
        """The minutes as data. A signed meeting's are its signed snapshot, marked as a copy of the
        signed hash, with the amendments since sign-off: never today's rows (meetings signed before
        snapshots were kept, revision 0008, are assembled from the rows as before)."""
        from tumorboard import __version__

        with self.db.reading() as uow:
            meeting = uow.meetings.get(meeting_id)
            snapshot = uow.meetings.signed_snapshot(meeting_id) if meeting.signed_at else None
            cases = {} if snapshot else {a.mrn: uow.cases.get(a.mrn).case for a in meeting.agenda}
        if snapshot is not None:
            return signed_copy(meeting, snapshot, pseudonymise=pseudonymise)
        return assemble_minutes(meeting, cases, pseudonymise=pseudonymise, app_version=__version__,
                                quorum=quorum_status(meeting), generated_at=_now(),
                                copy_of=meeting.minutes_sha256)

    def render_minutes(self, meeting_id: int, *, pseudonymise: bool = False) -> bytes:
        return self._renderer()(self.minutes(meeting_id, pseudonymise=pseudonymise))

    def export_minutes(self, meeting_id: int, *, pseudonymise: bool = False,
                       signed_original: bool = False, to: str = "file") -> bytes:
        """The minutes for a file or a printer (``to``): patient data leaving the system, so
        checked and recorded. Showing them on screen (``render_minutes``) is not an export."""
        if signed_original and pseudonymise:
            raise MeetingError("pseudonymise: the signed original names the patients; it cannot be "
                               "pseudonymised")
        self.record_minutes_export(meeting_id, pseudonymised=pseudonymise, signed_original=signed_original,
                                   to=to)
        if signed_original:
            return self.signed_original(meeting_id)
        return self.render_minutes(meeting_id, pseudonymise=pseudonymise)

    def record_minutes_export(self, meeting_id: int, *, pseudonymised: bool, signed_original: bool,
                              to: str = "file") -> None:
        """Check that the user may export patient data and record that the minutes left the
        system (before the bytes are handed over: an export that then fails is still on record)."""
        kind = ("pseudonymised copy" if pseudonymised else "signed original" if signed_original
                else "copy")
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            uow.meetings.get(meeting_id)  # RecordNotFound for a meeting that does not exist
            uow.audit("export", "meeting", meeting_id, [("minutes", None, f"{kind} to a {to}")])

    def signed_original(self, meeting_id: int) -> bytes:
        with self.db.reading() as uow:
            pdf = uow.meetings.signed_pdf(meeting_id)
        if pdf is None:
            raise MeetingError(f"meeting {meeting_id} is not signed off; there is no signed original")
        return pdf

    def sign_off(self, meeting_id: int, chair: str, expected_version: int | None = None, *,
                 password: str | None = None) -> SignedMinutes:
        """The chair signs a closed meeting: the minutes are rendered, signed with the chair's key
        (PAdES; once the database has accounts, the key opens with the chair's ``password``), and
        the signed PDF, its SHA-256 and the data snapshot it was rendered from are stored in the
        UPDATE that signs; the meeting becomes read-only (service and database)."""
        from hashlib import sha256

        from tumorboard import __version__

        if not chair.strip():
            raise MeetingError("chair: the minutes are signed by the chair; the name is empty")
        if self.user is not None and chair.strip().lower() != self.user.display_name.strip().lower():
            raise MeetingError(f"chair: you are signed in as {self.user.display_name}; minutes are signed "
                               "in your own name only")
        chair_key = None
        if self.user is not None:
            # Refusals that need no password come first; then the key, outside the write lock (the
            # derivations are slow): a wrong password is refused with nothing written.
            with self.db.reading() as reading:
                check(reading, self.user, Permission.SIGN_OFF)
                self._signable(reading, meeting_id, chair)
            chair_key = open_chair_key(self.db, self.user, password, _now())
        with self._action(Permission.SIGN_OFF) as uow:
            meeting, status = self._signable(uow, meeting_id, chair)
            signed_at = uow.now
            if chair_key is not None:
                store_chair_key(uow, chair_key)
            cases = {a.mrn: uow.cases.get(a.mrn).case for a in meeting.agenda}
            minutes = assemble_minutes(meeting, cases, pseudonymise=False, app_version=__version__,
                                       quorum=status, generated_at=signed_at, copy_of=None,
                                       sign_off=SignOff(meeting.chair or chair.strip(), signed_at, None,
                                                        uow.audit_log.head(),
                                                        chair_key.key.fingerprint if chair_key else None))
            snapshot = snapshot_json(minutes)
            snapshot_digest = sha256_text(snapshot)
            pdf = self._renderer()(minutes)
            if chair_key is not None:
                pdf = sign_pdf(pdf, chair_key, meeting.board.name)
            digest = sha256(pdf).hexdigest()
            after = require(meeting_state(meeting), MeetingAction.SIGN)
            # One UPDATE signs, hashes and keeps the document and its data: the triggers refuse any
            # change after it.
            uow.meetings.update_meeting(meeting_id, self.actor, expected_version, state=after.value,
                                        signed_by=meeting.chair, signed_at=signed_at, minutes_sha256=digest,
                                        minutes_pdf=pdf, minutes_snapshot=snapshot,
                                        minutes_snapshot_sha256=snapshot_digest)
            audit: list[tuple[str | None, Any, Any]] = [
                ("state", meeting.state, after.value), ("signed_by", None, meeting.chair),
                ("signed_at", None, signed_at.isoformat()), ("minutes_sha256", None, digest),
                ("minutes_snapshot_sha256", None, snapshot_digest)]
            if chair_key is not None:
                audit.append(("signing_certificate", None, chair_key.key.fingerprint))
            uow.audit("sign-off", "meeting", meeting_id, audit)
            uow.touched(cases=[a.mrn for a in meeting.agenda])
        return SignedMinutes(meeting_id, digest, pdf)

    def _signable(self, uow: UnitOfWork, meeting_id: int, chair: str) -> tuple[MeetingRecord, QuorumStatus]:
        meeting = self._meeting(uow, meeting_id, MeetingAction.SIGN)
        status = quorum_status(meeting)
        check_sign_off(chair=meeting.chair, signer=chair, present={a.name for a in meeting.attendance
                                                                   if a.present},
                       quorum_met=status.met, override_recorded=_chairs_override(meeting))
        return meeting, status

    def verify_minutes(self, pdf: bytes) -> MinutesCheck:
        """Check a PDF against the record (``tumorboard minutes --verify``); UnreadablePdf if the
        bytes are not a readable PDF."""
        return verify_minutes(self.db, pdf, self._renderer())

    def amend(self, meeting_id: int, mrn: str | None, field_name: str, new_value: str,
              reason: str) -> Changes:
        """Correct a signed meeting: the original stays as signed, the amendment records what, why
        and who. ``field_name`` is a decision field (``meeting_input.AMENDABLE``) for ``mrn``, or
        "note" for the meeting as a whole."""
        no_nul(reason, new_value)
        if not reason.strip():
            raise MeetingError("reason: an amendment needs a reason")
        with self._action(Permission.SIGN_OFF) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.AMEND)
            decision_id = None
            old_value = None
            if field_name != "note":
                if mrn is None:
                    raise MeetingError("case: name the case whose decision is amended")
                if field_name not in AMENDABLE:
                    raise MeetingError(f"field: {field_name!r} cannot be amended; amendable: "
                                       + ", ".join(sorted(AMENDABLE)) + ", note")
                new_value = AMENDABLE[field_name](new_value)
                item = next((a for a in meeting.agenda if a.mrn == mrn), None)
                if item is None or item.decision is None:
                    raise MeetingError(f"case: no decision was recorded for {mrn} at this meeting")
                decision_id = item.decision.id
                previous = [a for a in meeting.amendments
                            if a.decision_id == decision_id and a.field == field_name]
                old_value = (previous[-1].new_value if previous
                             else text_of(getattr(item.decision, field_name)))
            uow.meetings.add_amendment(meeting_id, decision_id, self.actor, reason.strip(), field_name,
                                       old_value, new_value)
            uow.audit("amend", "meeting", meeting_id, [
                (f"{mrn + '/' if mrn else ''}{field_name}", old_value, new_value)])
            if mrn:
                uow.touched(cases=[mrn])
        return self.last_changes
