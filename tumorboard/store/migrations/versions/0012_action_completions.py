"""actions of board decisions can be marked done: action_completions, append-only

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

A decision's actions are JSON inside the decision row, which sign-off makes immutable; whether
an action was done is learnt weeks later, so it lives in its own table. One completion per
action (UNIQUE), never changed or deleted (triggers, like the audit log's), and only for an
action that exists on a decision of a closed or signed meeting (trigger on INSERT): a decision
still being recorded can change its list of actions.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The prefixes are the words store.database.translate turns into SignedRecord and StateRefused.
KEPT = "read-only record: an action marked done stays as recorded (action_completions is append-only)"
REFUSED = ("meeting state: an action can be marked done only once its meeting is closed, and only an action "
           "the decision lists")


def _refused(new: str, json_length: str) -> str:
    return (f"NOT EXISTS (SELECT 1 FROM decisions d JOIN meetings m ON m.id = d.meeting_id "
            f"WHERE d.id = {new}.decision_id AND m.state IN ('closed', 'signed') "
            f"AND {new}.action_index >= 0 AND {new}.action_index < {json_length})")


def upgrade() -> None:
    op.create_table(
        "action_completions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("action_index", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"],
                                name=op.f("fk_action_completions_decision_id_decisions"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_completions")),
        sa.UniqueConstraint("decision_id", "action_index", name=op.f("uq_action_completions_decision_id")),
    )
    op.create_index(op.f("ix_action_completions_decision_id"), "action_completions", ["decision_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION action_completions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{KEPT}'; END $$""")
        op.execute("""CREATE TRIGGER action_completions_no_change BEFORE UPDATE OR DELETE
                      ON action_completions FOR EACH ROW EXECUTE FUNCTION action_completions_append_only()""")
        op.execute(f"""
            CREATE FUNCTION action_completions_checked() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF {_refused('NEW', 'json_array_length(d.actions::json)')} THEN
                RAISE EXCEPTION '{REFUSED}';
              END IF;
              RETURN NEW;
            END $$""")
        op.execute("""CREATE TRIGGER action_completions_checked BEFORE INSERT ON action_completions
                      FOR EACH ROW EXECUTE FUNCTION action_completions_checked()""")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER action_completions_no_{action.lower()} BEFORE {action}
                           ON action_completions BEGIN SELECT RAISE(ABORT, '{KEPT}'); END""")
        op.execute(f"""CREATE TRIGGER action_completions_checked BEFORE INSERT ON action_completions
                       WHEN {_refused('NEW', 'json_array_length(d.actions)')}
                       BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM action_completions")).scalar():
        raise RuntimeError("refused: actions have been marked done, which the older schema cannot keep; "
                           "restore the backup taken before the upgrade instead")
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER action_completions_no_change ON action_completions")
        op.execute("DROP TRIGGER action_completions_checked ON action_completions")
        op.execute("DROP FUNCTION action_completions_append_only()")
        op.execute("DROP FUNCTION action_completions_checked()")
    op.drop_index(op.f("ix_action_completions_decision_id"), table_name="action_completions")
    op.drop_table("action_completions")
