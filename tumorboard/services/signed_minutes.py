"""Signed minutes that verify on their own: the chair's signing key at sign-off, copies rendered
from the signed snapshot, and the check of a PDF against the record (``minutes --verify``).

The chair's key is opened (or made) before the write lock is taken: the argon2id derivations are
slow on purpose. A key that no longer opens with the chair's (correct) password was made under an
earlier one (a password change or reset): a new key replaces it, and the old one stays, retired,
so that the minutes it signed still verify.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tumorboard.domain.meeting import MeetingError
from tumorboard.domain.minutes import Minutes
from tumorboard.domain.users import User
from tumorboard.services.accounts import password_matches
from tumorboard.services.minutes import amendment_lines
from tumorboard.services.minutes_snapshot import SnapshotError, as_copy, minutes_from_snapshot
from tumorboard.signing import pades
from tumorboard.signing.keys import SigningKey, WrongKeyPassword, create_key, unlock
from tumorboard.store import Database
from tumorboard.store.meeting_records import MeetingRecord
from tumorboard.store.unit_of_work import UnitOfWork

UnreadablePdf = pades.UnreadablePdf


@dataclass(frozen=True, slots=True)
class ChairKey:
    """What sign-off signs with, opened before the write lock."""

    username: str
    key: SigningKey
    private_der: bytes
    key_id: int | None  # the stored key, or None for a new one to store
    replaces: int | None  # the stored key a new one retires


def open_chair_key(db: Database, user: User, password: str | None, now: datetime) -> ChairKey:
    """The chair's key, opened with their password; refused (nothing written) if it is wrong."""
    if not password:
        raise MeetingError("password: signing the minutes needs your password (your signing key opens "
                           "with it); nothing was signed")
    with db.reading() as uow:
        account = uow.users.find(user.username)
        active = uow.signing_keys.active(user.username)
    if account is None or not account.active or not password_matches(account.password_hash, password):
        raise MeetingError(f"password: wrong password for {user.username}; the minutes were not signed")
    replaces = None
    if active is not None:
        stored = SigningKey(active.subject, active.fingerprint, active.certificate_pem,
                            active.private_key_pem, active.kdf)
        if active.subject == user.display_name:
            try:
                return ChairKey(user.username, stored, unlock(stored, password), active.id, None)
            except WrongKeyPassword:
                pass  # made under an earlier password: replaced below
        replaces = active.id
    made = create_key(user.display_name, user.username, password, now)
    return ChairKey(user.username, made, unlock(made, password), None, replaces)


def store_chair_key(uow: UnitOfWork, chair_key: ChairKey) -> None:
    """Inside the sign-off's unit of work: keep a new key (audited), retiring the one it replaces."""
    current = uow.signing_keys.active(chair_key.username)
    expected = chair_key.key_id if chair_key.key_id is not None else chair_key.replaces
    if (current.id if current else None) != expected:
        raise MeetingError("password: your signing key was changed by another sign-off just now; sign again")
    if chair_key.key_id is not None:
        return
    if current is not None:
        uow.signing_keys.retire(current.id, uow.now)
        uow.audit("retire-signing-key", "user", chair_key.username,
                  [("signing_certificate", current.fingerprint, None)])
    k = chair_key.key
    uow.signing_keys.add(chair_key.username, k.subject, k.fingerprint, k.certificate_pem, k.private_key_pem,
                         k.kdf, uow.now)
    uow.audit("create-signing-key", "user", chair_key.username,
              [("signing_certificate", None, k.fingerprint)])


def sign_pdf(pdf: bytes, chair_key: ChairKey, board: str) -> bytes:
    return pades.sign_pdf(pdf, certificate_pem=chair_key.key.certificate_pem,
                          private_key_der=chair_key.private_der, signer_name=chair_key.key.subject,
                          reason="Minutes of the multidisciplinary tumour board signed off by the chair",
                          location=board)


def signed_copy(meeting: MeetingRecord, snapshot: str, *, pseudonymise: bool,
                amendments: int | None = None) -> Minutes:
    """The copy of signed minutes: the signed snapshot, marked as a copy of the signed hash, with
    the amendments since sign-off (the first ``amendments`` of them when given)."""
    assert meeting.minutes_sha256 is not None
    try:
        signed = minutes_from_snapshot(snapshot)
    except SnapshotError as exc:
        raise MeetingError(f"minutes: the signed snapshot of meeting {meeting.id} cannot be read ({exc}); "
                           "run `tumorboard db verify`") from None
    labels = {c.identity.mrn: c.identity.label for c in signed.cases if c.identity.mrn}
    lines = amendment_lines(meeting, labels)
    if amendments is not None:
        lines = lines[:amendments]
    return as_copy(signed, meeting.minutes_sha256, lines, pseudonymise=pseudonymise)


# -- minutes --verify -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MinutesCheck:
    """What ``minutes --verify`` found: ``passed`` and ``failed`` in words, ``ok`` if nothing failed."""

    kind: str  # "signed original", "copy", "unknown"
    sha256: str
    meeting_id: int | None
    meeting: str | None  # "Breast MDT, 2026-11-26"
    signer: str | None
    signed_at: datetime | None
    passed: tuple[str, ...]
    failed: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.failed


