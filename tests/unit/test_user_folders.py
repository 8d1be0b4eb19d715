"""The user's cache and log folders: the same answer as platformdirs, which is asked only where
the XDG rule does not settle it (issue 15: ``recommend`` without importing platformdirs)."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from tumorboard import user_folders

ENVIRONMENTS = [
    {},
    {"XDG_CACHE_HOME": "/srv/cache", "XDG_STATE_HOME": "/srv/state"},
    {"XDG_CACHE_HOME": "relative/cache", "XDG_STATE_HOME": "relative/state"},  # ignored: not absolute
    {"XDG_CACHE_HOME": "", "XDG_STATE_HOME": "   "},
    {"HOME": "/home/dr-weiss/"},
    {"HOME": "/"},
    {"HOME": "relative-home"},  # platformdirs decides (it falls back to the account's home)
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is for Linux/BSD")
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_folders_are_platformdirs_own_answer(env: dict[str, str], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert user_folders.user_cache_dir() == platformdirs.user_cache_dir("tumorboard", appauthor=False)
    assert user_folders.user_log_dir() == platformdirs.user_log_dir("tumorboard", appauthor=False)


def test_android_is_left_to_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANDROID_DATA", "/data")
    monkeypatch.setenv("ANDROID_ROOT", "/system")
    assert user_folders._xdg_home("XDG_CACHE_HOME", ".cache") is None
