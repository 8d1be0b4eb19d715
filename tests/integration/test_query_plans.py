"""Every worklist and dashboard query is answered from an index, never a scan of a table.

The statements are caught as the services run them (so a new query is checked too) and handed
back to the database's planner: SQLite's EXPLAIN QUERY PLAN must not say ``SCAN cases`` or
``SCAN patients`` without an index; PostgreSQL's EXPLAIN, with sequential scans made as dear as
possible, must not need a ``Seq Scan`` of either table; neither may sort (``TEMP B-TREE``, ``Sort``)
except the cases of the patients a text filter found, read by their index. The same cases, read back, equal the
worklist filtered and sorted by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_roles import backends
from prepared_databases import PreparedDatabases, Template, filled
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.store import Database, case_text, case_text_filters, worklist_query
from tumorboard.store.models import CaseRow, PatientRow

NAMES = ["Anna Berger", "Maria Huber", "Eva Marin", "Lena Moser", "Sara Amari", "Ida Kern"]
MOVES = [None, WorkflowStatus.STAGING, WorkflowStatus.READY_FOR_MDT, WorkflowStatus.CLOSED]
# The cases of the patients found, read by patient: a bounded read, which may sort.
_BY_PATIENT = ("ix_cases_patient_next_due", "ix_cases_patient_id")


def _store(service: CaseService, example_files: list[Path]) -> list[str]:
    sources = []
    for i in range(30):
        doc = json.loads(example_files[i % len(example_files)].read_text())
        doc["patient"]["mrn"] = f"MRN-{i:04d}"
        doc["patient"]["name"] = f"{NAMES[i % len(NAMES)]} {i}"
        sources.append((f"c{i}.json", json.dumps(doc).encode()))
    outcomes = service.import_documents(sources)
    assert all(o.action == "created" for o in outcomes), outcomes
    mrns = [f"MRN-{i:04d}" for i in range(30)]
    for i, mrn in enumerate(mrns):
        move = MOVES[i % len(MOVES)]
        if move is not None:
            service.change_status(mrn, move)
    return mrns


EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"  # as example_files
# Built as the service fixture's cases would be (tests/integration/conftest.py: its actor and day).
THIRTY_CASES = Template("thirty-cases", filled(lambda db: _store(
    CaseService(db, actor="tester", today=lambda: date(2025, 6, 10)), sorted(EXAMPLES.glob("*.case.json")))))


@pytest.fixture
def db_template(request: pytest.FixtureRequest) -> Template[list[str]] | None:
    """The tests of the thirty cases on SQLite start from a copy of them, built once per session."""
    if "stored" not in request.fixturenames:
        return None
    request.getfixturevalue("example_files")  # skips, as before, where the examples are not
    return THIRTY_CASES


@pytest.fixture
def stored(db: Database, db_template: Template[list[str]] | None, prepared: PreparedDatabases,
           service: CaseService, example_files: list[Path]) -> list[str]:
    """Thirty cases from the worked examples under new record numbers and names, spread over
    four statuses."""
    if db_template is not None and db.url.startswith("sqlite"):
        return prepared.made(db_template)  # the database is a copy of them (the db fixture)
    return _store(service, example_files)


@contextmanager
def statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    caught: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
             _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            caught.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield caught
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def scans(db: Database, statement: str, parameters: Any) -> list[str]:
    """The plan's lines that read a whole table of cases or patients, or sort what they read (a
    sort reads every matching row before the first is returned)."""
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            if db.engine.dialect.name == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                lines = [str(row[-1]) for row in cursor.fetchall()]
                # A sort only of the cases of the patients found (a bounded IN list, by their index).
                bounded = any(i in line for line in lines for i in _BY_PATIENT)
                # A trigram index read whole (neither a MATCH, "M", nor a rowid, "=", in its plan)
                # is a scan too.
                return [line for line in lines if ("TEMP B-TREE" in line and not bounded)
                        or (re.match(r"SCAN (cases|patients)\b", line) and "INDEX" not in line)
                        or re.search(r"VIRTUAL TABLE INDEX \d+:(?![^ ]*[M=])", line)]
            # Made as dear as possible, so the plan shows whether an index can answer at all (a
            # small test table would otherwise be read whole, which is right for it).
            for setting in ("enable_seqscan", "enable_sort"):
                cursor.execute(f"SET {setting} = off")
            cursor.execute(f"EXPLAIN {statement}", parameters)
            lines = [str(row[0]) for row in cursor.fetchall()]
            cursor.execute("RESET ALL")
            # On a table of thirty cases the planner may take any index for the patients' cases
            # (the read is by patient all the same: its condition is the patients found).
            bounded = any(i in line for line in lines for i in _BY_PATIENT) or any(
                "(patient_id = ANY" in line for line in lines)
            return [line for line in lines if re.search(r"Seq Scan on (cases|patients)\b", line)
                    or ("Sort" in line and not bounded)]
        finally:
            cursor.close()


QUERIES = [
    WorklistQuery(),
    WorklistQuery(limit=2000),  # the dashboard's
    WorklistQuery(statuses=(WorkflowStatus.READY_FOR_MDT,)),
    WorklistQuery(statuses=(WorkflowStatus.STAGING, WorkflowStatus.CLOSED)),
    WorklistQuery(subtypes=("HR+/HER2-0",)),
    WorklistQuery(statuses=(WorkflowStatus.REFERRED,), subtypes=("HR+/HER2-0", "TNBC")),
    WorklistQuery(text="MRN-00"),  # a record number
    WorklistQuery(text="mar"),  # part of a name, in another case
    WorklistQuery(text="Ma"),  # too short for trigrams: prefixes
    WorklistQuery(text="ber", statuses=(WorkflowStatus.STAGING,)),
    WorklistQuery(text="mar", subtypes=("HR+/HER2-0",)),
    WorklistQuery(text="MRN-00", statuses=(WorkflowStatus.STAGING, WorkflowStatus.CLOSED),
                  subtypes=("HR+/HER2-0", "TNBC")),
    WorklistQuery(window_statuses=("open", "overdue")),
    WorklistQuery(offset=5, limit=5),
]


INDEX_WAYS = ("ordered", "verified")  # SQLite's index over the cases


@pytest.fixture
def matches(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A text filter's ways (store/worklist_query.py), each made the one taken with thirty cases.
    "ordered": as the database has it (SQLite: revisions 0015-0016's index over the cases, in the
    worklist's order, a status or subtype filter in the same query; PostgreSQL: as "few"). The
    other four are PostgreSQL's, and an SQLite's without that index (made so here): few matching
    patients (their cases by patient, ids in hand), a walk of the cases in order within its
    budget, the cases of the patients found (one statement), the walk to the end. "verified":
    SQLite's index, each match's case checked by key for its status and subtype, two at a time
    (store/case_text_filters.py, the way for a value without a code). On PostgreSQL "ordered" is
    "few" and "verified" does not exist: each backend runs its own ways (``WAYS``)."""
    if request.param == "ordered":
        return "ordered"
    if request.param == "verified":
        monkeypatch.setattr(case_text, "coded", lambda _statuses, _subtypes: False)
        monkeypatch.setattr(case_text_filters, "WINDOW", 2)
        return "verified"
    monkeypatch.setattr(worklist_query, "_ordered_text", lambda _session: False)
    if request.param != "few":
        monkeypatch.setattr(worklist_query, "FEW_PATIENTS", 1)
    if request.param in ("found", "many"):
        monkeypatch.setattr(worklist_query, "WALK_BUDGET", 0)  # no case walked: uncertain
    if request.param == "many":
        monkeypatch.setattr(worklist_query, "MANY_PATIENTS", 1)
    return str(request.param)


