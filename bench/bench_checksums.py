"""What the row checksums cost when reading (run by hand; results go to bench/RESULTS.md).

    python bench/bench_checksums.py [--stored-cases 20000] [--runs 40]

Fills a SQLite database as bench_store.py does, then times the worklist (first 200 rows by next
due date with a status filter) and opening one full case, alternately with the checksum check
and with it switched off (``checksums.check`` replaced by a no-op), median milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import TODAY, fill

from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.store import Database, checksums


def timed(work: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        work()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stored-cases", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    real_check = checksums.check
    with tempfile.TemporaryDirectory() as tmpdir:
        db = Database.open(str(Path(tmpdir) / "big.sqlite3"))
        fill(db, args.stored_cases)
        service = CaseService(db, actor="bench", today=lambda: TODAY)
        query = WorklistQuery(statuses=(WorkflowStatus.ON_TREATMENT, WorkflowStatus.REASSESSMENT_DUE),
                              limit=200)
        mrns = [f"BENCH-{i:06d}" for i in random.Random(1).sample(range(2000), 40)]
        results: dict[str, list[float]] = {"worklist on": [], "worklist off": [], "case on": [],
                                           "case off": []}
        service.worklist(query)  # warm the caches once
        for _ in range(5):
            for state in ("on", "off"):
                checksums.check = real_check if state == "on" else (lambda row, what: None)  # type: ignore[assignment]
                results[f"worklist {state}"].append(timed(lambda: service.worklist(query), args.runs // 5))
                results[f"case {state}"].append(timed(lambda: [service.get(m) for m in mrns], 1) / len(mrns))
        checksums.check = real_check
        t0 = time.perf_counter()
        damaged = db.damaged_rows()
        scan = time.perf_counter() - t0
        db.close()
    for name, values in results.items():
        print(f"{name:13s}: median {statistics.median(values):.2f} ms")
    print(f"every row's checksum (the daily check's scan), {args.stored_cases} cases: {scan:.2f} s, "
          f"{len(damaged)} damaged")


if __name__ == "__main__":
    main()
