"""The demo database's accounts: argon2id at the demo cost, only for accounts flagged demo.

The demo chair's password is published (DEMO_PASSWORD, on the login screen), so it is hashed at
a low named cost (services/accounts.py ``_demo_hasher``); every other account keeps the
recommended cost, here the test process's lowest (tests/conftest.py), which differs from both.
test_password_cost checks the same in a real process, at the real recommended cost.
"""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import extract_parameters
from sqlalchemy import text

from tumorboard.domain.meeting import Discipline
from tumorboard.domain.users import Role, User
from tumorboard.services import accounts as accounts_module
from tumorboard.services.accounts import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    AccountError,
    AccountService,
    LoginRefused,
)
from tumorboard.services.demo import populate_demo_accounts
from tumorboard.store import Database

PASSWORD = "correct horse battery"
DEMO_COST = (1, 8 * 1024, 1)  # passes, KiB, lanes


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _cost(stored: str) -> tuple[int, int, int]:
    assert stored.startswith("$argon2id$")
    p = extract_parameters(stored)
    return p.time_cost, p.memory_cost, p.parallelism


def _stored(db: Database, username: str) -> str:
    with db.session() as s:
        value = s.execute(text("SELECT password_hash FROM users WHERE username = :u"), {"u": username}).scalar_one()
    return str(value)


def _set_stored(db: Database, username: str, password_hash: str) -> None:
    with db.session() as s:
        s.execute(text("UPDATE users SET password_hash = :h WHERE username = :u"),
                  {"h": password_hash, "u": username})
        s.commit()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(db: Database, clock: Clock) -> AccountService:
    populate_demo_accounts(db)
    return AccountService(db, now=clock)


def _real_cost() -> tuple[int, int, int]:
    h = accounts_module._hasher
    return h.time_cost, h.memory_cost, h.parallelism


def test_the_demo_cost_is_its_own_and_argon2id() -> None:
    demo = accounts_module._demo_hasher
    assert (demo.time_cost, demo.memory_cost, demo.parallelism) == DEMO_COST
    assert demo.type.name == "ID"
    assert _real_cost() != DEMO_COST  # in the test process the lowest cost; in the app the recommended


def test_the_demo_chair_is_hashed_at_the_demo_cost_and_everyone_else_at_the_real_one(
        db: Database, accounts: AccountService) -> None:
    chair_hash, admin_hash = _stored(db, DEMO_USERNAME), _stored(db, "demo-admin")
    assert _cost(chair_hash) == DEMO_COST and DEMO_PASSWORD not in chair_hash
    assert _cost(admin_hash) == _real_cost()  # the demo's administrator is an ordinary account
    admin = accounts.authenticate("demo-admin", DEMO_PASSWORD)
    assert not admin.demo
    accounts.create_user(admin, "okafor", "Dr Okafor", Discipline.MEDICAL_ONCOLOGY, Role.CLINICIAN, PASSWORD)
    assert _cost(_stored(db, "okafor")) == _real_cost()
    # Each sign-in keeps its own cost: the demo chair's is not raised, nobody else's lowered.
    chair = accounts.authenticate(DEMO_USERNAME, DEMO_PASSWORD)
    assert chair.demo and chair.role is Role.CHAIR
    accounts.authenticate("okafor", PASSWORD)
    assert _stored(db, DEMO_USERNAME) == chair_hash
    assert _stored(db, "demo-admin") == admin_hash
    assert _cost(_stored(db, "okafor")) == _real_cost()


def test_a_real_account_at_the_demo_cost_is_raised_to_the_real_one_at_sign_in(
        db: Database, accounts: AccountService) -> None:
    """Whatever cost a stored hash has, the account's flag picks the rule it is rehashed by."""
    admin = accounts.authenticate("demo-admin", DEMO_PASSWORD)
    accounts.create_user(admin, "okafor", "Dr Okafor", Discipline.MEDICAL_ONCOLOGY, Role.CLINICIAN, PASSWORD)
    _set_stored(db, "okafor", accounts_module._demo_hasher.hash(PASSWORD))
    accounts.authenticate("okafor", PASSWORD)
    assert _cost(_stored(db, "okafor")) == _real_cost()
    # And a demo account stored at another cost (a demo built before the demo cost) gets its own.
    _set_stored(db, DEMO_USERNAME, accounts_module._hasher.hash(DEMO_PASSWORD))
    accounts.authenticate(DEMO_USERNAME, DEMO_PASSWORD)
    assert _cost(_stored(db, DEMO_USERNAME)) == DEMO_COST


