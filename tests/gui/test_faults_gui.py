"""A disk fault under the case editor's save (issue 14, item 5): the save is refused with a dialog
that says what happened and what to do, the typed edits stay in the editor, nothing is stored, and
the same save goes through once the disk is back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tumorboard.gui.main_window import MainWindow
from tumorboard.services.cases import CaseService
from tumorboard.store import Database

HOOKS = ("do_execute", "do_executemany", "do_execute_no_params", "do_commit")


def fail_from_now(db: Database, message: str) -> Callable[[], None]:
    """Every statement the database's engine sends fails with ``message`` (SQLite's words) until
    the returned function is called."""
    dialect = db.engine.dialect
    originals = {name: getattr(dialect, name) for name in HOOKS}

    def failing(*_args: Any, **_kwargs: Any) -> Any:
        raise sqlite3.OperationalError(message)

    for name in HOOKS:
        setattr(dialect, name, failing)

    def heal() -> None:
        for name, original in originals.items():
            setattr(dialect, name, original)
    return heal


@pytest.fixture
def window(qtbot: QtBot, service: CaseService) -> MainWindow:
    w = MainWindow(service, "test database", today=service.today())
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.mark.parametrize(("message", "said"), [
    ("database or disk is full", "the disk is full, so this change was not saved"),
    ("disk I/O error", "the disk reported an error while saving, so this change was not saved"),
    ("attempt to write a readonly database", "is read-only (the file, its folder or the disk), so this "
                                             "change was not saved"),
])
def test_a_save_on_a_failing_disk_is_refused_in_a_dialog_and_the_edits_are_kept(
        qtbot: QtBot, window: MainWindow, service: CaseService, demo_db: Database,
        no_modal_dialogs: list[str], message: str, said: str) -> None:
    window.open_case("DEMO-0009")
    before = service.get("DEMO-0009")
    er = window.case_view.editor.widget_for("/tumour/er_percent")
    assert isinstance(er, QLineEdit)
    er.clear()
    qtbot.keyClicks(er, "45")
    heal = fail_from_now(demo_db, message)
    try:
        assert window.save_case() is False
    finally:
        heal()
    shown = " ".join(no_modal_dialogs)
    assert "The case was not saved" in shown and said in shown
    assert "Traceback" not in shown and "OperationalError" not in shown
    assert er.text() == "45" and window.case_view.editor.dirty  # the typed edit is still there
    after = service.get("DEMO-0009")
    assert after.version == before.version and after.case == before.case  # nothing stored
    assert window.save_case() is True  # the disk is back: the same edit saves
    assert service.get("DEMO-0009").case.tumour.er_percent == 45.0
