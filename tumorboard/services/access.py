"""The services' access check: the signed-in user's role, or nobody before the first account.

It reads the accounts inside the unit of work of the action it guards, so an account created by
another program between the check and the write cannot be slipped past."""

from __future__ import annotations

from typing import Protocol

from tumorboard.domain.users import Permission, User, require


class _Accounts(Protocol):
    def count(self) -> int: ...


class _WithUsers(Protocol):
    @property
    def users(self) -> _Accounts: ...


def check(uow: _WithUsers, user: User | None, permission: Permission) -> None:
    """Raise AccessDenied unless ``user`` may do it (always allowed on a database with no account)."""
    if user is not None and user.can(permission):
        return
    require(user, permission, uow.users.count() > 0)
