"""The Meetings tab of the main window: every meeting (newest first), a new one, opening one."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tumorboard.gui.meetings.meeting_dialogs import NewMeetingDialog
from tumorboard.gui.meetings.meeting_models import ID_ROLE, MeetingListModel
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.services.meetings import MeetingService


class MeetingsTab(QWidget):
    open_requested = Signal(int)
    """Emitted with a meeting id when the user opens a meeting's planner."""
    room_requested = Signal(int)
    """Emitted with a meeting id when the user opens its meeting room."""
    created = Signal(int)
    """Emitted with the id of a meeting created through the "New meeting" dialog."""

    def __init__(self, meetings: MeetingService | None, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meetings = meetings
        self.today = today
        self.dialog: NewMeetingDialog | None = None
        layout = QVBoxLayout(self)
        self.problem = QLabel("" if meetings else "Meetings are not available with this database connection.")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Meetings problem")
        self.problem.setVisible(meetings is None)
        layout.addWidget(self.problem)
        self.model = MeetingListModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Meetings")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.new = QPushButton("&New meeting...")
        self.open = QPushButton("&Open")
        self.room = QPushButton("Meeting &room")
        for button in (self.new, self.open, self.room):
            button.setAccessibleName(button.text().replace("&", "").rstrip("."))
            button.setEnabled(meetings is not None)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.new.clicked.connect(self._on_new_clicked)
        self.open.clicked.connect(self._on_open_clicked)
        self.room.clicked.connect(self._on_room_clicked)
        self.table.activated.connect(self._on_table_activated)

    def refresh(self) -> None:
        if self.meetings is None:
            return
        selected = self.selected_id()
        try:
            rows = self.meetings.listing()
        except USER_ERRORS as exc:
            self.problem.setText(f"The meetings could not be listed: {exc}")
            self.problem.setVisible(True)
            return
        self.problem.setVisible(False)
        self.model.set_rows(rows)
        if selected is not None:
            self.select(selected)
        elif rows:
            # The next meeting to come (or the latest one) is where the coordinator works.
            upcoming = [r for r in rows if r.day >= self.today and not r.signed]
            self.select(upcoming[-1].id if upcoming else rows[0].id)

    def select(self, meeting_id: int) -> None:
        row = self.model.row_of(meeting_id)
        if row >= 0:
            self.table.selectRow(row)

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return int(index.data(ID_ROLE)) if index.isValid() else None

    def new_meeting(self) -> NewMeetingDialog | None:
        """Open the "New meeting" dialog (window-modal, no nested event loop); it creates the meeting
        through the service and stays open with the problem shown when refused."""
        meetings = self.meetings
        if meetings is None:
            return None
        try:
            boards = [b.name for b in meetings.boards()]
        except USER_ERRORS as exc:
            self.problem.setText(f"The boards could not be read: {exc}")
            self.problem.setVisible(True)
            return None
        dialog = NewMeetingDialog(boards, self.today, self)

        def submit() -> int:
            values = dialog.values()
            return meetings.create_meeting(str(values["board"]), dialog.chosen_day(), values["start"],
                                           place=values["place"], video_link=values["video_link"],
                                           chair=values["chair"])

        dialog.submit = submit
        dialog.accepted.connect(self._on_dialog_accepted)
        self.dialog = dialog
        dialog.open()
        return dialog

    # -- slots --------------------------------------------------------------------------------
    def _on_dialog_accepted(self) -> None:
        if self.dialog is None or not isinstance(self.dialog.result_value, int):
            return
        meeting_id = self.dialog.result_value
        self.refresh()
        self.select(meeting_id)
        self.created.emit(meeting_id)

    def _on_new_clicked(self) -> None:
        self.new_meeting()

    def _on_open_clicked(self) -> None:
        meeting_id = self.selected_id()
        if meeting_id is not None:
            self.open_requested.emit(meeting_id)

    def _on_room_clicked(self) -> None:
        meeting_id = self.selected_id()
        if meeting_id is not None:
            self.room_requested.emit(meeting_id)

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(int(index.data(ID_ROLE)))
