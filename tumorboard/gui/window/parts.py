"""What the main window's command modules may rely on: the widgets and services it builds.

The command classes are mixins of ``MainWindow``. For the type checker they derive from
``WindowParts``, a ``QMainWindow`` that declares every attribute and shared method the window
provides; at run time they derive from ``object``, so the window has one Qt base and no diamond.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings, QThread, QTimer, SignalInstance
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMainWindow, QTableView, QTabWidget

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
    from tumorboard.services.actions import ActionService
    from tumorboard.services.boards import BoardService
    from tumorboard.services.cases import CaseService, WorklistQuery
    from tumorboard.services.meetings import MeetingService

    class WindowParts(QMainWindow):
        import_finished: SignalInstance
        export_finished: SignalInstance
        worklist_limit: int
        service: CaseService
        meetings: MeetingService | None
        boards: BoardService | None
        action_service: ActionService | None
        notice: ChangeNotice
        meeting_windows: dict[int, MeetingWindow]
        implementation_dialog: ImplementationDialog | None
        referral_dialog: ReferralDialog | None
        boards_dialog: BoardsDialog | None
        database_location: str
        integrity_checked: bool
        integrity_problem: str | None
        _integrity_runner: QThread | None
        _runner: QThread
        today: date
        title_suffix: str
        settings: QSettings
        dashboard: Dashboard
        home_reader: HomeReader
        model: WorklistModel
        table: QTableView
        filter_text: QLineEdit
        filter_status: QComboBox
        filter_subtype: QComboBox
        filter_window: QComboBox
        tabs: QTabWidget
        meetings_tab: MeetingsTab
        actions_view: ActionsView
        case_view: CaseView
        damage_banner: QLabel
        _debounce: QTimer
        act_new_meeting: QAction
        act_open_room: QAction
        act_preview_minutes: QAction
        act_close_meeting: QAction
        act_sign_off: QAction
        act_boards: QAction

        # Provided by one command module, used by others.
        def error(self, title: str, message: str) -> None: ...
        def _ask(self, title: str, question: str) -> bool: ...
        def _set_title(self, case: str | None) -> None: ...
        def open_case(self, mrn: str) -> None: ...
        def confirm_discard(self) -> bool: ...
        def save_case(self) -> bool: ...
        def _show_mdt_record(self, mrn: str) -> None: ...
        def refresh_worklist(self) -> None: ...
        def refresh_dashboard(self) -> None: ...
        def _on_refresh(self) -> None: ...
        def current_query(self) -> WorklistQuery: ...
        def open_meeting(self, meeting_id: int, *, room: bool = False) -> MeetingWindow | None: ...
        def import_files(self, names: list[str], *, update: bool = False, replace: bool = False) -> None: ...
        def report_damage(self, problem: str, on_damage: Callable[[str], None] | None = None) -> None: ...
else:
    WindowParts = object
