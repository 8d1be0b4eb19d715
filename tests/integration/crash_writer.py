"""A writer for the crash-safety test: writes cases until it is killed.

    python crash_writer.py DATABASE_FILE SEED TEMPLATE.case.json

Each write is a new case (through the import, as a user's file would arrive) or a save of an
existing case (open, change, save with its version, as the editor does). After the call that
commits returns, it prints ``<MRN> <version>`` and flushes, so every line the test reads names a
write the app reported as done. The content of version ``v`` of a case is a function of ``v``
(:func:`shape`), so the test can tell a whole case from a half-written one.

Not a test module (no ``test_`` prefix): the test starts it as a subprocess.
"""

from __future__ import annotations

import copy
import json
import random
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tumorboard.casedoc import case_from_document, case_to_document, load_case_document
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.store import Database

TODAY = date(2025, 6, 10)
MRN_PREFIX = "CRASH-"
MAX_CASES = 120  # then only saves: the database stays small enough to check in full after each kill
BONE_SITES = ("rib", "sternum", "vertebra", "pelvis")


def lesion_count(version: int) -> int:
    return 1 + version % 4


def therapy_count(version: int) -> int:
    return 1 + (version * 7) % 3


def marker(version: int) -> str:
    return f"crash-writer version {version}"


def shape(doc: dict[str, Any], version: int) -> dict[str, Any]:
    """``doc`` with the lists and marker that version ``version`` of a case must have."""
    out = copy.deepcopy(doc)
    out["tumour"]["histology"] = marker(version)
    out["metastatic"]["lesions"] = [
        {"organ": "bone", "bone_site": BONE_SITES[i % len(BONE_SITES)], "site": f"v{version} lesion {i}"}
        for i in range(lesion_count(version))]
    first = out["therapies"][0]
    out["therapies"] = [{**first, "regimen": f"v{version} regimen {i}"}
                        for i in range(therapy_count(version))]
    return out


def main(argv: list[str]) -> int:
    db_file, seed, template_file = Path(argv[1]), int(argv[2]), Path(argv[3])
    rng = random.Random(seed)
    template = json.loads(template_file.read_text())
    template["patient"]["name"] = "Crash Writer"
    db = Database.open(f"sqlite:///{db_file}")
    service = CaseService(db, actor="crash-writer", today=lambda: TODAY)
    mrns = [r.mrn for r in service.worklist(WorklistQuery(text=MRN_PREFIX, limit=100_000))]
    serial = 0
    while True:
        if len(mrns) < MAX_CASES and (not mrns or rng.random() < 0.35):
            serial += 1
            mrn = f"{MRN_PREFIX}{seed}-{serial}"
            doc = shape(template, 1)
            doc["patient"]["mrn"] = mrn
            outcome = service.import_documents([(f"{mrn}.json", json.dumps(doc).encode())])[0]
            if outcome.action != "created":
                raise SystemExit(f"import of {mrn} refused: {outcome.problems}")
            mrns.append(mrn)
            version = 1
        else:
            mrn = rng.choice(mrns)
            record = service.get(mrn)
            version = record.version + 1
            # Validated as the editor's document would be: a wrong shape stops the writer loudly.
            shaped = shape(case_to_document(record.case), version)
            changed = case_from_document(load_case_document(json.dumps(shaped).encode()))
            version = service.save(changed, record.version).version
        print(f"{mrn} {version}", flush=True)  # only after the commit returned


if __name__ == "__main__":
    sys.exit(main(sys.argv))
