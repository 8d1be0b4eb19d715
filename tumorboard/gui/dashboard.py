"""Home: reassessments due and overdue, cases ready for the MDT, cases missing data, counts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QListView, QVBoxLayout, QWidget

from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.cases import WorklistRow

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


class Dashboard(QWidget):
    case_requested = Signal(str)
    """Emitted with an MRN when the user opens a case from one of the lists."""

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

    def _on_list_activated(self, index: QModelIndex) -> None:
        mrn = index.data(Qt.ItemDataRole.UserRole)
        if mrn:
            self.case_requested.emit(str(mrn))
