"""Faults beyond kill -9 (issue 14, item 5): a full disk, a read-only file system while the app
runs, and I/O errors injected under the store at every statement of an action.

Each is refused with words a user can act on (a StoreError subclass: DiskFull, DatabaseReadOnly,
DiskFailure), nothing is lost (what was committed before is intact, the failed action wrote nothing)
and the database is still sound (SQLite's integrity_check, the audit chain's verify).

The full disk is made with SQLite's ``PRAGMA max_page_count`` (everywhere) and, where this process
may mount file systems (root, as in CI's container when allowed), with a small tmpfs; the read-only
file system with a tmpfs remounted read-only, or as a non-root user with the file's permissions.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from tumorboard.cli import main
from tumorboard.services.cases import CaseService
from tumorboard.services.integrity import verify_record
from tumorboard.store import Database, DatabaseReadOnly, DiskFailure, DiskFull, StoreError

HOOKS = ("do_execute", "do_executemany", "do_execute_no_params", "do_commit")


class Injector:
    """A driver error at the Nth statement (or commit) the engine sends, through its dialect's
    hooks: what the driver would raise if the disk failed just then."""

    def __init__(self, db: Database, make_error: Callable[[], Exception]) -> None:
        self.make_error = make_error
        self.at: int | None = None
        self.sent = 0
        self.fired = False
        dialect = db.engine.dialect
        for name in HOOKS:
            setattr(dialect, name, self._wrap(getattr(dialect, name)))

    def _wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def hook(*args: Any, **kwargs: Any) -> Any:
            if self.at is not None:
                self.sent += 1
                if self.sent == self.at:
                    self.fired = True
                    raise self.make_error()
            return original(*args, **kwargs)
        return hook

    def arm(self, at: int | None) -> None:
        """Fail the ``at``-th statement from now (None: fail nothing)."""
        self.at, self.sent, self.fired = at, 0, False


def io_error(backend: str) -> Callable[[], Exception]:
    if backend == "sqlite":
        return lambda: sqlite3.OperationalError("disk I/O error")
    import psycopg

    return lambda: psycopg.OperationalError(
        'could not read block 7 in file "base/16384/16402": Input/output error')


def disk_full(backend: str) -> Callable[[], Exception]:
    if backend == "sqlite":
        return lambda: sqlite3.OperationalError("database or disk is full")
    import psycopg

    return lambda: psycopg.errors.DiskFull(
        'could not extend file "base/16384/16402": No space left on device')


def state(db: Database) -> tuple[Any, ...]:
    """Everything a lost or half-written action would change: every case and the audit trail."""
    with db.session() as s:
        cases = s.execute(text("SELECT p.mrn, c.version, c.er_percent FROM cases c JOIN patients p "
                               "ON p.id = c.patient_id ORDER BY p.mrn")).all()
        audit = s.execute(text("SELECT count(*), max(seq) FROM audit_log")).one()
    return tuple(cases), tuple(audit)


def sound(db: Database) -> None:
    if db.url.startswith("sqlite"):
        con = sqlite3.connect(db.url.split(":///", 1)[1])
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            con.close()
    assert verify_record(db).ok, verify_record(db).findings


def every_statement(db: Database, injector: Injector, action: Callable[[], object],
                    refusal: type[StoreError], words: str) -> int:
    """Fail ``action`` at its 1st, 2nd, ... statement until it gets through; each failure refused
    with ``refusal`` and leaving the database as it was. Returns how many points were tried."""
    before = state(db)
    n = 0
    while True:
        n += 1
        injector.arm(n)
        try:
            action()
        except StoreError as exc:
            fired = injector.fired
            injector.arm(None)
            assert fired, f"a refusal without the fault at statement {n}: {exc}"
            assert isinstance(exc, refusal), (n, type(exc), exc)
            assert words in str(exc) and "\n" not in str(exc)
            assert state(db) == before, f"statement {n}: the failed action changed the database"
            sound(db)
            continue
        fired = injector.fired
        injector.arm(None)
        assert not fired, f"statement {n}: the fault was swallowed and the action reported done"
        return n


@pytest.fixture
def cases(db: Database, example_files: list[Path]) -> CaseService:
    service = CaseService(db, actor="coordinator")
    service.import_documents([(f.name, f.read_bytes()) for f in example_files[:2]])
    return service


@pytest.mark.parametrize("fault", ["io", "full"])
def test_a_disk_error_at_any_statement_of_a_save_is_refused_and_loses_nothing(
        db: Database, cases: CaseService, backend: str, fault: str) -> None:
    injector = Injector(db, io_error(backend) if fault == "io" else disk_full(backend))
    record = cases.get("SYN-V01")
    changed = replace(record.case, tumour=replace(record.case.tumour, er_percent=55.0))
    refusal, words = ((DiskFailure, "the disk reported an error while saving, so this change was not saved")
                      if fault == "io" else (DiskFull, "the disk is full, so this change was not saved"))
    tried = every_statement(db, injector, lambda: cases.save(changed, record.version), refusal, words)
    assert tried > 3  # BEGIN, reads, writes, audit rows, commit: each one failed once
    assert cases.get("SYN-V01").case.tumour.er_percent == 55.0  # and then it saved, once
    sound(db)


def test_a_disk_error_at_any_statement_of_an_import_is_refused_whole(
        db: Database, backend: str, example_files: list[Path]) -> None:
    service = CaseService(db, actor="coordinator")
    injector = Injector(db, io_error(backend))
    sources = [(f.name, f.read_bytes()) for f in example_files]
    tried = every_statement(db, injector, lambda: service.import_documents(sources), DiskFailure,
                            "nothing of it was kept")
    assert tried > len(sources)
    with db.reading() as uow:
        assert sum(uow.cases.counts_by_status().values()) == len(sources)
    sound(db)


@contextlib.contextmanager
def page_limit(db: Database) -> Iterator[None]:
    """The file may not grow (SQLite's ``max_page_count`` on every new connection): a full disk."""
    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA max_page_count = 1")  # clamped to the current size

    db.engine.dispose()
    event.listen(db.engine, "connect", cap)
    try:
        yield
    finally:
        event.remove(db.engine, "connect", cap)
        db.engine.dispose()


def big_sources(example_files: list[Path], copies: int) -> list[tuple[str, bytes]]:
    import json

    sources = []
    for i in range(copies):
        doc = json.loads(example_files[i % len(example_files)].read_bytes())
        doc["patient"]["mrn"] = f"FULL-{i:04d}"
        sources.append((f"full-{i}.json", json.dumps(doc).encode()))
    return sources


def test_a_full_disk_refuses_the_import_whole_and_the_file_stays_sound(
        sqlite_db: Database, example_files: list[Path]) -> None:
    service = CaseService(sqlite_db, actor="coordinator")
    service.import_documents([(f.name, f.read_bytes()) for f in example_files[:2]])
    before = state(sqlite_db)
    with page_limit(sqlite_db), pytest.raises(DiskFull, match=r"the disk is full, so this change was not "
                                                              r"saved.*free some space"):
        service.import_documents(big_sources(example_files, 200))
    assert state(sqlite_db) == before
    sound(sqlite_db)
    assert len(service.import_documents(big_sources(example_files, 200))) == 200  # space again: it saves
    sound(sqlite_db)


def test_the_command_line_says_the_disk_is_full_in_one_line_and_exits_non_zero(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        example_files: list[Path]) -> None:
    database = tmp_path / "tb.sqlite3"
    assert main(["import", str(example_files[0]), "--database", str(database)]) == 0
    folder = tmp_path / "many"
    folder.mkdir()
    for name, data in big_sources(example_files, 200):
        (folder / name).write_bytes(data)
    capsys.readouterr()
    made = Database._make_engine

    def full_disk_engine(url: str, *, read_only: bool = False) -> Any:
        engine = made(url, read_only=read_only)
        event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA max_page_count = 1"))
        return engine

    monkeypatch.setattr(Database, "_make_engine", staticmethod(full_disk_engine))
    code = main(["import", *map(str, sorted(folder.iterdir())), "--database", str(database)])
    _, err = capsys.readouterr()
    assert code != 0
    assert err.startswith("error: database: ") and "the disk is full" in err and err.count("\n") == 1
    monkeypatch.undo()
    db = Database.open(str(database))
    try:
        with db.reading() as uow:
            assert sum(uow.cases.counts_by_status().values()) == 1
        sound(db)
    finally:
        db.close()


# -- a real file system: full, then read-only (needs the right to mount) ---------------------------

def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A 4 MB tmpfs of its own (skipped where this process may not mount one)."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    where = tmp_path / "disk"
    where.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(where))
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    monkeypatch.setenv("TUMORBOARD_BACKUP_KEEP", "0")  # no daily backup on the small disk
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def fill(where: Path) -> Path:
    """Fill the file system up to the last few kilobytes."""
    filler = where / "filler"
    with filler.open("wb") as fh:
        chunk = b"\0" * 65536
        with contextlib.suppress(OSError):
            while True:
                fh.write(chunk)
                fh.flush()
    return filler


