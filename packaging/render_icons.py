"""Renders the application icon to the PNG sizes a desktop and the app use.

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py

Writes resources/icons/png/tumorboard-<size>.png from tumorboard.svg, and the 16 px size
from tumorboard-small.svg (drawn on a 16 px grid with fewer, bolder shapes, so it stays sharp).
The PNGs are committed, so the build needs no renderer. Run it again after editing an SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SMALL_SIZES = (16,)
ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    out = ICONS / "png"
    out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        target = out / f"tumorboard-{size}.png"
        svg = ICONS / ("tumorboard-small.svg" if size in SMALL_SIZES else "tumorboard.svg")
        if not render(svg, size).save(str(target), b"PNG"):
            raise SystemExit(f"could not write {target}")
        print(target.relative_to(ICONS.parent.parent))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
