"""Opening a database safely: recognise it, refuse what we must not touch, back up, migrate.

On open: a database older than the app is backed up (SQLite online backup) and upgraded; one
newer than the app is refused with the app version it needs; a file that is not a tumorboard
database, or is corrupt, is refused and left untouched.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from tumorboard import __version__
from tumorboard.store import encryption
from tumorboard.store.backup import backup_sqlite
from tumorboard.store.errors import (
    DatabaseMissing,
    DatabaseOutdated,
    DatabaseReadOnly,
    DatabaseTooNew,
    NotATumorboardDatabase,
    SchemaNotOwned,
    StoreError,
)
from tumorboard.store.location import sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# The app version that introduced each schema revision: a newer database names what it needs.
# Also the list of the revisions this app knows (the newest is the head): reading it needs no
# Alembic; test_store_schema checks it against the migrations.
REVISION_APP_VERSION = {
    "0001": "0.1.0",
    "0002": "0.1.0",
    "0003": "0.2.0",
    "0004": "0.2.0",
    "0005": "0.3.0",
    "0006": "0.3.0",
    "0007": "0.3.0",
    "0008": "0.3.0",
    "0009": "0.3.0",
    "0010": "0.4.0",
    "0011": "0.4.0",
    "0012": "0.4.0",
    "0013": "0.4.0",
    "0014": "0.4.0",
    "0015": "0.4.0",
    "0016": "0.4.0",
}
SQLITE_MAGIC = b"SQLite format 3\x00"

# PostgreSQL: the app connects as a role that does not own the tables (it cannot drop or disable the
# triggers that guard the record); the schema is created and upgraded by the owner, who grants the
# app's role its data rights after every upgrade.
APP_ROLE_ENV = "TUMORBOARD_APP_ROLE"
MIGRATION_URL_ENV = "TUMORBOARD_MIGRATION_DATABASE_URL"
# The audit trail: SELECT and INSERT only (its triggers refuse UPDATE and DELETE as well; TRUNCATE,
# which fires no row trigger, is not granted on any table). The signed record's other tables are
# guarded by their triggers, which the app's role cannot disable or drop.
_APPEND_ONLY = ("audit_log", "action_completions")
_READ_ONLY = ("alembic_version",)


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # Alembic is imported only to migrate

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest schema revision, without importing Alembic or reading the migrations (every
    open asks; ``test_store_schema`` holds this to Alembic's own answer)."""
    return max(REVISION_APP_VERSION)


def known_revisions() -> set[str]:
    return set(REVISION_APP_VERSION)