def test_a_real_full_disk_is_refused_and_nothing_is_lost(small_disk: Path, example_files: list[Path]) -> None:
    db = Database.open(str(small_disk / "tb.sqlite3"))
    try:
        service = CaseService(db, actor="coordinator")
        service.import_documents([(f.name, f.read_bytes()) for f in example_files[:2]])
        before = state(db)
        filler = fill(small_disk)
        with pytest.raises(DiskFull, match="the disk is full"):
            service.import_documents(big_sources(example_files, 300))
        assert state(db) == before
        filler.unlink()
        sound(db)
        assert len(service.import_documents(big_sources(example_files, 20))) == 20
        sound(db)
    finally:
        db.close()


def test_a_file_system_made_read_only_while_the_app_runs_is_refused_and_nothing_is_lost(
        tmp_path: Path, example_files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The database's folder becomes a read-only mount under the running app (a read-only bind
    mount over it: Linux refuses to remount a file system read-only while a file is open for
    writing); the app's next connection finds it read-only."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    monkeypatch.setenv("TUMORBOARD_BACKUP_KEEP", "0")
    folder = tmp_path / "data"
    db = Database.open(str(folder / "tb.sqlite3"))
    try:
        service = CaseService(db, actor="coordinator")
        service.import_documents([(f.name, f.read_bytes()) for f in example_files[:2]])
        record = service.get("SYN-V01")
        before = state(db)
        db.engine.dispose()  # every connection closed: the file is checkpointed, nothing held open
        try:
            _mount("--bind", str(folder), str(folder))
        except (OSError, subprocess.CalledProcessError) as exc:
            pytest.skip(f"cannot bind-mount here: {exc}")
        try:
            _mount("-o", "remount,ro,bind", str(folder))
            changed = replace(record.case, tumour=replace(record.case.tumour, er_percent=1.0))
            with pytest.raises(StoreError) as refused:
                service.save(changed, record.version)
            assert isinstance(refused.value, (DatabaseReadOnly, DiskFailure)), refused.value
            assert "this change was not saved" in str(refused.value)
        finally:
            db.engine.dispose()
            subprocess.run(["umount", str(folder)], capture_output=True, timeout=30)
        assert state(db) == before
        sound(db)
        service.save(replace(record.case, tumour=replace(record.case.tumour, er_percent=1.0)), record.version)
        sound(db)
    finally:
        db.close()


def test_a_database_file_made_read_only_while_the_app_runs_is_refused(
        tmp_path: Path, example_files: list[Path]) -> None:
    """Without the right to mount: the file and its folder made read-only (root ignores that)."""
    if os.name != "posix" or os.geteuid() == 0:
        pytest.skip("file permissions do not bind root; the tmpfs test covers it there")
    folder = tmp_path / "data"
    db = Database.open(str(folder / "tb.sqlite3"))
    try:
        service = CaseService(db, actor="coordinator")
        service.import_documents([(f.name, f.read_bytes()) for f in example_files[:2]])
        record = service.get("SYN-V01")
        before = state(db)
        db.engine.dispose()  # the next connection opens the file as it is now
        for path in folder.iterdir():
            path.chmod(0o400)
        folder.chmod(0o500)
        try:
            with pytest.raises((DatabaseReadOnly, DiskFailure), match="this change was not saved"):
                service.save(replace(record.case, tumour=replace(record.case.tumour, er_percent=1.0)),
                             record.version)
        finally:
            folder.chmod(0o700)
            for path in folder.iterdir():
                path.chmod(0o600)
        db.engine.dispose()
        assert state(db) == before
        sound(db)
    finally:
        db.close()
