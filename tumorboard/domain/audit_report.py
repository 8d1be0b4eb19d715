"""What the audit's charts show, for the Audit tab and the annual report alike: each chart's bars
with their words, and the agenda items behind each bar (the tab opens them as a list).

The words and the grouping live here once; the tab draws them with Qt Charts, the report with
ReportLab drawings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tumorboard.domain.meeting import (
    DeviationReason,
    Discipline,
    ImplementationOutcome,
    NonImplementationReason,
)
from tumorboard.domain.quality_audit import TREATMENT_TARGET_DAYS, AuditItem, AuditMeeting

NON_IMPLEMENTATION_LABELS = {
    NonImplementationReason.PATIENT_WISH: "Patient wish",
    NonImplementationReason.DEATH: "Death",
    NonImplementationReason.CLINICAL_CHANGE: "Clinical change",
    NonImplementationReason.PHYSICIAN_DECISION: "Physician decision",
    NonImplementationReason.OTHER: "Other",
}
OUTCOME_LABELS = {ImplementationOutcome.FULLY.value: "Fully", ImplementationOutcome.PARTLY.value: "Partly",
                  ImplementationOutcome.NOT_DONE.value: "Not done", None: "Not yet checked"}
BIN_DAYS = 7  # the waiting-time histogram counts weeks


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart: its words, its value, and which rows it counts."""

    label: str
    value: float
    count: int  # how many rows behind it (the value itself for counts; for shares, the numerator)
    select: Callable[[AuditItem], bool] | None = None  # the agenda items behind the bar
    meetings: tuple[int, ...] = ()  # or the meetings behind it (attendance, cases per meeting)


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    title: str
    bars: tuple[Bar, ...]
    unit: str = "decisions"  # what the values count: "decisions", "share of meetings", "cases"
    target_line: float | None = None  # the 31-day line of the waiting times, in bar positions


def concordance(decisions: Sequence[AuditItem]) -> Chart:
    bars = [Bar("Follows the guideline", n := sum(1 for d in decisions if d.concordant), n,
                _where(concordant=True))]
    for reason in DeviationReason:
        count = sum(1 for d in decisions if not d.concordant and d.deviation_reason == reason.value)
        bars.append(Bar(reason.label, count, count,
                        _where(concordant=False, deviation_reason=reason.value)))
    return Chart("concordance", "Follows the guideline, or the reason for deviating", tuple(bars))


def implementation(decisions: Sequence[AuditItem]) -> Chart:
    bars = []
    for outcome, label in OUTCOME_LABELS.items():
        count = sum(1 for d in decisions if d.implementation == outcome)
        bars.append(Bar(label, count, count, _where(implementation=outcome)))
    return Chart("implementation", "Implementation of the decisions (latest check)", tuple(bars))


