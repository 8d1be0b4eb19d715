"""The clinic's words for codes the minutes print: decision categories, deviation reasons, verdicts.

The domain enums that have no ``label`` of their own get one here, so the domain stays free of
report wording and the PDF never shows a raw code such as ``fitness_or_comorbidity``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from tumorboard.domain.meeting import AgendaTriage, DecisionCategory, DeviationReason
from tumorboard.recommend import reading

# Shared with the other reader of the recommendation document (tumorboard.recommend.reading).
VERDICT_SECTIONS = reading.VERDICT_SECTIONS
VERDICT_WORDS = reading.VERDICT_WORDS
mapping = reading.mapping
records = reading.records
strings = reading.strings


def category_label(category: DecisionCategory) -> str:
    return category.label


def deviation_label(reason: DeviationReason) -> str:
    return reason.label


def triage_label(triage: AgendaTriage) -> str:
    return triage.label


# Met / not met / unknown: a glyph and a word, so neither colour nor the glyph alone carries it.
CRITERION_MARKS: dict[bool | None, str] = {True: "✓", False: "✗", None: "?"}
# Severity in reading order: critical first.
SEVERITY_ORDER: tuple[str, ...] = ("critical", "warning", "info")
SEVERITY_WORDS: dict[str, str] = {"critical": "Critical", "warning": "Warning", "info": "Information"}
BONE_ITEMS: tuple[tuple[str, str], ...] = (
    ("bone_modifying_agent", "bone-modifying agent"),
    ("dental_evaluation", "dental evaluation"),
    ("orthopaedic_evaluation", "orthopaedic evaluation"),
)
RESPONSE_WORDS: dict[str, str] = {
    "CR": "complete response", "PR": "partial response", "SD": "stable disease",
    "PD": "progressive disease", "NE": "not evaluable", "non-CR/non-PD": "non-CR/non-PD",
}
NOT_RECORDED = "not recorded"


def humanise(value: object) -> str:
    """``consider_selected`` -> ``Consider selected``."""
    return reading.humanise(value, NOT_RECORDED)


def verdict_words(section: Mapping[str, Any]) -> str:
    return reading.verdict_words(section, NOT_RECORDED)


def day_words(day: date) -> str:
    """``Friday 27 November 2026``: unambiguous in every locale the board may read it in."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def iso_day(day: date | None) -> str:
    return day.isoformat() if day else NOT_RECORDED


def clock(value: time | None) -> str:
    return f"{value:%H:%M}" if value else NOT_RECORDED


def utc(moment: datetime) -> str:
    """A moment in UTC; a naive datetime is taken to be UTC already (the store keeps UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%d %H:%M} UTC"
