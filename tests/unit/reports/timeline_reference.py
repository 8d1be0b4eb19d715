"""ReportLab's own way of painting the minutes' timeline, kept as the reference the canvas painter
(``tumorboard.reports.timeline_canvas``) is compared with: the same layout as a ``Drawing`` of
shapes, rendered by ReportLab's renderer. This was the minutes' painter before it moved to the
canvas; the test asks both to write the same operators for every worked example."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors

from tumorboard.reports.fonts import BOLD, REGULAR
from tumorboard.reports.styles import INK, MUTED
from tumorboard.reports.timeline_canvas import (
    FONT_SIZE,
    LINE,
    PRINT_ALPHA,
    STROKE,
    YEAR_LINE,
    ZEBRA,
    _colour,
    _ink_on,
)
from tumorboard.reports.timeline_canvas import fit as _fit
from tumorboard.timeline import style
from tumorboard.timeline.layout import Box, Item, Kind, TimelineLayout


def reference_drawing(layout: TimelineLayout) -> Drawing:
    """The layout as ReportLab's Drawing of shapes."""
    return _Painter(layout).paint()


class _Painter:
    """Turns one layout into shapes; layout y grows downwards, ReportLab's upwards."""

    def __init__(self, layout: TimelineLayout) -> None:
        self.layout = layout
        self.h = layout.height
        # initialFont*: the renderer otherwise opens with Helvetica, a font the PDF would not embed.
        self.d = Drawing(layout.width, layout.height, initialFontName=REGULAR, initialFontSize=FONT_SIZE)

    def y(self, y: float) -> float:
        return self.h - y

    def rect(self, box: Box, fill: colors.Color, stroke: colors.Color | None = None,
             dash: list[float] | None = None) -> None:
        self.d.add(Rect(box.x, self.y(box.bottom), box.w, box.h, fillColor=fill, strokeColor=stroke,
                        strokeWidth=STROKE, strokeDashArray=dash))

    def text(self, box: Box, words: str, colour: colors.Color, bold: bool = False,
             centre: bool = False) -> None:
        font = BOLD if bold else REGULAR
        shown = _fit(words, box.w, font)
        if not shown:
            return
        baseline = self.y(box.y + box.h / 2) - FONT_SIZE * 0.34
        x, anchor = (box.x + box.w / 2, "middle") if centre else (box.x, "start")
        self.d.add(String(x, baseline, shown, fontName=font, fontSize=FONT_SIZE, fillColor=colour,
                          textAnchor=anchor))

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
                self.d.add(Line(tick.x, bottom, tick.x, top, strokeColor=YEAR_LINE,
                                strokeWidth=0.3, strokeDashArray=[1, 2]))

    def window(self, item: Item) -> None:
        fill = style.WINDOW_FILL.get(item.key, style.FALLBACK_FILL)
        self.rect(item.box, _colour(fill, PRINT_ALPHA))
        for x in (item.box.x, item.box.right):
            self.d.add(Line(x, self.y(item.box.y), x, self.y(item.box.bottom), strokeColor=_colour(fill),
                            strokeWidth=STROKE, strokeDashArray=[2, 1.5]))
        if item.label_box and item.label:
            self.text(item.label_box, item.label, INK, bold=True)

    def today(self, item: Item) -> None:
        colour = _colour(style.TODAY_LINE[0])
        x = item.box.center[0]
        self.d.add(Line(x, self.y(item.box.y), x, self.y(item.box.bottom), strokeColor=colour,
                        strokeWidth=STROKE * 1.6, strokeDashArray=[2, 1.2]))
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
            shape = Polygon(points, fillColor=_colour(fill, 0.18), strokeColor=_colour(fill),
                            strokeWidth=STROKE * 1.4, strokeDashArray=[2, 1.2])
        else:
            shape = Polygon(points, fillColor=_colour(fill), strokeColor=None)
        self.d.add(shape)
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
        self.d.add(Polygon(shape, fillColor=colour, strokeColor=None))
        if item.label_box and item.label:
            self.text(item.label_box, item.label, INK)

    def badge(self, item: Item) -> None:
        b = item.box
        if item.key == "baseline":  # no response yet: an outline, not a colour
            fill, ink = colors.white, INK
        else:
            hex_fill = style.RESPONSE_FILL.get(item.key, style.FALLBACK_FILL)
            fill, ink = _colour(hex_fill), _ink_on(hex_fill)
        self.d.add(Rect(b.x, self.y(b.bottom), b.w, b.h, rx=b.h / 3, ry=b.h / 3, fillColor=fill,
                        strokeColor=MUTED, strokeWidth=STROKE))
        self.text(b, item.label, ink, bold=True, centre=True)

    def axis(self) -> None:
        lay = self.layout
        y = self.y(lay.axis_y)
        self.d.add(Line(lay.scale.left, y, lay.scale.right, y, strokeColor=MUTED, strokeWidth=STROKE))
        for tick in lay.ticks:
            self.d.add(Line(tick.x, y, tick.x, y - LINE * (0.45 if tick.major else 0.3), strokeColor=MUTED,
                            strokeWidth=STROKE))
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

    def paint(self) -> Drawing:
        self.rows()
        paint = {Kind.WINDOW: self.window, Kind.TODAY: self.today, Kind.THERAPY: self.therapy,
                 Kind.EVENT: self.event, Kind.ASSESSMENT: self.badge}
        for item in self.layout.items:
            paint[item.kind](item)
        self.axis()
        self.legend()
        return self.d
