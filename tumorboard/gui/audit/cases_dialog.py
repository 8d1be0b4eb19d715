"""The cases behind one bar of an audit chart: a list to read, each row opening its case."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from tumorboard.domain.audit_report import OUTCOME_LABELS
from tumorboard.domain.meeting import DecisionCategory, DeviationReason
from tumorboard.domain.quality_audit import AuditItem
from tumorboard.gui.widgets.table_model import Index, RowsTableModel


def _category(value: str | None) -> str:
    return DecisionCategory(value).label if value in {c.value for c in DecisionCategory} else (value or "")


def _reason(item: AuditItem) -> str:
    if item.decision_id is None or item.concordant:
        return ""
    known = {r.value for r in DeviationReason}
    return DeviationReason(item.deviation_reason).label if item.deviation_reason in known else ""


class AuditCasesModel(RowsTableModel):
    COLUMNS = ("Meeting", "Record number", "Decision", "Follows the guideline", "Reason for deviating",
               "Implementation", "Days to treatment", "Amended")

    def set_rows(self, rows: Sequence[AuditItem]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def item(self, row: int) -> AuditItem:
        item: AuditItem = self._rows[row]
        return item

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        i: AuditItem = self._rows[index.row()]
        decided = i.decision_id is not None
        wait = i.days_to_treatment
        values = (i.meeting_day.isoformat(), i.mrn,
                  _category(i.category) if decided else ("Not discussed" if not i.discussed else ""),
                  ("Yes" if i.concordant else "No") if decided else "", _reason(i),
                  OUTCOME_LABELS.get(i.implementation, "") if decided else "",
                  "" if wait is None else str(wait), ", ".join(i.amended))
        return values[index.column()]


class AuditCasesDialog(QDialog):
    case_requested = Signal(str)
    """Emitted with a record number when the user opens a case from the list."""

    def __init__(self, title: str, rows: Sequence[AuditItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.heading = QLabel(f"{title}: {len(rows)} case(s) (double-click to open one)")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.model = AuditCasesModel(self)
        self.model.set_rows(rows)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Cases behind the chart")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.activated.connect(self._on_table_activated)
        self.resize(1000, 420)

    def _on_table_activated(self, index: QModelIndex) -> None:
        self.case_requested.emit(self.model.item(index.row()).mrn)
