"""Home: the day's work at a glance. Each list is what its title says, and its count is its
length, so a count can never disagree with the list under it."""

from __future__ import annotations

from dataclasses import dataclass

from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.cases import CaseService, WorklistQuery, WorklistRow

HOME_LIMIT = 5000
"""Open cases Home reads at most; past it each list says it shows only the first ones."""

OPEN_STATUSES = tuple(s for s in WorkflowStatus if s is not WorkflowStatus.CLOSED)


@dataclass(frozen=True, slots=True)
class HomeLists:
    overdue: list[WorklistRow]
    """Response window closed without an assessment."""
    due: list[WorklistRow]
    """Response window open now."""
    ready: list[WorklistRow]
    """Ready for the next MDT."""
    missing: list[WorklistRow]
    """Open cases with data missing before the MDT."""
    truncated: bool
    """``limit`` open cases or more: the lists hold the first ones by next due date."""
    by_status: dict[WorkflowStatus, int]
    """Every case by workflow status, closed ones included (the counts the database keeps)."""


def home_lists(cases: CaseService, limit: int = HOME_LIMIT) -> HomeLists:
    """The four case lists of Home from one read of the first ``limit`` open cases."""
    rows = cases.worklist(WorklistQuery(statuses=OPEN_STATUSES, limit=limit))
    return HomeLists(
        overdue=[r for r in rows if r.window_status == "overdue"],
        due=[r for r in rows if r.window_status == "open"],
        ready=[r for r in rows if r.status is WorkflowStatus.READY_FOR_MDT],
        missing=[r for r in rows if r.missing],
        truncated=len(rows) >= limit,
        by_status=cases.counts_by_status())


def status_words(by_status: dict[WorkflowStatus, int]) -> str:
    """"Referred 3 · Staging 2 · ... (30 in all)": the statuses in workflow order, none left out."""
    parts = [f"{s.label} {by_status.get(s, 0)}" for s in WorkflowStatus]
    return " · ".join(parts) + f" ({sum(by_status.values())} in all)"
