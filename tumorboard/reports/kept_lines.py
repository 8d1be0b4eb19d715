"""The lines of a paragraph, broken once per text, style and width in one document.

The minutes print the same texts many times over: the criteria of every verdict, the labels of
every summary, the headings of every case, the names of the board. A paragraph's lines depend on
nothing but its text, its style and the width it is broken at, so within one document the lines
a paragraph was first broken into are given to every later paragraph of the same text and style
at the same width (``styles.para`` makes such paragraphs; see its ``_Paragraph``). The scope is
one document (:func:`lines_kept`): a second render breaks its lines again, as the first did.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# (text, style) and width -> the paragraph attributes its first wrap set. One per document.
Kept = dict[tuple[tuple[str, object], float], dict[str, Any]]
_kept: ContextVar[Kept | None] = ContextVar("tumorboard_kept_lines", default=None)

# What ReportLab's Paragraph.wrap (and its line breaking) sets on the paragraph.
WRAP_STATE = ("width", "height", "blPara", "frags", "_wrapWidths", "_width_max", "_splitLongWordCount",
              "_hyphenations")


@contextmanager
def lines_kept() -> Iterator[Kept]:
    """Within the block, paragraphs of the same text, style and width break their lines once."""
    kept: Kept = {}
    token = _kept.set(kept)
    try:
        yield kept
    finally:
        _kept.reset(token)


def kept_lines() -> Kept | None:
    """The lines kept in the current document, or None outside one."""
    return _kept.get()
