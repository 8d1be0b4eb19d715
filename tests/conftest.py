"""Test-wide settings: Qt runs offscreen and never needs a screen; QSettings stay in a tmp dir."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No log file in the developer's own log folder from commands run in-process (tumorboard.logs);
# the tests about the log configure their own, in a tmp folder.
os.environ.setdefault("TUMORBOARD_LOG_LEVEL", "OFF")
