"""A tab page whose screen is built the first time it is shown (or asked for), not with the
window: a screen the user has not opened yet costs nothing at start-up."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyPage(QWidget):
    """Holds the place of ``build()``'s widget in a tab (or any layout) until it is needed."""

    def __init__(self, build: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._content is not None

    def content(self) -> QWidget:
        """The screen, built now if it was not yet."""
        if self._content is None:
            self._content = self._build()
            self._layout.addWidget(self._content)
            if self.isVisible():  # asked for while shown: on screen now, not at the next event
                self._content.show()
        return self._content

    def showEvent(self, event: QShowEvent) -> None:
        self.content()  # built before it is painted: the user never sees the empty page
        super().showEvent(event)
