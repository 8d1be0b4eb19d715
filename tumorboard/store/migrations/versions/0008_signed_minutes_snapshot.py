"""signed minutes that verify on their own: the data snapshot kept at sign-off, the chairs'
signing keys

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

- meetings.minutes_snapshot: the canonical JSON of the minutes the signed PDF was rendered from,
  and its SHA-256 (recorded in the sign-off's audit row too). Written by the UPDATE that signs;
  the signed-meeting guard of revision 0003 refuses any later change of the row, these columns
  included.
- signing_keys: per chair, a self-signed X.509 certificate and its private key (PKCS#8, encrypted
  with a key derived from the chair's password). Rows are never deleted; the only change allowed
  is retiring a key once (a replaced key stays: the minutes it signed still verify).
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT = "read-only record: a signing key is kept as it was (it may only be retired, once)"
CHANGED = ("OLD.retired_at IS NOT NULL OR NEW.id <> OLD.id OR NEW.username <> OLD.username "
           "OR NEW.subject <> OLD.subject OR NEW.fingerprint <> OLD.fingerprint "
           "OR NEW.certificate_pem <> OLD.certificate_pem OR NEW.private_key_pem <> OLD.private_key_pem "
           "OR NEW.kdf <> OLD.kdf OR NEW.created_at <> OLD.created_at")


def upgrade() -> None:
    op.add_column("meetings", sa.Column("minutes_snapshot", sa.Text(), nullable=True))
    op.add_column("meetings", sa.Column("minutes_snapshot_sha256", sa.String(length=64), nullable=True))
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("kdf", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_signing_keys_fingerprint")),
    )
    op.create_index(op.f("ix_signing_keys_username"), "signing_keys", ["username"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION signing_keys_kept() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' OR {CHANGED.replace('<>', 'IS DISTINCT FROM')} THEN
                RAISE EXCEPTION '{KEPT}';
              END IF;
              RETURN NEW;
            END $$""")
        op.execute("CREATE TRIGGER signing_keys_kept BEFORE UPDATE OR DELETE ON signing_keys "
                   "FOR EACH ROW EXECUTE FUNCTION signing_keys_kept()")
    else:
        op.execute(f"CREATE TRIGGER signing_keys_no_update BEFORE UPDATE ON signing_keys WHEN {CHANGED} "
                   f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END")
        op.execute(f"CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys "
                   f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM meetings WHERE minutes_snapshot IS NOT NULL")).scalar() \
            or bind.execute(sa.text("SELECT count(*) FROM signing_keys")).scalar():
        raise RuntimeError("refused: this database holds signed minutes' snapshots or chairs' signing "
                           "keys, which the older schema cannot keep; restore the backup taken before "
                           "the upgrade instead")
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER signing_keys_kept ON signing_keys")
        op.execute("DROP FUNCTION signing_keys_kept()")
    else:
        op.execute("DROP TRIGGER signing_keys_no_update")
        op.execute("DROP TRIGGER signing_keys_no_delete")
    op.drop_index(op.f("ix_signing_keys_username"), table_name="signing_keys")
    op.drop_table("signing_keys")
    op.execute("ALTER TABLE meetings DROP COLUMN minutes_snapshot_sha256")
    op.execute("ALTER TABLE meetings DROP COLUMN minutes_snapshot")
