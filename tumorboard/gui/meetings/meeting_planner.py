"""Planning one meeting: its details, who attends (with the live quorum), and the agenda."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tumorboard.domain.meeting_state import MeetingState
from tumorboard.gui.meetings.agenda_model import AgendaModel
from tumorboard.gui.meetings.decision_dialogs import QuorumOverrideDialog
from tumorboard.gui.meetings.meeting_dialogs import (
    AddCaseDialog,
    AgendaItemDialog,
    GuestDialog,
    MeetingDetailsDialog,
    SuggestedCasesDialog,
)
from tumorboard.gui.meetings.meeting_models import AttendanceModel
from tumorboard.gui.widgets.form_dialog import FormDialog
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.meetings import MeetingService
from tumorboard.services.quorum import QuorumStatus
from tumorboard.store.meeting_records import MeetingRecord

QUORUM_MET_STYLE = ("color: white; background: #2e7d32; padding: 4px 8px; border-radius: 4px; "
                    "font-weight: bold;")
QUORUM_MISSING_STYLE = ("color: white; background: #c62828; padding: 4px 8px; border-radius: 4px; "
                        "font-weight: bold;")


def long_day(day: date) -> str:
    """"Thursday 3 December 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def meeting_title(meeting: MeetingRecord) -> str:
    return f"{meeting.board.name}, {long_day(meeting.day)}" + (
        f" at {meeting.start_time}" if meeting.start_time else "")


def meeting_state_words(meeting: MeetingRecord) -> str:
    if meeting.state == MeetingState.PLANNED.value:
        return "planned: start the meeting to take attendance and record decisions"
    if meeting.state == MeetingState.IN_PROGRESS.value:
        return "in progress"
    if meeting.signed_at is not None:
        return f"signed by {meeting.signed_by} on {meeting.signed_at:%Y-%m-%d %H:%M} UTC"
    if meeting.closed_at is not None:
        moved = (f"; cases not discussed moved to {meeting.carried_over_to_day.isoformat()}"
                 if meeting.carried_over_to_day else "")
        return f"closed on {meeting.closed_at:%Y-%m-%d %H:%M} UTC{moved}"
    return "open"


def is_open(meeting: MeetingRecord | None) -> bool:
    """The plan (details, agenda, attendance list) can still change: planned or in progress."""
    return meeting is not None and meeting.state in (MeetingState.PLANNED, MeetingState.IN_PROGRESS)


def in_progress(meeting: MeetingRecord | None) -> bool:
    """The meeting itself: attendance, triage, decisions, the quorum override."""
    return meeting is not None and meeting.state == MeetingState.IN_PROGRESS.value


def show_quorum(label: QLabel, status: QuorumStatus) -> None:
    label.setText(status.text)
    label.setStyleSheet(QUORUM_MET_STYLE if status.met else QUORUM_MISSING_STYLE)
    label.setAccessibleDescription(status.text)


