"""The recent course of a case: the part of its timeline the minutes draw under a decision.

A printed timeline is a few centimetres wide: ten years of history would squeeze the months the
board discusses into a sliver. The minutes therefore draw the last ``MONTHS_BACK`` months before
the meeting and the next ``MONTHS_AHEAD``; therapies that ended earlier are listed in words under
the drawing (``earlier_therapies``), one that began earlier and goes on is drawn from the left edge
with an arrow (``TherapySpan.began_earlier``). The screen shows the whole course and never calls this.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from tumorboard.domain.dates import add_months
from tumorboard.timeline.model import TherapySpan, TimelineModel

MONTHS_BACK = 30
MONTHS_AHEAD = 9


def drawing_start(as_of: date) -> date:
    """First day drawn: the first of the month ``MONTHS_BACK`` months before ``as_of``."""
    return add_months(as_of.replace(day=1), -MONTHS_BACK)


def drawing_end(as_of: date) -> date:
    return add_months(as_of.replace(day=1), MONTHS_AHEAD)


def _ended_before(t: TherapySpan, day: date) -> bool:
    # Without an end date a therapy is ongoing, as the model and the screen read it.
    return t.end is not None and t.end < day


def earlier_therapies(model: TimelineModel) -> list[TherapySpan]:
    """Therapies that ended before the drawing starts, oldest first."""
    start = drawing_start(model.today)
    return [t for t in model.therapies if _ended_before(t, start)]


def recent_course(model: TimelineModel) -> TimelineModel:
    """``model`` cut to the drawn months: older items dropped, longer spans cut at the edges."""
    start, end = drawing_start(model.today), drawing_end(model.today)
    therapies: list[TherapySpan] = []
    for t in model.therapies:
        if _ended_before(t, start) or t.start > end:
            continue
        if t.start < start:
            t = dataclasses.replace(t, start=start, began_earlier=True)
        if t.end is not None and t.end > end:
            t = dataclasses.replace(t, end=end)
        therapies.append(t)
    window = model.window if model.window and start <= model.window.closes and model.window.opens <= end \
        else None
    return TimelineModel(
        model.today, tuple(therapies), tuple(e for e in model.events if start <= e.day <= end), window,
        tuple(a for a in model.assessments if start <= a.day <= end))
