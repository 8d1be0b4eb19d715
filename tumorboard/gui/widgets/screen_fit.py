"""Windows that fit the screen they open on (a 1366x768 hospital laptop included) and come back
at the size the user gave them."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QSize
from PySide6.QtWidgets import QWidget

LAPTOP = QSize(1366, 768)
"""The smallest screen every window must fit, its title bar and a taskbar included."""
TASKBAR = 48


def fit_size(preferred: QSize, available: QSize) -> QSize:
    """``preferred`` shrunk, where needed, to the screen's available area."""
    return QSize(min(preferred.width(), available.width()), min(preferred.height(), available.height()))


def restore_or_fit(window: QWidget, settings: QSettings, key: str, preferred: QSize) -> None:
    """The size the user left the window at (kept in QSettings under ``key``), else ``preferred``;
    either way no larger than the screen it opens on."""
    geometry = settings.value(key)
    if isinstance(geometry, QByteArray) and window.restoreGeometry(geometry):
        size = window.size()
    else:
        size = preferred
    screen = window.screen()
    if screen is not None:
        size = fit_size(size, screen.availableGeometry().size())
    window.resize(size)


def remember(window: QWidget, settings: QSettings, key: str) -> None:
    settings.setValue(key, window.saveGeometry())
