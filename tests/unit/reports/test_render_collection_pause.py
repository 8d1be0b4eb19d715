"""Rendering the minutes holds Python's cycle collector back until the PDF is built (issue 15:
its passes were an eighth of a 40-case render) and leaves it as it found it."""

from __future__ import annotations

import gc

import pytest
from minutes_samples import examples_available, sample_minutes

from tumorboard.reports import render_minutes

pytestmark = pytest.mark.skipif(not examples_available(), reason="worked examples not beside the project")


def _passes_during() -> tuple[int, bytes]:
    minutes = sample_minutes(6, pseudonymised=True)
    started: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(count)
    try:
        pdf = render_minutes(minutes)
    finally:
        gc.callbacks.remove(count)
    return len(started), pdf


def test_the_collector_runs_once_after_the_render_and_is_on_again() -> None:
    assert gc.isenabled()
    passes, pdf = _passes_during()
    assert passes <= 1  # the one pass as it is let run again (left on, it ran dozens of times)
    assert gc.isenabled()
    assert pdf.startswith(b"%PDF")


def test_a_collector_held_back_by_the_caller_stays_held_back() -> None:
    gc.disable()
    try:
        passes, _pdf = _passes_during()
        assert passes == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
