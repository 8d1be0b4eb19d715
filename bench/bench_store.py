"""Benchmark of the store (run by hand; results go to bench/RESULTS.md).

    python bench/bench_store.py [--import-cases 10000] [--stored-cases 100000] [--repeats 5]

1. Import N generated case documents into a new SQLite database (cases per second, the median
   of --repeats fresh databases).
2. With --stored-cases in the database: the worklist query (first 200 rows by next due date,
   with a status filter) and opening one full case, median milliseconds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_recommend import typical_documents

from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.store import Database

TODAY = date(2025, 6, 10)


def import_rate(n: int, tmp: Path, run: int) -> float:
    docs = typical_documents(n, seed=run)
    sources = [(f"c{i}.json", json.dumps(d).encode()) for i, d in enumerate(docs)]
    db = Database.open(str(tmp / f"import-{run}.sqlite3"))
    try:
        service = CaseService(db, actor="bench", today=lambda: TODAY)
        t0 = time.perf_counter()
        outcomes = service.import_documents(sources)
        elapsed = time.perf_counter() - t0
    finally:
        db.close()
    assert all(o.action == "created" for o in outcomes), outcomes[:3]
    return n / elapsed


def fill(db: Database, n: int) -> None:
    docs = typical_documents(n, seed=99)
    service = CaseService(db, actor="bench", today=lambda: TODAY)
    chunk = 2000
    for start in range(0, n, chunk):
        part = docs[start:start + chunk]
        service.import_documents([(str(i), json.dumps(d).encode()) for i, d in enumerate(part)])
    # Spread the cases over the workflow like a real department.
    statuses = list(WorkflowStatus)
    rng = random.Random(5)
    with db.engine.begin() as conn:
        from sqlalchemy import text

        for status in statuses:
            conn.execute(text("UPDATE cases SET status = :s WHERE abs(random()) % 7 = :k"),
                         {"s": status.value, "k": statuses.index(status)})
        restamp_cases(conn)
    del rng


def restamp_cases(conn: Any) -> None:
    """The statuses above were set behind the store's back: give the rows their checksums again
    (otherwise every read is, rightly, refused as damaged)."""
    from sqlalchemy import select, update

    from tumorboard.store.checksums import checksum
    from tumorboard.store.models import CaseRow

    table = CaseRow.__table__
    rows = conn.execute(select(table)).mappings().all()
    conn.execute(update(table).where(table.c.id == bindparam("i")).values(checksum=bindparam("c")),
                 [{"i": r["id"], "c": checksum(table.name, table.columns, r.__getitem__)} for r in rows])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--import-cases", type=int, default=10_000)
    ap.add_argument("--stored-cases", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        rates = [import_rate(args.import_cases, tmp, r) for r in range(args.repeats)]
        print(f"import {args.import_cases} cases into a new database: median {statistics.median(rates):.0f} "
              f"cases/s (runs: {', '.join(f'{r:.0f}' for r in rates)})")

        db = Database.open(str(tmp / "big.sqlite3"))
        t0 = time.perf_counter()
        fill(db, args.stored_cases)
        print(f"filled {args.stored_cases} cases in {time.perf_counter() - t0:.1f} s")
        service = CaseService(db, actor="bench", today=lambda: TODAY)
        query = WorklistQuery(statuses=(WorkflowStatus.ON_TREATMENT, WorkflowStatus.REASSESSMENT_DUE),
                              limit=200)
        times = []
        for _ in range(max(args.repeats, 5) * 4):
            t0 = time.perf_counter()
            rows = service.worklist(query)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"worklist, first {len(rows)} rows by next due date, status filter: median "
              f"{statistics.median(times):.1f} ms")
        times = []
        text_query = WorklistQuery(text="BENCH-0421", limit=200)
        for _ in range(max(args.repeats, 5) * 4):
            t0 = time.perf_counter()
            service.worklist(text_query)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"worklist, text filter on record number/name: median {statistics.median(times):.1f} ms")
        mrns = [f"BENCH-{i:06d}" for i in random.Random(1).sample(range(2000), 40)]
        times = []
        for mrn in mrns:
            t0 = time.perf_counter()
            service.get(mrn)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"open one full case: median {statistics.median(times):.1f} ms")
        db.close()


if __name__ == "__main__":
    main()