def waiting_times(decisions: Sequence[AuditItem]) -> Chart:
    """Days from decision to treatment in weeks (0-6, 7-13, ...), with the 31-day line."""
    days = [d.days_to_treatment for d in decisions if d.days_to_treatment is not None]
    weeks = (max(days) // BIN_DAYS + 1) if days else TREATMENT_TARGET_DAYS // BIN_DAYS + 1
    weeks = max(weeks, TREATMENT_TARGET_DAYS // BIN_DAYS + 1)
    bars = []
    for week in range(weeks):
        lo, hi = week * BIN_DAYS, week * BIN_DAYS + BIN_DAYS - 1
        count = sum(1 for d in days if lo <= d <= hi)
        bars.append(Bar(f"{lo}-{hi}", count, count, _waited(lo, hi)))
    # The line stands after day 31 (within = 31 days or fewer), in units of bars.
    return Chart("waiting", "Days from decision to treatment (treatment decisions)", tuple(bars),
                 target_line=(TREATMENT_TARGET_DAYS + 1) / BIN_DAYS)


def _where(**values: object) -> Callable[[AuditItem], bool]:
    """The decisions whose fields have these values."""
    def select(item: AuditItem) -> bool:
        return item.decision_id is not None and all(getattr(item, k) == v for k, v in values.items())
    return select


def _waited(lo: int, hi: int) -> Callable[[AuditItem], bool]:
    def select(item: AuditItem) -> bool:
        days = item.days_to_treatment
        return days is not None and lo <= days <= hi
    return select


def attendance(meetings: Sequence[AuditMeeting]) -> Chart:
    bars = []
    for discipline in Discipline:
        present = tuple(m.id for m in meetings if discipline.value in m.present)
        share = len(present) / len(meetings) if meetings else 0.0
        bars.append(Bar(discipline.label, share, len(present), meetings=present))
    return Chart("attendance", "Attendance: share of meetings with the discipline present", tuple(bars),
                 unit="share of meetings")


def cases_per_meeting(meetings: Sequence[AuditMeeting], items: Sequence[AuditItem]) -> Chart:
    counts: dict[int, int] = {}
    for item in items:
        counts[item.meeting_id] = counts.get(item.meeting_id, 0) + 1
    bars = tuple(Bar(m.day.isoformat(), counts.get(m.id, 0), counts.get(m.id, 0), meetings=(m.id,))
                 for m in meetings)
    return Chart("cases", "Cases per meeting", bars, unit="cases")


def charts(meetings: Sequence[AuditMeeting], items: Sequence[AuditItem]) -> tuple[Chart, ...]:
    decisions = [i for i in items if i.decision_id is not None]
    return (concordance(decisions), implementation(decisions), waiting_times(decisions),
            attendance(meetings), cases_per_meeting(meetings, items))


def behind(bar: Bar, items: Sequence[AuditItem]) -> list[AuditItem]:
    """The agenda items a bar counts (for attendance: the items of the meetings it counts)."""
    if bar.select is not None:
        return [i for i in items if bar.select(i)]
    return [i for i in items if i.meeting_id in bar.meetings]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def summary_lines(f: dict[str, Any]) -> list[tuple[str, str]]:
    """The figures in words, as the Audit tab shows them and the report prints them (– = null)."""
    imp, ref = f["implementation"], f["days_referral_to_first_mdt"]
    wait = f["days_decision_to_treatment"]
    return [
        ("Meetings signed off in the period", str(f["meetings"])),
        ("Cases on the agenda", f"{f['agenda_items']}: discussed {f['discussed']}, listed not "
                                f"discussed {f['listed_not_discussed']}, carried over {f['carried_over']}"),
        ("Decisions", str(f["decisions"])),
        ("Follow the guideline recommendation", f"{f['concordant']} ({_pct(f['concordance_rate'])})"),
        ("Deviate from it", str(f["deviating"])),
        ("Meetings with quorum only by the chair's override", str(f["quorum_overrides"])),
        ("Implementation checked", f"{imp['checked']}: fully {imp['full']}, partly {imp['partial']}, "
                                   f"not done {imp['not_done']}; not yet checked {imp['pending']}"),
        ("Carried out, fully or partly (of those checked)", _pct(imp["rate"])),
        ("Days from referral to first MDT discussion",
         f"n {ref['n']}, median {_num(ref['median'])}, p90 {_num(ref['p90'])}"),
        ("Days from decision to treatment",
         f"n {wait['n']}, median {_num(wait['median'])}, p90 {_num(wait['p90'])}"),
        ("Treatment started within 31 days", _pct(wait["within_31_days_rate"])),
    ]


@dataclass(frozen=True, slots=True)
class AuditReport:
    """Everything the annual report prints (plain data; ``reports/audit_pdf.py`` lays it out)."""

    board: str | None
    start: date
    end: date
    generated_at: datetime
    app_version: str
    figures: dict[str, Any]
    charts: tuple[Chart, ...]
    footnotes: tuple[str, ...]
    disclaimer: str
