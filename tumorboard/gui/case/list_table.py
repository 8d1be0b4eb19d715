"""A list of the open case (lesions, therapies) as an editable table: model and combo delegate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from tumorboard.gui.case.editor_lists import ListSpec

Index = QModelIndex | QPersistentModelIndex


class ListTableModel(QAbstractTableModel):
    """Rows are the editor's typed rows of one list; every edit is reported to ``on_edit``."""

    def __init__(self, spec: ListSpec, parent: Any = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._rows: list[dict[str, str]] = []
        self._problems: dict[str, str] = {}
        self.on_edit: Callable[[], None] = lambda: None

    def set_rows(self, rows: list[dict[str, str]]) -> None:
        self.beginResetModel()
        self._rows = rows  # shared with the edit state on purpose: the table edits it in place
        self._problems = {}
        self.endResetModel()

    def set_problems(self, problems: dict[str, str]) -> None:
        prefix = self.spec.pointer + "/"
        self._problems = {k: v for k, v in problems.items() if k.startswith(prefix)}
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(self.spec.keys) - 1))

    def problem_at(self, row: int, column: int) -> str | None:
        at = f"{self.spec.pointer}/{row}"
        return (self._problems.get(f"{at}/{self.spec.keys[column]}")
                or (self._problems.get(at) if column == 0 else None))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.spec.keys)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        value = self._rows[index.row()][self.spec.keys[index.column()]]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return value.replace("_", " ") if role == Qt.ItemDataRole.DisplayRole else value
        problem = self.problem_at(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return QBrush(QColor(211, 47, 47, 90))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        self._rows[index.row()][self.spec.keys[index.column()]] = str(value)
        self.dataChanged.emit(index, index)
        self.on_edit()
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.spec.labels)):
            return self.spec.labels[section]
        return None

    def add_row(self) -> None:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append({key: "" for key in self.spec.keys} | self.spec.blank)
        self.endInsertRows()
        self.on_edit()

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self.on_edit()


class ChoiceDelegate(QStyledItemDelegate):
    """Cells with a fixed vocabulary are chosen from the case document's lists; others are text."""

    def __init__(self, spec: ListSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        key = self.spec.keys[index.column()]
        if key not in self.spec.choices:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setAccessibleName(self.spec.labels[index.column()])
        for choice in self.spec.choices[key]:
            combo.addItem(choice.replace("_", " ") or "(none)", choice)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