def test_wrong_passwords_are_refused_and_counted_for_demo_accounts_too(
        db: Database, accounts: AccountService, clock: Clock) -> None:
    for username in (DEMO_USERNAME, "demo-admin"):
        with pytest.raises(LoginRefused, match="unknown username or wrong password"):
            accounts.authenticate(username, "not the demo password")
    for _ in range(3):
        with pytest.raises(LoginRefused, match="wrong password"):
            accounts.authenticate(DEMO_USERNAME, "guess guess guess")
    with pytest.raises(LoginRefused, match="locked for 5 minutes"):
        accounts.authenticate(DEMO_USERNAME, "guess guess guess")
    with pytest.raises(LoginRefused, match="locked"):
        accounts.authenticate(DEMO_USERNAME, DEMO_PASSWORD)  # the published password, while locked
    with db.session() as s:
        failed, audited = s.execute(text(
            "SELECT failed_logins, (SELECT count(*) FROM audit_log WHERE action = 'lockout') "
            "FROM users WHERE username = :u"), {"u": DEMO_USERNAME}).one()
    assert failed == 5 and audited == 1
    clock.now += timedelta(minutes=5, seconds=1)
    assert accounts.authenticate(DEMO_USERNAME, DEMO_PASSWORD).demo


def test_the_demo_flag_is_given_at_creation_only(db: Database, accounts: AccountService) -> None:
    admin = accounts.authenticate("demo-admin", DEMO_PASSWORD)
    with db.unit_of_work("demo-admin") as uow, pytest.raises(ValueError, match="demo flag"):
        uow.users.update("demo-admin", "demo-admin", None, demo=True)
    assert not accounts.authenticate("demo-admin", DEMO_PASSWORD).demo
    # A demo account keeps its published password: a chosen one would not be safe at that cost.
    chair = User(DEMO_USERNAME, "Dr Ana Sánchez", Role.CHAIR, Discipline.BREAST_SURGERY, True)
    for by in (chair, admin):
        with pytest.raises(AccountError, match="demo account"):
            accounts.set_password(by, DEMO_USERNAME, "a chosen new password")
    assert accounts.authenticate(DEMO_USERNAME, DEMO_PASSWORD).demo
    accounts.set_password(admin, "demo-admin", "a chosen new password")
    assert _cost(_stored(db, "demo-admin")) == _real_cost()


PACKAGE = Path(accounts_module.__file__).resolve().parents[1]


def _demo_flag_set_in() -> set[tuple[str, str]]:
    """(module, function) of every call in the package that passes demo= something other than
    False, and of every place that writes a users row with an explicit demo."""
    found: set[tuple[str, str]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = path.relative_to(PACKAGE).as_posix()
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "demo" and not (isinstance(keyword.value, ast.Constant)
                                                      and keyword.value.value is False):
                        found.add((module, function.name))
    return found


def test_only_the_demo_builder_makes_demo_accounts() -> None:
    """The accounts dialog, `tumorboard users add` and the first administrator never pass the
    flag; the demo builder is the one caller that chooses it. The other places hand on a value
    they were given: the app's and the command line's own ``--demo`` option (which database to
    open, not an account's flag), create_user to _add, the store's row from its argument."""
    assert _demo_flag_set_in() == {
        ("services/demo.py", "populate_demo_accounts"),  # create_user(..., demo=True)
        ("services/accounts.py", "create_user"),  # self._add(..., demo=demo)
        ("store/users.py", "add"),  # UserRow(..., demo=demo)
        ("cli.py", "main"),  # run_app(demo=args.demo, ...)
        ("gui/app.py", "start_app"),  # open_app(demo=demo, ...)
        ("gui/app.py", "run_app"),  # open_app(demo=demo, ...)
    }
