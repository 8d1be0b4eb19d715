"""Text-with-filter worklist queries in one process, for paired runs of two versions (by hand;
bench/RESULTS.md):

    python bench/worklist_filters.py DATABASE REPEATS

Each query: two calls to warm up, then REPEATS timed calls of ``CaseService.worklist``; prints
one JSON object, the CPU median in ms of each query and the first three record numbers it listed
(so that two versions' answers can be compared). Run two versions alternately (each with its own
``PYTHONPATH``, each on a database at its own revision) and take the ratio round by round.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date

from tumorboard.domain.workflow import WorkflowStatus as W
from tumorboard.services.cases import CaseService
from tumorboard.services.cases import WorklistQuery as Q
from tumorboard.store import Database

QUERIES = {
    "arin+ready": Q(text="arin", statuses=(W.READY_FOR_MDT,)),
    "ber+staging+HR": Q(text="ber", statuses=(W.STAGING,), subtypes=("HR+/HER2-0",)),
    "rand+closed": Q(text="rand", statuses=(W.CLOSED,)),
    "MRN0001+ready": Q(text="MRN0001", statuses=(W.READY_FOR_MDT,)),
    "Ma+2status": Q(text="Ma", statuses=(W.STAGING, W.REASSESSMENT_DUE)),
    "er+TNBC": Q(text="er", subtypes=("TNBC",)),  # a subtype no code names
    "ready": Q(statuses=(W.READY_FOR_MDT,)),
    "nofilter": Q(),
}


def main() -> None:
    db = Database.open(sys.argv[1], check_integrity=False)
    service = CaseService(db, actor="bench", today=lambda: date(2025, 6, 10))
    repeats = int(sys.argv[2])
    out: dict[str, object] = {}
    for name, query in QUERIES.items():
        for _ in range(2):
            service.worklist(query)
        cpu = []
        for _ in range(repeats):
            started = time.process_time()
            service.worklist(query)
            cpu.append(time.process_time() - started)
        cpu.sort()
        out[name] = cpu[len(cpu) // 2] * 1000
        out[name + " rows"] = [r.mrn for r in service.worklist(query)][:3]
    print(json.dumps(out))
    db.close()


if __name__ == "__main__":
    main()
