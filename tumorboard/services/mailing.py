"""Sending the minutes to every member present and the agenda to every member listed: one e-mail
per person through the department's SMTP server, or, without a server, one standard ``.eml`` file
per person in a folder (to send from any mail program).

Every message sent is recorded as it goes (audit trail and ``sent_messages``): a send that fails
half way says who got it and who did not, and the record agrees. Nobody gets anything when a
recipient has no address or the server cannot be reached (both checked before the first message).
Attachments are pseudonymised unless the department's setting says otherwise.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
import socket
import ssl
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import Literal

from tumorboard.domain.meeting_state import MeetingAction, MeetingState, require
from tumorboard.domain.minutes import DISCLAIMER
from tumorboard.domain.users import Permission
from tumorboard.private_files import write_private
from tumorboard.services.acting import Acting
from tumorboard.services.agenda import meeting_or_refuse
from tumorboard.services.circulation_settings import (
    CirculationSettingsService,
    MailSettings,
    is_address,
    smtp_password,
)
from tumorboard.services.settings import SettingsError
from tumorboard.store.circulation import SentRecord
from tumorboard.store.meeting_records import MeetingRecord

Document = Literal["minutes", "agenda"]
TIMEOUT_SECONDS = 20


class MailError(SettingsError):
    """Nothing, or not everything, was sent; the message names the field or who got what."""


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    address: str

    @property
    def header(self) -> str:
        return formataddr((self.name, self.address))


@dataclass(frozen=True, slots=True)
class SendReport:
    document: Document
    via: Literal["smtp", "eml"]
    sent: tuple[Recipient, ...]
    files: tuple[Path, ...]  # the .eml files written (via "eml")
    attachment: str
    pseudonymised: bool


@dataclass(frozen=True, slots=True)
class _Outgoing:
    meeting: MeetingRecord
    recipients: tuple[Recipient, ...]
    attachment_name: str
    pdf: bytes
    subject: str
    body: str


def _slug(text: str) -> str:
    """``Dr Tomáš Novák`` -> ``dr-tomas-novak``: a file name every system keeps as it is."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower() or "recipient"


