"""The Qt binding itself: a defect here crashes every screen, so it is checked before them."""

from __future__ import annotations

import platform
import sys

import PySide6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot


def test_void_qt_calls_keep_none_alive(qtbot: QtBot) -> None:
    """Each call of a void method (update, setPen, drawLine...) must leave None's references as
    they were. PySide6 6.12.0 on Python 3.10/3.11 drops one per call, and the process aborts after
    about 5,000 calls ("Fatal Python error: none_dealloc"): the app dies within minutes of use.
    Python 3.12+ is unaffected (None is immortal there)."""
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(1000):
        widget.update()
    lost = before - sys.getrefcount(None)
    assert lost < 100, (
        f"PySide6 {PySide6.__version__} on Python {platform.python_version()} drops a reference to "
        f"None on every void call ({lost} in 1,000 calls); the app aborts after a few thousand. "
        "Run on Python >= 3.12, or require a PySide6 release without this defect.")