# (backend, way): the database fixture and the text filter's way, paired so that PostgreSQL does not
# run its "few" way three times over under other names.
WAYS = pytest.mark.parametrize(
    ("db_url", "matches"),
    [(backend, way) for backend in backends()
     for way in ([*INDEX_WAYS, "few", "walked", "found", "many"] if backend == "sqlite"
                 else ["few", "walked", "found", "many"])],
    indirect=True, ids=lambda value: str(value))


def _without_trigrams(db: Database, query: WorklistQuery, matches: str) -> bool:
    """An SQLite made to lack revision 0015's index, and a text of three characters or more: the
    documented fallback, a LIKE over the patients (revision 0015 dropped 0011's index over them)."""
    return (db.engine.dialect.name == "sqlite" and matches not in INDEX_WAYS
            and len(query.text.strip()) >= 3)


@WAYS
@pytest.mark.parametrize("query", QUERIES, ids=repr)
def test_worklist_queries_read_indexes_not_tables(db: Database, service: CaseService, stored: list[str],
                                                  query: WorklistQuery, matches: str) -> None:
    with statements(db) as caught:
        service.worklist(query)
    assert caught
    for statement, parameters in caught:
        found = scans(db, statement, parameters)
        if _without_trigrams(db, query, matches):
            found = [line for line in found if not re.match(r"SCAN patients\b", line)]
        assert found == [], statement


