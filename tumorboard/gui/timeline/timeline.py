"""Case timeline: what a clinician reads in two seconds at the meeting.

Diagnoses and MDT discussions as markers, therapies as labelled bars in lanes (planned ones
hatched, ongoing ones with an open end), the 3-6 month response window shaded and coloured by its
status, RECIST assessments as lettered badges, a today line and a legend. Hovering shows the
details of the item under the pointer. Geometry lives in ``tumorboard.timeline.layout`` (no Qt); this module
only paints it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from tumorboard.domain.case import Case
from tumorboard.timeline import style
from tumorboard.timeline.layout import (
    Box,
    Item,
    Kind,
    LegendEntry,
    Metrics,
    TimelineLayout,
    compute_layout,
)
from tumorboard.timeline.model import TimelineModel, build_model, describe


def _rect(box: Box) -> QRectF:
    return QRectF(box.x, box.y, box.w, box.h)


class CaseTimeline(QWidget):
    """Custom-painted timeline of one case; feed it with ``set_case``."""

    item_hovered = Signal(str)
    """Emitted with the details of the item under the pointer when it changes ('' when none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName("Case timeline")
        self._model: TimelineModel | None = None
        self._layout: TimelineLayout | None = None
        self._heights: dict[int, int] = {}  # width -> height; layouts ask often while resizing
        self._hovered: Item | None = None
        self._dark = False  # set per paint from the palette
        self._pen_w = 1.0  # pen width grows with the font (150% scaling, large fonts)
        self.setAccessibleDescription(describe(None))

    # -- content ------------------------------------------------------------------------------
    def set_case(self, case: Case | None, recommendation: Mapping[str, Any] | None, today: date) -> None:
        """Show ``case`` as of ``today`` with the engine's window and RECIST responses (both optional)."""
        self._model = build_model(case, recommendation, today) if case is not None else None
        self._layout, self._hovered = None, None
        self._heights.clear()
        self.setAccessibleDescription(describe(self._model))
        self.updateGeometry()  # the number of lanes changes the height it needs
        self.update()

    def describe(self) -> str:
        """A text equivalent of the drawing (screen readers, tests)."""
        return describe(self._model)

    def timeline_layout(self) -> TimelineLayout | None:
        """The geometry at the current width (None without a case)."""
        if self._model is None:
            return None
        if self._layout is None or self._layout.width != self.width():
            self._layout = compute_layout(self._model, self.width(), self._metrics())
        return self._layout

    def item_at(self, point: QPointF) -> Item | None:
        layout = self.timeline_layout()
        return layout.hit_test(point.x(), point.y()) if layout else None

    def tooltip_at(self, point: QPointF) -> str | None:
        item = self.item_at(point)
        return item.tooltip if item else None

    def hovered_item(self) -> Item | None:
        return self._hovered

    def _metrics(self) -> Metrics:
        fm = QFontMetricsF(self.font())
        bold = QFontMetricsF(self._bold_font())
        return Metrics(fm.height(), fm.horizontalAdvance, bold.horizontalAdvance)

    def _bold_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    # -- size ---------------------------------------------------------------------------------
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if self._model is None:
            return int(self._metrics().line * 4)
        if width not in self._heights:
            self._heights[width] = int(compute_layout(self._model, width, self._metrics()).height + 0.999)
        return self._heights[width]

    def sizeHint(self) -> QSize:
        width = int(self._metrics().line * 50)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        # Never shorter than the drawing at the current width: a splitter must not clip the legend.
        line = self._metrics().line
        width = self.width() if self.width() > line * 20 else int(line * 50)
        return QSize(int(line * 20), self.heightForWidth(width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        if event.size().width() != event.oldSize().width():
            self._layout = None
            self.updateGeometry()  # more or fewer lanes at the new width: a new minimum height
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        # Font or scaling changes move everything: measure again.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._layout = None
            self._heights.clear()
            self.updateGeometry()
        super().changeEvent(event)

    # -- hover --------------------------------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if item != self._hovered:
            self._hovered = item
            self.update()
            self.item_hovered.emit(item.tooltip if item else "")
        if item:
            QToolTip.showText(event.globalPosition().toPoint(), item.tooltip, self,
                              _rect(item.hit_box).toAlignedRect())
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.update()
            self.item_hovered.emit("")
        super().leaveEvent(event)

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        layout = self.timeline_layout()
        if layout is None:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No case open")
            p.end()
            return
        self._dark = pal.base().color().lightness() < 128
        self._pen_w = max(1.0, QFontMetricsF(self.font()).height() / 14)
        self._paint_rows(p, layout)
        for item in layout.items:
            paint = {Kind.WINDOW: self._paint_window, Kind.TODAY: self._paint_today,
                     Kind.THERAPY: self._paint_therapy, Kind.EVENT: self._paint_event,
                     Kind.ASSESSMENT: self._paint_badge}[item.kind]
            paint(p, item)
        self._paint_axis(p, layout)
        for entry in layout.legend:
            self._paint_legend(p, entry)
        if self._hovered is not None:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), self._pen_w * 2))
            p.drawRoundedRect(_rect(self._hovered.box).adjusted(-2, -2, 2, 2), 3, 3)
        p.end()

    def _text(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _faint(self, alpha: int) -> QColor:
        colour = QColor(self._text())
        colour.setAlpha(alpha)
        return colour

    def _draw_label(self, p: QPainter, box: Box, text: str, colour: QColor, bold: bool = False,
                    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        font = self._bold_font() if bold else self.font()
        p.setFont(font)
        p.setPen(colour)
        shown = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, box.w + 1)
        p.drawText(_rect(box), int(align | Qt.AlignmentFlag.AlignVCenter), shown)

    def _paint_rows(self, p: QPainter, layout: TimelineLayout) -> None:
        for i, row in enumerate(layout.rows):
            if i % 2 == 0:
                p.fillRect(_rect(row.band), self._faint(14))  # zebra bands guide the eye along a lane
            self._draw_label(p, row.title_box, row.title, self._text(), bold=True)
            if row.note:
                note = Box(layout.scale.left, row.band.y, row.band.right - layout.scale.left, row.band.h)
                self._draw_label(p, note, row.note, self.palette().color(QPalette.ColorRole.PlaceholderText))
        p.setPen(QPen(self._faint(45), self._pen_w))
        top = layout.rows[0].band.y if layout.rows else 0
        for tick in layout.ticks:
            if tick.major:  # a faint line at each new year
                p.drawLine(QPointF(tick.x, top), QPointF(tick.x, layout.axis_y))

    def _paint_window(self, p: QPainter, item: Item) -> None:
        fill = QColor(style.WINDOW_FILL.get(item.key, style.FALLBACK_FILL))
        edge = QColor(fill)
        fill.setAlpha(style.WINDOW_ALPHA[self._dark])
        p.fillRect(_rect(item.box), fill)
        p.setPen(QPen(edge, self._pen_w, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(item.box.x, item.box.y), QPointF(item.box.x, item.box.bottom))
        p.drawLine(QPointF(item.box.right, item.box.y), QPointF(item.box.right, item.box.bottom))
        if item.label_box:
            self._draw_label(p, item.label_box, item.label, self._text(), bold=True)

    def _paint_today(self, p: QPainter, item: Item) -> None:
        colour = QColor(style.TODAY_LINE[self._dark])
        x = item.box.center[0]
        p.setPen(QPen(colour, self._pen_w * 1.5, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(x, item.box.y), QPointF(x, item.box.bottom))
        if item.label_box:
            self._draw_label(p, item.label_box, item.label, colour, bold=True)

    def _paint_therapy(self, p: QPainter, item: Item) -> None:
        fill = QColor(style.THERAPY_FILL.get(item.key, style.FALLBACK_FILL))
        box = item.box
        points = [QPointF(box.x, box.y), QPointF(box.right, box.y)]
        if item.open_end:  # an arrow head: the therapy goes on beyond what is drawn
            points.append(QPointF(box.right + box.h * 0.4, box.y + box.h / 2))
        shape = QPolygonF([*points, QPointF(box.right, box.bottom), QPointF(box.x, box.bottom)])
        if item.planned:
            pale = QColor(fill)
            pale.setAlpha(45)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(pale)
            p.drawPolygon(shape)
            hatch = QColor(fill)
            hatch.setAlpha(150)  # light enough hatching for the regimen to stay readable over it
            p.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            p.setPen(QPen(fill, self._pen_w * 1.5, Qt.PenStyle.DashLine))
        else:
            p.setBrush(fill)
            p.setPen(Qt.PenStyle.NoPen)
        p.drawPolygon(shape)
        if item.future_x is not None:  # the scheduled rest of a course that has started
            rest = QRectF(item.future_x, box.y, box.right - item.future_x, box.h)
            p.fillRect(rest, QBrush(QColor(self.palette().color(QPalette.ColorRole.Base)),
                                    Qt.BrushStyle.BDiagPattern))
        if item.label_box:
            on_bar = item.label_inside and not item.planned
            colour = QColor(style.text_on(fill.name())) if on_bar else self._text()
            if item.label_inside and item.planned:
                # A backdrop under the words, so the hatching does not cross them.
                width = min(QFontMetricsF(self._bold_font()).horizontalAdvance(item.label), item.label_box.w)
                backdrop = QColor(self.palette().color(QPalette.ColorRole.Base))
                backdrop.setAlpha(210)
                p.fillRect(QRectF(item.label_box.x - 2, box.y + 2, width + 4, box.h - 4), backdrop)
            self._draw_label(p, item.label_box, item.label, colour, bold=item.label_inside)

    def _paint_event(self, p: QPainter, item: Item) -> None:
        cx, cy = item.box.center
        r = item.box.w / 2
        if item.key == "mdt":  # a downward triangle: "discussed here"
            colour = QColor(style.MDT_MARK[self._dark])
            shape = QPolygonF([QPointF(cx - r, cy - r), QPointF(cx + r, cy - r), QPointF(cx, cy + r)])
        else:  # a diamond for a diagnosis
            colour = self._text()
            shape = QPolygonF([QPointF(cx, cy - r), QPointF(cx + r, cy), QPointF(cx, cy + r),
                               QPointF(cx - r, cy)])
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawPolygon(shape)
        if item.label_box:
            self._draw_label(p, item.label_box, item.label, self._text())

    def _paint_badge(self, p: QPainter, item: Item) -> None:
        box = item.box
        radius = box.h / 3
        if item.key == "baseline":  # no response yet: an outline, not a colour
            p.setBrush(self.palette().color(QPalette.ColorRole.Base))
            p.setPen(QPen(self._text(), self._pen_w))
            text = self._text()
        else:
            fill = style.RESPONSE_FILL.get(item.key, style.FALLBACK_FILL)
            p.setBrush(QColor(fill))
            # The outline keeps pale badges (SD, NN) visible on a light background.
            p.setPen(QPen(self._faint(150), self._pen_w))
            text = QColor(style.text_on(fill))
        p.drawRoundedRect(_rect(box), radius, radius)
        self._draw_label(p, box, item.label, text, bold=True, align=Qt.AlignmentFlag.AlignHCenter)

    def _paint_axis(self, p: QPainter, layout: TimelineLayout) -> None:
        y = layout.axis_y
        p.setPen(QPen(self._text(), self._pen_w))
        p.drawLine(QPointF(layout.scale.left, y), QPointF(layout.scale.right, y))
        tick_h = QFontMetricsF(self.font()).height() * 0.3
        for tick in layout.ticks:
            p.setPen(QPen(self._text(), self._pen_w))
            p.drawLine(QPointF(tick.x, y), QPointF(tick.x, y + tick_h * (1.6 if tick.major else 1)))
            self._draw_label(p, tick.label_box, tick.label, self._text(), bold=tick.major,
                             align=Qt.AlignmentFlag.AlignHCenter)

    def _paint_legend(self, p: QPainter, entry: LegendEntry) -> None:
        # Swatches are drawn by the same code as the items they explain, so they always match.
        s = entry.swatch
        if entry.kind == "response":
            self._paint_badge(p, Item(Kind.ASSESSMENT, s, entry.key, entry.badge, None, ""))
        elif entry.kind == "window":
            self._paint_window(p, Item(Kind.WINDOW, s, entry.key, "", None, ""))
        elif entry.kind == "planned":
            self._paint_therapy(p, Item(Kind.THERAPY, s, "systemic", "", None, "", planned=True))
        else:
            self._paint_today(p, Item(Kind.TODAY, s, "today", "", None, ""))
        self._draw_label(p, entry.text_box, entry.text, self._text())
