"""Main window: menus and shortcuts, dashboard, worklist and meetings on the left, the open case on
the right; each opened meeting gets its own window. What its commands do lives in ``gui.window``,
a module per area of work; this module builds the window and wires it."""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tumorboard.casedoc.validate import prepare_validators
from tumorboard.domain.changes import Changes
from tumorboard.domain.users import Permission, User
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.gui.actions.actions_view import ActionsView
from tumorboard.gui.case.case_view import CaseView
from tumorboard.gui.home.dashboard import Dashboard
from tumorboard.gui.home.home_reader import HomeReader
from tumorboard.gui.meetings.meetings_tab import MeetingsTab
from tumorboard.gui.notice import ChangeNotice
from tumorboard.gui.widgets.actions import make_action
from tumorboard.gui.widgets.lazy_page import LazyPage
from tumorboard.gui.widgets.screen_fit import remember, restore_or_fit
from tumorboard.gui.window.case_commands import CaseCommands
from tumorboard.gui.window.database_health import DatabaseHealth
from tumorboard.gui.window.file_commands import FileCommands
from tumorboard.gui.window.meeting_commands import MeetingCommands
from tumorboard.gui.window.worklist_commands import WorklistCommands
from tumorboard.recommend.ruleset import default_ruleset
from tumorboard.services.accounts import AccountService
from tumorboard.services.actions import ActionService
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import MeetingService

if TYPE_CHECKING:  # the meeting windows and dialogs are imported when first opened (gui/window)
    from tumorboard.gui.audit.audit_tab import AuditTab
    from tumorboard.gui.case.referral_form import ReferralDialog
    from tumorboard.gui.meetings.boards_dialog import BoardsDialog
    from tumorboard.gui.meetings.decision_dialogs import ImplementationDialog
    from tumorboard.gui.meetings.meeting_window import MeetingWindow

log = logging.getLogger(__name__)



