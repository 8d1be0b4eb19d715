"""One optimistic-locking mechanism for every row two people can edit: the version is checked and
taken by the UPDATE statement itself, never by comparing numbers in Python.

``UPDATE t SET version = :seen + 1 ... WHERE id = :id AND version = :seen``: zero rows means
someone else saved first, and the refusal says who, when and what they changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from tumorboard.store.checksums import after_claim
from tumorboard.store.errors import ConcurrentEdit, RecordNotFound
from tumorboard.store.models import (
    AgendaItemRow,
    AttendanceRow,
    AuditRow,
    CaseRow,
    DecisionRow,
    MeetingRow,
    UserRow,
)

# The versioned rows and the column that names who saved them last (None: not kept).
WHO: dict[type[Any], str | None] = {
    CaseRow: "updated_by", MeetingRow: "updated_by", AgendaItemRow: "updated_by",
    AttendanceRow: "updated_by", DecisionRow: "recorded_by", UserRow: None,
}


def claim(session: Session, model: type[Any], row_id: int, seen: int | None, *, actor: str, now: datetime,
          what: str, audit: tuple[str, str] | None = None, values: dict[str, Any] | None = None) -> int:
    """Take the next version of one row for this unit of work, or refuse with ConcurrentEdit.

    ``seen`` is the version the user had in front of them; None means "whatever is current" (a
    script acting on the latest state, read under this unit of work's write lock). ``values`` are
    set by the same statement (a state change and its version are one write). Returns the new
    version."""
    table = model.__table__
    if seen is None:
        current = session.execute(select(table.c.version).where(table.c.id == row_id)).scalar()
        if current is None:
            raise RecordNotFound(f"{what} does not exist (any more)")
        seen = int(current)
    values = {**(values or {}), "version": seen + 1}
    who = WHO.get(model)
    if who is not None:
        values[who] = actor
    if "updated_at" in table.c:
        values["updated_at"] = now
    result = session.connection().execute(
        update(table).where(table.c.id == row_id, table.c.version == seen).values(**values))
    if result.rowcount != 1:
        raise _conflict(session, model, row_id, seen, what, audit)
    for obj in list(session.identity_map.values()):  # ORM copies in this session: already written
        if type(obj) is model and getattr(obj, "id", None) == row_id:
            for key, value in values.items():
                set_committed_value(obj, key, value)
    after_claim(session, model, row_id, values)  # its checksum, when the content changed
    return seen + 1


def bump(session: Session, model: type[Any], row_id: int, *, actor: str, now: datetime) -> None:
    """A new version of a row whose parts changed (a meeting whose attendance or agenda changed):
    anyone holding the older version is refused on their next save."""
    claim(session, model, row_id, None, actor=actor, now=now, what=f"{model.__tablename__} {row_id}")


def _conflict(session: Session, model: type[Any], row_id: int, seen: int, what: str,
              audit: tuple[str, str] | None) -> Exception:
    table = model.__table__
    who = WHO.get(model)
    columns = [table.c.version, table.c[who] if who else table.c.version,
               table.c.updated_at if "updated_at" in table.c else table.c.version]
    row = session.execute(select(*columns).where(table.c.id == row_id)).first()
    if row is None:
        return RecordNotFound(f"{what} was removed by someone else; reload")
    version, by, at = row
    if who is None:  # no column names who saved last (accounts): the record's latest audit row does
        by = None
        if audit is not None:
            last = session.execute(select(AuditRow.actor, AuditRow.at).where(
                AuditRow.entity == audit[0], AuditRow.entity_id == audit[1])
                .order_by(AuditRow.id.desc()).limit(1)).first()
            if last is not None:
                by, at = last
    by_text = f" by {by}" if by else ""
    at_text = f" at {at:%Y-%m-%d %H:%M} UTC" if isinstance(at, datetime) else ""
    detail = ""
    if audit is not None:
        fields = [f for f in session.scalars(
            select(AuditRow.field).where(AuditRow.entity == audit[0], AuditRow.entity_id == audit[1])
            .order_by(AuditRow.id.desc()).limit(5)) if f]
        if fields:
            detail = f" (their latest change: {', '.join(dict.fromkeys(fields))})"
    return ConcurrentEdit(f"{what} was changed{by_text}{at_text} while this change was being made "
                          f"(version {version}, yours {seen}){detail}; reload it to see their changes")