class MailingService(Acting):
    # -- addresses ----------------------------------------------------------------------------
    def addresses(self) -> dict[str, str]:
        with self.db.reading() as uow:
            return uow.circulation.addresses()

    def set_address(self, name: str, email: str) -> None:
        """The e-mail address of a person on the boards' lists (audited)."""
        name, email = name.strip(), email.strip()
        if not name:
            raise MailError("name: give the member's name as the board's list spells it")
        if not is_address(email):
            raise MailError(f"email: {email!r} is not an e-mail address (name@example.org)")
        with self._action(Permission.PLAN_MEETINGS) as uow:
            before = uow.circulation.set_address(name, parseaddr(email)[1], self.actor, uow.now)
            uow.audit("address", "member", name, [("email", before, parseaddr(email)[1])])

    def sent(self, meeting_id: int) -> list[SentRecord]:
        with self.db.reading() as uow:
            return uow.circulation.sent(meeting_id)

    # -- sending ------------------------------------------------------------------------------
    def send(self, meeting_id: int, document: Document, *, eml_dir: Path | None = None,
             settings: MailSettings | None = None) -> SendReport:
        """Send ``document`` of the meeting. ``eml_dir``: write .eml files there instead of using
        the server (the only way when no server is configured)."""
        settings = settings or CirculationSettingsService(self.db).mail()
        problems = settings.problems()
        if problems:
            raise MailError("; ".join(f"{k}: {v}" for k, v in problems.items()))
        if eml_dir is None and not settings.configured:
            raise MailError("smtp_host: no SMTP server is configured (tumorboard settings set smtp_host "
                            "HOST); write .eml files into a folder instead (--eml-dir DIR)")
        outgoing = self._prepare(meeting_id, document, settings)
        if eml_dir is not None:
            return self._write_eml(outgoing, document, settings, eml_dir)
        return self._send_smtp(outgoing, document, settings)

    def _prepare(self, meeting_id: int, document: Document, settings: MailSettings) -> _Outgoing:
        from tumorboard.services.agenda import AgendaService
        from tumorboard.services.meetings import MeetingService

        pseudonymise = settings.pseudonymise_attachments
        with self.db.reading() as uow:
            meeting = meeting_or_refuse(uow, meeting_id)
            require(MeetingState(meeting.state),
                    MeetingAction.SEND_MINUTES if document == "minutes" else MeetingAction.SEND_AGENDA)
            addresses = {k.lower(): v for k, v in uow.circulation.addresses().items()}
        people = [a.name for a in meeting.attendance if a.present or document == "agenda"]
        if not people:
            who = "marked present at this meeting" if document == "minutes" else "listed for this meeting"
            raise MailError(f"recipients: nobody is {who}")
        missing = [p for p in people if p.lower() not in addresses]
        if missing:
            raise MailError(f"address: no e-mail address for {', '.join(missing)}; nothing was sent. Add "
                            "them with `tumorboard send address NAME EMAIL`")
        recipients = tuple(Recipient(p, addresses[p.lower()]) for p in people)
        suffix = "-pseudonymised" if pseudonymise else ""
        name = f"{document}-{_slug(meeting.board.name)}-{meeting.day.isoformat()}{suffix}.pdf"
        if document == "minutes":
            meetings = MeetingService(self.db, actor=self.actor, user=self.user)
            pdf = meetings.render_minutes(meeting_id, pseudonymise=True) if pseudonymise \
                else meetings.signed_original(meeting_id)
            what = "the signed minutes" + (" (a pseudonymised copy)" if pseudonymise else "")
        else:
            pdf = AgendaService(self.db, actor=self.actor, user=self.user).render(meeting_id,
                                                                                   pseudonymise=pseudonymise)
            what = "the agenda" + (" (pseudonymised)" if pseudonymise else "")
        subject = f"{meeting.board.name}: {document} of the meeting of {meeting.day.isoformat()}"
        body = (f"Attached: {what} of the {meeting.board.name} meeting of {meeting.day.isoformat()}.\n\n"
                f"{DISCLAIMER}\n\nSent by tumorboard for {self.actor}. Patient data: keep it confidential "
                "and do not forward it outside the care team.\n")
        return _Outgoing(meeting, recipients, name, pdf, subject, body)

    def _message(self, out: _Outgoing, to: Recipient, sender: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = to.header
        msg["Subject"] = out.subject
        msg["Date"] = format_datetime(datetime.now(UTC))
        domain = parseaddr(sender)[1].rpartition("@")[2] or "tumorboard.invalid"
        msg["Message-ID"] = make_msgid(domain=domain)
        msg.set_content(out.body)
        msg.add_attachment(out.pdf, maintype="application", subtype="pdf", filename=out.attachment_name)
        return msg

    def _record(self, out: _Outgoing, document: Document, to: Recipient, via: str,
                pseudonymised: bool) -> None:
        """One message sent, on record at once: a failure later leaves this one recorded."""
        sha = hashlib.sha256(out.pdf).hexdigest()
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            uow.circulation.add_sent(SentRecord(out.meeting.id, document, to.name, to.address, via,
                                                out.attachment_name, sha, pseudonymised, uow.now, self.actor))
            uow.audit("send", "meeting", out.meeting.id, [
                (document, None, f"{out.attachment_name} (SHA-256 {sha}) to {to.header} by {via}")])

    def _check_may_send(self, meeting_id: int) -> None:
        """Refuse before anything leaves when the user may not export patient data."""
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            meeting_or_refuse(uow, meeting_id)

    def _write_eml(self, out: _Outgoing, document: Document, settings: MailSettings,
                   folder: Path) -> SendReport:
        self._check_may_send(out.meeting.id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MailError(f"eml folder: cannot make {folder} ({exc.strerror or exc}); nothing was "
                            "written") from None
        sender = settings.sender or f"tumorboard <{_slug(out.meeting.board.name)}@tumorboard.invalid>"
        files: list[Path] = []
        done: list[Recipient] = []
        for i, to in enumerate(out.recipients, start=1):
            path = folder / f"{document}-{out.meeting.id}-{i:02d}-{_slug(to.name)}.eml"
            message = self._message(out, to, sender)
            message["X-Unsent"] = "1"  # mail programs open it as a draft, ready to send
            try:
                write_private(path, message.as_bytes())
            except OSError as exc:
                raise MailError(_half_way(f"eml folder: cannot write {path} ({exc.strerror or exc})", done,
                                          out.recipients)) from None
            self._record(out, document, to, "eml", settings.pseudonymise_attachments)
            files.append(path)
            done.append(to)
        return SendReport(document, "eml", tuple(done), tuple(files), out.attachment_name,
                          settings.pseudonymise_attachments)

    def _send_smtp(self, out: _Outgoing, document: Document, settings: MailSettings) -> SendReport:
        self._check_may_send(out.meeting.id)
        where = f"{settings.host}:{settings.port}"
        try:
            server = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"smtp_host: cannot reach {where} ({_reason(exc)}); nothing was sent") from None
        done: list[Recipient] = []
        try:
            try:
                server.ehlo()
                if settings.starttls:
                    server.starttls(context=ssl.create_default_context())
                    server.ehlo()
                password = smtp_password(settings.sender)
                if password:
                    server.login(parseaddr(settings.sender)[1], password)
            except (OSError, smtplib.SMTPException) as exc:
                raise MailError(f"smtp_host: {where} refused the session ({_reason(exc)}); nothing was "
                                "sent") from None
            for to in out.recipients:
                try:
                    server.send_message(self._message(out, to, settings.sender), from_addr=settings.sender,
                                        to_addrs=[to.address])
                except (OSError, smtplib.SMTPException) as exc:
                    raise MailError(_half_way(f"smtp: sending to {to.header} failed ({_reason(exc)})", done,
                                              out.recipients)) from None
                done.append(to)
                self._record(out, document, to, "smtp", settings.pseudonymise_attachments)
        finally:
            try:
                server.quit()
            except (OSError, smtplib.SMTPException):
                server.close()
        return SendReport(document, "smtp", tuple(done), (), out.attachment_name,
                          settings.pseudonymise_attachments)


def _half_way(what: str, done: list[Recipient], everyone: tuple[Recipient, ...]) -> str:
    got = ", ".join(r.header for r in done) or "nobody"
    rest = ", ".join(r.header for r in everyone if r not in done)
    return f"{what}. Already sent to: {got}. Not sent to: {rest}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
                         for addr, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        message = error.decode(errors="replace") if isinstance(error, bytes) else error
        return f"{exc.smtp_code} {message}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"no answer within {TIMEOUT_SECONDS} s"
    return str(exc) or type(exc).__name__
