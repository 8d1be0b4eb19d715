"""File > Export listed cases as CSV: the worklist as filtered, parsed back and compared with the
database; recorded in the audit trail; refused for a role that may not export."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from tumorboard.domain.users import User
from tumorboard.gui.main_window import MainWindow
from tumorboard.gui.worklist_csv import export_worklist_csv
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.interop import WORKLIST_COLUMNS
from tumorboard.store import Database

TODAY = date(2026, 11, 28)  # the demo fixture's day


def _window(qtbot: QtBot, service: CaseService) -> MainWindow:
    w = MainWindow(service, "test database", today=TODAY)
    qtbot.addWidget(w)
    w.show()
    return w


def test_the_listed_cases_as_csv_match_the_database(qtbot: QtBot, service: CaseService, demo_db: Database,
                                                    tmp_path: Path) -> None:
    window = _window(qtbot, service)
    menu_words = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Export listed cases as &CSV..." in menu_words
    window.filter_window.setCurrentIndex(window.filter_window.findText("Overdue"))
    qtbot.waitUntil(lambda: 0 < window.model.rowCount() < 30)
    listed = window.model.rowCount()
    target = tmp_path / "worklist.csv"
    assert export_worklist_csv(window, target) == listed
    text = target.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    expected = CaseService(demo_db, today=lambda: TODAY).worklist(WorklistQuery(window_statuses=("overdue",)))
    assert list(rows[0]) == list(WORKLIST_COLUMNS)
    assert [r["mrn"] for r in rows] == [e.mrn for e in expected]
    for row, item in zip(rows, expected, strict=True):
        assert row["window_status"] == "overdue" and row["name"] == item.name
        assert row["status"] == item.status.value and row["next_action"] == item.next_action
    with demo_db.reading() as uow:
        assert [e.new_value for e in uow.audit_log.history("worklist", "0")] == [
            f"{listed} row(s) as CSV to a file"]


def test_a_viewer_may_not_take_patients_out_as_csv(qtbot: QtBot, demo_db: Database, demo_chair: User,
                                                    tmp_path: Path, no_modal_dialogs: list[str]) -> None:
    from tumorboard.domain.users import Role
    from tumorboard.services.accounts import AccountService

    admin = next(u for u in AccountService(demo_db).users() if u.role is Role.ADMIN)
    accounts = AccountService(demo_db)
    accounts.create_user(admin, "view", "A Viewer", None, Role.VIEWER, "viewer password 1")
    viewer = accounts.authenticate("view", "viewer password 1")
    window = _window(qtbot, CaseService(demo_db, today=lambda: TODAY, user=viewer))
    qtbot.waitUntil(lambda: window.model.rowCount() > 0)
    target = tmp_path / "no.csv"
    assert export_worklist_csv(window, target) == 0
    assert not target.exists()
    assert any("may not export patient data" in m for m in no_modal_dialogs)
