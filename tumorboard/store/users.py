"""User accounts in the database. Never commits; never sees a password in clear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tumorboard.store.errors import RecordExists, RecordNotFound
from tumorboard.store.models import UserRow
from tumorboard.store.versions import claim


@dataclass(frozen=True, slots=True)
class UserRecord:
    username: str
    display_name: str
    discipline: str | None
    role: str
    password_hash: str
    active: bool
    demo: bool
    failed_logins: int
    locked_until: datetime | None
    version: int = 1


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(UserRow)) or 0

    def find(self, username: str) -> UserRecord | None:
        row = self._row(username)
        return _record(row) if row else None

    def all(self) -> list[UserRecord]:
        return [_record(r) for r in self.session.scalars(select(UserRow).order_by(UserRow.username))]

    def add(self, username: str, display_name: str, discipline: str | None, role: str, password_hash: str,
            demo: bool = False) -> None:
        if self._row(username) is not None:
            raise RecordExists(f"an account named {username!r} already exists")
        self.session.add(UserRow(username=username, display_name=display_name, discipline=discipline,
                                 role=role, password_hash=password_hash, active=True, demo=demo,
                                 failed_logins=0, created_at=datetime.now(UTC), version=1))
        self.session.flush()

    def update(self, username: str, actor: str, expected_version: int | None = None,
               **values: object) -> None:
        """Change an account and take its next version in one conditional UPDATE. The demo flag
        is not among what can change: it is given when the demo builder makes the account, and
        it decides the cost the account's password is hashed at (services/accounts.py)."""
        if "demo" in values:
            raise ValueError("an account's demo flag is set when it is made and never changed")
        row = self._row(username)
        if row is None:
            raise RecordNotFound(f"no account named {username!r}")
        claim(self.session, UserRow, row.id, expected_version, actor=actor, now=datetime.now(UTC),
              what=f"the account {row.username}", audit=("user", row.username), values=dict(values))

    def count_failed_login(self, username: str, max_failed: int, lock_until: datetime | None) -> int:
        """One more failed sign-in, counted by the database in one UPDATE (parallel guesses all
        count). The count runs until a successful sign-in resets it; at ``max_failed`` or more the
        account is locked until ``lock_until`` (None: leave the lock as it is, for a guess made
        while it is locked). Returns the count after this one."""
        row = self._row(username)
        if row is None:
            raise RecordNotFound(f"no account named {username!r}")
        failed = self.session.execute(
            update(UserRow).where(UserRow.id == row.id)
            # No new version: a mistyped password is no edit of the account an administrator has open.
            .values(failed_logins=UserRow.failed_logins + 1)
            .returning(UserRow.failed_logins)).scalar_one()
        if failed >= max_failed and lock_until is not None:
            self.session.execute(update(UserRow).where(UserRow.id == row.id).values(locked_until=lock_until))
        self.session.expire(row)
        return int(failed)

    def _row(self, username: str) -> UserRow | None:
        return self.session.scalars(select(UserRow).where(
            func.lower(UserRow.username) == username.strip().lower())).first()


def _record(row: UserRow) -> UserRecord:
    return UserRecord(row.username, row.display_name, row.discipline, row.role, row.password_hash, row.active,
                      row.demo, row.failed_logins, row.locked_until, row.version)
