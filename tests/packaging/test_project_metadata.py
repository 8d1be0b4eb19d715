"""What pyproject.toml promises an installer: the entry points exist, the desktop one is a GUI
script (no console window on Windows), the Python versions are named, the project has its links."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

PROJECT = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"]


def _callable(target: str) -> object:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def test_the_command_and_the_desktop_entry_points_exist() -> None:
    assert callable(_callable(PROJECT["scripts"]["tumorboard"]))
    assert callable(_callable(PROJECT["gui-scripts"]["tumorboard-gui"]))
    assert "tumorboard-gui" not in PROJECT["scripts"]  # a console script would open a console


def test_python_versions_in_the_classifiers_follow_requires_python() -> None:
    lowest = int(PROJECT["requires-python"].removeprefix(">=3."))
    named = sorted(int(c.rsplit(".", 1)[1]) for c in PROJECT["classifiers"]
                   if c.startswith("Programming Language :: Python :: 3.") and c[-1].isdigit())
    assert named and named[0] == lowest and named == list(range(lowest, lowest + len(named)))


def test_the_project_links_are_given() -> None:
    assert {"Homepage", "Source", "Issues", "Changelog"} <= set(PROJECT["urls"])
    assert all(url.startswith("https://") for url in PROJECT["urls"].values())
