"""Accounts and roles: argon2id hashes, lockout, and roles enforced by the services themselves."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tumorboard.domain.meeting import Discipline, MeetingError
from tumorboard.domain.users import AccessDenied, Role, User
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.accounts import AccountError, AccountService, LoginRefused
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import MeetingService
from tumorboard.services.settings import DepartmentSettings, SettingsService
from tumorboard.store import Database

DAY = date(2025, 6, 10)
PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(db: Database, clock: Clock) -> AccountService:
    return AccountService(db, now=clock)


@pytest.fixture
def admin(accounts: AccountService) -> User:
    return accounts.create_first_admin("admin", "Department administrator", PASSWORD)


def test_first_admin_only_once_and_passwords_are_hashed(db: Database, accounts: AccountService, admin: User) -> None:
    assert accounts.has_accounts() and admin.role is Role.ADMIN
    with pytest.raises(AccountError, match="exists already"):
        accounts.create_first_admin("second", "Second", PASSWORD)
    from sqlalchemy import text

    with db.session() as s:
        stored = s.execute(text("SELECT password_hash FROM users WHERE username = 'admin'")).scalar_one()
        audit = " ".join(str(v) for row in s.execute(text("SELECT * FROM audit_log")).all() for v in row)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PASSWORD not in audit


def test_short_password_and_bad_username_are_refused(accounts: AccountService, admin: User) -> None:
    with pytest.raises(AccountError, match="password: at least 10"):
        accounts.create_user(admin, "dr.x", "Dr X", Discipline.RADIOLOGY, Role.CLINICIAN, "short")
    with pytest.raises(AccountError, match="username"):
        accounts.create_user(admin, "dr x!", "Dr X", Discipline.RADIOLOGY, Role.CLINICIAN, PASSWORD)
    for name in ("Dr\x00X", "Dr X\nRadiology", "Dr\tX"):  # on every database, before PostgreSQL says so
        with pytest.raises(AccountError, match="display name: contains a control character"):
            accounts.create_user(admin, "dr.x", name, Discipline.RADIOLOGY, Role.CLINICIAN, PASSWORD)
    assert accounts.create_user(admin, "dr.x", "Dr Zoë Ávila-Núñez", Discipline.RADIOLOGY, Role.CLINICIAN,
                                PASSWORD).display_name == "Dr Zoë Ávila-Núñez"


def test_five_failed_logins_lock_for_five_minutes(accounts: AccountService, admin: User, clock: Clock) -> None:
    accounts.create_user(admin, "okafor", "Dr Okafor", Discipline.MEDICAL_ONCOLOGY, Role.CLINICIAN, PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginRefused, match="wrong password"):
            accounts.authenticate("okafor", "guess guess guess")
    with pytest.raises(LoginRefused, match="locked for 5 minutes"):
        accounts.authenticate("okafor", "guess guess guess")
    with pytest.raises(LoginRefused, match="locked"):
        accounts.authenticate("okafor", PASSWORD)  # even the right password, while locked
    clock.now += timedelta(minutes=5, seconds=1)
    assert accounts.authenticate("okafor", PASSWORD).role is Role.CLINICIAN
    with pytest.raises(LoginRefused, match="unknown username or wrong password"):
        accounts.authenticate("nobody", PASSWORD)


def test_roles_are_enforced_by_the_services(db: Database, accounts: AccountService, admin: User,
                                            example_files: list[Path]) -> None:
    viewer = accounts.create_user(admin, "viewer", "A Viewer", None, Role.VIEWER, PASSWORD)
    clinician = accounts.create_user(admin, "clin", "Dr Clin", Discipline.MEDICAL_ONCOLOGY, Role.CLINICIAN,
                                     PASSWORD)
    coordinator = accounts.create_user(admin, "coord", "Ms Coord", Discipline.COORDINATION, Role.COORDINATOR,
                                       PASSWORD)
    chair = accounts.create_user(admin, "chair", "Dr Chair", Discipline.BREAST_SURGERY, Role.CHAIR, PASSWORD)
    sources = [(f.name, f.read_bytes()) for f in example_files]

    with pytest.raises(AccessDenied, match="sign in first"):
        CaseService(db).import_documents(sources)  # accounts exist: nobody is nobody
    with pytest.raises(AccessDenied, match="may not edit cases"):
        CaseService(db, user=viewer).import_documents(sources)
    with pytest.raises(AccessDenied, match="may not edit cases"):
        CaseService(db, user=admin).import_documents(sources)  # administration is not clinical access
    CaseService(db, user=clinician, today=lambda: DAY).import_documents(sources)
    CaseService(db, user=clinician).change_status("SYN-V01", WorkflowStatus.STAGING)
    assert CaseService(db, user=viewer).get("SYN-V01").updated_by == "clin"

    with pytest.raises(AccessDenied, match="plan meetings"):
        BoardService(db, user=clinician).create("Breast MDT")
    BoardService(db, user=coordinator).create("Breast MDT")
    with pytest.raises(AccessDenied, match="plan meetings"):
        MeetingService(db, user=clinician).create_meeting("Breast MDT", DAY)
    meeting_id = MeetingService(db, user=coordinator).create_meeting("Breast MDT", DAY, chair="Dr Chair")
    MeetingService(db, user=coordinator).add_cases(meeting_id, ["SYN-V01"])
    with pytest.raises(AccessDenied, match="record decisions"):
        MeetingService(db, user=viewer).start(meeting_id)
    MeetingService(db, user=clinician).start(meeting_id)
    MeetingService(db, user=clinician).set_attendance(meeting_id, "Dr Chair", True,
                                                      discipline=Discipline.BREAST_SURGERY)
    with pytest.raises(AccessDenied, match="sign off"):
        MeetingService(db, user=coordinator).record_quorum_override(meeting_id, "Ms Coord", "urgent")
    with pytest.raises(Exception, match="your own name"):
        MeetingService(db, user=chair).record_quorum_override(meeting_id, "Dr Someone", "urgent")
    MeetingService(db, user=chair).record_quorum_override(meeting_id, "Dr Chair", "urgent")
    MeetingService(db, user=coordinator).close(meeting_id)
    with pytest.raises(AccessDenied, match="sign off"):
        MeetingService(db, user=coordinator, render=lambda m: b"%PDF").sign_off(meeting_id, "Ms Coord")
    with pytest.raises(Exception, match="your own name"):
        MeetingService(db, user=chair, render=lambda m: b"%PDF").sign_off(meeting_id, "Dr Someone")
    with pytest.raises(MeetingError, match="password: wrong password for chair"):
        MeetingService(db, user=chair).sign_off(meeting_id, "Dr Chair", password="not the password")
    MeetingService(db, user=chair).sign_off(meeting_id, "Dr Chair", password=PASSWORD)

    with pytest.raises(AccessDenied, match="change department settings"):
        SettingsService(db, user=chair).save(DepartmentSettings(follow_up_weeks=8))
    SettingsService(db, user=admin).save(DepartmentSettings(follow_up_weeks=8))
    with pytest.raises(AccessDenied, match="manage user accounts"):
        accounts.create_user(chair, "x", "X", None, Role.VIEWER, PASSWORD)


def test_patient_data_leaves_only_for_clinical_roles_and_every_export_is_recorded(
        db: Database, accounts: AccountService, admin: User, example_files: list[Path]) -> None:
    from sqlalchemy import text

    viewer = accounts.create_user(admin, "viewer", "A Viewer", None, Role.VIEWER, PASSWORD)
    clinician = accounts.create_user(admin, "clin", "Dr Clin", Discipline.MEDICAL_ONCOLOGY, Role.CLINICIAN,
                                     PASSWORD)
    coordinator = accounts.create_user(admin, "coord", "Ms Coord", Discipline.COORDINATION, Role.COORDINATOR,
                                       PASSWORD)
    CaseService(db, user=clinician, today=lambda: DAY).import_documents(
        [(f.name, f.read_bytes()) for f in example_files[:1]])
    BoardService(db, user=coordinator).create("Breast MDT")
    meeting_id = MeetingService(db, user=coordinator).create_meeting("Breast MDT", DAY)
    MeetingService(db, user=coordinator).add_cases(meeting_id, ["SYN-V01"])

    def exports() -> list[tuple[str, str, str, object]]:
        with db.session() as s:
            return [(actor, entity, entity_id, json.loads(new)) for actor, entity, entity_id, new in s.execute(
                text("SELECT actor, entity, entity_id, new_value FROM audit_log WHERE action = 'export' "
                     "ORDER BY id"))]

    for who in (None, viewer, admin):  # on screen yes (a viewer reads), to a file no
        with pytest.raises(AccessDenied, match="export patient data"):
            CaseService(db, user=who).export_document("SYN-V01")
        with pytest.raises(AccessDenied, match="export patient data"):
            MeetingService(db, user=who, render=lambda m: b"%PDF").export_minutes(meeting_id)
    assert CaseService(db, user=viewer).get("SYN-V01").case.patient.mrn == "SYN-V01"
    assert exports() == []  # a refusal records nothing

    doc = CaseService(db, user=clinician).export_document("SYN-V01", with_history=True)
    assert doc["format"] == "tumorboard.case-export/1" and doc["history"]
    pdf = MeetingService(db, user=coordinator, render=lambda m: b"%PDF-minutes").export_minutes(
        meeting_id, pseudonymise=True)
    assert pdf == b"%PDF-minutes"
    with pytest.raises(Exception, match="pseudonymise"):
        MeetingService(db, user=coordinator).export_minutes(meeting_id, pseudonymise=True, signed_original=True)
    assert exports() == [("clin", "case", "SYN-V01", "case document with history"),
                         ("coord", "meeting", str(meeting_id), "pseudonymised copy to a file")]


def test_no_accounts_yet_means_single_user_mode(db: Database, example_files: list[Path]) -> None:
    outcomes = CaseService(db).import_documents([(f.name, f.read_bytes()) for f in example_files[:1]])
    assert outcomes[0].action == "created"


def test_cli_writing_commands_sign_in_once_accounts_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          example_files: list[Path]) -> None:
    from tumorboard.cli import main

    db = str(tmp_path / "a.sqlite3")
    files = [str(f) for f in example_files[:1]]
    monkeypatch.setenv("TUMORBOARD_NEW_PASSWORD", PASSWORD)
    assert main(["users", "add", "boss", "--name", "Boss", "--role", "chair", "--database", db]) == 2
    assert "first account of a database is its administrator" in capsys.readouterr().err
    assert main(["users", "add", "boss", "--name", "Boss", "--role", "admin", "--database", db]) == 0
    capsys.readouterr()
    assert main(["import", *files, "--database", db]) == 3
    assert "--user: this database has user accounts" in capsys.readouterr().err
    monkeypatch.setenv("TUMORBOARD_PASSWORD", PASSWORD)
    assert main(["users", "add", "clin", "--name", "Dr Clin", "--role", "clinician", "--user", "boss",
                 "--database", db]) == 0
    assert main(["import", *files, "--user", "boss", "--database", db]) == 3
    assert "may not edit cases" in capsys.readouterr().err
    assert main(["import", *files, "--user", "clin", "--database", db]) == 0
    capsys.readouterr()
    assert main(["export", "SYN-V01", "--database", db]) == 3  # reading to a file is an export
    assert "--user: this database has user accounts" in capsys.readouterr().err
    assert main(["export", "SYN-V01", "--user", "boss", "--database", db]) == 3
    assert "may not export patient data" in capsys.readouterr().err
    assert main(["export", "SYN-V01", "--user", "clin", "--database", db]) == 0
    assert '"mrn": "SYN-V01"' in capsys.readouterr().out
    monkeypatch.setenv("TUMORBOARD_PASSWORD", "wrong wrong wrong")
    assert main(["import", *files, "--user", "clin", "--database", db]) == 3
    assert "unknown username or wrong password" in capsys.readouterr().err
