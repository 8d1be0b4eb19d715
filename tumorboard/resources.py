"""Where the shipped, reviewable data lives: guideline rulesets, JSON schemas, fonts, icons.

In a source checkout it is the top-level ``resources/`` folder; an installed wheel carries the
same folder as ``tumorboard/_resources`` (see ``pyproject.toml``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


@cache
def resources_dir() -> Path:
    for candidate in (_PACKAGE / "_resources", _PACKAGE.parent / "resources"):
        if (candidate / "schemas").is_dir():
            return candidate
    raise FileNotFoundError("tumorboard resources are missing from this installation")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


@cache
def load_json_resource(*parts: str) -> Any:
    with resource_path(*parts).open(encoding="utf-8") as fh:
        return json.load(fh)
