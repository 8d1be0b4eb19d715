"""The guideline recommendation beside the case: one rich-text page under a fixed disclaimer.

Key facts, warnings by severity (critical first), each verdict in plain words with its criteria as
a met / not met / unknown checklist, rationale and counselling with numbered, clickable sources,
bone health, the ruleset and, always in view above the page, the decision-support disclaimer.
Any part of the document may be missing; the panel shows what it has. The page is written by
``recommendation_html`` (no Qt); this widget shows it, follows its links and keeps the reader's
place while live editing recomputes the recommendation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QFontMetrics, QHelpEvent, QPalette, QTextCursor
from PySide6.QtWidgets import QFrame, QLabel, QTextBrowser, QToolTip, QVBoxLayout, QWidget

from tumorboard.gui.recommendation import recommendation_html as page
from tumorboard.gui.recommendation import recommendation_text as words
from tumorboard.gui.recommendation.recommendation_html import REF_SCHEME
from tumorboard.gui.recommendation.recommendation_text import ReferenceIndex
from tumorboard.recommend.ruleset import default_ruleset

DISCLAIMER_STYLE = ({"bg": "#fff4d6", "fg": "#3b2f00", "edge": "#e0b34c"},
                    {"bg": "#3a3000", "fg": "#ffe9a8", "edge": "#8a6d1f"})


class RecommendationPanel(QWidget):
    """Read-only view of one recommendation document; references open in the browser."""

    reference_opened = Signal(str)
    """Emitted with the URL of a reference the user activated, just before it is opened."""

    def __init__(self, parent: QWidget | None = None,
                 open_url: Callable[[QUrl], object] | None = None) -> None:
        super().__init__(parent)
        # Injected so tests (and a kiosk build) can see the URL without starting a browser.
        self.open_url: Callable[[QUrl], object] = open_url or QDesktopServices.openUrl
        self.setAccessibleName("Guideline recommendation")
        self._rec: dict[str, Any] | None = None
        self._refs = ReferenceIndex({})
        self._columns = 1
        self._scroll_to = 0
        self._built = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.disclaimer = QLabel()
        self.disclaimer.setObjectName("disclaimer")
        self.disclaimer.setWordWrap(True)
        self.disclaimer.setAccessibleName("Decision-support disclaimer")
        outer.addWidget(self.disclaimer)
        self.view = QTextBrowser()
        self.view.setObjectName("recommendation")
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setOpenLinks(False)  # ref: links are ours; a URL opens only through open_url
        self.view.setAccessibleName("Recommendation details")
        self.view.anchorClicked.connect(self._on_anchor_clicked)
        self.view.viewport().installEventFilter(self)
        outer.addWidget(self.view, 1)
        self.set_recommendation(None)

    # -- public -------------------------------------------------------------------------------
    def set_recommendation(self, rec: Mapping[str, Any] | None, *, keep_place: bool = True) -> None:
        """Show ``rec`` (the engine's document), or a placeholder for ``None``.

        ``keep_place``: live editing of the same case keeps the reader where they were; another
        case (``keep_place=False``) starts at the top."""
        # A deep copy: the caller may keep editing its document, and equality below must compare
        # what is on screen with what is asked for.
        new = copy.deepcopy(dict(rec)) if isinstance(rec, Mapping) else None
        if not keep_place:
            self._scroll_to = 0
            self.view.verticalScrollBar().setValue(0)
        if new == self._rec and self._built:
            return  # live editing recomputes often; an unchanged result keeps the reader's place
        self._rec = new
        self._render(keep_place=keep_place)

    def sizeHint(self) -> QSize:
        # About 60 characters a line: verdicts and rationale read without a wall of wrapping.
        return QSize(self.fontMetrics().averageCharWidth() * 60, self.fontMetrics().height() * 30)

    def recommendation(self) -> dict[str, Any] | None:
        return self._rec

    def plain_text(self) -> str:
        """Everything the panel says, in reading order (screen readers, tests, copy to notes)."""
        return f"{self.disclaimer.text()}\n{self.view.toPlainText()}"

    def reference_links(self) -> list[str]:
        """The ids behind the page's reference links, in reading order (a reference cited twice twice)."""
        ids: list[str] = []
        block = self.view.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fmt = it.fragment().charFormat()
                if fmt.isAnchor() and fmt.anchorHref().startswith(REF_SCHEME):
                    ids.append(fmt.anchorHref().removeprefix(REF_SCHEME))
                it += 1
            block = block.next()
        return ids

    def fact_columns(self) -> int:
        """Name / value pairs a row in the key facts: two when the panel is wide enough."""
        return self._columns

    def open_reference(self, ref_id: str) -> str | None:
        """Open the reference's URL; returns it, or None when the reference has no URL."""
        url = self._refs.get(ref_id).url
        if url is None:
            return None
        self.reference_opened.emit(url)
        self.open_url(QUrl(url))
        return url

    # -- rendering ----------------------------------------------------------------------------
    def _look(self) -> page.Look:
        pal = self.palette()
        dark = pal.color(QPalette.ColorRole.Base).lightness() < 128
        size = self.view.font().pointSizeF()
        return page.Look(dark=dark, muted=pal.color(QPalette.ColorRole.PlaceholderText).name(),
                         fact_columns=self._columns, point_size=size if size > 0 else 10.0,
                         current_ruleset=default_ruleset().version)

    def _two_columns_from(self) -> int:
        """Viewport width from which two name/value pairs fit on a row without wrapping."""
        names = self.view.fontMetrics()
        bold = QFont(self.view.font())
        bold.setBold(True)
        values = QFontMetrics(bold)
        widest = max((names.horizontalAdvance(n) + values.horizontalAdvance(v)
                      for n, v in words.key_facts(self._rec or {})), default=0)
        return 2 * (widest + 24) + 2 * int(self.view.document().documentMargin())

    def _render(self, *, keep_place: bool = True) -> None:
        rec = self._rec
        style = DISCLAIMER_STYLE[self._look().dark]
        self.disclaimer.setStyleSheet(
            f"QLabel#disclaimer {{ background: {style['bg']}; color: {style['fg']}; "
            f"border: 1px solid {style['edge']}; border-radius: 4px; padding: 6px; }}")
        self.disclaimer.setText(words.disclaimer(rec))
        self._refs = page.reference_index(rec)
        self._columns = 2 if self.view.viewport().width() >= self._two_columns_from() else 1
        self._scroll_to = self.view.verticalScrollBar().value() if keep_place else 0
        self.view.setHtml(page.page(rec, self._look()))
        self.view.setAccessibleDescription(page.summary(rec))
        self._built = True
        # The new page is laid out before the scroll bar knows its range: restore the place after.
        QTimer.singleShot(0, self, self._restore_scroll)

    def _restore_scroll(self) -> None:
        self.view.verticalScrollBar().setValue(self._scroll_to)

    # -- events -------------------------------------------------------------------------------
    def _on_anchor_clicked(self, url: QUrl) -> None:
        href = url.toString()
        if href.startswith(REF_SCHEME):
            self.open_reference(href.removeprefix(REF_SCHEME))

    def tooltip_at(self, x: int, y: int) -> str | None:
        """The tooltip for a viewport point: a link's citation, or a warning's rule code."""
        pos = QPoint(x, y)
        href = self.view.anchorAt(pos)
        if href.startswith(REF_SCHEME):
            return self._refs.get(href.removeprefix(REF_SCHEME)).citation
        cursor = self.view.cursorForPosition(pos)
        cursor.movePosition(QTextCursor.MoveOperation.Right)
        return cursor.charFormat().toolTip() or None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport():
            if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
                tip = self.tooltip_at(event.pos().x(), event.pos().y())
                if tip:
                    QToolTip.showText(event.globalPos(), tip, self.view)
                else:
                    QToolTip.hideText()
                return True
            if event.type() == QEvent.Type.Resize and self._built:
                # Re-flow the key facts only when the column count changes, not on every pixel.
                columns = 2 if self.view.viewport().width() >= self._two_columns_from() else 1
                if columns != self._columns:
                    self._render()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        # A palette switch (light <-> dark) changes the tones written into the page, a font change
        # (a larger font for the projector) its heading and verdict sizes: render again.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and self._built:
            self._render()
        super().changeEvent(event)
