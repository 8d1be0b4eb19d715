"""The worklist's query: as fast with a million cases as with a hundred.

Two steps. First the keys: for each combination of the filters (a status, a subtype), the first
rows in next-due order read straight from the index on those columns (``LIMIT``, no sort, only
the index's own pages), then merged; cases with nothing due follow, by id. Then the rows of
the page, by primary key. A text filter on SQLite reads the first matching cases in the
worklist's order from one trigram index (store/case_text.py); elsewhere it finds the matching
patients on their index (store/text_search.py): a few of them, and their cases are fetched by
patient; many, and each index-ordered read looks at each case's patient until the page is full
(the four ways below).
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

from tumorboard.store import case_text
from tumorboard.store.models import CaseRow, PatientRow
from tumorboard.store.text_search import has_trigram_index, matching_patients, patient_condition

# A text filter's ways, cheapest first (tests/integration/test_query_plans.py runs each):
# 1. it matches at most FEW_PATIENTS patients: their cases by patient (at most that many reads);
# 2. else walk each filter's index in due order looking at each case's patient, at most
#    WALK_BUDGET cases for each row wanted: a text that many patients share fills the page within
#    them (a name part of 5% of patients: 200 rows / 0.05 = 4,000 cases of the 5,000 allowed);
# 3. else, if it matches at most MANY_PATIENTS: their cases by patient;
# 4. else the walk to the end (the text is then common: at least MANY_PATIENTS patients).
# The costs of 2 and 3 meet near sqrt(200 x cases); at a million, about 14,000.
FEW_PATIENTS = 2_000
WALK_BUDGET = 25  # cases walked per row wanted (200 rows: 5,000 cases)
MANY_PATIENTS = 20_000
_CHUNK = 500  # ids per IN list (under every driver's parameter limit)

_Key = tuple[bool, date, int]  # (nothing due, due date, id): the worklist's order


def _key(next_due: date | None, case_id: int) -> _Key:
    return (next_due is None, next_due or date.min, case_id)


def worklist_rows(session: Session, *, text: str, statuses: Sequence[str], subtypes: Sequence[str],
                  limit: int, offset: int) -> list[tuple[Any, Any]]:
    want = limit + offset
    if want <= 0:
        return []
    if text.strip():
        return _rows(session, _ids_of_text(session, text, statuses, subtypes, want)[offset:])
    keys, _ = _keys_in_order(session, statuses, subtypes, None, want, budget=None)
    return _rows(session, [k[2] for k in keys][offset:])


def _ids_of_text(session: Session, text: str, statuses: Sequence[str], subtypes: Sequence[str],
                 want: int) -> list[int]:
    if _ordered_text(session):
        return case_text.first_matching_cases(session, text.strip(), statuses, subtypes, want)
    return [k[2] for k in _keys_of_text(session, text, statuses, subtypes, want)]


def _ordered_text(session: Session) -> bool:
    """Whether this database has revision 0015's index over the cases in the worklist's order."""
    info = session.info
    if "case_text" not in info:
        info["case_text"] = session.get_bind().dialect.name == "sqlite" and case_text.has_case_text(session)
    return bool(info["case_text"])


def _keys_of_text(session: Session, text: str, statuses: Sequence[str], subtypes: Sequence[str],
                  want: int) -> list[_Key]:
    found = matching_patients(session, text, trigram=_trigram(session))
    ids = [int(i) for i in session.scalars(found.limit(FEW_PATIENTS + 1)).all()]
    if len(ids) <= FEW_PATIENTS:
        return _keys_of_patients(session, ids, statuses, subtypes, want)
    patients = patient_condition(session, text)
    keys, complete = _keys_in_order(session, statuses, subtypes, patients, want,
                                    budget=WALK_BUDGET * want)
    if complete:
        return keys
    # The ids in hand (one more pass of the text index; counting them first, then reading
    # their cases by a subquery, would be two).
    ids = [int(i) for i in session.scalars(found.limit(MANY_PATIENTS + 1)).all()]
    if len(ids) <= MANY_PATIENTS:
        return _keys_of_found(session, ids, statuses, subtypes, want)
    keys, _ = _keys_in_order(session, statuses, subtypes, patients, want, budget=None)
    return keys


def _trigram(session: Session) -> bool:
    info = session.info
    if "trigram" not in info:
        info["trigram"] = has_trigram_index(session)
    return bool(info["trigram"])


def _by_patient(stmt: Any, statuses: Sequence[str], subtypes: Sequence[str], want: int) -> Any:
    """The filters through coalesce(): no index may answer them, so the database reads the
    patients' cases by their index (ix_cases_patient_next_due, which holds status and subtype:
    no case row read), not every case of a status and then these among them. NULLs last, then
    by date and id: the worklist's order, in one sort of these patients' cases."""
    if statuses:
        stmt = stmt.where(func.coalesce(CaseRow.status, "").in_(list(statuses)))
    if subtypes:
        stmt = stmt.where(func.coalesce(CaseRow.subtype, "").in_(list(subtypes)))
    return stmt.order_by(CaseRow.next_due.is_(None), CaseRow.next_due, CaseRow.id).limit(want)


def _keys_of_patients(session: Session, patient_ids: list[int], statuses: Sequence[str],
                      subtypes: Sequence[str], want: int) -> list[_Key]:
    """The first ``want`` order keys of the cases of these patients: per 500 patients one read
    by their index, filtered and sorted by the database (a few thousand rows at most), merged."""
    stmt = _by_patient(select(CaseRow.next_due, CaseRow.id).where(
        CaseRow.patient_id.in_(bindparam("patients", expanding=True))), statuses, subtypes, want)
    due: list[list[_Key]] = []
    for start in range(0, len(patient_ids), _CHUNK):
        chunk = {"patients": patient_ids[start:start + _CHUNK]}  # one statement, built once
        due.append([_key(d, i) for d, i in session.execute(stmt, chunk).all()])
    return list(itertools.islice(heapq.merge(*due), want))


def _keys_of_found(session: Session, ids: list[int], statuses: Sequence[str], subtypes: Sequence[str],
                   want: int) -> list[_Key]:
    """``_keys_of_patients`` for up to MANY_PATIENTS patients (its own name: the tests tell the
    ways apart by it)."""
    return _keys_of_patients(session, ids, statuses, subtypes, want)


def _keys_in_order(session: Session, statuses: Sequence[str], subtypes: Sequence[str],
                   patients: Any, want: int, *, budget: int | None) -> tuple[list[_Key], bool]:
    """The first ``want`` keys: one index-ordered read per combination of filters, merged; and
    whether they are certain. With ``patients`` (a condition on the case's patient) and a
    ``budget``, each read looks at no more than ``budget`` cases: one that finds fewer than it
    needs without reaching the end of its index leaves the keys uncertain."""
    any_value: list[str | None] = [None]
    combos = list(itertools.product(list(statuses) or any_value, list(subtypes) or any_value))
    certain = True

    def read(where: Any, status: str | None, subtype: str | None, order: Sequence[Any],
             need: int) -> list[Any]:
        nonlocal certain
        stmt = select(CaseRow.next_due, CaseRow.id, CaseRow.patient_id).where(where)
        if status is not None:
            stmt = stmt.where(CaseRow.status == status)
        if subtype is not None:
            stmt = stmt.where(CaseRow.subtype == subtype)
        if patients is None:
            return list(session.execute(stmt.order_by(*order).limit(need)))
        if budget is None:  # each case's patient by primary key, until enough are found
            stmt = stmt.join(PatientRow, PatientRow.id == CaseRow.patient_id).where(patients)
            return list(session.execute(stmt.order_by(*order).limit(need)))
        # The first ``budget`` cases of the index (the index alone: it ends with patient_id),
        # then their patients; sorted here (at most ``budget`` rows, already in order).
        walked = stmt.order_by(*order).limit(budget).subquery()
        hits = sorted(session.execute(
            select(walked.c.next_due, walked.c.id).join(PatientRow, PatientRow.id == walked.c.patient_id)
            .where(patients)), key=lambda r: (r[0] is None, r[0] or date.min, r[1]))
        if len(hits) < need and certain:
            seen = session.execute(select(func.count()).select_from(walked)).scalar_one()
            certain = int(seen) < budget  # the whole index was walked: all there is
        return hits[:need]

    due: list[list[_Key]] = []
    for status, subtype in combos:
        found = read(CaseRow.next_due.is_not(None), status, subtype, (CaseRow.next_due, CaseRow.id), want)
        due.append([_key(r[0], r[1]) for r in found])
    keys = list(itertools.islice(heapq.merge(*due), want))
    if len(keys) < want and certain:
        rest: list[list[_Key]] = []
        for status, subtype in combos:
            found = read(CaseRow.next_due.is_(None), status, subtype, (CaseRow.id,), want - len(keys))
            rest.append([_key(None, r[1]) for r in found])
        keys.extend(itertools.islice(heapq.merge(*rest), want - len(keys)))
    return keys, certain


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
