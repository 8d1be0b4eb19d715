"""The agenda of one meeting as a table that reorders by drag and drop (and by moveRows).

A move is asked of ``reorder(mrns) -> bool`` (the planner forwards it to the meeting service);
only when that succeeds does the table change, so what is shown is what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from tumorboard.domain.meeting import AgendaTriage
from tumorboard.gui.widgets.table_model import RowsTableModel
from tumorboard.store.meeting_records import AgendaRecord

Index = QModelIndex | QPersistentModelIndex
MIME_TYPE = "application/x-tumorboard-agenda-mrns"
STATUS_COLOURS = {"decided": QColor(90, 180, 110, 70), "to discuss": QColor(255, 214, 102, 90)}


def agenda_status(item: AgendaRecord, moved_to: date | None = None) -> str:
    """Where the case stands at this meeting, in the coordinator's words."""
    if item.decision is not None or item.discussed:
        return "decided"
    if item.triage == AgendaTriage.LISTED_NOT_DISCUSSED.value:
        return "listed, not discussed"
    if moved_to is not None:
        return f"moved to {moved_to.isoformat()}"
    if item.carried_over_from_day is not None:
        return f"carried over from {item.carried_over_from_day.isoformat()}"
    return "to discuss"


def triage_label(item: AgendaRecord) -> str:
    if item.triage == AgendaTriage.LISTED_NOT_DISCUSSED.value:
        who = f" ({item.responsible_clinician})" if item.responsible_clinician else ""
        return f"listed only{who}"
    return "for discussion"


def moved(order: Sequence[str], rows: Sequence[int], target: int) -> list[str]:
    """``order`` with the items at ``rows`` moved, in their order, before position ``target``
    (``len(order)`` = to the end)."""
    picked = [order[r] for r in sorted(set(rows)) if 0 <= r < len(order)]
    before = sum(1 for r in set(rows) if 0 <= r < target)
    rest = [m for i, m in enumerate(order) if i not in set(rows)]
    at = max(0, min(target - before, len(rest)))
    return rest[:at] + picked + rest[at:]


class AgendaModel(RowsTableModel):
    reordered = Signal()
    """Emitted after a new order was stored by the service and is shown."""

    COLUMNS = ("#", "MRN", "Name", "Question", "Presenter", "Triage", "Status")
    STATUS = 6

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AgendaRecord] = []
        self.moved_to: date | None = None  # a closed meeting's undiscussed cases went there
        self.editable = True
        self.reorder: Callable[[list[str]], bool] = lambda _mrns: False

    def set_rows(self, rows: Sequence[AgendaRecord], *, editable: bool = True,
                 moved_to: date | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.editable = editable
        self.moved_to = moved_to
        self.endResetModel()

    def mrns(self) -> list[str]:
        return [r.mrn for r in self._rows]

    def row_at(self, row: int) -> AgendaRecord:
        return self._rows[row]

    def row_of(self, mrn: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.mrn == mrn), -1)

    def status_of(self, row: int) -> str:
        item = self._rows[row]
        return agenda_status(item, self.moved_to if self.moved_to and not item.discussed else None)

    # -- reading ------------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = (str(index.row() + 1), item.mrn, item.name or "", item.question or "",
                      item.presenter or "", triage_label(item), self.status_of(index.row()))
            return values[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [f"{item.name or item.mrn} ({item.mrn})", self.status_of(index.row())]
            if item.question:
                parts.append(f"Question: {item.question}")
            if item.responsible_clinician:
                parts.append(f"Responsible clinician: {item.responsible_clinician}")
            return "\n".join(parts)
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == self.STATUS:
            colour = STATUS_COLOURS.get(self.status_of(index.row()))
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.UserRole:
            return item.mrn
        return None

    # -- moving -------------------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not self.editable:
            return base
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled  # between rows, never onto one

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(MIME_TYPE, QByteArray("\n".join(self._rows[r].mrn for r in rows).encode()))
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: Index) -> bool:
        return self.editable and action == Qt.DropAction.MoveAction and data.hasFormat(MIME_TYPE)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        wanted = bytes(data.data(MIME_TYPE).data()).decode().split("\n")
        rows = [self.row_of(m) for m in wanted if self.row_of(m) >= 0]
        if not rows:
            return False
        if row < 0:  # dropped onto a row (or below the last): before that row, or at the end
            row = parent.row() if parent.isValid() else len(self._rows)
        self.move_to(rows, row)
        # False: the view must not also remove the dragged rows; the move is already done.
        return False

    def moveRows(self, sourceParent: Index, sourceRow: int, count: int, destinationParent: Index,
                 destinationChild: int) -> bool:
        if sourceParent.isValid() or destinationParent.isValid() or count < 1:
            return False
        if sourceRow < 0 or sourceRow + count > len(self._rows):
            return False
        if sourceRow <= destinationChild <= sourceRow + count:
            return False  # onto itself: nothing to do
        return self.move_to(list(range(sourceRow, sourceRow + count)), destinationChild)

    def move_to(self, rows: Sequence[int], target: int) -> bool:
        """Move the rows before ``target``; True if the service stored the new order."""
        if not self.editable:
            return False
        order = moved(self.mrns(), rows, target)
        if order == self.mrns() or not self.reorder(order):
            return False
        by_mrn = {r.mrn: r for r in self._rows}
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        mrns = [self._rows[i.row()].mrn for i in before]
        self._rows = [by_mrn[m] for m in order]
        position = {m: i for i, m in enumerate(order)}
        self.changePersistentIndexList(
            before, [self.index(position[m], i.column()) for m, i in zip(mrns, before, strict=True)])
        self.layoutChanged.emit()
        self.reordered.emit()
        return True
