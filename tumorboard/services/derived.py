"""Worklist facts derived from a case by the recommendation engine when the case is saved."""

from __future__ import annotations

from datetime import date

from tumorboard.domain.case import Case
from tumorboard.domain.vocab import subtype_label
from tumorboard.recommend import case_facts
from tumorboard.recommend.readiness import ReadinessSettings, assess_readiness
from tumorboard.store.records import Derived

__all__ = ["derive", "subtype_label", "window_status"]


def derive(case: Case, today: date, staging_date: date | None = None,
           next_meeting: date | None = None, readiness: ReadinessSettings | None = None) -> Derived:
    # The facts alone, not the whole recommendation: its verdicts and texts are not stored here
    # (three quarters of the engine's time, and an import derives every case).
    facts = case_facts(case, today)
    w = facts.window
    assessed = w.status == "assessed"
    # An unassessed window makes the reassessment due when it opens; otherwise the next meeting.
    next_due = w.opens if w.opens is not None and not assessed else next_meeting
    ready = assess_readiness(case, next_meeting or today, staging_date, readiness)
    missing = ", ".join(i.label for i in ready.problems)
    return Derived(
        subtype=subtype_label(facts.hormone_receptor, facts.her2),
        stage=facts.stage,
        distant_lesion_count=facts.extent.distant_lesion_count,
        window_opens=w.opens,
        window_closes=w.closes,
        window_assessed=assessed,
        latest_response=facts.latest,
        next_due=next_due,
        missing_items=missing[:400],
    )


def window_status(opens: date | None, closes: date | None, assessed: bool, today: date) -> str:
    """The response-window status on ``today`` from the stored window (same rules as the engine)."""
    if opens is None or closes is None:
        return "no_systemic_therapy"
    if assessed:
        return "assessed"
    if today < opens:
        return "before_window"
    if today > closes:
        return "overdue"
    return "open"
