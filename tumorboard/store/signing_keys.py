"""The chairs' signing keys (revision 0008): certificates and encrypted private keys. Never commits;
rows are never deleted, a replaced key is retired (the minutes it signed still verify)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tumorboard.store.models import SigningKeyRow


@dataclass(frozen=True, slots=True)
class SigningKeyRecord:
    id: int
    username: str
    subject: str
    fingerprint: str
    certificate_pem: str
    private_key_pem: str
    kdf: str
    created_at: datetime
    retired_at: datetime | None


class SigningKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def active(self, username: str) -> SigningKeyRecord | None:
        row = self.session.scalars(select(SigningKeyRow).where(
            func.lower(SigningKeyRow.username) == username.strip().lower(),
            SigningKeyRow.retired_at.is_(None)).order_by(SigningKeyRow.id.desc())).first()
        return _record(row) if row else None

    def all(self) -> list[SigningKeyRecord]:
        return [_record(r) for r in self.session.scalars(select(SigningKeyRow).order_by(SigningKeyRow.id))]

    def add(self, username: str, subject: str, fingerprint: str, certificate_pem: str, private_key_pem: str,
            kdf: str, now: datetime) -> int:
        row = SigningKeyRow(username=username, subject=subject, fingerprint=fingerprint,
                            certificate_pem=certificate_pem, private_key_pem=private_key_pem, kdf=kdf,
                            created_at=now)
        self.session.add(row)
        self.session.flush()
        return row.id

    def retire(self, key_id: int, now: datetime) -> None:
        self.session.execute(update(SigningKeyRow).where(SigningKeyRow.id == key_id,
                                                         SigningKeyRow.retired_at.is_(None))
                             .values(retired_at=now))


def _record(row: SigningKeyRow) -> SigningKeyRecord:
    return SigningKeyRecord(row.id, row.username, row.subject, row.fingerprint, row.certificate_pem,
                            row.private_key_pem, row.kdf, row.created_at, row.retired_at)
