"""Home: reassessments overdue and due, cases ready for the MDT, cases missing data, the board
decisions whose implementation check is due and the actions due, each a table whose title counts
its rows. Every row opens its case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tumorboard.domain.meeting import DecisionCategory
from tumorboard.gui.widgets.table_model import Index, RowsTableModel
from tumorboard.services.actions import ActionItem
from tumorboard.services.cases import WorklistRow
from tumorboard.services.home import HomeLists, status_words
from tumorboard.store.meeting_records import FollowUpRecord

DECISION_ROLE = Qt.ItemDataRole.UserRole + 1
SIZED_ROWS = 100
"""Rows a column's width is measured on (Qt's default, 1,000 rows in each of six tables, was
about a third of the app's start at 100,000 cases); longer text is elided, its tooltip whole."""


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


Column = tuple[str, Callable[[Any], object]]

PATIENT: tuple[Column, ...] = (("Patient", lambda r: r.name), ("MRN", lambda r: r.mrn))
NEXT_MEETING: Column = ("Next meeting", lambda r: _d(r.next_meeting) or "not set")
CASE_COLUMNS: dict[str, tuple[Column, ...]] = {
    "overdue": (*PATIENT, ("Status", lambda r: r.status.label),
                ("Window closed", lambda r: _d(r.window_closes)), NEXT_MEETING),
    "due": (*PATIENT, ("Window opened", lambda r: _d(r.window_opens)),
            ("Window closes", lambda r: _d(r.window_closes)), NEXT_MEETING),
    "ready": (*PATIENT, ("Subtype", lambda r: r.subtype), ("Stage", lambda r: r.stage), NEXT_MEETING),
    "missing": (*PATIENT, ("Status", lambda r: r.status.label),
                ("Missing before the MDT", lambda r: ", ".join(r.missing))),
}
CASE_TITLES = {"overdue": "Reassessment overdue", "due": "Reassessment due (window open)",
               "ready": "Ready for the next MDT", "missing": "Missing data before the MDT"}


def category_label(value: str) -> str:
    try:
        return DecisionCategory(value).label
    except ValueError:
        return value


FOLLOW_UP_COLUMNS: tuple[Column, ...] = (
    ("Patient", lambda r: r.name or r.mrn), ("MRN", lambda r: r.mrn),
    ("Check due", lambda r: _d(r.due) or "now"), ("Decision", lambda r: category_label(r.category)),
    ("What the board decided", lambda r: r.text), ("MDT", lambda r: _d(r.meeting_day)))
ACTION_COLUMNS: tuple[Column, ...] = (
    ("Patient", lambda a: a.name or a.mrn), ("MRN", lambda a: a.mrn), ("Due", lambda a: a.due_text),
    ("Owner", lambda a: a.owner or "-"), ("Action", lambda a: a.text), ("MDT", lambda a: _d(a.meeting_day)))


