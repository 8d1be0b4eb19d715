"""The whole record guarded (issue 14, item 6).

- ``db backup`` and ``db restore`` need an administrator's sign-in once a database has accounts:
  refused with no sign-in, a wrong password, a viewer's or a chair's account and a locked one.
- Both are audited; a restore in the database it replaces (kept aside) and in the restored one.
- Sign-ins, failed sign-ins, lockouts and sign-ins refused while locked are audited.
- Sixteen wrong guesses in parallel (each with its own connection) count sixteen and lock the account.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tumorboard.cli import main
from tumorboard.domain.meeting import Discipline
from tumorboard.domain.users import AccessDenied, Role, User
from tumorboard.services.accounts import MAX_FAILED, AccountService, LoginRefused
from tumorboard.services.integrity import verify_record
from tumorboard.services.record_copies import RecordCopies
from tumorboard.store import Database

PASSWORD = "administrator password"
GUESS = "not the password at all"


@pytest.fixture(autouse=True)
def nobody_signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TUMORBOARD_USER", "TUMORBOARD_PASSWORD", "TUMORBOARD_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def audit_rows(db: Database, entity: str, entity_id: str) -> list[tuple[str, str, str | None]]:
    with db.reading() as uow:
        return [(h.actor, h.action, h.field) for h in uow.audit_log.history(entity, entity_id)]


def audit_in_file(path: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        return [(str(a), str(b)) for a, b in con.execute(
            "SELECT actor, action FROM audit_log WHERE entity = 'database' ORDER BY seq")]
    finally:
        con.close()


def make_department(path: Path) -> None:
    """Accounts: an administrator, a second administrator (locked), a chair and a viewer."""
    db = Database.open(str(path))
    try:
        accounts = AccountService(db)
        admin = accounts.create_first_admin("admin", "Department administrator", PASSWORD)
        accounts.create_user(admin, "admin2", "Second administrator", None, Role.ADMIN, PASSWORD)
        accounts.create_user(admin, "chair", "Dr Chair", Discipline.BREAST_SURGERY, Role.CHAIR, PASSWORD)
        accounts.create_user(admin, "viewer", "A Viewer", None, Role.VIEWER, PASSWORD)
        for _ in range(MAX_FAILED):
            with pytest.raises(LoginRefused):
                accounts.authenticate("admin2", GUESS)
    finally:
        db.close()


@pytest.fixture
def department(tmp_path: Path) -> Path:
    path = tmp_path / "live" / "tb.sqlite3"
    make_department(path)
    return path


def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, user: str | None,
        password: str | None, *args: str) -> tuple[int, str, str]:
    for name, value in (("TUMORBOARD_USER", user), ("TUMORBOARD_PASSWORD", password)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


REFUSED = [
    (None, None, "--user: this database has user accounts"),
    ("admin", GUESS, "--user admin: unknown username or wrong password"),
    ("viewer", PASSWORD, "A Viewer (viewer) may not back up or restore the whole database; that needs "
                         "the role admin"),
    ("chair", PASSWORD, "Dr Chair (chair) may not back up or restore the whole database"),
    ("admin2", PASSWORD, "--user admin2: the account is locked"),
]


@pytest.mark.parametrize(("user", "password", "refusal"), REFUSED)
def test_db_backup_needs_an_administrators_sign_in(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, department: Path, tmp_path: Path,
        user: str | None, password: str | None, refusal: str) -> None:
    target = tmp_path / "copy.sqlite3"
    code, out, err = cli(capsys, monkeypatch, user, password, "db", "backup", str(target),
                         "--database", str(department))
    assert code == 3 and out == ""  # not signed in or not allowed
    assert err.startswith("error: ") and refusal in err and err.count("\n") == 1
    assert not target.exists() and not list(tmp_path.glob("copy.sqlite3*"))
    assert ("admin", "backup") not in audit_in_file(department)


def test_db_backup_by_an_administrator_is_audited(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, department: Path,
        tmp_path: Path) -> None:
    target = tmp_path / "copy.sqlite3"
    code, _, err = cli(capsys, monkeypatch, "admin", PASSWORD, "db", "backup", str(target),
                         "--database", str(department))
    assert code == 0, err
    assert audit_in_file(department)[-1] == ("admin", "backup")
    db = Database.open(str(department))
    try:
        assert verify_record(db).ok
    finally:
        db.close()


@pytest.mark.parametrize(("user", "password", "refusal"), REFUSED)
def test_db_restore_needs_an_administrators_sign_in_and_changes_nothing(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, department: Path, tmp_path: Path,
        user: str | None, password: str | None, refusal: str) -> None:
    backup = tmp_path / "saved.sqlite3"
    make_department(backup.with_name("other.sqlite3"))
    assert cli(capsys, monkeypatch, "admin", PASSWORD, "db", "backup", str(backup), "--database",
               str(backup.with_name("other.sqlite3")))[0] == 0
    before = department.read_bytes()
    code, out, err = cli(capsys, monkeypatch, user, password, "db", "restore", str(backup),
                         "--database", str(department))
    assert code == 3 and out == ""
    assert err.startswith("error: ") and refusal in err and err.count("\n") == 1
    assert not list(department.parent.glob("*.replaced-*"))
    assert ("admin", "restore") not in audit_in_file(department)
    # The database is the one that was there (its content: the file may only have been checkpointed).
    con = sqlite3.connect(department)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()
    assert len(before) > 0


def test_db_restore_by_an_administrator_is_audited_in_both_databases(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, department: Path,
        tmp_path: Path) -> None:
    backup = tmp_path / "saved.sqlite3"
    assert cli(capsys, monkeypatch, "admin", PASSWORD, "db", "backup", str(backup), "--database",
               str(department))[0] == 0
    code, _, err = cli(capsys, monkeypatch, "admin", PASSWORD, "db", "restore", str(backup),
                         "--database", str(department))
    assert code == 0, err
    kept = next(department.parent.glob("tb.sqlite3.replaced-*"))
    assert audit_in_file(kept)[-1] == ("admin", "restore")  # the replaced database says what replaced it
    restored = audit_in_file(department)
    assert restored[-1] == ("admin", "restore")  # and the restored one that it was put back
    assert ("admin", "backup") not in restored  # the backup was taken before its own audit row
    db = Database.open(str(department))
    try:
        assert verify_record(db).ok
        fields = {f for _, action, f in audit_rows(db, "database", "record") if action == "restore"}
        assert {"restored_from", "schema", "replaced"} <= fields
    finally:
        db.close()


def test_a_damaged_database_is_restored_without_a_sign_in_and_the_restore_audited(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, department: Path,
        tmp_path: Path) -> None:
    """Nobody can sign in to a damaged file: its permissions are what guards it (SECURITY.md)."""
    backup = tmp_path / "saved.sqlite3"
    assert cli(capsys, monkeypatch, "admin", PASSWORD, "db", "backup", str(backup), "--database",
               str(department))[0] == 0
    department.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    code, _, err = cli(capsys, monkeypatch, None, None, "db", "restore", str(backup),
                       "--database", str(department))
    assert code == 0, err
    assert audit_in_file(department)[-1] == ("cli", "restore")


def test_the_service_refuses_a_backup_to_anyone_but_an_administrator(department: Path, tmp_path: Path) -> None:
    db = Database.open(str(department))
    try:
        accounts = AccountService(db)
        viewer = accounts.authenticate("viewer", PASSWORD)
        with pytest.raises(AccessDenied, match="may not back up"):
            RecordCopies(db, user=viewer).backup(tmp_path / "x.sqlite3")
        with pytest.raises(AccessDenied, match="sign in first"):
            RecordCopies(db, user=None).backup(tmp_path / "x.sqlite3")
        assert not (tmp_path / "x.sqlite3").exists()
        admin = accounts.authenticate("admin", PASSWORD)
        assert RecordCopies(db, user=admin).backup(tmp_path / "x.sqlite3").exists()
    finally:
        db.close()


# -- sign-ins audited --------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_sign_ins_failed_sign_ins_and_lockouts_are_audited(db: Database) -> None:
    clock = Clock()
    accounts = AccountService(db, now=clock)
    admin = accounts.create_first_admin("admin", "Department administrator", PASSWORD)
    accounts.create_user(admin, "okafor", "Dr Okafor", Discipline.MEDICAL_ONCOLOGY, Role.CLINICIAN, PASSWORD)
    accounts.authenticate("okafor", PASSWORD)
    for _ in range(MAX_FAILED):
        with pytest.raises(LoginRefused):
            accounts.authenticate("okafor", GUESS)
    with pytest.raises(LoginRefused, match="locked"):
        accounts.authenticate("okafor", PASSWORD)  # the right password, while locked
    with pytest.raises(LoginRefused, match="locked"):
        accounts.authenticate("okafor", GUESS)  # a guess while locked still counts
    clock.now += timedelta(minutes=5, seconds=1)
    with pytest.raises(LoginRefused, match="locked for 5 minutes"):
        accounts.authenticate("okafor", GUESS)  # after a lockout, the next wrong guess locks again
    clock.now += timedelta(minutes=5, seconds=1)
    accounts.authenticate("okafor", PASSWORD)
    actions = [a for _, a, _ in audit_rows(db, "user", "okafor")]
    assert actions == ["create", "create", "create", "login", *["login-failed"] * 5, "lockout",
                       "login-refused", "login-failed", "login-failed", "lockout", "login"]
    with db.reading() as uow:
        record = uow.users.find("okafor")
    assert record is not None and record.failed_logins == 0 and record.locked_until is None
    assert verify_record(db).ok


def test_sixteen_parallel_wrong_guesses_count_sixteen_and_lock_the_account(db_url: str, db: Database) -> None:
    accounts = AccountService(db)
    admin = accounts.create_first_admin("admin", "Department administrator", PASSWORD)
    accounts.create_user(admin, "target", "Dr Target", Discipline.RADIOLOGY, Role.CLINICIAN, PASSWORD)
    guessers = 16
    handles = [Database.open(db_url) for _ in range(guessers)]  # one engine, one connection each
    barrier = threading.Barrier(guessers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess(handle: Database) -> None:
        barrier.wait()
        try:
            AccountService(handle).authenticate("target", GUESS)
            result = "signed in"
        except LoginRefused as exc:
            result = str(exc)
        except Exception as exc:  # a lock timeout or a driver error would be a finding
            result = f"error: {type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=guess, args=(h,)) for h in handles]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        for h in handles:
            h.close()
    assert len(outcomes) == guessers
    assert not [o for o in outcomes if o.startswith("error") or o == "signed in"], outcomes
    with db.reading() as uow:
        record = uow.users.find("target")
    assert record is not None and record.failed_logins == guessers
    assert record.locked_until is not None
    actions = [a for _, a, _ in audit_rows(db, "user", "target")]
    assert actions.count("login-failed") == guessers and actions.count("lockout") >= 1
    with pytest.raises(LoginRefused, match="locked"):
        accounts.authenticate("target", PASSWORD)
    assert verify_record(db).ok


def test_without_accounts_a_backup_needs_no_sign_in(tmp_path: Path) -> None:
    """A single-user database (no account yet) has nobody to sign in; a role that may not is refused."""
    db = Database.open(str(tmp_path / "single.sqlite3"))
    try:
        stranger = User("someone", "Someone", Role.VIEWER)
        with pytest.raises(AccessDenied):
            RecordCopies(db, user=stranger).backup(tmp_path / "c.sqlite3")
        assert RecordCopies(db, user=None).backup(tmp_path / "c.sqlite3").exists()
    finally:
        db.close()
