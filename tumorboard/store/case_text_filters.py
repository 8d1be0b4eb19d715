"""A text filter with a status or subtype filter, on the index over the cases (store/case_text.py).

Two ways, chosen by what the first matches show:
1. The text's matches in the worklist's order, each one's case read by primary key for its
   status and subtype, a window at a time. Right when the text is rare (its matches are few) or
   the filters keep many of its matches: at most a few thousand cases read by key.
2. Otherwise (a common text, filters that keep few of its matches) for each combination of the
   filters (a status, a subtype) its next-due index and the text's matches, each stream seeking
   to the other's key (store/leapfrog.py), merged: about ``want`` times the inverse of each
   one's share of keys, read in order from two indexes, no case row.

Both read many small windows of keys, so they go through the driver's own connection (the same
transaction): SQLAlchemy's result objects cost more than the rows. ``statements`` lists them for
the query-plan test (tests/integration/test_query_plans.py), which cannot catch them as they run.
"""

from __future__ import annotations

import heapq
import itertools
import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection

from tumorboard.store.case_text import CASE_TEXT, ID_BITS, ID_MASK, NO_DAY
from tumorboard.store.leapfrog import Reader, Stream, shared_keys

WINDOW = 512  # the text's matches checked by primary key at a time (way 1)
PROBE = 512  # matches checked by way 1 before it may give way to way 2 (one window)
KEPT_SHARE = 1 / 25  # way 1 goes on while the filters keep at least this share of the matches
_JULIAN_ORDINAL = 1721424  # julianday('0001-01-01') is 1721425.5: CAST(...) = ordinal + this
TEXT_FROM = (f"SELECT rowid FROM {CASE_TEXT} WHERE {CASE_TEXT} MATCH ? AND rowid >= ? "
             "ORDER BY rowid LIMIT ?")


def _same(status: str | None, subtype: str | None) -> tuple[str, list[str]]:
    where, values = [], []
    for column, value in (("status", status), ("subtype", subtype)):
        if value is not None:
            where.append(f"{column} = ?")
            values.append(value)
    return " AND ".join(where), values


def dated_from(status: str | None, subtype: str | None) -> str:
    """One combination's cases with a due date, from (next_due, id) on, as keys."""
    same, _ = _same(status, subtype)
    return (f"SELECT (CAST(julianday(next_due) AS INTEGER) << {ID_BITS}) | id FROM cases WHERE {same} "
            "AND next_due IS NOT NULL AND (next_due, id) >= (?, ?) ORDER BY next_due, id LIMIT ?")


def undated_from(status: str | None, subtype: str | None) -> str:
    """One combination's cases with nothing due, from an id on, as keys."""
    same, _ = _same(status, subtype)
    return (f"SELECT ({NO_DAY} << {ID_BITS}) | id FROM cases WHERE {same} AND next_due IS NULL "
            "AND id >= ? ORDER BY id LIMIT ?")


def in_filters(count: int, statuses: Sequence[str], subtypes: Sequence[str]) -> str:
    """Which of ``count`` cases (by id) are within the filters."""
    where = [f"id IN ({', '.join('?' * count)})"]
    for column, chosen in (("status", statuses), ("subtype", subtypes)):
        if chosen:  # "+": no index on the filter may answer; the cases are read by primary key
            where.append(f"+{column} IN ({', '.join('?' * len(chosen))})")
    return f"SELECT id FROM cases WHERE {' AND '.join(where)}"


def statements(statuses: Sequence[str], subtypes: Sequence[str]) -> list[tuple[str, tuple[Any, ...]]]:
    """Every statement the two ways may run for these filters, with parameters of their kind."""
    out: list[tuple[str, tuple[Any, ...]]] = [
        (TEXT_FROM, ('"abc"', 0, 64)),
        (in_filters(3, statuses, subtypes), (1, 2, 3, *statuses, *subtypes))]
    every: list[str | None] = [None]
    for status, subtype in itertools.product(list(statuses) or every, list(subtypes) or every):
        _, values = _same(status, subtype)
        out.append((dated_from(status, subtype), (*values, "2025-01-01", 0, 64)))
        out.append((undated_from(status, subtype), (*values, 0, 64)))
    return out


def first_in_filters(connection: Connection, phrase: str, statuses: Sequence[str], subtypes: Sequence[str],
                     want: int) -> list[int]:
    """The first ``want`` keys (store/case_text.py) of the cases the phrase matches within the
    filters, ascending."""
    raw = cast(sqlite3.Connection, connection.connection.driver_connection)

    def matches(key: int, n: int) -> list[int]:
        return [k for (k,) in raw.execute(TEXT_FROM, (phrase, key, n)).fetchall()]

    kept: list[int] = []
    key, checked = 0, 0
    while True:
        window = matches(key, WINDOW)
        if window:
            inside = {i for (i,) in raw.execute(in_filters(len(window), statuses, subtypes),
                                                 (*(k & ID_MASK for k in window), *statuses, *subtypes))}
            kept += [k for k in window if k & ID_MASK in inside]
        checked += len(window)
        if len(kept) >= want or len(window) < WINDOW:
            return kept[:want]
        key = window[-1] + 1
        if checked >= PROBE and len(kept) < KEPT_SHARE * checked:
            break
    found: list[list[int]] = [kept]
    every: list[str | None] = [None]
    for status, subtype in itertools.product(list(statuses) or every, list(subtypes) or every):
        in_filter = Stream(_filter_reader(raw, status, subtype))
        found.append(shared_keys(in_filter, Stream(matches), want - len(kept), start=key))
    return list(itertools.islice(heapq.merge(*found), want))


def _filter_reader(raw: sqlite3.Connection, status: str | None, subtype: str | None) -> Reader:
    """The keys of one combination's cases from its next-due index, from a key on: those with a
    due date by (next_due, id), then those with none by id."""
    _, values = _same(status, subtype)
    dated, undated = dated_from(status, subtype), undated_from(status, subtype)

    def read(key: int, n: int) -> list[int]:
        day, case_id = key >> ID_BITS, key & ID_MASK
        keys: list[int] = []
        if day != NO_DAY:
            ordinal = day - _JULIAN_ORDINAL  # before the first day (the start, key 0): from ""
            due = date.fromordinal(ordinal).isoformat() if ordinal >= 1 else ""
            keys = [k for (k,) in raw.execute(dated, (*values, due, case_id, n)).fetchall()]
            case_id = 0
        if len(keys) < n:
            keys += [k for (k,) in raw.execute(undated, (*values, case_id, n - len(keys))).fetchall()]
        return keys

    return read
