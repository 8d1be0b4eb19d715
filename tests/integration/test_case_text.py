"""Revisions 0015-0016's trigram index over the cases (SQLite): kept right by its triggers through every
change the services make, checked by ``db check``, and built or taken back by the migration."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.integrity import full_check
from tumorboard.store import Database, case_text, text_search
from tumorboard.store.models import CaseRow, PatientRow
from tumorboard.store.schema import alembic_config

TODAY = date(2025, 6, 10)


def _fill(service: CaseService, example_files: list[Path], count: int = 12) -> list[str]:
    sources = []
    for i in range(count):
        doc = json.loads(example_files[i % len(example_files)].read_text())
        doc["patient"]["mrn"] = f"TXT-{i:03d}"
        doc["patient"]["name"] = f"{['Anna Berger', 'Eva Marin', 'Ida Kern'][i % 3]} {i}"
        sources.append((f"c{i}.json", json.dumps(doc).encode()))
    assert all(o.action == "created" for o in service.import_documents(sources))
    return [f"TXT-{i:03d}" for i in range(count)]


def _mismatched(db: Database) -> int:
    with db.engine.connect() as conn:
        return case_text.mismatched_case_text(conn)


def _keys(db: Database) -> set[int]:
    with db.engine.connect() as conn:
        return {int(k) for (k,) in conn.execute(text(f"SELECT rowid FROM {case_text.CASE_TEXT}"))}


def _rows(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {case_text.CASE_TEXT}")).scalar_one())


@pytest.fixture
def service(sqlite_db: Database) -> CaseService:
    return CaseService(sqlite_db, actor="tester", today=lambda: TODAY)


def test_every_change_keeps_the_index_equal_to_the_cases(sqlite_db: Database, service: CaseService,
                                                         example_files: list[Path]) -> None:
    mrns = _fill(service, example_files)
    assert _rows(sqlite_db) == len(mrns) and _mismatched(sqlite_db) == 0
    service.change_status(mrns[0], WorkflowStatus.STAGING)
    service.change_status(mrns[1], WorkflowStatus.CLOSED)
    assert _mismatched(sqlite_db) == 0
    # The row holds the new status (revision 0016): a text with a status filter follows it.
    closed = WorklistQuery(text=mrns[1], statuses=(WorkflowStatus.CLOSED,))
    assert [r.mrn for r in service.worklist(closed)] == [mrns[1]]
    assert service.worklist(replace(closed, statuses=(WorkflowStatus.REFERRED,))) == []
    # A meeting booked moves the next due date: the row moves to its new place in the order.
    before = _keys(sqlite_db)
    for mrn in mrns[2:5]:
        service.schedule(mrn, next_meeting=date(2025, 7, 1), staging_date=date(2025, 6, 20))
    assert _mismatched(sqlite_db) == 0 and _keys(sqlite_db) != before
    # A renamed patient is found by the new name only.
    record = service.get(mrns[3])
    renamed = replace(record.case, patient=replace(record.case.patient, name="Zelda Quist"))
    service.save(renamed, expected_version=record.version)
    assert _mismatched(sqlite_db) == 0
    assert [r.mrn for r in service.worklist(WorklistQuery(text="quist"))] == [mrns[3]]
    assert mrns[3] not in [r.mrn for r in service.worklist(WorklistQuery(text="Berger 3"))]
    service.refresh_derived()
    assert _mismatched(sqlite_db) == 0
    # A case removed by hand (the services never remove one) leaves no row behind.
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM cases WHERE id = (SELECT max(id) FROM cases)"))
    assert _rows(sqlite_db) == len(mrns) - 1 and _mismatched(sqlite_db) == 0


def test_a_subtype_written_by_any_writer_is_in_the_index(sqlite_db: Database, service: CaseService,
                                                         example_files: list[Path]) -> None:
    mrns = _fill(service, example_files, count=3)
    with Session(sqlite_db.engine) as session:  # not through the services: the trigger follows it
        case = session.scalars(select(CaseRow).join(PatientRow).where(PatientRow.mrn == mrns[2])).one()
        case.subtype = "HR?/HER2?"
        session.commit()
    assert _mismatched(sqlite_db) == 0
    query = WorklistQuery(text="TXT", subtypes=("HR?/HER2?",))
    assert [r.mrn for r in service.worklist(query)] == [mrns[2]]


def test_the_order_of_the_index_is_the_worklists(service: CaseService, example_files: list[Path]) -> None:
    mrns = _fill(service, example_files)
    for i, mrn in enumerate(mrns):
        if i % 4 == 1:
            service.change_status(mrn, WorkflowStatus.CLOSED)  # nothing due: last
    every = [r.mrn for r in service.worklist(WorklistQuery(limit=100))]
    assert [r.mrn for r in service.worklist(WorklistQuery(text="TXT-0", limit=100))] == every
    assert [r.mrn for r in service.worklist(WorklistQuery(text="TXT-0", offset=3, limit=4))] == every[3:7]
    marin = [m for m in every if int(m[-3:]) % 3 == 1]
    assert [r.mrn for r in service.worklist(WorklistQuery(text="eva mar", limit=100))] == marin


def test_a_stale_index_is_reported_by_the_check(sqlite_db: Database, service: CaseService,
                                                example_files: list[Path]) -> None:
    mrns = _fill(service, example_files, count=4)
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER case_text_move"))
    # A meeting booked: the case's row stays under its old due date.
    service.schedule(mrns[0], next_meeting=date(2025, 7, 1), staging_date=date(2025, 6, 20))
    assert _mismatched(sqlite_db) == 1
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER case_text_rename"))
        conn.execute(text("UPDATE patients SET name = 'Other Name' WHERE mrn = :m"), {"m": mrns[1]})
    assert _mismatched(sqlite_db) == 2
    report = full_check(sqlite_db)
    assert not report.ok and "the worklist's counts and text index against the cases" in report.checked
    derived = [p for p in report.problems if p.startswith("derived: ")]
    assert len(derived) == 2, report.problems
    assert "case_text_move, case_text_rename" in derived[0] and "stale for 2 case(s)" in derived[1]


def test_a_sound_database_passes_and_wrong_counts_are_reported(sqlite_db: Database, service: CaseService,
                                                               example_files: list[Path]) -> None:
    _fill(service, example_files, count=3)
    assert full_check(sqlite_db).ok
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("UPDATE case_status_counts SET cases = cases + 1 WHERE status = 'referred'"))
    problems = full_check(sqlite_db).problems
    assert problems == ("derived: the worklist's status counts disagree with the cases for referred "
                        "(a trigger of revision 0011 missing or bypassed)",)


def test_the_migration_builds_it_from_the_cases_and_takes_it_back(tmp_path: Path,
                                                                   example_files: list[Path]) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    db = Database.open(url)
    service = CaseService(db, actor="tester", today=lambda: TODAY)
    mrns = _fill(service, example_files)
    found = [r.mrn for r in service.worklist(WorklistQuery(text="marin", limit=100))]
    db.close()
    command.downgrade(alembic_config(url), "0014")
    raw = sqlite3.connect(tmp_path / "old.sqlite3")
    names = {n for (n,) in raw.execute("SELECT name FROM sqlite_master")}
    assert case_text.CASE_TEXT not in names and text_search.FTS_TABLE in names
    # 0014's index answers the same (rebuilt from the patients).
    hits = raw.execute(f"SELECT count(*) FROM {text_search.FTS_TABLE} WHERE {text_search.FTS_TABLE} "
                       "MATCH '\"marin\"'").fetchone()[0]
    assert hits == len(found) == len(mrns) // 3
    raw.close()
    command.upgrade(alembic_config(url), "0015")  # 0015's rows: record number and name only
    engine = create_engine(url)
    with engine.connect() as conn:  # none holds its status and subtype yet
        assert case_text.mismatched_case_text(conn) == len(mrns)
    engine.dispose()
    db = Database.open(url)  # upgraded again to the head
    try:
        assert _rows(db) == len(mrns) and _mismatched(db) == 0
        assert [r.mrn for r in CaseService(db, actor="t", today=lambda: TODAY).worklist(
            WorklistQuery(text="marin", limit=100))] == found
        with db.engine.connect() as conn:
            assert not conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"),
                                    {"n": text_search.FTS_TABLE}).first()
    finally:
        db.close()


def test_the_key_orders_every_date_then_nothing_due_and_fits_a_rowid() -> None:
    """The rowid of revision 0015, computed by SQLite as the triggers compute it: by date, then
    id; nothing due after the last date there can be; never past SQLite's largest rowid."""
    con = sqlite3.connect(":memory:")
    rows = [("0001-01-01", 5), ("2025-06-10", 1), ("2025-06-10", 2), ("2025-06-11", 1),
            ("9999-12-31", 7), (None, 1), (None, (1 << case_text.ID_BITS) - 1)]
    con.execute("CREATE TABLE c (next_due TEXT, id INTEGER)")
    con.executemany("INSERT INTO c VALUES (?, ?)", rows)
    keys = [k for (k,) in con.execute(f"SELECT {case_text._key('c')} FROM c ORDER BY rowid")]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert max(keys) <= 2**63 - 1 and all(k & case_text.ID_MASK == i for k, (_, i) in zip(keys, rows,
                                                                                          strict=True))
