"""Starting the desktop app: the Qt application, the database, the main window."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING

from tumorboard.domain.users import User
from tumorboard.services.accounts import AccountService
from tumorboard.store import Database
from tumorboard.store.location import sqlite_path
from tumorboard.store.schema import sqlite_integrity_problem

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from tumorboard.gui.main_window import MainWindow


def application() -> QApplication:
    from PySide6.QtWidgets import QApplication

    from tumorboard import __version__

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setOrganizationName("tumorboard")
    app.setApplicationName("tumorboard")
    app.setDesktopFileName("tumorboard")  # Wayland matches the window to tumorboard.desktop
    app.setApplicationVersion(__version__)
    try:
        from tumorboard.gui.icons import app_icon

        app.setWindowIcon(app_icon())
    except ImportError:
        pass
    return app


def start_app(*, demo: bool = False, database: str | None = None) -> tuple[MainWindow, Database] | None:
    """Open the database and show the main window; None (after telling the user) if refused."""
    from PySide6.QtWidgets import QMessageBox

    from tumorboard.gui.main_window import MainWindow
    from tumorboard.services.cases import CaseService
    from tumorboard.services.meetings import MeetingService
    from tumorboard.store import StoreError

    try:
        if demo:
            from tumorboard.services.demo import ensure_demo_database

            database = ensure_demo_database()
        # The read of every page runs once the window is up (below): not on the way to it.
        db = Database.open(database, check_integrity=False)
    except StoreError as exc:
        print(f"error: database: {exc}", file=sys.stderr)  # seen at once when started from a shell
        QMessageBox.critical(None, "tumorboard cannot open the database", str(exc))
        return None
    user = sign_in(db, demo)
    if user is None:
        db.close()
        return None
    location = db.location + (" (demo)" if demo else "")
    from tumorboard.gui.notice import ChangeNotice
    from tumorboard.services.boards import BoardService

    notice = ChangeNotice()  # the one notice: every service announces there, every view listens
    window = MainWindow(CaseService(db, user=user, notify=notice.publish), location,
                        meetings=MeetingService(db, user=user, notify=notice.publish), notice=notice,
                        boards=BoardService(db, user=user, notify=notice.publish))
    notice.setParent(window)
    window.set_signed_in(user, AccountService(db))
    window.show()
    path = sqlite_path(db.url)
    if path is not None:
        window.check_database_in_background(lambda: sqlite_integrity_problem(path))
    return window, db


def sign_in(db: Database, demo: bool) -> User | None:
    """The demo signs in its synthetic chair; otherwise the first administrator is created on a
    new database, then everyone signs in. None if the user cancelled."""
    from tumorboard.gui.login import FirstAdminDialog, LoginDialog
    from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME

    accounts = AccountService(db)
    if demo:
        return accounts.authenticate(DEMO_USERNAME, DEMO_PASSWORD)
    if not accounts.has_accounts():
        first = FirstAdminDialog(accounts)
        if not first.exec():
            return None
    login = LoginDialog(accounts)
    return login.user if login.exec() else None


def install_error_dialog() -> None:
    """An unexpected error in a screen shows a dialog instead of a traceback on a terminal that
    nobody watches; the app keeps running, and nothing unsaved is thrown away."""
    import traceback

    from PySide6.QtWidgets import QMessageBox

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong",
                          f"tumorboard hit an internal error ({kind.__name__}: {value}). The action "
                          "did not complete; your open case and its unsaved edits are still there.")
        box.setDetailedText(details)
        box.exec()

    sys.excepthook = hook


def run_app(*, demo: bool = False, database: str | None = None) -> int:
    app = application()
    install_error_dialog()
    started = start_app(demo=demo, database=database)
    if started is None:
        return 2
    _window, db = started
    try:
        return int(app.exec())
    finally:
        db.close()
