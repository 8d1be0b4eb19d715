"""Main window: menus and shortcuts, dashboard, worklist and meetings on the left, the open case on
the right; each opened meeting gets its own window."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tumorboard.casedoc import case_from_document
from tumorboard.casedoc.validate import prepare_validators
from tumorboard.domain.changes import Changes
from tumorboard.domain.referral import ReferralError
from tumorboard.domain.users import Permission, User
from tumorboard.domain.vocab import SUBTYPE_FILTERS
from tumorboard.domain.workflow import WorkflowError, WorkflowStatus
from tumorboard.gui.actions.actions_view import ActionsView
from tumorboard.gui.case.case_view import CaseView
from tumorboard.gui.case.referral_form import ReferralDialog
from tumorboard.gui.home.dashboard import Dashboard
from tumorboard.gui.home.home_reader import HomeReader
from tumorboard.gui.home.worklist_model import WorklistModel
from tumorboard.gui.meetings.boards_dialog import BoardsDialog
from tumorboard.gui.meetings.decision_dialogs import ImplementationDialog
from tumorboard.gui.meetings.meeting_window import MeetingWindow
from tumorboard.gui.meetings.meetings_tab import MeetingsTab
from tumorboard.gui.notice import ChangeNotice
from tumorboard.gui.widgets.actions import make_action
from tumorboard.gui.widgets.background import run_quietly, run_with_progress
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.gui.widgets.lazy_page import LazyPage
from tumorboard.gui.widgets.screen_fit import remember, restore_or_fit
from tumorboard.private_files import write_private
from tumorboard.recommend.ruleset import default_ruleset
from tumorboard.services.accounts import AccountService
from tumorboard.services.actions import ActionService
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService, ImportOutcome, WorklistQuery
from tumorboard.services.meetings import MeetingService
from tumorboard.services.patient_record import mdt_record
from tumorboard.store import ConcurrentEdit, RecordNotFound, StoreError

if TYPE_CHECKING:
    from tumorboard.gui.audit.audit_tab import AuditTab

WINDOW_FILTERS = [("Any response window", ()), ("Window open", ("open",)), ("Overdue", ("overdue",)),
                  ("Open or overdue", ("open", "overdue")), ("Assessed", ("assessed",)),
                  ("Not yet open", ("before_window",))]


ACTIONS_DUE_DAYS = 14
"""Home lists the actions due within two weeks (two weekly meetings), overdue ones included."""

log = logging.getLogger(__name__)

class MainWindow(QMainWindow):
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
        self.model = WorklistModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        # Rows arrive in the service's order (next due date first); no column is sorted until the
        # user clicks a header, so the header must not claim one is.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Worklist")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(100)  # widths from 100 rows, not 500
        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText("Find by record number or name (Ctrl+F)")
        self.filter_text.setAccessibleName("Find case")
        self.filter_text.setClearButtonEnabled(True)
        self.filter_status = QComboBox()
        self.filter_status.setAccessibleName("Status filter")
        self.filter_status.addItem("Any status", None)
        for s in WorkflowStatus:
            self.filter_status.addItem(s.label, s.value)
        self.filter_subtype = QComboBox()
        self.filter_subtype.setAccessibleName("Subtype filter")
        self.filter_subtype.addItem("Any subtype", None)
        for sub in SUBTYPE_FILTERS:
            self.filter_subtype.addItem(sub, sub)
        self.filter_window = QComboBox()
        self.filter_window.setAccessibleName("Response window filter")
        for label, values in WINDOW_FILTERS:
            self.filter_window.addItem(label, values)

        worklist_page = QWidget()
        wl = QVBoxLayout(worklist_page)
        wl.addWidget(self.filter_text)  # a row of its own: readable beside an open case at 1366 px
        filters = QHBoxLayout()
        filters.addWidget(self.filter_status, 1)
        filters.addWidget(self.filter_subtype, 1)
        filters.addWidget(self.filter_window, 1)
        wl.addLayout(filters)
        wl.addWidget(self.table, 1)

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
        # Said at once, and stays said, when a check finds the database damaged.
        self.damage_banner = QLabel("")
        self.damage_banner.setObjectName("damageBanner")
        self.damage_banner.setAccessibleName("Database damaged")
        self.damage_banner.setWordWrap(True)
        self.damage_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.damage_banner.setStyleSheet("QLabel#damageBanner { background: #b71c1c; color: white; "
                                         "font-weight: bold; padding: 8px; }")
        self.damage_banner.hide()
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

    def _make_meeting_actions(self, action: Callable[..., QAction]) -> None:
        self.act_new_meeting = action("&New meeting...", "Ctrl+Shift+N", self._on_new_meeting,
                                      "Plan a tumour board meeting")
        self.act_open_room = action("Open meeting &room", "Ctrl+Shift+R", self._on_open_room,
                                    "The selected meeting, one case at a time, for the projector")
        self.act_preview_minutes = action("&Preview minutes...", "Ctrl+Shift+P", self._on_preview_minutes,
                                          "The selected meeting's minutes as PDF")
        self.act_close_meeting = action("&Close meeting...", "Ctrl+Shift+E", self._on_close_meeting,
                                        "End the selected meeting; undiscussed cases move to next week")
        self.act_sign_off = action("&Sign off...", "Ctrl+Shift+S", self._on_sign_off,
                                   "The chair signs the selected meeting's minutes")
        self.act_boards = action("&Boards...", "", self._on_boards,
                                 "The boards: create one, rename one, see their quorum and members")
        menu = self.menuBar().addMenu("&Meetings")
        for a in (self.act_boards, self.act_new_meeting, self.act_open_room, self.act_preview_minutes,
                  self.act_close_meeting, self.act_sign_off):
            a.setEnabled(self.meetings is not None)
            menu.addAction(a)

    # -- meetings -----------------------------------------------------------------------------
    def open_meeting(self, meeting_id: int, *, room: bool = False) -> MeetingWindow | None:
        """The meeting's own window (one per meeting), raised and up to date."""
        if self.meetings is None:
            return None
        window = self.meeting_windows.get(meeting_id)
        if window is None:
            window = MeetingWindow(self.meetings, self.service, meeting_id, self, self.notice)
            window.set_title_suffix(self.title_suffix)
            self.meeting_windows[meeting_id] = window
        else:
            window.reload()
        if room:
            window.show_room()
        if window.isVisible():  # already open, perhaps behind another window
            window.raise_()
            window.activateWindow()
        window.show()
        return window

    def _selected_meeting_window(self, room: bool = False) -> MeetingWindow | None:
        meeting_id = self.meetings_tab.selected_id()
        if meeting_id is None:
            self.tabs.setCurrentWidget(self.meetings_tab)
            self.statusBar().showMessage("Choose a meeting in the Meetings tab first", 5000)
            return None
        return self.open_meeting(meeting_id, room=room)

    def _on_new_meeting(self) -> None:
        self.tabs.setCurrentWidget(self.meetings_tab)
        self.meetings_tab.new_meeting()

    def _on_open_room(self) -> None:
        self._selected_meeting_window(room=True)

    def _on_preview_minutes(self) -> None:
        window = self._selected_meeting_window()
        if window is not None:
            window.preview_minutes()

    def _on_close_meeting(self) -> None:
        window = self._selected_meeting_window()
        if window is not None:
            window.ask_close_meeting()

    def _on_sign_off(self) -> None:
        window = self._selected_meeting_window()
        if window is not None:
            window.ask_sign_off()

    def _on_meetings_tab_open_requested(self, meeting_id: int) -> None:
        self.open_meeting(meeting_id)

    def _on_meetings_tab_room_requested(self, meeting_id: int) -> None:
        self.open_meeting(meeting_id, room=True)

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

    def _reload_open_case(self, mrn: str, seen: int) -> None:
        """The open case changed elsewhere (a decision moved it on): show the new version. Typed,
        unsaved edits are kept; their save then says what the other change was."""
        try:
            record = self.service.get(mrn)
        except (RecordNotFound, StoreError):
            return
        if record.version == seen:
            return
        if self.case_view.editor.dirty:
            self.statusBar().showMessage(f"{mrn} was changed elsewhere (version {record.version}) while you "
                                         "edit it; saving will show what changed", 10000)
            return
        self.case_view.show_case(record, self.service.history(mrn))

    def _on_boards(self) -> BoardsDialog | None:
        if self.boards is None:
            return None
        dialog = BoardsDialog(self.boards, self)
        self.boards_dialog = dialog
        dialog.open()
        return dialog

    def record_implementation(self, decision_id: int) -> ImplementationDialog | None:
        meetings = self.meetings
        record = self.dashboard.follow_ups.find(decision_id)
        if meetings is None or record is None:
            return None
        dialog = ImplementationDialog(record, self)

        def submit() -> None:
            outcome, reason, note = dialog.chosen()
            meetings.record_implementation(decision_id, outcome, reason, note)

        dialog.submit = submit
        dialog.accepted.connect(self.refresh_dashboard)
        self.implementation_dialog = dialog
        dialog.open()
        return dialog

    def _on_dashboard_implementation_requested(self, decision_id: int) -> None:
        self.record_implementation(decision_id)

    def check_database_in_background(self, check: Callable[[], str | None],
                                     on_damage: Callable[[str], None] | None = None) -> None:
        """Run the database's full check (it reads every page, index and clinical row) while the
        board works; a problem found is said at once, with what to do about it (``report_damage``)."""

        def done(problem: object) -> None:
            self.integrity_checked = True
            if problem is None:
                log.info("database check passed (or already passed today)")
                return
            self.report_damage(str(problem), on_damage)

        def forget() -> None:
            self._integrity_runner = None

        self._integrity_runner = run_quietly(self, check, done)
        self._integrity_runner.finished.connect(forget)

    def report_damage(self, problem: str, on_damage: Callable[[str], None] | None = None) -> None:
        """Damage found: a red banner that stays, a dialog now, and (``on_damage``) changes refused
        from here on, so that nothing more is written into a file that must be restored."""
        self.integrity_problem = problem
        log.error("database check failed: %s", problem)
        if on_damage is not None:
            on_damage(f"{self.database_location} is damaged ({problem}); restore the latest good backup")
        self.damage_banner.setText(
            f"The database is damaged: {problem}. Changes are refused from now on. Close tumorboard "
            "and restore the latest good backup (tumorboard db restore BACKUP).")
        self.damage_banner.show()
        QMessageBox.critical(
            self, "The database is damaged",
            f"The check of {self.database_location} found damage: {problem}.\n\n"
            "tumorboard refuses changes from now on; what is shown may be wrong. Stop entering data, "
            "close tumorboard and restore the latest good backup (tumorboard db restore BACKUP); "
            "the automatic backups are in the backups folder beside the database, and "
            "`tumorboard db check` checks a database in full.")

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

    def _on_find(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.filter_text.setFocus()
        self.filter_text.selectAll()

    def _on_refresh(self) -> None:
        self.refresh_worklist()
        self.refresh_dashboard()

    def _on_new_case(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        names, _ = QFileDialog.getOpenFileNames(self, "Import case documents", "", "Case documents (*.json)")
        if names:
            self.import_files(names)

    def import_files(self, names: list[str], *, update: bool = False, replace: bool = False) -> None:
        """Import in the background with progress; the UI stays responsive and can cancel. Files of
        cases already stored are updated only when the user says so, and an update that would
        remove something only after the user has seen what."""
        from pathlib import Path

        def work(progress: Callable[[int, int], bool]) -> list[ImportOutcome]:
            sources, unreadable = [], []
            for n in names:
                try:
                    sources.append((n, Path(n).read_bytes()))
                except OSError as exc:
                    unreadable.append(ImportOutcome(n, None, "refused",
                                                    (f"cannot read the file ({exc.strerror or exc})",)))
            return unreadable + self.service.import_documents(sources, update=update, replace=replace,
                                                              progress=progress)

        def done(outcomes: list[ImportOutcome]) -> None:
            refused = [o for o in outcomes if o.action == "refused"]
            stored = len(outcomes) - len(refused)
            self.statusBar().showMessage(f"Imported {stored} case(s), refused {len(refused)}", 8000)
            self._on_refresh()
            self.import_finished.emit(stored, len(refused))
            existing = [o for o in refused if o.refusal == "exists"]
            removing = [o for o in refused if o.refusal == "would_remove"]
            others = [o for o in refused if o not in existing and o not in removing]
            if others:
                self.error("Some files were not imported",
                           "\n".join(f"{Path(o.source).name}: {p}" for o in others[:50] for p in o.problems))
            if existing and self._ask(
                    "Cases already stored",
                    f"{len(existing)} file(s) hold cases already in the database ("
                    + ", ".join(str(o.mrn) for o in existing[:10]) + "). Update those cases with the "
                    "files' content? MDT discussions that meetings recorded are kept."):
                self.import_files([o.source for o in existing], update=True)
            if removing and self._ask(
                    "The update would remove data",
                    "Updating would remove what the files no longer hold:\n"
                    + "\n".join(f"{o.mrn}: {p}" for o in removing[:10] for p in o.problems[:10])
                    + "\n\nRemove it? (No keeps these cases as they are.)"):
                self.import_files([o.source for o in removing], update=True, replace=True)

        self._runner = run_with_progress(self, "Importing case documents", work, done,
                                         lambda message: self.error("The import stopped", message),
                                         (StoreError,))

    def _on_export(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, "Export the listed cases to a folder")
        if folder:
            self.export_listed(folder)

    def export_listed(self, folder: str) -> None:
        """Write every case listed in the worklist (the filter applies) to ``folder`` as MRN.json,
        in the background with progress; files already there are left alone and named."""
        from pathlib import Path

        target = Path(folder)
        mrns = [self.model.row_at(r).mrn for r in range(self.model.rowCount())]
        if not mrns:
            self.error("Nothing to export", "The worklist lists no case: change the filters first.")
            return

        def work(progress: Callable[[int, int], bool]) -> tuple[int, list[str]]:
            written, skipped = 0, []
            for i, mrn in enumerate(mrns):
                if not progress(i, len(mrns)):
                    break  # cancelled: the files written so far stay, each one whole
                path = target / f"{mrn}.json"
                if path.exists():  # checked first: only what is written is recorded as exported
                    skipped.append(path.name)
                    continue
                doc = self.service.export_document(mrn)  # checked and audited, one case at a time
                write_private(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
                written += 1
            return written, skipped

        def done(result: tuple[int, list[str]]) -> None:
            written, skipped = result
            self.statusBar().showMessage(f"Exported {written} case(s) to {target}", 8000)
            log.info("export: %d case document(s) written, %d left in place", written, len(skipped))
            if skipped:
                self.error("Some cases were not exported",
                           "These files exist already and were left as they are:\n" + "\n".join(skipped[:50]))
            self.export_finished.emit(written, len(skipped))

        self._runner = run_with_progress(self, "Exporting case documents", work, done,
                                         lambda message: self.error("The export stopped", message),
                                         (*USER_ERRORS, OSError))

    def _on_about(self) -> None:
        try:
            from tumorboard.gui.about import AboutDialog
        except ImportError:
            QMessageBox.about(self, "About tumorboard", "tumorboard")
            return
        AboutDialog(self.database_location, self).exec()

    # -- worklist -----------------------------------------------------------------------------
    def current_query(self) -> WorklistQuery:
        status = self.filter_status.currentData()
        subtype = self.filter_subtype.currentData()
        return WorklistQuery(text=self.filter_text.text(),
                             statuses=(WorkflowStatus(status),) if status else (),
                             subtypes=(subtype,) if subtype else (),
                             window_statuses=tuple(self.filter_window.currentData() or ()),
                             limit=self.worklist_limit)

    def _on_filter_changed(self) -> None:
        self._debounce.start()

    def refresh_worklist(self) -> None:
        query = self.current_query()
        try:
            rows = self.service.worklist(query)
        except StoreError as exc:
            self.error("The worklist could not be loaded", str(exc))
            return
        first = self.model.rowCount() == 0
        self.model.set_rows(rows)
        if first and rows and self.settings.value("worklist/header") is None:
            self.table.resizeColumnsToContents()  # every column title readable, until the user sets widths
        listed = f"{len(rows)} case(s) listed"
        if len(rows) >= query.limit:  # never let a bounded list pass for the whole department
            listed = (f"the first {query.limit} cases by next due date are listed; find (Ctrl+F) or "
                      "filter to reach the others")
        self.statusBar().showMessage(f"Database: {self.database_location} · {listed}")

    def refresh_dashboard(self) -> None:
        try:
            self.home_reader.refresh()  # the first page now, the rest off the UI thread
        except StoreError as exc:
            self.error("The dashboard could not be loaded", str(exc))
            return
        if self.action_service is not None:
            try:  # overdue, or due before the meeting after next
                soon = self.today + timedelta(days=ACTIONS_DUE_DAYS)
                self.dashboard.show_actions(self.action_service.actions(due_by=soon))
            except USER_ERRORS as exc:
                self.error("The actions due could not be loaded", str(exc))
        if self.meetings is not None:
            try:
                self.dashboard.show_follow_ups(self.meetings.follow_ups_due(self.today))
            except USER_ERRORS as exc:
                self.error("The implementation checks could not be loaded", str(exc))

    def _on_table_current_changed(self, current: object, _previous: object) -> None:
        from PySide6.QtCore import QModelIndex

        if isinstance(current, QModelIndex) and current.isValid():
            self.open_case(self.model.row_at(current.row()).mrn)

    def _on_table_activated(self, index: object) -> None:
        self._on_table_current_changed(index, None)

    def _step(self, delta: int) -> None:
        if self.model.rowCount() == 0:
            return
        current = self.table.currentIndex().row()
        row = min(max(current + delta, 0), self.model.rowCount() - 1) if current >= 0 else 0
        self.tabs.setCurrentIndex(1)
        self.table.selectRow(row)

    # -- the open case ------------------------------------------------------------------------
    def open_case(self, mrn: str) -> None:
        current = self.case_view.record
        if current is not None and current.case.patient.mrn == mrn:
            return
        if not self.confirm_discard():
            return
        try:
            record = self.service.get(mrn)
            history = self.service.history(mrn)
        except (RecordNotFound, StoreError) as exc:
            self.error("The case could not be opened", str(exc))
            return
        self.case_view.show_case(record, history)
        self._show_mdt_record(mrn)
        self.case_view.show()
        self._set_title(record.case.patient.name or mrn)

    def close_case(self) -> bool:
        """Close the open case (asking about unsaved edits) and give Home the whole window."""
        if self.case_view.record is None:
            return True
        if not self.confirm_discard():
            return False
        self.case_view.clear()
        self.case_view.hide()
        self.tabs.setCurrentWidget(self.dashboard)
        self._set_title(None)
        return True

    def new_referral(self) -> ReferralDialog | None:
        """The form for a new referral; saved as a new case in status "referred", then opened."""
        if not self.confirm_discard():
            return None
        dialog = ReferralDialog(self.service, self)
        dialog.created.connect(self._on_referral_created)
        self.referral_dialog = dialog
        dialog.open()
        return dialog

    def _on_referral_created(self, mrn: str) -> None:
        self.statusBar().showMessage(f"Referral {mrn} registered (status: referred)", 8000)
        self._on_refresh()
        self.open_case(mrn)

    def _show_mdt_record(self, mrn: str) -> None:
        try:
            self.case_view.show_mdt_record(mdt_record(self.service.db, mrn, lambda: self.today))
        except StoreError as exc:
            self.statusBar().showMessage(f"The MDT record of {mrn} could not be read: {exc}", 10000)

    def save_case(self) -> bool:
        view = self.case_view
        if view.record is None:
            return True
        editor = view.editor
        referral = view.referral.typed()
        if not editor.valid or editor.candidate is None or referral is None or not view.referral.valid:
            problems = {**editor.problems, **view.referral.problems}
            self.error("The case was not saved",
                       "Some fields need attention (marked in red):\n" +
                       "\n".join(f"{k}: {v}" for k, v in problems.items()))
            return False
        try:
            # The referral is not part of the case document; saved with it, in the same version.
            record = self.service.save(case_from_document(editor.candidate), view.record.version,
                                       referral=referral if view.referral.dirty else None)
        except ConcurrentEdit as exc:
            try:
                theirs = self.service.changes_since(view.record.case)
            except StoreError:
                theirs = []
            listed = "\n".join(f"  {field}: {'-' if before is None else before} -> "
                                f"{'-' if after is None else after}" for field, before, after in theirs[:20])
            answer = QMessageBox.question(
                self, "Changed by someone else",
                f"{exc}\n\nWhat they changed:\n{listed or '  (only the workflow or schedule)'}\n\n"
                "Reload the case now? Your unsaved edits are not saved; note them to type them again.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes:
                view.record = None
                self.open_case(editor.candidate["patient"]["mrn"])
            return False
        except (StoreError, ReferralError) as exc:
            self.error("The case was not saved", str(exc))
            return False
        view.show_case(record, self.service.history(record.case.patient.mrn))
        self.statusBar().showMessage(f"Saved {record.case.patient.mrn} (version {record.version})", 5000)
        self.refresh_worklist()
        return True

    def change_status(self, status: WorkflowStatus) -> None:
        record = self.case_view.record
        if record is None:
            return
        try:
            updated = self.service.change_status(record.case.patient.mrn, status, record.version)
        except (WorkflowError, ConcurrentEdit, StoreError) as exc:
            self.error("The status was not changed", str(exc))
            return
        self.case_view.show_case(updated, self.service.history(updated.case.patient.mrn))
        self._on_refresh()

    def _ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def confirm_discard(self) -> bool:
        """Unsaved edits are never dropped silently: save, discard or stay."""
        if not self.case_view.dirty:
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", "The open case has unsaved changes. Save them?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save_case()
        return answer == QMessageBox.StandardButton.Discard

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
