"""Worklist table model: a QAbstractTableModel over row snapshots from the case service.

A filter lists its first rows at once and the rest as the view scrolls to them (Qt's
``canFetchMore``/``fetchMore``): each keystroke of a search reads a screenful and more, not every
row the list may hold (each row read is checksum-checked). Whatever reads the whole list (an
export, a sort) fetches the rest first (``fetch_all``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from tumorboard.services.cases import WorklistRow

Index = QModelIndex | QPersistentModelIndex

WINDOW_LABELS = {
    "no_systemic_therapy": "-",
    "before_window": "not yet open",
    "open": "OPEN",
    "assessed": "assessed",
    "overdue": "OVERDUE",
}
# Background colours by response-window status; text stays the palette's, so both light and dark
# palettes remain readable (the colours are pale and only tint the cell).
WINDOW_COLOURS = {"open": QColor(255, 214, 102, 110), "overdue": QColor(230, 80, 80, 110),
                  "assessed": QColor(90, 180, 110, 70)}


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


COLUMNS: list[tuple[str, Any]] = [
    ("MRN", lambda r: r.mrn),
    ("Name", lambda r: r.name),
    ("Age", lambda r: r.age),
    ("Subtype", lambda r: r.subtype),
    ("Stage", lambda r: r.stage),
    ("Distant lesions", lambda r: r.distant_lesions),
    ("Status", lambda r: r.status.label),
    ("Response window", lambda r: (f"{_d(r.window_opens)} - {_d(r.window_closes)} "
                                   f"({WINDOW_LABELS[r.window_status]})" if r.window_opens else "-")),
    ("Latest response", lambda r: r.latest_response or ""),
    ("Next action", lambda r: r.next_action),
    ("Next meeting", lambda r: _d(r.next_meeting)),
    ("Missing", lambda r: ", ".join(r.missing)),
]
SORT_KEYS: list[Any] = [
    lambda r: r.mrn, lambda r: r.name.lower(), lambda r: r.age, lambda r: r.subtype,
    lambda r: r.stage, lambda r: r.distant_lesions, lambda r: r.status.value,
    lambda r: (r.window_opens is None, r.window_opens or date.max), lambda r: r.latest_response or "",
    lambda r: r.next_action, lambda r: (r.next_meeting is None, r.next_meeting or date.max),
    lambda r: len(r.missing),
]


class WorklistModel(QAbstractTableModel):
    """Rows are immutable snapshots; refreshing replaces them all (the view keeps nothing live)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[WorklistRow] = []
        self._more: Callable[[int], list[WorklistRow]] | None = None
        self._inserting = False  # a view asked again while rows go in: one insertion at a time

    def set_rows(self, rows: list[WorklistRow],
                 more: Callable[[int], list[WorklistRow]] | None = None) -> None:
        """The list's first rows; ``more(offset)`` reads the next ones (an empty list: no more)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._more = more
        self.endResetModel()

    @property
    def complete(self) -> bool:
        """Every row of the list is here."""
        return self._more is None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        return not parent.isValid() and self._more is not None and not self._inserting

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt API
        read_on = self._more
        if read_on is None or not self.canFetchMore(parent):
            return
        more = read_on(len(self._rows))
        if not more:
            self._more = None
            return
        self._inserting = True
        try:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()
        finally:
            self._inserting = False

    def fetch_all(self) -> list[WorklistRow]:
        """Every row of the list (the rest read now), in the list's order."""
        while self.canFetchMore():
            self.fetchMore()
        return list(self._rows)

    def row_at(self, row: int) -> WorklistRow:
        return self._rows[row]

    def row_of(self, mrn: str) -> int:
        for i, r in enumerate(self._rows):
            if r.mrn == mrn:
                return i
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(COLUMNS[index.column()][1](row))
        if role == Qt.ItemDataRole.BackgroundRole and COLUMNS[index.column()][0] == "Response window":
            colour = WINDOW_COLOURS.get(row.window_status)
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.missing:
                return "Missing before the MDT: " + ", ".join(row.missing)
            return f"{row.name} ({row.mrn}): {row.next_action}"
        if role == Qt.ItemDataRole.UserRole:
            return row.mrn
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(SORT_KEYS):
            return
        self.fetch_all()  # a sort of the rows read so far would pass for the list's order
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        mrns = [self._rows[i.row()].mrn for i in before]
        self._rows.sort(key=SORT_KEYS[column], reverse=order == Qt.SortOrder.DescendingOrder)
        position = {r.mrn: i for i, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            before, [self.index(position[m], i.column()) for m, i in zip(mrns, before, strict=True)])
        self.layoutChanged.emit()
