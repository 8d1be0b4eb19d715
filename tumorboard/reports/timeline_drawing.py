"""The small case timeline printed under a decision: therapies, response window, MDTs, assessments.

Vector graphics (a ReportLab Drawing), so it stays sharp and costs a few kilobytes per case. What
it shows comes from the one timeline model the screen draws too (``tumorboard.timeline.model``:
the therapies' lanes and labels, MDT days, RECIST responses, the response window); this module
only places it on the page. It reads the case's therapies and dates only, never the patient's
identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from tumorboard.domain.case import Case
from tumorboard.domain.vocab import TherapyKind
from tumorboard.reports.fonts import BOLD, REGULAR
from tumorboard.reports.styles import ALERT, INK, MUTED, NAVY, RULE
from tumorboard.timeline.model import ROW_BONE, ROW_LOCAL, ROW_SYSTEMIC, TimelineModel, build_model

# Lanes top to bottom, as on the screen; all local therapies share one lane so the drawing stays short.
LANES = (ROW_SYSTEMIC, ROW_BONE, ROW_LOCAL)
BAR_COLOURS = {
    TherapyKind.SYSTEMIC: colors.HexColor("#3B6EA8"),
    TherapyKind.BONE_MODIFYING: colors.HexColor("#7A8B99"),
    TherapyKind.SURGERY: colors.HexColor("#8C5A3C"),
    TherapyKind.RADIOTHERAPY: colors.HexColor("#6B4C9A"),
    TherapyKind.ABLATION: colors.HexColor("#4F7F4F"),
}
WINDOW_FILL = colors.HexColor("#FBE7B5")
WINDOW_INK = colors.HexColor("#7A5B00")
TAIL_FILL = colors.HexColor("#C9D6E6")  # an ongoing therapy beyond the as-of day

GUTTER = 17 * mm  # lane names
BAR_H = 3.6 * mm
ROW_H = 5.2 * mm
AXIS_H = 6 * mm
TOP_H = 4.2 * mm  # labels above the lanes: window, as-of
FONT_SIZE = 6.2
# The drawing shows the recent course: older history would squeeze the months that matter.
MAX_MONTHS_BACK = 30
MAX_MONTHS_AHEAD = 9


@dataclass(frozen=True, slots=True)
class _Bar:
    lane: int
    kind: TherapyKind
    label: str
    start: date
    end: date | None  # None: ongoing


@dataclass(frozen=True, slots=True)
class _Scale:
    lo: date
    hi: date
    x0: float
    width: float

    def x(self, day: date) -> float:
        day = min(max(day, self.lo), self.hi)
        return self.x0 + self.width * (day - self.lo).days / max(1, (self.hi - self.lo).days)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def drawing_start(as_of: date) -> date:
    return _add_months(_month_start(as_of), -MAX_MONTHS_BACK)


def _bars(model: TimelineModel) -> list[_Bar]:
    bars = []
    for lane, row in enumerate(LANES):
        in_lane = (t for t in model.therapies if t.row == row)
        for t in sorted(in_lane, key=lambda t: (t.start, t.end or date.max)):
            kind = TherapyKind(t.kind)
            # Systemic and bone agents run until stopped; a local therapy without an end is one day.
            ongoing_kind = kind in (TherapyKind.SYSTEMIC, TherapyKind.BONE_MODIFYING)
            bars.append(_Bar(lane, kind, t.label, t.start, t.end if t.end or ongoing_kind else t.start))
    return bars


def _ended_before(bar: _Bar, day: date) -> bool:
    return bar.end is not None and bar.end < day


def earlier_therapies(case: Case, as_of: date) -> tuple[date, list[str]]:
    """Therapies that ended before the drawing starts: printed as words under it instead."""
    start = drawing_start(as_of)
    words = []
    for bar in sorted((b for b in _bars(build_model(case, None, as_of)) if _ended_before(b, start)),
                      key=lambda b: b.start):
        span = f"{bar.start:%Y-%m}" + (f" to {bar.end:%Y-%m}" if bar.end and bar.end != bar.start else "")
        words.append(f"{bar.label} ({span})")
    return start, words


def _rows(bars: list[_Bar]) -> list[tuple[str, list[_Bar]]]:
    """Lanes with their bars; overlapping therapies in one lane get a row each (name on the first)."""
    rows: list[tuple[str, list[_Bar]]] = []
    for lane, name in enumerate(LANES):
        lane_rows: list[list[_Bar]] = []
        for bar in (b for b in bars if b.lane == lane):
            for row in lane_rows:
                if _ended_before(row[-1], bar.start):
                    row.append(bar)
                    break
            else:
                lane_rows.append([bar])
        rows += [(name if i == 0 else "", row) for i, row in enumerate(lane_rows)]
    return rows


def _assessments(model: TimelineModel) -> list[tuple[date, str]]:
    """Baseline ("BL"), then each assessment's overall response, as the screen's badges say it."""
    return [(a.day, "BL" if a.response == "baseline" else a.response) for a in model.assessments]


def _scale(mdt_days: list[date], bars: list[_Bar], window: tuple[date | None, date | None],
           assessments: list[tuple[date, str]], as_of: date, width: float) -> _Scale:
    start = drawing_start(as_of)
    days = [as_of, *mdt_days, *(d for d, _ in assessments)]
    days += [b.start for b in bars] + [b.end for b in bars if b.end is not None]
    days += [d for d in window if d is not None]
    lo = max(min(d for d in days if d >= start), start)
    hi = min(max(days), _add_months(_month_start(as_of), MAX_MONTHS_AHEAD))
    lo_month = _month_start(lo)
    hi_month = _add_months(_month_start(hi), 1)
    if (hi_month - lo_month).days < 180:  # a fresh case: show half a year so a month is not huge
        hi_month = _add_months(lo_month, 6)
    return _Scale(lo_month, hi_month, GUTTER, width - GUTTER - 2 * mm)


def _fit(label: str, width: float, size: float = FONT_SIZE) -> str:
    """The label, shortened with an ellipsis to fit ``width`` points (or empty if nothing fits)."""
    if stringWidth(label, REGULAR, size) <= width:
        return label
    while label and stringWidth(label + "…", REGULAR, size) > width:
        label = label[:-1]
    return label + "…" if len(label) >= 3 else ""


def _axis(d: Drawing, sc: _Scale, y: float, top: float) -> None:
    d.add(Line(sc.x0, y, sc.x0 + sc.width, y, strokeColor=MUTED, strokeWidth=0.5))
    months = (sc.hi.year - sc.lo.year) * 12 + sc.hi.month - sc.lo.month
    step = 1 if months <= 14 else 3 if months <= 30 else 6
    month = sc.lo
    while month <= sc.hi:
        x = sc.x(month)
        d.add(Line(x, y, x, y - 1.2 * mm, strokeColor=MUTED, strokeWidth=0.5))
        index = month.year * 12 + month.month - 1
        if index % step == 0 and month < sc.hi:
            d.add(Line(x, y, x, top, strokeColor=RULE, strokeWidth=0.25, strokeDashArray=[1, 2]))
            word = f"{month:%b}" + (f" {month:%y}" if month.month == 1 or month == sc.lo else "")
            d.add(String(x + 0.6 * mm, y - 3.6 * mm, word, fontName=REGULAR, fontSize=FONT_SIZE - 0.4,
                         fillColor=MUTED))
        month = _add_months(month, 1)


def _draw_bar(d: Drawing, sc: _Scale, bar: _Bar, y_mid: float, as_of: date, limit: float) -> None:
    """One therapy; its label goes inside the bar, else after it up to ``limit`` (the next bar)."""
    y = y_mid - BAR_H / 2
    x1 = sc.x(bar.start)
    ongoing = bar.end is None
    x2 = max(sc.x(as_of if bar.end is None else bar.end), x1 + 1.2)
    colour = BAR_COLOURS[bar.kind]
    if ongoing and sc.hi > as_of:
        d.add(Rect(x2, y, sc.x(sc.hi) - x2, BAR_H, fillColor=TAIL_FILL, strokeColor=None))
    d.add(Rect(x1, y, x2 - x1, BAR_H, fillColor=colour, strokeColor=None))
    if bar.start < sc.lo:  # began before the drawing: an arrow instead of implying a start
        d.add(Polygon([x1, y, x1, y + BAR_H, x1 - 1.4 * mm, y + BAR_H / 2], fillColor=colour,
                      strokeColor=None))
    inside = _fit(bar.label, x2 - x1 - 1.6 * mm)
    if inside:
        d.add(String(x1 + 0.8 * mm, y + 1.0 * mm, inside, fontName=REGULAR, fontSize=FONT_SIZE,
                     fillColor=colors.white))
        return
    start = (sc.x(sc.hi) if ongoing else x2) + 0.8 * mm
    outside = _fit(bar.label, limit - start - 1 * mm)
    if outside:
        d.add(String(start, y + 1.0 * mm, outside, fontName=REGULAR, fontSize=FONT_SIZE, fillColor=INK))


def _draw_mdts(d: Drawing, sc: _Scale, y: float, days: list[date]) -> None:
    r = 1.4 * mm
    for day in days:
        x = sc.x(day)
        d.add(Polygon([x, y + r, x + r, y, x, y - r, x - r, y], fillColor=NAVY, strokeColor=None))


def _draw_assessments(d: Drawing, sc: _Scale, y: float, assessments: list[tuple[date, str]]) -> None:
    r = 1.1 * mm
    for day, code in assessments:
        x = sc.x(day)
        d.add(Circle(x, y, r, fillColor=colors.white, strokeColor=INK, strokeWidth=0.6))
        if code:
            d.add(String(x + r + 0.5 * mm, y - 0.9 * mm, code, fontName=BOLD, fontSize=FONT_SIZE - 0.4,
                         fillColor=INK))


@dataclass(frozen=True, slots=True)
class _TopLabels:
    """Where "response window" and "as of ..." go above the lanes, stacked when they would collide."""

    band: tuple[float, float] | None
    window_word: str
    as_of_word: str
    as_of_at: float  # left edge of the as-of label
    stacked: bool


def _top_labels(sc: _Scale, window: tuple[date | None, date | None], as_of: date, width: float) -> _TopLabels:
    small = FONT_SIZE - 0.4
    opens, closes = window
    band = None
    if opens and closes and closes >= sc.lo and opens <= sc.hi:
        band = (sc.x(opens), sc.x(closes))
    window_word = _fit("response window", max(band[1] - band[0], 24 * mm), small) if band else ""
    x = sc.x(as_of)
    as_of_word = f"as of {as_of.isoformat()}"
    word_w = stringWidth(as_of_word, REGULAR, small)
    at = x + 0.6 * mm if x + 0.6 * mm + word_w <= width else x - 0.6 * mm - word_w
    stacked = False
    if band:
        w0 = band[0] + 0.6 * mm
        w1 = w0 + stringWidth(window_word, REGULAR, small)
        stacked = at < w1 + 1 * mm and w0 < at + word_w
    return _TopLabels(band, window_word, as_of_word, at, stacked)


def timeline_drawing(case: Case, recommendation: Mapping[str, Any] | None, as_of: date,
                     width: float) -> Drawing:
    """The drawing, ``width`` points wide; its height follows from the rows it needs."""
    model = build_model(case, recommendation, as_of)
    window = (model.window.opens, model.window.closes) if model.window else (None, None)
    bars = [b for b in _bars(model) if not _ended_before(b, drawing_start(as_of))]
    rows = _rows(bars)
    mdt_days = [e.day for e in model.events if e.kind == "mdt"]
    sc = _scale(mdt_days, bars, window, _assessments(model), as_of, width)

    mdts = [day for day in mdt_days if sc.lo <= day <= sc.hi]
    assessments = [(day, code) for day, code in _assessments(model) if sc.lo <= day <= sc.hi]
    # Event rows sit under the therapy lanes: MDT discussions, then RECIST assessments.
    events = [name for name, shown in (("MDT", mdts), ("RECIST", assessments)) if shown]
    names = [name for name, _ in rows] + events
    axis_y = AXIS_H
    top = axis_y + len(names) * ROW_H + 1.6 * mm
    row_y = [axis_y + (len(names) - i - 0.5) * ROW_H + 0.8 * mm for i in range(len(names))]
    labels = _top_labels(sc, window, as_of, width)
    small = FONT_SIZE - 0.4
    # initialFont*: the renderer otherwise opens with Helvetica, a font the PDF would not embed.
    d = Drawing(width, top + TOP_H + (2.6 * mm if labels.stacked else 0), initialFontName=REGULAR,
                initialFontSize=FONT_SIZE)

    if labels.band:
        x1, x2 = labels.band
        d.add(Rect(x1, axis_y, x2 - x1, top - axis_y, fillColor=WINDOW_FILL, strokeColor=None))
        d.add(String(x1 + 0.6 * mm, top + 1.0 * mm, labels.window_word, fontName=REGULAR, fontSize=small,
                     fillColor=WINDOW_INK))
    _axis(d, sc, axis_y, top)
    for name, y in zip(names, row_y, strict=True):
        if name:
            d.add(String(0, y - 1.0 * mm, name, fontName=BOLD, fontSize=FONT_SIZE, fillColor=MUTED))
    for (_, row), y in zip(rows, row_y, strict=False):
        for bar, after in zip(row, [*row[1:], None], strict=True):
            _draw_bar(d, sc, bar, y, as_of, sc.x(after.start) if after else sc.x0 + sc.width)
    event_y = dict(zip(events, row_y[len(rows):], strict=True))
    if "MDT" in event_y:
        _draw_mdts(d, sc, event_y["MDT"], mdts)
    if "RECIST" in event_y:
        _draw_assessments(d, sc, event_y["RECIST"], assessments)

    label_y = top + (3.6 if labels.stacked else 1.0) * mm
    x = sc.x(as_of)
    d.add(Line(x, axis_y, x, label_y - 0.4 * mm, strokeColor=ALERT, strokeWidth=0.8,
               strokeDashArray=[2, 1.2]))
    d.add(String(labels.as_of_at, label_y, labels.as_of_word, fontName=REGULAR, fontSize=small,
                 fillColor=ALERT))
    return d


def legend_words() -> str:
    """The key printed once beside the first drawing: shapes, not colour, carry the meaning."""
    return ("Timeline key: bars = therapies (pale tail: ongoing after the as-of day); shaded band = "
            "response window; ◆ = MDT discussion; ○ = RECIST assessment (BL baseline, then the overall "
            "response); dashed line = as-of day.")
