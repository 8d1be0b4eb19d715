"""Every input a user can reach has an accessible name (screen readers, UI automation)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tumorboard.gui.main_window import MainWindow
from tumorboard.services.cases import CaseService

TODAY = date(2026, 11, 28)  # the demo data's "today", as in conftest.py

INPUTS = (QLineEdit, QComboBox, QCheckBox, QAbstractSpinBox, QDateEdit, QPlainTextEdit, QTextEdit,
          QAbstractItemView)


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or (isinstance(widget, QAbstractButton) and widget.text()):
            continue
        parent = widget.parentWidget()
        # Editors inside a combo box or a spin box belong to it; the viewport of a view too.
        if isinstance(parent, QComboBox | QAbstractSpinBox) or widget.objectName().startswith("qt_"):
            continue
        if parent is not None and parent.inherits("QComboBoxPrivateContainer"):  # a combo's popup list
            continue
        if isinstance(widget, QHeaderView) and isinstance(parent, QAbstractItemView):  # part of its table
            continue
        if not widget.accessibleName().strip():
            missing.append(f"{type(widget).__name__} under {type(parent).__name__ if parent else '-'}")
    return missing


def test_every_input_of_the_main_window_and_open_case_has_an_accessible_name(qtbot: QtBot,
                                                                          service: CaseService) -> None:
    window = MainWindow(service, "test database", today=TODAY)
    qtbot.addWidget(window)
    window.show()
    window.open_case("DEMO-0010")
    missing = _unnamed(window)
    assert missing == [], "\n".join(missing)
