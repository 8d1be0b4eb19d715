"""The Actions tab: decision actions of closed and signed meetings by owner and due date; the
selected one marked done (audited, kept) with an optional note; a row opens its case."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tumorboard.gui.widgets.form_dialog import FormDialog
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.gui.widgets.table_model import Index, RowsTableModel
from tumorboard.services.actions import ActionItem, ActionService

OVERDUE = QColor(230, 80, 80, 110)


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


class ActionsModel(RowsTableModel):
    COLUMNS = ("Due", "Owner", "Action", "Patient", "MRN", "MDT", "Decision / no.", "Note")

    def set_items(self, items: list[ActionItem]) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self.endResetModel()

    def item_at(self, row: int) -> ActionItem:
        item: ActionItem = self._rows[row]
        return item

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        a: ActionItem = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (a.due_text, a.owner, a.text, a.name or a.mrn, a.mrn, _d(a.meeting_day),
                    f"{a.decision_id} / {a.number}", a.note or "")[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and a.overdue and index.column() == 0:
            return QBrush(OVERDUE)
        if role == Qt.ItemDataRole.UserRole:
            return a.mrn
        return None


class MarkDoneDialog(FormDialog):
    def __init__(self, item: ActionItem, parent: QWidget | None = None) -> None:
        super().__init__("Mark action done",
                         f"{item.text} ({item.owner}), for {item.name or item.mrn} ({item.mrn}), agreed "
                         f"at the MDT of {item.meeting_day.isoformat()}. Marking it done is recorded with "
                         "your name and cannot be undone.", parent, ok_text="&Mark done")
        self.note = QLineEdit()
        self.note.setPlaceholderText("optional: what was done, e.g. booked for 3 July")
        self.row("&Note:", self.note, "note")


class ActionsView(QWidget):
    case_requested = Signal(str)
    """Emitted with an MRN when a row is opened."""

    def __init__(self, service: ActionService | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.dialog: MarkDoneDialog | None = None
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.owner = QLineEdit()
        self.owner.setPlaceholderText("Owner's name (part of it)")
        self.owner.setAccessibleName("Owner filter")
        self.owner.setClearButtonEnabled(True)
        self.overdue = QCheckBox("&Overdue only")
        self.show_done = QCheckBox("Include &done")
        filters.addWidget(QLabel("Owner:"))
        filters.addWidget(self.owner, 2)
        filters.addWidget(self.overdue)
        filters.addWidget(self.show_done)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.model = ActionsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Actions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.mark_done = QPushButton("&Mark done...")
        self.mark_done.setAccessibleName("Mark done")
        self.mark_done.setEnabled(False)
        self.summary = QLabel("")
        buttons.addWidget(self.mark_done)
        buttons.addWidget(self.summary, 1)
        layout.addLayout(buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.refresh)
        self.owner.textChanged.connect(self._debounce.start)
        self.overdue.toggled.connect(self.refresh)
        self.show_done.toggled.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.doubleClicked.connect(self._on_opened)
        self.table.activated.connect(self._on_opened)
        self.mark_done.clicked.connect(self.ask_mark_done)

    def refresh(self) -> None:
        if self.service is None:
            self.summary.setText("Actions need the meetings database.")
            return
        try:
            items = self.service.actions(owner=self.owner.text() or None, overdue=self.overdue.isChecked(),
                                         include_done=self.show_done.isChecked())
        except USER_ERRORS as exc:
            self.summary.setText(f"The actions could not be loaded: {exc}")
            return
        self.model.set_items(items)
        self.table.resizeColumnsToContents()
        overdue = sum(a.overdue for a in items)
        self.summary.setText(f"{len(items)} action(s) listed, {overdue} overdue")
        self._on_current_changed(self.table.currentIndex(), QModelIndex())

    def selected(self) -> ActionItem | None:
        index = self.table.currentIndex()
        return self.model.item_at(index.row()) if index.isValid() else None

    def ask_mark_done(self) -> MarkDoneDialog | None:
        item, service = self.selected(), self.service
        if item is None or service is None or item.done:
            return None
        dialog = MarkDoneDialog(item, self)
        dialog.submit = lambda: service.mark_done(item.decision_id, item.number, dialog.note.text())
        dialog.accepted.connect(self.refresh)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item_at(current.row()) if current.isValid() else None
        self.mark_done.setEnabled(item is not None and not item.done)

    def _on_opened(self, index: QModelIndex) -> None:
        mrn = index.data(Qt.ItemDataRole.UserRole)
        if mrn:
            self.case_requested.emit(str(mrn))