def sqlite_integrity_problem(path: Path, *, full: bool = False) -> str | None:
    """SQLite's check of every page, read-only: None when healthy, else its first finding.

    ``quick_check`` by default (about 0.4 s for 100,000 cases): every open of the command line,
    and before every migration. ``full=True`` runs ``integrity_check``, which also compares every
    index with its table (an index that no longer matches its rows, which ``quick_check`` does not
    look for); the desktop app's daily background check and ``tumorboard db check`` run it."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        con = encryption.connect(f"file:{path}?mode=ro", encryption.key_for(path), uri=True)
        try:
            result = con.execute(f"PRAGMA {pragma}").fetchone()
        finally:
            con.close()
    except encryption.driver_errors() as exc:
        return str(exc)
    if result is None:
        return "no answer"
    return None if result[0] == "ok" else str(result[0])


def precheck_sqlite_file(path: Path, *, full_check: bool = True) -> str | None:
    """Refuse, without writing a byte, a file that is not a healthy tumorboard database; returns
    its schema revision (None for a missing file: only then may a new database be created).
    An empty (0-byte) file, an SQLite file without tables and one of another program are refused.

    ``full_check=False`` reads the header and the schema only (the caller checks every page
    later); a file whose schema is not the head revision is always checked in full, because
    the migration about to run writes to it."""
    if not path.exists():
        existing = path.parent
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent  # the folders below it will be created
        if not os.access(existing, os.W_OK):
            raise DatabaseReadOnly(f"cannot create the database {path}: {existing} is not writable")
        return None
    if path.is_dir():
        raise NotATumorboardDatabase(f"{path} is a folder, not a tumorboard database")
    with path.open("rb") as fh:
        header = fh.read(16)
    key = encryption.key_for(path)
    if not header:
        # tumorboard never leaves an empty file behind (a new database is built under another
        # name and moved into place whole): an empty file is a database that was lost, and
        # building a new one over it would push the last good backups out of the rotation.
        raise NotATumorboardDatabase(
            f"{path} is empty (0 bytes): it is not a tumorboard database and was left untouched. "
            f"If this was your database, restore a backup with `tumorboard db restore BACKUP` (the "
            f"automatic backups are in {path.parent / 'backups'}); to start a new database there, "
            "move the empty file away first")
    if header != SQLITE_MAGIC and key is None:
        raise NotATumorboardDatabase(
            f"{path} is not a tumorboard database (not an SQLite file; if it is an encrypted one, give "
            f"its passphrase in {encryption.KEY_ENV} or the system keyring); it was left untouched")
    if header == SQLITE_MAGIC and key is not None:
        raise NotATumorboardDatabase(
            f"{path} is not encrypted, but an encryption key is set ({encryption.KEY_ENV} or the "
            "keyring); unset it, or encrypt the file with `tumorboard db encrypt`; it was left untouched")
    try:
        con = encryption.connect(f"file:{path}?mode=ro", key, uri=True)
        try:
            # Reading the schema page catches a file that is not (or no longer) a database at once.
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = (con.execute("SELECT version_num FROM alembic_version").fetchone()
                        if "alembic_version" in tables else None)
        finally:
            con.close()
    except encryption.driver_errors() as exc:
        raise NotATumorboardDatabase(
            f"{path} is damaged or not a database ({exc}); it was left untouched") from None
    # Every page is read (O(size)) when asked, and always before a migration writes to the file.
    if full_check or not revision or revision[0] != head_revision():
        problem = sqlite_integrity_problem(path)
        if problem is not None:
            raise NotATumorboardDatabase(
                f"{path} failed the integrity check ({problem}); it was left untouched - restore it "
                "from a backup")
    if not tables:
        raise NotATumorboardDatabase(
            f"{path} is an SQLite database without any tables, not a tumorboard database; it was "
            "left untouched (move it away to start a new database there)")
    if "alembic_version" not in tables:
        raise NotATumorboardDatabase(
            f"{path} is an SQLite database of another program (tables: "
            f"{', '.join(sorted(tables)[:5])}); it was left untouched")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseReadOnly(
            f"{path} is read-only for this user; tumorboard needs to write to the file and its folder")
    return str(revision[0]) if revision else None


def check_for_reading(revision: str | None, where: str, *, allow_older: bool = False) -> None:
    """Refuse, before anything is written, a database that a read-only open cannot use: one
    without a tumorboard schema (empty), or one older than this app's unless ``allow_older``.
    A newer schema is ``check_not_newer``'s to refuse (it names the version needed)."""
    if revision is None:
        raise DatabaseMissing(f"{where} holds no tumorboard database yet (it is empty; nothing was "
                              "changed)")
    head = head_revision()
    if revision != head and revision in known_revisions() and not allow_older:
        raise DatabaseOutdated(f"{where} has schema {revision}, older than this tumorboard's ({head}); "
                               "it was left untouched", revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision Alembic recorded (None for an empty database), read as Alembic reads
    it, without importing it."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        heads = [str(r) for r in conn.execute(text("SELECT version_num FROM alembic_version")).scalars()]
    if len(heads) > 1:
        raise StoreError(f"the database records more than one schema revision ({', '.join(heads)})")
    return heads[0] if heads else None


def _required_version(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT value FROM tumorboard_meta WHERE key = 'min_app_version'"))
            value = row.scalar()
            return str(value) if value is not None else None
    except SQLAlchemyError:  # a newer schema may lack the table; the message copes without it
        return None


def check_not_newer(engine: Engine, revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        needed = _required_version(engine)
        wanted = f"tumorboard {needed} or newer" if needed else "a newer version of tumorboard"
        raise DatabaseTooNew(
            f"this database was written by a newer tumorboard (schema {revision}); it needs {wanted}. "
            f"This is tumorboard {__version__}. The database was left untouched.", needed)


def automatic_backup_path(db_path: Path, revision: str | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return db_path.parent / "backups" / f"{db_path.stem}-before-upgrade-{revision or 'new'}-{stamp}.sqlite3"


def upgrade(engine: Engine, url: str, *, app_role: str | None = None) -> str | None:
    """Bring the schema to the head revision; returns the backup path taken, if any.

    All migrations run in one transaction (``engine.begin()``: on SQLite tumorboard emits the
    BEGIN itself, so the DDL is inside it too, and SQLite's DDL is transactional): a failure or
    a crash at any statement leaves the database at the revision it had
    (``tests/integration/test_migration_atomicity.py`` kills the upgrade at every statement).
    On PostgreSQL, ``app_role`` (default: TUMORBOARD_APP_ROLE) is granted the app's data rights
    on every table and sequence, in the same transaction, even when the schema was current already
    (``tumorboard db upgrade`` run as the owner re-applies them)."""
    role = app_role if app_role is not None else (os.environ.get(APP_ROLE_ENV, "").strip() or None)
    revision = current_revision(engine)
    check_not_newer(engine, revision)
    head = head_revision()
    on_server = engine.dialect.name == "postgresql"
    if revision == head:
        if on_server and role:
            try:
                with engine.begin() as conn:
                    grant_app_role(conn, role)
            except SQLAlchemyError as exc:
                raise StoreError(f"granting the data rights to role {role} failed: "
                                 f"{getattr(exc, 'orig', exc)}") from None
        return None
    backup = None
    path = sqlite_path(url)
    if path is not None and revision is not None:
        backup = str(backup_sqlite(path, automatic_backup_path(path, revision)))
    from alembic import command  # only to migrate: a current schema never imports Alembic

    cfg = alembic_config(url)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.execute(text("DELETE FROM tumorboard_meta WHERE key IN ('min_app_version', 'written_by')"))
            conn.execute(text("INSERT INTO tumorboard_meta (key, value) VALUES ('min_app_version', :v), "
                              "('written_by', :w)"),
                         {"v": REVISION_APP_VERSION.get(head, __version__), "w": __version__})
            if on_server and role:
                grant_app_role(conn, role)
    except StoreError:
        raise
    except Exception as exc:
        words = str(getattr(exc, "orig", exc)).lower()
        if on_server and any(w in words for w in ("permission denied", "must be owner",
                                                   "no schema has been selected")):
            raise SchemaNotOwned(
                f"the database's schema needs {'creating' if revision is None else 'an upgrade'} (to "
                f"{head}) and this database role may not change it; run `tumorboard db upgrade` as the "
                "schema's owner (--migration-database URL, or TUMORBOARD_MIGRATION_DATABASE_URL); "
                "nothing was changed") from None
        raise StoreError(_failed_upgrade(engine, revision, head, backup, exc)) from exc
    return backup


def _failed_upgrade(engine: Engine, revision: str | None, head: str, backup: str | None,
                    exc: Exception) -> str:
    cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else \
        type(exc).__name__
    try:
        now = current_revision(engine)
    except SQLAlchemyError:
        now = "unknown"
    before = revision or "none (a new database)"
    if now == revision:
        state = f"the transaction was rolled back: the database is unchanged, still at schema {before}"
    else:
        state = f"the database is now at schema {now or 'none'}, not {before}: do not use it"
    message = f"upgrading the database from schema {before} to {head} failed ({cause}); {state}."
    if backup is not None:
        message += (f" The copy taken before the upgrade is {backup}; to go back to it, close "
                    f"tumorboard and run `tumorboard db restore {backup}`.")
    return message


def grant_app_role(conn: Connection, role: str) -> None:
    """Give ``role`` the app's data rights on the current schema (PostgreSQL), not ownership: it
    can read and write rows as the triggers allow, never alter, disable or drop a trigger, truncate
    a table or change the audit trail. Idempotent; run by the owner after each upgrade."""
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if exists is None:
        raise StoreError(f"the app's database role {role!r} ({APP_ROLE_ENV}) does not exist on the server; "
                         f"create it first (CREATE ROLE {role} LOGIN PASSWORD '...')")
    if conn.execute(text("SELECT current_user")).scalar() == role:
        return  # the owner and the app are one role: nothing to grant (and it can drop the triggers)
    q = conn.dialect.identifier_preparer.quote
    who = q(role)
    schema_name = str(conn.execute(text("SELECT current_schema()")).scalar())
    tables = [str(t) for t in conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema_name}).scalars()]
    conn.execute(text(f"GRANT USAGE ON SCHEMA {q(schema_name)} TO {who}"))
    for table in tables:
        name = f"{q(schema_name)}.{q(table)}"
        conn.execute(text(f"REVOKE ALL ON {name} FROM {who}"))
        if table in _READ_ONLY:
            rights = "SELECT"
        elif table in _APPEND_ONLY:
            rights = "SELECT, INSERT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        conn.execute(text(f"GRANT {rights} ON {name} TO {who}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {q(schema_name)} TO {who}"))


def owns_tables(engine: Engine) -> bool | None:
    """PostgreSQL: does the connected role own the audit trail's table (and so can drop or disable
    its triggers)? None on SQLite or without the table."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log' "
                                  "AND schemaname = current_schema()")).scalar()
        if owner is None:
            return None
        return bool(owner == conn.execute(text("SELECT current_user")).scalar())


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())
