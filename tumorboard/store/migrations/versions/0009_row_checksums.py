"""a SHA-256 checksum in every row holding clinical content (patients, cases and their child
rows, decisions), checked when the row is read (store/checksums.py)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

Existing rows get theirs here. The guards on decisions (revisions 0003 and 0005 refuse every
UPDATE of a decision of a meeting that is not in progress) step aside for the backfill, inside
this migration's transaction: on SQLite they are dropped and re-created from their own stored
text, on PostgreSQL disabled and enabled again.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tumorboard.store.checksums import CHECKED_MODELS, CHECKED_TABLES, checksum

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    for table in CHECKED_TABLES:
        op.add_column(table, sa.Column("checksum", sa.String(length=64), nullable=True))
    saved: list[str] = []
    if postgresql:
        op.execute("ALTER TABLE decisions DISABLE TRIGGER USER")
    else:
        # In the order they were made: SQLite fires the triggers of one event in that order's
        # reverse, and which refusal a user reads depends on it.
        saved = [str(sql) for (sql,) in bind.execute(sa.text(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'decisions' ORDER BY rowid"))]
        for (name,) in bind.execute(sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'decisions'")).all():
            op.execute(f'DROP TRIGGER "{name}"')
    for model in CHECKED_MODELS:
        table = model.__table__
        # The columns this database has at this revision (a later version's models may have
        # more), typed as the models type them; one statement, no reflection.
        present = set(bind.execute(sa.text(f"SELECT * FROM {table.name} LIMIT 0")).keys())
        columns = [c for c in table.columns if c.name in present and c.name != "checksum"]
        updates = [{"i": row["id"], "c": checksum(table.name, columns, row.__getitem__)}
                   for row in bind.execute(sa.select(*columns)).mappings()]
        if updates:
            bind.execute(sa.text(f"UPDATE {table.name} SET checksum = :c WHERE id = :i"), updates)
    if postgresql:
        op.execute("ALTER TABLE decisions ENABLE TRIGGER USER")
    else:
        for sql in saved:
            op.execute(sql)


def downgrade() -> None:
    # Only the checksums go: no clinical data is lost.
    for table in CHECKED_TABLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN checksum")
