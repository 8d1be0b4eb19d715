"""The unit of work: one user action, one transaction (Cosmic Python's ``AbstractUnitOfWork``).

Entering begins the write transaction at once (SQLite ``BEGIN IMMEDIATE``, PostgreSQL the
department-wide write lock), so everything the action reads to decide is read inside it and cannot
change before it commits. It holds the repositories, writes the audit rows, takes the versions of
the rows it changes (``claim``) and collects what changed. Leaving without ``commit()`` rolls back.
``Database.reading()`` gives the same repositories over one read snapshot; it cannot commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tumorboard.domain.changes import Changes
from tumorboard.store.actions import ActionRepository
from tumorboard.store.circulation import CirculationRepository
from tumorboard.store.meetings import MeetingRepository
from tumorboard.store.quality_audit import QualityAuditRepository
from tumorboard.store.repositories import AuditRepository, CaseRepository
from tumorboard.store.settings import SettingsRepository
from tumorboard.store.signing_keys import SigningKeyRepository
from tumorboard.store.users import UserRepository
from tumorboard.store.versions import bump, claim

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from tumorboard.store.database import Database

AuditChange = tuple[str | None, Any, Any]  # (field, old value, new value): any JSON-able values


class UnitOfWork:
    actions: ActionRepository
    cases: CaseRepository
    meetings: MeetingRepository
    users: UserRepository
    settings: SettingsRepository
    audit_log: AuditRepository
    signing_keys: SigningKeyRepository
    quality_audit: QualityAuditRepository
    circulation: CirculationRepository
    session: Session

    def __init__(self, db: Database, actor: str | None) -> None:
        self._db = db
        self.actor = actor or ""
        self.writes = actor is not None
        self.now = datetime.now(UTC)
        self._cases: set[str] = set()
        self._meetings: set[int] = set()
        self._boards: set[int] = set()
        self._settings = False
        self._accounts = False
        self._committed = False
        self._context: AbstractContextManager[Session] | None = None

    def __enter__(self) -> UnitOfWork:
        if self.writes and self._db.damaged is not None:
            from tumorboard.store.errors import DatabaseDamaged

            raise DatabaseDamaged(f"nothing was saved: {self._db.damaged}")
        self._context = self._db.session(write=self.writes)
        self.session = self._context.__enter__()
        # The action's time is when it holds the write lock: timestamps then follow the order in
        # which actions took effect (a close stamped before a decision that overtook it would lie).
        self.now = datetime.now(UTC)
        self.actions = ActionRepository(self.session)
        self.cases = CaseRepository(self.session)
        self.meetings = MeetingRepository(self.session)
        self.users = UserRepository(self.session)
        self.settings = SettingsRepository(self.session)
        self.audit_log = AuditRepository(self.session)
        self.signing_keys = SigningKeyRepository(self.session)
        self.quality_audit = QualityAuditRepository(self.session)
        self.circulation = CirculationRepository(self.session)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> bool | None:
        assert self._context is not None
        if not self._committed:
            self.session.rollback()
        return self._context.__exit__(exc_type, exc, tb)

    # -- what the action did --------------------------------------------------------------------
    def audit(self, action: str, entity: str, entity_id: str | int, changes: Sequence[AuditChange]) -> None:
        """Audit rows for one record, in this transaction; the record counts as changed."""
        self._require_write()
        self.audit_log.record(self.actor, action, entity, str(entity_id), changes, at=self.now)
        self.touched(**{_TOUCH[entity]: [entity_id]} if entity in _TOUCH else {})
        if entity == "department":
            self._settings = True
        if entity == "user":
            self._accounts = True

    def audit_created(self, action: str, entity: str, created: Sequence[tuple[str, Any]]) -> None:
        """One audit row per created record, holding its whole content."""
        self._require_write()
        self.audit_log.record_many(self.actor, action, entity, created, at=self.now)
        if entity == "case":
            self._cases.update(entity_id for entity_id, _ in created)

    def touched(self, *, cases: Iterable[str | int] = (), meetings: Iterable[str | int] = (),
                boards: Iterable[str | int] = ()) -> None:
        self._cases.update(str(c) for c in cases)
        self._meetings.update(int(m) for m in meetings)
        self._boards.update(int(b) for b in boards)

    @property
    def changes(self) -> Changes:
        return Changes(frozenset(self._cases), frozenset(self._meetings), frozenset(self._boards),
                       self._settings, self._accounts)

    # -- versions -------------------------------------------------------------------------------
    def claim(self, model: type[Any], row_id: int, seen: int | None, what: str,
              audit: tuple[str, str] | None = None) -> int:
        """The next version of a row, taken by the UPDATE itself; ConcurrentEdit if ``seen`` is old."""
        self._require_write()
        return claim(self.session, model, row_id, seen, actor=self.actor, now=self.now, what=what,
                     audit=audit)

    def bump(self, model: type[Any], row_id: int) -> None:
        self._require_write()
        bump(self.session, model, row_id, actor=self.actor, now=self.now)

    def commit(self) -> Changes:
        self._require_write()
        self.session.commit()
        self._committed = True
        return self.changes

    def _require_write(self) -> None:
        if not self.writes:
            raise RuntimeError("a reading unit of work cannot write")


_TOUCH = {"case": "cases", "meeting": "meetings", "board": "boards"}
