"""One case: header, editor, timeline, history, and the live recommendation beside them."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tumorboard.casedoc import case_from_document, case_to_document
from tumorboard.gui.case.case_editor import CaseEditor
from tumorboard.gui.recommendation.recommendation_panel import RecommendationPanel
from tumorboard.gui.timeline.timeline import CaseTimeline
from tumorboard.recommend import evaluate, recommendation_to_document
from tumorboard.services.cases import AuditEntry, CaseRecord


class CaseView(QWidget):
    recommendation_changed = Signal(dict)
    """Emitted with the recommendation document each time it is recomputed."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.record: CaseRecord | None = None
        self.recommendation: dict[str, Any] | None = None
        layout = QVBoxLayout(self)
        self.header = QLabel("No case open")
        self.header.setAccessibleName("Case header")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(self.splitter, 1)
        left = QSplitter(Qt.Orientation.Vertical)
        self.timeline = CaseTimeline()  # as tall as its lanes need; the editor below takes the rest
        left.addWidget(self.timeline)
        self.tabs = QTabWidget()
        self.editor = CaseEditor()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.editor)
        self.tabs.addTab(scroll, "Case")
        self.history = QPlainTextEdit()
        self.history.setReadOnly(True)
        self.history.setAccessibleName("Case history")
        self.tabs.addTab(self.history, "History")
        left.addWidget(self.tabs)
        left.setStretchFactor(1, 1)
        self.splitter.addWidget(left)
        self.recommendation_panel = RecommendationPanel()
        self.splitter.addWidget(self.recommendation_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._another_case = False
        self.editor.changed.connect(self._on_editor_changed)
        self.setEnabled(False)

    def show_case(self, record: CaseRecord, history: list[AuditEntry]) -> None:
        self.record = record
        self.setEnabled(True)
        p = record.case.patient
        self.header.setText(
            f"<b>{p.name or p.mrn}</b> · {p.mrn} · born {p.birth_date.isoformat()} · "
            f"<b>{record.status.label}</b> · version {record.version}, saved by {record.updated_by} "
            f"{record.updated_at:%Y-%m-%d %H:%M} UTC")
        self._another_case = True  # its recommendation starts at the top, edits keep the place
        self.editor.load(case_to_document(record.case))
        self.history.setPlainText("\n".join(
            f"{h.at:%Y-%m-%d %H:%M} {h.actor} {h.action} {h.field or ''}: "
            f"{h.old_value if h.old_value is not None else '-'} -> "
            f"{h.new_value if h.new_value is not None else '-'}"
            for h in reversed(history)))

    def _on_editor_changed(self) -> None:
        doc = self.editor.candidate
        if doc is None or not self.editor.valid:
            return  # keep the last valid recommendation while the user fixes a field
        case = case_from_document(doc)
        self.recommendation = recommendation_to_document(evaluate(case, self.today))
        self.recommendation_panel.set_recommendation(self.recommendation, keep_place=not self._another_case)
        self._another_case = False
        self.timeline.set_case(case, self.recommendation, self.today)
        self.editor.show_recist(self.recommendation.get("recist"))
        self.recommendation_changed.emit(self.recommendation)
