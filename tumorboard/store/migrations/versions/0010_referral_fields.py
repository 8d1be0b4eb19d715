"""the referral on each case: referral date, referring clinician, the patient's GP and address
(domain/referral.py) - the outcome letter's addressees and the start of the wait to the first MDT

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

Every case row's checksum covers its columns by name (store/checksums.py), so the new columns,
null in every existing row, change each case's checksum: recomputed here, in this migration's
transaction, for exactly the rows that had a valid one. A row whose stored checksum did not match
before the upgrade is left as it is, still mismatching: damage found before is reported after.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tumorboard.store.checksums import checksum
from tumorboard.store.models import CaseRow

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_COLUMNS = ("referral_date", "referring_clinician", "gp_name", "gp_address")


def _recompute(bind: sa.Connection, was: set[str], becomes: set[str]) -> None:
    """Each case row's checksum over the columns ``becomes``, for the rows whose checksum over the
    columns ``was`` is valid (a damaged row is left mismatching)."""
    table: sa.Table = CaseRow.__table__  # type: ignore[assignment]  # a declarative table
    read = [c for c in table.columns if c.name in was | becomes and c.name != "checksum"]
    old = [c for c in read if c.name in was]
    new = [c for c in read if c.name in becomes]
    updates = [{"i": row["id"], "c": checksum(table.name, new, row.__getitem__)}
               for row in bind.execute(sa.select(*read, table.c.checksum)).mappings()
               if row["checksum"] == checksum(table.name, old, row.__getitem__)]
    if updates:
        bind.execute(sa.text("UPDATE cases SET checksum = :c WHERE id = :i"), updates)


def upgrade() -> None:
    bind = op.get_bind()
    before = set(bind.execute(sa.text("SELECT * FROM cases LIMIT 0")).keys())
    # Plain ADD COLUMN, all nullable: no rebuild of the cases table and its references.
    op.add_column("cases", sa.Column("referral_date", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("referring_clinician", sa.String(length=200), nullable=True))
    op.add_column("cases", sa.Column("gp_name", sa.String(length=200), nullable=True))
    op.add_column("cases", sa.Column("gp_address", sa.Text(), nullable=True))
    _recompute(bind, before, before | set(NEW_COLUMNS))


def downgrade() -> None:
    # Recorded referrals would be lost: refused while any is recorded.
    bind = op.get_bind()
    for column in NEW_COLUMNS:
        if bind.execute(sa.text(f"SELECT count(*) FROM cases WHERE {column} IS NOT NULL")).scalar():
            raise RuntimeError(f"refused: cases.{column} holds a recorded referral that revision 0009 "
                               "cannot keep; restore the backup taken before the upgrade instead")
    before = set(bind.execute(sa.text("SELECT * FROM cases LIMIT 0")).keys())
    _recompute(bind, before, before - set(NEW_COLUMNS))
    for column in NEW_COLUMNS:
        op.execute(f"ALTER TABLE cases DROP COLUMN {column}")
