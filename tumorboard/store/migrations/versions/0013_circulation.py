"""before and after the meeting: review requests on the agenda, e-mail addresses of the board's
members and a record of every document sent

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

- agenda_items.imaging_review_requested / pathology_review_requested: the radiologist and the
  pathologist prepare the case before the meeting (printed on the agenda). Plain ADD COLUMN with a
  constant default: no table rebuild, so the guards on agenda_items (revision 0005) stay.
- member_addresses: one e-mail address per person named on boards' lists (minutes and agendas
  are sent to them).
- sent_messages: what was sent to whom and when (the audit trail says it too); never updated.

The letterhead and the SMTP settings are department settings (tumorboard_meta, like the others);
the SMTP password is never stored in the database.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tumorboard.store.downgrade import DowngradeRefused, refuse_if_rows

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVIEW_COLUMNS = ("imaging_review_requested", "pathology_review_requested")


def upgrade() -> None:
    for column in REVIEW_COLUMNS:
        op.add_column("agenda_items", sa.Column(column, sa.Boolean(), nullable=False,
                                                server_default=sa.false()))
    op.create_table(
        "member_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_addresses")),
        sa.UniqueConstraint("name", name=op.f("uq_member_addresses_name")),
    )
    op.create_table(
        "sent_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=16), nullable=False),  # minutes | agenda
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("via", sa.String(length=8), nullable=False),  # smtp | eml
        sa.Column("attachment", sa.String(length=200), nullable=False),
        sa.Column("attachment_sha256", sa.String(length=64), nullable=False),
        sa.Column("pseudonymised", sa.Boolean(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_sent_messages_meeting_id_meetings"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_messages")),
    )
    with op.batch_alter_table("sent_messages") as batch_op:
        batch_op.create_index(batch_op.f("ix_sent_messages_meeting_id"), ["meeting_id"], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    refuse_if_rows(bind, "0013", ("sent_messages", "member_addresses"))
    for column in REVIEW_COLUMNS:
        if bind.execute(sa.text(f"SELECT count(*) FROM agenda_items WHERE {column}")).scalar():
            raise DowngradeRefused(f"refused: agenda_items.{column} is recorded for some cases; revision "
                                   "0012 cannot keep it; restore the backup taken before the upgrade instead")
    op.drop_table("sent_messages")
    op.drop_table("member_addresses")
    for column in REVIEW_COLUMNS:
        op.execute(f"ALTER TABLE agenda_items DROP COLUMN {column}")
