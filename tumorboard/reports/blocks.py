"""Small building blocks shared by the sections: key-value grids, boxes, bars, bullet lists."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from tumorboard.reports.fonts import REGULAR
from tumorboard.reports.styles import BOX_FILL, FRAME_WIDTH, NAVY, RULE, key_value_style, para, styles, text

Pairs = Sequence[tuple[str, str]]  # (label, markup already escaped)


def key_values(pairs: Pairs, *, columns: int = 1, key_width: float = 30 * mm,
               width: float = FRAME_WIDTH) -> Table:
    """Label / value pairs in one or two column pairs, read left to right, top to bottom."""
    st = styles()
    value_width = width / columns - key_width
    rows: list[list[Flowable | str]] = []
    for start in range(0, len(pairs), columns):
        row: list[Flowable | str] = []
        for label, value in pairs[start:start + columns]:
            # Labels are short and never wrap: a plain cell is much cheaper than a paragraph.
            row += [label, para(value, st.cell)]
        row += [""] * (2 * columns - len(row))
        rows.append(row)
    table = Table(rows, colWidths=[key_width, value_width] * columns, hAlign="LEFT")
    table.setStyle(key_value_style())
    for col in range(0, 2 * columns, 2):
        table.setStyle(TableStyle([("FONTNAME", (col, 0), (col, -1), st.key.fontName),
                                   ("FONTSIZE", (col, 0), (col, -1), st.key.fontSize),
                                   ("TEXTCOLOR", (col, 0), (col, -1), st.key.textColor)]))
    return table


def boxed(content: Sequence[Flowable], *, fill: colors.Color = BOX_FILL, edge: colors.Color = NAVY,
          width: float = FRAME_WIDTH) -> Table:
    """Content in a shaded box with a coloured left edge: the eye finds it on a busy page."""
    table = Table([[list(content)]], colWidths=[width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("LINEBEFORE", (0, 0), (0, -1), 2.2, edge),
        ("BOX", (0, 0), (-1, -1), 0.25, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


def heading_bar(left: str, right: str = "") -> Table:
    """The bar that opens one case: its number and label, with a note (carried over) on the right."""
    st = styles()
    right_style = st.case_bar.clone("case_bar_right", fontSize=8, alignment=2, fontName=st.cell.fontName)
    table = Table([[para(left, st.case_bar), para(right, right_style)]],
                  colWidths=[FRAME_WIDTH * 0.68, FRAME_WIDTH * 0.32], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("BACKGROUND", (0, 0), (-1, -1), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def bullets(lines: Sequence[str]) -> list[Paragraph]:
    """One paragraph per line, hanging bullet; ``lines`` are markup already escaped."""
    st = styles()
    style = st.body.clone("bullet", leftIndent=4 * mm, bulletIndent=1 * mm, spaceAfter=0.6 * mm,
                          bulletFontName=REGULAR)
    return [Paragraph(line, style, bulletText="•") for line in lines]


def none_line(words: str = "None.") -> Paragraph:
    return para(text(words), styles().body)
