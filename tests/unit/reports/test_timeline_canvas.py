"""The timeline painted straight on the canvas writes what ReportLab's Drawing of the same layout
wrote, operator for operator, and paints every label the layout placed."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from minutes_samples import EXAMPLE_NAMES, example, examples_available
from reportlab.graphics.shapes import Drawing, String
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from timeline_reference import reference_drawing

from tumorboard.domain.case import Therapy
from tumorboard.domain.vocab import TherapyKind
from tumorboard.reports.fonts import REGULAR, register_fonts
from tumorboard.reports.styles import FRAME_WIDTH
from tumorboard.reports.timeline_canvas import TimelineFlowable
from tumorboard.reports.timeline_drawing import strings_of, timeline_drawing, timeline_layout
from tumorboard.timeline.layout import Kind

needs_examples = pytest.mark.skipif(not examples_available(), reason="worked examples not beside the project")


def _page(flowable: Flowable) -> bytes:
    """One page with the flowable on it, as a frame places it (translated, in its own state)."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, pageCompression=0, initialFontName=REGULAR, initialFontSize=8)
    canvas.drawString(10, 10, "before")  # a page already in use: the state the drawing meets
    flowable.wrapOn(canvas, FRAME_WIDTH, 800)
    flowable.drawOn(canvas, 51.02362, 211.1444)
    canvas.drawString(10, 20, "after")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _cases() -> list[tuple[str, object]]:
    cases: list[tuple[str, object]] = [(name, example(name).case) for name in EXAMPLE_NAMES]
    ex = example("v01")
    running = Therapy(TherapyKind.BONE_MODIFYING, date(2016, 1, 4), None, regimen="zoledronate")
    planned = Therapy(TherapyKind.RADIOTHERAPY, date(2025, 7, 1), date(2025, 7, 20), regimen="SBRT")
    cases.append(("v01 with a long-running and a planned therapy",
                  dataclasses.replace(ex.case, therapies=(running, *ex.case.therapies, planned))))
    cases.append(("v01 bare", dataclasses.replace(ex.case, therapies=(), mdt_discussions=(), recist=None)))
    return cases


@needs_examples
@pytest.mark.parametrize("legend", [False, True])
@pytest.mark.parametrize("width", [FRAME_WIDTH, 480, 260])
def test_the_canvas_writes_what_the_drawing_wrote(width: float, legend: bool) -> None:
    for name, case in _cases():
        ex = example(name.split()[0])
        layout = timeline_layout(case, ex.recommendation, ex.as_of, width, legend)  # type: ignore[arg-type]
        painted = _page(TimelineFlowable(layout))
        assert painted == _page(reference_drawing(layout)), name
        assert b" re f*" in painted and b"Tj" in painted  # something was painted at all


@needs_examples
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_text_of_the_drawing_is_painted_in_its_order(name: str) -> None:
    ex = example(name)
    layout = timeline_layout(ex.case, ex.recommendation, ex.as_of, FRAME_WIDTH, legend=True)
    reference: Drawing = reference_drawing(layout)
    texts = [n.text for n in reference.contents if isinstance(n, String)]
    painted = strings_of(TimelineFlowable(layout))
    assert painted == texts and len(painted) > 10
    placed = ({i.label for i in layout.items if i.label} | {r.title for r in layout.rows}
              | {t.label for t in layout.ticks} | {e.text for e in layout.legend}
              | {e.badge for e in layout.legend if e.badge})
    assert all(w in placed or w.endswith("…") for w in painted), set(painted) - placed
    assert {i.label for i in layout.of_kind(Kind.TODAY)} <= set(painted)


@needs_examples
def test_the_flowable_is_as_big_as_its_layout() -> None:
    ex = example("v05")
    drawing = timeline_drawing(ex.case, ex.recommendation, ex.as_of, 400)
    layout = timeline_layout(ex.case, ex.recommendation, ex.as_of, 400)
    assert drawing.wrap(1000, 1000) == (400, layout.height) and layout.height > 20
