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
        assert window.isVisible() and window.windowTitle() == "tumorboard"
        assert window.model.rowCount() == 30
        assert "(demo)" in window.statusBar().currentMessage()
        assert (data / "demo.sqlite3").exists()
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
