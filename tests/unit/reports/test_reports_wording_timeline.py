"""The words the minutes use for codes, the small timeline drawing and the redaction of free text
(no PDF needed)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from minutes_samples import EXAMPLE_NAMES, example, examples_available, sample_minutes

from tumorboard.domain.case import Therapy
from tumorboard.domain.meeting import AgendaTriage, DecisionCategory, DeviationReason
from tumorboard.domain.vocab import TherapyKind
from tumorboard.reports.redaction import identifiers, redact
from tumorboard.reports.timeline_drawing import (
    earlier_therapies,
    strings_of,
    timeline_drawing,
    timeline_layout,
)
from tumorboard.reports.wording import (
    category_label,
    day_words,
    deviation_label,
    triage_label,
    utc,
    verdict_words,
)
from tumorboard.timeline.layout import Kind
from tumorboard.timeline.recent import drawing_start


def test_every_code_has_words() -> None:
    labels = ([category_label(c) for c in DecisionCategory] + [deviation_label(r) for r in DeviationReason]
              + [triage_label(t) for t in AgendaTriage])
    assert all(label and "_" not in label for label in labels)
    assert deviation_label(DeviationReason.FITNESS_OR_COMORBIDITY) == "Fitness or comorbidity"


def test_verdict_words_prefer_the_engines_label() -> None:
    assert verdict_words({"verdict": "consider", "label": "May be considered"}) == "May be considered"
    assert verdict_words({"verdict": "not_yet"}) == "Not yet: assess response first"
    assert verdict_words({"verdict": "brand_new"}) == "Brand new"
    assert verdict_words({}) == "No verdict"


def test_times_are_printed_in_utc() -> None:
    cet = timezone(timedelta(hours=1))
    assert utc(datetime(2026, 1, 5, 10, 30, tzinfo=cet)) == "2026-01-05 09:30 UTC"
    assert utc(datetime(2026, 1, 5, 10, 30)) == "2026-01-05 10:30 UTC"
    assert utc(datetime(2026, 1, 5, 10, 30, tzinfo=UTC)) == "2026-01-05 10:30 UTC"
    assert day_words(date(2026, 11, 27)) == "Friday 27 November 2026"


@pytest.mark.skipif(not examples_available(), reason="worked examples not beside the project")
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_timeline_of_each_example(name: str) -> None:
    ex = example(name)
    drawing = timeline_drawing(ex.case, ex.recommendation, ex.as_of, 480)
    words = strings_of(drawing)
    assert drawing.width == 480 and drawing.height > 0
    assert f"as of {ex.as_of.isoformat()}" in words
    assert "Systemic" in words and any(w.startswith("MDT") for w in words)
    if ex.recommendation["response_window"].get("opens"):
        assert any(w.startswith("Response window") for w in words)


@pytest.mark.skipif(not examples_available(), reason="worked examples not beside the project")
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_minutes_print_the_one_shared_layout(name: str) -> None:
    """Every word in the drawing is a label the shared layout placed, and every label the layout
    placed with room for it is printed: the PDF adds and drops nothing of its own."""
    ex = example(name)
    layout = timeline_layout(ex.case, ex.recommendation, ex.as_of, 480)
    placed = {i.label for i in layout.items if i.label} | {r.title for r in layout.rows} \
        | {t.label for t in layout.ticks}
    words = strings_of(timeline_drawing(ex.case, ex.recommendation, ex.as_of, 480))
    assert all(w in placed or w.endswith("…") for w in words), set(words) - placed
    roomy = {i.label for i in layout.items if i.label and i.label_box and i.label_box.w >= len(i.label) * 4.5}
    assert roomy <= set(words)
    assert len(layout.of_kind(Kind.THERAPY)) >= 1 and len(layout.of_kind(Kind.TODAY)) == 1
    assert not layout.legend  # the key is printed once in words, under the first drawing


@pytest.mark.skipif(not examples_available(), reason="worked examples not beside the project")
def test_a_legend_is_drawn_only_when_asked() -> None:
    ex = example("v01")
    plain = timeline_layout(ex.case, ex.recommendation, ex.as_of, 480)
    keyed = timeline_layout(ex.case, ex.recommendation, ex.as_of, 480, legend=True)
    assert keyed.legend and keyed.height > plain.height
    assert any(e.text == f"as of {ex.as_of.isoformat()}" for e in keyed.legend)


@pytest.mark.skipif(not examples_available(), reason="worked examples not beside the project")
def test_old_therapies_are_listed_not_squeezed_into_the_drawing() -> None:
    ex = example("v01")
    adjuvant = Therapy(TherapyKind.SYSTEMIC, date(2015, 3, 1), date(2015, 9, 1), regimen="EC-paclitaxel")
    old = dataclasses.replace(ex.case, therapies=(adjuvant, *ex.case.therapies))
    start, words = earlier_therapies(old, ex.as_of)
    assert start == drawing_start(ex.as_of) and start > date(2015, 9, 1)
    assert words == ["EC-paclitaxel (2015-03 to 2015-09)"]
    assert not any("EC-paclitaxel" in w for w in strings_of(timeline_drawing(old, ex.recommendation, ex.as_of, 480)))


@pytest.mark.skipif(not examples_available(), reason="worked examples not beside the project")
def test_a_therapy_begun_before_the_drawing_is_cut_at_its_edge_with_an_arrow() -> None:
    ex = example("v01")
    long_running = Therapy(TherapyKind.BONE_MODIFYING, date(2016, 1, 4), None, regimen="zoledronate")
    case = dataclasses.replace(ex.case, therapies=(long_running, *ex.case.therapies))
    layout = timeline_layout(case, ex.recommendation, ex.as_of, 480)
    bars = {i.label: i for i in layout.of_kind(Kind.THERAPY)}
    assert bars["zoledronate"].open_start and bars["zoledronate"].open_end
    assert layout.scale.start >= drawing_start(ex.as_of) - timedelta(days=31)
    assert not any(i.open_start for label, i in bars.items() if label != "zoledronate")
    assert earlier_therapies(case, ex.as_of)[1] == []  # still going: drawn, not listed


@pytest.mark.skipif(not examples_available(), reason="worked examples not beside the project")
def test_timeline_without_recommendation_or_events() -> None:
    ex = example("v01")
    bare = dataclasses.replace(ex.case, therapies=(), mdt_discussions=(), recist=None)
    drawing = timeline_drawing(bare, None, ex.as_of, 480)
    assert f"as of {ex.as_of.isoformat()}" in strings_of(drawing)


@pytest.mark.skipif(not examples_available(), reason="worked examples not beside the project")
def test_redaction_keeps_enums_and_leaves_identified_minutes_alone() -> None:
    identified = sample_minutes(2)
    assert redact(identified) is identified
    pseudo = redact(sample_minutes(2, pseudonymised=True))
    assert {"Synthetic V01", "SYN-V01", "1976-11-22", "22.11.1976"} <= identifiers(pseudo)
    first = pseudo.cases[0]
    assert first.triage is AgendaTriage.FOR_DISCUSSION
    assert first.decision is not None and isinstance(first.decision.category, DecisionCategory)
    assert type(pseudo.attendees[0].discipline).__name__ == "Discipline"
    assert pseudo.cases[0].recommendation is sample_minutes(2, pseudonymised=True).cases[0].recommendation
