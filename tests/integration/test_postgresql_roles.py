"""On PostgreSQL the app connects as a role that does not own the tables (issue 14, item 6).

The schema's owner creates and upgrades it (``tumorboard db upgrade --migration-database URL`` or
``TUMORBOARD_MIGRATION_DATABASE_URL``) and grants the app's role its data rights; that role then
works as usual but PostgreSQL itself refuses it what an owner could do behind the triggers:
``ALTER TABLE ... DISABLE TRIGGER``, ``DROP TRIGGER``, ``TRUNCATE``, changing the audit trail.

Needs both roles: ``TUMORBOARD_TEST_DATABASE_URL`` (the app's) and
``TUMORBOARD_TEST_MIGRATION_DATABASE_URL`` (the owner's), as ``.ci/run`` sets them up.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pg_roles import PG_ENV, PG_OWNER_ENV, reset_postgresql
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import ProgrammingError

from tumorboard.cli import main
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.integrity import verify_record
from tumorboard.store import Database, SchemaNotOwned
from tumorboard.store.location import database_user, resolve_database_url
from tumorboard.store.schema import head_revision, owns_tables


@pytest.fixture
def roles(postgresql_url: str) -> tuple[str, str]:
    """(the app's URL, the owner's URL) on an empty schema."""
    if not os.environ.get(PG_OWNER_ENV):
        pytest.skip(f"no owner role for the PostgreSQL test database ({PG_OWNER_ENV} is not set)")
    app = resolve_database_url(os.environ[PG_ENV])
    owner = postgresql_url
    assert database_user(app) != database_user(owner), "the app's role must not be the owner's"
    return app, owner


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def refused(url: str, statement: str) -> str:
    """PostgreSQL's refusal of ``statement`` run by the role of ``url`` (fails if it is allowed)."""
    engine = create_engine(url)
    try:
        with pytest.raises(ProgrammingError) as caught, engine.begin() as conn:
            conn.execute(text(statement))
        return str(caught.value.orig)
    finally:
        engine.dispose()


GUARDED = [
    ("ALTER TABLE decisions DISABLE TRIGGER USER", "must be owner of table decisions"),
    ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change", "must be owner of table audit_log"),
    ("DROP TRIGGER decisions_signed ON decisions", "must be owner of relation decisions"),
    ("DROP TRIGGER audit_log_no_change ON audit_log", "must be owner of relation audit_log"),
    ("DROP TABLE audit_log", "must be owner of table audit_log"),
    ("TRUNCATE audit_log", "permission denied for table audit_log"),
    ("UPDATE audit_log SET actor = 'someone else'", "permission denied for table audit_log"),
    ("DELETE FROM audit_log", "permission denied for table audit_log"),
    ("CREATE TRIGGER t BEFORE DELETE ON decisions FOR EACH ROW EXECUTE FUNCTION now()",
     "permission denied for table decisions"),
    ("UPDATE alembic_version SET version_num = '0001'", "permission denied for table alembic_version"),
]


def test_the_apps_role_works_but_cannot_disable_or_drop_the_guards(
        capsys: pytest.CaptureFixture[str], roles: tuple[str, str], example_files: list[Path]) -> None:
    app, owner = roles
    code, out, err = run(capsys, "db", "upgrade", "--migration-database", owner, "--database", app)
    assert code == 0, err
    assert f"role {database_user(app)}: data rights granted (not ownership)" in out
    db = Database.open(app)  # the app, as its own role: current schema, nothing to migrate
    try:
        assert owns_tables(db.engine) is False
        CaseService(db, actor="coordinator").import_documents(
            [(f.name, f.read_bytes()) for f in example_files[:2]])
        BoardService(db, actor="coordinator").create("Breast MDT")
        assert verify_record(db).ok
    finally:
        db.close()
    for statement, refusal in GUARDED:
        assert refusal in refused(app, statement), statement
    db = Database.open(app)
    try:
        assert verify_record(db).ok  # nothing of it got through
    finally:
        db.close()


def test_the_apps_role_cannot_create_or_upgrade_the_schema_and_says_who_can(roles: tuple[str, str]) -> None:
    app, _ = roles
    with pytest.raises(SchemaNotOwned, match=r"needs creating .* run `tumorboard db upgrade` as the "
                                             r"schema's owner \(--migration-database URL"):
        Database.open(app)
    engine = create_engine(app)
    try:
        assert inspect(engine).get_table_names() == []  # rolled back whole
    finally:
        engine.dispose()


def test_db_upgrade_takes_the_owner_from_the_environment_and_the_app_role_from_its_setting(
        capsys: pytest.CaptureFixture[str], roles: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    app, owner = roles
    monkeypatch.setenv("TUMORBOARD_MIGRATION_DATABASE_URL", owner)
    monkeypatch.setenv("TUMORBOARD_APP_ROLE", str(database_user(app)))
    code, out, err = run(capsys, "db", "upgrade")
    assert code == 0, err
    assert f"schema {head_revision()}" in out and "data rights granted" in out
    monkeypatch.delenv("TUMORBOARD_MIGRATION_DATABASE_URL")
    code, out, err = run(capsys, "db", "current", "--database", app)
    assert code == 0 and "up to date" in out, err
    assert "must be owner" in refused(app, "ALTER TABLE meetings DISABLE TRIGGER USER")


def test_an_unknown_app_role_is_named(capsys: pytest.CaptureFixture[str], roles: tuple[str, str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _, owner = roles
    monkeypatch.setenv("TUMORBOARD_APP_ROLE", "no_such_role_here")
    code, _, err = run(capsys, "db", "upgrade", "--migration-database", owner)
    assert code == 2 and err.count("\n") == 1
    assert "'no_such_role_here' (TUMORBOARD_APP_ROLE) does not exist on the server" in err
    reset_postgresql(owner)
