"""The Audit tab of the main window: a board and a period, the quality figures, five charts that
open the cases behind each bar, and the exports (the annual report PDF, the decisions CSV, the
figures JSON) - the same figures as ``tumorboard audit``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tumorboard.domain.audit_report import Chart, behind, charts, summary_lines
from tumorboard.domain.changes import Changes
from tumorboard.gui.audit.cases_dialog import AuditCasesDialog
from tumorboard.gui.audit.charts import AuditChartView
from tumorboard.gui.notice import ChangeNotice
from tumorboard.gui.widgets.form_errors import USER_ERRORS, error_label
from tumorboard.private_files import write_private
from tumorboard.services.boards import BoardService
from tumorboard.services.quality_audit import QualityAudit, QualityAuditService, report_pdf

ALL_BOARDS = "All boards"


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class AuditTab(QWidget):
    case_requested = Signal(str)
    """Emitted with a record number when the user opens a case from a chart's list."""

    def __init__(self, audits: QualityAuditService | None, boards: BoardService | None, today: date,
                 notice: ChangeNotice | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.audits = audits
        self.boards = boards
        self.result: QualityAudit | None = None
        self.charts: tuple[Chart, ...] = ()
        self.dialog: AuditCasesDialog | None = None
        self._stale = False
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.board = QComboBox()
        self.board.setAccessibleName("Board")
        self.start = QDateEdit(QDate(today.year, 1, 1))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        for edit, name in ((self.start, "From"), (self.end, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
        self.show_button = QPushButton("&Show")
        self.pdf_button = QPushButton("Annual &report (PDF)...")
        self.board.setMinimumContentsLength(12)
        self.board.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.csv_button = QPushButton("Decisions (&CSV)...")
        self.json_button = QPushButton("Figures (&JSON)...")
        for widget, label in ((self.board, "Board"), (self.start, "From"), (self.end, "To")):
            controls.addWidget(QLabel(label))
            controls.addWidget(widget)
        controls.addWidget(self.show_button)
        controls.addStretch(1)
        layout.addLayout(controls)
        # The exports on their own row: the tab fits a laptop screen beside the case pane.
        exports = QHBoxLayout()
        exports.addWidget(QLabel("Export"))
        for button in (self.show_button, self.pdf_button, self.csv_button, self.json_button):
            button.setAccessibleName(button.text().replace("&", "").rstrip("."))
            button.setEnabled(audits is not None)
        for button in (self.pdf_button, self.csv_button, self.json_button):
            exports.addWidget(button)
        exports.addStretch(1)
        layout.addLayout(exports)
        self.problem = error_label("Audit problem")
        if audits is None:
            self.problem.setText("The audit is not available with this database connection.")
            self.problem.setVisible(True)
        layout.addWidget(self.problem)
        self.period = QLabel("")
        self.period.setWordWrap(True)
        self.period.setAccessibleName("Audit period")
        layout.addWidget(self.period)
        # The figures and the charts scroll together: on a laptop screen the charts get the room.
        holder = QWidget()
        column = QVBoxLayout(holder)
        self.figures = QGridLayout()
        self.figure_labels: list[tuple[QLabel, QLabel]] = []
        column.addLayout(self.figures)
        self.chart_views: dict[str, AuditChartView] = {}
        self.chart_grid = QGridLayout()
        column.addLayout(self.chart_grid)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)
        self.show_button.clicked.connect(self._on_show_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_clicked)
        self.csv_button.clicked.connect(self._on_csv_clicked)
        self.json_button.clicked.connect(self._on_json_clicked)
        if notice is not None:
            notice.changed.connect(self._on_notice_changed)
        self.refresh_boards()

    # -- figures ----------------------------------------------------------------------------
    def refresh_boards(self) -> None:
        current = self.board.currentText()
        names = [b.name for b in self.boards.list()] if self.boards else []
        self.board.blockSignals(True)
        self.board.clear()
        self.board.addItems([ALL_BOARDS, *names])
        self.board.setCurrentIndex(max(0, self.board.findText(current)))
        self.board.blockSignals(False)

    def set_period(self, start: date, end: date, board: str | None = None) -> None:
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))
        self.board.setCurrentIndex(max(0, self.board.findText(board or ALL_BOARDS)))

    def refresh(self) -> None:
        """Compute the figures for the chosen board and period and draw them."""
        if self.audits is None:
            return
        board = self.board.currentText()
        try:
            result = self.audits.audit(_day(self.start.date()), _day(self.end.date()),
                                       None if board == ALL_BOARDS else board)
        except USER_ERRORS as exc:
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return
        self.problem.setVisible(False)
        self.result = result
        self.period.setText(f"<b>{result.board or ALL_BOARDS}</b>, signed meetings from "
                            f"{result.start.isoformat()} to {result.end.isoformat()}. Decision support, "
                            "not decision making: concordance counts agreement with the guideline "
                            "recommendation; a justified deviation is not a fault.")
        self._show_figures(summary_lines(result.figures))
        self.charts = charts(result.meetings, result.items)
        for n, chart in enumerate(self.charts):
            view = self.chart_views.get(chart.key)
            if view is None:
                view = AuditChartView(chart)
                view.bar_clicked.connect(self._on_chart_bar_clicked)
                self.chart_views[chart.key] = view
                self.chart_grid.addWidget(view, n // 2, n % 2)
            else:
                view.show_chart(chart)

    def _show_figures(self, lines: list[tuple[str, str]]) -> None:
        while len(self.figure_labels) < len(lines):
            row = len(self.figure_labels)
            key, value = QLabel(""), QLabel("")
            key.setWordWrap(True)
            value.setWordWrap(True)
            self.figures.addWidget(key, row // 2, (row % 2) * 2)
            self.figures.addWidget(value, row // 2, (row % 2) * 2 + 1)
            self.figure_labels.append((key, value))
        for (key, value), (words, figure) in zip(self.figure_labels, lines, strict=False):
            key.setText(f"<b>{words}</b>")
            value.setText(figure)
            value.setAccessibleName(words)

    def cases_behind(self, key: str, position: int) -> AuditCasesDialog | None:
        """Open the list of the cases behind bar ``position`` of chart ``key``."""
        chart = next((c for c in self.charts if c.key == key), None)
        if chart is None or self.result is None or not 0 <= position < len(chart.bars):
            return None
        bar = chart.bars[position]
        rows = behind(bar, self.result.items)
        self.dialog = AuditCasesDialog(f"{chart.title} - {bar.label}", rows, self)
        self.dialog.case_requested.connect(self.case_requested)
        self.dialog.show()
        return self.dialog

    # -- exports ----------------------------------------------------------------------------
    def export(self, kind: str, path: Path) -> None:
        """Write the report (``pdf``), the decisions (``csv``) or the figures (``json``) to ``path``."""
        if self.result is None:
            self.refresh()
        if self.result is None:
            return
        data: bytes | str = (report_pdf(self.result) if kind == "pdf" else
                             self.result.csv_text() if kind == "csv" else self.result.json_text())
        try:
            write_private(path, data)
        except OSError as exc:
            self.problem.setText(f"file: {path} could not be written ({exc.strerror or exc})")
            self.problem.setVisible(True)

    def _ask_and_export(self, kind: str, title: str, pattern: str) -> None:
        if self.result is None:
            self.refresh()
        if self.result is None:
            return
        name = f"audit-{self.result.start.isoformat()}-{self.result.end.isoformat()}.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, title, name, pattern)
        if path:
            self.export(kind, Path(path))

    def _on_show_clicked(self) -> None:
        self.refresh()

    def _on_pdf_clicked(self) -> None:
        self._ask_and_export("pdf", "Save the annual audit report", "PDF (*.pdf)")

    def _on_csv_clicked(self) -> None:
        self._ask_and_export("csv", "Save the decisions behind the figures", "CSV (*.csv)")

    def _on_json_clicked(self) -> None:
        self._ask_and_export("json", "Save the figures", "JSON (*.json)")

    def _on_chart_bar_clicked(self, key: str, position: int) -> None:
        self.cases_behind(key, position)

    def _on_notice_changed(self, changes: Changes) -> None:
        if changes.boards:
            self.refresh_boards()
        if self.result is not None and (changes.meetings or changes.boards or changes.cases):
            # A meeting signed or amended, a therapy started: the figures shown are out of date.
            # Recomputed now if on screen, else when the tab is next shown.
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Opened for the first time: the chosen period's figures at once, not an empty page
        # (a year of one board takes tens of milliseconds at 100,000 cases).
        if self._stale or (self.result is None and self.audits is not None):
            self._stale = False
            self.refresh()
