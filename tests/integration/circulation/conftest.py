"""A demo database (synthetic cases, a signed and a planned meeting, demo accounts) made once per
test session and copied for each test: the circulation tests need a whole meeting's life."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from circulation_helpers import ADMIN, Demo
from prepared_databases import DEMO, PreparedDatabases

from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME, AccountService
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database


@pytest.fixture
def demo(prepared: PreparedDatabases, tmp_path: Path) -> Iterator[Demo]:
    path = prepared.copy(DEMO, tmp_path / "demo.sqlite3")
    db = Database.open(f"sqlite:///{path}")
    accounts = AccountService(db)
    chair = accounts.authenticate(DEMO_USERNAME, DEMO_PASSWORD)
    admin = accounts.authenticate(ADMIN, DEMO_PASSWORD)
    assert chair is not None and admin is not None
    listing = MeetingService(db, user=chair).listing()
    signed = next(m.id for m in listing if m.state == "signed")
    planned = next(m.id for m in listing if m.state == "planned")
    try:
        yield Demo(db, path, chair, admin, signed, planned)
    finally:
        db.close()
