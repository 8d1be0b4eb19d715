"""Helpers for the damage tests: a small database of synthetic cases, and damage done to the file
itself (a flipped bit inside a table's or an index's pages), as a failing disk would do it.

Not a test module (no ``test_`` prefix).
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from process_races import case_document, document_bytes  # the races' synthetic case

from tumorboard.services.cases import CaseService
from tumorboard.store import Database

CASES = 30


def mrn(i: int) -> str:
    return f"DMG-{i:03d}"


def small_database(path: Path, cases: int = CASES) -> Path:
    """A database of ``cases`` synthetic cases, its write-ahead log folded into the file."""
    db = Database.open(str(path))
    try:
        outcomes = CaseService(db, actor="tester").import_documents(
            [(f"{i}.json", document_bytes(case_document(mrn(i), f"Patient Number{i:03d}")))
             for i in range(cases)])
        assert {o.action for o in outcomes} == {"created"}, outcomes
    finally:
        db.close()
    settle(path)
    return path


def settle(path: Path) -> None:
    """Everything in the main file (no -wal beside it), so bytes changed there are what is read."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()


def pages_of(path: Path, name: str) -> list[int]:
    """The pages of one table or index (SQLite's dbstat; its root page where dbstat is missing,
    enough for the small tables and indexes these tests damage)."""
    con = sqlite3.connect(path)
    try:
        try:
            return [int(r[0]) for r in con.execute("SELECT pageno FROM dbstat WHERE name = ?", (name,))]
        except sqlite3.OperationalError:
            row = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()
            return [int(row[0])]
    finally:
        con.close()


def flip_bit(path: Path, name: str, needle: bytes, *, bit: int = 0, copy_to: Path | None = None) -> Path:
    """Flip one bit of the first ``needle`` inside the pages of table or index ``name``."""
    con = sqlite3.connect(path)
    page_size = int(con.execute("PRAGMA page_size").fetchone()[0])
    con.close()
    pages = pages_of(path, name)
    target = copy_to or path
    if copy_to is not None:
        shutil.copyfile(path, copy_to)
    data = bytearray(target.read_bytes())
    for page in pages:
        start = (page - 1) * page_size
        at = data.find(needle, start, start + page_size)
        if at >= 0:
            data[at] ^= 1 << bit
            target.write_bytes(bytes(data))
            return target
    raise AssertionError(f"{needle!r} not found in the pages of {name}")
