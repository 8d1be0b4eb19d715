"""The README's screenshots come from a script; it must keep working as the screens change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ["home", "worklist", "case-overdue", "case-recommendation", "meetings", "meeting-planner",
           "meeting-room", "meeting-room-signed", "minutes-preview", "case-mdt-record", "actions"]
# Drawn at their own size: a dialog, and Home on a laptop screen.
SIZED = {"new-referral": (600, 500), "home-1366x768": (1366, 768)}


@pytest.mark.slow
def test_the_screenshot_script_draws_every_screen(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "make_screenshots.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in SCREENS:
        image = QImage(str(tmp_path / f"{name}.png"))
        assert image.width() >= 1000 and image.height() >= 900, name
    for name, (width, height) in SIZED.items():
        image = QImage(str(tmp_path / f"{name}.png"))
        assert image.width() >= width and image.height() >= height, name
