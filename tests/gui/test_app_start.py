"""Starting the app the way README says (`tumorboard --demo`), and refusing a bad database."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tumorboard.gui.app import start_app
from tumorboard.store import location


def test_demo_start_opens_the_main_window_on_a_fresh_machine(tmp_path: Path, qtbot: QtBot,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "home" / ".local" / "share" / "tumorboard"  # does not exist yet
    monkeypatch.setattr(location, "data_dir", lambda: data)
    started = start_app(demo=True)
    assert started is not None
    window, db = started
    qtbot.addWidget(window)
    try:
        assert window.isVisible() and "DEMO" in window.windowTitle()
        assert window.user is not None and window.user.demo and window.user.role.value == "chair"
        assert "DEMO - synthetic data" in window.user_label.text()
        assert window.service.actor == "demo-chair"  # what the audit trail will say
        assert not window.act_accounts.isEnabled()
        assert window.model.rowCount() == 30
        assert "(demo)" in window.statusBar().currentMessage()
        assert (data / "demo.sqlite3").exists()
        qtbot.waitUntil(lambda: window.integrity_checked)  # every page read once the window is up
        assert window.integrity_problem is None
    finally:
        window.close()
        db.close()


def test_a_file_that_is_not_a_database_is_refused_with_a_message(
        tmp_path: Path, qtbot: QtBot, no_modal_dialogs: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_text("not a database")
    assert start_app(database=str(bogus)) is None
    assert any("not a tumorboard database" in said for said in no_modal_dialogs)
    assert "not a tumorboard database" in capsys.readouterr().err
    assert bogus.read_text() == "not a database"


def test_an_unexpected_error_in_a_screen_shows_a_dialog(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from PySide6.QtWidgets import QMessageBox

    from tumorboard.gui.app import install_error_dialog

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_error_dialog()
    try:
        raise ValueError("simulated slot failure")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert shown and "simulated slot failure" in shown[0] and "unsaved edits" in shown[0]


def test_a_new_database_creates_its_administrator_then_signs_in(
        tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QDialog

    from tumorboard.gui.accounts import login
    from tumorboard.gui.accounts.accounts_dialog import AccountsDialog

    password = "correct horse battery"

    def first_admin_exec(self: login.FirstAdminDialog) -> int:
        self.username.setText("admin")
        self.display_name.setText("Administrator")
        self.password.setText(password)
        self.repeat.setText(password)
        self.buttons.accepted.emit()
        return int(self.result())

    def login_exec(self: login.LoginDialog) -> int:
        self.username.setText("admin")
        self.password.setText(password)
        self.buttons.accepted.emit()
        return int(self.result())

    from tumorboard.gui import app as app_module

    asked: list[Path] = []
    monkeypatch.setattr(app_module, "confirm_new_database", lambda path: asked.append(path) or True)
    monkeypatch.setattr(login.FirstAdminDialog, "exec", first_admin_exec)
    monkeypatch.setattr(login.LoginDialog, "exec", login_exec)
    started = start_app(database=str(tmp_path / "new.sqlite3"))
    assert asked == [tmp_path / "new.sqlite3"]
    assert started is not None
    window, db = started
    qtbot.addWidget(window)
    try:
        assert window.user is not None and window.user.username == "admin"
        assert window.act_accounts.isEnabled()
        assert window.accounts is not None
        dialog = AccountsDialog(window.accounts, window.user, window)
        qtbot.addWidget(dialog)
        dialog.username.setText("okafor")
        dialog.display_name.setText("Dr Okafor")
        dialog.role.setCurrentIndex(dialog.role.findData(dialog.role.itemData(1)))  # clinician
        dialog.password.setText("short")
        dialog.add.click()
        assert "at least 10" in dialog.message.text() and dialog.username.text() == "okafor"
        dialog.password.setText(password)
        dialog.add.click()
        assert "okafor" in dialog.listing.toPlainText() and "clinician" in dialog.listing.toPlainText()
        assert dialog.result() != QDialog.DialogCode.Accepted  # still open for the next account
    finally:
        window.close()
        db.close()


def test_cancelling_the_sign_in_does_not_open_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      qtbot: QtBot) -> None:
    from tumorboard.gui.accounts import login
    from tumorboard.services.accounts import AccountService
    from tumorboard.store import Database

    db = Database.open(str(tmp_path / "x.sqlite3"))
    AccountService(db).create_first_admin("admin", "Administrator", "correct horse battery")
    db.close()
    monkeypatch.setattr(login.LoginDialog, "exec", lambda self: 0)
    assert start_app(database=str(tmp_path / "x.sqlite3")) is None


def test_damage_found_after_the_window_is_up_is_said_with_what_to_do(
        tmp_path: Path, qtbot: QtBot, no_modal_dialogs: list[str], monkeypatch: pytest.MonkeyPatch,
        demo_template: Path) -> None:
    import sqlite3

    from prepared_databases import copy_database

    from tumorboard.gui import app as app_module

    path = copy_database(demo_template, tmp_path / "ward.sqlite3")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=DELETE")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'audit_log'").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size:root * page_size] = b"\xff" * page_size  # deep damage: schema intact
    path.write_bytes(bytes(data))
    monkeypatch.setattr(app_module, "sign_in", lambda _db, _demo: next(
        u for u in app_module.AccountService(_db).users() if u.username == "demo-chair"))
    started = start_app(database=str(path))
    assert started is not None  # the light check lets the board in; the full one follows
    window, db = started
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.integrity_checked)
        assert window.integrity_problem
        said = " ".join(no_modal_dialogs)
        assert "The database is damaged" in said and "restore the latest good backup" in said
    finally:
        window.close()
        db.close()


def test_the_app_asks_before_creating_a_database_and_creates_nothing_on_no(
        tmp_path: Path, no_modal_dialogs: list[str]) -> None:
    path = tmp_path / "moved.sqlite3"
    assert start_app(database=str(path)) is None  # the question is answered "not Yes"
    assert not path.exists() and list(tmp_path.iterdir()) == []
    said = " ".join(no_modal_dialogs)
    assert f"No database at {path}: create a new one?" in said


def test_an_empty_database_file_is_refused_by_the_app_and_left_as_it_is(
        tmp_path: Path, no_modal_dialogs: list[str]) -> None:
    path = tmp_path / "emptied.sqlite3"
    path.write_bytes(b"")
    assert start_app(database=str(path)) is None
    assert path.stat().st_size == 0
    assert "empty (0 bytes)" in " ".join(no_modal_dialogs)


def test_the_daily_check_finds_an_index_corruption_and_refuses_changes(
        tmp_path: Path, qtbot: QtBot, no_modal_dialogs: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from tumorboard.gui import app as app_module
    from tumorboard.store import DatabaseDamaged

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
    from damage import flip_bit, mrn, settle, small_database

    from tumorboard.services.accounts import AccountService
    from tumorboard.store import Database

    password = "correct horse battery"
    path = small_database(tmp_path / "ward.sqlite3")
    db = Database.open(str(path))
    AccountService(db).create_first_admin("admin", "Administrator", password)
    db.close()
    settle(path)
    flip_bit(path, "ix_cases_status", b"referred")  # quick_check misses it, integrity_check does not
    monkeypatch.setattr(app_module, "sign_in",
                        lambda _db, _demo: AccountService(_db).authenticate("admin", password))
    started = start_app(database=str(path))
    assert started is not None
    window, db = started
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.integrity_checked, timeout=20_000)
        assert window.integrity_problem and "ix_cases_status" in window.integrity_problem
        assert window.damage_banner.isVisible() and "Changes are refused" in window.damage_banner.text()
        assert "The database is damaged" in " ".join(no_modal_dialogs)
        with pytest.raises(DatabaseDamaged):
            window.service.schedule(mrn(1), next_meeting=None, staging_date=None)
    finally:
        window.close()
        db.close()



def test_cancel_at_sign_in_exits_quietly_with_code_0_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], qtbot: QtBot) -> None:
    from tumorboard.gui import app
    from tumorboard.gui.accounts import login
    from tumorboard.services.accounts import AccountService
    from tumorboard.store import Database

    db = Database.open(str(tmp_path / "x.sqlite3"))
    AccountService(db).create_first_admin("admin", "Administrator", "correct horse battery")
    db.close()
    monkeypatch.setattr(login.LoginDialog, "exec", lambda self: 0)
    assert app.run_app(database=str(tmp_path / "x.sqlite3")) == 0
    assert "sign-in cancelled" in capsys.readouterr().err
