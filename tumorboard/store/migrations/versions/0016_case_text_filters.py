"""the text index holds each case's status and subtype: a text with filters is one query (SQLite)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01

Nothing recorded changes: revision 0015's derived index is built again, each case's row now
ending in a code for its status and one for its subtype (store/case_text.py), and its triggers
made again to follow a change of either. Where 0015 could not build the index (an SQLite without
FTS5) and on PostgreSQL, nothing is done. The downgrade builds 0015's rows and triggers again.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tumorboard.store import case_text

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _build(filters: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or not case_text.has_case_text(bind):
        return
    for statement in (*case_text.SQLITE_DROP, *case_text.sqlite_ddl(filters=filters)):
        op.execute(statement)
    # One insert of every row leaves the index in a dozen segments (at a million), each of which
    # every query then reads: merged into one, a long phrase costs half as much (2.5 s at 1M).
    op.execute(case_text.OPTIMIZE)


def upgrade() -> None:
    _build(filters=True)


def downgrade() -> None:
    _build(filters=False)
