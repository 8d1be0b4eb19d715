"""Integration fixtures: real databases built by the migrations, never by create_all.

Every test that takes ``db_url`` / ``db`` / ``service`` runs on a fresh SQLite file and, when
``TUMORBOARD_TEST_DATABASE_URL`` names a PostgreSQL database, a second time on that database with
an empty schema. Tests about the SQLite file itself take ``sqlite_url`` / ``sqlite_db`` instead.

When ``TUMORBOARD_TEST_MIGRATION_DATABASE_URL`` names the schema's owner as well (CI does), the
PostgreSQL tests run as a department would: the owner empties and migrates the schema and grants
the app's role (``TUMORBOARD_TEST_DATABASE_URL``'s user) its data rights; the tests then connect as
that role, which does not own the tables. ``owner_url`` / ``owner_connection`` are for the tests
that act as the owner on purpose (tampering behind the triggers, schema revisions).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pg_roles import PG_ENV, backends, one_at_a_time, owner_url, prepare_postgresql, reset_postgresql
from prepared_databases import PreparedDatabases, Template

from tumorboard.services.cases import CaseService
from tumorboard.store import Database
from tumorboard.store.location import sqlite_path

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
TODAY = date(2025, 6, 10)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgresql: runs on the PostgreSQL test database (set automatically; CI selects "
                   "these with -m postgresql for its PostgreSQL pass)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs on PostgreSQL, parametrized or PostgreSQL-only alike."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_server = callspec is not None and callspec.params.get("db_url") == "postgresql"
        if on_server or "postgresql_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgresql)



@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file per test (for tests about the file: pragmas, backups, refusals)."""
    return f"sqlite:///{tmp_path / 'tb.sqlite3'}"


@pytest.fixture
def postgresql_turn() -> Iterator[None]:
    """The PostgreSQL test database to this test alone, from before it is emptied until every
    fixture using it is closed: the tests share that one database, and pytest-xdist's workers
    (or a second test run) would otherwise empty it under each other (``pg_roles.one_at_a_time``)."""
    with one_at_a_time(os.environ[PG_ENV]):
        yield


@pytest.fixture(params=backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database per test: a SQLite file, then PostgreSQL when configured."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tb.sqlite3'}"
    request.getfixturevalue("postgresql_turn")  # set up first, so torn down last
    return prepare_postgresql(os.environ[PG_ENV])


@pytest.fixture
def postgresql_url(request: pytest.FixtureRequest) -> str:
    """The PostgreSQL test database, emptied, for tests about a server database only: the owner's
    URL when one is configured (an empty schema is created by its owner)."""
    if not os.environ.get(PG_ENV):
        pytest.skip(f"no PostgreSQL test database ({PG_ENV} is not set)")
    request.getfixturevalue("postgresql_turn")
    return owner_url(reset_postgresql(os.environ[PG_ENV]))


@pytest.fixture
def backend(db_url: str) -> str:
    """``"sqlite"`` or ``"postgresql"``: the database the parametrized test runs on."""
    return "sqlite" if db_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def db_template() -> Template[Any] | None:
    """A prepared database (tests/prepared_databases.py) that a module's tests on SQLite start
    from instead of an empty one (a module overrides this); PostgreSQL always starts empty."""
    return None


@pytest.fixture
def db(db_url: str, db_template: Template[Any] | None, prepared: PreparedDatabases) -> Iterator[Database]:
    path = sqlite_path(db_url)
    if db_template is not None and path is not None:
        prepared.copy(db_template, path)
    database = Database.open(db_url)
    yield database
    database.close()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    database = Database.open(sqlite_url)
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
