"""The embedded fonts: DejaVu Sans, shipped in ``resources/fonts`` (licence beside it).

The PDF base-14 fonts cover Latin-1 only, so a name such as "Łukasiewicz" or a sign such as "≤"
would print as a black box; an embedded TrueType font carries its own glyphs on every reader.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from tumorboard.resources import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
OBLIQUE = "DejaVuSans-Oblique"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", OBLIQUE: "DejaVuSans-Oblique.ttf"}


@cache
def register_fonts() -> str:
    """Register the family once per process (ReportLab keeps a global registry) and name it."""
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
    # Paragraph markup (<b>, <i>) picks the face through this family mapping.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, OBLIQUE)
    addMapping(REGULAR, 1, 1, BOLD)  # no bold-oblique face shipped: bold is the stronger cue
    return REGULAR
