"""Within one document, paragraphs of the same text, style and width break their lines once: the
later ones are given the first one's lines, which are the lines they would have broken, and
whatever ReportLab does to one paragraph afterwards (another width, a split) leaves the others'.
Drawing the same lines again writes what ReportLab would write."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import sys

import pytest
from minutes_samples import examples_available, sample_minutes
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from tumorboard.reports import document, render_minutes
from tumorboard.reports import styles as report_styles
from tumorboard.reports.fonts import BOLD, REGULAR, register_fonts
from tumorboard.reports.kept_lines import kept_lines, lines_kept
from tumorboard.reports.styles import para, styles, text

LONG = text("Stereotactic body radiotherapy to all sites & continue letrozole + ribociclib; "
            "reassess with CT thorax/abdomen and a bone scan in 12 weeks (<RECIST 1.1>). ") * 4
MARKUP = f"<b>Plan:</b> {LONG} <i>as agreed</i>"


def _lines(p: Paragraph) -> str:
    return repr([getattr(line, "words", line) for line in p.blPara.lines])


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    calls: list[float] = []
    original = Paragraph.breakLines
    monkeypatch.setattr(Paragraph, "breakLines", lambda self, w: calls.append(w) or original(self, w))
    return calls


@pytest.mark.parametrize("markup", [LONG, MARKUP])
def test_a_second_paragraph_of_the_same_text_is_given_the_first_ones_lines(
        markup: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    with lines_kept():
        first, second = para(markup, styles().cell), para(markup, styles().cell)
        assert first.wrap(150, 1000) == second.wrap(150, 1000)
        assert len(calls) == 1 and second.blPara is first.blPara
        other_style = para(markup, styles().body)
        other_style.wrap(150, 1000)
        other_width = para(markup, styles().cell)
        other_width.wrap(151, 1000)
        assert len(calls) == 3  # another style, another width: broken afresh
    own = Paragraph(markup, styles().cell)
    assert second.wrap(150, 1000) == own.wrap(150, 1000) and _lines(second) == _lines(own)


def test_outside_a_document_nothing_is_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    assert kept_lines() is None
    calls = _counting(monkeypatch)
    first, second = para(MARKUP, styles().cell), para(MARKUP, styles().cell)
    first.wrap(150, 1000)
    second.wrap(150, 1000)
    assert len(calls) == 2 and second.blPara is not first.blPara


@pytest.mark.parametrize("widths", [[120, 60, 120], [120, 300, 40, 120], [60, 60, 200, 60]])
def test_another_width_later_gives_reportlabs_own_lines_and_leaves_the_others(widths: list[float]) -> None:
    """ReportLab's paragraph is not free of its history (a long word split at a narrow width stays
    split), so a borrower's later wraps are compared with ReportLab's own paragraph after the same
    wraps, and the lender's lines with what they were."""
    with lines_kept():
        lender, borrower = para(MARKUP, styles().cell), para(MARKUP, styles().cell)
        lender.wrap(widths[0], 1000)
        lent = _lines(lender)
        own = Paragraph(MARKUP, styles().cell)
        for width in widths:
            assert borrower.wrap(width, 1000) == own.wrap(width, 1000)
            assert _lines(borrower) == _lines(own)
        assert _lines(lender) == lent and lender.wrap(widths[0], 1000)[0] == widths[0]
        late = para(MARKUP, styles().cell)  # still given the lines of the first wrap at that width
        late.wrap(widths[0], 1000)
        assert _lines(late) == lent


def test_a_split_at_a_page_break_gives_reportlabs_own_parts_and_leaves_the_others() -> None:
    with lines_kept():
        lender, borrower = para(MARKUP, styles().body), para(MARKUP, styles().body)
        lender.wrap(200, 1000)
        borrower.wrap(200, 1000)
        lent = _lines(lender)
        parts = borrower.split(200, 60)
        own = Paragraph(MARKUP, styles().body)
        own.wrap(200, 1000)
        expected = own.split(200, 60)
        assert len(parts) == len(expected) == 2
        for mine, theirs in zip(parts, expected, strict=True):
            assert mine.wrap(200, 1000) == theirs.wrap(200, 1000) and _lines(mine) == _lines(theirs)
        assert _lines(lender) == lent


@pytest.mark.skipif(not examples_available(), reason="the shared example cases are not here")
@pytest.mark.parametrize("options", [{}, {"pseudonymised": True, "signed": False}])
def test_the_minutes_are_the_same_bytes_with_lines_kept_or_broken_afresh(
        options: dict[str, bool], monkeypatch: pytest.MonkeyPatch) -> None:
    minutes = sample_minutes(7, **options)  # every worked example, two of them twice
    calls = _counting(monkeypatch)
    kept = render_minutes(minutes)
    breaks_kept = len(calls)
    monkeypatch.setattr(document, "lines_kept", contextlib.nullcontext)
    assert render_minutes(minutes) == kept
    assert breaks_kept < len(calls) - len(calls) // 3  # and the repeated texts were broken once