@pytest.mark.parametrize("statuses, subtypes", [
    ((WorkflowStatus.CLOSED,), ()), ((), ("HR+/HER2-0", "TNBC")),
    ((WorkflowStatus.STAGING, WorkflowStatus.READY_FOR_MDT), ("HR+/HER2-0",))])
def test_the_text_filters_own_reads_use_their_indexes(sqlite_db: Database, statuses: tuple[str, ...],
                                                      subtypes: tuple[str, ...]) -> None:
    """store/case_text_filters.py reads through the driver's connection (no statement to catch):
    its statements, as it builds them, are held to their indexes here (SQLite's planner takes no
    account of how many rows there are: the plan of an empty database is that of a full one)."""
    ran = case_text_filters.statements([str(s) for s in statuses], list(subtypes))
    assert len(ran) == 2  # the matches of the text and OTHER, in order; their cases by key
    for statement, parameters in ran:
        assert scans(sqlite_db, statement, parameters) == [], statement


def test_dashboard_counts_read_no_table(db: Database, service: CaseService, stored: list[str]) -> None:
    with statements(db) as caught:
        counts = service.counts_by_status()
    assert counts[WorkflowStatus.REFERRED] == 8 and counts[WorkflowStatus.CLOSED] == 7
    assert sum(counts.values()) == len(stored)
    for statement, parameters in caught:
        assert "cases" not in statement.split("FROM", 1)[1].split()[0], statement
        assert scans(db, statement, parameters) == []


def test_status_counts_follow_every_change(db: Database, service: CaseService, stored: list[str]) -> None:
    service.change_status(stored[1], WorkflowStatus.READY_FOR_MDT)  # staging -> ready
    service.change_status(stored[0], WorkflowStatus.REFERRED)  # unchanged: no count moves
    counts = service.counts_by_status()
    assert counts[WorkflowStatus.STAGING] == 7 and counts[WorkflowStatus.READY_FOR_MDT] == 8
    with db.engine.connect() as conn:
        by_table = dict(conn.execute(text("SELECT status, count(*) FROM cases GROUP BY status")).all())
    assert {s.value: n for s, n in counts.items() if n} == by_table


def _by_hand(service: CaseService, query: WorklistQuery) -> list[str]:
    """The filters applied in Python to every stored case in the worklist's order (the unfiltered
    worklist, one index-ordered read: its order is checked below)."""
    every = service.worklist(WorklistQuery(limit=10_000))
    typed = query.text.strip().lower()

    def keep(row: Any) -> bool:
        if query.statuses and row.status not in query.statuses:
            return False
        if query.subtypes and row.subtype not in query.subtypes:
            return False
        if typed:
            name = row.name.lower()
            if len(typed) >= 3:
                return typed in row.mrn.lower() or typed in name
            return row.mrn.lower().startswith(typed) or name.startswith(typed)
        return True

    rows = [r for r in every if keep(r)]
    return [r.mrn for r in rows[query.offset:query.offset + query.limit]]


@WAYS
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statuses=st.lists(st.sampled_from(list(WorkflowStatus)), max_size=3, unique=True),
       subtypes=st.lists(st.sampled_from(["HR+/HER2-0", "HR+/HER2-low", "HER2+", "TNBC"]), max_size=2,
                         unique=True),
       typed=st.sampled_from(["", "M", "ma", "mR", "MRN-001", "rin", "ber 1", "zz", "a 2", 'n "', "r_1", "%"]),
       offset=st.integers(0, 12), limit=st.integers(1, 12))
def test_the_indexed_worklist_equals_the_worklist_by_hand(
        service: CaseService, stored: list[str], matches: str, statuses: list[WorkflowStatus],
        subtypes: list[str], typed: str, offset: int, limit: int) -> None:
    query = WorklistQuery(text=typed, statuses=tuple(statuses), subtypes=tuple(subtypes),
                          offset=offset, limit=limit)
    assert [r.mrn for r in service.worklist(query)] == _by_hand(service, query)


