"""Table models of the meetings screens: the meeting list, attendance, a decision's actions, and a
checkable list (suggested cases, counselling points). Rows are snapshots from the meeting service."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from tumorboard.domain.meeting import BoardRole, DecisionAction, Discipline
from tumorboard.gui.widgets.table_model import RowsTableModel
from tumorboard.store.meeting_records import AttendanceRecord, MeetingListRecord

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole
# Pale tints only (the palette's text stays readable in light and dark themes).
STATE_COLOURS = {"signed": QColor(90, 180, 110, 70), "closed": QColor(150, 150, 150, 60)}
PROBLEM_COLOUR = QColor(211, 47, 47, 90)


def meeting_state(row: MeetingListRecord) -> str:
    return "signed" if row.signed else "closed" if row.closed else "open"


def discipline_label(value: str) -> str:
    try:
        return Discipline(value).label
    except ValueError:
        return value.replace("_", " ")


def role_label(value: str) -> str:
    try:
        return BoardRole(value).value.capitalize()
    except ValueError:
        return value


class MeetingListModel(RowsTableModel):
    """Meetings, newest first (the service's order); the meeting id is each row's user data."""

    COLUMNS = ("Date", "Time", "Board", "Cases", "State", "Chair")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[MeetingListRecord] = []

    def set_rows(self, rows: Sequence[MeetingListRecord]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> MeetingListRecord:
        return self._rows[row]

    def row_of(self, meeting_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == meeting_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = (f"{row.day:%a %d %b %Y}", row.start_time or "", row.board, str(row.cases),
                      meeting_state(row), row.chair or "")
            return values[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == 4:
            colour = STATE_COLOURS.get(meeting_state(row))
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.board} on {row.day.isoformat()}: {row.cases} case(s), {meeting_state(row)}"
        if role == ID_ROLE:
            return row.id
        return None


class AttendanceModel(RowsTableModel):
    """Who is expected and who came; the "Present" cell is a checkbox.

    Ticking asks ``change_presence(name, present)``; it returns False when the service refused,
    and the box keeps its previous state."""

    COLUMNS = ("Name", "Discipline", "Role", "Present")
    PRESENT = 3

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AttendanceRecord] = []
        self.editable = True
        self.change_presence: Callable[[str, bool], bool] = lambda _name, _present: False

    def set_rows(self, rows: Sequence[AttendanceRecord], *, editable: bool = True) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.editable = editable
        self.endResetModel()

    def row_at(self, row: int) -> AttendanceRecord:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.name, discipline_label(row.discipline), role_label(row.role),
                    "present" if row.present else "absent")[column]
        if role == Qt.ItemDataRole.CheckStateRole and column == self.PRESENT:
            return Qt.CheckState.Checked if row.present else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.name}, {discipline_label(row.discipline)}: {'present' if row.present else 'absent'}"
        if role == ID_ROLE:
            return row.name
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.PRESENT and self.editable:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != self.PRESENT
                or not self.editable):
            return False
        present = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        row = self._rows[index.row()]
        if present == row.present or not self.change_presence(row.name, present):
            return False
        self._rows[index.row()] = AttendanceRecord(row.name, row.discipline, row.role, present)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.PRESENT))
        return True


class ActionsModel(RowsTableModel):
    """A decision's actions as typed: description, owner, due date (YYYY-MM-DD, may be empty)."""

    COLUMNS = ("Action", "Owner", "Due (YYYY-MM-DD)")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[str]] = []
        self.editable = True
        self._problems: dict[tuple[int, int], str] = {}

    def set_actions(self, rows: Sequence[Sequence[str]], *, editable: bool = True) -> None:
        self.beginResetModel()
        self._rows = [[str(v) for v in r] + [""] * (3 - len(r)) for r in rows]
        self.editable = editable
        self._problems = {}
        self.endResetModel()

    def texts(self) -> list[list[str]]:
        return [list(r) for r in self._rows]

    def add_row(self) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(["", "", ""])
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def actions(self) -> tuple[tuple[DecisionAction, ...], list[str]]:
        """The typed actions (blank rows skipped) and the problems found in them, each naming
        "actions N" the way the service does."""
        out: list[DecisionAction] = []
        problems: list[str] = []
        self._problems = {}
        for i, (description, owner, due) in enumerate(self._rows):
            if not (description.strip() or owner.strip() or due.strip()):
                continue
            when = None
            if due.strip():
                try:
                    when = date.fromisoformat(due.strip())
                except ValueError:
                    problems.append(f"actions {len(out) + 1}: the due date {due!r} is not a date as "
                                    "YYYY-MM-DD")
                    self._problems[(i, 2)] = problems[-1]
            if not description.strip():
                self._problems[(i, 0)] = "the action has no description"
            if not owner.strip():
                self._problems[(i, 1)] = "the action has no owner"
            out.append(DecisionAction(description, owner, when))
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 2))
        return tuple(out), problems

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[index.row()][index.column()]
        problem = self._problems.get((index.row(), index.column()))
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return QBrush(PROBLEM_COLOUR)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable:
            return False
        self._rows[index.row()][index.column()] = str(value)
        self._problems.pop((index.row(), index.column()), None)
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() and self.editable else base


class CheckListModel(QAbstractListModel):
    """Lines the user ticks: (key, text, ticked). The key is each item's user data."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[tuple[str, str, bool]] = []
        self.editable = True

    def set_items(self, items: Sequence[tuple[str, str, bool]], *, editable: bool = True) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.editable = editable
        self.endResetModel()

    def ticked(self) -> list[str]:
        return [key for key, _text, on in self._items if on]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        key, text, on = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role == ID_ROLE:
            return key
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.isValid() and self.editable else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or not self.editable:
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        key, text, _ = self._items[index.row()]
        self._items[index.row()] = (key, text, on)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_all(self, on: bool) -> None:
        self._items = [(k, t, on) for k, t, _ in self._items]
        if self._items:
            self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1),
                                  [Qt.ItemDataRole.CheckStateRole])
