"""Recommendation-engine tests written from the recommend-v1 contract (not from the implementation).

The case builders live beside this file in ``rec_casekit.py`` (``make_case``, ``selected_case``,
``deep_merge`` ...); this conftest makes that module importable whatever pytest's import mode, and
offers the two most used helpers as fixtures too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import rec_casekit  # noqa: E402


@pytest.fixture(scope="session")
def make_case() -> Any:
    return rec_casekit.make_case


@pytest.fixture(scope="session")
def evaluate() -> Any:
    return rec_casekit.evaluate
