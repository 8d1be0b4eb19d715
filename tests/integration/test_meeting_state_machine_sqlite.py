"""The meeting state machine of ``tests/fakes/meeting_machine.py`` on a real SQLite database (a new
file per example, built by the migrations), with the in-memory fake as its twin: every action runs
on both, which must answer alike and hold the same record afterwards. The fake and the real store
are checked against the same rules, and against each other."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from fakes.meeting_machine import EXAMPLES, FakeStore, MeetingMachine, Store, example_cases
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from tumorboard.store import Database

if not EXAMPLES.is_dir():
    pytest.skip("worked examples not beside the project (../shared/examples)", allow_module_level=True)

pytestmark = pytest.mark.slow  # some 30-60 s: hundreds of small transactions on a real file


class SQLiteStore(Store):
    db: Database

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="tb-machine-"))
        super().__init__(Database.open(f"sqlite:///{self.folder / 'tb.sqlite3'}"))

    def audit_count(self) -> int:
        with self.db.session() as session:
            return int(session.execute(text("SELECT count(*) FROM audit_log")).scalar_one())

    def audit_since(self, count: int) -> list[tuple[str, str, str]]:
        with self.db.session() as session:
            rows = session.execute(text("SELECT action, entity, entity_id FROM audit_log ORDER BY id "
                                        "LIMIT -1 OFFSET :n"), {"n": count}).all()
        return [(a, e, i) for a, e, i in rows]

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class SQLiteMeetingMachine(MeetingMachine):
    cases = example_cases()

    def open_stores(self) -> list[Store]:
        return [SQLiteStore(), FakeStore()]


SQLiteMeetingMachine.TestCase.settings = settings(
    max_examples=15, stateful_step_count=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TestMeetingRulesOnSQLite = SQLiteMeetingMachine.TestCase
