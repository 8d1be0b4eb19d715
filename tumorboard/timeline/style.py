"""Colours of the timeline as plain hex strings, with the contrast arithmetic that picks text colours.

Kept free of Qt so the contrast of every response badge can be checked in a unit test. Text and
background always come from the widget palette; these colours only fill shapes, and each shape
also carries a letter or a word, so colour is never the only cue.
"""

from __future__ import annotations

# Badge fill per overall response; the letters on the badge pick black or white for contrast.
RESPONSE_FILL = {
    "CR": "#1b5e20",
    "PR": "#66bb6a",
    "SD": "#fdd835",
    "non-CR/non-PD": "#ffcc80",
    "PD": "#c62828",
    "NE": "#9e9e9e",
}
THERAPY_FILL = {
    "systemic": "#3949ab",
    "bone_modifying": "#6d4c41",
    "surgery": "#00796b",
    "radiotherapy": "#8e24aa",
    "ablation": "#e65100",
}
WINDOW_FILL = {
    "open": "#ffb300",
    "assessed": "#43a047",
    "overdue": "#e53935",
    "before_window": "#78909c",
}
FALLBACK_FILL = "#9e9e9e"
# (light palette, dark palette): saturated marks lose contrast on a dark base, so they lighten.
TODAY_LINE = ("#c62828", "#ff8a80")
MDT_MARK = ("#7b1fa2", "#e1bee7")
# Shading alpha (0-255) of the response window: enough to see, faint enough to read text through.
WINDOW_ALPHA = (60, 90)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    return "#000000" if contrast_ratio(fill, "#000000") >= contrast_ratio(fill, "#ffffff") else "#ffffff"
