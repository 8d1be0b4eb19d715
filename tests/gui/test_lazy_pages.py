"""The Audit tab is built the first time it is opened, not with the window, and then works as
if it had always been there."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from pytestqt.qtbot import QtBot

from tumorboard.gui.audit.audit_tab import AuditTab
from tumorboard.gui.main_window import MainWindow
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

TODAY = date(2026, 11, 28)


def test_the_audit_tab_is_built_when_first_opened_and_shows_its_figures(
        qtbot: QtBot, service: CaseService, demo_db: Database) -> None:
    window = MainWindow(service, "test database", today=TODAY,
                        meetings=MeetingService(demo_db, today=lambda: TODAY, user=service.user))
    qtbot.addWidget(window)
    window.show()
    assert not window.audit_page.built  # not opened yet: nothing built
    window.tabs.setCurrentWidget(window.audit_page)
    assert window.audit_page.built
    tab = window.audit_tab
    assert isinstance(tab, AuditTab) and tab.isVisible()
    qtbot.waitUntil(lambda: tab.result is not None)  # its period's figures, as when it was built at start
    assert window.audit_tab is tab  # built once
    tab.case_requested.emit("DEMO-0001")  # its case lists open cases in the main window, as before
    record = window.case_view.record
    assert record is not None and record.case.patient.mrn == "DEMO-0001"


def test_the_main_window_does_not_import_the_audit_screen_or_its_charts() -> None:
    code = ("import sys\nimport tumorboard.gui.main_window\n"
            "print(sorted(m for m in sys.modules if 'QtCharts' in m or m.startswith('tumorboard.gui.audit')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
