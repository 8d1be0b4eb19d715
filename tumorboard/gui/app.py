"""Starting the desktop app: the Qt application, the database, the main window."""

from __future__ import annotations

import sys


def run_app(*, demo: bool = False, database: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from tumorboard import __version__
    from tumorboard.gui.main_window import MainWindow
    from tumorboard.services.cases import CaseService
    from tumorboard.store import Database, StoreError

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setOrganizationName("tumorboard")
    app.setApplicationName("tumorboard")
    app.setApplicationVersion(__version__)
    try:
        from tumorboard.gui.icons import app_icon

        app.setWindowIcon(app_icon())
    except ImportError:
        pass
    try:
        if demo:
            from tumorboard.services.demo import ensure_demo_database

            database = ensure_demo_database()
        db = Database.open(database)
    except StoreError as exc:
        QMessageBox.critical(None, "tumorboard cannot open the database", str(exc))
        print(f"error: database: {exc}", file=sys.stderr)
        return 2
    actor = "demo user" if demo else "local user"
    window = MainWindow(CaseService(db, actor=actor), db.location + (" (demo)" if demo else ""))
    window.show()
    try:
        return int(app.exec())
    finally:
        db.close()
