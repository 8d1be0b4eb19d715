"""Home: reassessments due and overdue, cases ready for the MDT, cases missing data, counts, and
the board decisions whose implementation check is due."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tumorboard.domain.meeting import DecisionCategory
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.gui.meetings.decision_dialogs import CATEGORY_LABELS
from tumorboard.services.cases import WorklistRow
from tumorboard.store.meeting_records import FollowUpRecord

Index = QModelIndex | QPersistentModelIndex


class CaseListModel(QAbstractListModel):
    """A short list of cases, one line each; the MRN is the item's user data."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[tuple[str, str]] = []

    def set_items(self, items: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        mrn, text = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == Qt.ItemDataRole.UserRole:
            return mrn
        return None


DECISION_ROLE = Qt.ItemDataRole.UserRole + 1


def follow_up_text(r: FollowUpRecord) -> str:
    try:
        category = CATEGORY_LABELS[DecisionCategory(r.category)]
    except ValueError:
        category = r.category
    due = f"due {r.due.isoformat()}" if r.due else "due now"
    return f"{r.name or r.mrn} ({r.mrn}), {due} - {category}: {r.text} (MDT {r.meeting_day.isoformat()})"


class FollowUpModel(QAbstractListModel):
    """Decisions whose implementation check is due; the MRN is the user data, the decision id is
    under ``DECISION_ROLE``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[FollowUpRecord] = []

    def set_items(self, items: list[FollowUpRecord]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item_at(self, row: int) -> FollowUpRecord:
        return self._items[row]

    def find(self, decision_id: int) -> FollowUpRecord | None:
        return next((f for f in self._items if f.decision_id == decision_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return follow_up_text(item)
        if role == Qt.ItemDataRole.UserRole:
            return item.mrn
        if role == DECISION_ROLE:
            return item.decision_id
        return None


class Dashboard(QWidget):
    case_requested = Signal(str)
    """Emitted with an MRN when the user opens a case from one of the lists."""
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
        self.models: dict[str, CaseListModel] = {}
        titles = [("overdue", "Reassessment overdue"), ("due", "Reassessment due (window open)"),
                  ("ready", "Ready for the next MDT"), ("missing", "Missing data before the MDT")]
        for i, (key, title) in enumerate(titles):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            view = QListView()
            view.setAccessibleName(title)
            model = CaseListModel(view)
            view.setModel(model)
            view.activated.connect(self._on_list_activated)
            view.doubleClicked.connect(self._on_list_activated)
            inner.addWidget(view)
            grid.addWidget(box, i // 2, i % 2)
            self.models[key] = model
        # Shown once the window has a meeting service to ask (show_follow_ups).
        self.follow_up_box = QGroupBox("Implementation checks due")
        inner = QVBoxLayout(self.follow_up_box)
        self.follow_up_view = QListView()
        self.follow_up_view.setAccessibleName("Implementation checks due")
        self.follow_ups = FollowUpModel(self.follow_up_view)
        self.follow_up_view.setModel(self.follow_ups)
        self.follow_up_view.activated.connect(self._on_list_activated)
        self.follow_up_view.doubleClicked.connect(self._on_list_activated)
        inner.addWidget(self.follow_up_view)
        row = QHBoxLayout()
        self.record_outcome = QPushButton("Record &outcome...")
        self.record_outcome.setAccessibleName("Record outcome")
        self.record_outcome.setToolTip("Whether the selected decision was carried out: fully, partly or not")
        self.record_outcome.clicked.connect(self._on_record_outcome_clicked)
        row.addWidget(self.record_outcome)
        row.addStretch(1)
        inner.addLayout(row)
        grid.addWidget(self.follow_up_box, 2, 0, 1, 2)
        for line, stretch in ((0, 2), (1, 2), (2, 1)):
            grid.setRowStretch(line, stretch)
        self.follow_up_box.setVisible(False)
        self.record_outcome.setEnabled(False)
        self.follow_up_view.selectionModel().currentChanged.connect(self._on_follow_up_current_changed)

    def show_rows(self, rows: list[WorklistRow], counts: dict[WorkflowStatus, int]) -> None:
        self.counts.setText("  ·  ".join(f"{s.label}: <b>{counts.get(s, 0)}</b>" for s in WorkflowStatus))
        open_rows = [r for r in rows if r.status is not WorkflowStatus.CLOSED]
        self.models["overdue"].set_items([(r.mrn, f"{r.name} ({r.mrn}) - window closed {r.window_closes}")
                                          for r in open_rows if r.window_status == "overdue"])
        self.models["due"].set_items([(r.mrn, f"{r.name} ({r.mrn}) - window {r.window_opens} to "
                                              f"{r.window_closes}")
                                      for r in open_rows if r.window_status == "open"])
        self.models["ready"].set_items([(r.mrn, f"{r.name} ({r.mrn}) - next meeting {r.next_meeting or '?'}")
                                        for r in open_rows if r.status is WorkflowStatus.READY_FOR_MDT])
        self.models["missing"].set_items([(r.mrn, f"{r.name} ({r.mrn}) - {', '.join(r.missing)}")
                                          for r in open_rows if r.missing])

    def show_follow_ups(self, records: list[FollowUpRecord]) -> None:
        self.follow_ups.set_items(records)
        self.follow_up_box.setTitle(f"Implementation checks due ({len(records)})")
        self.follow_up_box.setVisible(True)
        self.record_outcome.setEnabled(self.follow_up_view.currentIndex().isValid())

    def _on_follow_up_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.record_outcome.setEnabled(current.isValid())

    def _on_record_outcome_clicked(self) -> None:
        index = self.follow_up_view.currentIndex()
        if index.isValid():
            self.implementation_requested.emit(int(index.data(DECISION_ROLE)))

    def _on_list_activated(self, index: QModelIndex) -> None:
        mrn = index.data(Qt.ItemDataRole.UserRole)
        if mrn:
            self.case_requested.emit(str(mrn))
