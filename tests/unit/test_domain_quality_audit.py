"""The audit's arithmetic: median, nearest-rank p90, rates with nothing to divide by, amendments
applied in order, and the charts' bars counting exactly the rows they open."""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tumorboard.domain.audit_report import behind, charts
from tumorboard.domain.quality_audit import AuditItem, AuditMeeting, amended, figures, median, p90, rate

DAY = date(2026, 3, 2)


def test_median_p90_and_rate_by_hand() -> None:
    assert median([]) is None and p90([]) is None and rate(0, 0) is None
    assert median([5, 1, 3]) == 3 and median([4, 1, 3, 2]) == 2.5
    # Nearest rank: ceil(0.9 * 10) = 9th of 10; ceil(0.9 * 11) = 10th of 11; 1 value is its own p90.
    assert p90(list(range(1, 11))) == 9 and p90(list(range(1, 12))) == 10 and p90([7]) == 7
    assert rate(0, 4) == 0.0 and rate(1, 4) == 0.25


@given(st.lists(st.integers(min_value=-400, max_value=400), min_size=1, max_size=60))
def test_p90_is_a_value_with_at_least_90_percent_at_or_below_it(values: list[int]) -> None:
    got = p90(values)
    assert got in values
    assert sum(v <= got for v in values) >= math.ceil(0.9 * len(values))
    assert sum(v < got for v in values) < math.ceil(0.9 * len(values))  # the smallest such value
    assert min(values) <= median(values) <= max(values)  # type: ignore[operator]


def _item(n: int, **kw: object) -> AuditItem:
    values: dict[str, object] = {"meeting_id": 1, "meeting_day": DAY, "mrn": f"C{n}", "triage": "for_discussion",
                                 "discussed": True, "referred_on": DAY - timedelta(days=10),
                                 "decision_id": n, "category": "systemic_therapy", "concordant": True}
    values.update(kw)
    return AuditItem(**values)  # type: ignore[arg-type]


def test_the_last_amendment_of_a_field_wins_and_the_fields_are_named() -> None:
    item = _item(1)
    after = amended(item, [("concordant", "False"), ("deviation_reason", "missing_data"),
                           ("deviation_reason", "clinical_trial"), ("text", "ignored")])
    assert (after.concordant, after.deviation_reason) == (False, "clinical_trial")
    assert after.amended == ("concordant", "deviation_reason")
    assert amended(item, [("text", "words only")]) is item


@given(st.lists(st.tuples(st.booleans(), st.sampled_from([None, "fully", "partly", "not_done"]),
                          st.integers(min_value=0, max_value=90)), max_size=30))
def test_every_bar_opens_exactly_the_rows_it_counts(rows: list[tuple[bool, str | None, int]]) -> None:
    items = [_item(n, concordant=ok, deviation_reason=None if ok else "missing_data", implementation=outcome,
                   first_therapy_start=DAY + timedelta(days=wait))
             for n, (ok, outcome, wait) in enumerate(rows)]
    meetings = [AuditMeeting(1, "B", DAY, frozenset({"pathology"}), frozenset({"pathology"}), False)]
    got = figures(meetings, items)
    for chart in charts(meetings, items):
        for bar in chart.bars:
            assert len(behind(bar, items)) == bar.count or chart.key == "attendance"
    by_key = {c.key: c for c in charts(meetings, items)}
    assert sum(b.count for b in by_key["concordance"].bars) == got["decisions"]
    assert sum(b.count for b in by_key["implementation"].bars) == got["decisions"]
    assert sum(b.count for b in by_key["waiting"].bars) == got["days_decision_to_treatment"]["n"]
