"""Axis geometry without Qt: boxes, the date -> x scale, month/year ticks that never collide, lanes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

TextWidth = Callable[[str], float]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TICK_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)  # months; each divides or is a multiple of a year


@dataclass(frozen=True, slots=True)
class Metrics:
    line: float  # font line spacing in pixels
    text_width: TextWidth
    bold_width: TextWidth | None = None

    def bold(self, text: str) -> float:
        return self.bold_width(text) if self.bold_width else self.text_width(text) * 1.1


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px <= self.right and self.y <= py <= self.bottom

    def intersects(self, other: Box) -> bool:
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)

    def union(self, other: Box | None) -> Box:
        if other is None:
            return self
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Box(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)


@dataclass(frozen=True, slots=True)
class DateScale:
    """Linear map from calendar days to pixels (whole days, so month ends never drift)."""

    start: date
    end: date
    left: float
    right: float

    def x(self, day: date) -> float:
        days = max((self.end - self.start).days, 1)
        return self.left + (self.right - self.left) * (day - self.start).days / days

    def day_at(self, x: float) -> date:
        span = max(self.right - self.left, 1e-9)
        return self.start + timedelta(days=round((x - self.left) / span * (self.end - self.start).days))


def axis_range(days: Iterable[date], min_span_days: int = 120) -> tuple[date, date]:
    """First and last day on the axis: every date plus a margin, never shorter than four months."""
    listed = list(days)
    lo, hi = min(listed), max(listed)
    if (hi - lo).days < min_span_days:
        hi = lo + timedelta(days=min_span_days)
    margin = timedelta(days=max((hi - lo).days // 40, 7))
    return lo - margin, hi + margin


@dataclass(frozen=True, slots=True)
class Tick:
    day: date
    x: float
    label: str
    major: bool  # 1 January: drawn bold with a grid line
    label_box: Box


def _candidate_ticks(scale: DateScale, step: int, metrics: Metrics, y: float) -> list[Tick]:
    ticks: list[Tick] = []
    first = scale.start.year * 12 + scale.start.month - 1 + (scale.start.day > 1)
    last = scale.end.year * 12 + scale.end.month - 1
    for index in range(first, last + 1):
        year, month0 = divmod(index, 12)
        day = date(year, month0 + 1, 1)
        if index % step:
            continue  # off the grid; every grid of TICK_STEPS passes through 1 January
        major = month0 == 0
        label = str(year) if major else MONTHS[month0]
        if not ticks and not major:
            label = f"{label} {year}"  # the first label names its year: no January may be in view
        width = metrics.bold(label) if major else metrics.text_width(label)
        x = scale.x(day)
        left = min(max(x - width / 2, scale.left - metrics.line), scale.right + metrics.line - width)
        ticks.append(Tick(day, x, label, major, Box(left, y, width, metrics.line)))
    return ticks


def ticks_collide(ticks: Sequence[Tick], gap: float) -> bool:
    return any(b.label_box.x < a.label_box.right + gap for a, b in pairwise(ticks))


def month_ticks(scale: DateScale, metrics: Metrics, y: float) -> list[Tick]:
    """Ticks every 1, 2, 3, 6, 12... months: the finest step whose labels keep a gap between them."""
    gap = metrics.text_width("0") * 1.5
    ticks: list[Tick] = []
    for step in TICK_STEPS:
        ticks = _candidate_ticks(scale, step, metrics, y)
        if not ticks_collide(ticks, gap):
            return ticks
    # A very narrow widget: keep every label that fits after the last one kept.
    kept: list[Tick] = []
    for tick in ticks:
        if not kept or tick.label_box.x >= kept[-1].label_box.right + gap:
            kept.append(tick)
    return kept


def assign_lanes(spans: Sequence[tuple[float, float]], gap: float = 0.0) -> list[int]:
    """Lane per span so that spans sharing a lane are at least ``gap`` apart (first fit by start)."""
    lanes = [0] * len(spans)
    lane_ends: list[float] = []
    for i in sorted(range(len(spans)), key=lambda k: spans[k]):
        start, end = spans[i]
        for lane, lane_end in enumerate(lane_ends):
            if start >= lane_end + gap:
                lane_ends[lane], lanes[i] = end, lane
                break
        else:
            lane_ends.append(end)
            lanes[i] = len(lane_ends) - 1
    return lanes
