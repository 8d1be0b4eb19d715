"""The look of the minutes: page geometry, colours, paragraph and table styles, text escaping."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, TableStyle

from tumorboard.reports.fonts import BOLD, register_fonts
from tumorboard.reports.kept_lines import WRAP_STATE, kept_lines

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm  # room for the running header
MARGIN_BOTTOM = 18 * mm  # room for the footer
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

# Sober colours that survive a black-and-white printer: meaning is always also in words.
INK = colors.HexColor("#1A1A1A")
NAVY = colors.HexColor("#1F3A5F")
MUTED = colors.HexColor("#5A6472")
RULE = colors.HexColor("#B8C2CE")
HEAD_FILL = colors.HexColor("#E6ECF3")
ZEBRA = colors.HexColor("#F5F7FA")
BOX_FILL = colors.HexColor("#F7F9FB")
ALERT = colors.HexColor("#B00020")
OK = colors.HexColor("#1E6B34")
WARN = colors.HexColor("#8A5A00")


@dataclass(frozen=True, slots=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    intro: ParagraphStyle  # a sentence that opens a table: stays with it
    verdict: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    key: ParagraphStyle
    small: ParagraphStyle
    note: ParagraphStyle
    case_bar: ParagraphStyle


@cache
def styles() -> Styles:
    font = register_fonts()

    def style(name: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=kw.pop("fontName", font), fontSize=size, leading=leading,
                              textColor=kw.pop("textColor", INK), **kw)

    return Styles(
        title=style("title", 17, 21, fontName=BOLD, textColor=NAVY, spaceAfter=1 * mm),
        subtitle=style("subtitle", 11, 14, textColor=MUTED, spaceAfter=4 * mm),
        h1=style("h1", 12, 15, fontName=BOLD, textColor=NAVY, spaceBefore=5 * mm, spaceAfter=2 * mm,
                keepWithNext=1),
        h2=style("h2", 9.5, 12, fontName=BOLD, textColor=NAVY, spaceBefore=3 * mm, spaceAfter=1.2 * mm,
                keepWithNext=1),
        h3=style("h3", 8.5, 11, fontName=BOLD, spaceBefore=1.5 * mm, spaceAfter=0.6 * mm,
                keepWithNext=1),
        body=style("body", 8.5, 11, spaceAfter=1 * mm),
        intro=style("intro", 8.5, 11, spaceAfter=1 * mm, keepWithNext=1),
        verdict=style("verdict", 8.5, 11, spaceBefore=2 * mm, spaceAfter=1 * mm),
        cell=style("cell", 8, 10),
        cell_bold=style("cell_bold", 8, 10, fontName=BOLD),
        key=style("key", 8, 10, textColor=MUTED),
        small=style("small", 7, 8.8, textColor=MUTED),
        note=style("note", 8, 10.5),
        case_bar=style("case_bar", 10.5, 13, fontName=BOLD, textColor=colors.white),
    )


def text(value: object) -> str:
    """User text made safe for Paragraph markup: '<', '&' in a decision must print, not parse."""
    return escape(str(value)).replace("\n", "<br/>")


def hex_colour(colour: colors.Color) -> str:
    """``#1e6b34``: the form Paragraph markup (``<font color=...>``) takes."""
    return "#" + str(colour.hexval())[2:]


