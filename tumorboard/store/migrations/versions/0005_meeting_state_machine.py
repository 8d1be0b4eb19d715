"""the meeting's state machine in the database, versions on every row two people edit, replaced
decisions kept, audit values as JSON

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

- meetings.state: planned -> in progress -> closed -> signed, and only so (triggers); signing
  needs the close, the chair as signer and marked present, and the quorum met or overridden.
- Decisions are written only while their meeting is in progress and never deleted; a replaced
  decision is kept whole in replaced_decisions (append-only).
- Attendance changes and triage only while in progress; the agenda only before the close.
- One meeting of a board per date and time (checked on insert, so existing duplicates stay).
- agenda_items and attendance carry a version and who changed them last; department settings
  carry one version (tumorboard_meta "settings_version").
- audit_log.encoding: "json" for rows whose old and new values are JSON documents.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The markers let the store translate a refusal into the app's own errors (store/database.py).
STATE = "meeting state: "
DUPLICATE = "duplicate meeting: this board already has a meeting at that date and time"
APPEND_ONLY = "read-only record: a replaced decision is kept as it was"
SIGNED_MEETING = "read-only record: the meeting is signed off; record an amendment with a reason instead"

MSG = {
    "new": STATE + "a new meeting starts as planned",
    "edge": STATE + "a meeting moves only from planned to in progress, to closed, to signed",
    "value": STATE + "not a meeting state",
    "closed": STATE + "the meeting is closed; only its sign-off changes it",
    "signed_at": STATE + "only a signed meeting has a signature",
    "closed_at": STATE + "a closed meeting has its closing time",
    "sign_close": STATE + "the meeting is signed only after it is closed",
    "sign_chair": STATE + "only the chair named for the meeting signs it off",
    "sign_present": STATE + "the chair signs off a meeting they are marked present at",
    "sign_quorum": STATE + "the quorum was not met and no override by the chair is recorded",
    "decision": STATE + "decisions are recorded only while the meeting is in progress",
    "decision_delete": "read-only record: a decision is never deleted; replace it with a reason",
    "attendance": STATE + "attendance is marked only while the meeting is in progress",
    "attendance_list": STATE + "the attendance list is closed with the meeting",
    "triage": STATE + "cases are triaged only while the meeting is in progress",
    "agenda": STATE + "the agenda is closed with the meeting",
}

# SQL shared by both dialects: quorum not met for meeting row R (a comma-separated board quorum).
def _quorum_not_met(r: str, contains: str) -> str:
    q = f"(SELECT quorum FROM boards WHERE id = {r}.board_id)"
    required = f"(CASE WHEN {q} = '' THEN 0 ELSE length({q}) - length(replace({q}, ',', '')) + 1 END)"
    match = contains.format(haystack=f"',' || {q} || ','", needle="',' || discipline || ','")
    present = (f"(SELECT count(DISTINCT discipline) FROM attendance WHERE meeting_id = {r}.id "
               f"AND present AND {match})")
    return f"{present} < {required}"


def _chair_absent(r: str) -> str:
    return (f"NOT EXISTS (SELECT 1 FROM attendance WHERE meeting_id = {r}.id AND present "
            f"AND lower(trim(name)) = lower(trim({r}.chair)))")


SQLITE_CONTAINS = "instr({haystack}, {needle}) > 0"
PG_CONTAINS = "strpos({haystack}, {needle}) > 0"

EDGE = ("(OLD.state = 'planned' AND NEW.state = 'in_progress') OR "
        "(OLD.state = 'in_progress' AND NEW.state = 'closed') OR "
        "(OLD.state = 'closed' AND NEW.state = 'signed')")
STATES = "('planned', 'in_progress', 'closed', 'signed')"


def _meeting_state(row: str, column: str = "meeting_id") -> str:
    return f"(SELECT state FROM meetings WHERE id = {row}.{column})"


def _sqlite_triggers() -> list[str]:
    def trig(name: str, when_event: str, condition: str, message: str) -> str:
        return (f"CREATE TRIGGER {name} {when_event} WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END")

    m = _meeting_state
    return [
        trig("meetings_state_new", "BEFORE INSERT ON meetings", "NEW.state <> 'planned'", MSG["new"]),
        trig("meetings_unique_slot", "BEFORE INSERT ON meetings",
             "EXISTS (SELECT 1 FROM meetings WHERE board_id = NEW.board_id AND day = NEW.day "
             "AND coalesce(start_time, '') = coalesce(NEW.start_time, ''))", DUPLICATE),
        trig("meetings_state_value", "BEFORE UPDATE OF state ON meetings", f"NEW.state NOT IN {STATES}",
             MSG["value"]),
        trig("meetings_state_edge", "BEFORE UPDATE OF state ON meetings",
             f"NEW.state <> OLD.state AND NOT ({EDGE})", MSG["edge"]),
        trig("meetings_closed_frozen", "BEFORE UPDATE ON meetings",
             "OLD.state = 'closed' AND NEW.state = 'closed'", MSG["closed"]),
        trig("meetings_signed_at", "BEFORE UPDATE ON meetings",
             "NEW.signed_at IS NOT NULL AND NEW.state <> 'signed'", MSG["signed_at"]),
        trig("meetings_closed_at", "BEFORE UPDATE ON meetings",
             "NEW.state IN ('closed', 'signed') AND NEW.closed_at IS NULL", MSG["closed_at"]),
        trig("meetings_sign_needs_close", "BEFORE UPDATE ON meetings",
             "NEW.state = 'signed' AND OLD.state <> 'closed'", MSG["sign_close"]),
        trig("meetings_sign_by_chair", "BEFORE UPDATE ON meetings",
             "NEW.state = 'signed' AND (NEW.chair IS NULL OR NEW.signed_by IS NULL OR "
             "lower(trim(NEW.signed_by)) <> lower(trim(NEW.chair)))", MSG["sign_chair"]),
        trig("meetings_sign_chair_present", "BEFORE UPDATE ON meetings",
             f"NEW.state = 'signed' AND {_chair_absent('NEW')}", MSG["sign_present"]),
        trig("meetings_sign_quorum", "BEFORE UPDATE ON meetings",
             f"NEW.state = 'signed' AND NEW.quorum_override_by IS NULL AND "
             f"{_quorum_not_met('NEW', SQLITE_CONTAINS)}", MSG["sign_quorum"]),
        trig("decisions_in_progress_insert", "BEFORE INSERT ON decisions",
             f"{m('NEW')} IS NOT 'in_progress'", MSG["decision"]),
        trig("decisions_in_progress_update", "BEFORE UPDATE ON decisions",
             f"{m('OLD')} IS NOT 'in_progress'", MSG["decision"]),
        trig("decisions_never_deleted", "BEFORE DELETE ON decisions", "1", MSG["decision_delete"]),
        trig("replaced_decisions_no_update", "BEFORE UPDATE ON replaced_decisions", "1", APPEND_ONLY),
        trig("replaced_decisions_no_delete", "BEFORE DELETE ON replaced_decisions", "1", APPEND_ONLY),
        trig("attendance_present_in_progress", "BEFORE UPDATE ON attendance",
             f"NEW.present <> OLD.present AND {m('OLD')} IS NOT 'in_progress'", MSG["attendance"]),
        trig("attendance_list_open", "BEFORE INSERT ON attendance",
             f"{m('NEW')} NOT IN ('planned', 'in_progress') OR "
             f"(NEW.present AND {m('NEW')} IS NOT 'in_progress')", MSG["attendance_list"]),
        trig("agenda_triage_in_progress", "BEFORE UPDATE ON agenda_items",
             f"NEW.triage <> OLD.triage AND {m('OLD')} IS NOT 'in_progress'", MSG["triage"]),
        trig("agenda_open_update", "BEFORE UPDATE ON agenda_items",
             f"{m('OLD')} NOT IN ('planned', 'in_progress')", MSG["agenda"]),
        trig("agenda_open_insert", "BEFORE INSERT ON agenda_items",
             f"{m('NEW')} NOT IN ('planned', 'in_progress')", MSG["agenda"]),
        trig("agenda_open_delete", "BEFORE DELETE ON agenda_items",
             f"{m('OLD')} NOT IN ('planned', 'in_progress')", MSG["agenda"]),
    ]


SQLITE_TRIGGER_NAMES = [t.split()[2] for t in _sqlite_triggers()]


def _pg_statements() -> list[str]:
    m = _meeting_state
    return [f"""
        CREATE FUNCTION meeting_state_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            IF NEW.state <> 'planned' THEN RAISE EXCEPTION '{MSG["new"]}'; END IF;
            -- the lock makes two simultaneous plans of one slot wait for each other
            PERFORM 1 FROM boards WHERE id = NEW.board_id FOR UPDATE;
            IF EXISTS (SELECT 1 FROM meetings WHERE board_id = NEW.board_id AND day = NEW.day
                       AND coalesce(start_time, '') = coalesce(NEW.start_time, ''))
              THEN RAISE EXCEPTION '{DUPLICATE}'; END IF;
            RETURN NEW;
          END IF;
          IF NEW.state NOT IN {STATES} THEN RAISE EXCEPTION '{MSG["value"]}'; END IF;
          IF NEW.state <> OLD.state AND NOT ({EDGE}) THEN RAISE EXCEPTION '{MSG["edge"]}'; END IF;
          IF OLD.state = 'closed' AND NEW.state = 'closed' THEN RAISE EXCEPTION '{MSG["closed"]}'; END IF;
          IF NEW.signed_at IS NOT NULL AND NEW.state <> 'signed' THEN
            RAISE EXCEPTION '{MSG["signed_at"]}'; END IF;
          IF NEW.state IN ('closed', 'signed') AND NEW.closed_at IS NULL THEN
            RAISE EXCEPTION '{MSG["closed_at"]}'; END IF;
          IF NEW.state = 'signed' THEN
            IF OLD.state <> 'closed' THEN RAISE EXCEPTION '{MSG["sign_close"]}'; END IF;
            IF NEW.chair IS NULL OR NEW.signed_by IS NULL
               OR lower(trim(NEW.signed_by)) <> lower(trim(NEW.chair)) THEN
              RAISE EXCEPTION '{MSG["sign_chair"]}'; END IF;
            IF {_chair_absent('NEW')} THEN RAISE EXCEPTION '{MSG["sign_present"]}'; END IF;
            IF NEW.quorum_override_by IS NULL AND {_quorum_not_met('NEW', PG_CONTAINS)} THEN
              RAISE EXCEPTION '{MSG["sign_quorum"]}'; END IF;
          END IF;
          RETURN NEW;
        END $$""",
        "CREATE TRIGGER meetings_state BEFORE INSERT OR UPDATE ON meetings "
        "FOR EACH ROW EXECUTE FUNCTION meeting_state_guard()",
        f"""
        CREATE FUNCTION meeting_children_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE st text;
        BEGIN
          -- FOR SHARE: a close or sign-off of the meeting waits for this write, and this write for it
          IF TG_OP = 'DELETE' THEN
            SELECT state INTO st FROM meetings WHERE id = OLD.meeting_id FOR SHARE;
          ELSE
            SELECT state INTO st FROM meetings WHERE id = NEW.meeting_id FOR SHARE;
          END IF;
          IF TG_TABLE_NAME = 'decisions' THEN
            IF TG_OP = 'DELETE' THEN RAISE EXCEPTION '{MSG["decision_delete"]}'; END IF;
            IF st IS DISTINCT FROM 'in_progress' THEN RAISE EXCEPTION '{MSG["decision"]}'; END IF;
          ELSIF TG_TABLE_NAME = 'attendance' THEN
            IF TG_OP = 'INSERT' THEN
              IF st NOT IN ('planned', 'in_progress') OR (NEW.present AND st <> 'in_progress') THEN
                RAISE EXCEPTION '{MSG["attendance_list"]}'; END IF;
            ELSIF TG_OP = 'UPDATE' AND NEW.present <> OLD.present AND st <> 'in_progress' THEN
              RAISE EXCEPTION '{MSG["attendance"]}';
            END IF;
          ELSIF TG_TABLE_NAME = 'agenda_items' THEN
            IF st NOT IN ('planned', 'in_progress') THEN RAISE EXCEPTION '{MSG["agenda"]}'; END IF;
            IF TG_OP = 'UPDATE' AND NEW.triage <> OLD.triage AND st <> 'in_progress' THEN
              RAISE EXCEPTION '{MSG["triage"]}'; END IF;
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$""",
        "CREATE TRIGGER decisions_state BEFORE INSERT OR UPDATE OR DELETE ON decisions "
        "FOR EACH ROW EXECUTE FUNCTION meeting_children_guard()",
        "CREATE TRIGGER attendance_state BEFORE INSERT OR UPDATE ON attendance "
        "FOR EACH ROW EXECUTE FUNCTION meeting_children_guard()",
        "CREATE TRIGGER agenda_items_state BEFORE INSERT OR UPDATE OR DELETE ON agenda_items "
        "FOR EACH ROW EXECUTE FUNCTION meeting_children_guard()",
        f"""
        CREATE FUNCTION replaced_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$""",
        "CREATE TRIGGER replaced_decisions_no_change BEFORE UPDATE OR DELETE ON replaced_decisions "
        "FOR EACH ROW EXECUTE FUNCTION replaced_decisions_append_only()",
    ]


BACKFILL = """
    UPDATE meetings SET state = CASE
        WHEN signed_at IS NOT NULL THEN 'signed'
        WHEN closed_at IS NOT NULL THEN 'closed'
        WHEN quorum_override_by IS NOT NULL
             OR EXISTS (SELECT 1 FROM decisions WHERE decisions.meeting_id = meetings.id)
             OR EXISTS (SELECT 1 FROM attendance WHERE attendance.meeting_id = meetings.id AND present)
          THEN 'in_progress'
        ELSE 'planned' END
