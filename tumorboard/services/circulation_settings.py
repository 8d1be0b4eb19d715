"""Department settings for what leaves the department: the letterhead of outcome letters and the
SMTP server minutes and agendas are sent through.

Stored beside the other department settings (``tumorboard_meta``, one version for all of them),
changed only here, each change audited. The SMTP password is never stored in the database: it comes
from ``TUMORBOARD_SMTP_PASSWORD`` or the system keyring (:func:`smtp_password`).
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, fields
from email.utils import parseaddr
from typing import Any

from tumorboard.domain.users import Permission
from tumorboard.services.acting import Acting
from tumorboard.services.settings import SettingsError

PASSWORD_ENV = "TUMORBOARD_SMTP_PASSWORD"
KEYRING_SERVICE = "tumorboard-smtp"  # keyring entry: this service, the sender's address as user name
MAX_TEXT = 200  # what a department setting holds (tumorboard_meta.value)

_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")
_TELEPHONE = re.compile(r"^\+?[0-9 ()/.\-]{3,40}$")
_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


class SettingProblems(SettingsError):
    """One or more settings refused; ``problems`` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Letterhead:
    department: str = ""
    address: str = ""  # lines separated by newlines
    telephone: str = ""

    def problems(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name in ("department", "address", "telephone"):
            value = getattr(self, name)
            if len(value) > MAX_TEXT:
                out[name] = f"{len(value)} characters; at most {MAX_TEXT}"
        if self.telephone and "telephone" not in out and not _TELEPHONE.match(self.telephone):
            out["telephone"] = (f"{self.telephone!r} is not a telephone number (digits, spaces, + ( ) - / "
                                "only)")
        return out


@dataclass(frozen=True, slots=True)
class MailSettings:
    host: str = ""  # empty: no server; documents are written as .eml files instead
    port: int = 587
    starttls: bool = True
    sender: str = ""
    pseudonymise_attachments: bool = True  # the safe default: no patient named in a sent file

    @property
    def configured(self) -> bool:
        return bool(self.host)

    def problems(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.host and not _HOST.match(self.host):
            out["smtp_host"] = f"{self.host!r} is not a host name (letters, digits, dots and hyphens)"
        if not 1 <= self.port <= 65535:
            out["smtp_port"] = f"{self.port} is outside 1 to 65535"
        if self.sender and not is_address(self.sender):
            out["smtp_sender"] = f"{self.sender!r} is not an e-mail address (name@example.org)"
        if self.host and not self.sender:
            out["smtp_sender"] = "a sender address is needed to send through the server"
        return out


def is_address(text: str) -> bool:
    _name, address = parseaddr(text)
    local, _, domain = address.rpartition("@")
    return bool(local) and "." in domain and " " not in address and len(address) <= 254 and \
        bool(_HOST.match(domain))


# Setting name (CLI, stored key after "setting.") -> (which dataclass, its field).
TEXT_SETTINGS: dict[str, tuple[str, str]] = {
    "letterhead_department": ("letterhead", "department"),
    "letterhead_address": ("letterhead", "address"),
    "letterhead_telephone": ("letterhead", "telephone"),
    "smtp_host": ("mail", "host"),
    "smtp_port": ("mail", "port"),
    "smtp_starttls": ("mail", "starttls"),
    "smtp_sender": ("mail", "sender"),
    "smtp_pseudonymise_attachments": ("mail", "pseudonymise_attachments"),
}
MEANINGS = {
    "letterhead_department": "department name printed at the head of outcome letters",
    "letterhead_address": "department address on letters (lines separated by '\\n')",
    "letterhead_telephone": "department telephone number on letters",
    "smtp_host": "SMTP server for sending minutes and agendas (empty: write .eml files)",
    "smtp_port": "SMTP server port (587 with STARTTLS, 25 without)",
    "smtp_starttls": "true/false: upgrade the connection with STARTTLS before sending",
    "smtp_sender": "the From address of sent minutes and agendas",
    "smtp_pseudonymise_attachments": "true/false: attachments name no patient (the default, true)",
}


def parse_setting(name: str, text: str) -> Any:
    """Text typed for setting ``name`` -> its value; SettingProblems naming the field otherwise."""
    _, attr = TEXT_SETTINGS[name]
    text = text.strip() if attr != "address" else text.strip().replace("\\n", "\n")
    if attr == "port":
        if not (text.isascii() and text.isdigit()):  # "²" is a digit to Python, not a port
            raise SettingProblems({name: f"{text!r} is not a port number (1 to 65535)"})
        return int(text)
    if attr in ("starttls", "pseudonymise_attachments"):
        if text.lower() not in _TRUE | _FALSE:
            raise SettingProblems({name: f"{text!r} is neither true nor false"})
        return text.lower() in _TRUE
    return text


def _from_stored(stored: dict[str, str]) -> tuple[Letterhead, MailSettings]:
    values: dict[str, dict[str, Any]] = {"letterhead": {}, "mail": {}}
    for name, (group, attr) in TEXT_SETTINGS.items():
        if name in stored:
            # A value that no longer reads keeps the default (as the number settings do).
            with contextlib.suppress(SettingProblems):
                values[group][attr] = parse_setting(name, stored[name])
    return Letterhead(**values["letterhead"]), MailSettings(**values["mail"])


def _stored_text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


class CirculationSettingsService(Acting):
    def letterhead(self) -> Letterhead:
        with self.db.reading() as uow:
            return _from_stored(uow.settings.all())[0]

    def mail(self) -> MailSettings:
        with self.db.reading() as uow:
            return _from_stored(uow.settings.all())[1]

    def version(self) -> int:
        with self.db.reading() as uow:
            return uow.settings.version()

    def save(self, letterhead: Letterhead | None = None, mail: MailSettings | None = None,
             expected_version: int | None = None) -> int:
        """Store the letterhead and/or mail settings (each refused whole, every bad field named);
        returns the settings' new version."""
        problems = {f"letterhead_{k}": v for k, v in (letterhead.problems() if letterhead else {}).items()}
        problems |= mail.problems() if mail else {}
        if problems:
            raise SettingProblems(problems)
        with self._action(Permission.CHANGE_SETTINGS) as uow:
            version = uow.settings.claim(expected_version, self.actor)
            changes = []
            for group, settings in (("letterhead", letterhead), ("mail", mail)):
                if settings is None:
                    continue
                for f in fields(settings):
                    name = next(n for n, (g, a) in TEXT_SETTINGS.items() if g == group and a == f.name)
                    value = getattr(settings, f.name)
                    before = uow.settings.put(name, _stored_text(value))
                    if before != _stored_text(value):
                        changes.append((name, before, value))
            uow.audit("settings", "department", "settings", changes)
        return version

    def set_one(self, name: str, text: str) -> int:
        """``tumorboard settings set NAME VALUE`` for one of these settings."""
        if name not in TEXT_SETTINGS:
            raise SettingProblems({name: "no such setting"})
        value = parse_setting(name, text)
        group, attr = TEXT_SETTINGS[name]
        with self.db.reading() as uow:
            letterhead, mail = _from_stored(uow.settings.all())
            version = uow.settings.version()
        from dataclasses import replace

        if group == "letterhead":
            return self.save(letterhead=replace(letterhead, **{attr: value}), expected_version=version)
        return self.save(mail=replace(mail, **{attr: value}), expected_version=version)

    def stored_text(self) -> dict[str, str]:
        letterhead, mail = self.letterhead(), self.mail()
        out = {}
        for name, (group, attr) in TEXT_SETTINGS.items():
            value = getattr(letterhead if group == "letterhead" else mail, attr)
            out[name] = _stored_text(value).replace("\n", "\\n")
        return out


def smtp_password(sender: str) -> str | None:
    """The SMTP password: ``TUMORBOARD_SMTP_PASSWORD``, else the system keyring (service
    ``tumorboard-smtp``, the sender's address as user name), else None (no login). keyring is in
    the optional [encryption] extra, so it is imported only when asked."""
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    try:
        import keyring
    except ImportError:
        return None
    try:
        found = keyring.get_password(KEYRING_SERVICE, parseaddr(sender)[1] or sender)
    except Exception:  # no keyring backend on this machine: no stored password
        return None
    return str(found) if found is not None else None
