"""The app's daily full check in a process of its own (large databases): it finds what the check in
the app's thread finds, records its pass the same way, opens an encrypted file with the passphrase
typed at start (sent on its standard input), and a process that cannot answer means the check runs
in the thread instead: checked no less."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from damage import flip_bit, small_database
from process_races import case_document, document_bytes

from tumorboard.services import full_check_process
from tumorboard.services.cases import CaseService
from tumorboard.services.full_check_process import check_here, check_in_process, daily_full_check
from tumorboard.store import Database
from tumorboard.store.encryption import KEY_ENV


@pytest.fixture
def ward(tmp_path: Path) -> Path:
    return small_database(tmp_path / "ward.sqlite3")


def _not_here(_db: Database) -> str | None:
    raise AssertionError("checked in this process: the other one did not answer")


def test_a_healthy_database_passes_and_the_pass_is_recorded(ward: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database.open(str(ward), check_integrity=False)
    monkeypatch.setattr(full_check_process, "check_here", _not_here)
    try:
        assert db.last_full_check() is None
        assert check_in_process(db) is None
        assert db.last_full_check() == date.today()  # written by the other process, seen here
    finally:
        db.close()


def test_damage_is_found_as_the_check_in_the_thread_finds_it(ward: Path) -> None:
    flip_bit(ward, "ix_cases_status", b"referred")  # what only the full check (integrity_check) sees
    db = Database.open(str(ward), check_integrity=False)
    try:
        found = check_in_process(db)
        assert found is not None and "ix_cases_status" in found
        assert found == check_here(db)  # the same words either way
        assert db.last_full_check() is None  # a failed check is not remembered
    finally:
        db.close()


def test_a_large_database_is_checked_in_its_own_process(ward: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flip_bit(ward, "ix_cases_status", b"referred")
    where: list[str] = []

    def spy(name: str) -> Callable[[Database], str]:
        def check(_db: Database) -> str:
            where.append(name)
            return name
        return check

    monkeypatch.setattr(full_check_process, "check_in_process", spy("process"))
    monkeypatch.setattr(full_check_process, "check_here", spy("here"))
    db = Database.open(str(ward), check_integrity=False)
    try:
        monkeypatch.setattr(full_check_process, "IN_PROCESS_FROM_BYTES", ward.stat().st_size + 1)
        assert daily_full_check(db) == "here"
        monkeypatch.setattr(full_check_process, "IN_PROCESS_FROM_BYTES", ward.stat().st_size)
        assert daily_full_check(db) == "process"
    finally:
        db.close()
    assert where == ["here", "process"]


def test_a_process_that_cannot_answer_means_the_check_runs_here(
        ward: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flip_bit(ward, "ix_cases_status", b"referred")
    db = Database.open(str(ward), check_integrity=False)
    try:
        monkeypatch.setattr(sys, "executable", "/bin/false")  # starts, says nothing
        found = check_in_process(db)
        assert found is not None and "ix_cases_status" in found
        monkeypatch.setattr(sys, "executable", str(ward.parent / "no-such-python"))
        assert check_in_process(db) == found
    finally:
        db.close()


def test_an_encrypted_database_is_opened_with_the_passphrase_typed_at_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("sqlcipher3", reason="SQLCipher is not installed (pip install 'tumorboard[encryption]')")
    from tumorboard.store import encryption

    monkeypatch.setenv("TUMORBOARD_BACKUP_KEEP", "0")
    monkeypatch.setenv(KEY_ENV, "correct horse battery staple")
    path = tmp_path / "locked.sqlite3"
    db = Database.open(str(path))
    try:
        CaseService(db, actor="tester").import_documents(
            [(f"{i}.json", document_bytes(case_document(f"ENC-{i}", f"Patient Locked{i}"))) for i in range(3)])
    finally:
        db.close()
    assert encryption.looks_encrypted(path)
    monkeypatch.delenv(KEY_ENV)  # from here on only this process knows it, as after the prompt
    monkeypatch.setattr(encryption, "_given", {})
    encryption.provide_key(path, "correct horse battery staple")
    db = Database.open(str(path), check_integrity=False)
    monkeypatch.setattr(full_check_process, "check_here", _not_here)
    try:
        assert check_in_process(db) is None
        assert db.last_full_check() == date.today()
    finally:
        db.close()


def test_any_database_passes_in_its_own_process(db: Database, service: CaseService,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A SQLite file and, where configured, a PostgreSQL database (always checked this way)."""
    service.import_documents([("a.json", document_bytes(case_document("SRV-1", "Patient Server")))])
    monkeypatch.setattr(full_check_process, "check_here", _not_here)
    assert check_in_process(db) is None
    assert db.last_full_check() == date.today()
    if not db.url.startswith("sqlite"):
        assert daily_full_check(db) is None  # already passed today: the other process said so
