"""Opening databases: migrations, SQLite settings, refusals that leave files untouched, backups."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from prepared_databases import DEMO, PreparedDatabases
from sqlalchemy import inspect, text

from tumorboard.store import (
    Database,
    DatabaseLocked,
    DatabaseReadOnly,
    DatabaseTooNew,
    NotATumorboardDatabase,
)
from tumorboard.store.models import Base
from tumorboard.store.schema import head_revision, sqlite_integrity_problem
from tumorboard.store.text_search import include_object


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_built_by_migrations_to_head(db: Database) -> None:
    assert db.revision() == head_revision()
    tables = set(inspect(db.engine).get_table_names())
    assert {"patients", "cases", "lesions", "therapies", "audit_log", "alembic_version"} <= tables


def test_the_known_revisions_are_the_migrations_alembic_finds() -> None:
    from alembic.script import ScriptDirectory

    from tumorboard.store.schema import alembic_config, known_revisions

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}


def test_reading_the_revision_imports_no_alembic(sqlite_db: Database) -> None:
    import subprocess
    import sys

    code = ("import sys; from tumorboard.store import Database; db = Database.open(sys.argv[1], migrate=False); "
            "print(db.revision(), sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'jsonschema')))")
    done = subprocess.run([sys.executable, "-c", code, sqlite_db.url], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [head_revision(), "[]"]


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_autogenerate_finds_nothing_pending(db: Database) -> None:
    # Revision 0011's trigram table and expression/GIN indexes are not described by the models.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_connections_use_the_safe_settings(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_database_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite3"
    Database.open(str(path)).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_file_that_is_not_a_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("meeting notes, not a database")
    before = digest(path)
    with pytest.raises(NotATumorboardDatabase, match="left untouched"):
        Database.open(str(path))
    assert digest(path) == before


def test_another_programs_sqlite_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(NotATumorboardDatabase, match="another program"):
        Database.open(str(path))
    assert digest(path) == before


def test_a_corrupt_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.sqlite3"
    Database.open(str(path)).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(NotATumorboardDatabase):
        Database.open(str(path))
    assert digest(path) == before


def _wreck_table(path: Path, table: str) -> None:
    """Overwrite the root page of ``table``: the schema page stays readable, the damage is deep."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=DELETE")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start:start + page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))


def test_damage_below_the_schema_is_found_by_the_full_check_or_later(tmp_path: Path) -> None:
    path = tmp_path / "deep.sqlite3"
    Database.open(str(path)).close()
    assert sqlite_integrity_problem(path) is None
    _wreck_table(path, "audit_log")
    before = digest(path)
    with pytest.raises(NotATumorboardDatabase, match="failed the integrity check"):
        Database.open(str(path))  # the default (CLI, services): every page read first
    assert digest(path) == before
    problem = sqlite_integrity_problem(path)
    assert problem is not None and problem != "ok"
    # The desktop app opens with the light check and reads every page once its window is up.
    db = Database.open(str(path), check_integrity=False)
    db.close()


def test_an_older_damaged_database_is_never_migrated(tmp_path: Path) -> None:
    from alembic import command

    from tumorboard.store.schema import alembic_config

    path = tmp_path / "old.sqlite3"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "0001")
    _wreck_table(path, "audit_log")
    before = digest(path)
    with pytest.raises(NotATumorboardDatabase, match="failed the integrity check"):
        Database.open(str(path), check_integrity=False)  # a migration would write: full check anyway
    assert digest(path) == before
    assert not (tmp_path / "backups").exists()


