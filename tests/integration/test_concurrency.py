"""Two people saving the same case at once: one wins, the other is told, nothing is lost.

Runs on SQLite and, when configured, on PostgreSQL (see conftest). Threads stand in for two
workstations: each save is its own unit of work on its own connection.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from tumorboard.services.cases import CaseService
from tumorboard.store import ConcurrentEdit, Database, DatabaseLocked
from tumorboard.store import repositories as repositories_module

TODAY = date(2025, 6, 10)


def _first_case(service: CaseService, example_files: list[Path]) -> str:
    f = example_files[0]
    outcome = service.import_documents([(f.name, f.read_bytes())])[0]
    assert outcome.action == "created", outcome
    return str(json.loads(f.read_text())["patient"]["mrn"])


def _run(target: Callable[[], None], name: str) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def body() -> None:
        try:
            target()
        except BaseException as exc:  # collected for the asserting thread, not hidden
            errors.append(exc)

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    return thread, errors


def test_a_save_that_passed_its_version_check_cannot_overwrite_a_newer_save(
        db: Database, example_files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The lost update: both read version 1, both pass the check, the slower one must not win."""
    mrn = _first_case(CaseService(db, actor="setup", today=lambda: TODAY), example_files)
    alice = CaseService(db, actor="alice", today=lambda: TODAY)
    bob = CaseService(db, actor="bob", today=lambda: TODAY)
    alice_copy, bob_copy = alice.get(mrn), bob.get(mrn)

    alice_checked, release_alice = threading.Event(), threading.Event()
    real_check = repositories_module._check_version

    def check_then_pause(row: object, expected: int | None) -> None:
        real_check(row, expected)  # type: ignore[arg-type]
        if threading.current_thread().name == "alice":
            alice_checked.set()
            release_alice.wait(10)  # bob saves while alice sits between check and write

    monkeypatch.setattr(repositories_module, "_check_version", check_then_pause)
    alice_case = replace(alice_copy.case, dental_evaluation_date=date(2025, 3, 1))
    thread, alice_errors = _run(lambda: alice.save(alice_case, alice_copy.version), "alice")
    assert alice_checked.wait(10), "alice never reached her version check"

    bob_case = replace(bob_copy.case, mdt_discussions=(*bob_copy.case.mdt_discussions, date(2025, 6, 9)))
    bob.save(bob_case, bob_copy.version)
    release_alice.set()
    thread.join(20)
    assert not thread.is_alive()

    assert len(alice_errors) == 1 and isinstance(alice_errors[0], ConcurrentEdit | DatabaseLocked), alice_errors
    stored = CaseService(db, today=lambda: TODAY).get(mrn)
    assert stored.version == 2 and stored.updated_by == "bob"
    assert stored.case == bob_case  # bob's save kept whole, nothing of alice's applied
    history = CaseService(db).history(mrn)
    assert [h.actor for h in history if h.action == "update"] == ["bob"]


def test_many_concurrent_editors_lose_no_update(db: Database, example_files: list[Path]) -> None:
    """Four editors each add MDT dates, retrying when told someone else saved first."""
    mrn = _first_case(CaseService(db, actor="setup", today=lambda: TODAY), example_files)
    start_discussions = len(CaseService(db).get(mrn).case.mdt_discussions)
    per_editor, editors = 6, 4
    refusals: list[str] = []
    lock = threading.Lock()

    def edit(actor: str, offset: int) -> None:
        service = CaseService(db, actor=actor, today=lambda: TODAY)
        done = 0
        while done < per_editor:
            record = service.get(mrn)
            new_date = date(2030, 1, 1) + timedelta(days=offset * 100 + done)
            changed = replace(record.case, mdt_discussions=(*record.case.mdt_discussions, new_date))
            try:
                service.save(changed, record.version)
            except (ConcurrentEdit, DatabaseLocked) as exc:
                with lock:
                    refusals.append(type(exc).__name__)
                continue  # reload and try again, as a user would
            done += 1

    runs = [_run(lambda n=n: edit(f"editor{n}", n), f"editor{n}") for n in range(editors)]  # type: ignore[misc]
    for thread, _ in runs:
        thread.join(120)
    assert all(not errors for _, errors in runs), [e for _, errors in runs for e in errors]
    final = CaseService(db).get(mrn)
    assert final.version == 1 + per_editor * editors
    assert len(final.case.mdt_discussions) == start_discussions + per_editor * editors
    assert len(set(final.case.mdt_discussions)) == len(final.case.mdt_discussions)
