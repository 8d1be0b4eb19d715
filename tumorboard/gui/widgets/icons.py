"""The application icon, from the shipped ``resources/icons`` (SVG plus rendered PNG sizes)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from tumorboard.resources import resource_path

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The tumorboard icon for windows, dialogs and the task bar.

    One pixmap per rendered size, so Qt picks a sharp one (16 px has its own simplified drawing)
    instead of scaling; the SVG is left out on purpose, since Qt would prefer it for every size.
    """
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", "png", f"tumorboard-{size}.png")
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon
