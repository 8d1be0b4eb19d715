"""The app hashes passwords at argon2-cffi's recommended cost; only the test process is quicker.

tests/conftest.py (``quick_password_hashing``) lowers argon2id's cost inside the test process,
so these tests look at what a real ``tumorboard`` process stores and signs in with.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher, extract_parameters, profiles

from tumorboard.services import accounts

PASSWORD = "administrator password"


def _tumorboard(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUMORBOARD_NEW_PASSWORD": PASSWORD, "TUMORBOARD_PASSWORD": PASSWORD}
    return subprocess.run([sys.executable, "-m", "tumorboard", *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_the_app_stores_passwords_hashed_at_the_recommended_cost(tmp_path: Path) -> None:
    database = tmp_path / "department.sqlite3"
    made = _tumorboard("users", "add", "admin", "--name", "Administrator", "--role", "admin",
                       "--database", str(database))
    assert made.returncode == 0, made.stderr
    con = sqlite3.connect(database)
    try:
        stored = con.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchone()[0]
    finally:
        con.close()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    cost = extract_parameters(stored)
    assert cost == profiles.RFC_9106_LOW_MEMORY  # argon2-cffi's default: 3 passes, 64 MiB, 4 lanes
    default = PasswordHasher()
    assert (cost.time_cost, cost.memory_cost, cost.parallelism) == (
        default.time_cost, default.memory_cost, default.parallelism)
    # A sign-in of the real process keeps that hash: it is at the cost the app wants.
    listed = _tumorboard("users", "list", "--database", str(database), "--user", "admin")
    assert listed.returncode == 0, listed.stderr
    con = sqlite3.connect(database)
    try:
        assert con.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchone()[0] == stored
    finally:
        con.close()


@pytest.mark.skipif(os.environ.get("TUMORBOARD_TEST_PRODUCTION_HASHING") == "1",
                    reason="the production cost was asked for in the tests too")
def test_only_the_test_process_hashes_at_the_lowest_cost() -> None:
    """What the other tests sign in with: argon2id still, its cost lowered by tests/conftest.py."""
    hashed = accounts._hasher.hash(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert extract_parameters(hashed).time_cost == 1 and extract_parameters(hashed).memory_cost == 8
    assert accounts.password_matches(hashed, PASSWORD) and not accounts.password_matches(hashed, "wrong one")


def test_the_app_hashes_the_demo_chair_alone_at_the_demo_cost(tmp_path: Path) -> None:
    """In a real process: the demo builder's chair at the demo cost, its administrator at the
    recommended one, and the command line's sign-in of each keeps its hash as it is."""
    from tumorboard.services.accounts import DEMO_PASSWORD

    database = tmp_path / "demo.sqlite3"
    built = subprocess.run(
        [sys.executable, "-c", "import sys\n"
         "from tumorboard.services.demo import populate_demo_accounts\n"
         "from tumorboard.store import Database\n"
         "db = Database.open(sys.argv[1])\npopulate_demo_accounts(db)\ndb.close()\n", str(database)],
        capture_output=True, text=True, timeout=120, check=False)
    assert built.returncode == 0, built.stderr

    def stored() -> dict[str, str]:
        con = sqlite3.connect(database)
        try:
            return dict(con.execute("SELECT username, password_hash FROM users").fetchall())
        finally:
            con.close()

    before = stored()
    chair, admin = extract_parameters(before["demo-chair"]), extract_parameters(before["demo-admin"])
    assert before["demo-chair"].startswith("$argon2id$") and before["demo-admin"].startswith("$argon2id$")
    assert (chair.time_cost, chair.memory_cost, chair.parallelism) == (1, 8 * 1024, 1)
    assert admin == profiles.RFC_9106_LOW_MEMORY
    env = {**os.environ, "TUMORBOARD_PASSWORD": DEMO_PASSWORD}
    for username in ("demo-chair", "demo-admin"):
        listed = subprocess.run([sys.executable, "-m", "tumorboard", "users", "list", "--database",
                                 str(database), "--user", username], capture_output=True, text=True,
                                env=env, timeout=120, check=False)
        assert listed.returncode == 0, listed.stderr
    assert stored() == before
