"""One case: header, editor, timeline, history, and the live recommendation beside them."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tumorboard.casedoc import case_from_document, case_to_document
from tumorboard.domain.due import WINDOW_WORDS
from tumorboard.gui.case.case_editor import CaseEditor
from tumorboard.gui.case.history_table import HistoryTable
from tumorboard.gui.case.mdt_record_tab import MdtRecordTab
from tumorboard.gui.case.referral_section import ReferralSection
from tumorboard.gui.recommendation.recommendation_panel import RecommendationPanel
from tumorboard.gui.timeline.timeline import CaseTimeline
from tumorboard.recommend import evaluate, recommendation_to_document
from tumorboard.services.cases import AuditEntry, CaseRecord
from tumorboard.services.patient_record import MdtEntry


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
        self.referral = ReferralSection(today)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.editor)
        column.addWidget(self.referral)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.tabs.addTab(scroll, "Case")
        self.mdt_record = MdtRecordTab()
        self.tabs.addTab(self.mdt_record, "MDT record")
        self.history = HistoryTable()
        self.tabs.addTab(self.history, "History")
        left.addWidget(self.tabs)
        left.setStretchFactor(1, 1)
        self.splitter.addWidget(left)
        self.recommendation_panel = RecommendationPanel()
        self.splitter.addWidget(self.recommendation_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        # The recommendation may take half the width or more: neither side has a wide minimum.
        self.splitter.setChildrenCollapsible(False)
        self.recommendation_panel.setMinimumWidth(220)
        left.setMinimumWidth(320)
        self.splitter.setSizes([600, 400])
        self._another_case = False
        self.editor.changed.connect(self._on_editor_changed)
        self.setEnabled(False)

    def show_case(self, record: CaseRecord, history: list[AuditEntry]) -> None:
        self.record = record
        self.setEnabled(True)
        p = record.case.patient
        self._show_header()
        self._another_case = True  # its recommendation starts at the top, edits keep the place
        self.recommendation = None  # the previous case's is not this one's
        self.editor.load(case_to_document(record.case))
        self.referral.load(record.referral, p.birth_date)
        self.history.show_entries(history)

    def _show_header(self) -> None:
        """Who, the workflow status and the response window in the timeline's words (one place:
        domain.due.WINDOW_WORDS), so the header never says "due" where the timeline says "overdue"."""
        record = self.record
        if record is None:
            return
        p = record.case.patient
        window = ((self.recommendation or {}).get("response_window") or {}).get("status")
        said = f" · response window <b>{WINDOW_WORDS.get(window, window)}</b>" if window in WINDOW_WORDS and \
            window != "no_systemic_therapy" else ""
        self.header.setText(
            f"<b>{escape(p.name or p.mrn)}</b> · {p.mrn} · born {p.birth_date.isoformat()} · "
            f"<b>{record.status.label}</b>{said} · version {record.version}, saved by "
            f"{escape(record.updated_by)} {record.updated_at:%Y-%m-%d %H:%M} UTC")

    @property
    def dirty(self) -> bool:
        """Unsaved edits in the case or its referral."""
        return self.record is not None and (self.editor.dirty or self.referral.dirty)

    def clear(self) -> None:
        """No case open (the window shows Home instead)."""
        self.record = None
        self.header.setText("No case open")
        self.editor.state = None
        self.setEnabled(False)

    def show_mdt_record(self, entries: list[MdtEntry]) -> None:
        self.mdt_record.show_entries(entries)

    def _on_editor_changed(self) -> None:
        doc = self.editor.candidate
        if doc is None or not self.editor.valid:
            return  # keep the last valid recommendation while the user fixes a field
        case = case_from_document(doc)
        self.recommendation = recommendation_to_document(evaluate(case, self.today))
        self.recommendation_panel.set_recommendation(self.recommendation, keep_place=not self._another_case)
        self._another_case = False
        self.timeline.set_case(case, self.recommendation, self.today)
        self._show_header()
        self.editor.show_recist(self.recommendation.get("recist"))
        self.recommendation_changed.emit(self.recommendation)
