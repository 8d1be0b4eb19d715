"""The lines of a paragraph, broken once per text, style and width in one document, and what
drawing them writes, written once per lines and text state.

The minutes print the same texts many times over: the criteria of every verdict, the labels of
every summary, the headings of every case, the names of the board. A paragraph's lines depend on
nothing but its text, its style and the width it is broken at, so within one document the lines
a paragraph was first broken into are given to every later paragraph of the same text and style
at the same width (``styles.para`` makes such paragraphs; see its ``_Paragraph``). Drawing those
lines writes the same operators wherever they are drawn (a flowable is drawn in its own saved
state, moved to its place first), given the canvas's font, size and leading the text begins with:
the operators of the first drawing are written again for the later ones. The scope is one
document (:func:`lines_kept`): a second render breaks and draws its lines again, as the first did.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

# What ReportLab's Paragraph.wrap (and its line breaking) sets on the paragraph.
WRAP_STATE = ("width", "height", "blPara", "frags", "_wrapWidths", "_width_max", "_splitLongWordCount",
              "_hyphenations")


@dataclass(slots=True)
class Kept:
    """One document's: (text, style) and width -> the attributes a paragraph's first wrap set;
    the lines (by identity), height and the canvas's text state -> the operators drawing wrote
    (with the lines, so that their identity stays theirs while the document is built)."""

    lines: dict[tuple[tuple[str, object], float], dict[str, Any]] = field(default_factory=dict)
    drawn: dict[tuple[int, float, float, str, float, float], tuple[object, list[str]]] = field(
        default_factory=dict)


_kept: ContextVar[Kept | None] = ContextVar("tumorboard_kept_lines", default=None)


@contextmanager
def lines_kept() -> Iterator[Kept]:
    """Within the block, paragraphs of the same text, style and width break their lines once."""
    kept = Kept()
    token = _kept.set(kept)
    try:
        yield kept
    finally:
        _kept.reset(token)


def kept_lines() -> Kept | None:
    """What the current document kept, or None outside one."""
    return _kept.get()
