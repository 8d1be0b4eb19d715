"""Sign-in and the first administrator, through the dialogs."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tumorboard.domain.users import Role
from tumorboard.gui.accounts.login import FirstAdminDialog, LoginDialog
from tumorboard.services.accounts import AccountService
from tumorboard.store import Database

PASSWORD = "correct horse battery"


def test_first_admin_then_sign_in_keeps_what_was_typed_on_refusal(qtbot: QtBot, tmp_path: Path) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'login.sqlite3'}")
    accounts = AccountService(db)
    first = FirstAdminDialog(accounts)
    qtbot.addWidget(first)
    qtbot.keyClicks(first.username, "admin")
    qtbot.keyClicks(first.display_name, "Department administrator")
    qtbot.keyClicks(first.password, "short")
    qtbot.keyClicks(first.repeat, "short")
    first.buttons.accepted.emit()
    assert "at least 10" in first.message.text() and first.user is None
    assert first.username.text() == "admin"  # kept
    first.password.setText(PASSWORD)
    first.repeat.setText(PASSWORD)
    first.buttons.accepted.emit()
    assert first.user is not None and first.user.role is Role.ADMIN

    login = LoginDialog(accounts)
    qtbot.addWidget(login)
    qtbot.keyClicks(login.username, "admin")
    qtbot.keyClicks(login.password, "not the password")
    login.buttons.accepted.emit()
    assert "wrong password" in login.message.text() and login.user is None
    assert login.username.text() == "admin" and login.password.text() == ""
    qtbot.keyClicks(login.password, PASSWORD)
    login.buttons.accepted.emit()
    assert login.user is not None and login.user.username == "admin"
    db.close()