def test_what_line_breaking_does_to_a_paragraphs_fragments_stays_its_own(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """ReportLab 5.1 leaves the fragments it breaks as they were (checked above by the lines), but
    nothing promises it: a line breaking that marks every fragment it is given must mark neither
    the shared parse nor the fragments another paragraph was lent."""
    original = Paragraph.breakLines

    def marking(self: Paragraph, width: object) -> object:
        for f in self.frags:
            if hasattr(f, "__dict__"):
                f.marked = True
        return original(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", marking)
    with lines_kept():
        lender, borrower = para(MARKUP, styles().cell), para(MARKUP, styles().cell)
        template = lender._template
        lender.wrap(150, 1000)
        borrower.wrap(150, 1000)
        assert not any(hasattr(f, "marked") for f in template)
        lent = borrower.frags
        marks_lent = [hasattr(f, "marked") for f in lent if hasattr(f, "__dict__")]
        borrower.wrap(90, 1000)  # another width: the borrower breaks copies of its own
        borrower.split(90, 30)
        assert [hasattr(f, "marked") for f in lent if hasattr(f, "__dict__")] == marks_lent
        assert borrower.frags is not lent and not any(hasattr(f, "marked") for f in template)


def _drawn(paragraphs: list[Paragraph], fonts: list[tuple[str, float]]) -> bytes:
    """A page with each paragraph drawn at its own place, each after the canvas's font was set."""
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, pageCompression=0)
    for i, (p, (font, size)) in enumerate(zip(paragraphs, fonts, strict=True)):
        canvas.setFont(font, size)
        p.wrapOn(canvas, 180, 1000)
        p.drawOn(canvas, 40 + (i % 2) * 200, 700 - 90 * i)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize("markup", [LONG, MARKUP, f'<font color="#B00020"><b>Deviation</b></font> {LONG}'])
def test_paragraphs_drawn_again_write_what_reportlab_writes(markup: str, monkeypatch: pytest.MonkeyPatch) -> None:
    register_fonts()
    fonts = [(REGULAR, 8), (REGULAR, 8), (BOLD, 9), (REGULAR, 8)]  # the text state changes between
    own = _drawn([Paragraph(markup, styles().cell) for _ in fonts], fonts)
    draws: list[int] = []
    original = Paragraph.drawPara
    monkeypatch.setattr(Paragraph, "drawPara", lambda self, *a: draws.append(1) or original(self, *a))
    with lines_kept():
        assert _drawn([para(markup, styles().cell) for _ in fonts], fonts) == own
    assert len(draws) == 2  # once for each text state the canvas began with


def test_a_link_is_drawn_each_time_with_its_annotation() -> None:
    markup = 'See <a href="https://www.esmo.org/guidelines">the ESMO guideline</a>.'
    with lines_kept():
        pdf = _drawn([para(markup, styles().cell), para(markup, styles().cell)], [(REGULAR, 8)] * 2)
    assert pdf.count(b"/Link") == 2 == pdf.count(b"esmo.org/guidelines")


def test_a_split_without_room_for_two_lines_leaves_a_paragraph_that_wraps_and_draws_again() -> None:
    """ReportLab drops a paragraph's lines when a split finds no room (an orphan): the next wrap
    at the same width must break them again, not give back a size without lines."""
    with lines_kept():
        for p in (para(LONG, styles().body), para(LONG, styles().body)):  # the lender, then a borrower
            own = Paragraph(LONG, styles().body)
            assert p.wrap(200, 1000) == own.wrap(200, 1000)
            assert p.split(200, 12) == own.split(200, 12) == []
            assert p.wrap(200, 1000) == own.wrap(200, 1000) and _lines(p) == _lines(own)
            parts, expected = p.split(200, 60), own.split(200, 60)
            assert [q.wrap(200, 1000) for q in parts] == [q.wrap(200, 1000) for q in expected]


@pytest.mark.skipif(not examples_available(), reason="the shared example cases are not here")
def test_the_minutes_are_the_bytes_reportlabs_own_paragraphs_give(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept lines, kept operators, the parse cache and the lines kept per width, against plain
    ReportLab paragraphs made afresh for every text; with decisions long enough to run over pages,
    so that paragraphs given another's lines are split at page breaks."""
    long = text("Continue letrozole and ribociclib; SBRT to the two bone lesions after the restaging CT; "
                "review the bone-modifying agent with the dental evaluation first. ") * 90
    minutes = sample_minutes(7, pseudonymised=True)
    minutes = dataclasses.replace(minutes, cases=tuple(
        dataclasses.replace(c, decision=dataclasses.replace(c.decision, patient_preferences=long))
        if c.decision is not None else c for c in minutes.cases))
    splits: list[bool] = []
    original = report_styles._Paragraph.split
    monkeypatch.setattr(report_styles._Paragraph, "split",
                        lambda self, w, h: splits.append(self._borrowed) or original(self, w, h))
    ours = render_minutes(minutes)
    assert any(splits), splits  # a paragraph given another's lines was split
    for module in [m for name, m in sys.modules.items() if name.startswith("tumorboard.reports")]:
        if getattr(module, "para", None) is report_styles.para:
            monkeypatch.setattr(module, "para", lambda value, style: Paragraph(value, style))
    assert render_minutes(minutes) == ours
