"""What every service shares: who acts, the one unit of work per user action, and the notice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tumorboard.domain.changes import Changes
from tumorboard.domain.users import Permission, User
from tumorboard.services.access import check
from tumorboard.services.notice import Notify, ignore
from tumorboard.store import Database
from tumorboard.store.unit_of_work import UnitOfWork


class Acting:
    """A service acting for a signed-in user (or "actor" on a database without accounts)."""

    def __init__(self, db: Database, actor: str = "local user", *, user: User | None = None,
                 notify: Notify = ignore) -> None:
        self.db = db
        self.user = user
        self.actor = user.username if user else actor
        self.notify = notify
        self.last_changes = Changes()

    @contextmanager
    def _action(self, permission: Permission | None) -> Iterator[UnitOfWork]:
        """One user action: the permission checked, the work written and audited in one
        transaction (rolled back on any refusal), then what changed announced."""
        with self.db.unit_of_work(self.actor) as uow:
            if permission is not None:
                check(uow, self.user, permission)
            yield uow
            self.last_changes = uow.commit()
        self.notify(self.last_changes)
