"""Sending minutes and agendas: a real SMTP server on 127.0.0.1 (aiosmtpd) receives one message per
recipient with the right attachment; a refusal half way says who got it; without a server, .eml
files; each message is in the audit trail and the sent list."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from circulation_helpers import Demo, free_port, pdf_text

from tumorboard.domain.meeting import MeetingError
from tumorboard.services.cases import CaseService
from tumorboard.services.circulation_settings import CirculationSettingsService, MailSettings, SettingProblems
from tumorboard.services.mailing import MailError, MailingService

SENDER = "Breast MDT <mdt@example.org>"


@dataclass
class Inbox:
    """An SMTP server's handler: keeps what it accepts, refuses the addresses it is told to."""

    refuse: set[str] = field(default_factory=set)
    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _addresses(d: Demo) -> dict[str, str]:
    """Every listed member gets an address (recorded by the coordinator, audited)."""
    mailing = MailingService(d.db, user=d.chair)
    out = {}
    for i, a in enumerate(d.meetings().get(d.signed).attendance, start=1):
        out[a.name] = f"member{i}@example.org"
        mailing.set_address(a.name, out[a.name])
    return out


def _configure(d: Demo, port: int, **changes: Any) -> MailSettings:
    settings = replace(MailSettings(host="127.0.0.1", port=port, starttls=False, sender=SENDER), **changes)
    CirculationSettingsService(d.db, user=d.admin).save(mail=settings)
    return settings


def _patients(d: Demo) -> list[tuple[str, str | None]]:
    cases = CaseService(d.db, user=d.chair)
    return [(a.mrn, cases.get(a.mrn).case.patient.name) for a in d.meetings().get(d.signed).agenda]


def test_the_signed_minutes_reach_every_member_present_with_a_pseudonymised_attachment(
        demo: Demo, server: tuple[Inbox, int]) -> None:
    inbox, port = server
    addresses = _addresses(demo)
    _configure(demo, port)
    present = [a.name for a in demo.meetings().get(demo.signed).attendance if a.present]
    report = MailingService(demo.db, user=demo.chair).send(demo.signed, "minutes")
    assert report.via == "smtp" and [r.name for r in report.sent] == present
    assert [rcpts for _, rcpts, _ in inbox.messages] == [[addresses[n]] for n in present]
    for sender, _, message in inbox.messages:
        assert sender == "mdt@example.org" and "minutes of the meeting of" in str(message["Subject"])
        attachments = list(message.iter_attachments())
        assert len(attachments) == 1 and attachments[0].get_content_type() == "application/pdf"
        assert attachments[0].get_filename() == report.attachment and report.attachment.endswith(
            "-pseudonymised.pdf")
        text = pdf_text(attachments[0].get_content())
        assert "Copy of the signed minutes" in text
        for mrn, name in _patients(demo):
            assert mrn not in text and (name or "@@") not in text
    sent = MailingService(demo.db, user=demo.chair).sent(demo.signed)
    assert [(s.recipient, s.address, s.via) for s in sent] == [(n, addresses[n], "smtp") for n in present]
    with demo.db.reading() as uow:
        audit = [e for e in uow.audit_log.history("meeting", str(demo.signed)) if e.action == "send"]
    assert len(audit) == len(present) and all(e.actor == demo.chair.username for e in audit)
    assert all(addresses[n] in str(e.new_value) for n, e in zip(present, audit, strict=True))


def test_without_pseudonymisation_the_signed_original_is_attached(demo: Demo, server: tuple[Inbox, int]) -> None:
    inbox, port = server
    _addresses(demo)
    _configure(demo, port, pseudonymise_attachments=False)
    MailingService(demo.db, user=demo.chair).send(demo.signed, "minutes")
    attachment = next(inbox.messages[0][2].iter_attachments()).get_content()
    assert attachment == demo.meetings().signed_original(demo.signed)


def test_the_agenda_goes_to_every_member_listed(demo: Demo, server: tuple[Inbox, int]) -> None:
    inbox, port = server
    addresses = _addresses(demo)
    _configure(demo, port)
    listed = [a.name for a in demo.meetings().get(demo.planned).attendance]
    MailingService(demo.db, user=demo.chair).send(demo.planned, "agenda")
    assert sorted(r for _, rcpts, _ in inbox.messages for r in rcpts) == sorted(addresses[n] for n in listed)
    assert "Agenda of the multidisciplinary tumour board" in pdf_text(
        next(inbox.messages[0][2].iter_attachments()).get_content())


