"""Crash safety: a writer killed with SIGKILL at random moments loses nothing it reported saved
and leaves no half-written case.

One SQLite database accumulates every run. After each kill the file must pass
``PRAGMA integrity_check`` and ``foreign_key_check``; every write the writer printed (it prints
only after the commit returned) must be there, at that version or later; and every case must be
whole: its patient row, as many lesion and therapy rows as its version says
(``crash_writer.shape``), the audit rows of every save, and it must load through the case service
and validate as a case document.

SIGKILL stops the process, not the machine: this shows that a commit is atomic and durable
against the app dying (crash, killed, closed laptop lid with the process frozen and reaped), not
against a power cut, which depends on the disk honouring fsync (``synchronous=FULL`` asks it to).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tumorboard.casedoc import case_to_document, validate_case_document
from tumorboard.services.cases import CaseService
from tumorboard.store import Database

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crash_writer  # the writer's own definition of a whole case

WRITER = Path(__file__).resolve().parent / "crash_writer.py"
KILLS = 36
BUDGET_S = 80  # the whole test stays under 90 s even on a slow machine: stop killing when spent


@dataclass
class Tally:
    kills: int = 0
    reported: int = 0  # writes the writer printed, each checked after its kill
    cases_checked: int = 0


def _start(db_file: Path, seed: int, template: Path) -> tuple[subprocess.Popen[str], list[str],
                                                               threading.Event, threading.Thread]:
    proc = subprocess.Popen([sys.executable, str(WRITER), str(db_file), str(seed), str(template)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    first = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:  # ends at EOF, when the killed writer's pipe closes
            if line.endswith("\n"):  # a line cut by the kill names no reported write
                lines.append(line)
                first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return proc, lines, first, reader


def _check_file(db_file: Path) -> None:
    con = sqlite3.connect(db_file)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


def _check_cases(db_file: Path, committed: dict[str, int], tally: Tally) -> None:
    con = sqlite3.connect(db_file)
    try:
        rows = con.execute(
            "SELECT p.mrn, c.version, c.histology, "
            " (SELECT count(*) FROM lesions l WHERE l.case_id = c.id), "
            " (SELECT count(*) FROM therapies t WHERE t.case_id = c.id), "
            " (SELECT count(*) FROM audit_log a WHERE a.entity = 'case' AND a.entity_id = p.mrn "
            "    AND a.action = 'import'), "
            " (SELECT count(*) FROM audit_log a WHERE a.entity = 'case' AND a.entity_id = p.mrn "
            "    AND a.action = 'update' AND a.field = '/tumour/histology') "
            "FROM cases c LEFT JOIN patients p ON p.id = c.patient_id").fetchall()
    finally:
        con.close()
    found = {}
    for mrn, version, histology, lesions, therapies, created, saves in rows:
        assert mrn is not None, "a case row without its patient"
        assert histology == crash_writer.marker(version), (mrn, version, histology)
        assert lesions == crash_writer.lesion_count(version), (mrn, version, lesions)
        assert therapies == crash_writer.therapy_count(version), (mrn, version, therapies)
        assert created == 1 and saves == version - 1, ("audit trail out of step", mrn, version, saves)
        found[mrn] = version
    for mrn, version in committed.items():
        assert mrn in found, f"{mrn} was reported saved but is missing"
        assert found[mrn] >= version, f"{mrn} reported at version {version}, found {found[mrn]}"
    db = Database.open(f"sqlite:///{db_file}")
    try:
        service = CaseService(db, today=lambda: crash_writer.TODAY)
        for mrn, version in found.items():
            record = service.get(mrn)
            assert record.version == version
            doc = json.loads(json.dumps(case_to_document(record.case)))
            assert validate_case_document(doc) == [], mrn
            tally.cases_checked += 1
    finally:
        db.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
@pytest.mark.slow  # some 35 s: a writer process killed at many points
def test_killed_writer_loses_no_reported_write_and_leaves_no_half_written_case(
        tmp_path: Path, example_files: list[Path]) -> None:
    seed = int(os.environ.get("TUMORBOARD_CRASH_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    db_file = tmp_path / "crash.sqlite3"
    Database.open(f"sqlite:///{db_file}").close()  # schema built once, outside the kills
    template = next(f for f in example_files if f.name == "v01.case.json")
    committed: dict[str, int] = {}
    tally = Tally()
    started = time.monotonic()
    for run in range(KILLS):
        if time.monotonic() - started > BUDGET_S:
            break
        proc, lines, first, reader = _start(db_file, seed * 1000 + run, template)
        if run % 6 == 5:
            time.sleep(rng.uniform(0.0, 0.6))  # now and then while it opens the database
        else:
            if not first.wait(30):
                proc.kill()
                _, err = proc.communicate()
                pytest.fail(f"the writer wrote nothing: {err}")
            time.sleep(rng.uniform(0.0, 0.25))  # mid-stream: in a read, a save or a commit
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        reader.join(30)
        assert proc.stderr is not None
        err = proc.stderr.read()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL, f"the writer stopped by itself: {err}"
        tally.kills += 1
        for line in lines:
            mrn, version = line.split()
            committed[mrn] = max(committed.get(mrn, 0), int(version))
        tally.reported += len(lines)
        _check_file(db_file)
        _check_cases(db_file, committed, tally)
    elapsed = time.monotonic() - started
    print(f"\ncrash safety (seed {seed}): {tally.kills} SIGKILLs, {tally.reported} reported writes "
          f"verified, {len(committed)} cases, {tally.cases_checked} case loads validated, "
          f"{elapsed:.1f} s")
    assert tally.kills >= 30
    assert tally.reported > tally.kills  # the kills landed among writes, not only at start-up
