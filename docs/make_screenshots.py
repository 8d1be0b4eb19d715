"""Refresh the README screenshots from the demo data (offscreen; no screen needed).

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

OUT = Path(__file__).resolve().parent / "screenshots"
TODAY = date(2026, 11, 28)  # fixed, so the pictures only change when the app does


def main() -> None:
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from tumorboard.gui.main_window import MainWindow
    from tumorboard.services.cases import CaseService
    from tumorboard.services.demo import populate_demo
    from tumorboard.store import Database

    app = QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        QCoreApplication.setOrganizationName("tumorboard-screenshots")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        db = Database.open(str(Path(tmp) / "demo.sqlite3"))
        populate_demo(db, TODAY)
        window = MainWindow(CaseService(db, actor="demo", today=lambda: TODAY), "demo database", TODAY)
        window.resize(1600, 950)
        window.show()
        app.processEvents()
        OUT.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(OUT / "home.png"))
        window.tabs.setCurrentIndex(1)
        app.processEvents()
        window.grab().save(str(OUT / "worklist.png"))
        overdue = window.dashboard.models["overdue"].index(0, 0).data(256)  # Qt.UserRole
        window.open_case(overdue or "DEMO-0025")
        app.processEvents()
        window.grab().save(str(OUT / "case-overdue.png"))
        window.open_case("DEMO-0010")
        app.processEvents()
        window.grab().save(str(OUT / "case-recommendation.png"))
        window.case_view.editor.setFocus()
        db.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
