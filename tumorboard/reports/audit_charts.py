"""The audit report's charts as ReportLab vector drawings (they print sharp at any size): bars
with their words and values, the waiting-time histogram with its 31-day line, cases per meeting."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.units import mm

from tumorboard.domain.audit_report import Chart
from tumorboard.reports.fonts import BOLD, REGULAR, register_fonts
from tumorboard.reports.styles import ALERT, INK, MUTED, NAVY, RULE

ROW = 5.2 * mm
LABEL_WIDTH = 58 * mm


def _value_text(chart: Chart, value: float, count: int) -> str:
    if chart.unit == "share of meetings":
        return f"{value * 100:.0f} % ({count})"
    return str(count)


def bar_drawing(chart: Chart, width: float) -> Drawing:
    """Horizontal bars, one row per bar: the label, the bar, its value."""
    register_fonts()
    height = len(chart.bars) * ROW + 2 * mm
    d = Drawing(width, height)
    room = width - LABEL_WIDTH - 22 * mm
    top = max((b.value for b in chart.bars), default=0) or 1
    if chart.unit == "share of meetings":
        top = 1.0
    for n, bar in enumerate(chart.bars):
        y = height - (n + 1) * ROW
        d.add(String(0, y + 1.3 * mm, bar.label, fontName=REGULAR, fontSize=7.5, fillColor=INK))
        d.add(Rect(LABEL_WIDTH, y + 0.6 * mm, room, ROW - 1.6 * mm, fillColor=None, strokeColor=RULE,
                   strokeWidth=0.3))
        if bar.value:
            d.add(Rect(LABEL_WIDTH, y + 0.6 * mm, room * bar.value / top, ROW - 1.6 * mm,
                       fillColor=NAVY, strokeColor=None))
        d.add(String(LABEL_WIDTH + room + 2 * mm, y + 1.3 * mm, _value_text(chart, bar.value, bar.count),
                     fontName=BOLD, fontSize=7.5, fillColor=INK))
    return d


def column_drawing(chart: Chart, width: float, height: float = 48 * mm, *,
                   x_title: str = "", target_text: str = "") -> Drawing:
    """Vertical columns with a count axis; the chart's target line (if any) drawn dashed."""
    register_fonts()
    d = Drawing(width, height)
    left, bottom, right_pad, top_pad = 10 * mm, 12 * mm, 4 * mm, 9 * mm
    plot_w, plot_h = width - left - right_pad, height - bottom - top_pad
    n = max(len(chart.bars), 1)
    top = max((b.count for b in chart.bars), default=0)
    ticks = _ticks(top)
    scale = plot_h / ticks[-1]
    for tick in ticks:
        y = bottom + tick * scale
        d.add(Line(left, y, left + plot_w, y, strokeColor=RULE, strokeWidth=0.25))
        d.add(String(left - 1.5 * mm, y - 1 * mm, str(tick), fontName=REGULAR, fontSize=6.5,
                     fillColor=MUTED, textAnchor="end"))
    slot = plot_w / n
    step = max(1, -(-n * 14 // int(plot_w / mm)))  # label every bar while they fit, else every k-th
    for i, bar in enumerate(chart.bars):
        x = left + i * slot
        if bar.count:
            d.add(Rect(x + slot * 0.12, bottom, slot * 0.76, bar.count * scale, fillColor=NAVY,
                       strokeColor=None))
            if n <= 26:  # a year of weekly meetings: the axis reads better than 52 crowded numbers
                d.add(String(x + slot / 2, bottom + bar.count * scale + 0.8 * mm, str(bar.count),
                             fontName=BOLD, fontSize=6.5, fillColor=INK, textAnchor="middle"))
        if i % step == 0:
            d.add(String(x + slot / 2, bottom - 3.5 * mm, bar.label, fontName=REGULAR, fontSize=6,
                         fillColor=MUTED, textAnchor="middle"))
    d.add(Line(left, bottom, left + plot_w, bottom, strokeColor=INK, strokeWidth=0.5))
    if x_title:
        d.add(String(left + plot_w / 2, 1.5 * mm, x_title, fontName=REGULAR, fontSize=6.5,
                     fillColor=MUTED, textAnchor="middle"))
    if chart.target_line is not None:
        x = left + chart.target_line * slot
        d.add(Line(x, bottom, x, bottom + plot_h + 6 * mm, strokeColor=ALERT, strokeWidth=0.9,
                   strokeDashArray=[2.5, 1.5]))
        d.add(String(x + 1 * mm, bottom + plot_h + 4.5 * mm, target_text, fontName=BOLD, fontSize=6.5,
                     fillColor=ALERT))
    return d


def _ticks(top: int) -> list[int]:
    """Whole-number gridlines up to at least ``top`` (at most about five)."""
    step = 1
    while top / step > 5:
        step = step * 2 if str(step)[0] in "15" else step * 5 // 2
    last = max(step, -(-top // step) * step)
    return list(range(0, last + 1, step))
