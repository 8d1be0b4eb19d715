"""The services' access check: the signed-in user's role, or nobody before the first account."""

from __future__ import annotations

from tumorboard.domain.users import Permission, User, require
from tumorboard.store import Database
from tumorboard.store.users import UserRepository


def check(db: Database, user: User | None, permission: Permission) -> None:
    """Raise AccessDenied unless ``user`` may do it (always allowed on a database with no account)."""
    if user is not None and user.can(permission):
        return
    with db.session() as s:
        accounts = UserRepository(s).count() > 0
    require(user, permission, accounts)
