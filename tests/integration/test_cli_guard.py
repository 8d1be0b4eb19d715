"""The command line protects patient data as the app does (issue 12, item 7).

- Once a database has accounts, every command that shows patient names, record numbers or
  clinical content (or the accounts) needs a signed-in user; a wrong password is refused.
- Reading commands never create or migrate a database: a mistyped path is an error naming it.
- ``tumorboard --demo COMMAND`` runs the command on the demo database, never on the real one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from prepared_databases import DEMO, PreparedDatabases

from tumorboard.cli import main
from tumorboard.domain.users import Role
from tumorboard.services.accounts import DEMO_PASSWORD, AccountService
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

PASSWORD = "coordinator password 1"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def shows_no_patient(text: str) -> bool:
    """The demo's patients are all "<first name> Demo" with record numbers DEMO-nnnn."""
    return "DEMO-" not in text and " Demo" not in text


@pytest.fixture(autouse=True)
def nobody_signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TUMORBOARD_USER", "TUMORBOARD_PASSWORD", "TUMORBOARD_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def board_template(prepared: PreparedDatabases, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A department database with accounts (the demo's cases and meetings plus a coordinator)
    and the id of its signed meeting."""
    path = prepared.copy(DEMO, tmp_path_factory.mktemp("template") / "tb.sqlite3")
    db = Database.open(str(path))
    try:
        accounts = AccountService(db)
        admin = accounts.authenticate("demo-admin", DEMO_PASSWORD)
        accounts.create_user(admin, "coord", "Casey Coordinator", None, Role.COORDINATOR, PASSWORD)
        signed = next(m.id for m in MeetingService(db).listing() if m.signed)
    finally:
        db.close()
    return path, signed


@pytest.fixture
def board(board_template: tuple[Path, int], tmp_path: Path) -> tuple[str, str]:
    """(database file, id of its signed meeting), a fresh copy per test."""
    template, signed = board_template
    folder = tmp_path / "board"
    folder.mkdir()
    path = folder / "tb.sqlite3"
    path.write_bytes(template.read_bytes())
    os.chmod(path, 0o600)
    return str(path), str(signed)


def sign_in_as_coordinator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUMORBOARD_USER", "coord")
    monkeypatch.setenv("TUMORBOARD_PASSWORD", PASSWORD)


# -- sign-in for what shows patient data -------------------------------------------------------

@pytest.mark.parametrize("command", ["list", "show"])
@pytest.mark.parametrize(("user", "password", "refusal"), [
    (None, None, "error: --user: this database has user accounts; sign in with --user USERNAME"),
    ("coord", "not the password", "error: --user coord: unknown username or wrong password"),
    ("nobody", PASSWORD, "error: --user nobody: unknown username or wrong password"),
])
def test_meeting_reads_need_a_signed_in_user(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                            board: tuple[str, str], command: str, user: str | None,
                                            password: str | None, refusal: str) -> None:
    database, meeting_id = board
    if password is not None:
        monkeypatch.setenv("TUMORBOARD_PASSWORD", password)
    args = ["meetings", command, *([meeting_id] if command == "show" else []), "--database", database,
            *(["--user", user] if user else [])]
    code, out, err = run(capsys, *args)
    assert code == 3 and out == ""  # not signed in: exit 3 (commands/exit_codes)
    assert err == refusal + "\n"
    assert shows_no_patient(out + err)


def test_signed_in_meeting_reads_still_work(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                            board: tuple[str, str]) -> None:
    database, meeting_id = board
    monkeypatch.setenv("TUMORBOARD_PASSWORD", PASSWORD)
    code, out, err = run(capsys, "meetings", "list", "--database", database, "--user", "coord")
    assert code == 0, err
    assert out.count("Breast MDT") == 2 and "signed" in out
    code, out, err = run(capsys, "meetings", "show", meeting_id, "--database", database, "--user", "coord")
    assert code == 0, err
    assert "DEMO-0014" in out and " Demo" in out and "Signed by" in out


@pytest.mark.parametrize("args", [
    ["export", "DEMO-0014"],
    ["export", "DEMO-0014", "-o", "{out}/case.json"],
    ["minutes", "{meeting}", "-o", "{out}/minutes.pdf"],
    ["minutes", "{meeting}", "--pseudonymise", "-o", "{out}/minutes.pdf"],
    ["db", "backup", "{out}/copy.sqlite3"],  # every patient's record, copied out
    ["users", "list"],  # staff names and usernames, half of each sign-in
])
def test_every_command_that_shows_patient_data_needs_a_signed_in_user(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, board: tuple[str, str],
        tmp_path: Path, args: list[str]) -> None:
    database, meeting_id = board
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    argv = [a.format(out=out_dir, meeting=meeting_id) for a in args]
    code, out, err = run(capsys, *argv, "--database", database)
    assert code == 3 and out == ""
    assert err.startswith("error: --user: ") and err.count("\n") == 1
    assert shows_no_patient(err)
    assert not list(out_dir.iterdir())
    sign_in_as_coordinator(monkeypatch)
    if argv[:2] == ["db", "backup"]:  # the whole record: an administrator (tests/integration/test_record_guard.py)
        monkeypatch.setenv("TUMORBOARD_USER", "demo-admin")
        monkeypatch.setenv("TUMORBOARD_PASSWORD", DEMO_PASSWORD)
    code, out, err = run(capsys, *argv, "--database", database)
    assert code == 0, err
    if argv[0] == "export" and "-o" not in argv:
        assert '"mrn": "DEMO-0014"' in out


@pytest.mark.parametrize("args", [["settings"], ["settings", "show"], ["db", "current"]])
def test_commands_that_show_no_patient_data_stay_open(capsys: pytest.CaptureFixture[str],
                                                      board: tuple[str, str], args: list[str]) -> None:
    database, _ = board
    code, out, err = run(capsys, *args, "--database", database)
    assert code == 0, err
    assert out and shows_no_patient(out)


# -- reading never creates or migrates -----------------------------------------------------

READ_COMMANDS = [
    ["meetings", "list"],
    ["meetings", "show", "1"],
    ["export", "X-1"],
    ["export", "X-1", "-o", "{out}/case.json"],
    ["minutes", "1", "-o", "{out}/minutes.pdf"],
    ["settings"],
    ["users", "list"],
    ["db", "current"],
    ["db", "backup", "{out}/copy.sqlite3"],
]


@pytest.mark.parametrize("args", READ_COMMANDS)
@pytest.mark.parametrize("where", ["mistyped file name", "missing folder"])
def test_a_read_command_on_a_missing_path_names_it_and_creates_nothing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], where: str) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    missing = work / "tb.sqlte3" if where == "mistyped file name" else work / "typo" / "tb.sqlite3"
    code, out, err = run(capsys, *(a.format(out=out_dir) for a in args), "--database", str(missing))
    assert code == 2 and out == ""
    assert err.startswith("error: --database: there is no database at ") and str(missing) in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not list(work.iterdir()) and not list(out_dir.iterdir())


def test_the_command_line_script_refuses_a_missing_database_too(tmp_path: Path) -> None:
    import subprocess
    import sys

    missing = tmp_path / "nothing" / "tb.sqlite3"
    proc = subprocess.run([sys.executable, "-m", "tumorboard", "meetings", "list", "--database", str(missing)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TUMORBOARD_DATABASE_URL": ""})
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: --database: ") and str(missing) in proc.stderr
    assert not (tmp_path / "nothing").exists()


def _older_database(url: str) -> None:
    from alembic import command
    from pg_roles import grant_app_role, owner_url, reset_postgresql

    from tumorboard.store.schema import alembic_config

    owner = owner_url(url)
    if not owner.startswith("sqlite"):
        reset_postgresql(url)  # the fixture's schema (migrated by its owner) made empty again
    command.upgrade(alembic_config(owner), "0003")  # before accounts existed, by the schema's owner
    grant_app_role(url)


def _tables_and_revision(url: str) -> tuple[list[str], str | None]:
    from sqlalchemy import create_engine, inspect

    from tumorboard.store.location import resolve_database_url
    from tumorboard.store.schema import current_revision

    engine = create_engine(resolve_database_url(url))
    try:
        return sorted(inspect(engine).get_table_names()), current_revision(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", [a for a in READ_COMMANDS if a != ["db", "current"]])
def test_a_read_command_on_an_older_database_asks_for_db_upgrade_and_changes_nothing(
        capsys: pytest.CaptureFixture[str], db_url: str, backend: str, tmp_path: Path, args: list[str]) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    _older_database(db_url)
    before = snapshot(tmp_path) if backend == "sqlite" else _tables_and_revision(db_url)
    code, out, err = run(capsys, *(a.format(out=out_dir) for a in args), "--database", db_url)
    assert code == 2 and out == ""
    assert err.startswith("error: database: ") and "schema 0003, older than" in err
    assert "run `tumorboard db upgrade` first" in err and err.count("\n") == 1
    after = snapshot(tmp_path) if backend == "sqlite" else _tables_and_revision(db_url)
    assert after == before  # byte for byte: no migration, no backup, no journal mode change


def test_db_current_reports_an_older_database_without_upgrading_it(
        capsys: pytest.CaptureFixture[str], db_url: str, backend: str, tmp_path: Path) -> None:
    _older_database(db_url)
    before = snapshot(tmp_path) if backend == "sqlite" else _tables_and_revision(db_url)
    code, out, err = run(capsys, "db", "current", "--database", db_url)
    assert code == 0, err
    assert "schema 0003 (needs upgrade to" in out
    assert (snapshot(tmp_path) if backend == "sqlite" else _tables_and_revision(db_url)) == before


def test_a_read_command_on_an_empty_server_database_creates_nothing(
        capsys: pytest.CaptureFixture[str], postgresql_url: str) -> None:
    code, out, err = run(capsys, "meetings", "list", "--database", postgresql_url)
    assert code == 2 and out == ""
    assert err.startswith("error: --database: ") and "holds no tumorboard database yet" in err
    assert "***" in err or "ci@" not in err  # the password is never printed
    assert _tables_and_revision(postgresql_url) == ([], None)
    code, _, err = run(capsys, "boards", "create", "Breast MDT", "--database", postgresql_url)
    assert code == 0, err  # a writing command still creates the schema
    assert _tables_and_revision(postgresql_url)[1] is not None


def test_a_writing_command_still_creates_the_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "new" / "tb.sqlite3"
    code, out, err = run(capsys, "boards", "create", "Breast MDT", "--database", str(target))
    assert code == 0 and "Breast MDT" in out, err
    code, out, err = run(capsys, "meetings", "create", "--board", "Breast MDT", "--date", "2025-06-10",
                         "--database", str(target))
    assert code == 0 and out.strip().isdigit(), err
    code, out, err = run(capsys, "meetings", "list", "--database", str(target))
    assert code == 0 and "Breast MDT" in out, err


# -- --demo before a subcommand ---------------------------------------------------------------

@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data folder (where the app keeps its database and the demo's) for this test."""
    from tumorboard.store import location

    data = tmp_path / "data"
    monkeypatch.setattr(location, "data_dir", lambda: data)
    return data


def test_demo_before_a_command_runs_it_on_the_demo_database_not_the_real_one(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        data_folder: Path) -> None:
    real = tmp_path / "real" / "tb.sqlite3"
    code, _, err = run(capsys, "boards", "create", "Lung MDT", "--database", str(real))
    assert code == 0, err
    monkeypatch.setenv("TUMORBOARD_DATABASE_URL", str(real))
    monkeypatch.setenv("TUMORBOARD_USER", "someone-of-the-real-database")
    before = snapshot(real.parent)

    code, out, err = run(capsys, "--demo", "meetings", "list")
    assert code == 0, err
    assert "Breast MDT" in out and "Lung MDT" not in out
    demo = data_folder / "demo.sqlite3"
    assert demo.exists() and f"demo database created: {demo}" in err
    signed = next(line.split("\t")[0] for line in out.splitlines() if line.endswith("signed"))
    code, out, err = run(capsys, "--demo", "meetings", "show", signed)  # signed in as the demo chair
    assert code == 0, err
    assert "DEMO-0014" in out and err == ""

    code, new_id, err = run(capsys, "--demo", "meetings", "create", "--board", "Breast MDT", "--date",
                            "2031-01-09")
    assert code == 0, err
    code, out, _ = run(capsys, "--demo", "meetings", "list")
    assert out.startswith(f"{new_id.strip()}\t2031-01-09")  # the same demo database, kept between commands
    assert snapshot(real.parent) == before  # the real database was not even opened


@pytest.mark.parametrize("args", [
    ["--demo", "--database", "{db}", "meetings", "list"],
    ["--demo", "meetings", "list", "--database", "{db}"],
])
def test_demo_with_another_database_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               data_folder: Path, args: list[str]) -> None:
    db = tmp_path / "real.sqlite3"
    code, out, err = run(capsys, *(a.format(db=db) for a in args))
    assert code == 2 and out == ""
    assert err.startswith("error: --demo: the demo has its own database; drop --database")
    assert err.count("\n") == 1
    assert not db.exists() and not data_folder.exists()
