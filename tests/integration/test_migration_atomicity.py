"""Migrations are atomic and recoverable (issue 14, item 4).

Each upgrade of a SQLite database runs in one transaction, DDL included: a process killed at
any statement of any migration leaves the database at the revision it had, intact, and the next
open upgrades it normally. The sweep kills a child process (``migration_child.py``) at every
statement it sends, from an old database at 0001 holding data through every migration to head,
and from nothing (a new database: nothing may appear at the path). The default run takes a sample
of the statements; the whole sweep is ``slow`` (CI runs it).

A failed upgrade says that nothing was changed and where the backup taken before it is, with the
command that restores it; a downgrade that would drop clinical data is refused.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from prepared_databases import DEMO, PreparedDatabases
from sqlalchemy import text

from tumorboard.store import Database, StoreError
from tumorboard.store.schema import alembic_config, head_revision

sys.path.insert(0, str(Path(__file__).resolve().parent))
from migration_child import KILLED

CHILD = Path(__file__).resolve().parent / "migration_child.py"
OLD = "0001"


def _at_revision(path: Path, revision: str, *, data: bool = True) -> Path:
    """A database at ``revision`` (as an older install left it), with a patient, a case and audit
    rows written the way that version wrote them."""
    url = f"sqlite:///{path}"
    engine = Database._make_engine(url)
    cfg = alembic_config(url)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            if data:
                at = datetime(2025, 1, 6, 9, 30)
                conn.execute(text("INSERT INTO patients (id, mrn, name, birth_date, sex) "
                                  "VALUES (1, 'OLD-1', 'Old Patient', '1960-02-03', 'female')"))
                conn.execute(text(
                    "INSERT INTO cases (id, patient_id, version, status, created_at, updated_at, updated_by, "
                    "tumour_diagnosis_date, histology, t, n, m, primary_intact, primary_symptoms, "
                    "staging_modalities, recist_non_targets, subtype, distant_lesion_count, "
                    "window_assessed, missing_items) VALUES (1, 1, 1, 'referred', :at, :at, 'old', "
                    "'2024-12-01', 'invasive ductal carcinoma', 'T2', 'N1', 'M1', 1, '', '', '[]', "
                    "'HR+/HER2-', 1, 0, '')"), {"at": at})
                conn.execute(text("INSERT INTO lesions (case_id, position, organ, site) "
                                  "VALUES (1, 0, 'bone', 'left 6th rib')"))
                for action in ("create", "status"):
                    conn.execute(text("INSERT INTO audit_log (at, actor, action, entity, entity_id) "
                                      "VALUES (:at, 'old', :a, 'case', 'OLD-1')"), {"at": at, "a": action})
    finally:
        engine.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    return path


def _child(path: Path, stop: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHILD), str(path), str(stop)], capture_output=True,
                          text=True, timeout=120)


def _state(path: Path) -> tuple[str | None, str, set[str], int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        objects = {f"{t}:{n}" for t, n in con.execute("SELECT type, name FROM sqlite_master")}
        patients = int(con.execute("SELECT count(*) FROM patients").fetchone()[0])
    finally:
        con.close()
    return (revision[0] if revision else None), str(check), objects, patients


@pytest.fixture(scope="module")
def old_database(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The old database and how many statements its whole upgrade sends."""
    path = _at_revision(tmp_path_factory.mktemp("old") / "old.sqlite3", OLD)
    probe = path.with_name("probe.sqlite3")
    shutil.copyfile(path, probe)
    run = _child(probe, 0)
    assert run.returncode == 0, run.stderr
    assert _state(probe)[0] == head_revision()
    return path, int(run.stdout.strip())


def _kill_and_recover(old: Path, folder: Path, stop: int) -> None:
    folder.mkdir()
    path = folder / "old.sqlite3"
    shutil.copyfile(old, path)
    before = _state(path)
    run = _child(path, stop)
    assert run.returncode == KILLED, f"statement {stop}: {run.stderr[-500:]}"
    assert _state(path) == before, f"killed at statement {stop}: the database is not as it was"
    # The next open upgrades it normally (in a process of its own: Alembic's state is global,
    # so the sweep's threads must not run migrations in the test process).
    again = _child(path, 0)
    assert again.returncode == 0, f"after a kill at statement {stop}: {again.stderr[-500:]}"
    revision, check, _, patients = _state(path)
    assert (revision, check, patients) == (head_revision(), "ok", before[3])


def _kill_while_creating(folder: Path, stop: int) -> None:
    folder.mkdir()
    path = folder / "new.sqlite3"
    run = _child(path, stop)
    assert run.returncode in (KILLED, 0), run.stderr[-500:]
    if run.returncode == KILLED and path.exists():  # only once it was whole and moved into place
        assert _state(path)[:2] == (head_revision(), "ok"), f"killed at statement {stop}: half-built"
    again = _child(path, 0)  # the leftovers of the killed attempt do not get in the way
    assert again.returncode == 0, f"after a kill at statement {stop}: {again.stderr[-500:]}"
    assert _state(path)[0] == head_revision()


