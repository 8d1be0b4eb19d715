"""A text filter with a status or subtype that has no code in the index (store/case_text.py).

The index holds each case's status and subtype as a code, and a value without one (none the app
writes: a subtype stored by another program, say) as OTHER, which all such values share. A filter
on such a value reads the matches of the text and OTHER in the worklist's order, a window at a
time, and checks each one's case by primary key for its status and subtype: the answer is exact
whatever the index holds.

It reads many small windows of keys, so it goes through the driver's own connection (the same
transaction): SQLAlchemy's result objects cost more than the rows. ``statements`` lists them for
the query-plan test (tests/integration/test_query_plans.py), which cannot catch them as they run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection

from tumorboard.store.case_text import CASE_TEXT, ID_MASK

WINDOW = 512  # the matches checked by primary key at a time
TEXT_FROM = (f"SELECT rowid FROM {CASE_TEXT} WHERE {CASE_TEXT} MATCH ? AND rowid >= ? "
             "ORDER BY rowid LIMIT ?")


def in_filters(count: int, statuses: Sequence[str], subtypes: Sequence[str]) -> str:
    """Which of ``count`` cases (by id) are within the filters."""
    where = [f"id IN ({', '.join('?' * count)})"]
    for column, chosen in (("status", statuses), ("subtype", subtypes)):
        if chosen:  # "+": no index on the filter may answer; the cases are read by primary key
            where.append(f"+{column} IN ({', '.join('?' * len(chosen))})")
    return f"SELECT id FROM cases WHERE {' AND '.join(where)}"


def statements(statuses: Sequence[str], subtypes: Sequence[str]) -> list[tuple[str, tuple[Any, ...]]]:
    """Every statement this may run for these filters, with parameters of their kind."""
    return [(TEXT_FROM, ('"abc"', 0, 64)),
            (in_filters(3, statuses, subtypes), (1, 2, 3, *statuses, *subtypes))]


def first_in_filters(connection: Connection, query: str, statuses: Sequence[str], subtypes: Sequence[str],
                     want: int) -> list[int]:
    """The first ``want`` keys (store/case_text.py) of the cases the index's ``query`` matches
    that are within the filters, ascending."""
    raw = cast(sqlite3.Connection, connection.connection.driver_connection)
    kept: list[int] = []
    key = 0
    while True:
        window = [k for (k,) in raw.execute(TEXT_FROM, (query, key, WINDOW)).fetchall()]
        if window:
            inside = {i for (i,) in raw.execute(in_filters(len(window), statuses, subtypes),
                                                 (*(k & ID_MASK for k in window), *statuses, *subtypes))}
            kept += [k for k in window if k & ID_MASK in inside]
        if len(kept) >= want or len(window) < WINDOW:
            return kept[:want]
        key = window[-1] + 1
