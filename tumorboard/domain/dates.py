"""Calendar arithmetic the clinic relies on: month offsets with month-end clamping, completed years."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta


@lru_cache(maxsize=4096)
def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months; a day missing in the target month clamps to its last day.

    2025-08-31 + 3 months = 2025-11-30 (recommend-v1 contract, response window).
    A result past the ends of the calendar saturates at ``date.max`` / ``date.min``: a schema-valid
    document dated in year 9999 still gets an answer rather than an exception.
    """
    try:
        result: date = day + relativedelta(months=months)
    except (ValueError, OverflowError):
        return date.max if months > 0 else date.min
    return result


def completed_years(born: date, on: date) -> int:
    """Completed years of age on ``on``; a 29 February birthday completes on 1 March in common years."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def parse_iso_date(text: str) -> date:
    """Parse ``YYYY-MM-DD`` strictly; raises ValueError naming the text for impossible dates."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a valid calendar date") from None