class HomeTableModel(RowsTableModel):
    """Rows under the given columns; every row's user data is its MRN."""

    def __init__(self, columns: tuple[Column, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.COLUMNS = tuple(title for title, _ in columns)

    def set_items(self, items: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self.endResetModel()

    def item_at(self, row: int) -> Any:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(self.columns[index.column()][1](item))
        if role == Qt.ItemDataRole.UserRole:
            return item.mrn
        if role == DECISION_ROLE:
            return getattr(item, "decision_id", None)
        return None


class FollowUpModel(HomeTableModel):
    """Decisions whose implementation check is due; the decision id is under ``DECISION_ROLE``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(FOLLOW_UP_COLUMNS, parent)

    def find(self, decision_id: int) -> FollowUpRecord | None:
        return next((f for f in self._rows if f.decision_id == decision_id), None)


def _table(name: str, model: HomeTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setResizeContentsPrecision(SIZED_ROWS)
    header.setStretchLastSection(True)
    return view


class Dashboard(QWidget):
    case_requested = Signal(str)
    """Emitted with an MRN when the user opens a case from one of the tables."""
    implementation_requested = Signal(int)
    """Emitted with a decision id when the user records whether the decision was carried out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.counts = QLabel("")
        self.counts.setWordWrap(True)
        self.counts.setAccessibleName("Cases by workflow status")
        layout.addWidget(self.counts)
        grid = QGridLayout()
        layout.addLayout(grid, 1)
        self.models: dict[str, HomeTableModel] = {}
        self.boxes: dict[str, QGroupBox] = {}
        self.views: dict[str, QTableView] = {}
        for i, (key, title) in enumerate(CASE_TITLES.items()):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            model = HomeTableModel(CASE_COLUMNS[key], self)
            view = _table(title, model)
            view.activated.connect(self._on_row_activated)
            view.doubleClicked.connect(self._on_row_activated)
            inner.addWidget(view)
            grid.addWidget(box, i // 2, i % 2)
            self.models[key], self.boxes[key], self.views[key] = model, box, view
        # Shown once the window has a meeting service to ask (show_follow_ups, show_actions).
        self.follow_up_box = QGroupBox("Implementation checks due")
        inner = QVBoxLayout(self.follow_up_box)
        self.follow_ups = FollowUpModel(self)
        self.follow_up_view = _table("Implementation checks due", self.follow_ups)
        self.follow_up_view.activated.connect(self._on_row_activated)
        self.follow_up_view.doubleClicked.connect(self._on_row_activated)
        inner.addWidget(self.follow_up_view)
        row = QHBoxLayout()
        self.record_outcome = QPushButton("Record &outcome...")
        self.record_outcome.setAccessibleName("Record outcome")
        self.record_outcome.setToolTip("Whether the selected decision was carried out: fully, partly or not")
        self.record_outcome.clicked.connect(self._on_record_outcome_clicked)
        row.addWidget(self.record_outcome)
        row.addStretch(1)
        inner.addLayout(row)
        grid.addWidget(self.follow_up_box, 2, 0)
        self.actions_box = QGroupBox("Actions due")
        inner = QVBoxLayout(self.actions_box)
        self.actions_due = HomeTableModel(ACTION_COLUMNS, self)
        self.actions_view = _table("Actions due", self.actions_due)
        self.actions_view.activated.connect(self._on_row_activated)
        self.actions_view.doubleClicked.connect(self._on_row_activated)
        inner.addWidget(self.actions_view)
        grid.addWidget(self.actions_box, 2, 1)
        for line in range(3):
            grid.setRowStretch(line, 1)
        for column in range(2):
            grid.setColumnStretch(column, 1)
        self.follow_up_box.setVisible(False)
        self.actions_box.setVisible(False)
        self.record_outcome.setEnabled(False)
        self.follow_up_view.selectionModel().currentChanged.connect(self._on_follow_up_current_changed)

    def show_lists(self, lists: HomeLists, *, more_coming: bool = False) -> None:
        """The four case tables; each title counts the rows of its own table (``more_coming``:
        these are from the first page, the rest is being read)."""
        rows: dict[str, list[WorklistRow]] = {"overdue": lists.overdue, "due": lists.due,
                                              "ready": lists.ready, "missing": lists.missing}
        for key, items in rows.items():
            self.models[key].set_items(items)
            first = " (the first ones)" if lists.truncated else ""
            if more_coming:
                first = " (the first ones; reading the others)"
            self.boxes[key].setTitle(f"{CASE_TITLES[key]}: {len(items)}{first}")
        self.counts.setText(f"Cases by status: {status_words(lists.by_status)}. "
                            "Open the case of a row with Enter or a double-click.")

    def show_follow_ups(self, records: list[FollowUpRecord]) -> None:
        self.follow_ups.set_items(records)
        self.follow_up_box.setTitle(f"Implementation checks due ({len(records)})")
        self.follow_up_box.setVisible(True)
        self.record_outcome.setEnabled(self.follow_up_view.currentIndex().isValid())

    def show_actions(self, items: list[ActionItem]) -> None:
        self.actions_due.set_items(items)
        self.actions_box.setTitle(f"Actions due ({len(items)})")
        self.actions_box.setVisible(True)

    def _on_follow_up_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.record_outcome.setEnabled(current.isValid())

    def _on_record_outcome_clicked(self) -> None:
        index = self.follow_up_view.currentIndex()
        if index.isValid():
            self.implementation_requested.emit(int(index.data(DECISION_ROLE)))

    def _on_row_activated(self, index: QModelIndex) -> None:
        mrn = index.data(Qt.ItemDataRole.UserRole)
        if mrn:
            self.case_requested.emit(str(mrn))
