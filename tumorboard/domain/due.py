"""How a due date reads on every screen, list and report: one wording for "due" and "overdue"."""

from __future__ import annotations

from datetime import date


def is_overdue(due: date | None, today: date) -> bool:
    """Past its due date (a thing due today is due, not yet overdue)."""
    return due is not None and due < today


def due_words(due: date | None, today: date) -> str:
    """"overdue since 2026-11-20", "due today", "due 2026-12-03" or "no due date"."""
    if due is None:
        return "no due date"
    if is_overdue(due, today):
        return f"overdue since {due.isoformat()}"
    if due == today:
        return "due today"
    return f"due {due.isoformat()}"


# The response window's status (recommend-v1 ``response_window.status``) in words: the case
# header, the timeline and the minutes all say it this way.
WINDOW_WORDS = {
    "no_systemic_therapy": "not applicable (no systemic therapy)",
    "before_window": "not yet open",
    "open": "open, assessment due",
    "overdue": "overdue",
    "assessed": "assessed",
}
