"""The small case timeline painted straight on the PDF canvas: :class:`TimelineFlowable`.

Where everything goes is decided once, without a toolkit, by ``tumorboard.timeline.layout``; this
module turns the layout's boxes into canvas operators. It paints what a ReportLab ``Drawing`` of
the same shapes painted, operator for operator (the same bytes: a test compares the two), without
building a tree of shape objects first: each shape used to be made, its attributes checked one by
one, and the tree walked again by the renderer, a tenth of a 40-case render for 40 drawings.

The operators are those ReportLab's renderer writes: each shape in a saved graphics state with its
colours, line width, caps, joins and dash set in the renderer's order, so the page is unchanged.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from tumorboard.reports.fonts import BOLD, REGULAR
from tumorboard.reports.styles import INK, MUTED
from tumorboard.timeline import style
from tumorboard.timeline.layout import Box, Item, Kind, TimelineLayout

FONT_SIZE = 6.2
LINE = FONT_SIZE * 1.3  # the layout's unit: one line of text, in points
STROKE = 0.5
ZEBRA = colors.HexColor("#F3F4F6")
YEAR_LINE = colors.HexColor("#C8CDD3")
PRINT_ALPHA = 0.32  # the window's shading on paper: the screen's alpha reads too pale when printed
_DEFAULT_WIDTH = 1  # a polygon given no line width has ReportLab's default (it strokes nothing)


@cache
def _colour(hex_colour: str, alpha: float = 1.0) -> colors.Color:
    """``hex_colour`` mixed with white paper (PDF/A-safe: no transparency groups). One object per
    colour and shade, shared by every shape that uses it (the canvas only reads its colours)."""
    c = colors.HexColor(hex_colour)
    return colors.Color(1 - alpha * (1 - c.red), 1 - alpha * (1 - c.green), 1 - alpha * (1 - c.blue))


@cache
def _ink_on(hex_fill: str) -> colors.Color:
    """The text colour that reads on ``hex_fill`` (the screen's rule), once per fill."""
    return colors.HexColor(style.text_on(hex_fill))


def fit(label: str, width: float, font: str) -> str:
    """The label, shortened with an ellipsis to fit ``width`` points (or empty if nothing fits)."""
    if stringWidth(label, font, FONT_SIZE) <= width + 0.5:
        return label
    while label and stringWidth(label + "…", font, FONT_SIZE) > width:
        label = label[:-1]
    return label + "…" if len(label) >= 3 else ""


class TimelineFlowable(Flowable):  # type: ignore[misc]  # ReportLab ships no types
    """The timeline of one case as a flowable, as wide and high as its layout."""

    hAlign = "LEFT"  # as a Drawing is placed
    vAlign = "BOTTOM"

    def __init__(self, layout: TimelineLayout) -> None:
        super().__init__()
        self.layout = layout
        self.width = layout.width
        self.height = layout.height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        _Painter(self.canv, self.layout).paint()


class _Painter:
    """Paints one layout; layout y grows downwards, the canvas's upwards."""

    def __init__(self, canv: Any, layout: TimelineLayout) -> None:
        self.c = canv
        self.layout = layout
        self.h = layout.height

    def y(self, y: float) -> float:
        return self.h - y

    # -- one shape each, in its own graphics state, with the renderer's state changes ----------
    def _shape_state(self, fill: colors.Color | None, stroke: colors.Color | None, width: float,
                     dash: list[float] | None) -> tuple[int, int]:
        c = self.c
        c.saveState()
        if fill is not None:
            c.setFillColor(fill)
        if stroke is not None:
            c.setStrokeColor(stroke)
        self._pen(width, dash)
        return int(stroke is not None), int(fill is not None)

    def _pen(self, width: float, dash: list[float] | None) -> None:
        """The line's width, caps, joins and dash, in the renderer's order."""
        c = self.c
        c.setLineWidth(width)
        c.setLineCap(0)
        c.setLineJoin(0)
        if dash:
            c.setDash(dash, 0)
        else:
            c.setDash()

    def rect(self, box: Box, fill: colors.Color, stroke: colors.Color | None = None,
             dash: list[float] | None = None) -> None:
        s, f = self._shape_state(fill, stroke, STROKE, dash)
        self.c.rect(box.x, self.y(box.bottom), box.w, box.h, stroke=s, fill=f)
        self.c.restoreState()

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: colors.Color, width: float,
             dash: list[float] | None) -> None:
        c = self.c
        c.saveState()  # a line sets no fill: the renderer's order without it
        c.setStrokeColor(colour)
        self._pen(width, dash)
        c.line(x1, y1, x2, y2)
        c.restoreState()

    def polygon(self, points: list[float], fill: colors.Color, stroke: colors.Color | None = None,
                width: float = _DEFAULT_WIDTH, dash: list[float] | None = None) -> None:
        s, f = self._shape_state(fill, stroke, width, dash)
        path = self.c.beginPath()
        path.moveTo(points[0], points[1])
        for i in range(2, len(points), 2):
            path.lineTo(points[i], points[i + 1])
        path.close()
        self.c.drawPath(path, stroke=s, fill=f)
        self.c.restoreState()

    def text(self, box: Box, words: str, colour: colors.Color, bold: bool = False,
             centre: bool = False) -> None:
        font = BOLD if bold else REGULAR
        shown = fit(words, box.w, font)
        if not shown:
            return
        baseline = self.y(box.y + box.h / 2) - FONT_SIZE * 0.34
        x = box.x + box.w / 2 if centre else box.x
        if centre:
            x -= stringWidth(shown, font, FONT_SIZE, "utf8") * 0.5
        c = self.c
        c.saveState()
        c.setFont(font, FONT_SIZE)
        c.setFillColor(colour)
        c.drawString(x, baseline, shown)
        c.restoreState()

    # -- the parts of the timeline, in the order they were always painted ---------------------
    def rows(self) -> None:
        for i, row in enumerate(self.layout.rows):
            if i % 2 == 0:
                self.rect(row.band, ZEBRA)
            self.text(row.title_box, row.title, MUTED, bold=True)
            if row.note:
                left = self.layout.scale.left
                self.text(Box(left, row.band.y, row.band.right - left, row.band.h), row.note, MUTED)
        if self.layout.rows:  # a faint line at each new year, under everything drawn on the rows
            top, bottom = self.y(self.layout.rows[0].band.y), self.y(self.layout.axis_y)
            for tick in (t for t in self.layout.ticks if t.major):
                self.line(tick.x, bottom, tick.x, top, YEAR_LINE, 0.3, [1, 2])

    def window(self, item: Item) -> None:
        fill = style.WINDOW_FILL.get(item.key, style.FALLBACK_FILL)
        self.rect(item.box, _colour(fill, PRINT_ALPHA))
        for x in (item.box.x, item.box.right):
            self.line(x, self.y(item.box.y), x, self.y(item.box.bottom), _colour(fill), STROKE, [2, 1.5])
        if item.label_box and item.label:
            self.text(item.label_box, item.label, INK, bold=True)

    def today(self, item: Item) -> None:
        colour = _colour(style.TODAY_LINE[0])
        x = item.box.center[0]
        self.line(x, self.y(item.box.y), x, self.y(item.box.bottom), colour, STROKE * 1.6, [2, 1.2])
        if item.label_box and item.label:
            self.text(item.label_box, item.label, colour, bold=True)

    def therapy(self, item: Item) -> None:
        fill = style.THERAPY_FILL.get(item.key, style.FALLBACK_FILL)
        b = item.box
        top, bottom = self.y(b.y), self.y(b.bottom)
        points = [b.x, top, b.right, top]
        if item.open_end:  # an arrow head: the therapy goes on beyond what is drawn
            points += [b.right + b.h * 0.4, (top + bottom) / 2]
        points += [b.right, bottom, b.x, bottom]
        if item.open_start:  # began before the drawing: an arrow instead of implying a start
            points += [b.x - b.h * 0.4, (top + bottom) / 2]
        if item.planned:  # pale with a dashed edge: not given yet
            self.polygon(points, _colour(fill, 0.18), _colour(fill), STROKE * 1.4, [2, 1.2])
        else:
            self.polygon(points, _colour(fill))
        if item.future_x is not None:  # the scheduled rest of a course that has started
            self.rect(Box(item.future_x, b.y, b.right - item.future_x, b.h), _colour(fill, 0.35))
        if item.label_box and item.label:
            on_bar = item.label_inside and not item.planned
            ink = _ink_on(fill) if on_bar else INK
            self.text(item.label_box, item.label, ink, bold=item.label_inside)

    def event(self, item: Item) -> None:
        cx, cy = item.box.center
        r, cy = item.box.w / 2, self.y(cy)
        if item.key == "mdt":  # a downward triangle: "discussed here"
            shape = [cx - r, cy + r, cx + r, cy + r, cx, cy - r]
            colour = _colour(style.MDT_MARK[0])
        else:  # a diamond for a diagnosis
            shape = [cx, cy + r, cx + r, cy, cx, cy - r, cx - r, cy]
            colour = INK
        self.polygon(shape, colour)
        if item.label_box and item.label:
            self.text(item.label_box, item.label, INK)

    def badge(self, item: Item) -> None:
        b = item.box
        if item.key == "baseline":  # no response yet: an outline, not a colour
            fill, ink = colors.white, INK
        else:
            hex_fill = style.RESPONSE_FILL.get(item.key, style.FALLBACK_FILL)
            fill, ink = _colour(hex_fill), _ink_on(hex_fill)
        self._shape_state(fill, MUTED, STROKE, None)
        self.c.roundRect(b.x, self.y(b.bottom), b.w, b.h, b.h / 3, fill=1, stroke=1)
        self.c.restoreState()
        self.text(b, item.label, ink, bold=True, centre=True)

    def axis(self) -> None:
        lay = self.layout
        y = self.y(lay.axis_y)
        self.line(lay.scale.left, y, lay.scale.right, y, MUTED, STROKE, None)
        for tick in lay.ticks:
            self.line(tick.x, y, tick.x, y - LINE * (0.45 if tick.major else 0.3), MUTED, STROKE, None)
            self.text(tick.label_box, tick.label, MUTED, bold=tick.major, centre=True)

    def legend(self) -> None:
        for entry in self.layout.legend:
            s = entry.swatch
            if entry.kind == "response":
                self.badge(Item(Kind.ASSESSMENT, s, entry.key, entry.badge, None, ""))
            elif entry.kind == "window":
                self.window(Item(Kind.WINDOW, s, entry.key, "", None, ""))
            elif entry.kind == "planned":
                self.therapy(Item(Kind.THERAPY, s, "systemic", "", None, "", planned=True))
            else:
                self.today(Item(Kind.TODAY, s, "today", "", None, ""))
            self.text(entry.text_box, entry.text, INK)

    def _begin(self) -> None:
        """The renderer's opening state (its defaults, the drawing's font) and the drawing's own
        group, as ReportLab writes them before the first shape."""
        c = self.c
        c.saveState()
        c.transform(1, 0, 0, 1, 0, 0)
        c.setStrokeColor(STATE_DEFAULTS["strokeColor"])
        c.setLineWidth(STATE_DEFAULTS["strokeWidth"])
        c.setLineCap(STATE_DEFAULTS["strokeLineCap"])
        c.setLineJoin(STATE_DEFAULTS["strokeLineJoin"])
        c.setDash()
        c.setFillOverprint(STATE_DEFAULTS["fillOverprint"])
        c.setStrokeOverprint(STATE_DEFAULTS["strokeOverprint"])
        c.setOverprintMask(STATE_DEFAULTS["overprintMask"])
        c.setFillColor(STATE_DEFAULTS["fillColor"])
        c._fillMode = STATE_DEFAULTS["fillMode"]
        # Else the canvas goes on in Helvetica, a font the PDF would name without embedding it.
        c.setFont(REGULAR, FONT_SIZE)
        c.saveState()
        c.transform(1, 0, 0, 1, 0, 0)

    def paint(self) -> None:
        self._begin()
        self.rows()
        paint = {Kind.WINDOW: self.window, Kind.TODAY: self.today, Kind.THERAPY: self.therapy,
                 Kind.EVENT: self.event, Kind.ASSESSMENT: self.badge}
        for item in self.layout.items:
            paint[item.kind](item)
        self.axis()
        self.legend()
        self.c.restoreState()
        self.c.restoreState()
