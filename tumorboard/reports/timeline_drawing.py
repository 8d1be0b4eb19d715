"""The small case timeline printed under a decision, painted with ReportLab.

Vector graphics painted straight on the PDF canvas (``reports.timeline_canvas``), so it stays sharp
and costs a few kilobytes per case. Where everything goes is decided once, without a toolkit, by
``tumorboard.timeline.layout`` (the screen paints the same layout with Qt); the painter only turns
the layout's boxes into shapes.
The minutes draw the recent course (``tumorboard.timeline.recent``) and list older therapies in
words. It reads the case's therapies and dates only, never the patient's identity.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from tumorboard.domain.case import Case
from tumorboard.reports.fonts import BOLD, REGULAR, register_fonts
from tumorboard.reports.timeline_canvas import FONT_SIZE, LINE, TimelineFlowable
from tumorboard.timeline.layout import Metrics, TimelineLayout, compute_layout
from tumorboard.timeline.model import build_model
from tumorboard.timeline.recent import drawing_start, recent_course
from tumorboard.timeline.recent import earlier_therapies as _earlier


def _metrics() -> Metrics:
    register_fonts()  # measuring needs the fonts' widths, whether or not a document was begun
    return Metrics(LINE, lambda t: stringWidth(t, REGULAR, FONT_SIZE),
                   lambda t: stringWidth(t, BOLD, FONT_SIZE))


def as_of_words(as_of: date) -> str:
    return f"as of {as_of.isoformat()}"


def timeline_layout(case: Case, recommendation: Mapping[str, Any] | None, as_of: date, width: float,
                    legend: bool = False) -> TimelineLayout:
    """The layout the minutes print: the recent course, ``width`` points wide."""
    model = recent_course(build_model(case, recommendation, as_of))
    return compute_layout(model, width, _metrics(), today_word=as_of_words(as_of), legend=legend)


def timeline_drawing(case: Case, recommendation: Mapping[str, Any] | None, as_of: date,
                     width: float, legend: bool = False) -> TimelineFlowable:
    """The drawing, ``width`` points wide; its height follows from the rows it needs."""
    return TimelineFlowable(timeline_layout(case, recommendation, as_of, width, legend))


class _Reading(Canvas):  # type: ignore[misc]  # ReportLab ships no types
    """A canvas that notes every text drawn on it, in order."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), initialFontName=REGULAR, initialFontSize=FONT_SIZE)
        self.texts: list[str] = []

    def drawString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        self.texts.append(text)
        super().drawString(x, y, text, *args, **kwargs)


def strings_of(drawing: TimelineFlowable) -> list[str]:
    """Every text the drawing paints, in the order painted (tests, accessibility checks)."""
    canvas = _Reading()
    drawing.drawOn(canvas, 0, 0)
    return canvas.texts


def earlier_therapies(case: Case, as_of: date) -> tuple[date, list[str]]:
    """Therapies that ended before the drawing starts: printed as words under it instead."""
    words = []
    for t in _earlier(build_model(case, None, as_of)):
        span = f"{t.start:%Y-%m}" + (f" to {t.end:%Y-%m}" if t.end and t.end != t.start else "")
        words.append(f"{t.label} ({span})")
    return drawing_start(as_of), words


def legend_words() -> str:
    """The key printed once beside the first drawing: shapes, not colour, carry the meaning."""
    return ("Timeline key: bars = therapies (arrow: goes on beyond the drawing; pale with a dashed edge: "
            "planned; paler end: the scheduled rest of a started course); shaded band = response window; "
            "▼ = MDT discussion; ◆ = diagnosis; lettered badges = RECIST (BL baseline, then the overall "
            "response: CR, PR, SD, NN non-CR/non-PD, PD, NE); dashed line = the meeting's as-of day.")
