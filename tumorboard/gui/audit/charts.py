"""The audit's charts drawn with Qt Charts from the bars ``domain.audit_report`` defines (the
annual report draws the same bars with ReportLab). Clicking a bar asks for the cases behind it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QMargins, Qt, QTime, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from tumorboard.domain.audit_report import Chart

BAR = QColor("#1F3A5F")
TARGET = QColor("#B00020")


class AuditChartView(QChartView):
    bar_clicked = Signal(str, int)
    """Emitted with the chart's key and the bar's position when the user clicks a bar."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = chart.key
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFixedHeight(320)  # readable at a glance; the tab scrolls rather than squashing them
        self.setAccessibleName(chart.title)
        self.show_chart(chart)

    def show_chart(self, chart: Chart) -> None:
        """Draw ``chart`` (the figures of a new period or board replace the old ones)."""
        self.key = chart.key
        qchart = QChart()
        qchart.setTitle(chart.title)
        qchart.legend().hide()
        qchart.setMargins(QMargins(4, 4, 4, 4))
        qchart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        if chart.key == "cases":
            self._over_time(qchart, chart)
        elif chart.key == "waiting":
            self._columns(qchart, chart)
        else:
            self._rows(qchart, chart)
        old = self.chart()
        self.setChart(qchart)
        if old is not None:
            old.deleteLater()

    def _bar_set(self, chart: Chart, values: list[float], *, reverse: bool = False) -> QBarSet:
        bars = QBarSet(chart.title)
        bars.setColor(BAR)
        bars.append(values)
        n = len(values)
        bars.clicked.connect(lambda i: self.bar_clicked.emit(self.key, n - 1 - i if reverse else i))
        return bars

    def _rows(self, qchart: QChart, chart: Chart) -> None:
        """Horizontal bars, the first bar on top; shares shown as percentages."""
        share = chart.unit == "share of meetings"
        bars = list(reversed(chart.bars))
        values = [b.value * 100 if share else b.value for b in bars]
        series = QHorizontalBarSeries()
        series.append(self._bar_set(chart, values, reverse=True))
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value %" if share else "@value")
        series.setLabelsPrecision(3)
        qchart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([b.label for b in bars])
        qchart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        axis = _count_axis(100 if share else max([*values, 1.0]), step=25 if share else None)
        axis.setTitleText("% of meetings" if share else chart.unit)
        qchart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis)

    def _over_time(self, qchart: QChart, chart: Chart) -> None:
        """Cases per meeting on a date axis (a year of weekly meetings stays legible); clicking a
        meeting's point asks for its cases."""
        days = [date.fromisoformat(b.label) for b in chart.bars]
        stamps = [float(QDateTime(QDate(d.year, d.month, d.day), QTime(12, 0)).toMSecsSinceEpoch())
                  for d in days]
        line, points = QLineSeries(), QScatterSeries()
        line.setColor(BAR)
        points.setColor(BAR)
        points.setMarkerSize(9)
        for x, bar in zip(stamps, chart.bars, strict=True):
            line.append(x, bar.count)
            points.append(x, bar.count)
        points.clicked.connect(lambda p: self.bar_clicked.emit(
            self.key, min(range(len(stamps)), key=lambda i: abs(stamps[i] - p.x()))))
        qchart.addSeries(line)
        qchart.addSeries(points)
        axis_x = QDateTimeAxis()
        axis_x.setFormat("yyyy-MM-dd")
        axis_x.setTickCount(min(max(len(days), 2), 6))
        if days:
            pad = 3 * 86_400_000
            axis_x.setRange(QDateTime.fromMSecsSinceEpoch(int(stamps[0] - pad)),
                            QDateTime.fromMSecsSinceEpoch(int(stamps[-1] + pad)))
        qchart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        axis_y = _count_axis(max([b.count for b in chart.bars] + [1]))
        axis_y.setTitleText(chart.unit)
        qchart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for series in (line, points):
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)

    def _columns(self, qchart: QChart, chart: Chart) -> None:
        """Vertical columns (weeks of waiting), the target line dashed."""
        values = [float(b.count) for b in chart.bars]
        series = QBarSeries()
        series.append(self._bar_set(chart, values))
        series.setLabelsVisible(True)
        qchart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([b.label for b in chart.bars] or ["-"])
        qchart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        top = max([*values, 1.0])
        axis = _count_axis(top)
        top = axis.max()
        axis.setTitleText(chart.unit)
        qchart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis)
        if chart.target_line is not None:
            # Bars sit at 0, 1, 2 ...; bar i covers i - 0.5 .. i + 0.5, so the line's position from
            # the left edge of the first bar is target_line - 0.5 on this axis.
            x = chart.target_line - 0.5
            line = QLineSeries()
            line.setName("31 days")
            line.append(x, 0)
            line.append(x, top)
            pen = QPen(TARGET)
            pen.setWidth(2)
            pen.setStyle(Qt.PenStyle.DashLine)
            line.setPen(pen)
            qchart.addSeries(line)
            place = QValueAxis()
            place.setRange(-0.5, len(chart.bars) - 0.5)
            place.setVisible(False)
            qchart.addAxis(place, Qt.AlignmentFlag.AlignBottom)
            line.attachAxis(place)
            line.attachAxis(axis)
            qchart.legend().show()
            qchart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
            qchart.legend().markers(series)[0].setVisible(False)


def _count_axis(top: float, step: int | None = None) -> QValueAxis:
    """A value axis from 0 with whole-number ticks (counts never read 0.5)."""
    if step is None:
        step = 1
        while top / step > 6:
            step = step * 2 if str(step)[0] in "15" else step * 5 // 2
    last = max(step, -(-int(top) // step) * step)
    axis = QValueAxis()
    axis.setRange(0, last)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    return axis