def test_the_order_is_next_due_then_nothing_due(service: CaseService, stored: list[str]) -> None:
    rows = service.worklist(WorklistQuery(limit=100))
    due = [r.next_due for r in rows]
    dated = [d for d in due if d is not None]
    assert dated == sorted(dated)
    assert due == dated + [None] * (len(due) - len(dated))
    assert any(isinstance(d, date) for d in due)


@WAYS
@pytest.mark.parametrize("typed", ["mar", "Ma", "MRN-00"])
def test_each_way_of_a_text_filter_is_the_one_taken(db: Database, service: CaseService, stored: list[str],
                                                    matches: str, typed: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[str] = []
    for owner, name in ((worklist_query, "_keys_of_patients"), (worklist_query, "_keys_of_found"),
                        (case_text, "first_matching_cases")):
        original = getattr(owner, name)

        def spy(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            taken.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, name, spy)
    query = WorklistQuery(text=typed, limit=3)
    rows = [r.mrn for r in service.worklist(query)]
    assert rows == _by_hand(service, query) and rows
    if matches in INDEX_WAYS and db.engine.dialect.name == "sqlite":
        # Revision 0015's index over the cases answers in the worklist's order: no other way.
        assert taken == ["first_matching_cases"]
        return
    assert "first_matching_cases" not in taken
    expected = {"few": ["_keys_of_patients"], "walked": [],
                "found": ["_keys_of_found"], "many": []}
    assert taken[:1] == expected[matches]


@pytest.mark.parametrize("typed, statuses", [("MRN-00", (WorkflowStatus.CLOSED,)), ("Ma", (WorkflowStatus.STAGING,)),
                                             ("ber", (WorkflowStatus.STAGING, WorkflowStatus.READY_FOR_MDT))])
def test_a_text_with_filters_is_one_query_of_the_index(sqlite_db: Database, example_files: list[Path],
                                                       typed: str, statuses: tuple[WorkflowStatus, ...],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The text and the filters' codes in one MATCH, in the worklist's order; the same rows when
    each match is checked by key instead (the way for a value without a code), equal to the rows
    by hand."""
    service = CaseService(sqlite_db, actor="tester", today=lambda: date(2025, 6, 10))
    _store(service, example_files)
    query = WorklistQuery(text=typed, statuses=statuses, subtypes=("HR+/HER2-0", "HR-/HER2-0"), limit=4)
    verified: list[int] = []
    original = case_text_filters.first_in_filters

    def spy(*args: Any, **kwargs: Any) -> list[int]:
        found = original(*args, **kwargs)
        verified.append(len(found))
        return found

    monkeypatch.setattr(case_text_filters, "first_in_filters", spy)
    with statements(sqlite_db) as caught:
        first = [r.mrn for r in service.worklist(query)]
    assert first == _by_hand(service, query) and verified == []
    matched = [p for s, p in caught if "MATCH" in s]
    assert len(matched) == 1 and " AND (" in str(matched[0])
    monkeypatch.setattr(case_text, "coded", lambda _statuses, _subtypes: False)
    monkeypatch.setattr(case_text_filters, "WINDOW", 1)
    assert [r.mrn for r in service.worklist(query)] == first and verified == [len(first)]


def test_a_subtype_without_a_code_is_filtered_exactly(sqlite_db: Database, example_files: list[Path]) -> None:
    """Two subtypes no code names (written by another program) share OTHER in the index: each is
    still told apart, by the case's own row."""
    service = CaseService(sqlite_db, actor="tester", today=lambda: date(2025, 6, 10))
    mrns = _store(service, example_files)
    with Session(sqlite_db.engine) as session:  # the rows' checksums written as the store writes them
        for mrn, subtype in ((mrns[0], "luminal A"), (mrns[1], "luminal B"), (mrns[2], "luminal A")):
            session.scalars(select(CaseRow).join(PatientRow).where(PatientRow.mrn == mrn)).one().subtype = subtype
        session.commit()
    for subtypes in (("luminal A",), ("luminal B", "HR+/HER2-0"), ("luminal C",)):
        query = WorklistQuery(text="MRN-00", subtypes=subtypes, limit=30)
        assert [r.mrn for r in service.worklist(query)] == _by_hand(service, query)
    found = service.worklist(WorklistQuery(text="MRN", subtypes=("luminal A",)))
    assert sorted(r.mrn for r in found) == [mrns[0], mrns[2]]