def test_a_database_from_a_newer_app_is_refused_naming_the_version(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    Database.open(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.execute("UPDATE tumorboard_meta SET value = '3.2.0' WHERE key = 'min_app_version'")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(DatabaseTooNew, match=r"tumorboard 3\.2\.0 or newer") as exc:
        Database.open(str(path))
    assert exc.value.required_version == "3.2.0"
    assert digest(path) == before


def test_an_older_database_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    from alembic import command

    from tumorboard.store.schema import alembic_config

    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "0001")  # the schema an older install left behind
    con = sqlite3.connect(path)
    con.execute("INSERT INTO audit_log (at, actor, action, entity, entity_id) "
                "VALUES ('2025-01-01 00:00:00', 'old app', 'create', 'case', 'X-1')")
    con.commit()
    con.close()
    db = Database.open(url)
    try:
        assert db.revision() == head_revision()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT actor FROM audit_log")).scalar() == "old app"
    finally:
        db.close()
    backups = list((tmp_path / "backups").glob("old-before-upgrade-0001-*.sqlite3"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 1
    finally:
        con.close()


def test_the_audit_log_is_append_only_in_the_database(db: Database) -> None:
    from sqlalchemy.exc import DatabaseError

    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (at, actor, action, entity, entity_id) "
                          "VALUES ('2025-01-01 00:00:00', 'a', 'create', 'case', 'X')"))
    from pg_roles import owner_url
    from sqlalchemy import create_engine

    owner = create_engine(owner_url(db.url))  # the triggers refuse even the tables' owner
    try:
        for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
            with pytest.raises(DatabaseError, match="append-only"), owner.begin() as conn:
                conn.execute(text(statement))
    finally:
        owner.dispose()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_log")).scalar() == "a"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_database_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    Database.open(str(path)).close()
    path.chmod(0o400)
    with pytest.raises(DatabaseReadOnly, match="read-only"):
        Database.open(str(path))


def test_a_read_only_database_file_is_refused_even_for_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root bypasses permission bits, so the check is exercised through os.access."""
    path = tmp_path / "ro.sqlite3"
    Database.open(str(path)).close()
    real_access = os.access

    def fake_access(p: object, mode: int) -> bool:
        if Path(str(p)) == path and mode == os.W_OK:
            return False
        return real_access(p, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", fake_access)
    before = digest(path)
    with pytest.raises(DatabaseReadOnly, match="read-only"):
        Database.open(str(path))
    assert digest(path) == before


def test_a_locked_database_gives_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tumorboard.domain.case import Case, MetastaticDisease, Patient, Tumour
    from tumorboard.domain.vocab import Sex
    from tumorboard.services.cases import CaseService
    from tumorboard.store import database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "locked.sqlite3"
    db = Database.open(str(path))
    locker = sqlite3.connect(path)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        from datetime import date

        case = Case(Patient("L-1", date(1970, 1, 1), Sex.FEMALE),
                    Tumour(date(2024, 1, 1), "T1", "N0", "M0", True), MetastaticDisease())
        with pytest.raises(DatabaseLocked, match="locked"):
            CaseService(db).create(case)
    finally:
        locker.rollback()
        locker.close()
        db.close()


def test_online_backup_is_a_consistent_private_copy(tmp_path: Path, prepared: PreparedDatabases) -> None:
    db = Database.open(str(prepared.copy(DEMO, tmp_path / "tb.sqlite3")))
    try:
        target = db.backup(tmp_path / "backups" / "copy.sqlite3")
    finally:
        db.close()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    con = sqlite3.connect(target)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM patients").fetchone()[0] == 30
    finally:
        con.close()


def test_a_new_database_in_folders_that_do_not_exist_yet(tmp_path: Path) -> None:
    """A first start: the user data folder and its parents are created."""
    path = tmp_path / "home" / ".local" / "share" / "tumorboard" / "tumorboard.sqlite3"
    Database.open(str(path)).close()
    assert path.exists()


def test_a_newer_schema_is_refused_on_every_backend(db_url: str) -> None:
    from pg_roles import owner_url
    from sqlalchemy import create_engine

    db = Database.open(db_url)
    engine = create_engine(owner_url(db.url))  # the schema's owner writes the revision
    db.close()
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
            conn.execute(text("UPDATE tumorboard_meta SET value = '9.1.0' WHERE key = 'min_app_version'"))
        with pytest.raises(DatabaseTooNew, match=r"tumorboard 9\.1\.0 or newer"):
            Database.open(db_url)
        with engine.connect() as conn:  # left as it was: no downgrade, no meta rewritten
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"
    finally:
        engine.dispose()


def test_a_server_database_of_another_program_is_refused_and_untouched(postgresql_url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(postgresql_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE invoices (id integer PRIMARY KEY)"))
        with pytest.raises(NotATumorboardDatabase, match="another program"):
            Database.open(postgresql_url)
        assert set(inspect(engine).get_table_names()) == {"invoices"}
    finally:
        engine.dispose()
