"""The desktop asks for an encrypted database's passphrase in a dialog (no terminal needed): a wrong
one is refused and asked again with the refusal said, the file untouched; Cancel opens nothing.
Skipped without SQLCipher (pip install 'tumorboard[encryption]'); CI runs it with that extra."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tumorboard.gui.app import CANCELLED, open_app, open_database
from tumorboard.store import Database, StoreError
from tumorboard.store.encryption import KEY_ENV, _given, looks_encrypted

pytest.importorskip("sqlcipher3", reason="SQLCipher is not installed (pip install 'tumorboard[encryption]')")

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def encrypted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "laptop.sqlite3"
    monkeypatch.setenv(KEY_ENV, PASSPHRASE)
    Database.open(str(path)).close()
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setattr("tumorboard.store.encryption._from_keyring", lambda _path: None)
    _given.clear()
    assert looks_encrypted(path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_wrong_passphrase_is_asked_again_and_the_right_one_opens(qtbot: QtBot, encrypted: Path) -> None:
    answers, prompts = iter(["not it", PASSPHRASE]), []

    def ask(prompt: str) -> str | None:
        prompts.append(prompt)
        return next(answers)

    db = open_database(str(encrypted), encrypted, ask)
    assert db is not None
    db.close()
    assert len(prompts) == 2 and "is encrypted" in prompts[0]
    assert prompts[1].startswith("Not opened:") and "passphrase is wrong" in prompts[1]
    _given.clear()
    before = _digest(encrypted)
    with pytest.raises(StoreError, match="refused 3 times"):
        open_database(str(encrypted), encrypted, lambda _p: "still not it")
    assert _digest(encrypted) == before  # three refusals changed nothing


def test_cancel_at_the_passphrase_opens_nothing(qtbot: QtBot, encrypted: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = _digest(encrypted)
    assert open_app(database=str(encrypted), ask=lambda _prompt: None) == CANCELLED
    assert "passphrase not given" in capsys.readouterr().err
    assert _digest(encrypted) == before


def test_a_plain_database_is_opened_without_asking(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite3"
    Database.open(str(path)).close()

    def ask(prompt: str) -> str | None:
        raise AssertionError(f"asked for a passphrase: {prompt}")

    db = open_database(str(path), path, ask)
    assert db is not None
    db.close()
