"""The text filter in the worklist's own order (SQLite): one trigram index over the cases.

Revision 0011's index was over the patients: it found who matches, but not which of their cases
come first, so a text that many patients share meant reading cases in due order and looking up
each one's patient (about 2 us a case at a million, a page out of memory for each), or sorting
every matching patient's cases. ``case_text`` (revision 0015) holds one row per case: the
patient's record number and name, under a rowid that *is* the worklist's order::

    rowid = day << 40 | case id     (day: the next due date's Julian day; nothing due: NO_DAY)

FTS5 returns a match in rowid order, so ``MATCH ... ORDER BY rowid LIMIT n`` stops at the n-th
match, in the worklist's order, without a sort: a common text is as cheap as a rare one.

Revision 0016 writes each case's status and subtype into its row too, each as one trigram of its
own (a mark and a code: ``STATUS_CODES``, ``SUBTYPE_CODES``). A text with a status or subtype
filter is then one query, ``"text" AND ("status" OR ...) AND ("subtype" OR ...)``, which FTS5
answers by intersecting the lists of rowids in C, skipping ahead in each: a common text with a
rare filter no longer reads the text's matches one by one. A value without a code (none the app
writes) is filtered by the "other" code and each match's case checked by key
(store/case_text_filters.py).

The rows are derived: triggers on ``cases`` and ``patients`` keep them (a case's next due date,
status, subtype or patient, the patient's record number or name), and ``db check`` compares them
with the cases (``mismatched_case_text``). PostgreSQL, and an SQLite without FTS5, keep the ways
of store/text_search.py.
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
# Between the parts, a separator that no text typed crosses.
START = "\x1e\x1e"
_START = "char(30, 30)"
_SEPARATOR = "char(31)"
# Revision 0016: the status after STATUS_MARK, the subtype after SUBTYPE_MARK, each as one code
# character, so that each is one trigram (a phrase of many trigrams costs FTS5 five to fifteen
# times as much). Codes are lower-case letters and digits: the index folds case, and these fold
# to themselves. A value with no code (none the app writes) gets OTHER. Changing a code, or adding
# one, needs a migration that builds the index again (``db check`` reports rows written otherwise).
STATUS_MARK = "\x1c\x1c"
SUBTYPE_MARK = "\x1b\x1b"
MARKS = ("\x1b", "\x1c", "\x1e", "\x1f")  # no record number or name holds them (see _words)
OTHER = "z"
STATUS_CODES = {"referred": "a", "staging": "b", "ready_for_mdt": "c", "discussed": "d",
                "on_treatment": "e", "reassessment_due": "f", "closed": "g"}
# Every label domain/vocab.subtype_label makes (tests/unit/test_case_text_codes.py), and none.
SUBTYPE_CODES = {
    "": "0",
    "HR+/HER2+": "1", "HR+/HER2-low": "2", "HR+/HER2-0": "3", "HR+/HER2 equiv.": "4", "HR+/HER2?": "5",
    "HR-/HER2+": "6", "HR-/HER2-low": "7", "HR-/HER2-0": "8", "HR-/HER2 equiv.": "9", "HR-/HER2?": "h",
    "HR?/HER2+": "i", "HR?/HER2-low": "j", "HR?/HER2-0": "k", "HR?/HER2 equiv.": "l", "HR?/HER2?": "m"}


def _key(row: str) -> str:
    """The rowid of a case row (``NEW``, ``OLD`` or an alias) in the worklist's order."""
    return (f"(((CASE WHEN {row}.next_due IS NULL THEN {NO_DAY} "
            f"ELSE CAST(julianday({row}.next_due) AS INTEGER) END) << {ID_BITS}) | {row}.id)")


def _code(column: str, codes: dict[str, str]) -> str:
    whens = " ".join(f"WHEN '{value}' THEN '{code}'" for value, code in codes.items())
    return f"(CASE {column} {whens} ELSE '{OTHER}' END)"


def _words(patient: str, case: str | None) -> str:
    """The row's words; ``case`` None: revision 0015's, without the status and subtype."""
    # A name could hold the marks (a record number cannot: its pattern is letters, digits and
    # hyphens); they are left out of it, so a mark in the index is always one of ours.
    name = f"coalesce({patient}.name, '')"
    for mark in (MARKS if case is not None else MARKS[2:]):
        name = f"replace({name}, char({ord(mark)}), '')"
    words = f"{_START} || {patient}.mrn || {_SEPARATOR} || {_START} || {name}"
    if case is None:
        return words
    return (f"{words} || {_SEPARATOR} || char(28, 28) || {_code(f'{case}.status', STATUS_CODES)} || "
            f"{_SEPARATOR} || char(27, 27) || {_code(f'{case}.subtype', SUBTYPE_CODES)}")


def _add(case: str, filters: bool) -> str:
    words = _words("p", case if filters else None)
    return (f"INSERT INTO {CASE_TEXT}(rowid, words) SELECT {_key(case)}, {words} "
            f"FROM patients AS p WHERE p.id = {case}.patient_id")


