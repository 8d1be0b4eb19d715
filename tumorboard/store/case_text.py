"""The text filter in the worklist's own order (SQLite): one trigram index over the cases.

Revision 0011's index was over the patients: it found who matches, but not which of their cases
come first, so a text that many patients share meant reading cases in due order and looking up
each one's patient (about 2 us a case at a million, a page out of memory for each), or sorting
every matching patient's cases. ``case_text`` (revision 0015) holds one row per case: the
patient's record number and name, under a rowid that *is* the worklist's order::

    rowid = day << 40 | case id     (day: the next due date's Julian day; nothing due: NO_DAY)

FTS5 returns a match in rowid order, so ``MATCH ... ORDER BY rowid LIMIT n`` stops at the n-th
match, in the worklist's order, without a sort: a common text is as cheap as a rare one. A
status or subtype filter reads each match's case by primary key until the page is full.

The rows are derived: triggers on ``cases`` and ``patients`` keep them (a case's next due date,
its patient, the patient's record number or name), and ``db check`` compares them with the
cases (``mismatched_case_text``). PostgreSQL, and an SQLite without FTS5, keep the ways of
store/text_search.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from tumorboard.store.text_search import TRIGRAM

CASE_TEXT = "case_text"
ID_BITS = 40
ID_MASK = (1 << ID_BITS) - 1
# After every Julian day a date can have (2460000 in 2023, 5373484 on 9999-12-31): nothing due
# comes last. NO_DAY << ID_BITS | id is at most 2**63 - 1, SQLite's largest rowid.
NO_DAY = (1 << 23) - 1
# Each of record number and name is written after START (two characters no record number or name
# holds): a phrase of START's last characters and what was typed is then a trigram phrase that
# matches only at the start of either, for one or two characters typed (too short for a trigram).
# Between the two, a separator that no text typed crosses.
START = "\x1e\x1e"
_START = "char(30, 30)"
_SEPARATOR = "char(31)"


def _key(row: str) -> str:
    """The rowid of a case row (``NEW``, ``OLD`` or an alias) in the worklist's order."""
    return (f"(((CASE WHEN {row}.next_due IS NULL THEN {NO_DAY} "
            f"ELSE CAST(julianday({row}.next_due) AS INTEGER) END) << {ID_BITS}) | {row}.id)")


def _words(patient: str) -> str:
    # A name could hold the two marks (a record number cannot: its pattern is letters, digits and
    # hyphens); they are left out of it, so a mark in the index is always one of ours.
    name = f"replace(replace(coalesce({patient}.name, ''), char(30), ''), char(31), '')"
    return f"{_START} || {patient}.mrn || {_SEPARATOR} || {_START} || {name}"


def _add(case: str) -> str:
    return (f"INSERT INTO {CASE_TEXT}(rowid, words) SELECT {_key(case)}, {_words('p')} "
            f"FROM patients AS p WHERE p.id = {case}.patient_id")


SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {CASE_TEXT} USING fts5(words, tokenize='trigram')",
    f"CREATE TRIGGER case_text_insert AFTER INSERT ON cases BEGIN {_add('NEW')}; END",
    f"CREATE TRIGGER case_text_delete AFTER DELETE ON cases BEGIN "
    f"DELETE FROM {CASE_TEXT} WHERE rowid = {_key('OLD')}; END",
    f"CREATE TRIGGER case_text_move AFTER UPDATE OF id, next_due, patient_id ON cases BEGIN "
    f"DELETE FROM {CASE_TEXT} WHERE rowid = {_key('OLD')}; {_add('NEW')}; END",
    f"CREATE TRIGGER case_text_rename AFTER UPDATE OF mrn, name ON patients BEGIN "
    f"UPDATE {CASE_TEXT} SET words = {_words('NEW')} "
    f"WHERE rowid IN (SELECT {_key('c')} FROM cases AS c WHERE c.patient_id = NEW.id); END",
    f"INSERT INTO {CASE_TEXT}(rowid, words) SELECT {_key('c')}, {_words('p')} "
    "FROM cases AS c JOIN patients AS p ON p.id = c.patient_id",
)
TRIGGERS = tuple(f"case_text_{name}" for name in ("insert", "delete", "move", "rename"))
SQLITE_DROP = (*(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS), f"DROP TABLE IF EXISTS {CASE_TEXT}")


def has_case_text(conn: Connection | Session) -> bool:
    """Whether revision 0015 could build the index on this (SQLite) database."""
    found = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": CASE_TEXT})
    return found.first() is not None


def _phrase(typed: str) -> str:
    """A trigram phrase, ignoring case: three characters or more, any part of the record number or
    name (LIKE '%typed%'); one or two, the start of either (LIKE 'typed%', as the other ways)."""
    if len(typed) < TRIGRAM:
        typed = START[:TRIGRAM - len(typed)] + typed
    return '"' + typed.replace('"', '""') + '"'


_FIRST = text(f"SELECT rowid & {ID_MASK} FROM {CASE_TEXT} WHERE {CASE_TEXT} MATCH :phrase "
              "ORDER BY rowid LIMIT :want")


def first_matching_cases(session: Session, typed: str, statuses: Sequence[str], subtypes: Sequence[str],
                         want: int) -> list[int]:
    """The ids of the first ``want`` cases, in the worklist's order, whose patient's record number
    or name contains ``typed`` (starts with it, for one or two characters), within the filters
    (store/case_text_filters.py)."""
    if not typed or "\x1e" in typed or "\x1f" in typed:
        return []  # the index's own marks: no record number or name holds them (see _words)
    phrase = _phrase(typed)
    if not statuses and not subtypes:
        return [int(i) for i in session.scalars(_FIRST, {"phrase": phrase, "want": want})]
    from tumorboard.store.case_text_filters import first_in_filters  # it builds on this module

    return [k & ID_MASK for k in first_in_filters(session.connection(), phrase, statuses, subtypes, want)]


def mismatched_case_text(conn: Connection) -> int:
    """How many cases the index holds wrongly (missing, under an old due date or old words) plus
    how many rows it holds for no case: 0 on a sound database."""
    expected = (f"SELECT {_key('c')} AS k, {_words('p')} AS w FROM cases AS c "
                "JOIN patients AS p ON p.id = c.patient_id")
    wrong = conn.execute(text(
        f"SELECT count(*) FROM ({expected}) AS e LEFT JOIN {CASE_TEXT} AS t ON t.rowid = e.k "
        "WHERE t.words IS NOT e.w")).scalar_one()
    extra = conn.execute(text(
        f"SELECT (SELECT count(*) FROM {CASE_TEXT}) - (SELECT count(*) FROM cases)")).scalar_one()
    return int(wrong) + max(0, int(extra))
