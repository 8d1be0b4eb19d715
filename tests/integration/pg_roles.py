"""The PostgreSQL test database and its two roles (see ``conftest.py``): the app's role from
``TUMORBOARD_TEST_DATABASE_URL`` and, when ``TUMORBOARD_TEST_MIGRATION_DATABASE_URL`` is set, the
schema's owner, who empties and migrates the schema and acts behind the triggers on purpose."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tumorboard.store import Database

PG_ENV = "TUMORBOARD_TEST_DATABASE_URL"


def backends() -> list[str]:
    """The databases the integration tests run on: a SQLite file, then PostgreSQL when configured."""
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]
PG_OWNER_ENV = "TUMORBOARD_TEST_MIGRATION_DATABASE_URL"


def owner_url(url: str) -> str:
    """The URL to act as the schema's owner for the database at ``url``: the owner's URL for the
    PostgreSQL test database when one is configured, else ``url`` itself (SQLite: the file)."""
    from tumorboard.store.location import resolve_database_url

    owner = os.environ.get(PG_OWNER_ENV)
    resolved = resolve_database_url(url)
    if owner and os.environ.get(PG_ENV) and resolved == resolve_database_url(os.environ[PG_ENV]):
        return resolve_database_url(owner)
    return resolved


@contextlib.contextmanager
def owner_connection(url: str) -> Iterator[Any]:
    """One transaction as the owner (``owner_url``): what someone who owns the tables can do."""
    from sqlalchemy import create_engine

    engine = create_engine(owner_url(url))
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def grant_app_role(url: str) -> None:
    """As the owner, grant the app's role (``url``'s user) its data rights on what is there now."""
    from sqlalchemy import create_engine

    from tumorboard.store.location import database_user, resolve_database_url
    from tumorboard.store.schema import grant_app_role as grant

    owner = owner_url(url)
    role = database_user(resolve_database_url(url))
    if owner == resolve_database_url(url) or role is None:
        return
    engine = create_engine(owner)
    try:
        with engine.begin() as conn:
            grant(conn, role)
    finally:
        engine.dispose()


def reset_postgresql(url: str) -> str:
    """Empty the PostgreSQL test database (every table, trigger and function) and return its URL.

    The schema is dropped rather than the tables so that the audit trigger functions and the
    Alembic version table go too: each test starts from what a new department server looks like.
    It is dropped and made again by the owner (``owner_url``).
    """
    from sqlalchemy import create_engine, text

    from tumorboard.store.location import resolve_database_url

    resolved = resolve_database_url(url)
    engine = create_engine(owner_url(resolved))
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return resolved


def prepare_postgresql(url: str) -> str:
    """``reset_postgresql``, then, with an owner configured, the schema migrated by the owner and
    the app's role granted its rights: a department server after ``tumorboard db upgrade``."""
    resolved = reset_postgresql(url)
    owner = owner_url(resolved)
    if owner != resolved:
        from tumorboard.store.location import database_user

        Database.open(owner, app_role=database_user(resolved)).close()
    return resolved


@contextlib.contextmanager
def one_at_a_time(url: str) -> Iterator[None]:
    """Hold the PostgreSQL test database at ``url`` alone: an exclusive lock on a file named
    after the database, in the system's temporary folder, so that every process on this machine
    that tests on it waits its turn (pytest-xdist's workers, or a second test run)."""
    import fcntl  # POSIX; tests/conftest.py runs the suite in one process where it is missing

    from tumorboard.store.location import resolve_database_url

    key = hashlib.sha256(resolve_database_url(url).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"tumorboard-test-postgresql-{key}.lock"
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed, or the process ends
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