def _sample(total: int, n: int = 6) -> list[int]:
    return sorted({1, total, *(max(1, total * k // n) for k in range(1, n))})


@pytest.mark.slow  # some 30 s: a process killed at each sampled statement of the upgrade
def test_a_kill_at_sampled_statements_of_the_upgrade_leaves_the_old_revision(
        old_database: tuple[Path, int], tmp_path: Path) -> None:
    old, total = old_database
    assert total > 50  # every migration's statements are counted (sanity)
    for stop in _sample(total):
        _kill_and_recover(old, tmp_path / f"kill-{stop}", stop)


def _sweep(old: Path | None, work: Path, total: int, processes: int = 2) -> list[dict[str, Any]]:
    """Kill at every statement 1..total (``migration_child.py --sweep``, split over processes)."""
    bounds = [(1 + total * k // processes, total * (k + 1) // processes) for k in range(processes)]
    procs = [subprocess.Popen([sys.executable, str(CHILD), "--sweep", str(old or "-"), str(work / f"w{k}"),
                               str(first), str(last)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for k, (first, last) in enumerate(bounds) if first <= last]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=1500)
        assert proc.returncode == 0, err[-2000:]
        results.extend(json.loads(line) for line in out.splitlines())
    assert sorted(r["n"] for r in results) == list(range(1, total + 1))
    return results


@pytest.mark.slow
def test_a_kill_at_every_statement_of_every_migration_leaves_the_old_revision(
        old_database: tuple[Path, int], tmp_path: Path) -> None:
    old, total = old_database
    before = _state(old)
    for r in _sweep(old, tmp_path, total):
        where = f"killed at statement {r['n']} of {total}"
        assert r["exit"] == KILLED, where
        assert r["after"] == r["before"] == [before[0], before[1], sorted(before[2]), before[3]], where
        assert isinstance(r["recovered"], list), f"{where}, then: {r['recovered']}"
        assert r["recovered"][0] == head_revision() and r["recovered"][1] == "ok", where
        assert r["recovered"][3] == before[3], where


@pytest.mark.slow
def test_a_kill_at_every_statement_of_creating_a_database_leaves_no_database(tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.mkdir()
    run = _child(probe / "new.sqlite3", 0)
    assert run.returncode == 0, run.stderr
    total = int(run.stdout.strip())
    for r in _sweep(None, tmp_path, total):
        where = f"killed at statement {r['n']} of {total} while creating"
        assert r["exit"] == KILLED, where
        # Nothing at the path, or (killed after it was moved into place) the whole database.
        assert r["after"] is None or r["after"][:2] == [head_revision(), "ok"], where
        assert isinstance(r["recovered"], list) and r["recovered"][0] == head_revision(), where


@pytest.mark.slow  # some 13 s: a process killed at each step of creating a database
def test_a_kill_while_creating_a_database_leaves_nothing_at_the_path(tmp_path: Path) -> None:
    for stop in (1, 40, 120):
        _kill_while_creating(tmp_path / f"new-{stop}", stop)


def test_a_failed_upgrade_says_nothing_changed_and_where_the_backup_is(tmp_path: Path) -> None:
    path = _at_revision(tmp_path / "old.sqlite3", OLD)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")  # 0004 will fail on it
    con.commit()
    con.close()
    before = _state(path)
    with pytest.raises(StoreError) as failed:
        Database.open(str(path))
    message = str(failed.value)
    assert f"from schema {OLD} to {head_revision()} failed" in message
    assert f"the database is unchanged, still at schema {OLD}" in message
    backup = next((tmp_path / "backups").glob(f"old-before-upgrade-{OLD}-*.sqlite3"))
    assert f"The copy taken before the upgrade is {backup}" in message
    assert f"tumorboard db restore {backup}" in message
    assert _state(path) == before


def _downgrade(db: Database, target: str) -> None:
    cfg = alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, target)


def test_a_downgrade_that_would_drop_meetings_is_refused(tmp_path: Path, prepared: PreparedDatabases) -> None:
    db = Database.open(str(prepared.copy(DEMO, tmp_path / "demo.sqlite3")))
    try:
        counts = {t: db.engine.connect().execute(text(f"SELECT count(*) FROM {t}")).scalar()
                  for t in ("meetings", "decisions", "agenda_items", "attendance")}
        with pytest.raises(RuntimeError, match="refused"):
            _downgrade(db, "0002")
        assert db.revision() == head_revision()
        with db.engine.connect() as conn:
            assert {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in counts} == counts
    finally:
        db.close()


@pytest.mark.parametrize(("revision", "below", "table"), [
    ("0005", "0005", "meetings"), ("0004", "0004", "users"), ("0003", "0003", "boards"),
    ("0001", "0001", "patients")])
def test_each_downgrade_that_drops_clinical_data_counts_rows_first(
        tmp_path: Path, revision: str, below: str, table: str) -> None:
    path = _at_revision(tmp_path / "old.sqlite3", revision, data=False)
    engine = Database._make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        if table == "meetings":
            conn.execute(text("INSERT INTO boards (id, name, site, quorum, created_at) "
                              "VALUES (1, 'B', 'breast', '', '2025-01-01')"))
            conn.execute(text("INSERT INTO meetings (board_id, day, version, created_at, updated_at, "
                              "updated_by) VALUES (1, '2025-01-06', 1, '2025-01-01', '2025-01-01', 'x')"))
        elif table == "users":
            conn.execute(text("INSERT INTO users (username, display_name, role, password_hash, active, "
                              "demo, failed_logins, created_at, version) "
                              "VALUES ('a', 'A', 'admin', 'x', 1, 0, 0, '2025-01-01', 1)"))
        elif table == "boards":
            conn.execute(text("INSERT INTO boards (name, site, quorum, created_at) "
                              "VALUES ('B', 'breast', '', '2025-01-01')"))
        else:
            conn.execute(text("INSERT INTO patients (mrn, birth_date, sex) VALUES ('P', '1960-01-01', 'f')"))
    cfg = alembic_config(f"sqlite:///{path}")
    previous = "base" if revision == "0001" else f"{int(revision) - 1:04d}"
    try:
        with engine.begin() as conn, pytest.raises(RuntimeError) as refused:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, previous)
    finally:
        engine.dispose()
    assert f"refused: downgrading below {below} would drop 1 row(s) in {table}" in str(refused.value)
    assert "tumorboard db restore" in str(refused.value)
    assert _state(path)[0] == revision