"""


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.add_column("meetings", sa.Column("state", sa.String(length=16), nullable=False,
                                        server_default="planned"))
    op.add_column("meetings", sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("meetings", sa.Column("started_by", sa.String(length=64), nullable=True))
    for table in ("agenda_items", "attendance"):
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        op.add_column(table, sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column(table, sa.Column("updated_by", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("encoding", sa.String(length=8), nullable=False,
                                         server_default="text"))
    op.create_table(
        "replaced_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("replaced_version", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"],
                                name=op.f("fk_replaced_decisions_decision_id_decisions"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_replaced_decisions_meeting_id_meetings"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replaced_decisions")),
    )
    op.create_index(op.f("ix_replaced_decisions_decision_id"), "replaced_decisions", ["decision_id"])
    op.execute("INSERT INTO tumorboard_meta (key, value) VALUES ('settings_version', '1')")

    # The signed meetings' guard (0003) refuses every UPDATE of a signed row, the backfill too:
    # it steps aside for the one statement, inside this migration's transaction.
    if postgresql:
        op.execute("DROP TRIGGER meetings_signed ON meetings")
        op.execute(BACKFILL)
        op.execute("CREATE TRIGGER meetings_signed BEFORE UPDATE OR DELETE ON meetings "
                   "FOR EACH ROW EXECUTE FUNCTION meeting_signed_guard()")
        for statement in _pg_statements():
            op.execute(statement)
    else:
        op.execute("DROP TRIGGER meetings_signed_no_update")
        op.execute(BACKFILL)
        op.execute(f"""CREATE TRIGGER meetings_signed_no_update BEFORE UPDATE ON meetings
                       WHEN OLD.signed_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{SIGNED_MEETING}'); END""")
        for statement in _sqlite_triggers():
            op.execute(statement)


