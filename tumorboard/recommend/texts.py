"""Filling the ruleset's clinician-facing templates with facts of the case."""

from __future__ import annotations

from datetime import date
from typing import Any


class _Facts(dict[str, Any]):
    """Template values; a field the ruleset names but the engine lacks reads as 'not recorded'."""

    def __missing__(self, key: str) -> str:
        return "not recorded"


def fill(template: str, **facts: Any) -> str:
    """Fill ``template`` (whitespace already normalised when the ruleset was loaded)."""
    if "{" not in template:
        return template
    return template.format_map(_Facts(facts))


def show_date(value: date | None) -> str:
    return value.isoformat() if value else "not recorded"


def show_percent(value: float | None) -> str:
    if value is None:
        return "not recorded"
    return f"{value:g}%"


def humanise(value: str) -> str:
    return value.replace("_", " ")


def join_words(items: list[str]) -> str:
    if not items:
        return "none"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
