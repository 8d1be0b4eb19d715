"""Response to systemic therapy: the 3-6 month response window and RECIST 1.1 per timepoint.

RECIST arithmetic uses exact fractions: a boundary such as 40 -> 28 mm (-30.0%) must be PR
whatever the binary representation of the measurements.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from tumorboard.domain.case import Case, RecistAssessment, RecistRecord, Therapy
from tumorboard.domain.dates import add_months
from tumorboard.domain.vocab import NonTargetResponse, TherapyKind, TherapySetting
from tumorboard.recommend.result import RecistSummary, RecistTimepoint, ResponseWindow


def anchor_therapy(case: Case, as_of: date) -> Therapy | None:
    """The metastatic systemic therapy with the latest start on or before ``as_of``."""
    candidates = [th for th in case.therapies
                  if th.kind is TherapyKind.SYSTEMIC and th.setting is TherapySetting.METASTATIC
                  and th.start <= as_of]
    # Two lines started the same day give the same window; the regimen name breaks the tie so the
    # order of entry never changes what the board reads.
    return max(candidates, key=lambda th: (th.start, th.regimen or ""), default=None)


def assessments_as_of(recist: RecistRecord | None, as_of: date) -> list[RecistAssessment]:
    """Assessments that are evidence at ``as_of``, oldest first (stable for equal dates)."""
    if recist is None:
        return []
    return sorted((a for a in recist.assessments if a.date <= as_of), key=lambda a: a.date)


def response_window(case: Case, as_of: date, opens_months: int, closes_months: int,
                    assessments: list[RecistAssessment]) -> ResponseWindow:
    anchor = anchor_therapy(case, as_of)
    if anchor is None:
        return ResponseWindow(None, None, None, "no_systemic_therapy")
    opens = add_months(anchor.start, opens_months)
    closes = add_months(anchor.start, closes_months)
    if any(a.date >= opens for a in assessments):
        status = "assessed"
    elif as_of < opens:
        status = "before_window"
    elif as_of > closes:
        status = "overdue"
    else:
        status = "open"
    return ResponseWindow(anchor.start, opens, closes, status, anchor.regimen)


def exact_mm(value: float) -> Fraction | int:
    """The measurement as an exact number: whole millimetres stay ints (the common, fast case);
    others become the decimal the user typed (repr() is the shortest round-tripping decimal)."""
    if isinstance(value, int) or value.is_integer():
        return int(value)
    return Fraction(repr(value))


def _pct(change: Fraction | int, reference: Fraction | int) -> float | None:
    if reference == 0:
        return None
    return round(float(change * 100 / reference), 1)


def target_response(measures: list[Fraction | int], nodal: list[bool], baseline: Fraction | int,
                    nadir: Fraction | int) -> str:
    """Target-lesion response for one timepoint whose targets were all measured."""
    total = sum(measures)
    rise = total - nadir
    if rise >= 5 and (nadir == 0 or rise * 5 >= nadir):  # +20% of nadir and +5 mm
        return "PD"
    if all((m < 10) if is_nodal else (m == 0) for m, is_nodal in zip(measures, nodal, strict=True)):
        return "CR"
    if baseline > 0 and (baseline - total) * 10 >= baseline * 3:  # -30% of baseline
        return "PR"
    return "SD"


def overall_response(target: str | None, non_target: NonTargetResponse, new_lesions: bool) -> str:
    """RECIST 1.1 overall timepoint response (tables for target disease and non-target only)."""
    if new_lesions or non_target is NonTargetResponse.PD or target == "PD":
        return "PD"
    if target is None:
        if non_target is NonTargetResponse.CR:
            return "CR"
        if non_target is NonTargetResponse.NE:
            return "NE"
        return "non-CR/non-PD"
    if target == "CR":
        if non_target in (NonTargetResponse.CR, NonTargetResponse.NONE):
            return "CR"
        return "PR"
    if target in ("PR", "SD"):
        return target
    return "NE"


def recist_summary(recist: RecistRecord | None, as_of: date,
                   assessments: list[RecistAssessment]) -> RecistSummary | None:
    """Timepoint responses of every assessment on/before ``as_of``; None without a baseline."""
    if recist is None or recist.baseline_date > as_of:
        return None
    nodal = [t.nodal for t in recist.targets]
    baseline: Fraction | int = sum(exact_mm(t.baseline_mm) for t in recist.targets)
    nadir = baseline
    timepoints = []
    for a in assessments:
        total: Fraction | int | None = None
        target: str | None = None
        if recist.targets:
            if any(v is None for v in a.target_mm):
                target = "NE"
            else:
                measures = [exact_mm(v) for v in a.target_mm if v is not None]
                total = sum(measures)
                target = target_response(measures, nodal, baseline, nadir)
        timepoints.append(RecistTimepoint(
            a.date,
            total,
            None if total is None else _pct(total - baseline, baseline),
            None if total is None else _pct(total - nadir, nadir),
            target,
            overall_response(target, a.non_target, a.new_lesions),
        ))
        if total is not None and total < nadir:
            nadir = total
    latest = timepoints[-1] if timepoints else None
    return RecistSummary(tuple(timepoints), latest.overall if latest else None,
                         latest.date if latest else None)