def downgrade() -> None:
    from tumorboard.store.downgrade import refuse_if_rows

    bind = op.get_bind()
    # The meetings' state, who started them and the audit rows' encoding are dropped below.
    refuse_if_rows(bind, "0005", ("meetings", "replaced_decisions", "audit_log"))
    if bind.execute(sa.text("SELECT count(*) FROM replaced_decisions")).scalar():
        raise RuntimeError("refused: this database holds replaced decisions, which the older schema "
                           "cannot keep; restore the backup taken before the upgrade instead")
    if bind.dialect.name == "postgresql":
        for trigger, table in (("meetings_state", "meetings"), ("decisions_state", "decisions"),
                               ("attendance_state", "attendance"), ("agenda_items_state", "agenda_items"),
                               ("replaced_decisions_no_change", "replaced_decisions")):
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
        for function in ("meeting_state_guard", "meeting_children_guard", "replaced_decisions_append_only"):
            op.execute(f"DROP FUNCTION {function}()")
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER {name}")
    op.execute("DELETE FROM tumorboard_meta WHERE key = 'settings_version'")
    op.drop_index(op.f("ix_replaced_decisions_decision_id"), table_name="replaced_decisions")
    op.drop_table("replaced_decisions")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): no table rebuild, so the triggers of the
    # earlier revisions on these tables stay in place.
    for table, column in (("audit_log", "encoding"), ("attendance", "updated_by"), ("attendance", "updated_at"),
                          ("attendance", "version"), ("agenda_items", "updated_by"),
                          ("agenda_items", "updated_at"), ("agenda_items", "version"),
                          ("meetings", "started_by"), ("meetings", "started_at"), ("meetings", "state")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
