"""A menu and toolbar action with its shortcut and status tip, as every window makes them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence


def make_action(parent: QObject, text: str, shortcut: QKeySequence | str | QKeySequence.StandardKey,
                slot: Any, tip: str) -> QAction:
    action = QAction(text, parent)
    action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action
