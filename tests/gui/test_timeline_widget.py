"""The painted case timeline (pytest-qt, offscreen; any Qt warning fails the test)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from gui_examples import EXAMPLE_NAMES, edge_cases, example, needs_examples
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPalette
from PySide6.QtWidgets import QToolTip
from pytestqt.qtbot import QtBot

from tumorboard.gui.timeline.timeline import CaseTimeline
from tumorboard.recommend import recommend_document
from tumorboard.timeline.layout import Kind


def _timeline(qtbot: QtBot, width: int = 900) -> CaseTimeline:
    timeline = CaseTimeline()
    qtbot.addWidget(timeline)
    timeline.resize(width, 200)
    return timeline


def _show(timeline: CaseTimeline, name: str) -> None:
    doc, case, as_of = example(name)
    timeline.set_case(case, recommend_document(doc, as_of), as_of)
    timeline.resize(timeline.width(), timeline.heightForWidth(timeline.width()))


def _colours(image: QImage) -> int:
    """How many distinct colours a coarse sample of the image holds (a blank widget has one)."""
    seen = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 5)}
    return len(seen)


def _dark(timeline: CaseTimeline) -> None:
    palette = timeline.palette()
    for role, colour in [(QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.Text, "#e8e8e8"),
                         (QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e8e8e8")]:
        palette.setColor(role, QColor(colour))
    timeline.setPalette(palette)


@needs_examples
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_paints_in_light_and_dark(qtbot: QtBot, name: str) -> None:
    timeline = _timeline(qtbot)
    _show(timeline, name)
    light = timeline.grab().toImage()
    assert _colours(light) > 8
    _dark(timeline)
    dark = timeline.grab().toImage()
    assert QColor(dark.pixel(2, 2)).lightness() < 64 < QColor(light.pixel(2, 2)).lightness()
    assert timeline.describe().startswith("Primary diagnosed")
    assert timeline.accessibleName() == "Case timeline"
    assert timeline.accessibleDescription() == timeline.describe()


@needs_examples
@pytest.mark.parametrize("which", ["no therapy, no RECIST", "planned only", "long history"])
def test_edge_cases_paint_without_warnings(qtbot: QtBot, which: str) -> None:
    _doc, base, _as_of = example("v01")
    case, today = edge_cases(base)[which]
    timeline = _timeline(qtbot)
    timeline.set_case(case, None, today)  # without the engine: no window, no responses, no crash
    assert _colours(timeline.grab().toImage()) > 4
    layout = timeline.timeline_layout()
    assert layout is not None and not layout.of_kind(Kind.WINDOW)
    if which == "planned only":
        assert "planned from 2025-07-01" in timeline.describe()


def test_no_case_paints_a_placeholder(qtbot: QtBot) -> None:
    timeline = _timeline(qtbot)
    timeline.set_case(None, None, date(2025, 6, 10))
    assert not timeline.grab().isNull()
    assert timeline.describe() == "No case open" and timeline.timeline_layout() is None
    assert timeline.item_at(QPointF(10, 10)) is None


# Showing a tooltip asks the offscreen platform to raise a window, which it reports it cannot do.
OFFSCREEN_TOOLTIP = pytest.mark.qt_log_ignore("This plugin does not support raise")


@needs_examples
@OFFSCREEN_TOOLTIP
def test_hovering_a_therapy_bar_shows_its_regimen_and_dates(qtbot: QtBot) -> None:
    timeline = _timeline(qtbot)
    timeline.show()
    qtbot.waitExposed(timeline)
    _show(timeline, "v22")
    layout = timeline.timeline_layout()
    assert layout is not None
    bar = layout.of_kind(Kind.THERAPY)[0]
    x, y = bar.box.center
    with qtbot.waitSignal(timeline.item_hovered) as hovered:
        qtbot.mouseMove(timeline, QPoint(int(x), int(y)))
    assert hovered.args is not None
    text = hovered.args[0]
    assert text.startswith("letrozole + palbociclib")
    assert "2023-09-04 → ongoing" in text and "line 1" in text
    assert timeline.hovered_item() == bar
    qtbot.waitUntil(lambda: "letrozole + palbociclib" in QToolTip.text())
    badge = layout.of_kind(Kind.ASSESSMENT)[-1]
    with qtbot.waitSignal(timeline.item_hovered) as hovered:
        qtbot.mouseMove(timeline, QPoint(*map(int, badge.box.center)))
    assert hovered.args is not None
    assert "2025-05-12" in hovered.args[0] and "PD (progressive disease)" in hovered.args[0]
    assert "Sum 52 mm" in hovered.args[0]


@needs_examples
def test_window_and_today_tooltips(qtbot: QtBot) -> None:
    timeline = _timeline(qtbot)
    _show(timeline, "v06")  # assessed too early: the window has not opened yet
    layout = timeline.timeline_layout()
    assert layout is not None
    window = layout.of_kind(Kind.WINDOW)[0]
    assert window.key == "before_window"
    tip = timeline.tooltip_at(QPointF(window.box.center[0], window.box.y + 2))
    assert tip is not None and "Opens 2025-06-03, closes 2025-09-03" in tip and "not yet open" in tip
    today = layout.of_kind(Kind.TODAY)[0]
    assert "2025-05-12" in today.tooltip


@needs_examples
def test_larger_font_grows_the_drawing_and_keeps_it_tidy(qtbot: QtBot) -> None:
    timeline = _timeline(qtbot)
    _show(timeline, "v22")
    normal = timeline.heightForWidth(900)
    font = QFont(timeline.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    timeline.setFont(font)
    larger = timeline.heightForWidth(900)
    assert larger > normal * 1.3
    layout = timeline.timeline_layout()
    assert layout is not None and layout.height == pytest.approx(larger, abs=1)
    boxes = [t.label_box for t in layout.ticks]
    assert all(a.right < b.x for a, b in pairwise(boxes))
    assert not timeline.grab().isNull()


@needs_examples
@OFFSCREEN_TOOLTIP
def test_leaving_the_widget_clears_the_hover(qtbot: QtBot) -> None:
    timeline = _timeline(qtbot)
    timeline.show()
    qtbot.waitExposed(timeline)
    _show(timeline, "v01")
    layout = timeline.timeline_layout()
    assert layout is not None
    x, y = layout.of_kind(Kind.THERAPY)[0].box.center
    with qtbot.waitSignal(timeline.item_hovered):
        qtbot.mouseMove(timeline, QPoint(int(x), int(y)))
    with qtbot.waitSignal(timeline.item_hovered) as left:
        qtbot.mouseMove(timeline, QPoint(2, int(layout.height) - 2))  # the legend's empty corner
    assert left.args == [""] and timeline.hovered_item() is None
    assert Qt.WidgetAttribute.WA_Hover is not None  # mouse tracking, not hover events, drives this
    assert timeline.hasMouseTracking()
