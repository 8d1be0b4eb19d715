"""A demo database (synthetic cases, a signed and a planned meeting, demo accounts) made once per
test session and copied for each test: the circulation tests need a whole meeting's life."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from circulation_helpers import ADMIN, Demo

from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME, AccountService
from tumorboard.services.demo import ensure_demo_database
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    ensure_demo_database(path)
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Demo]:
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
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
