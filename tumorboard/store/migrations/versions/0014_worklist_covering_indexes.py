"""the worklist's indexes carry what a text filter needs: no case row read to find a page

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

Nothing recorded changes: indexes only. A text filter reads cases in the order of one of the
next-due indexes and looks at each one's patient, or reads the cases of the patients it found;
either way it needed each case's row (a wide one) only for ``patient_id`` or ``next_due``. The
four next-due indexes of revision 0011 now end with ``patient_id`` (same order, same use), and
a new index on (patient_id, next_due, id, status, subtype) answers the cases of a set of patients,
filtered and in order, from the index alone.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEXT_DUE = (("ix_cases_status_next_due", ["status", "next_due", "id"]),
            ("ix_cases_next_due", ["next_due", "id"]),
            ("ix_cases_subtype_next_due", ["subtype", "next_due", "id"]),
            ("ix_cases_status_subtype_next_due", ["status", "subtype", "next_due", "id"]))
BY_PATIENT = ("ix_cases_patient_next_due", ["patient_id", "next_due", "id", "status", "subtype"])


def upgrade() -> None:
    for name, columns in NEXT_DUE:
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", [*columns, "patient_id"])
    op.create_index(BY_PATIENT[0], "cases", BY_PATIENT[1])


def downgrade() -> None:
    op.drop_index(BY_PATIENT[0], table_name="cases")
    for name, columns in NEXT_DUE:
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", columns)
