"""Integration fixtures: a real SQLite file built by the migrations, never by create_all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tumorboard.services.cases import CaseService
from tumorboard.store import Database

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
TODAY = date(2025, 6, 10)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite file per test."""
    return f"sqlite:///{tmp_path / 'tb.sqlite3'}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url)
    yield database
    database.close()


@pytest.fixture
def service(db: Database) -> CaseService:
    return CaseService(db, actor="tester", today=lambda: TODAY)


@pytest.fixture
def example_files() -> list[Path]:
    if not EXAMPLES.is_dir():
        pytest.skip("worked examples not beside the project (../shared/examples)")
    return sorted(EXAMPLES.glob("*.case.json"))
