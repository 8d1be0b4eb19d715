"""Two people saving the same case at once: one wins, the other is told, nothing is lost.

Runs on SQLite and, when configured, on PostgreSQL (see conftest). Threads stand in for two
workstations: each save is its own unit of work on its own connection.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from tumorboard.services import cases as cases_module
from tumorboard.services.cases import CaseService
from tumorboard.store import ConcurrentEdit, Database, DatabaseLocked

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


def test_a_save_cannot_be_overtaken_between_its_read_and_its_write(
        db: Database, example_files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The lost update: both opened version 1; alice's save has read the case and sits before its
    write. Bob's save waits for her unit of work (its write lock is taken before the first read),
    then is refused: alice's save is kept whole and version 2 is written once."""
    mrn = _first_case(CaseService(db, actor="setup", today=lambda: TODAY), example_files)
    alice = CaseService(db, actor="alice", today=lambda: TODAY)
    bob = CaseService(db, actor="bob", today=lambda: TODAY)
    alice_copy, bob_copy = alice.get(mrn), bob.get(mrn)

    alice_read, release_alice = threading.Event(), threading.Event()
    real_derive = cases_module.derive

    def derive_then_pause(*args: object, **kwargs: object) -> object:
        result = real_derive(*args, **kwargs)  # type: ignore[arg-type]
        if threading.current_thread().name == "alice":
            alice_read.set()
            release_alice.wait(10)  # bob tries to save while alice sits between her read and her write
        return result

    monkeypatch.setattr(cases_module, "derive", derive_then_pause)
    alice_case = replace(alice_copy.case, dental_evaluation_date=date(2025, 3, 1))
    alice_thread, alice_errors = _run(lambda: alice.save(alice_case, alice_copy.version), "alice")
    assert alice_read.wait(10), "alice never read the case inside her unit of work"

    bob_case = replace(bob_copy.case, mdt_discussions=(*bob_copy.case.mdt_discussions, date(2025, 6, 9)))
    bob_thread, bob_errors = _run(lambda: bob.save(bob_case, bob_copy.version), "bob")
    time.sleep(0.5)
    assert bob_thread.is_alive(), "bob's save did not wait for alice's unit of work"
    release_alice.set()
    alice_thread.join(20)
    bob_thread.join(20)
    assert not alice_thread.is_alive() and not bob_thread.is_alive()

    assert alice_errors == []
    assert len(bob_errors) == 1 and isinstance(bob_errors[0], ConcurrentEdit), bob_errors
    assert "changed by alice" in str(bob_errors[0])
    stored = CaseService(db, today=lambda: TODAY).get(mrn)
    assert stored.version == 2 and stored.updated_by == "alice"
    assert stored.case == alice_case  # alice's save kept whole, nothing of bob's applied
    history = CaseService(db).history(mrn)
    assert [h.actor for h in history if h.action == "update"] == ["alice"]


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
