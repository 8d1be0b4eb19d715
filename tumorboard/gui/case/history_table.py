"""The case's History tab: the audit trail as a table (when, who, what, field, before, after),
newest first. Long values (a whole created case) are cut in the cell and whole in the tooltip."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from tumorboard.gui.widgets.table_model import Index, RowsTableModel
from tumorboard.services.cases import AuditEntry

ACTION_WORDS = {"create": "created", "update": "edited", "status": "status changed", "schedule": "scheduled",
                "import": "imported", "export": "exported", "referral": "referral edited"}
CELL = 80


def field_words(pointer: str | None) -> str:
    """``/tumour/er_percent`` -> ``tumour › er percent``: the field as a clinician reads it."""
    if not pointer:
        return ""
    return " › ".join(part.replace("_", " ") for part in pointer.strip("/").split("/"))


def _cut(value: str | None) -> str:
    if value is None:
        return "-"
    flat = " ".join(value.split())
    return flat if len(flat) <= CELL else flat[:CELL - 1] + "…"


class HistoryModel(RowsTableModel):
    COLUMNS = ("When (UTC)", "Who", "What", "Field", "Before", "After")

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self._rows = list(reversed(entries))
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        h: AuditEntry = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{h.at:%Y-%m-%d %H:%M}", h.actor, ACTION_WORDS.get(h.action, h.action.replace("_", " ")),
                    field_words(h.field), _cut(h.old_value), _cut(h.new_value))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (4, 5):
            return h.old_value if index.column() == 4 else h.new_value
        return None


class HistoryTable(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = HistoryModel(self)
        self.setModel(self.model_)
        self.setAccessibleName("Case history")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

    def show_entries(self, entries: list[AuditEntry]) -> None:
        self.model_.set_entries(entries)
        self.resizeColumnsToContents()
        for column in (4, 5):  # before / after: readable, never wider than a third of the table
            self.setColumnWidth(column, min(self.columnWidth(column), max(160, self.width() // 3)))
