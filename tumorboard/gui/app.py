"""Starting the desktop app: the Qt application, the database, the main window."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from tumorboard.domain.users import User
from tumorboard.services.accounts import AccountService
from tumorboard.store import Database
from tumorboard.store.location import resolve_database_url, sqlite_path

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from tumorboard.gui.accounts.passphrase import Ask
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
        from tumorboard.gui.widgets.icons import app_icon

        app.setWindowIcon(app_icon())
    except ImportError:
        pass
    return app


def confirm_new_database(path: Path) -> bool:
    """Ask before a new database is created: a missing file may be a database that was moved,
    renamed or lost, and a new empty one in its place would hide that."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        None, "No database there",
        f"No database at {path}: create a new one?\n\nIf you expected your board's database "
        "here, choose No and check the path (--database, TUMORBOARD_DATABASE_URL) or restore it "
        "from a backup (tumorboard db restore BACKUP).",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return bool(answer == QMessageBox.StandardButton.Yes)


CANCELLED = "cancelled"
"""What ``open_app`` returns when the user cancelled the sign-in (not a failure: exit code 0)."""


def start_app(*, demo: bool = False, database: str | None = None) -> tuple[MainWindow, Database] | None:
    """Open the database and show the main window; None (after telling the user) if refused or
    the sign-in was cancelled."""
    started = open_app(demo=demo, database=database)
    return None if isinstance(started, str) else started


def open_app(*, demo: bool = False, database: str | None = None,
             ask: Ask | None = None) -> tuple[MainWindow, Database] | str | None:
    """``start_app``, telling a cancelled sign-in or passphrase (``CANCELLED``) from a refusal
    (None). ``ask`` asks for an encrypted database's passphrase (a dialog unless given)."""
    from PySide6.QtWidgets import QMessageBox

    from tumorboard.gui.main_window import MainWindow
    from tumorboard.services.cases import CaseService
    from tumorboard.services.meetings import MeetingService
    from tumorboard.store import StoreError

    path: Path | None = None
    try:
        if demo:
            from tumorboard.services.demo import ensure_demo_database

            database = ensure_demo_database(reuse=True)  # built again on a new day only
        else:
            path = sqlite_path(resolve_database_url(database))
            if path is not None and not path.exists() and not confirm_new_database(path):
                return None
        # The read of every page runs once the window is up (below): not on the way to it.
        from tumorboard.gui.accounts.passphrase import ask_in_dialog

        opened = open_database(database, path, ask or ask_in_dialog())
        if opened is None:
            print("tumorboard: passphrase not given; nothing was opened", file=sys.stderr)
            return CANCELLED
        db = opened
    except StoreError as exc:
        print(f"error: database: {exc}", file=sys.stderr)  # seen at once when started from a shell
        QMessageBox.critical(None, "tumorboard cannot open the database", str(exc))
        return None
    user = sign_in(db, demo)
    if user is None:
        db.close()
        print("tumorboard: sign-in cancelled; nothing was opened or changed", file=sys.stderr)
        return CANCELLED
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
    check_database(window, db)
    return window, db


def open_database(database: str | None, path: Path | None, ask: Ask) -> Database | None:
    """The database, asking for its passphrase when it is encrypted and none is at hand, and
    again after a refusal (up to TRIES times); None when the user cancelled."""
    from tumorboard.gui.accounts.passphrase import TRIES, needs_passphrase, prompt_for
    from tumorboard.store import StoreError
    from tumorboard.store.encryption import WrongKey, provide_key

    refusal: str | None = None
    for _ in range(TRIES):
        if path is not None and (refusal is not None or needs_passphrase(path)):
            typed = ask(prompt_for(path, refusal))
            if typed is None:
                return None
            provide_key(path, typed)
        try:
            return Database.open(database, check_integrity=False)
        except WrongKey:
            if path is None:
                raise
            refusal = ("Not opened: the passphrase is wrong, or the file is not an encrypted\n"
                       "tumorboard database. Nothing was changed.")
    raise StoreError(f"{path}: the passphrase was refused {TRIES} times; nothing was opened or changed")


def check_database(window: MainWindow, db: Database) -> None:
    """The cheap check on every open (the audit chain's head, the guards present: milliseconds),
    then, once a day per database and off the UI thread, the full check (every page and index,
    the whole audit chain and signed meetings, every clinical row's checksum), for a large
    database in a process of its own (services/full_check_process.py); the day's backup runs in
    another (store/daily_chores.py)."""
    from tumorboard.services.full_check_process import daily_full_check
    from tumorboard.services.integrity import quick_check, start_daily_chores
    from tumorboard.store import StoreError

    try:
        findings = [str(f) for f in quick_check(db)]
    except StoreError as exc:
        findings = [str(exc)]
    if findings:
        window.report_damage("; ".join(findings), db.refuse_writes)

    # The day's backup, in a process of its own (it copies the whole file): off the way.
    start_daily_chores(db)

    # A large database in a process of its own, which this thread waits for: the screens keep
    # the interpreter while every row is read.
    window.check_database_in_background(lambda: daily_full_check(db), db.refuse_writes)


def sign_in(db: Database, demo: bool) -> User | None:
    """The demo signs in its synthetic chair; otherwise the first administrator is created on a
    new database, then everyone signs in. None if the user cancelled."""
    from tumorboard.gui.accounts.login import FirstAdminDialog, LoginDialog
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
    from tumorboard.collection_pause import collection_after_batch

    # The way to the window is imports and widgets that live as long as it does: the cycle
    # collector's passes over them (about 250, a sixteenth of a --demo start) free nothing. (A
    # sign-in or passphrase dialog waiting for the user on the way allocates next to nothing.)
    with collection_after_batch():
        app = application()
        install_error_dialog()
        started = open_app(demo=demo, database=database)
    if started == CANCELLED:
        return 0  # the user chose not to sign in: not an error
    if started is None or isinstance(started, str):
        return 2
    _window, db = started
    try:
        return int(app.exec())
    finally:
        db.close()
