"""Paragraphs break their lines once per width and parse their markup once per text: the same
lines as a paragraph built and wrapped afresh, whatever was wrapped or drawn before."""

from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph

from tumorboard.reports.styles import para, styles, text

LONG = text("Stereotactic body radiotherapy to all sites & continue letrozole + ribociclib; "
            "reassess with CT thorax/abdomen and a bone scan in 12 weeks (<RECIST 1.1>).")


def _lines(p: Paragraph) -> list[object]:
    bl = p.blPara
    return [(getattr(line, "words", line)) for line in bl.lines]


@pytest.mark.parametrize("widths", [[120, 120, 120], [120, 60, 120, 120], [60, 60, 200, 60], [300, 0, 300]])
def test_wrap_for_wrap_the_lines_of_reportlabs_own_paragraph(widths: list[float]) -> None:
    """ReportLab's paragraph is not free of its history (a long word split at a narrow width
    stays split), so the kept lines are compared with its own, after the same wraps."""
    markup = f"<b>Plan:</b> {LONG}"
    kept, own = para(markup, styles().cell), Paragraph(markup, styles().cell)
    for width in widths:
        assert kept.wrap(width, 1000) == own.wrap(width, 1000)
        if width:
            assert repr(_lines(kept)) == repr(_lines(own))


def test_the_same_width_again_is_not_broken_again(monkeypatch: pytest.MonkeyPatch) -> None:
    p = para(LONG, styles().cell)
    size = p.wrap(150, 1000)
    calls: list[object] = []
    original = Paragraph.breakLines
    monkeypatch.setattr(Paragraph, "breakLines", lambda self, w: calls.append(w) or original(self, w))
    assert p.wrap(150, 500) == size
    assert calls == []
    p.wrap(90, 500)
    assert len(calls) == 1


def test_a_width_too_narrow_is_not_kept() -> None:
    p = para(LONG, styles().cell)
    assert p.wrap(0, 1000) == (0, 0x7FFFFFFF)
    assert p.wrap(0, 1000) == (0, 0x7FFFFFFF)
    assert p.wrap(200, 1000)[1] > 0


def test_paragraphs_of_the_same_text_share_the_parse_only_until_they_break_lines() -> None:
    a, b = para(f"<b>Plan:</b> {LONG}", styles().cell), para(f"<b>Plan:</b> {LONG}", styles().cell)
    parse = repr(b.frags)
    assert a.frags is b.frags  # the parse, shared while nothing may change it
    a.wrap(120, 1000)  # line breaking sets attributes on the fragments: a takes copies first
    assert a.frags is not b.frags and all(x is not y for x, y in zip(a.frags, b.frags, strict=False))
    assert repr(b.frags) == parse
    b.wrap(80, 1000)
    assert repr(b.frags) != parse and repr(para(f"<b>Plan:</b> {LONG}", styles().cell).frags) == parse
    c = para(f"<b>Plan:</b> {LONG}", styles().cell)
    assert c.frags[0].text == "Plan:" and c.frags[0].fontName != c.frags[1].fontName  # bold, then not
    assert c.text == Paragraph(f"<b>Plan:</b> {LONG}", styles().cell).text
