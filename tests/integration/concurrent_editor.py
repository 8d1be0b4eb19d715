"""One workstation for the two-process test: open a case, wait for the signal, save an edit.

    python concurrent_editor.py DB_URL MRN ACTOR ER_PERCENT GO_FILE

Prints "saved" or "refused: <message>" once the save returns.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from tumorboard.services.cases import CaseService
from tumorboard.store import ConcurrentEdit, Database, DatabaseLocked


def main() -> None:
    url, mrn, actor, er, go = sys.argv[1:6]
    db = Database.open(url)
    service = CaseService(db, actor=actor)
    record = service.get(mrn)
    print("opened", flush=True)
    deadline = time.monotonic() + 30
    while not Path(go).exists():  # both have read the same version before either saves
        if time.monotonic() > deadline:
            sys.exit("no go signal")
        time.sleep(0.005)
    edited = replace(record.case, tumour=replace(record.case.tumour, er_percent=float(er)))
    try:
        service.save(edited, record.version)
        print("saved", flush=True)
    except (ConcurrentEdit, DatabaseLocked) as exc:
        print(f"refused: {exc}", flush=True)
    db.close()


if __name__ == "__main__":
    main()