def _copy_marks(words: str) -> tuple[str | None, int | None]:
    copy_of, amendments = None, None
    for word in words.replace(",", " ").split():
        if word.startswith("copy-of-sha256:"):
            copy_of = word.partition(":")[2].lower()
        elif word.startswith("amendments:") and word.partition(":")[2].isdigit():
            amendments = int(word.partition(":")[2])
    return copy_of, amendments


def verify_minutes(db: Database, pdf: bytes, render: Callable[[Minutes], bytes]) -> MinutesCheck:
    """Check a PDF against the record: a signed original (its hash is a signed meeting's, the one
    the audit trail recorded, and its PAdES signature is valid, unchanged since signing and by a
    certificate this database holds), or a copy (it names a signed hash that exists, and its
    content is those minutes rendered again from their snapshot). Raises UnreadablePdf."""
    digest = hashlib.sha256(pdf).hexdigest()
    copy_of, amendments = _copy_marks(pades.keywords(pdf))  # UnreadablePdf for a file that is not a PDF
    passed: list[str] = []
    failed: list[str] = []
    with db.reading() as uow:
        certificates = [k.certificate_pem for k in uow.signing_keys.all()]
        meeting_id = uow.meetings.signed_with_hash(digest)
        kind = "signed original"
        if meeting_id is None and copy_of:
            kind, meeting_id = "copy", uow.meetings.signed_with_hash(copy_of)
        meeting = uow.meetings.get(meeting_id) if meeting_id is not None else None
        snapshot = uow.meetings.signed_snapshot(meeting_id) if meeting_id is not None else None
        audited_hash = (uow.audit_log.recorded("meeting", str(meeting_id), "minutes_sha256", "sign-off")
                        if meeting_id is not None else None)
        audited_cert = (uow.audit_log.recorded("meeting", str(meeting_id), "signing_certificate", "sign-off")
                        if meeting_id is not None else None)
    signatures = pades.validate(pdf, certificates)
    where = f"{meeting.board.name}, {meeting.day.isoformat()}" if meeting else None
    if meeting is None:
        kind = "copy" if copy_of else "unknown"
        if copy_of:
            failed.append(f"it says it is a copy of signed minutes with SHA-256 {copy_of}, but no meeting "
                          "of this database was signed with that hash")
        else:
            failed.append(f"its SHA-256 {digest} is not the hash of any signed minutes in this database")
        for s in signatures:
            what = "; ".join(s.problems) or "valid, but not of minutes signed in this database"
            failed.append(f"signature by {s.signer}: {what}")
        return MinutesCheck(kind, digest, None, None, None, None, tuple(passed), tuple(failed))
    signer, signed_at = meeting.signed_by, meeting.signed_at
    if kind == "signed original":
        passed.append(f"its SHA-256 {digest} is the signed minutes of meeting {meeting.id} ({where})")
        if audited_hash == digest:
            passed.append("the audit trail recorded this SHA-256 at sign-off")
        else:
            failed.append("the audit trail recorded another SHA-256 at sign-off: the stored PDF and its "
                          "hash were replaced (run `tumorboard db verify`)")
        if audited_cert:
            mine = [s for s in signatures if s.fingerprint == audited_cert]
            if not mine:
                failed.append(f"it carries no signature by the certificate recorded at sign-off "
                              f"(SHA-256 {audited_cert})")
            for s in mine:
                if s.ok:
                    when = f" at {s.signed_at:%Y-%m-%d %H:%M:%S %Z}" if s.signed_at else ""
                    passed.append(f"PAdES signature by {s.signer}{when}: valid, the document is unchanged "
                                  "since signing, the certificate is the chair's held by this database")
                else:
                    failed.append(f"PAdES signature by {s.signer}: " + "; ".join(s.problems))
        elif signatures:
            failed.append("it carries a signature although it was signed off without one")
        else:
            passed.append("no digital signature: signed off on a database without accounts (the hash "
                          "and the audit trail are the record)")
    else:
        passed.append(f"it is a copy of the signed minutes of meeting {meeting.id} ({where}), SHA-256 "
                      f"{copy_of}; a copy itself carries no signature")
        if snapshot is None:
            passed.append("those minutes were signed before snapshots were kept: the copy's content "
                          "cannot be compared with them")
        else:
            again = [render(signed_copy(meeting, snapshot, pseudonymise=p, amendments=amendments))
                     for p in (False, True)]
            if pdf in again:
                passed.append("its content is exactly the signed minutes rendered again from their snapshot"
                              + (" (pseudonymised)" if pdf == again[1] else "")
                              + (f", with {amendments} amendment(s) since sign-off" if amendments else ""))
            else:
                failed.append("its content is not the signed minutes rendered again from their snapshot "
                              "(the copy was altered, or made by another tumorboard version): compare it "
                              f"with `tumorboard minutes {meeting.id} --signed-original`")
    return MinutesCheck(kind, digest, meeting.id, where, signer, signed_at, tuple(passed), tuple(failed))