class MeetingPlanner(QWidget):
    changed = Signal()
    """Emitted after the meeting was changed here (attendance, agenda, override)."""
    discuss_requested = Signal(str)
    """Emitted with an MRN when the user opens a case of the agenda in the meeting room."""
    cases_changed = Signal()
    """Emitted when cases were added to or removed from the agenda (their next meeting changes)."""

    def __init__(self, meetings: MeetingService, cases: CaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meetings = meetings
        self.cases = cases
        self.meeting: MeetingRecord | None = None
        self.quorum: QuorumStatus | None = None
        self.dialog: FormDialog | None = None  # the dialog last opened (tests reach it here)
        layout = QVBoxLayout(self)
        self.header = QLabel("No meeting open")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.header.setOpenExternalLinks(True)
        self.header.setAccessibleName("Meeting details")
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        self.start_meeting = self._button("S&tart meeting", top)
        top.setAlignment(self.start_meeting, Qt.AlignmentFlag.AlignTop)
        self.edit_details = self._button("Meeting &details...", top)
        top.setAlignment(self.edit_details, Qt.AlignmentFlag.AlignTop)
        self.agenda_pdf = self._button("&Agenda PDF...", top)  # preview, save, print: agenda_preview.py
        top.setAlignment(self.agenda_pdf, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        attendance_box = QGroupBox("Attendance")
        attendance_layout = QVBoxLayout(attendance_box)
        self.quorum_label = QLabel("")
        self.quorum_label.setAccessibleName("Quorum")
        self.quorum_label.setWordWrap(True)
        self.attendance = AttendanceModel(self)
        self.attendance.change_presence = self._change_presence
        self.attendance_view = QTableView()
        self.attendance_view.setModel(self.attendance)
        self.attendance_view.setAccessibleName("Attendance")
        self.attendance_view.verticalHeader().setVisible(False)
        self.attendance_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.attendance_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        attendance_layout.addWidget(self.attendance_view, 1)
        # Below the table: the banner grows or shrinks as quorum changes, and the rows above it
        # stay where they are (a click lands on the person under the pointer).
        attendance_layout.addWidget(self.quorum_label)
        attendance_buttons = QHBoxLayout()
        self.add_guest = self._button("Add &guest...", attendance_buttons)
        self.add_member = self._button("Add board &member...", attendance_buttons)
        attendance_buttons.addStretch(1)
        attendance_layout.addLayout(attendance_buttons)
        attendance_buttons = QHBoxLayout()  # two rows: the window fits a 1366-pixel laptop screen
        self.remove_member = self._button("Remove from &board...", attendance_buttons)
        self.override = self._button("Chair's quorum &override...", attendance_buttons)
        attendance_buttons.addStretch(1)
        attendance_layout.addLayout(attendance_buttons)

        agenda_box = QGroupBox("Agenda (drag a row, or Ctrl+Up / Ctrl+Down, to reorder)")
        agenda_layout = QVBoxLayout(agenda_box)
        self.agenda = AgendaModel(self)
        self.agenda.reorder = self._reorder
        # Queued: the rest of the screen reloads after the drop has finished in the view.
        self.agenda.reordered.connect(self.changed, Qt.ConnectionType.QueuedConnection)
        self.agenda_view = QTableView()
        self.agenda_view.setModel(self.agenda)
        self.agenda_view.setAccessibleName("Agenda")
        self.agenda_view.verticalHeader().setVisible(False)
        self.agenda_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agenda_view.setDragEnabled(True)
        self.agenda_view.setAcceptDrops(True)
        self.agenda_view.setDropIndicatorShown(True)
        self.agenda_view.setDragDropOverwriteMode(False)
        self.agenda_view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.agenda_view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.agenda_view.setWordWrap(False)
        self.agenda_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.agenda_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the question takes the room
        agenda_layout.addWidget(self.agenda_view, 1)
        agenda_buttons = QHBoxLayout()
        self.add_case = self._button("Add &case...", agenda_buttons)
        self.add_suggested = self._button("Add s&uggested...", agenda_buttons)
        self.edit_item = self._button("&Edit item...", agenda_buttons)
        self.remove_item = self._button("&Remove", agenda_buttons)
        agenda_buttons.addStretch(1)
        agenda_layout.addLayout(agenda_buttons)
        agenda_buttons = QHBoxLayout()  # two rows: the window fits a 1366-pixel laptop screen
        self.move_up = self._button("Move u&p", agenda_buttons)
        self.move_down = self._button("Move do&wn", agenda_buttons)
        agenda_buttons.addStretch(1)
        self.discuss = self._button("Discuss in the meeting &room", agenda_buttons)
        agenda_layout.addLayout(agenda_buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(attendance_box)
        splitter.addWidget(agenda_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([560, 1040])  # attendance shows name, discipline, role and the tick
        layout.addWidget(splitter, 1)

        self.start_meeting.clicked.connect(self._on_start_meeting_clicked)
        self.add_guest.clicked.connect(self._on_add_guest_clicked)
        self.add_member.clicked.connect(self._on_add_member_clicked)
        self.remove_member.clicked.connect(self._on_remove_member_clicked)
        self.edit_details.clicked.connect(self._on_edit_details_clicked)
        self.override.clicked.connect(self._on_override_clicked)
        self.add_case.clicked.connect(self._on_add_case_clicked)
        self.add_suggested.clicked.connect(self._on_add_suggested_clicked)
        self.edit_item.clicked.connect(self._on_edit_item_clicked)
        self.remove_item.clicked.connect(self._on_remove_item_clicked)
        self.move_up.clicked.connect(self._on_move_up_clicked)
        self.move_down.clicked.connect(self._on_move_down_clicked)
        self.discuss.clicked.connect(self._on_discuss_clicked)
        self.agenda_pdf.clicked.connect(self._on_agenda_pdf_clicked)
        self.agenda_view.doubleClicked.connect(self._on_agenda_double_clicked)
        for keys, slot in (("Ctrl+Up", self._on_move_up_clicked), ("Ctrl+Down", self._on_move_down_clicked)):
            shortcut = QShortcut(QKeySequence(keys), self.agenda_view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)

    def _button(self, text: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", "").rstrip("."))
        row.addWidget(button)
        return button

    # -- showing ------------------------------------------------------------------------------
    def show_meeting(self, meeting: MeetingRecord, quorum: QuorumStatus) -> None:
        self.meeting = meeting
        self.quorum = quorum
        editable = is_open(meeting)
        where = [escape(meeting.place)] if meeting.place else []
        if meeting.video_link:
            link = escape(meeting.video_link)
            where.append(f'video: <a href="{link}">{link}</a>')
        self.header.setText(
            f"<span style='font-size: x-large'><b>{escape(meeting_title(meeting))}</b></span><br>"
            + (" · ".join(where) + "<br>" if where else "")
            + f"Chair: {escape(meeting.chair or 'not named')} · {len(meeting.agenda)} case(s) · "
              f"<b>{escape(meeting_state_words(meeting))}</b>")
        show_quorum(self.quorum_label, quorum)
        if quorum.overridden_by and meeting.quorum_override_reason:
            self.quorum_label.setText(f"{quorum.text}: {meeting.quorum_override_reason}")
        # A refresh keeps the keyboard's place: whoever was current stays current.
        at = self.attendance_view.currentIndex()
        who = self.attendance.row_at(at.row()).name if at.isValid() else None
        self.attendance.set_rows(meeting.attendance, editable=in_progress(meeting))
        names = [a.name for a in meeting.attendance]
        if who in names:
            self.attendance_view.setCurrentIndex(self.attendance.index(names.index(who), at.column()))
        current = self.selected_mrn()
        self.agenda.set_rows(meeting.agenda, editable=editable, moved_to=meeting.carried_over_to_day)
        if current is not None and self.agenda.row_of(current) >= 0:
            self.agenda_view.selectRow(self.agenda.row_of(current))
        for button in (self.edit_details, self.add_member, self.remove_member, self.add_case,
                       self.add_suggested, self.edit_item, self.remove_item, self.move_up, self.move_down):
            button.setEnabled(editable)
        self.add_guest.setEnabled(in_progress(meeting))  # a guest is added present
        self.start_meeting.setVisible(meeting.state == MeetingState.PLANNED.value)
        self.override.setEnabled(in_progress(meeting) and not quorum.met and not quorum.overridden_by)

    def selected_mrn(self) -> str | None:
        index = self.agenda_view.currentIndex()
        return self.agenda.row_at(index.row()).mrn if index.isValid() else None

    # -- service calls ------------------------------------------------------------------------
    def _call(self, title: str, action: Callable[[], object], *, announce: bool = True) -> bool:
        """Run a service action; a refusal is shown in a dialog and the screen stays as it was."""
        try:
            action()
        except USER_ERRORS as exc:
            QMessageBox.warning(self, title, str(exc))
            return False
        if announce:
            self.changed.emit()
        return True

    def _change_presence(self, name: str, present: bool) -> bool:
        if self.meeting is None:
            return False
        meeting_id = self.meeting.id
        try:
            status = self.meetings.set_attendance(meeting_id, name, present)
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "Attendance not changed", str(exc))
            return False
        self.quorum = status
        show_quorum(self.quorum_label, status)
        self.override.setEnabled(not status.met and not status.overridden_by)
        # Later: the rest of the screen reloads once the model has finished this edit.
        QTimer.singleShot(0, self, self.changed.emit)
        return True

    def _on_start_meeting_clicked(self) -> None:
        if self.meeting is not None:
            meeting_id = self.meeting.id
            self._call("The meeting was not started", lambda: self.meetings.start(meeting_id))

    def _reorder(self, mrns: list[str]) -> bool:
        if self.meeting is None:
            return False
        meeting_id = self.meeting.id
        # The model shows the new order itself and says so (``reordered``) once it is consistent.
        return self._call("The agenda was not reordered", lambda: self.meetings.reorder(meeting_id, mrns),
                          announce=False)

    # -- slots --------------------------------------------------------------------------------
    def _on_add_guest_clicked(self) -> None:
        self._add_person(member=False)

    def _on_add_member_clicked(self) -> None:
        self._add_person(member=True)

    def _add_person(self, *, member: bool) -> None:
        """A guest attends this meeting (present); a board member joins the board's list and this
        meeting's (absent until ticked)."""
        if self.meeting is None:
            return
        meeting_id, board = self.meeting.id, self.meeting.board.name
        dialog = GuestDialog(self, member=member)

        def submit() -> bool:
            name, discipline, role = dialog.chosen()
            if member:
                self.meetings.add_member(board, name, discipline, role, meeting_id=meeting_id)
            else:
                self.meetings.set_attendance(meeting_id, name, True, discipline=discipline, role=role)
            return True

        dialog.submit = submit
        dialog.accepted.connect(self.changed)
        self._open(dialog)

    def selected_person(self) -> str | None:
        index = self.attendance_view.currentIndex()
        return self.attendance.row_at(index.row()).name if index.isValid() else None

    def _on_remove_member_clicked(self) -> None:
        name = self.selected_person()
        if self.meeting is None or name is None:
            return
        board = self.meeting.board.name
        if name not in {m[0] for m in self.meeting.board.members}:
            QMessageBox.information(self, "Not a board member",
                                    f"{name} attends as a guest and is not on the {board} list.")
            return
        answer = QMessageBox.question(
            self, "Remove from the board",
            f"Take {name} off the {board} list? Meetings planned from now on will not list them; "
            "this meeting, past attendance and signed minutes keep their name.")
        if answer == QMessageBox.StandardButton.Yes:
            self._call("The member was not removed", lambda: self.meetings.remove_member(board, name))

    def _on_edit_details_clicked(self) -> None:
        if self.meeting is None:
            return
        meeting_id = self.meeting.id
        dialog = MeetingDetailsDialog(self.meeting, self)
        dialog.submit = lambda: self.meetings.update_details(meeting_id, **dialog.values(),
                                                             expected_version=dialog.version)
        dialog.accepted.connect(self.changed)
        self._open(dialog)

    def _on_override_clicked(self) -> None:
        if self.meeting is None or self.quorum is None:
            return
        meeting_id = self.meeting.id
        dialog = QuorumOverrideDialog(self.meeting.chair or "", self.quorum.text, self)
        dialog.submit = lambda: self.meetings.record_quorum_override(
            meeting_id, dialog.chair.text(), dialog.reason.toPlainText())
        dialog.accepted.connect(self.changed)
        self._open(dialog)

    def _on_add_case_clicked(self) -> None:
        if self.meeting is None:
            return
        meeting_id = self.meeting.id
        try:
            rows = self.cases.worklist(WorklistQuery(limit=2000))
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "Cases could not be listed", str(exc))
            return
        dialog = AddCaseDialog([(r.mrn, r.name) for r in rows], self)
        dialog.submit = lambda: self.meetings.add_cases(
            meeting_id, [dialog.chosen_mrn()] if dialog.chosen_mrn() else [],
            question=dialog.question.text().strip() or None,
            presenter=dialog.presenter.text().strip() or None)
        dialog.accepted.connect(self.changed)
        dialog.accepted.connect(self.cases_changed)
        self._open(dialog)

    def _on_add_suggested_clicked(self) -> None:
        if self.meeting is None:
            return
        meeting_id = self.meeting.id
        try:
            mrns = self.meetings.suggest_cases(meeting_id)
            rows = {r.mrn: r for r in self.cases.worklist(WorklistQuery(limit=2000))}
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "No suggestions", str(exc))
            return
        items = [(m, f"{rows[m].name} ({m}) - {rows[m].status.label}: {rows[m].next_action}"
                  if m in rows else m) for m in mrns]
        dialog = SuggestedCasesDialog(items, self)

        def submit() -> bool:
            ticked = dialog.model.ticked()
            if ticked:
                self.meetings.add_cases(meeting_id, ticked)
            return True

        dialog.submit = submit
        dialog.accepted.connect(self.changed)
        dialog.accepted.connect(self.cases_changed)
        self._open(dialog)

    def _on_edit_item_clicked(self) -> None:
        if self.meeting is None or not self.agenda_view.currentIndex().isValid():
            return
        meeting_id = self.meeting.id
        item = self.agenda.row_at(self.agenda_view.currentIndex().row())
        dialog = AgendaItemDialog(item, self)
        dialog.submit = lambda: self.meetings.update_agenda_item(
            meeting_id, item.mrn, question=dialog.question.text(), presenter=dialog.presenter.text(),
            triage=dialog.chosen_triage(), responsible_clinician=dialog.responsible.text(),
            imaging_review=dialog.imaging_review.isChecked(),
            pathology_review=dialog.pathology_review.isChecked())
        dialog.accepted.connect(self.changed)
        self._open(dialog)

    def _on_remove_item_clicked(self) -> None:
        mrn = self.selected_mrn()
        if self.meeting is None or mrn is None:
            return
        meeting_id = self.meeting.id
        answer = QMessageBox.question(self, "Remove from the agenda",
                                      f"Remove {mrn} from the agenda of {meeting_title(self.meeting)}?")
        if answer == QMessageBox.StandardButton.Yes and self._call(
                "The case was not removed", lambda: self.meetings.remove_case(meeting_id, mrn)):
            self.cases_changed.emit()

    def _on_move_up_clicked(self) -> None:
        self._move_selected(-1)

    def _on_move_down_clicked(self) -> None:
        self._move_selected(2)  # before the row after the next one

    def _move_selected(self, delta: int) -> None:
        row = self.agenda_view.currentIndex().row()
        if row < 0 or not self.agenda.editable:
            return
        target = row + delta
        if 0 <= target <= self.agenda.rowCount():
            self.agenda.moveRows(QModelIndex(), row, 1, QModelIndex(), target)

    def _on_discuss_clicked(self) -> None:
        mrn = self.selected_mrn() or (self.agenda.mrns()[0] if self.agenda.rowCount() else None)
        if mrn:
            self.discuss_requested.emit(mrn)

    def _on_agenda_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.discuss_requested.emit(self.agenda.row_at(index.row()).mrn)

    def _on_agenda_pdf_clicked(self) -> None:
        if self.meeting is None:
            return
        try:  # QtPdf comes with PySide6-Addons; without it: `tumorboard agenda MEETING_ID -o FILE`
            from tumorboard.gui.meetings.agenda_preview import AgendaPreview
        except ImportError:
            QMessageBox.warning(self, "No agenda preview", "This installation has no PDF viewer (QtPdf).")
            return
        self.agenda_preview = AgendaPreview(self.meetings, self.meeting.id, self)
        self.agenda_preview.open()

    def _open(self, dialog: FormDialog) -> None:
        self.dialog = dialog
        dialog.open()  # window-modal, no nested event loop
