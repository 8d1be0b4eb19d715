"""The worklist's query: as fast with a million cases as with a hundred.

Two steps. First the keys: for each combination of the filters (a status, a subtype), the first
rows in next-due order read straight from the index on those columns (``LIMIT``, no sort, only
the index's own pages), then merged; cases with nothing due follow, by id. Then the rows of
the page, by primary key. A text filter first finds the matching patients on their index
(store/text_search.py): a few of them, and their cases are fetched by patient; many, and each
index-ordered read looks at each case's patient until the page is full.
``tests/integration/test_query_plans.py`` holds every statement to its index.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from tumorboard.store.models import CaseRow, PatientRow
from tumorboard.store.text_search import has_trigram_index, matching_patients, patient_condition

# A text that matches this many patients or fewer: their cases by patient. More: the cases are
# walked in order, each one's patient looked at, until the page is full (at a million cases about
# 200 x 1,000,000 / 20,000 = 10,000 looks at most); the two ways cost about the same here.
FEW_PATIENTS = 20_000
_CHUNK = 500  # ids per IN list (under every driver's parameter limit)

_Key = tuple[bool, date, int]  # (nothing due, due date, id): the worklist's order


def _key(next_due: date | None, case_id: int) -> _Key:
    return (next_due is None, next_due or date.min, case_id)


def worklist_rows(session: Session, *, text: str, statuses: Sequence[str], subtypes: Sequence[str],
                  limit: int, offset: int) -> list[tuple[Any, Any]]:
    want = limit + offset
    if want <= 0:
        return []
    patients: Any = None
    if text.strip():
        found = matching_patients(session, text, trigram=_trigram(session))
        ids = [int(i) for i in session.scalars(found.limit(FEW_PATIENTS + 1))]
        if len(ids) <= FEW_PATIENTS:
            keys = _keys_of_patients(session, ids, statuses, subtypes, want)
            return _rows(session, [k[2] for k in keys][offset:])
        patients = patient_condition(session, text)
    keys = _keys_in_order(session, statuses, subtypes, patients, want)
    return _rows(session, [k[2] for k in keys][offset:])


def _trigram(session: Session) -> bool:
    info = session.info
    if "trigram" not in info:
        info["trigram"] = has_trigram_index(session)
    return bool(info["trigram"])


def _keys_of_patients(session: Session, patient_ids: list[int], statuses: Sequence[str],
                      subtypes: Sequence[str], want: int) -> list[_Key]:
    """The first ``want`` order keys of the cases of these patients: per 500 patients one read
    by their index, filtered and sorted by the database (a few thousand rows at most), merged."""
    due: list[list[_Key]] = []
    for start in range(0, len(patient_ids), _CHUNK):
        stmt = select(CaseRow.next_due, CaseRow.id).where(
            CaseRow.patient_id.in_(patient_ids[start:start + _CHUNK]))
        # The filters through coalesce(): no index may answer them, so the database reads these
        # patients' cases by their index (not every case of a status, then these among them).
        if statuses:
            stmt = stmt.where(func.coalesce(CaseRow.status, "").in_(list(statuses)))
        if subtypes:
            stmt = stmt.where(func.coalesce(CaseRow.subtype, "").in_(list(subtypes)))
        # NULLs last, then by date and id: the worklist's order, in one sort of this chunk's rows.
        stmt = stmt.order_by(CaseRow.next_due.is_(None), CaseRow.next_due, CaseRow.id).limit(want)
        due.append([_key(d, i) for d, i in session.execute(stmt)])
    return list(itertools.islice(heapq.merge(*due), want))


def _keys_in_order(session: Session, statuses: Sequence[str], subtypes: Sequence[str],
                   patients: Any, want: int) -> list[_Key]:
    """The first ``want`` keys: one index-ordered LIMIT per combination of filters, merged."""
    any_value: list[str | None] = [None]
    combos = list(itertools.product(list(statuses) or any_value, list(subtypes) or any_value))

    def filtered(stmt: Any, status: str | None, subtype: str | None) -> Any:
        if status is not None:
            stmt = stmt.where(CaseRow.status == status)
        if subtype is not None:
            stmt = stmt.where(CaseRow.subtype == subtype)
        if patients is not None:
            stmt = stmt.join(PatientRow, PatientRow.id == CaseRow.patient_id).where(patients)
        return stmt

    due: list[list[_Key]] = []
    for status, subtype in combos:
        stmt = filtered(select(CaseRow.next_due, CaseRow.id).where(CaseRow.next_due.is_not(None)),
                        status, subtype).order_by(CaseRow.next_due, CaseRow.id).limit(want)
        due.append([_key(d, i) for d, i in session.execute(stmt)])
    keys = list(itertools.islice(heapq.merge(*due), want))
    if len(keys) < want:
        rest: list[list[_Key]] = []
        for status, subtype in combos:
            stmt = filtered(select(CaseRow.id).where(CaseRow.next_due.is_(None)), status, subtype) \
                .order_by(CaseRow.id).limit(want - len(keys))
            rest.append([_key(None, i) for (i,) in session.execute(stmt)])
        keys.extend(itertools.islice(heapq.merge(*rest), want - len(keys)))
    return keys


_CASES, _PATIENTS = CaseRow.__table__, PatientRow.__table__
_CASE_NAMES = tuple(c.name for c in _CASES.columns)
_PATIENT_NAMES = tuple(c.name for c in _PATIENTS.columns)
_ID = _CASE_NAMES.index("id")
# The page's statement, built once (a select of every column of both tables: building and keying
# it again for each page cost as much as reading the rows).
_PAGE = (select(_CASES, *[c.label(f"p_{c.name}") for c in _PATIENTS.columns])
         .join_from(_CASES, _PATIENTS, _CASES.c.patient_id == _PATIENTS.c.id)
         .where(_CASES.c.id.in_(bindparam("ids", expanding=True))))


def _rows(session: Session, case_ids: list[int]) -> list[tuple[Any, Any]]:
    """The page's rows by primary key, in the order of ``case_ids``: (case, patient) column
    mappings (plain rows, not ORM objects: a page is read, never changed)."""
    if not case_ids:
        return []
    found: dict[int, Any] = {}
    width = len(_CASE_NAMES)
    connection = session.connection()
    for start in range(0, len(case_ids), _CHUNK):
        for row in connection.execute(_PAGE, {"ids": case_ids[start:start + _CHUNK]}).fetchall():
            found[row[_ID]] = row
    return [(dict(zip(_CASE_NAMES, row[:width], strict=True)),
             dict(zip(_PATIENT_NAMES, row[width:], strict=True)))
            for row in (found.get(i) for i in case_ids) if row is not None]
