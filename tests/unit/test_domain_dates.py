"""Calendar arithmetic: month offsets with month-end clamping, completed years of age."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tumorboard.domain.dates import add_months, completed_years, parse_iso_date

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2025, 8, 31), 3, date(2025, 11, 30)),   # contract example
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2023, 8, 31), 6, date(2024, 2, 29)),    # leap year
    (date(2025, 3, 31), 3, date(2025, 6, 30)),
    (date(2025, 5, 31), 6, date(2025, 11, 30)),
    (date(2025, 2, 3), 3, date(2025, 5, 3)),
    (date(2024, 11, 30), 3, date(2025, 2, 28)),
])
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@given(dates, st.integers(min_value=0, max_value=24))
def test_add_months_lands_in_the_right_month_on_the_same_or_last_day(start: date, months: int) -> None:
    result = add_months(start, months)
    total = start.year * 12 + start.month - 1 + months
    assert (result.year, result.month) == (total // 12, total % 12 + 1)
    next_month_first = date(result.year + result.month // 12, result.month % 12 + 1, 1)
    last_day = (next_month_first - timedelta(days=1)).day
    assert result.day == min(start.day, last_day)


@given(dates, st.integers(min_value=1, max_value=12))
def test_add_months_is_monotonic(start: date, months: int) -> None:
    assert add_months(start, months) > add_months(start, months - 1)


@pytest.mark.parametrize(("born", "on", "age"), [
    (date(1976, 11, 22), date(2025, 1, 20), 48),
    (date(1976, 1, 20), date(2025, 1, 20), 49),   # birthday itself completes the year
    (date(1976, 1, 21), date(2025, 1, 20), 48),
    (date(2000, 2, 29), date(2025, 2, 28), 24),   # 29 February completes on 1 March
    (date(2000, 2, 29), date(2025, 3, 1), 25),
    (date(2000, 2, 29), date(2024, 2, 29), 24),
])
def test_completed_years(born: date, on: date, age: int) -> None:
    assert completed_years(born, on) == age


@given(dates, dates)
def test_completed_years_agrees_with_counting_birthdays(born: date, on: date) -> None:
    if on < born:
        born, on = on, born
    years = completed_years(born, on)
    assert years >= 0
    assert add_months(born, 12 * years) <= on
    assert add_months(born, 12 * (years + 1)) > on or (born.month, born.day) == (2, 29)


@pytest.mark.parametrize("text", ["2025-02-30", "2025-13-01", "2025-00-10", "0000-01-01",
                                  "2025-2-1", "20250201", "2025-02-01T00:00"])
def test_parse_iso_date_refuses_impossible_or_malformed_dates(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_iso_date(text)


@given(dates)
def test_parse_iso_date_round_trips(day: date) -> None:
    assert parse_iso_date(day.isoformat()) == day


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(9999, 12, 1), 3, date.max),
    (date(9999, 8, 1), 6, date.max),
    (date(9999, 9, 30), 3, date(9999, 12, 30)),
    (date(1, 2, 1), -3, date.min),
])
def test_add_months_saturates_at_the_ends_of_the_calendar(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@given(st.dates(), st.integers(min_value=-240, max_value=240))
def test_add_months_never_raises_and_keeps_direction(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result >= start) if months >= 0 else (result <= start)
