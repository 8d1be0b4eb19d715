"""``--demo`` reuses the demo database built for today, and builds it again on another day."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tumorboard.services.demo import ensure_demo_database
from tumorboard.store.demo_file import built_for

DAY = date(2026, 11, 30)


def test_a_demo_built_today_is_reused_and_one_of_yesterday_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    ensure_demo_database(path, DAY, reuse=True)
    assert built_for(path) == DAY
    first = path.stat()
    ensure_demo_database(path, DAY, reuse=True)
    again = path.stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)  # not rebuilt
    ensure_demo_database(path, DAY + timedelta(days=1), reuse=True)
    assert built_for(path) == DAY + timedelta(days=1)
    ensure_demo_database(path, DAY + timedelta(days=1))  # `tumorboard demo`: always anew
    assert path.stat().st_mtime_ns != again.st_mtime_ns


def test_a_file_that_is_no_demo_is_not_taken_for_one(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    path.write_bytes(b"not a database")
    assert built_for(path) is None
    ensure_demo_database(path, DAY, reuse=True)
    assert built_for(path) == DAY


def test_a_demo_of_an_older_edition_built_today_is_built_again(tmp_path: Path) -> None:
    """An upgraded app whose demo holds different data does not show the old demo as its own."""
    import sqlite3

    path = tmp_path / "demo.sqlite3"
    ensure_demo_database(path, DAY, reuse=True)
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE tumorboard_meta SET value = ? WHERE key = 'demo_built_for'", (DAY.isoformat(),))
    con.close()
    assert built_for(path) is None  # the note of an edition-1 demo: the day alone
    ensure_demo_database(path, DAY, reuse=True)
    assert built_for(path) == DAY
