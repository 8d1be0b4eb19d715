"""Local accounts: the first administrator, users and roles, sign-in with lockout.

Passwords are hashed with argon2id (argon2-cffi) and never stored, logged or audited in clear.
Five failed sign-ins lock the account for five minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tumorboard.domain.meeting import Discipline
from tumorboard.domain.users import Permission, Role, User, require
from tumorboard.store import Database
from tumorboard.store.repositories import AuditRepository
from tumorboard.store.users import UserRecord, UserRepository

MAX_FAILED = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD = 10
DEMO_USERNAME = "demo-chair"
DEMO_PASSWORD = "demo-chair-password"  # the demo database's synthetic chair, shown on the login screen

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class LoginRefused(Exception):
    """Sign-in refused; the message never says whether the username exists."""


class AccountError(ValueError):
    """An account change refused; the message names the field."""


def _user(r: UserRecord) -> User:
    return User(r.username, r.display_name, Role(r.role), Discipline(r.discipline) if r.discipline else None,
                r.demo)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")


class AccountService:
    def __init__(self, db: Database, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.db = db
        self.now = now

    def has_accounts(self) -> bool:
        with self.db.session() as s:
            return UserRepository(s).count() > 0

    def users(self) -> list[User]:
        with self.db.session() as s:
            return [_user(r) for r in UserRepository(s).all() if r.active]

    def create_first_admin(self, username: str, display_name: str, password: str) -> User:
        """The first start of a new database: its administrator. Refused once any account exists."""
        with self.db.session() as s:
            if UserRepository(s).count():
                raise AccountError("the first administrator exists already; sign in as an administrator "
                                   "to add accounts")
        return self._add(None, username, display_name, None, Role.ADMIN, password, first=True)

    def create_user(self, by: User | None, username: str, display_name: str, discipline: Discipline | None,
                    role: Role, password: str, *, demo: bool = False) -> User:
        return self._add(by, username, display_name, discipline, role, password, demo=demo)

    def _add(self, by: User | None, username: str, display_name: str, discipline: Discipline | None,
             role: Role, password: str, *, first: bool = False, demo: bool = False) -> User:
        username = username.strip()
        if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
            raise AccountError("username: letters, digits, '.', '-' or '_' only, and not empty")
        if not display_name.strip():
            raise AccountError("display name: the name shown in minutes and history is empty")
        if any(not ch.isprintable() for ch in display_name):  # NUL cannot be stored; others garble minutes
            raise AccountError("display name: contains a control character (a tab, line break or NUL); "
                               "type the name on one line")
        if not demo:
            check_password(password)
        with self.db.session() as s:
            repo = UserRepository(s)
            if not first:
                require(by, Permission.MANAGE_USERS, repo.count() > 0)
            repo.add(username, display_name.strip(), discipline.value if discipline else None, role.value,
                     _hasher.hash(password), demo)
            AuditRepository(s).record(by.username if by else username, "create", "user", username, [
                ("role", None, role.value), ("display_name", None, display_name.strip()),
                ("discipline", None, discipline.value if discipline else None)])
            s.commit()
        return User(username, display_name.strip(), role, discipline, demo)

    def authenticate(self, username: str, password: str) -> User:
        now = self.now()
        with self.db.session() as s:
            repo = UserRepository(s)
            record = repo.find(username)
            if record is None or not record.active:
                _hasher.hash(password)  # the same work either way: timing says nothing about names
                raise LoginRefused("unknown username or wrong password")
            locked = record.locked_until
            if locked is not None and locked.tzinfo is None:
                locked = locked.replace(tzinfo=UTC)
            if locked is not None and locked > now:
                raise LoginRefused(f"the account is locked after {MAX_FAILED} failed sign-ins; try again "
                                   f"after {locked:%H:%M} UTC")
            try:
                _hasher.verify(record.password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                failed = record.failed_logins + 1
                lock = now + LOCKOUT if failed >= MAX_FAILED else None
                repo.update(record.username, failed_logins=0 if lock else failed, locked_until=lock)
                AuditRepository(s).record(record.username, "login-failed", "user", record.username,
                                          [("failed_logins", str(record.failed_logins), str(failed))])
                s.commit()
                if lock:
                    raise LoginRefused(f"the account is locked for {LOCKOUT.seconds // 60} minutes after "
                                       f"{MAX_FAILED} failed sign-ins") from None
                raise LoginRefused("unknown username or wrong password") from None
            changes: dict[str, object] = {}
            if record.failed_logins or record.locked_until:
                changes.update(failed_logins=0, locked_until=None)
            if _hasher.check_needs_rehash(record.password_hash):
                changes["password_hash"] = _hasher.hash(password)
            if changes:
                repo.update(record.username, **changes)
            AuditRepository(s).record(record.username, "login", "user", record.username, [])
            s.commit()
            return _user(record)

    def set_password(self, by: User, username: str, password: str) -> None:
        """A user changes their own password; an administrator may reset anyone's."""
        check_password(password)
        with self.db.session() as s:
            if by.username.lower() != username.strip().lower():
                require(by, Permission.MANAGE_USERS, True)
            UserRepository(s).update(username, password_hash=_hasher.hash(password), failed_logins=0,
                                     locked_until=None)
            AuditRepository(s).record(by.username, "password", "user", username,
                                      [("password", None, "changed")])
            s.commit()

    def set_role(self, by: User, username: str, role: Role, active: bool = True) -> None:
        with self.db.session() as s:
            require(by, Permission.MANAGE_USERS, True)
            repo = UserRepository(s)
            before = repo.find(username)
            if before is None:
                raise AccountError(f"username: no account named {username!r}")
            repo.update(username, role=role.value, active=active)
            AuditRepository(s).record(by.username, "role", "user", username, [
                ("role", before.role, role.value), ("active", str(before.active), str(active))])
            s.commit()
