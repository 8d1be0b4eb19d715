"""Backups and restore of the SQLite database: consistent while in use, rotated, private, and a
restore that refuses anything but a good backup and keeps the database it replaces."""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from prepared_databases import DEMO, PreparedDatabases

from tumorboard.cli import main
from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME
from tumorboard.store import Database
from tumorboard.store.backup import backups_folder, daily_backup, daily_backup_path

DAY = date(2025, 6, 10)
DEMO_ADMIN = "demo-admin"  # the demo database's administrator (same synthetic password as its chair)
AS_ADMIN = ("--user", DEMO_ADMIN)  # backup and restore: an administrator's sign-in


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)  # tests run as root: check the bits, not access


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its content hash: 'nothing touched' made checkable."""
    return {str(p.relative_to(folder)): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def restore(capsys: pytest.CaptureFixture[str], backup: Path, database: Path) -> tuple[int, str, str]:
    code = main(["db", "restore", str(backup), "--database", str(database), *AS_ADMIN])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(prepared: PreparedDatabases, tmp_path: Path) -> Path:
    return prepared.copy(DEMO, tmp_path / "live" / "tb.sqlite3")


# -- backups ---------------------------------------------------------------------------------

def test_backup_while_another_connection_holds_a_write_transaction_is_consistent(
        demo_db: Path, tmp_path: Path) -> None:
    lesions, cases = count(demo_db, "lesions"), count(demo_db, "cases")
    db = Database.open(str(demo_db))
    writer = sqlite3.connect(demo_db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a save in progress on another workstation
        writer.execute("DELETE FROM lesions")
        writer.execute("UPDATE cases SET status = 'closed'")
        online = db.backup(tmp_path / "online.sqlite3")
        daily = daily_backup(demo_db, keep=3, today=DAY + timedelta(days=1))
        writer.execute("COMMIT")
    finally:
        writer.close()
        db.close()
    assert daily is not None
    for copy in (online, daily):
        assert integrity(copy) == "ok"
        assert count(copy, "lesions") == lesions  # the uncommitted change is not in the backup
        assert count(copy, "cases") == cases
        con = sqlite3.connect(copy)
        try:
            assert con.execute("SELECT count(*) FROM cases WHERE status = 'closed'").fetchone()[0] < cases
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        finally:
            con.close()
        assert mode(copy) == 0o600
    assert count(demo_db, "lesions") == 0  # and the writer's commit went through afterwards


def test_the_first_open_of_the_day_takes_a_private_backup(tmp_path: Path) -> None:
    path = tmp_path / "tb.sqlite3"
    Database.open(str(path)).close()  # a new database: nothing to back up yet
    assert not backups_folder(path).exists()
    Database.open(str(path)).close()
    today = daily_backup_path(path, date.today())
    assert today.exists() and integrity(today) == "ok"
    assert mode(today) == 0o600 and mode(today.parent) == 0o700
    before = digest(today)
    Database.open(str(path)).close()  # the second open of the day leaves it alone
    assert [p.name for p in backups_folder(path).iterdir()] == [today.name]
    assert digest(today) == before


def test_rotation_keeps_the_newest_daily_backups_only(tmp_path: Path) -> None:
    path = tmp_path / "tb.sqlite3"
    Database.open(str(path)).close()
    folder = backups_folder(path)
    folder.mkdir()
    precious = folder / "tb-before-upgrade-0001-20250101T000000Z.sqlite3"
    precious.write_bytes(b"taken before an upgrade")
    other = folder / "notes.txt"
    other.write_text("a user's file")
    for offset in range(20):
        daily_backup(path, keep=5, today=DAY + timedelta(days=offset))
    daily = sorted(p.name for p in folder.glob("tb-daily-*"))
    newest = [daily_backup_path(path, DAY + timedelta(days=d)).name for d in range(15, 20)]
    assert daily[-5:] == newest  # the five newest, then one per older week and month
    older = [p for p in daily if p not in newest]
    assert 1 <= len(older) <= 3, daily  # 20 days: at most three more weeks or a month start
    assert precious.exists() and other.exists()


def test_the_number_kept_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tb.sqlite3"
    Database.open(str(path)).close()
    for offset in range(6):
        daily_backup(path, keep=10, today=DAY - timedelta(days=offset))
    monkeypatch.setenv("TUMORBOARD_BACKUP_KEEP", "3")
    Database.open(str(path)).close()  # today's backup, then down to three
    names = sorted(p.name for p in backups_folder(path).glob("tb-daily-*"))
    assert names[-1] == daily_backup_path(path, date.today()).name
    assert len(names) < 7  # three daily, plus the newest of each older week or month there is


def test_keep_zero_turns_daily_backups_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tb.sqlite3"
    Database.open(str(path)).close()
    monkeypatch.setenv("TUMORBOARD_BACKUP_KEEP", "0")
    Database.open(str(path)).close()
    assert not backups_folder(path).exists()


def test_a_bad_setting_falls_back_to_the_default_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "tb.sqlite3"
    Database.open(str(path)).close()
    monkeypatch.setenv("TUMORBOARD_BACKUP_KEEP", "fourteen")
    with caplog.at_level(logging.WARNING, logger="tumorboard"):
        Database.open(str(path)).close()
    assert "TUMORBOARD_BACKUP_KEEP" in caplog.text
    assert daily_backup_path(path, date.today()).exists()


def test_a_failing_daily_backup_does_not_keep_the_board_from_its_cases(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "tb.sqlite3"
    Database.open(str(path)).close()
    backups_folder(path).write_text("a file where the backups folder should be")
    with caplog.at_level(logging.WARNING, logger="tumorboard"):
        Database.open(str(path)).close()
    assert "daily backup" in caplog.text and "failed" in caplog.text


# -- restore ---------------------------------------------------------------------------------

def test_restore_puts_the_backup_in_place_and_keeps_the_replaced_database(
        capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path, example_files: list[Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in_as_demo_chair(monkeypatch)
    backup = tmp_path / "saved.sqlite3"
    assert main(["db", "backup", str(backup), "--database", str(demo_db), *AS_ADMIN]) == 0
    assert mode(backup) == 0o600
    assert main(["import", *map(str, example_files), "--database", str(demo_db)]) == 0
    capsys.readouterr()
    after_import = count(demo_db, "patients")
    code, out, err = restore(capsys, backup, demo_db)
    assert code == 0, err
    assert count(demo_db, "patients") == 30 and integrity(demo_db) == "ok"
    replaced = list(demo_db.parent.glob("tb.sqlite3.replaced-*"))
    assert len(replaced) == 1 and replaced[0].name in out
    assert count(replaced[0], "patients") == after_import  # nothing of the replaced data is lost
    assert mode(demo_db) == 0o600 and mode(replaced[0]) == 0o600
    assert not list(demo_db.parent.glob("*.part")) and not list(demo_db.parent.glob("tb.sqlite3-wal"))
    db = Database.open(str(demo_db))  # and the app opens it as usual
    db.close()


def test_restore_of_an_older_revision_is_accepted_and_upgraded_on_open(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from alembic import command

    from tumorboard.store.schema import alembic_config, head_revision

    old = tmp_path / "old.sqlite3"
    command.upgrade(alembic_config(f"sqlite:///{old}"), "0001")
    target = tmp_path / "here" / "tb.sqlite3"  # no database there yet: nothing to keep aside
    code, out, err = restore(capsys, old, target)
    assert code == 0, err
    assert "kept as" not in out and mode(target) == 0o600
    db = Database.open(str(target))
    try:
        assert db.revision() == head_revision()
    finally:
        db.close()


def _other_programs_database(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()


def _newer_revision(path: Path) -> None:
    Database.open(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.execute("UPDATE tumorboard_meta SET value = '9.0.0' WHERE key = 'min_app_version'")
    con.commit()
    con.close()


def _damaged(path: Path) -> None:
    Database.open(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: p.write_text("meeting notes, not a database"), "not an SQLite database"),
    (lambda p: p.write_bytes(os.urandom(8192)), "not an SQLite database"),
    (lambda p: p.write_bytes(b"SQLite format 3\x00" + os.urandom(8192)), "damaged or not a database"),
    (lambda p: p.write_bytes(b""), "not an SQLite database"),
    (_other_programs_database, "not a tumorboard database (tables: invoices)"),
    (_newer_revision, "newer tumorboard (schema 0099); it needs tumorboard 9.0.0 or newer"),
    (_damaged, ""),
], ids=["text", "garbage", "garbage-with-sqlite-header", "empty", "another-program", "newer", "damaged"])
def test_restore_refuses_what_is_not_a_good_backup_and_touches_nothing(
        capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path, make: object,
        expected: str) -> None:
    bad = tmp_path / "incoming" / "backup.sqlite3"
    bad.parent.mkdir()
    make(bad)  # type: ignore[operator]
    before = {**snapshot(demo_db.parent), **snapshot(bad.parent)}
    code, out, err = restore(capsys, bad, demo_db)
    assert code == 2 and out == ""
    assert err.startswith("error: restore: ") and err.count("\n") == 1, err
    assert expected in err and "nothing was changed" in err
    assert {**snapshot(demo_db.parent), **snapshot(bad.parent)} == before


def test_restore_refuses_a_missing_file_and_a_database_in_use(
        capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = restore(capsys, tmp_path / "nope.sqlite3", demo_db)
    assert code == 2 and "does not exist" in err
    backup = tmp_path / "b.sqlite3"
    sign_in_as_demo_chair(monkeypatch)  # a backup copies every patient's record: signed in
    assert main(["db", "backup", str(backup), "--database", str(demo_db), *AS_ADMIN]) == 0
    capsys.readouterr()
    db = Database.open(str(demo_db))
    try:
        with db.engine.connect() as conn:  # the app is open on it
            conn.exec_driver_sql("SELECT count(*) FROM cases").fetchone()
            before = digest(demo_db)
            code, _, err = restore(capsys, backup, demo_db)
            assert code == 2 and "is in use" in err and "close tumorboard" in err
            assert digest(demo_db) == before
    finally:
        db.close()
    assert not list(demo_db.parent.glob("*.replaced-*"))


def test_restore_refuses_a_copy_of_a_database_in_use(capsys: pytest.CaptureFixture[str], demo_db: Path,
                                                     tmp_path: Path) -> None:
    live = Database.open(str(demo_db))
    try:
        with live.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1").fetchone()
            assert Path(f"{demo_db}-wal").exists()
            copy = tmp_path / "copy.sqlite3"
            copy.write_bytes(demo_db.read_bytes())
            Path(f"{copy}-wal").write_bytes(b"x" * 100)  # copied with its write-ahead log
    finally:
        live.close()
    code, _, err = restore(capsys, copy, demo_db)
    assert code == 2 and "write-ahead log" in err


def test_restore_refuses_a_stray_log_where_the_database_is_missing(
        capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    backup = tmp_path / "b.sqlite3"
    sign_in_as_demo_chair(monkeypatch)  # a backup copies every patient's record: signed in
    assert main(["db", "backup", str(backup), "--database", str(demo_db), *AS_ADMIN]) == 0
    capsys.readouterr()
    target = tmp_path / "elsewhere" / "tb.sqlite3"
    target.parent.mkdir()
    Path(f"{target}-wal").write_bytes(b"left over from a database that was deleted")
    code, _, err = restore(capsys, backup, target)
    assert code == 2 and "without its database" in err
    assert not target.exists()


def test_restore_replaces_a_damaged_database(capsys: pytest.CaptureFixture[str], demo_db: Path,
                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backup = tmp_path / "b.sqlite3"
    sign_in_as_demo_chair(monkeypatch)  # a backup copies every patient's record: signed in
    assert main(["db", "backup", str(backup), "--database", str(demo_db), *AS_ADMIN]) == 0
    capsys.readouterr()
    demo_db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)  # the disk ate it
    wrecked = digest(demo_db)
    code, _, err = restore(capsys, backup, demo_db)
    assert code == 0, err
    assert integrity(demo_db) == "ok"
    (kept,) = demo_db.parent.glob("tb.sqlite3.replaced-*")
    assert digest(kept) == wrecked


def test_restore_is_for_sqlite(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code = main(["db", "restore", str(demo_db), "--database", "postgresql://u@localhost/tb"])
    _, err = capsys.readouterr()
    assert code == 2 and "pg_restore" in err


def sign_in_as_demo_chair(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo database has accounts: writing commands sign in its demo chair."""
    monkeypatch.setenv("TUMORBOARD_USER", DEMO_USERNAME)
    monkeypatch.setenv("TUMORBOARD_PASSWORD", DEMO_PASSWORD)
