"""The filled databases the tests share (tests/prepared_databases.py): built once, copied whole,
each copy a test's own, and a template a test wrote to is named, not silently shared."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from prepared_databases import PreparedDatabases, Template, filled

from tumorboard.services.boards import BoardService
from tumorboard.store import Database

builds: list[Path] = []


def _one_board(db: Database) -> None:
    BoardService(db, actor="setup").create("Breast MDT")


def _build(path: Path) -> None:
    builds.append(path)
    filled(_one_board)(path)


BOARD = Template("one-board", _build)


def _boards(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [str(r[0]) for r in con.execute("SELECT name FROM boards ORDER BY name")]
    finally:
        con.close()


def test_a_template_is_built_once_and_every_copy_is_a_tests_own(tmp_path: Path) -> None:
    builds.clear()
    prepared = PreparedDatabases(tmp_path / "templates")
    first = prepared.copy(BOARD, tmp_path / "a" / "tb.sqlite3")
    second = prepared.copy(BOARD, tmp_path / "b" / "tb.sqlite3")
    assert len(builds) == 1
    assert stat.S_IMODE(first.stat().st_mode) == 0o600  # private, as the app makes its files
    db = Database.open(str(first))
    try:
        BoardService(db, actor="test").create("Lung MDT")
    finally:
        db.close()
    assert _boards(first) == ["Breast MDT", "Lung MDT"]
    assert _boards(second) == ["Breast MDT"]  # the other copy and the template are untouched
    assert _boards(prepared.template(BOARD)) == ["Breast MDT"]
    prepared.check_unchanged()


def test_a_write_to_the_template_itself_is_named(tmp_path: Path) -> None:
    prepared = PreparedDatabases(tmp_path / "templates")
    template = prepared.template(BOARD)
    con = sqlite3.connect(template)
    try:
        con.execute("UPDATE boards SET site = 'lung'")
        con.commit()
    finally:
        con.close()
    with pytest.raises(AssertionError, match="a test wrote to the template 'one-board'"):
        prepared.check_unchanged()  # by its bytes, however soon after the build it was written
    os.utime(template, ns=(0, 0))  # written at another time than built: named at the next copy too
    with pytest.raises(AssertionError, match="a test wrote to the template 'one-board'"):
        prepared.copy(BOARD, tmp_path / "copy.sqlite3")


def test_two_templates_of_one_name_are_refused(tmp_path: Path) -> None:
    prepared = PreparedDatabases(tmp_path / "templates")
    prepared.template(BOARD)
    with pytest.raises(ValueError, match="two different templates are named 'one-board'"):
        prepared.template(Template("one-board", filled(lambda db: None)))
