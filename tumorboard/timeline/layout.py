"""Timeline layout without Qt: rows, lanes, bars, markers, badges, legend, and hit-testing.

Everything is measured in the widget's font (``Metrics``), so the drawing scales with the user's
font and display scaling; the widget only paints what ``compute_layout`` placed. The axis
arithmetic (date -> x, ticks, lane assignment) lives in ``timeline_axis`` and is re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from tumorboard.domain.due import WINDOW_WORDS
from tumorboard.timeline.axis import (
    MONTHS,
    TICK_STEPS,
    Box,
    DateScale,
    Metrics,
    Tick,
    assign_lanes,
    axis_range,
    month_ticks,
    ticks_collide,
)
from tumorboard.timeline.model import (
    RESPONSES,
    ROW_BONE,
    ROW_LOCAL,
    ROW_SYSTEMIC,
    Event,
    TimelineModel,
)

__all__ = [
    "MONTHS", "TICK_STEPS", "Box", "DateScale", "Item", "Kind", "LegendEntry", "Metrics", "Row", "Tick",
    "TimelineLayout", "assign_lanes", "axis_range", "compute_layout", "month_ticks", "ticks_collide",
]
ROW_EVENTS, ROW_RECIST = "Events", "RECIST"
# A planned therapy without an end date is drawn this long, so its bar can carry its name.
PLANNED_SPAN = timedelta(days=60)


class Kind(StrEnum):
    WINDOW = "window"
    TODAY = "today"
    THERAPY = "therapy"
    EVENT = "event"
    ASSESSMENT = "assessment"


# Small markers win over the bars they sit on, bars over the today line, all over the shading.
HIT_PRIORITY = {Kind.ASSESSMENT: 4, Kind.EVENT: 4, Kind.THERAPY: 3, Kind.TODAY: 2, Kind.WINDOW: 1}


@dataclass(frozen=True, slots=True)
class Item:
    kind: Kind
    box: Box  # the shape itself (bar, marker, badge, shading, line)
    key: str  # style key: therapy kind, event kind, response code, window status
    label: str
    label_box: Box | None
    tooltip: str
    planned: bool = False
    open_end: bool = False  # ongoing (or planned without an end): an arrow instead of an end
    open_start: bool = False  # began before the drawn part of the course: an arrow instead of a start
    future_x: float | None = None  # a started therapy whose planned end lies after today
    label_inside: bool = False

    @property
    def hit_box(self) -> Box:
        return self.box.union(self.label_box)


@dataclass(frozen=True, slots=True)
class Row:
    title: str
    title_box: Box
    band: Box
    note: str = ""  # shown in an empty row ("No therapy recorded")


@dataclass(frozen=True, slots=True)
class LegendEntry:
    kind: str  # "response", "window", "planned" or "today"
    key: str
    swatch: Box
    text: str
    text_box: Box
    badge: str = ""  # letters on a response swatch


@dataclass(frozen=True, slots=True)
class TimelineLayout:
    width: float
    height: float
    scale: DateScale
    rows: tuple[Row, ...]
    items: tuple[Item, ...]  # in painting order
    ticks: tuple[Tick, ...]
    axis_y: float
    legend: tuple[LegendEntry, ...]

    def hit_test(self, x: float, y: float) -> Item | None:
        """The item a pointer at (x, y) is over: the smallest-kind on top, then the last painted."""
        best: Item | None = None
        for item in self.items:
            if item.hit_box.contains(x, y) and (
                    best is None or HIT_PRIORITY[item.kind] >= HIT_PRIORITY[best.kind]):
                best = item
        return best

    def of_kind(self, kind: Kind) -> list[Item]:
        return [i for i in self.items if i.kind is kind]


class _Builder:
    """Places rows from top to bottom; one instance per layout pass."""

    def __init__(self, model: TimelineModel, width: float, m: Metrics, today_word: str) -> None:
        self.model, self.m, self.width, self.today_word = model, m, width, today_word
        self.line = m.line
        self.pad = round(m.line * 0.4)
        self.gap = m.line * 0.3
        titles = [ROW_EVENTS, ROW_SYSTEMIC, ROW_BONE, ROW_LOCAL, ROW_RECIST]
        self.gutter = self.pad + max(m.bold(t) for t in titles) + m.line * 0.6
        extra = [t.start + PLANNED_SPAN for t in model.therapies if t.planned and t.end is None]
        start, end = axis_range(model.dates() + extra)
        right = max(width - m.line * 1.2, self.gutter + m.line * 2)
        self.scale = DateScale(start, end, self.gutter + m.line * 0.6, right)
        self.items: list[Item] = []
        self.rows: list[Row] = []

    def _row(self, title: str, top: float, height: float, note: str = "") -> None:
        self.rows.append(Row(title, Box(self.pad, top + (height - self.line) / 2, self.gutter - self.pad,
                                        self.line), Box(self.gutter, top, self.width - self.gutter, height),
                             note))

    def _lanes(self, extents: list[tuple[float, float]]) -> tuple[list[int], int]:
        lanes = assign_lanes(extents, self.gap)
        return lanes, max(lanes, default=0) + 1

    def _event_clusters(self, half: float) -> list[list[Event]]:
        """Events of one kind whose labels would collide share one label ("MDT ×3", "Dx, M1")."""
        clusters: list[list[Event]] = []
        for e in sorted(self.model.events, key=lambda e: (e.kind, e.day)):
            last = clusters[-1][-1] if clusters else None
            if (last is not None and last.kind == e.kind and self.scale.x(e.day) - self.scale.x(last.day)
                    < self.m.text_width(last.label) + 2 * half + 2 * self.gap):
                clusters[-1].append(e)
            else:
                clusters.append([e])
        return clusters

    def events(self, top: float) -> float:
        m, half, pitch = self.m, self.line * 0.4, self.line * 1.3
        clusters = self._event_clusters(half)
        labels: list[str] = []
        label_x: list[float] = []
        extents: list[tuple[float, float]] = []
        for cluster in clusters:
            if cluster[0].kind == "mdt":
                labels.append("MDT" if len(cluster) == 1 else f"MDT ×{len(cluster)}")
            else:
                labels.append(", ".join(dict.fromkeys(e.label for e in cluster)))
            first, last = self.scale.x(cluster[0].day), self.scale.x(cluster[-1].day)
            width = m.text_width(labels[-1])
            lx = last + half + self.gap
            if lx + width > self.width - self.pad:  # off the right edge: left of the markers
                lx = first - half - self.gap - width
            label_x.append(lx)
            extents.append((min(first - half, lx), max(last + half, lx + width)))
        lanes, count = self._lanes(extents)
        for cluster, label, lx, lane in zip(clusters, labels, label_x, lanes, strict=True):
            cy = top + lane * pitch + pitch / 2
            for e in cluster:
                x = self.scale.x(e.day)
                labelled = e is cluster[-1]
                self.items.append(Item(
                    Kind.EVENT, Box(x - half, cy - half, 2 * half, 2 * half), e.kind,
                    label if labelled else "",
                    Box(lx, cy - self.line / 2, m.text_width(label), self.line) if labelled else None,
                    "\n".join(c.details for c in cluster) if labelled else e.details))
        self._row(ROW_EVENTS, top, count * pitch)
        return top + count * pitch

    def therapies(self, top: float) -> float:
        m, line = self.m, self.line
        pitch, bar_h, arrow = line * 1.55, line * 1.25, line * 0.5
        today_x = self.scale.x(self.model.today)
        if not self.model.therapies:
            self._row(ROW_SYSTEMIC, top, pitch, note="No therapy recorded")
            return top + pitch
        for row in (ROW_SYSTEMIC, ROW_BONE, ROW_LOCAL):
            spans = [t for t in self.model.therapies if t.row == row]
            if not spans:
                continue
            placed: list[tuple[Box, Box, bool, bool, float | None]] = []
            for t in spans:
                x0 = self.scale.x(t.start)
                if t.end is not None:
                    x1 = self.scale.x(t.end)
                elif t.planned:
                    x1 = self.scale.x(t.start + PLANNED_SPAN)
                else:
                    x1 = today_x
                x1 = max(x1, x0 + line * 0.5)  # a one-day operation is still visible
                open_end = t.end is None
                bar = Box(x0, 0, x1 - x0, bar_h)
                tip = x1 + (arrow if open_end else 0)
                width = m.text_width(t.label)
                inside = width + line * 0.6 <= bar.w
                if inside:
                    label = Box(x0 + line * 0.3, 0, bar.w - line * 0.6, bar_h)
                elif tip + self.gap + width <= self.width - self.pad:
                    label = Box(tip + self.gap, 0, width, bar_h)
                elif x0 - self.gap - width >= self.gutter:
                    label = Box(x0 - self.gap - width, 0, width, bar_h)
                else:  # no room outside: inside, elided by the painter
                    inside, label = True, Box(x0 + line * 0.3, 0, max(bar.w - line * 0.6, 0), bar_h)
                future = today_x if t.end is not None and t.start <= self.model.today < t.end else None
                placed.append((bar, label, inside, open_end, future))
            extents = [(min(b.x, lb.x), max(b.right + (arrow if o else 0), lb.right))
                       for b, lb, _i, o, _f in placed]
            lanes, count = self._lanes(extents)
            for t, (bar, label, inside, open_end, future), lane in zip(spans, placed, lanes, strict=True):
                y = top + lane * pitch + (pitch - bar_h) / 2
                self.items.append(Item(Kind.THERAPY, Box(bar.x, y, bar.w, bar_h), t.kind, t.label,
                                       Box(label.x, y, label.w, bar_h), t.details, planned=t.planned,
                                       open_end=open_end, open_start=t.began_earlier, future_x=future,
                                       label_inside=inside))
            self._row(row, top, count * pitch)
            top += count * pitch
        return top

    def assessments(self, top: float) -> float:
        if not self.model.assessments:
            return top
        m, pitch, h = self.m, self.line * 1.4, self.line * 1.15
        w = max(m.bold(b) for b, _words in [*RESPONSES.values(), ("BL", "")]) + self.line * 0.5
        xs = [self.scale.x(a.day) for a in self.model.assessments]
        lanes, count = self._lanes([(x - w / 2, x + w / 2) for x in xs])
        for a, x, lane in zip(self.model.assessments, xs, lanes, strict=True):
            box = Box(x - w / 2, top + lane * pitch + (pitch - h) / 2, w, h)
            self.items.append(Item(Kind.ASSESSMENT, box, a.response, a.badge, box, a.details))
        self._row(ROW_RECIST, top, count * pitch)
        return top + count * pitch

    def header(self, top: float, bottom: float) -> None:
        """Window shading and the today line span every row; their labels share the header line."""
        m, line, today = self.m, self.line, self.model.today
        tx = self.scale.x(today)
        today_w = m.bold(self.today_word)
        if tx + self.gap + today_w <= self.width - self.pad:
            today_label = Box(tx + self.gap, top, today_w, line)
        else:
            today_label = Box(tx - self.gap - today_w, top, today_w, line)
        w = self.model.window
        if w is not None:
            x0, x1 = self.scale.x(w.opens), self.scale.x(w.closes)
            lw = m.bold(w.label)
            # At the window's start, else after "Today", else ending at the window's close, else
            # just before "Today" or the window; when none fits, shortened before "Today" (the
            # tooltip and the legend still say it all).
            for lx in (x0 + self.gap, today_label.right + self.gap * 2, x1 - self.gap - lw,
                       today_label.x - self.gap * 2 - lw, x0 - self.gap - lw):
                label = Box(lx, top, lw, line)
                if (not label.intersects(today_label) and label.x >= self.gutter
                        and label.right <= self.width - self.pad):
                    break
            else:
                label = Box(x0 + self.gap, top, max(min(today_label.x, x1) - self.gap * 2 - x0, 0), line)
            self.items.insert(0, Item(Kind.WINDOW, Box(x0, top, max(x1 - x0, 2), bottom - top), w.status,
                                      w.label, label, w.details))
        self.items.insert(1 if w else 0, Item(
            Kind.TODAY, Box(tx - line * 0.25, top, line * 0.5, bottom - top), "today", self.today_word,
            today_label, f"{self.today_word} (evaluation date): {today.isoformat()}"))

    def legend(self, top: float) -> tuple[list[LegendEntry], float]:
        m, line = self.m, self.line
        wanted: list[tuple[str, str, str, str]] = []
        shown = {a.response for a in self.model.assessments}
        if "baseline" in shown:
            wanted.append(("response", "baseline", "baseline", "BL"))
        wanted += [("response", code, words, badge) for code, (badge, words) in RESPONSES.items()
                   if code in shown]
        if self.model.window:
            status = self.model.window.status
            wanted.append(("window", status, f"Window {WINDOW_WORDS.get(status, status)}", ""))
        if any(t.planned or (t.end and t.end > self.model.today) for t in self.model.therapies):
            wanted.append(("planned", "planned", "Planned", ""))
        wanted.append(("today", "today", self.today_word, ""))
        badge_w = m.bold("NN") + line * 0.5
        entries: list[LegendEntry] = []
        x, y, pitch = float(self.pad), top, line * 1.4
        for kind, key, text, badge in wanted:
            swatch_w = badge_w if kind == "response" else line * 1.4
            total = swatch_w + self.gap + m.text_width(text)
            if x + total > self.width - self.pad and x > self.pad:
                x, y = float(self.pad), y + pitch
            sh = line * 1.15 if kind == "response" else line * 0.9
            swatch = Box(x, y + (pitch - sh) / 2, swatch_w, sh)
            entries.append(LegendEntry(kind, key, swatch, text,
                                       Box(swatch.right + self.gap, y + (pitch - line) / 2,
                                           m.text_width(text), line), badge))
            x += total + line
        return entries, y + pitch


def compute_layout(model: TimelineModel, width: float, metrics: Metrics, *, today_word: str = "Today",
                   legend: bool = True) -> TimelineLayout:
    """Place everything for a widget ``width`` pixels wide; the height follows from the lanes.

    The minutes call it too (in points): ``today_word`` names their evaluation day ("as of ..."),
    and ``legend=False`` leaves the key out where the document prints it once in words.
    """
    b = _Builder(model, width, metrics, today_word)
    line = metrics.line
    top = b.pad + line * 1.1  # the header line: window status and "Today"
    y = b.events(top)
    y = b.therapies(y)
    y = b.assessments(y)
    b.header(b.pad, y)
    axis_y = y + line * 0.2
    ticks = month_ticks(b.scale, metrics, axis_y + line * 0.35)
    entries, bottom = b.legend(axis_y + line * 1.5) if legend else ([], axis_y + line * 1.4)
    return TimelineLayout(width, bottom + b.pad, b.scale, tuple(b.rows), tuple(b.items), tuple(ticks),
                          axis_y, tuple(entries))