def sqlite_ddl(*, filters: bool = True) -> tuple[str, ...]:
    """The index, its triggers and its rows: revision 0016's (``filters``) or 0015's."""
    moved = "id, next_due, patient_id, status, subtype" if filters else "id, next_due, patient_id"
    if filters:  # each case's words hold its own status: the patient's cases written again
        rename = (f"DELETE FROM {CASE_TEXT} WHERE rowid IN (SELECT {_key('c')} FROM cases AS c "
                  f"WHERE c.patient_id = NEW.id); INSERT INTO {CASE_TEXT}(rowid, words) "
                  f"SELECT {_key('c')}, {_words('NEW', 'c')} FROM cases AS c WHERE c.patient_id = NEW.id")
    else:
        rename = (f"UPDATE {CASE_TEXT} SET words = {_words('NEW', None)} "
                  f"WHERE rowid IN (SELECT {_key('c')} FROM cases AS c WHERE c.patient_id = NEW.id)")
    return (
        f"CREATE VIRTUAL TABLE {CASE_TEXT} USING fts5(words, tokenize='trigram')",
        f"CREATE TRIGGER case_text_insert AFTER INSERT ON cases BEGIN {_add('NEW', filters)}; END",
        f"CREATE TRIGGER case_text_delete AFTER DELETE ON cases BEGIN "
        f"DELETE FROM {CASE_TEXT} WHERE rowid = {_key('OLD')}; END",
        f"CREATE TRIGGER case_text_move AFTER UPDATE OF {moved} ON cases BEGIN "
        f"DELETE FROM {CASE_TEXT} WHERE rowid = {_key('OLD')}; {_add('NEW', filters)}; END",
        f"CREATE TRIGGER case_text_rename AFTER UPDATE OF mrn, name ON patients BEGIN {rename}; END",
        f"INSERT INTO {CASE_TEXT}(rowid, words) SELECT {_key('c')}, {_words('p', 'c' if filters else None)} "
        "FROM cases AS c JOIN patients AS p ON p.id = c.patient_id",
    )


OPTIMIZE = f"INSERT INTO {CASE_TEXT}({CASE_TEXT}) VALUES ('optimize')"  # FTS5: its segments merged into one
TRIGGERS = tuple(f"case_text_{name}" for name in ("insert", "delete", "move", "rename"))
SQLITE_DROP = (*(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS), f"DROP TABLE IF EXISTS {CASE_TEXT}")


def has_case_text(conn: Connection | Session) -> bool:
    """Whether revision 0015 could build the index on this (SQLite) database (0016 builds it again
    where it is)."""
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


def _any_of(mark: str, values: Sequence[str], codes: dict[str, str]) -> str:
    return "(" + " OR ".join(sorted({f'"{mark}{codes.get(v, OTHER)}"' for v in values})) + ")"


def match_expression(phrase: str, statuses: Sequence[str], subtypes: Sequence[str]) -> str:
    """The phrase, and one of the statuses, and one of the subtypes (FTS5's query syntax)."""
    parts = [phrase]
    if statuses:
        parts.append(_any_of(STATUS_MARK, statuses, STATUS_CODES))
    if subtypes:
        parts.append(_any_of(SUBTYPE_MARK, subtypes, SUBTYPE_CODES))
    return " AND ".join(parts)


def coded(statuses: Sequence[str], subtypes: Sequence[str]) -> bool:
    """Whether every value filtered on has a code of its own (so the index's answer is exact)."""
    return all(s in STATUS_CODES for s in statuses) and all(s in SUBTYPE_CODES for s in subtypes)


def first_matching_cases(session: Session, typed: str, statuses: Sequence[str], subtypes: Sequence[str],
                         want: int) -> list[int]:
    """The ids of the first ``want`` cases, in the worklist's order, whose patient's record number
    or name contains ``typed`` (starts with it, for one or two characters), within the filters."""
    if not typed or any(mark in typed for mark in MARKS):
        return []  # the index's own marks: no record number or name holds them (see _words)
    query = match_expression(_phrase(typed), statuses, subtypes)
    if coded(statuses, subtypes):
        return [int(i) for i in session.scalars(_FIRST, {"phrase": query, "want": want})]
    # A value with no code shares OTHER with any other such value: each match's case checked.
    from tumorboard.store.case_text_filters import first_in_filters  # it builds on this module

    return [k & ID_MASK for k in first_in_filters(session.connection(), query, statuses, subtypes, want)]


def mismatched_case_text(conn: Connection) -> int:
    """How many cases the index holds wrongly (missing, under an old due date or old words) plus
    how many rows it holds for no case: 0 on a sound database."""
    expected = (f"SELECT {_key('c')} AS k, {_words('p', 'c')} AS w FROM cases AS c "
                "JOIN patients AS p ON p.id = c.patient_id")
    wrong = conn.execute(text(
        f"SELECT count(*) FROM ({expected}) AS e LEFT JOIN {CASE_TEXT} AS t ON t.rowid = e.k "
        "WHERE t.words IS NOT e.w")).scalar_one()
    extra = conn.execute(text(
        f"SELECT (SELECT count(*) FROM {CASE_TEXT}) - (SELECT count(*) FROM cases)")).scalar_one()
    return int(wrong) + max(0, int(extra))
