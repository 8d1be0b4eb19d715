"""Timeline geometry without a widget: date mapping, ticks, lanes, hit-testing, model, colours."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from itertools import pairwise

import pytest
from gui_examples import EXAMPLE_NAMES, edge_cases, example, needs_examples
from hypothesis import given, settings
from hypothesis import strategies as st

from tumorboard.recommend import evaluate, recommendation_to_document
from tumorboard.timeline import style
from tumorboard.timeline.layout import (
    DateScale,
    Kind,
    Metrics,
    TimelineLayout,
    assign_lanes,
    axis_range,
    compute_layout,
    month_ticks,
    ticks_collide,
)
from tumorboard.timeline.model import (
    ROW_BONE,
    ROW_LOCAL,
    ROW_SYSTEMIC,
    Assessment,
    Event,
    TherapySpan,
    TimelineModel,
    build_model,
)

# A fixed-pitch stand-in for font metrics: 7 px per character, 16 px lines.
METRICS = Metrics(16.0, lambda text: 7.0 * len(text))
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


def _layout(case_name: str, width: float = 900, metrics: Metrics = METRICS) -> TimelineLayout:
    _doc, case, as_of = example(case_name)
    rec = recommendation_to_document(evaluate(case, as_of))
    return compute_layout(build_model(case, rec, as_of), width, metrics)


@given(days, days, st.floats(0, 500), st.floats(50, 3000))
def test_date_mapping_is_monotonic(a: date, b: date, left: float, width: float) -> None:
    scale = DateScale(date(1990, 1, 1), date(2061, 1, 1), left, left + width)
    if a < b:
        assert scale.x(a) < scale.x(b)
    assert scale.x(scale.start) == left and scale.x(scale.end) == pytest.approx(left + width)


def test_month_ends_map_one_day_apart_and_round_trip() -> None:
    scale = DateScale(date(2024, 1, 1), date(2025, 1, 1), 0, 366 * 3)  # 3 px a day, leap year
    one_day = scale.x(date(2024, 1, 2)) - scale.x(date(2024, 1, 1))
    for last, first in [(date(2024, 1, 31), date(2024, 2, 1)), (date(2024, 2, 29), date(2024, 3, 1)),
                        (date(2024, 4, 30), date(2024, 5, 1)), (date(2024, 12, 31), date(2025, 1, 1))]:
        assert scale.x(first) - scale.x(last) == pytest.approx(one_day)
        assert scale.day_at(scale.x(last)) == last


def test_axis_range_covers_every_date_with_a_margin() -> None:
    start, end = axis_range([date(2023, 8, 21), date(2025, 5, 19)])
    assert start < date(2023, 8, 21) and end > date(2025, 5, 19)
    short_start, short_end = axis_range([date(2025, 1, 1)])
    assert (short_end - short_start).days >= 120  # a single day still gets a readable axis


@settings(max_examples=200)
@given(days, st.integers(10, 40 * 365), st.floats(150, 3000), st.sampled_from([12.0, 16.0, 24.0]))
def test_tick_labels_never_collide_and_stay_inside(start: date, span: int, width: float, line: float) -> None:
    metrics = Metrics(line, lambda text: line * 0.45 * len(text))
    scale = DateScale(start, start + timedelta(days=span), 60, width - 20)
    ticks = month_ticks(scale, metrics, 0)
    assert not ticks_collide(ticks, 0)
    assert all(t.day.day == 1 and scale.start <= t.day <= scale.end for t in ticks)
    assert all(t.label_box.x >= scale.left - line and t.label_box.right <= scale.right + line + 1e-6
               for t in ticks)
    assert [t.day for t in ticks] == sorted(t.day for t in ticks)


def test_ticks_are_monthly_when_there_is_room_and_yearly_when_not() -> None:
    scale = DateScale(date(2024, 11, 15), date(2025, 4, 20), 0, 1000)
    ticks = month_ticks(scale, METRICS, 0)
    assert [t.label for t in ticks] == ["Dec 2024", "2025", "Feb", "Mar", "Apr"]
    long = month_ticks(DateScale(date(2010, 3, 1), date(2025, 6, 1), 0, 600), METRICS, 0)
    assert all(t.major for t in long) and long[0].label.isdigit()


@given(st.lists(st.tuples(st.floats(0, 1000), st.floats(0.5, 300)), max_size=30), st.floats(0, 10))
def test_lanes_never_overlap_and_use_as_few_lanes_as_the_deepest_overlap(
        raw: list[tuple[float, float]], gap: float) -> None:
    spans = [(s, s + w) for s, w in raw]
    lanes = assign_lanes(spans, gap)
    for lane in set(lanes):
        mine = sorted(s for s, k in zip(spans, lanes, strict=True) if k == lane)
        assert all(b[0] >= a[1] + gap for a, b in pairwise(mine))
    # First fit by start is optimal for intervals (every drawn span is wider than zero): lanes =
    # the most spans, each widened by the gap, over one point.
    depth = max((sum(1 for s, e in spans if s <= x < e + gap) for x, _ in spans), default=0)
    assert max(lanes, default=-1) + 1 == depth


@needs_examples
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("width", [420, 900, 1800])
def test_example_layouts_keep_bars_labels_and_badges_apart(name: str, width: float) -> None:
    layout = _layout(name, width)
    for kind in (Kind.THERAPY, Kind.ASSESSMENT, Kind.EVENT):
        items = layout.of_kind(kind)
        for a, b in pairwise(sorted(items, key=lambda i: (i.box.y, i.box.x))):
            if a.box.y == b.box.y and a.label_box and b.label_box and a.label:
                assert not a.hit_box.intersects(b.hit_box), (a.label, b.label)
    rows = [r.band for r in layout.rows]
    assert all(b.y >= a.bottom - 1e-6 for a, b in pairwise(rows))
    assert layout.axis_y >= rows[-1].bottom and layout.height > layout.axis_y
    assert all(e.text_box.right <= width for e in layout.legend)


@needs_examples
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_hit_testing_finds_each_item_at_its_centre(name: str) -> None:
    layout = _layout(name)
    for item in layout.items:
        if item.kind in (Kind.THERAPY, Kind.ASSESSMENT, Kind.EVENT):
            assert layout.hit_test(*item.box.center) == item
    assert layout.hit_test(-10, -10) is None
    assert layout.hit_test(layout.width / 2, layout.height + 50) is None


@needs_examples
def test_hit_testing_prefers_the_badge_then_the_bar_then_the_window() -> None:
    layout = _layout("v22")
    window = layout.of_kind(Kind.WINDOW)[0]
    badge = next(i for i in layout.of_kind(Kind.ASSESSMENT) if window.box.x <= i.box.center[0] <= window.box.right)
    assert layout.hit_test(*badge.box.center) == badge
    bar = layout.of_kind(Kind.THERAPY)[0]
    assert layout.hit_test(window.box.center[0], bar.box.center[1]) == bar
    below = layout.hit_test(window.box.center[0], badge.box.y - 1)
    assert below is not None and below.kind in (Kind.WINDOW, Kind.THERAPY)
    assert "Opens 2023-12-04, closes 2024-03-04" in window.tooltip and "assessed" in window.tooltip


@needs_examples
def test_edge_cases_planned_ongoing_and_empty() -> None:
    _doc, base, _as_of = example("v01")
    cases = edge_cases(base)
    empty_case, today = cases["no therapy, no RECIST"]
    empty = compute_layout(build_model(empty_case, None, today), 900, METRICS)
    assert not empty.of_kind(Kind.THERAPY) and not empty.of_kind(Kind.ASSESSMENT)
    assert any(r.note == "No therapy recorded" for r in empty.rows)
    planned_case, today = cases["planned only"]
    planned = compute_layout(build_model(planned_case, None, today), 900, METRICS)
    assert all(i.planned for i in planned.of_kind(Kind.THERAPY))
    assert any(e.kind == "planned" for e in planned.legend)
    long_case, today = cases["long history"]
    model = build_model(long_case, recommendation_to_document(evaluate(long_case, today)), today)
    layout = compute_layout(model, 900, METRICS)
    ongoing = [i for i in layout.of_kind(Kind.THERAPY) if i.open_end and not i.planned]
    assert {i.label for i in ongoing} == {"letrozole + ribociclib + goserelin", "denosumab"}
    today_x = layout.scale.x(today)
    assert all(i.box.right == pytest.approx(today_x) for i in ongoing)
    assert {r.title for r in layout.rows} >= {"Systemic", "Bone", "Local", "Events", "RECIST"}
    # Three MDT discussions within weeks share one label instead of stacking lanes.
    assert any(i.label == "MDT ×3" for i in layout.of_kind(Kind.EVENT))


@needs_examples
def test_everything_scales_with_the_font() -> None:
    small, large = Metrics(12.0, lambda t: 5.0 * len(t)), Metrics(24.0, lambda t: 10.0 * len(t))
    _doc, case, as_of = example("v22")
    model = build_model(case, recommendation_to_document(evaluate(case, as_of)), as_of)
    assert compute_layout(model, 900, large).height == pytest.approx(
        compute_layout(model, 900, small).height * 2, rel=0.15)


def test_response_and_therapy_colours_have_readable_letters() -> None:
    for fill in [*style.RESPONSE_FILL.values(), *style.THERAPY_FILL.values()]:
        assert style.contrast_ratio(fill, style.text_on(fill)) >= 4.5, fill
    assert len(set(style.RESPONSE_FILL.values())) == len(style.RESPONSE_FILL)


def test_layout_modules_do_not_import_qt() -> None:
    code = ("import sys, tumorboard.timeline.layout, tumorboard.gui.recommendation.recommendation_text; "
            "sys.exit(any(m.startswith('PySide6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def _random_model(draw: st.DrawFn) -> TimelineModel:
    today = date(2025, 6, 10)
    offset = st.integers(-3000, 400)
    therapies = []
    for i in range(draw(st.integers(0, 8))):
        start = today + timedelta(days=draw(offset))
        end = draw(st.one_of(st.none(), st.just(start + timedelta(days=draw(st.integers(0, 900))))))
        row = draw(st.sampled_from([ROW_SYSTEMIC, ROW_BONE, ROW_LOCAL]))
        label = draw(st.sampled_from(["x", "tamoxifen", "letrozole + ribociclib + goserelin"])) + f" {i}"
        planned = start > today
        therapies.append(TherapySpan(row, "systemic", label, start, end, planned,
                                     not planned and (end is None or end > today), label))
    assessments = [Assessment(today + timedelta(days=draw(offset)), code, code[:2], code)
                   for code in draw(st.lists(st.sampled_from(["CR", "PR", "SD", "PD", "NE"]), max_size=8))]
    events = [Event(today + timedelta(days=draw(offset)), kind, "MDT" if kind == "mdt" else "Dx", kind)
              for kind in draw(st.lists(st.sampled_from(["mdt", "diagnosis"]), min_size=1, max_size=6))]
    return TimelineModel(today, tuple(therapies), tuple(events), None, tuple(assessments))


@settings(max_examples=150, deadline=None)
@given(st.composite(_random_model)(), st.integers(300, 2000))
def test_random_timelines_keep_lanes_apart_and_hit_their_items(model: TimelineModel, width: int) -> None:
    layout = compute_layout(model, width, METRICS)
    for kind in (Kind.THERAPY, Kind.ASSESSMENT):
        items = layout.of_kind(kind)
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                assert not a.hit_box.intersects(b.hit_box), (a.label, b.label)
            assert layout.hit_test(*a.box.center) == a
            assert a.label_box is None or a.label_box.right <= width + 1e-6  # no label off the edge
    for event in layout.of_kind(Kind.EVENT):
        hit = layout.hit_test(*event.box.center)
        assert hit is not None and hit.kind is Kind.EVENT
    assert all(b.band.y >= a.band.bottom - 1e-6 for a, b in pairwise(layout.rows))
    assert not ticks_collide(layout.ticks, 0)
