"""Benchmark at a ten-year centre's size (run by hand; results go to bench/RESULTS.md).

    python bench/bench_scale.py build DB --cases 1000000      # the generator
    python bench/bench_scale.py queries DB [--repeats 15]     # worklist and dashboard queries
    python bench/bench_scale.py floor-import DB --cases 10000 # the raw insert floor (see below)

``build`` fills a new SQLite database through the store: the repository's bulk insert and the
audit trail, in units of work of 10,000 cases, every row with its checksum and every case with
its audit row as an import writes them (the JSON validation of an import is skipped: that is
the import benchmark's), with the statuses spread over the workflow. The 500 template
documents are parsed and derived by the engine once each; a case is a template under a new
record number and name, which the engine does not read (checked once per template). One
million cases take about 20 minutes on a loaded 2-core machine (bench/RESULTS.md).

``queries`` times each worklist and dashboard query as the services run them (median of
--repeats, milliseconds), each beside its floor measured in the same run: the same number of
rows read by primary key with the plain sqlite3 module (no ORM, no filter).

``floor-import`` is the floor of `tumorboard import`: the same rows (patient, case, children,
one audit row per case) written with plain sqlite3 ``executemany`` into the same schema (its
indexes and triggers, the trigram index's included), no validation, no engine. With ``--files
DIR`` it reads and parses the files an import would be given (``bench/bench_import.py files``
writes them) and fills every row's checksum and the audit rows' hash chain with one plain
SHA-256 each, as an import must: the fair floor of ``tumorboard import DIR/*.json``. Without it,
the documents are generated in memory and those columns are left empty, as before. It prints
cases per second.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_recommend import typical_documents

from tumorboard.casedoc import case_from_document
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.derived import derive
from tumorboard.store import Database

TODAY = date(2025, 6, 10)
BATCH = 2000
BUILD_BATCH = 10_000  # cases per unit of work of the generator (one transaction, one fsync)
FIRST = ["Anna", "Maria", "Eva", "Lena", "Sara", "Ida", "Nora", "Emma", "Mia", "Lea", "Zoe", "Ines"]
LAST = ["Berger", "Huber", "Marin", "Moser", "Amari", "Kern", "Wolf", "Bauer", "Fuchs", "Lang",
        "Weber", "Keller", "Roth", "Vogel", "Brandt", "Lorenz", "Haas", "Sommer", "Graf", "Pohl"]
# A department's spread over the workflow (most cases long since on treatment or closed).
SPREAD = [(WorkflowStatus.REFERRED, 3), (WorkflowStatus.STAGING, 3), (WorkflowStatus.READY_FOR_MDT, 2),
          (WorkflowStatus.DISCUSSED, 2), (WorkflowStatus.ON_TREATMENT, 30),
          (WorkflowStatus.REASSESSMENT_DUE, 10), (WorkflowStatus.CLOSED, 50)]


_TEMPLATES: list[dict[str, Any]] = []


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}-{rng.randrange(1000)}"


def _documents(start: int, count: int) -> list[dict[str, Any]]:
    """``count`` case documents: 500 generated typical cases (bench_recommend), each reused under
    new record numbers and names (generating every one anew would dominate a million)."""
    if not _TEMPLATES:
        _TEMPLATES.extend(typical_documents(500, seed=1))
    rng = random.Random(start)
    docs = []
    for i in range(count):
        n = start + i
        template = _TEMPLATES[n % len(_TEMPLATES)]
        name = _name(rng)
        docs.append({**template, "patient": {**template["patient"], "mrn": f"MRN{n:08d}", "name": name}})
    return docs


class _Template:
    """One template document, read once: its case, its canonical document and what the engine
    derives from it. A case made from it differs only in record number and name, which the
    engine does not read, so the derivation is the template's (checked for each template's first
    case: the case read from the new document is the one built here)."""

    def __init__(self, document: dict[str, Any]) -> None:
        from tumorboard.casedoc.codec import case_to_document

        self.case = case_from_document(document)
        self.document = case_to_document(self.case)
        self.derived = derive(self.case, TODAY)
        self.checked = False

    def instance(self, mrn: str, name: str) -> tuple[Any, dict[str, Any]]:
        from tumorboard.casedoc.codec import case_to_document

        case = replace(self.case, patient=replace(self.case.patient, mrn=mrn, name=name))
        document = {**self.document, "patient": {**self.document["patient"], "mrn": mrn, "name": name}}
        if not self.checked:  # what an import of this document would store and audit
            if case_from_document(document) != case or case_to_document(case) != document:
                raise AssertionError(f"template case {mrn}: not the case its document describes")
            if derive(case, TODAY) != self.derived:
                raise AssertionError(f"template case {mrn}: the derivation depends on the patient")
            self.checked = True
        return case, document


def build(path: Path, cases: int) -> None:
    """Units of work of BUILD_BATCH cases through the repository's bulk insert and the audit
    trail: every row with its checksum, every case with its audit row, as an import writes
    them; the documents' parsing and derivation done once per template."""
    if not _TEMPLATES:
        _TEMPLATES.extend(typical_documents(500, seed=1))
    templates = [_Template(d) for d in _TEMPLATES]
    db = Database.open(str(path))
    statuses = [s.value for s, weight in SPREAD for _ in range(weight)]
    t0 = time.perf_counter()
    try:
        for start in range(0, cases, BUILD_BATCH):
            rng = random.Random(start)
            count = min(BUILD_BATCH, cases - start)
            made = [templates[n % len(templates)].instance(f"MRN{n:08d}", _name(rng))
                    for n in range(start, start + count)]
            with db.unit_of_work("bench") as uow:
                uow.cases.add_many([(c, rng.choice(statuses), templates[(start + k) % len(templates)].derived)
                                    for k, (c, _) in enumerate(made)], "bench")
                uow.audit_created("import", "case", [(c.patient.mrn, doc) for c, doc in made])
                uow.commit()
            done = start + count
            if (done // BUILD_BATCH) % 10 == 0 or done == cases:
                print(f"{done:>9,} cases  {done / (time.perf_counter() - t0):,.0f} cases/s", flush=True)
    finally:
        db.close()
    elapsed = time.perf_counter() - t0
    print(f"built {cases:,} cases in {elapsed:.1f} s ({cases / elapsed:,.0f} cases/s); "
          f"{path.stat().st_size / 1e9:.2f} GB")


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    return _medians_ms(fn, repeats)[0]


def _medians_ms(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall and median CPU milliseconds (CPU: the figure a shared machine disturbs least)."""
    fn()  # warm: the first call pays for the page cache and statement compilation
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def queries(path: Path, repeats: int) -> None:
    db = Database.open(str(path), check_integrity=False)
    service = CaseService(db, actor="bench", today=lambda: TODAY)
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    total = raw.execute("SELECT count(*) FROM cases").fetchone()[0]
    top = raw.execute("SELECT max(id) FROM cases").fetchone()[0]
    rng = random.Random(3)

    def floor(rows: int) -> Callable[[], object]:
        def read() -> object:
            at = rng.randrange(1, max(2, top - rows))
            return raw.execute("SELECT * FROM cases JOIN patients ON patients.id = cases.patient_id "
                               "WHERE cases.id >= ? LIMIT ?", (at, rows)).fetchall()
        return read

    mrn = f"MRN{rng.randrange(total):08d}"
    named = raw.execute("SELECT name FROM patients WHERE id = ?", (total // 2,)).fetchone()[0]
    checks: list[tuple[str, Callable[[], object], int]] = [
        ("worklist, no filter, first 200", lambda: service.worklist(WorklistQuery()), 200),
        ("worklist, status ready for MDT", lambda: service.worklist(
            WorklistQuery(statuses=(WorkflowStatus.READY_FOR_MDT,))), 200),
        ("worklist, statuses staging + reassessment due", lambda: service.worklist(
            WorklistQuery(statuses=(WorkflowStatus.STAGING, WorkflowStatus.REASSESSMENT_DUE))), 200),
        ("worklist, subtype HR+/HER2-0", lambda: service.worklist(
            WorklistQuery(subtypes=("HR+/HER2-0",))), 200),
        ("worklist, status + subtype", lambda: service.worklist(WorklistQuery(
            statuses=(WorkflowStatus.ON_TREATMENT,), subtypes=("HR+/HER2-0",))), 200),
        (f"text: a record number ({mrn})", lambda: service.worklist(WorklistQuery(text=mrn)), 1),
        ("text: record-number prefix (MRN0001)", lambda: service.worklist(
            WorklistQuery(text="MRN0001")), 200),
        (f"text: a whole name ({named})", lambda: service.worklist(WorklistQuery(text=named)), 200),
        ("text: part of a surname (arin)", lambda: service.worklist(WorklistQuery(text="arin")), 200),
        ("text: rare part of a name (ser-12)", lambda: service.worklist(WorklistQuery(text="ser-12")), 200),
        ("text: two letters (Ma)", lambda: service.worklist(WorklistQuery(text="Ma")), 200),
        ("text + status (rand, closed)", lambda: service.worklist(WorklistQuery(
            text="rand", statuses=(WorkflowStatus.CLOSED,))), 200),
        ("text + a rare status (arin, ready for MDT: 2% of cases)", lambda: service.worklist(
            WorklistQuery(text="arin", statuses=(WorkflowStatus.READY_FOR_MDT,))), 200),
        ("text + status + subtype (ber, staging, HR+/HER2-0)", lambda: service.worklist(WorklistQuery(
            text="ber", statuses=(WorkflowStatus.STAGING,), subtypes=("HR+/HER2-0",))), 200),
        ("text + status, both rare (MRN0001, ready for MDT: 1% and 2%, about 200 cases in all at 1M)",
         lambda: service.worklist(WorklistQuery(
             text="MRN0001", statuses=(WorkflowStatus.READY_FOR_MDT,))), 200),
        ("text: one letter (M)", lambda: service.worklist(WorklistQuery(text="M")), 200),
        ("text: nothing matches (zzq)", lambda: service.worklist(WorklistQuery(text="zzq")), 1),
        ("dashboard: status counts", service.counts_by_status, 7),
        ("dashboard: worklist of 2,000", lambda: service.worklist(WorklistQuery(limit=2000)), 2000),
    ]
    print(f"{total:,} cases in {path.name} ({path.stat().st_size / 1e9:.2f} GB); median of {repeats}")
    print("| query | median ms | CPU ms | floor ms (same rows by key, plain sqlite3) | floor CPU ms "
          "| ratio (CPU) |")
    print("|---|---|---|---|---|---|")
    for name, fn, rows in checks:
        ms, cpu = _medians_ms(fn, repeats)
        base, base_cpu = _medians_ms(floor(rows), repeats)
        ratio = cpu / max(base_cpu, 0.01)
        print(f"| {name} | {ms:.1f} | {cpu:.1f} | {base:.2f} | {base_cpu:.2f} | {ratio:.1f}x |", flush=True)
    raw.close()
    db.close()


def floor_import(path: Path, cases: int, files: Path | None = None) -> None:
    """Plain sqlite3 executemany of the same rows into a database of the same schema."""
    from tumorboard.casedoc.codec import case_to_document
    from tumorboard.domain.case import Case
    from tumorboard.store.case_rows import case_columns, child_rows, patient_columns
    from tumorboard.store.models import AuditRow, CaseRow, PatientRow

    Database.open(str(path)).close()  # the schema, by the migrations
    names = sorted(files.glob("*.json")) if files is not None else []
    if files is not None:
        cases = len(names)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    now = "2025-06-10 10:00:00.000000"
    chained = files is not None

    def insert(table: Any, rows: list[dict[str, Any]]) -> None:
        keys = list(rows[0])
        values = [tuple(_plain(r.get(k)) for k in keys) for r in rows]
        if chained and "checksum" in table.columns:  # one plain SHA-256 of each row's values
            keys.append("checksum")
            values = [(*v, hashlib.sha256(repr(v).encode()).hexdigest()) for v in values]
        con.executemany(f"INSERT INTO {table.name} ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})",
                        values)

    def batch_of(start: int) -> list[Case]:
        return [case_from_document(json.loads(n.read_bytes())) for n in names[start:start + BATCH]]

    parsed_up_front = None if files is not None else [case_from_document(d) for d in _documents(0, cases)]
    t0 = time.perf_counter()
    seq, previous = 0, "0" * 64
    for start in range(0, cases, BATCH):
        # Generated documents are built before the clock starts (as before); files are read and
        # parsed batch by batch, as an import reads them.
        part = parsed_up_front[start:start + BATCH] if parsed_up_front is not None else batch_of(start)
        con.execute("BEGIN IMMEDIATE")
        insert(PatientRow.__table__, [patient_columns(c.patient) for c in part])
        ids = dict(con.execute("SELECT mrn, id FROM patients WHERE id > "
                               f"(SELECT max(id) - {len(part)} FROM patients)").fetchall())
        rows = []
        for c in part:
            values = case_columns(c)
            values.update(patient_id=ids[c.patient.mrn], status="referred", version=1, created_at=now,
                          updated_at=now, updated_by="bench", subtype="", distant_lesion_count=0,
                          window_assessed=False, missing_items="")
            rows.append(values)
        insert(CaseRow.__table__, rows)
        case_ids = dict(con.execute("SELECT patient_id, id FROM cases WHERE id > "
                                    f"(SELECT max(id) - {len(part)} FROM cases)").fetchall())
        children: dict[Any, list[dict[str, Any]]] = {}
        for c in part:
            for table, kids in child_rows(c).items():
                children.setdefault(table.__table__, []).extend(
                    {**k, "case_id": case_ids[ids[c.patient.mrn]]} for k in kids)
        for table, kids in children.items():
            if kids:
                insert(table, kids)
        audit = []
        for c in part:
            seq += 1
            content = json.dumps(case_to_document(c), sort_keys=True, default=str)
            digest = hashlib.sha256(f"{seq}{previous}{content}".encode()).hexdigest() if chained else "0" * 64
            audit.append({"at": now, "actor": "bench", "action": "import", "entity": "case",
                          "entity_id": c.patient.mrn, "field": "created", "old_value": None,
                          "new_value": content, "encoding": "json", "seq": seq,
                          "prev_hash": previous if chained else "0" * 64, "row_hash": digest})
            previous = digest if chained else previous
        present = {c.name for c in AuditRow.__table__.columns}
        insert(AuditRow.__table__, [{k: v for k, v in a.items() if k in present} for a in audit])
        con.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    con.close()
    print(f"raw floor: {cases / elapsed:,.0f} cases/s ({cases:,} cases, {elapsed:.2f} s)")


def _plain(value: Any) -> Any:
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["build", "queries", "floor-import"])
    parser.add_argument("database", type=Path)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--files", type=Path, help="floor-import: read and parse DIR/*.json (see above)")
    args = parser.parse_args()
    if args.what == "build":
        build(args.database, args.cases)
    elif args.what == "queries":
        queries(args.database, args.repeats)
    else:
        floor_import(args.database, args.cases, args.files)


if __name__ == "__main__":
    main()
