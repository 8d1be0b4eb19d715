"""The clinic's words for codes the minutes print: decision categories, deviation reasons, verdicts.

The domain enums that have no ``label`` of their own get one here, so the domain stays free of
report wording and the PDF never shows a raw code such as ``fitness_or_comorbidity``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from tumorboard.domain.meeting import AgendaTriage, DecisionCategory, DeviationReason

_CATEGORY_LABELS: dict[DecisionCategory, str] = {
    DecisionCategory.SYSTEMIC_THERAPY: "Systemic therapy",
    DecisionCategory.METASTASIS_DIRECTED_THERAPY: "Metastasis-directed therapy",
    DecisionCategory.PRIMARY_TUMOUR_SURGERY: "Surgery of the primary tumour",
    DecisionCategory.RADIOTHERAPY: "Radiotherapy",
    DecisionCategory.FURTHER_INVESTIGATION: "Further investigation",
    DecisionCategory.CLINICAL_TRIAL_REFERRAL: "Clinical trial referral",
    DecisionCategory.BEST_SUPPORTIVE_CARE: "Best supportive care",
    DecisionCategory.OTHER: "Other",
}

_DEVIATION_LABELS: dict[DeviationReason, str] = {
    DeviationReason.PATIENT_PREFERENCE: "Patient preference",
    DeviationReason.FITNESS_OR_COMORBIDITY: "Fitness or comorbidity",
    DeviationReason.CLINICAL_TRIAL: "Clinical trial",
    DeviationReason.MISSING_DATA: "Missing data",
    DeviationReason.CLINICIAN_JUDGEMENT: "Clinician judgement",
}

_TRIAGE_LABELS: dict[AgendaTriage, str] = {
    AgendaTriage.FOR_DISCUSSION: "For discussion",
    AgendaTriage.LISTED_NOT_DISCUSSED: "Listed, not discussed (standard of care)",
}


def category_label(category: DecisionCategory) -> str:
    return _CATEGORY_LABELS[category]


def deviation_label(reason: DeviationReason) -> str:
    return _DEVIATION_LABELS[reason]


def triage_label(triage: AgendaTriage) -> str:
    return _TRIAGE_LABELS[triage]


# The engine always sends a label; these cover an older stored document that lacks one.
VERDICT_WORDS: dict[str, str] = {
    "not_applicable": "Not applicable (primary not intact)",
    "indicated_palliative": "Indicated for palliation",
    "consider_selected": "Consider in selected patients",
    "not_routine": "Not routinely recommended",
    "not_indicated": "Not indicated",
    "not_yet": "Not yet: assess response first",
    "consider": "Consider",
    "consider_non_progression": "Consider (disease not progressing)",
}
VERDICT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("primary_tumour", "Locoregional treatment of the primary tumour"),
    ("metastasis_directed_therapy", "Metastasis-directed therapy"),
)
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


def mapping(value: object) -> Mapping[str, Any]:
    """The value if it is an object, else an empty one: a stored document may be partial."""
    return value if isinstance(value, Mapping) else {}


def records(value: object) -> list[Mapping[str, Any]]:
    """The objects of a list; anything else (null, a stray string) is skipped."""
    if not isinstance(value, list | tuple):
        return []
    return [v for v in value if isinstance(v, Mapping)]


def strings(value: object) -> list[str]:
    if not isinstance(value, list | tuple):
        return []
    return [str(v) for v in value if v is not None]


def humanise(value: object) -> str:
    """``consider_selected`` -> ``Consider selected``."""
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else NOT_RECORDED


def verdict_words(section: Mapping[str, Any]) -> str:
    label = section.get("label")
    if isinstance(label, str) and label:
        return label
    verdict = section.get("verdict")
    if verdict is None:
        return "No verdict"
    return VERDICT_WORDS.get(str(verdict), humanise(verdict))


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
