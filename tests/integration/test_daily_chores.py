"""The command line's daily check of every page and daily backup run in their own process, once a
day, and what the check finds is refused at every later open (store/daily_chores.py)."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from damage import settle

from tumorboard.store import Database, NotATumorboardDatabase, daily_chores
from tumorboard.store.backup import daily_backup_path


@pytest.fixture
def background(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(daily_chores.MODE_ENV, "background")


def _open_and_wait(path: Path) -> object:
    db = Database.open(str(path))
    chores = db.daily_chores
    db.close()  # the command is done; its chores may still run
    if isinstance(chores, subprocess.Popen):
        assert chores.wait(timeout=120) in (0, 1)
    return chores


def test_the_first_open_of_the_day_leaves_check_and_backup_to_another_process(
        tmp_path: Path, background: None) -> None:
    path = tmp_path / "tb.sqlite3"
    Database.open(str(path)).close()  # new: nothing to check or back up yet
    chores = _open_and_wait(path)
    assert isinstance(chores, subprocess.Popen)
    assert daily_backup_path(path, date.today()).exists()
    assert not daily_chores.due(path) and daily_chores.recorded_problem(path) is None
    assert _open_and_wait(path) is None  # the second open of the day starts nothing


def test_damage_the_daily_check_found_is_refused_until_db_check_finds_the_file_healthy(
        tmp_path: Path, background: None) -> None:
    path = tmp_path / "tb.sqlite3"
    Database.open(str(path)).close()
    wreck_a_page(path)
    _open_and_wait(path)  # this open went on: the check ran beside it
    problem = daily_chores.recorded_problem(path)
    assert problem is not None
    with pytest.raises(NotATumorboardDatabase, match="failed the integrity check"):
        Database.open(str(path))
    with pytest.raises(NotATumorboardDatabase, match="failed the integrity check"):
        Database.open(str(path), read_only=True)
    # The desktop app opens it (and refuses changes once its own check finds the damage).
    Database.open(str(path), check_integrity=False).close()


def test_a_replaced_file_is_not_held_to_the_old_finding(tmp_path: Path, background: None) -> None:
    path = tmp_path / "tb.sqlite3"
    Database.open(str(path)).close()
    good = tmp_path / "good.sqlite3"
    good.write_bytes(path.read_bytes())
    wreck_a_page(path)
    _open_and_wait(path)
    assert daily_chores.recorded_problem(path) is not None
    good.replace(path)  # what `db restore` does: another file under the name
    assert daily_chores.recorded_problem(path) is None
    Database.open(str(path)).close()


def wreck_a_page(path: Path) -> None:
    """Overwrite the audit trail's root page: the schema still reads, quick_check does not."""
    settle(path)
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'audit_log'").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size:root * page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))


def test_a_reading_command_reads_every_page_itself_until_the_day_is_checked(
        tmp_path: Path, background: None) -> None:
    """A reading command writes nothing (no backup, no record), so it is not what starts the
    daily chores; until a writing open has checked the file today it checks it itself, as every
    command did before: a file only ever read is checked no less."""
    path = tmp_path / "tb.sqlite3"
    Database.open(str(path)).close()
    daily_chores.state_path(path).unlink(missing_ok=True)  # today's check not done yet
    wreck_a_page(path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(NotATumorboardDatabase, match="failed the integrity check"):
        Database.open(str(path), read_only=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # nothing written beside it
