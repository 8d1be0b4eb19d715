"""Test-wide settings: Qt runs offscreen and never needs a screen; QSettings stay in a tmp dir."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
