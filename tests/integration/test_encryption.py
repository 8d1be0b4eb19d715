"""Optional encryption at rest (issue 14, item 7): SQLCipher through ``sqlcipher3``
(``tumorboard[encryption]``); skipped where it is not installed.

- With a passphrase (TUMORBOARD_DB_KEY, the prompt, the system keyring) the file is encrypted:
  no patient's name in its bytes, and it opens with that passphrase only; a wrong one, or none,
  is a clear refusal and the file is untouched.
- ``tumorboard db encrypt`` converts an existing database (an administrator's sign-in, audited);
  backups of an encrypted database are encrypted, and restore.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tumorboard.cli import main
from tumorboard.services.accounts import AccountService
from tumorboard.services.cases import CaseService
from tumorboard.services.integrity import verify_record
from tumorboard.store import Database, NotATumorboardDatabase
from tumorboard.store.encryption import KEY_ENV, WrongKey, looks_encrypted
from tumorboard.store.schema import SQLITE_MAGIC

pytest.importorskip("sqlcipher3", reason="SQLCipher is not installed (pip install 'tumorboard[encryption]')")

PASSPHRASE = "correct horse battery staple"
PASSWORD = "administrator password"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (KEY_ENV, "TUMORBOARD_USER", "TUMORBOARD_PASSWORD", "TUMORBOARD_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TUMORBOARD_BACKUP_KEEP", "0")


def patient_name(example_files: list[Path]) -> str:
    return str(json.loads(example_files[0].read_bytes())["patient"]["name"])


def fill(path: Path, example_files: list[Path]) -> None:
    db = Database.open(str(path))
    try:
        CaseService(db, actor="coordinator").import_documents([(f.name, f.read_bytes()) for f in example_files])
    finally:
        db.close()


def test_with_a_passphrase_the_file_is_encrypted_and_opens_with_it_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_files: list[Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tb.sqlite3"
    monkeypatch.setenv(KEY_ENV, PASSPHRASE)
    fill(path, example_files)
    raw = path.read_bytes()
    assert not raw.startswith(SQLITE_MAGIC) and looks_encrypted(path)
    assert patient_name(example_files).encode() not in raw and b"SYN-V01" not in raw
    db = Database.open(str(path))
    try:
        assert CaseService(db).get("SYN-V01").case.patient.mrn == "SYN-V01"
        assert verify_record(db).ok
    finally:
        db.close()
    before = path.read_bytes()
    monkeypatch.setenv(KEY_ENV, "not the passphrase")
    with pytest.raises(WrongKey, match="cannot be opened with the key given: the key is wrong"):
        Database.open(str(path))
    code = main(["export", "SYN-V01", "--database", str(path)])
    _, err = capsys.readouterr()
    assert code == 3 and err.startswith("error: database: ") and "the key is wrong" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(NotATumorboardDatabase, match=f"if it is an encrypted one, give its passphrase in {KEY_ENV}"):
        Database.open(str(path))
    code = main(["export", "SYN-V01", "--database", str(path)])  # no terminal to ask in
    _, err = capsys.readouterr()
    assert code == 2 and f"is encrypted; give its passphrase in {KEY_ENV}" in err and err.count("\n") == 1
    assert path.read_bytes() == before  # refused, untouched


def test_without_a_passphrase_nothing_changes(tmp_path: Path, example_files: list[Path]) -> None:
    path = tmp_path / "tb.sqlite3"
    fill(path, example_files)
    assert path.read_bytes().startswith(SQLITE_MAGIC) and not looks_encrypted(path)


def test_db_encrypt_converts_a_database_and_its_backups_stay_encrypted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_files: list[Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "live" / "tb.sqlite3"
    fill(path, example_files)
    db = Database.open(str(path))
    AccountService(db).create_first_admin("admin", "Department administrator", PASSWORD)
    db.close()
    monkeypatch.setenv(KEY_ENV, PASSPHRASE)
    code = main(["db", "encrypt", "--database", str(path)])  # no sign-in: refused, nothing changed
    out, err = capsys.readouterr()
    assert code == 3 and "--user" in err and path.read_bytes().startswith(SQLITE_MAGIC)
    monkeypatch.setenv("TUMORBOARD_USER", "admin")
    monkeypatch.setenv("TUMORBOARD_PASSWORD", PASSWORD)
    code = main(["db", "encrypt", "--database", str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert looks_encrypted(path) and patient_name(example_files).encode() not in path.read_bytes()
    kept = next(path.parent.glob("tb.sqlite3.replaced-*"))
    assert str(kept) in out and "delete it" in out
    db = Database.open(str(path))
    try:
        assert CaseService(db).get("SYN-V01").case.patient.mrn == "SYN-V01"
        assert verify_record(db).ok
        with db.reading() as uow:
            assert [h.action for h in uow.audit_log.history("database", "record")] == ["encrypt"]
    finally:
        db.close()
    backup = tmp_path / "copy.sqlite3"
    code = main(["db", "backup", str(backup), "--database", str(path)])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert looks_encrypted(backup) and patient_name(example_files).encode() not in backup.read_bytes()
    code = main(["db", "restore", str(backup), "--database", str(path)])
    _, err = capsys.readouterr()
    assert code == 0, err
    db = Database.open(str(path))
    try:
        assert verify_record(db).ok
    finally:
        db.close()
    monkeypatch.setenv(KEY_ENV, "not the passphrase")
    code = main(["db", "restore", str(backup), "--database", str(path)])
    _, err = capsys.readouterr()
    assert code == 2 and "cannot be opened with the database's key" in err


def test_the_passphrase_can_come_from_the_system_keyring(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_files: list[Path]) -> None:
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.stored: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.stored.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.stored[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.stored.pop((service, username), None)

    previous: Any = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        path = tmp_path / "tb.sqlite3"
        fill(path, example_files)
        monkeypatch.setenv(KEY_ENV, PASSPHRASE)
        assert main(["db", "encrypt", "--keyring", "--database", str(path)]) == 0
        monkeypatch.delenv(KEY_ENV)
        db = Database.open(str(path))  # the keyring's passphrase
        try:
            assert CaseService(db).get("SYN-V01").case.patient.mrn == "SYN-V01"
        finally:
            db.close()
    finally:
        keyring.set_keyring(previous)
