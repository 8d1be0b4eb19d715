"""Case timeline: what a clinician reads in two seconds at the meeting.

Diagnoses, therapies as bars, the 3-6 month response window shaded on the anchor therapy,
RECIST assessments as lettered markers coloured by response, MDT discussions and a today line.
Hovering shows the details of the item under the pointer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from tumorboard.domain.case import Case
from tumorboard.domain.vocab import TherapyKind

RESPONSE_COLOURS = {"CR": QColor("#1b7f3b"), "PR": QColor("#43a047"), "SD": QColor("#f9a825"),
                    "non-CR/non-PD": QColor("#f9a825"), "PD": QColor("#d32f2f"), "NE": QColor("#9e9e9e")}
RESPONSE_LETTER = {"CR": "C", "PR": "P", "SD": "S", "non-CR/non-PD": "N", "PD": "!", "NE": "?"}
WINDOW_COLOURS = {"open": QColor(255, 193, 7, 70), "overdue": QColor(229, 57, 53, 70),
                  "assessed": QColor(67, 160, 71, 55), "before_window": QColor(120, 144, 156, 50)}
KIND_COLOURS = {TherapyKind.SYSTEMIC: QColor("#5c6bc0"), TherapyKind.BONE_MODIFYING: QColor("#8d6e63"),
                TherapyKind.SURGERY: QColor("#00897b"), TherapyKind.RADIOTHERAPY: QColor("#7b1fa2"),
                TherapyKind.ABLATION: QColor("#00838f")}


@dataclass(frozen=True, slots=True)
class Hit:
    rect: QRectF
    text: str


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class CaseTimeline(QWidget):
    """Custom-painted timeline of one case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Case timeline")
        self._case: Case | None = None
        self._rec: dict[str, Any] | None = None
        self._today = date.today()
        self._hits: list[Hit] = []

    def set_case(self, case: Case | None, recommendation: dict[str, Any] | None, today: date) -> None:
        self._case, self._rec, self._today = case, recommendation, today
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """A text equivalent of the drawing (screen readers, tests)."""
        if self._case is None:
            return "No case open"
        c = self._case
        bits = [f"Primary diagnosed {c.tumour.diagnosis_date.isoformat()}"]
        if c.metastatic.diagnosis_date:
            bits.append(f"metastatic {c.metastatic.diagnosis_date.isoformat()}")
        bits.extend(f"{t.regimen or t.kind.value} from {t.start.isoformat()}" for t in c.therapies)
        w = (self._rec or {}).get("response_window") or {}
        if w.get("opens"):
            bits.append(f"response window {w['opens']} to {w['closes']} ({w['status'].replace('_', ' ')})")
        return "; ".join(bits)

    # -- geometry -----------------------------------------------------------------------------
    def _range(self) -> tuple[date, date]:
        assert self._case is not None
        c = self._case
        dates = [c.tumour.diagnosis_date, self._today]
        dates += [d for d in (c.metastatic.diagnosis_date,) if d]
        for t in c.therapies:
            dates += [t.start] + ([t.end] if t.end else [])
        dates += list(c.mdt_discussions)
        if c.recist:
            dates += [c.recist.baseline_date] + [a.date for a in c.recist.assessments]
        w = (self._rec or {}).get("response_window") or {}
        dates += [d for d in (_d(w.get("opens")), _d(w.get("closes"))) if d]
        start, end = min(dates), max(dates)
        span = max((end - start).days, 60)
        pad = timedelta(days=max(span // 20, 7))
        return start - pad, end + pad

    def _x(self, day: date, lo: date, hi: date, left: float, width: float) -> float:
        return left + width * (day - lo).days / max((hi - lo).days, 1)

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        text_colour = pal.text().color()
        self._hits = []
        if self._case is None:
            p.setPen(text_colour)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No case open")
            p.end()
            return
        fm = self.fontMetrics()
        line = fm.height()
        left, right = 8.0, float(self.width() - 8)
        width = right - left
        lo, hi = self._range()

        def x(day: date) -> float:
            return self._x(day, lo, hi, left, width)

        axis_y = self.height() - line * 1.6

        # Response window shading behind everything.
        w = (self._rec or {}).get("response_window") or {}
        opens, closes = _d(w.get("opens")), _d(w.get("closes"))
        if opens and closes:
            rect = QRectF(x(opens), line * 0.5, max(x(closes) - x(opens), 2), axis_y - line * 0.5)
            p.fillRect(rect, WINDOW_COLOURS.get(w.get("status", ""), QColor(0, 0, 0, 30)))
            p.setPen(text_colour)
            p.drawText(QRectF(rect.left() + 2, line * 0.5, rect.width() + 200, line),
                       Qt.AlignmentFlag.AlignLeft, f"window: {w['status'].replace('_', ' ')}")
            self._hits.append(Hit(rect, f"Response window {opens.isoformat()} to {closes.isoformat()}: "
                                        f"{w['status'].replace('_', ' ')}"))

        # Therapy bars, one lane per kind.
        lanes = [TherapyKind.SYSTEMIC, TherapyKind.BONE_MODIFYING, TherapyKind.SURGERY,
                 TherapyKind.RADIOTHERAPY, TherapyKind.ABLATION]
        used = [k for k in lanes if any(t.kind is k for t in self._case.therapies)]
        lane_h = line * 1.3
        top = line * 1.8
        for t in self._case.therapies:
            lane = used.index(t.kind)
            y = top + lane * (lane_h + 4)
            end = t.end or max(self._today, t.start + timedelta(days=1))
            rect = QRectF(x(t.start), y, max(x(end) - x(t.start), 4), lane_h)
            colour = QColor(KIND_COLOURS[t.kind])
            planned = t.start > self._today
            if planned:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
            else:
                p.setBrush(colour)
                p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(rect, 3, 3)
            label = t.regimen or (t.agent.value.replace("_", " ") if t.agent else t.kind.value)
            p.setPen(text_colour if planned else QColor("white"))
            p.drawText(rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(label, Qt.TextElideMode.ElideRight, int(rect.width()) - 6))
            until = t.end.isoformat() if t.end else ("planned" if planned else "ongoing")
            self._hits.append(Hit(rect, f"{label} ({t.kind.value.replace('_', ' ')}"
                                        f"{', line ' + str(t.line) if t.line else ''}): "
                                        f"{t.start.isoformat()} to {until}"))

        # Axis with year/month ticks.
        p.setPen(QPen(text_colour, 1))
        p.drawLine(QPointF(left, axis_y), QPointF(right, axis_y))
        # Enough months between ticks that the labels never collide.
        label_w = fm.horizontalAdvance("2025-00") + 12
        total_months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
        months = max(1, -(-total_months // max(int(width // label_w), 1)))
        tick = date(lo.year, lo.month, 1)
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 6))
        p.setFont(small)
        while tick <= hi:
            tx = x(tick)
            if tx >= left:
                p.drawLine(QPointF(tx, axis_y), QPointF(tx, axis_y + 4))
                p.drawText(QPointF(tx + 2, axis_y + line), tick.strftime("%Y-%m"))
            month = tick.month - 1 + months
            tick = date(tick.year + month // 12, month % 12 + 1, 1)
        p.setFont(self.font())

        # Diagnoses and MDT discussions as markers on the axis.
        marks = [(self._case.tumour.diagnosis_date, "Dx", "Primary diagnosis")]
        if self._case.metastatic.diagnosis_date:
            marks.append((self._case.metastatic.diagnosis_date, "M1", "Metastatic diagnosis"))
        for when, short, what in sorted(marks):
            mx = x(when)
            p.setBrush(text_colour)
            p.drawEllipse(QPointF(mx, axis_y), 4, 4)
            p.drawText(QPointF(mx + 5, axis_y - 4), short)
            self._hits.append(Hit(QRectF(mx - 6, axis_y - 8, 12, 16), f"{what}: {when.isoformat()}"))
        for d in self._case.mdt_discussions:
            mx = x(d)
            tri = QPolygonF([QPointF(mx, axis_y - 2), QPointF(mx - 6, axis_y - 12),
                             QPointF(mx + 6, axis_y - 12)])
            p.setBrush(QColor("#6a1b9a"))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawPolygon(tri)
            self._hits.append(Hit(tri.boundingRect(), f"MDT discussion: {d.isoformat()}"))

        # RECIST assessments: lettered discs coloured by overall response.
        tps = ((self._rec or {}).get("recist") or {}).get("timepoints") or []
        y_ass = top + len(used) * (lane_h + 4) + line * 0.9
        for tp in tps:
            mx = x(date.fromisoformat(tp["date"]))
            colour = RESPONSE_COLOURS.get(tp["overall"], QColor("#9e9e9e"))
            r = line * 0.6
            p.setBrush(colour)
            p.setPen(QPen(text_colour, 1))
            p.drawEllipse(QPointF(mx, y_ass), r, r)
            p.setPen(QColor("white"))
            p.drawText(QRectF(mx - r, y_ass - r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter,
                       RESPONSE_LETTER.get(tp["overall"], "?"))
            sum_text = f", sum {tp['sum_mm']} mm" if tp.get("sum_mm") is not None else ""
            self._hits.append(Hit(QRectF(mx - r, y_ass - r, 2 * r, 2 * r),
                                  f"RECIST {tp['date']}: {tp['overall']}{sum_text}"))

        # Today.
        tx = x(self._today)
        p.setPen(QPen(QColor("#e53935"), 1.5, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(tx, line * 0.4), QPointF(tx, axis_y))
        p.drawText(QPointF(tx + 3, axis_y - 2), "today")
        p.end()

    # -- hover --------------------------------------------------------------------------------
    def item_at(self, point: QPointF) -> str | None:
        # Later items are drawn on top: look for them first.
        for hit in reversed(self._hits):
            if hit.rect.contains(point):
                return hit.text
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        text = self.item_at(event.position())
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)