class _Paragraph(Paragraph):  # type: ignore[misc]  # ReportLab ships no types
    """A Paragraph that breaks its lines once per width, and once per text, style and width in a
    document. A table wraps each cell to measure its row and again to draw it (and again on every
    page a split table reaches), always at the column's width; the lines depend on nothing but
    the width, the text and the style, so the lines of the last wrap are kept and given back when
    the width is the same. Within one document (``kept_lines``) a paragraph's first wrap is also
    given the lines an earlier paragraph of the same text and style was first broken into at that
    width: the same lines it would have broken itself, shared read-only (drawing only reads them).
    Before ReportLab may change them (another width, a split at a page break) the paragraph takes
    copies of its own and breaks them as it had been, so no paragraph sees another's changes.
    Drawn again, the same lines write the same operators (see ``kept_lines``): they are written
    again, unless drawing would do more than write operators (a link's annotation and the like)."""

    _wrapped_at: float | None = None
    _same: tuple[str, ParagraphStyle] | None = None  # text and style, for paragraphs made by para()
    _template: list[Any] | None = None  # the parse of them, shared: never changed
    _first = True  # not wrapped yet
    _borrowed = False  # its lines (and fragments) are also another paragraph's

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # A split that found no room for two lines drops the lines (ReportLab's own way of asking
        # for them again): then they are broken again, as ReportLab's paragraph does.
        if availWidth == self._wrapped_at and "blPara" in self.__dict__:
            return self.width, self.height
        same = self._same if self._first else None
        kept = kept_lines() if same is not None else None
        key = (same or ("", None), availWidth)
        if kept is not None and (earlier := kept.lines.get(key)) is not None:
            self.__dict__.update(earlier)
            self._wrapped_at, self._first, self._borrowed = availWidth, False, True
            return self.width, self.height
        self._own()
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        # A width too narrow for any text gives "cannot fit" and no lines: nothing to keep.
        self._wrapped_at = availWidth if self.__dict__.get("width") == availWidth else None
        if self._wrapped_at is not None:
            if kept is not None:
                kept.lines[key] = {k: self.__dict__[k] for k in WRAP_STATE if k in self.__dict__}
                self._borrowed = True  # others may now hold what it holds
            self._first = False
        return size

    def draw(self) -> None:
        kept = kept_lines() if self._plain_ink() else None
        if kept is None:
            super().draw()
            return
        canv = self.canv
        # What the text object begins with besides the lines: the canvas's font, size and leading.
        key = (id(self.blPara), self.width, self.height, canv._fontname, canv._fontsize, canv._leading)
        earlier = kept.drawn.get(key)
        if earlier is not None:
            canv._code.extend(earlier[1])
            return
        start = len(canv._code)
        super().draw()
        kept.drawn[key] = (self.blPara, canv._code[start:])

    def _plain_ink(self) -> bool:
        """Drawn by operators alone: no link, underline or strike (annotations, lines drawn from
        the text's position), no image, no background; made by para() and not split."""
        if self._template is None or self.bulletText or self.__dict__.get("_offsets") is not None:
            return False
        return not any(getattr(f, "link", None) or getattr(f, "us_lines", None) or hasattr(f, "cbDefn")
                       or getattr(f, "backColor", None) for f in self._template)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._own()
        parts: list[Flowable] = super().split(availWidth, availHeight)
        return parts

    def _own(self) -> None:
        """Fragments of its own before ReportLab's line breaking may change them: copies of the
        parse, broken again at the width it had borrowed (its lines stay what they were)."""
        if self._template is None or not (self._borrowed or self.frags is self._template):
            return
        self.frags: list[Any] = [f.clone() for f in self._template]
        self.__dict__.pop("blPara", None)
        if self._borrowed:
            self._borrowed = False
            super().wrap(self._wrapped_at, 0x7FFFFFFF)


@lru_cache(maxsize=4096)
def _parsed(value: str, style: ParagraphStyle) -> tuple[str, ParagraphStyle, list[Any]]:
    """The markup parsed once per text and style: a meeting prints the same criteria, verdict
    labels and names for case after case, and parsing was a seventh of a render."""
    parsed = Paragraph(value, style)
    return parsed.text, parsed.style, parsed.frags


def para(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of markup the caller already escaped (see :func:`text`)."""
    text_, parsed_style, frags = _parsed(value, style)
    # The parse is shared until the paragraph breaks its own lines: then it takes copies (line
    # breaking may set attributes on its fragments); one that is given kept lines never needs them.
    p = _Paragraph(text_, parsed_style, frags=frags)
    p._same, p._template = (text_, parsed_style), frags
    return p


def grid_style(*, header: bool = True, zebra_rows: int = 0) -> TableStyle:
    """Light rules only: a clinical document, not a spreadsheet."""
    commands: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), register_fonts()),  # tables default to Helvetica, unembedded
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL), ("LINEBELOW", (0, 0), (-1, 0), 0.6, NAVY)]
    first = 1 if header else 0
    commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA)
                 for r in range(first + 1, first + zebra_rows, 2)]
    return TableStyle(commands)


def key_value_style() -> TableStyle:
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), register_fonts()),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8),
    ])
