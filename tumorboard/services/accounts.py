"""Local accounts: the first administrator, users and roles, sign-in with lockout.

Passwords are hashed with argon2id (argon2-cffi) and never stored, logged or audited in clear:
at argon2-cffi's recommended cost, except for the demo database's accounts (below).
Five failed sign-ins lock the account for five minutes; every wrong guess is counted (in one
UPDATE, so parallel guesses all count) and audited until a successful sign-in resets the count,
and each wrong guess after the fifth locks it again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tumorboard.domain.meeting import Discipline
from tumorboard.domain.users import Permission, Role, User, require
from tumorboard.services.notice import Notify, ignore
from tumorboard.store import Database
from tumorboard.store.users import UserRecord

MAX_FAILED = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD = 10
DEMO_USERNAME = "demo-chair"
DEMO_PASSWORD = "demo-chair-password"  # the demo database's synthetic chair, shown on the login screen

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# The demo database's accounts (flagged demo when services/demo.py makes them, never later) sign
# in with a password printed on the login screen: a costly hash of a published password protects
# nothing, and at the recommended cost (3 passes over 64 MiB, about 0.22 CPU seconds) it was a
# fifth of every `tumorboard --demo` start. Still argon2id, still checked at every sign-in; one
# pass over 8 MiB (about 6 ms) is argon2id's real work, and no other cost in use (the tests'
# lowest, the recommended one) looks like it, so a stored hash says which rule made it.
_demo_hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def _hasher_for(demo: bool) -> PasswordHasher:
    """The cost an account is hashed, checked and rehashed at: its own flag decides, never the
    stored hash (a real account's hash at another cost is rehashed at the recommended one)."""
    return _demo_hasher if demo else _hasher


class LoginRefused(Exception):
    """Sign-in refused; the message never says whether the username exists."""


class AccountError(ValueError):
    """An account change refused; the message names the field."""


def _user(r: UserRecord) -> User:
    return User(r.username, r.display_name, Role(r.role), Discipline(r.discipline) if r.discipline else None,
                r.demo)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from (argon2id); records nothing."""
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")


class AccountService:
    def __init__(self, db: Database, now: Callable[[], datetime] = lambda: datetime.now(UTC), *,
                 notify: Notify = ignore) -> None:
        self.db = db
        self.now = now
        self.notify = notify

    def has_accounts(self) -> bool:
        with self.db.reading() as uow:
            return uow.users.count() > 0

    def users(self) -> list[User]:
        with self.db.reading() as uow:
            return [_user(r) for r in uow.users.all() if r.active]

    def create_first_admin(self, username: str, display_name: str, password: str) -> User:
        """The first start of a new database: its administrator. Refused once any account exists."""
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
        hashed = _hasher_for(demo).hash(password)  # slow on purpose: before the write lock is taken
        with self.db.unit_of_work(by.username if by else username) as uow:
            if first:
                if uow.users.count():  # read under the write lock: two first starts cannot both win
                    raise AccountError("the first administrator exists already; sign in as an "
                                       "administrator to add accounts")
            else:
                require(by, Permission.MANAGE_USERS, uow.users.count() > 0)
            uow.users.add(username, display_name.strip(), discipline.value if discipline else None,
                          role.value, hashed, demo)
            uow.audit("create", "user", username, [
                ("role", None, role.value), ("display_name", None, display_name.strip()),
                ("discipline", None, discipline.value if discipline else None)])
            changes = uow.commit()
        self.notify(changes)
        return User(username, display_name.strip(), role, discipline, demo)

    def authenticate(self, username: str, password: str) -> User:
        """Sign in. The password is checked outside the write lock; the outcome (a failure counted
        by the database, a lockout, a sign-in) is recorded and audited in one unit of work."""
        now = self.now()
        with self.db.reading() as uow:
            record = uow.users.find(username)
        if record is None or not record.active:
            _hasher.hash(password)  # the same work either way: timing says nothing about names
            raise LoginRefused("unknown username or wrong password")
        try:
            _hasher_for(record.demo).verify(record.password_hash, password)
            good = True
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            good = False
        with self.db.unit_of_work(record.username) as uow:
            current = uow.users.find(record.username)
            if current is None or not current.active:
                raise LoginRefused("unknown username or wrong password")
            locked = current.locked_until
            if locked is not None and locked.tzinfo is None:
                locked = locked.replace(tzinfo=UTC)
            if locked is not None and locked > now:
                # A guess while locked still counts (and is audited); the lock is not lengthened,
                # so guessing cannot keep the account's owner out for longer than LOCKOUT.
                if not good:
                    failed = uow.users.count_failed_login(record.username, MAX_FAILED, None)
                    uow.audit("login-failed", "user", record.username,
                              [("failed_logins", failed - 1, failed)])
                else:
                    uow.audit("login-refused", "user", record.username,
                              [("locked_until", None, locked.isoformat())])
                uow.commit()
                raise LoginRefused(f"the account is locked after {MAX_FAILED} failed sign-ins; try again "
                                   f"after {locked:%H:%M} UTC")
            if not good:
                failed = uow.users.count_failed_login(record.username, MAX_FAILED, now + LOCKOUT)
                uow.audit("login-failed", "user", record.username, [("failed_logins", failed - 1, failed)])
                if failed >= MAX_FAILED:  # and again after each further wrong guess until a sign-in
                    uow.audit("lockout", "user", record.username,
                              [("locked_until", None, (now + LOCKOUT).isoformat())])
                uow.commit()
                if failed >= MAX_FAILED:
                    raise LoginRefused(f"the account is locked for {LOCKOUT.seconds // 60} minutes after "
                                       f"{MAX_FAILED} failed sign-ins")
                raise LoginRefused("unknown username or wrong password")
            changes: dict[str, object] = {}
            if current.failed_logins or current.locked_until:
                changes.update(failed_logins=0, locked_until=None)
            hasher = _hasher_for(current.demo)  # the flag as read under the write lock
            if hasher.check_needs_rehash(current.password_hash):
                changes["password_hash"] = hasher.hash(password)
            if changes:
                uow.users.update(record.username, record.username, None, **changes)
            # One row (an audit call without changes writes none: sign-ins went unrecorded).
            uow.audit("login", "user", record.username, [("signed_in", None, now.isoformat())])
            uow.commit()
        return _user(record)

    def set_password(self, by: User, username: str, password: str) -> None:
        """A user changes their own password; an administrator may reset anyone's. A demo
        account keeps its published one: its cheap hash is only sound for a password printed
        on the login screen."""
        check_password(password)
        hashed = _hasher.hash(password)
        with self.db.unit_of_work(by.username) as uow:
            if by.username.lower() != username.strip().lower():
                require(by, Permission.MANAGE_USERS, True)
            target = uow.users.find(username)
            if target is not None and target.demo:
                raise AccountError(f"password: {target.username} is a demo account; its password is "
                                   "the published one")
            uow.users.update(username, by.username, None, password_hash=hashed, failed_logins=0,
                             locked_until=None)
            uow.audit("password", "user", username, [("password", None, "changed")])
            changes = uow.commit()
        self.notify(changes)

    def set_role(self, by: User, username: str, role: Role, active: bool = True,
                 expected_version: int | None = None) -> None:
        with self.db.unit_of_work(by.username) as uow:
            require(by, Permission.MANAGE_USERS, True)
            before = uow.users.find(username)
            if before is None:
                raise AccountError(f"username: no account named {username!r}")
            uow.users.update(username, by.username, expected_version, role=role.value, active=active)
            uow.audit("role", "user", username, [
                ("role", before.role, role.value), ("active", before.active, active)])
            changes = uow.commit()
        self.notify(changes)
