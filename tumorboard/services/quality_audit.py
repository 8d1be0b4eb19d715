"""The MDT quality audit for a period and (optionally) one board: the one use case the CLI, the
Audit tab and the annual report share. Reading only; figures from ``domain.quality_audit``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tumorboard.domain.audit_report import AuditReport, charts
from tumorboard.domain.meeting import MeetingError
from tumorboard.domain.quality_audit import AuditItem, AuditMeeting, figures, first_discussions
from tumorboard.domain.users import User
from tumorboard.interop.tabular import csv_text
from tumorboard.services.boards import find_board
from tumorboard.store import Database

DISCLAIMER = ("tumorboard is decision support, not decision making. The guideline recommendations "
              "this audit compares the decisions with summarise published evidence for the board and "
              "do not replace the judgement of the multidisciplinary team, which decides with the "
              "patient. Concordance says how often the decision matched that support; a justified "
              "deviation is not a fault.")

FOOTNOTES = (
    "Only meetings signed off and dated in the period (both ends inclusive) are counted.",
    "A decision amended after sign-off counts as it stands after its amendments; the signed minutes "
    "keep the original.",
    "Concordance is with the guideline recommendation stored with each decision, as the board saw it.",
    "Implementation: each decision's latest check; pending = no check recorded yet; "
    "rate = (full + partial) / checked.",
    "Referral to first MDT: from the case's referral date (the day the case was created when none "
    "is recorded) to its first discussion in the period's meetings, once per case.",
    "Decision to treatment: decisions for systemic therapy, metastasis-directed therapy, surgery of "
    "the primary tumour or radiotherapy, from the meeting day to the first therapy started on or "
    "after it; decisions with no therapy recorded since are not counted.",
    "Median: the middle value (mean of the two middle ones for an even count). p90: nearest rank, "
    "the smallest value with at least 90 % of the values at or below it. "
    "A rate is shown as - (null) when there is nothing to divide by.",
    "Attendance: the share of the meetings where at least one member of the discipline was present.",
)

CSV_FIELDS = ("meeting_id", "meeting_day", "decision_id", "category", "treatment", "concordant",
              "deviation_reason", "amended_fields", "ruleset", "implementation",
              "implementation_reason", "referred_on", "first_discussion_of_case",
              "days_referral_to_first_mdt", "first_therapy_start", "days_decision_to_treatment",
              "within_31_days")


@dataclass(frozen=True, slots=True)
class QualityAudit:
    """The audit of a period: the rows it counts and the figures computed from them."""

    start: date
    end: date
    board: str | None
    meetings: tuple[AuditMeeting, ...]
    items: tuple[AuditItem, ...]
    generated_at: datetime

    @property
    def figures(self) -> dict[str, Any]:
        return figures(self.meetings, self.items)

    @property
    def decisions(self) -> tuple[AuditItem, ...]:
        return tuple(i for i in self.items if i.decision_id is not None)

    def document(self) -> dict[str, Any]:
        """The JSON document: the period, the board (null = every board), every figure, and the
        decision-support disclaimer every document of the app carries."""
        return {"period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
                "board": self.board, **self.figures, "disclaimer": DISCLAIMER}

    def json_text(self) -> str:
        return json.dumps(self.document(), indent=2, ensure_ascii=False) + "\n"

    def csv_text(self) -> str:
        """The decisions as CSV, the way every command writes CSV (RFC 4180, a header row)."""
        return csv_text(self.csv_rows(), CSV_FIELDS)

    def csv_rows(self) -> list[dict[str, str]]:
        """One row per decision with the fields the figures come from (no patient identifiers),
        so an auditor can redo the figures in a spreadsheet."""
        first = {i.decision_id for i in first_discussions(self.items).values()}
        rows = []
        for d in self.decisions:
            days_referral = (d.meeting_day - d.referred_on).days if d.decision_id in first else None
            wait = d.days_to_treatment
            rows.append({
                "meeting_id": str(d.meeting_id), "meeting_day": d.meeting_day.isoformat(),
                "decision_id": str(d.decision_id), "category": d.category or "",
                "treatment": _yes(d.is_treatment), "concordant": _yes(bool(d.concordant)),
                "deviation_reason": "" if d.concordant else d.deviation_reason or "",
                "amended_fields": " ".join(d.amended), "ruleset": d.ruleset or "",
                "implementation": d.implementation or "pending",
                "implementation_reason": d.implementation_reason or "",
                "referred_on": d.referred_on.isoformat(),
                "first_discussion_of_case": _yes(d.decision_id in first),
                "days_referral_to_first_mdt": _text(days_referral),
                "first_therapy_start": d.first_therapy_start.isoformat() if d.first_therapy_start else "",
                "days_decision_to_treatment": _text(wait),
                "within_31_days": "" if wait is None else _yes(wait <= 31),
            })
        return rows


class QualityAuditService:
    def __init__(self, db: Database, *, user: User | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.db = db
        self.user = user
        self.now = now

    def audit(self, start: date, end: date, board: str | None = None) -> QualityAudit:
        """The audit of the signed meetings dated ``start`` to ``end`` (both included), of one
        board (by name, any letter case) or of every board."""
        if end < start:
            raise MeetingError(f"to: the period ends ({end.isoformat()}) before it begins "
                               f"({start.isoformat()})")
        with self.db.reading() as uow:
            record = find_board(uow, board) if board else None
            board_id = record.id if record else None
            meetings = uow.quality_audit.meetings(start, end, board_id)
            items = uow.quality_audit.items(start, end, board_id)
        return QualityAudit(start, end, record.name if record else None, tuple(meetings), tuple(items),
                            self.now())


def report_pdf(result: QualityAudit) -> bytes:
    """The annual audit report (PDF) of ``result``."""
    from tumorboard.reports.audit_pdf import render_audit_report

    return render_audit_report(report_data(result))


def report_data(result: QualityAudit) -> AuditReport:
    """The annual report's content: the figures, the charts' bars, the notes and the disclaimer."""
    from tumorboard import __version__

    return AuditReport(result.board, result.start, result.end, result.generated_at, __version__,
                       result.figures, charts(result.meetings, result.items), FOOTNOTES, DISCLAIMER)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _text(value: int | None) -> str:
    return "" if value is None else str(value)