class MainWindow(CaseCommands, MeetingCommands, FileCommands, WorklistCommands, DatabaseHealth, QMainWindow):
    import_finished = Signal(int, int)
    """Emitted after a background import with (stored, refused)."""
    export_finished = Signal(int, int)
    """Emitted after a background export with (written, left in place)."""
    worklist_limit = 500
    """Rows the worklist lists at most (about 50 ms at 100,000 cases, bench/RESULTS.md)."""

    def __init__(self, service: CaseService, database_location: str, today: date | None = None,
                 meetings: MeetingService | None = None, notice: ChangeNotice | None = None,
                 boards: BoardService | None = None) -> None:
        super().__init__()
        self.service = service
        self.meetings = meetings
        if boards is None and meetings is not None:
            boards = BoardService(meetings.db, user=meetings.user)
        self.boards = boards
        self.action_service = ActionService(service.db, service.actor, today=lambda: self.today,
                                            user=service.user) if meetings is not None else None
        # One notice for the whole app: every service announces its changes there.
        self.notice = notice or ChangeNotice(self)
        self.notice.wire(service, meetings, boards, self.action_service)
        self.meeting_windows: dict[int, MeetingWindow] = {}
        self.implementation_dialog: ImplementationDialog | None = None
        self.referral_dialog: ReferralDialog | None = None
        self.boards_dialog: BoardsDialog | None = None
        self.database_location = database_location
        self.integrity_checked = False  # the background integrity check has answered
        self.integrity_problem: str | None = None  # what it found
        self._integrity_runner: QThread | None = None
        self.today = today or date.today()
        self.title_suffix = ""  # "DEMO - synthetic data" on the demo: in every title, case open or not
        self.setWindowTitle("tumorboard")
        self.settings = QSettings()

        self.dashboard = Dashboard()
        self.home_reader = HomeReader(
            service, self.dashboard, lambda message: self.error("The dashboard could not be loaded", message),
            self)
        worklist_page = self._make_worklist()

        self.tabs = QTabWidget()
        self.tabs.addTab(self.dashboard, "Home")
        self.tabs.addTab(worklist_page, "Worklist")
        self.meetings_tab = MeetingsTab(meetings, self.today)
        self.tabs.addTab(self.meetings_tab, "Meetings")
        self.actions_view = ActionsView(self.action_service)
        self.tabs.addTab(self.actions_view, "Actions")
        self.audit_page = LazyPage(self._make_audit_tab)  # built when first opened (its charts too)
        self.tabs.addTab(self.audit_page, "Audit")
        self.case_view = CaseView(self.today)
        self.case_view.hide()  # with no case open, Home has the whole width
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.case_view)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self._make_damage_banner()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.damage_banner)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(f"Database: {database_location}")
        self.user: User | None = None
        self.accounts: AccountService | None = None
        self.user_label = QLabel("")
        self.user_label.setAccessibleName("Signed in as")
        self.statusBar().addPermanentWidget(self.user_label)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.refresh_worklist)
        self.filter_text.textChanged.connect(self._on_filter_changed)
        for combo in (self.filter_status, self.filter_subtype, self.filter_window):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.table.activated.connect(self._on_table_activated)
        self.dashboard.case_requested.connect(self.open_case)
        self.actions_view.case_requested.connect(self.open_case)
        self.dashboard.implementation_requested.connect(self._on_dashboard_implementation_requested)
        self.meetings_tab.open_requested.connect(self._on_meetings_tab_open_requested)
        self.meetings_tab.room_requested.connect(self._on_meetings_tab_room_requested)
        self.meetings_tab.created.connect(self._on_meetings_tab_open_requested)
        self._pending = Changes()
        self._refresh_soon = QTimer(self)
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(0)
        self._refresh_soon.timeout.connect(self._on_refresh_soon_timeout)
        self.notice.changed.connect(self._on_notice_changed)
        self._make_actions()
        self._restore_state()
        self.refresh_worklist()
        self.refresh_dashboard()
        # One-off builds (case validators, the ruleset) run now, not when the first case is opened.
        QTimer.singleShot(0, prepare_validators)
        QTimer.singleShot(0, default_ruleset)
        self.meetings_tab.refresh()
        self.actions_view.refresh()

    def _make_audit_tab(self) -> AuditTab:
        from tumorboard.gui.audit.audit_tab import AuditTab
        from tumorboard.services.quality_audit import QualityAuditService

        meetings = self.meetings
        tab = AuditTab(QualityAuditService(meetings.db, user=meetings.user) if meetings else None,
                       self.boards, self.today, self.notice)
        tab.case_requested.connect(self.open_case)
        return tab

    @property
    def audit_tab(self) -> AuditTab:
        """The Audit tab's screen (built now if it was not yet)."""
        from tumorboard.gui.audit.audit_tab import AuditTab

        tab = self.audit_page.content()
        assert isinstance(tab, AuditTab)
        return tab

    # -- actions ------------------------------------------------------------------------------
    def _make_actions(self) -> None:
        action = partial(make_action, self)

        self.act_new = action("&New referral...", QKeySequence.StandardKey.New, self.new_referral,
                              "Register a new referral: a blank case, typed in a form")
        self.act_import = action("&Import case documents...", "Ctrl+I", self._on_new_case,
                                 "Create or update cases from case document files (JSON)")
        self.act_close_case = action("&Close case", QKeySequence.StandardKey.Close, self.close_case,
                                     "Close the open case and show Home")
        self.act_find = action("&Find", QKeySequence.StandardKey.Find, self._on_find, "Find a case")
        self.act_save = action("&Save", QKeySequence.StandardKey.Save, self.save_case,
                               "Save the open case")
        self.act_next = action("&Next case", "Ctrl+PgDown", lambda: self._step(1), "Open the next case")
        self.act_prev = action("&Previous case", "Ctrl+PgUp", lambda: self._step(-1),
                               "Open the previous case")
        self.act_refresh = action("&Refresh", QKeySequence.StandardKey.Refresh, self._on_refresh,
                                  "Reload the worklist and dashboard")
        self.act_export = action("&Export listed cases...", "Ctrl+Shift+X", self._on_export,
                                 "Write the cases listed in the worklist as case documents, one file each")
        self.act_quit = action("&Quit", QKeySequence.StandardKey.Quit, self.close, "Quit tumorboard")
        self.act_about = action("&About tumorboard", "F1", self._on_about, "Version and disclaimer")
        file_menu = self.menuBar().addMenu("&File")
        for a in (self.act_new, self.act_import, self.act_save, self.act_close_case, self.act_export,
                  self.act_refresh):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.act_find)
        go_menu = self.menuBar().addMenu("&Go")
        go_menu.addAction(self.act_next)
        go_menu.addAction(self.act_prev)
        self.status_menu = self.menuBar().addMenu("&Case")
        for s in WorkflowStatus:
            a = QAction(f"Move to: {s.label}", self)
            a.triggered.connect(lambda _checked=False, st=s: self.change_status(st))
            self.status_menu.addAction(a)
        self._make_meeting_actions(action)
        self.act_accounts = action("User &accounts...", "Ctrl+Shift+U", self._on_accounts,
                                   "Add and list user accounts (administrators)")
        self.act_accounts.setEnabled(False)
        file_menu.insertAction(self.act_quit, self.act_accounts)
        self.act_department = action("&Letterhead and e-mail...", "", self._on_department,
                                     "The department's letterhead and SMTP server (administrators)")
        self.act_department.setEnabled(False)
        file_menu.insertAction(self.act_quit, self.act_department)
        from tumorboard.gui.worklist_csv import add_csv_export

        self.act_export_csv = add_csv_export(self, file_menu, self.act_refresh)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.act_about)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        for a in (self.act_new, self.act_save, self.act_find, self.act_prev, self.act_next, self.act_refresh):
            toolbar.addAction(a)

    # -- meetings -----------------------------------------------------------------------------
    def _on_notice_changed(self, changes: Changes) -> None:
        """Something changed, here or in another window: the views that show it refresh, once
        the current event is done (several notices in a row refresh once)."""
        self._pending = self._pending | changes
        self._refresh_soon.start()

    def _on_refresh_soon_timeout(self) -> None:
        changes, self._pending = self._pending, Changes()
        if changes.meetings or changes.boards:
            self.meetings_tab.refresh()
        if changes.cases or changes.meetings or changes.settings:
            self.refresh_worklist()
            self.refresh_dashboard()
            self.actions_view.refresh()
        record = self.case_view.record
        if record is not None and changes.concerns_case(record.case.patient.mrn):
            self._reload_open_case(record.case.patient.mrn, record.version)
            self._show_mdt_record(record.case.patient.mrn)

    def set_signed_in(self, user: User, accounts: AccountService) -> None:
        """Say who is signed in (and that the demo is a demo), and offer what the role allows."""
        self.user = user
        self.accounts = accounts
        label = f"{user.display_name} ({user.role.value})"
        if user.demo:
            label = f"DEMO - synthetic data - signed in as the demo chair, {user.display_name}"
        self.user_label.setText(label)
        self.user_label.setStyleSheet("color: #b71c1c; font-weight: bold;" if user.demo else "")
        self.act_accounts.setEnabled(user.can(Permission.MANAGE_USERS))
        self.act_department.setEnabled(user.can(Permission.CHANGE_SETTINGS))
        self.title_suffix = "DEMO - synthetic data" if user.demo else ""
        record = self.case_view.record
        self._set_title(record.case.patient.name or record.case.patient.mrn if record else None)
        for window in self.meeting_windows.values():
            window.set_title_suffix(self.title_suffix)

    def _set_title(self, case: str | None) -> None:
        """tumorboard, the open case, and on the demo "DEMO" whatever is open."""
        self.setWindowTitle(" - ".join(p for p in ("tumorboard", case, self.title_suffix) if p))

    def _on_accounts(self) -> None:
        if self.accounts is None or self.user is None:
            return
        from tumorboard.gui.accounts.accounts_dialog import AccountsDialog

        AccountsDialog(self.accounts, self.user, self).exec()

    def _on_department(self) -> None:
        from tumorboard.gui.accounts.department_dialog import DepartmentDialog
        from tumorboard.services.circulation_settings import CirculationSettingsService

        settings = CirculationSettingsService(self.service.db, self.service.actor, user=self.user)
        self.department_dialog = DepartmentDialog(settings, self)
        self.department_dialog.open()

    def _on_about(self) -> None:
        try:
            from tumorboard.gui.about import AboutDialog
        except ImportError:
            QMessageBox.about(self, "About tumorboard", "tumorboard")
            return
        AboutDialog(self.database_location, self).exec()

    # -- worklist -----------------------------------------------------------------------------
    # -- the open case ------------------------------------------------------------------------
    def _ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    # -- window state -------------------------------------------------------------------------
    def _restore_state(self) -> None:
        restore_or_fit(self, self.settings, "main/geometry", QSize(1400, 860))
        for key, target in (("main/splitter", self.splitter), ("case/splitter", self.case_view.splitter)):
            state = self.settings.value(key)
            if isinstance(state, QByteArray):
                target.restoreState(state)
        header = self.settings.value("worklist/header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_discard():
            event.ignore()
            return
        for window in list(self.meeting_windows.values()):
            if window.isVisible() and not window.close():
                event.ignore()  # a meeting window kept its unsaved decisions
                return
        remember(self, self.settings, "main/geometry")
        self.settings.setValue("main/splitter", self.splitter.saveState())
        self.settings.setValue("case/splitter", self.case_view.splitter.saveState())
        self.settings.setValue("worklist/header", self.table.horizontalHeader().saveState())
        if self._integrity_runner is not None:
            self._integrity_runner.wait()  # a read-only check: finishing it costs a moment, never data
        self.home_reader.wait()
        event.accept()
