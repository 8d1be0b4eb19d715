"""indexes for a worklist that stays fast at a million cases: the filters in next-due order,
the text filter on a trigram index, the status counts kept by triggers

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

Nothing recorded changes: new indexes, a derived table (``case_status_counts``) and, for the text
filter, an FTS5 trigram table over the patients (SQLite) or ``pg_trgm`` GIN indexes
(PostgreSQL). Where SQLite lacks FTS5 or the server's owner may not create ``pg_trgm``, the
migration goes on without it and the text filter reads the patients table (store/text_search.py).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tumorboard.store.text_search import NAME_PREFIX_INDEX, POSTGRESQL_DDL, SQLITE_DDL, SQLITE_DROP

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

_COUNT_SQLITE = (
    "CREATE TRIGGER case_status_count_insert AFTER INSERT ON cases BEGIN "
    "INSERT OR IGNORE INTO case_status_counts (status, cases) VALUES (NEW.status, 0); "
    "UPDATE case_status_counts SET cases = cases + 1 WHERE status = NEW.status; END",
    "CREATE TRIGGER case_status_count_delete AFTER DELETE ON cases BEGIN "
    "UPDATE case_status_counts SET cases = cases - 1 WHERE status = OLD.status; END",
    "CREATE TRIGGER case_status_count_update AFTER UPDATE OF status ON cases "
    "WHEN NEW.status IS NOT OLD.status BEGIN "
    "UPDATE case_status_counts SET cases = cases - 1 WHERE status = OLD.status; "
    "INSERT OR IGNORE INTO case_status_counts (status, cases) VALUES (NEW.status, 0); "
    "UPDATE case_status_counts SET cases = cases + 1 WHERE status = NEW.status; END",
)
_COUNT_POSTGRESQL = (
    """CREATE FUNCTION case_status_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE case_status_counts SET cases = cases - 1 WHERE status = OLD.status;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO case_status_counts (status, cases) VALUES (NEW.status, 1)
    ON CONFLICT (status) DO UPDATE SET cases = case_status_counts.cases + 1;
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER case_status_count_insert_delete AFTER INSERT OR DELETE ON cases "
    "FOR EACH ROW EXECUTE FUNCTION case_status_count()",
    "CREATE TRIGGER case_status_count_update AFTER UPDATE OF status ON cases "
    "FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status) EXECUTE FUNCTION case_status_count()",
)


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    for name, columns in (("ix_cases_status_next_due", ["status", "next_due", "id"]),
                          ("ix_cases_next_due", ["next_due", "id"])):
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", columns)
    op.create_index("ix_cases_subtype_next_due", "cases", ["subtype", "next_due", "id"])
    op.create_index("ix_cases_status_subtype_next_due", "cases", ["status", "subtype", "next_due", "id"])
    op.execute(f"CREATE INDEX {NAME_PREFIX_INDEX} ON patients (lower(name))")
    op.create_table("case_status_counts",
                    sa.Column("status", sa.String(length=24), primary_key=True),
                    sa.Column("cases", sa.Integer(), nullable=False))
    op.execute("INSERT INTO case_status_counts (status, cases) "
               "SELECT status, count(*) FROM cases GROUP BY status")
    for statement in _COUNT_POSTGRESQL if postgresql else _COUNT_SQLITE:
        op.execute(statement)
    _trigram_index(bind, postgresql)


def _trigram_index(bind: sa.Connection, postgresql: bool) -> None:
    """The text filter's index, or (said in the log) none: the filter is then a plain LIKE."""
    savepoint = bind.begin_nested()
    try:
        for statement in POSTGRESQL_DDL if postgresql else SQLITE_DDL:
            bind.execute(sa.text(statement))
    except sa.exc.DBAPIError as exc:
        savepoint.rollback()
        log.warning("no trigram index for the worklist's text filter (%s); it reads the patients "
                    "table instead", str(getattr(exc, "orig", exc)).splitlines()[0])
    else:
        savepoint.commit()


def downgrade() -> None:
    # Only indexes and derived rows go: nothing recorded is lost.
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_patients_name_trgm")
        op.execute("DROP INDEX IF EXISTS ix_patients_mrn_trgm")
        op.execute("DROP TRIGGER IF EXISTS case_status_count_insert_delete ON cases")
        op.execute("DROP TRIGGER IF EXISTS case_status_count_update ON cases")
        op.execute("DROP FUNCTION IF EXISTS case_status_count()")
    else:
        for statement in SQLITE_DROP:
            op.execute(statement)
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS case_status_count_{name}")
    op.drop_table("case_status_counts")
    op.drop_index(NAME_PREFIX_INDEX, table_name="patients")
    op.drop_index("ix_cases_status_subtype_next_due", table_name="cases")
    op.drop_index("ix_cases_subtype_next_due", table_name="cases")
    for name, columns in (("ix_cases_status_next_due", ["status", "next_due"]),
                          ("ix_cases_next_due", ["next_due"])):
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", columns)