def test_a_refusal_half_way_says_who_got_it_and_the_record_agrees(demo: Demo, server: tuple[Inbox, int]) -> None:
    inbox, port = server
    addresses = _addresses(demo)
    _configure(demo, port)
    present = [a.name for a in demo.meetings().get(demo.signed).attendance if a.present]
    inbox.refuse.add(addresses[present[2]])
    with pytest.raises(MailError) as failed:
        MailingService(demo.db, user=demo.chair).send(demo.signed, "minutes")
    message = str(failed.value)
    assert message.startswith(f"smtp: sending to {present[2]}") and "550" in message
    got, rest = message.split("Already sent to: ")[1].split(". Not sent to: ")
    assert all(addresses[n] in got for n in present[:2]) and addresses[present[2]] not in got
    assert all(addresses[n] in rest for n in present[2:])
    assert len(inbox.messages) == 2
    assert [s.recipient for s in MailingService(demo.db, user=demo.chair).sent(demo.signed)] == present[:2]


def test_an_unreachable_server_sends_nothing_and_says_so(demo: Demo) -> None:
    _addresses(demo)
    port = free_port()  # nothing listens there
    _configure(demo, port)
    with pytest.raises(MailError, match=rf"^smtp_host: cannot reach 127.0.0.1:{port} .*nothing was sent"):
        MailingService(demo.db, user=demo.chair).send(demo.signed, "minutes")
    assert MailingService(demo.db, user=demo.chair).sent(demo.signed) == []


def test_a_member_without_an_address_stops_the_send_before_anyone_gets_it(
        demo: Demo, server: tuple[Inbox, int]) -> None:
    inbox, port = server
    _configure(demo, port)
    first = demo.meetings().get(demo.signed).attendance[0].name
    MailingService(demo.db, user=demo.chair).set_address(first, "first@example.org")
    with pytest.raises(MailError, match=r"^address: no e-mail address for .*nothing was sent") as refused:
        MailingService(demo.db, user=demo.chair).send(demo.signed, "minutes")
    assert first not in str(refused.value) and inbox.messages == []


def test_minutes_are_sent_only_once_signed_and_the_agenda_only_before_the_meeting(demo: Demo) -> None:
    _addresses(demo)
    mailing = MailingService(demo.db, user=demo.chair)
    with pytest.raises(MeetingError, match="the meeting is planned: sending the minutes is refused"):
        mailing.send(demo.planned, "minutes", eml_dir=demo.path.parent / "eml")
    with pytest.raises(MeetingError, match="the meeting is signed off: sending the agenda is refused"):
        mailing.send(demo.signed, "agenda", eml_dir=demo.path.parent / "eml")
    assert not (demo.path.parent / "eml").exists()


def test_without_a_server_standard_eml_files_are_written(demo: Demo, tmp_path: Path) -> None:
    addresses = _addresses(demo)
    mailing = MailingService(demo.db, user=demo.chair)
    with pytest.raises(MailError, match=r"^smtp_host: no SMTP server is configured"):
        mailing.send(demo.signed, "minutes")
    report = mailing.send(demo.signed, "minutes", eml_dir=tmp_path / "out")
    present = [a.name for a in demo.meetings().get(demo.signed).attendance if a.present]
    assert report.via == "eml" and len(report.files) == len(present)
    for path, name in zip(report.files, present, strict=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        assert addresses[name] in str(message["To"]) and message["X-Unsent"] == "1"
        assert next(message.iter_attachments()).get_filename() == report.attachment
    assert {s.via for s in mailing.sent(demo.signed)} == {"eml"}


def test_bad_addresses_and_settings_are_refused_naming_the_field(demo: Demo) -> None:
    mailing = MailingService(demo.db, user=demo.chair)
    with pytest.raises(MailError, match=r"^email: 'not-an-address'"):
        mailing.set_address("Dr Ana Sánchez", "not-an-address")
    settings = CirculationSettingsService(demo.db, user=demo.admin)
    with pytest.raises(SettingProblems, match=r"smtp_port: 70000 is outside 1 to 65535") as refused:
        settings.save(mail=MailSettings(host="smtp.example.org", port=70000, sender="nobody"))
    assert set(refused.value.problems) == {"smtp_port", "smtp_sender"}
    assert settings.mail() == MailSettings()  # nothing saved


# A test server on the loopback: plain-text AUTH is what it is for here.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_password_comes_from_the_environment_and_signs_in_as_the_sender(
        demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    seen: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        seen.append((data.login, data.password))
        return AuthResult(success=data.password == b"from-the-environment")

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        _addresses(demo)
        _configure(demo, port)
        monkeypatch.setenv("TUMORBOARD_SMTP_PASSWORD", "from-the-environment")
        report = MailingService(demo.db, user=demo.chair).send(demo.signed, "minutes")
    finally:
        controller.stop()
    assert seen == [(b"mdt@example.org", b"from-the-environment")]
    assert len(inbox.messages) == len(report.sent) > 0


def test_starttls_asked_of_a_server_without_it_sends_nothing(demo: Demo, server: tuple[Inbox, int]) -> None:
    inbox, port = server
    _addresses(demo)
    _configure(demo, port, starttls=True)
    with pytest.raises(MailError, match=r"refused the session \(STARTTLS extension not supported"):
        MailingService(demo.db, user=demo.chair).send(demo.signed, "minutes")
    assert inbox.messages == [] and MailingService(demo.db, user=demo.chair).sent(demo.signed) == []
