"""the audit trail as a hash chain: position, previous row's hash and this row's hash

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Existing rows are chained in the order they were written (id); the head goes to tumorboard_meta.
The append-only guard of revision 0002 steps aside for the one backfill statement, inside this
migration's transaction.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tumorboard.store.audit_chain import FIELDS, GENESIS, HEAD_KEY, row_hash

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "audit_log is append-only: history cannot be changed or deleted"


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    op.add_column("audit_log", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("row_hash", sa.String(length=64), nullable=True))
    if postgresql:
        op.execute("DROP TRIGGER audit_log_no_change ON audit_log")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
    columns = [c for c in FIELDS if c not in ("seq", "prev_hash")]
    # By name (a keyword): a column object given positionally would type the first column, id.
    select = sa.text(f"SELECT id, {', '.join(columns)} FROM audit_log ORDER BY id").columns(
        at=sa.DateTime(timezone=True))  # by name: SQLite hands back text, the chain hashes the time
    rows = bind.execute(select).mappings()
    previous, seq, updates = GENESIS, 0, []
    for row in rows:
        seq += 1
        linked = {**row, "seq": seq, "prev_hash": previous}
        previous = row_hash(linked)
        updates.append({"i": row["id"], "s": seq, "p": linked["prev_hash"], "h": previous})
    if updates:
        bind.execute(sa.text("UPDATE audit_log SET seq = :s, prev_hash = :p, row_hash = :h WHERE id = :i"),
                     updates)
    bind.execute(sa.text("INSERT INTO tumorboard_meta (key, value) VALUES (:k, :v)"),
                 {"k": HEAD_KEY, "v": f"{seq}:{previous}"})
    if postgresql:
        op.execute("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
    else:
        op.execute(f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                   f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")
    op.create_index(op.f("ix_audit_log_seq"), "audit_log", ["seq"], unique=True)


def downgrade() -> None:
    # The chain is evidence: dropping it would hide later tampering. Restore the backup taken
    # before the upgrade instead.
    raise RuntimeError("refused: downgrading below 0007 would drop the audit trail's hash chain; restore "
                       "the backup taken before the upgrade instead")
