"""the worklist's text filter in the worklist's order: a trigram index over the cases (SQLite)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01

Nothing recorded changes: a derived index. On SQLite with FTS5, ``case_text`` (store/case_text.py)
holds each case's record number and name under a rowid in the worklist's order, kept by
triggers; it replaces revision 0011's ``patients_text``, which the text filter no longer reads.
PostgreSQL, and an SQLite without FTS5, are left as they are (their text filter is unchanged).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tumorboard.store import case_text, text_search

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)


def _has(bind: sa.Connection, name: str) -> bool:
    return bind.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": name}).first() is not None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    savepoint = bind.begin_nested()
    try:
        for statement in case_text.sqlite_ddl(filters=False):  # its own form: 0016 adds the filters
            bind.execute(sa.text(statement))
    except sa.exc.DBAPIError as exc:
        savepoint.rollback()
        log.warning("no trigram index over the cases (%s); the text filter stays as it was",
                    str(getattr(exc, "orig", exc)).splitlines()[0])
        return
    savepoint.commit()
    for statement in text_search.SQLITE_DROP:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or not _has(bind, case_text.CASE_TEXT):
        return
    for statement in case_text.SQLITE_DROP:
        op.execute(statement)
    if not _has(bind, text_search.FTS_TABLE):
        for statement in text_search.SQLITE_DDL:
            op.execute(statement)
