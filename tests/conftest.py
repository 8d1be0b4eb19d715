"""Test-wide settings: Qt runs offscreen and never needs a screen; QSettings stay in a tmp dir.

A new SQLite database is migrated once per session and copied for every test that creates one
(``migrated_once``): the migrations themselves are tested where they run (test_store_schema,
test_migration_atomicity, the template itself); TUMORBOARD_TEST_MIGRATE_EACH=1 runs them for
every new database instead. Databases filled for many tests (the demo's, say) are built once per
session too and copied for each test (``prepared``, tests/prepared_databases.py).

Passwords are hashed in the test process at argon2id's lowest cost (``quick_password_hashing``):
the suite signs in thousands of times and the production cost is about 0.2 CPU seconds a hash.
The algorithm, the stored format and every check of a password stay the ones the app runs;
test_password_cost checks, in a process of its own, that the app hashes at argon2-cffi's recommended
cost. TUMORBOARD_TEST_PRODUCTION_HASHING=1 keeps the production cost in the tests too.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from prepared_databases import PreparedDatabases

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No log file in the developer's own log folder from commands run in-process (tumorboard.logs);
# the tests about the log configure their own, in a tmp folder.
os.environ.setdefault("TUMORBOARD_LOG_LEVEL", "OFF")
# The command line's daily check and backup run inside the open here, so that a test sees their
# outcome at once; test_daily_chores runs them in their own process, as a user's command does.
os.environ.setdefault("TUMORBOARD_DAILY_CHORES", "now")

# The tests' files (tmp_path) in memory where the system has a memory file system with room:
# every commit of a test database waits for its fsync (synchronous=FULL, kept: it is the app's
# setting), and on a busy disk those waits were most of the suite's time. The databases are
# thrown away; no test can lose power, and the crash tests kill processes, whose writes the
# page cache keeps on either. pytest keeps its last three runs' files there, as in the system's
# temporary folder.
# TUMORBOARD_TEST_TMP=disk (or --basetemp, or PYTEST_DEBUG_TEMPROOT) keeps them on disk.
MEMORY_TMP = Path("/dev/shm")
MEMORY_TMP_ROOM = 2 * 1024**3  # bytes free at least: a run writes a few hundred megabytes


def _memory_tmp_has_room() -> bool:
    try:
        status = os.statvfs(MEMORY_TMP)
    except (AttributeError, OSError):  # no statvfs (Windows) or no /dev/shm
        return False
    return os.access(MEMORY_TMP, os.W_OK) and status.f_bavail * status.f_frsize >= MEMORY_TMP_ROOM


if os.environ.get("TUMORBOARD_TEST_TMP", "memory") != "disk" and _memory_tmp_has_room():
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", str(MEMORY_TMP))


def pytest_configure(config: pytest.Config) -> None:
    # The PostgreSQL tests take turns on their one database through a POSIX file lock
    # (tests/integration/pg_roles.py); where there is none they must run in one process.
    if (os.name != "posix" and os.environ.get("TUMORBOARD_TEST_DATABASE_URL")
            and config.getoption("numprocesses", None)):
        raise pytest.UsageError("the PostgreSQL tests need one process on this platform: add -n0")


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[None]:
    """argon2id at its lowest cost for the accounts made and signed in to inside the test process."""
    if os.environ.get("TUMORBOARD_TEST_PRODUCTION_HASHING") == "1":
        yield
        return
    from argon2 import PasswordHasher

    from tumorboard.services import accounts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


@pytest.fixture(scope="session", autouse=True)
def migrated_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | None]:
    """Build the head schema once by the migrations; a new, empty SQLite file then gets a copy."""
    if os.environ.get("TUMORBOARD_TEST_MIGRATE_EACH") == "1":
        yield None
        return
    from tumorboard.store import Database, encryption, schema
    from tumorboard.store.location import sqlite_path

    template = tmp_path_factory.mktemp("migrated") / "head.sqlite3"
    Database.open(str(template)).close()  # the real path: migrations, checkpoint, moved into place
    migrate = schema.upgrade

    def upgrade(engine: Any, url: str, *, app_role: str | None = None) -> str | None:
        path = sqlite_path(url)
        if (path is not None and path.is_file() and path.stat().st_size == 0
                and engine.url.get_backend_name() == "sqlite" and encryption.key_for(path) is None):
            engine.dispose()
            shutil.copyfile(template, path)  # into the file made for it: its 0600 mode stays
            return None
        return migrate(engine, url, app_role=app_role)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "upgrade", upgrade)
        yield template


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator["PreparedDatabases"]:
    """Filled databases, each built once per session (per worker) and copied for every test."""
    from prepared_databases import PreparedDatabases  # after the settings above: it imports the app

    databases = PreparedDatabases(tmp_path_factory.mktemp("prepared"))
    yield databases
    databases.check_unchanged()
