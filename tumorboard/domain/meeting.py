"""MDT meetings: boards and their quorum, attendance, the agenda, decisions and their follow-up.

Plain data and the rules about it (quorum, concordance, carry-over, sign-off immutability); the
store persists it and the services apply it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar


class Discipline(StrEnum):
    BREAST_SURGERY = "breast_surgery"
    MEDICAL_ONCOLOGY = "medical_oncology"
    RADIATION_ONCOLOGY = "radiation_oncology"
    RADIOLOGY = "radiology"
    PATHOLOGY = "pathology"
    SPECIALIST_NURSING = "specialist_nursing"
    COORDINATION = "coordination"

    @property
    def label(self) -> str:
        return _DISCIPLINE_LABELS[self]


_DISCIPLINE_LABELS = {
    Discipline.BREAST_SURGERY: "Breast surgery",
    Discipline.MEDICAL_ONCOLOGY: "Medical oncology",
    Discipline.RADIATION_ONCOLOGY: "Clinical / radiation oncology",
    Discipline.RADIOLOGY: "Radiology",
    Discipline.PATHOLOGY: "Pathology",
    Discipline.SPECIALIST_NURSING: "Specialist nursing",
    Discipline.COORDINATION: "MDT coordination",
}


class BoardRole(StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    COORDINATOR = "coordinator"


# Disciplines that must be present for a breast MDT decision (issue: default quorum for breast).
DEFAULT_QUORUM: dict[str, frozenset[Discipline]] = {
    "breast": frozenset({Discipline.BREAST_SURGERY, Discipline.MEDICAL_ONCOLOGY,
                         Discipline.RADIATION_ONCOLOGY, Discipline.RADIOLOGY, Discipline.PATHOLOGY}),
}


@dataclass(frozen=True, slots=True)
class Quorum:
    """The disciplines that must be present; ``missing`` says which are absent."""

    required: frozenset[Discipline]

    def missing(self, present: set[Discipline] | frozenset[Discipline]) -> list[Discipline]:
        return [d for d in Discipline if d in self.required and d not in present]

    def is_met(self, present: set[Discipline] | frozenset[Discipline]) -> bool:
        return not self.missing(present)


class DecisionCategory(StrEnum):
    SYSTEMIC_THERAPY = "systemic_therapy"
    METASTASIS_DIRECTED_THERAPY = "metastasis_directed_therapy"
    PRIMARY_TUMOUR_SURGERY = "primary_tumour_surgery"
    RADIOTHERAPY = "radiotherapy"
    FURTHER_INVESTIGATION = "further_investigation"
    CLINICAL_TRIAL_REFERRAL = "clinical_trial_referral"
    BEST_SUPPORTIVE_CARE = "best_supportive_care"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The words the screens and the minutes both use."""
        return _CATEGORY_LABELS[self]


class DeviationReason(StrEnum):
    """Why a decision departs from the guideline recommendation."""

    PATIENT_PREFERENCE = "patient_preference"
    FITNESS_OR_COMORBIDITY = "fitness_or_comorbidity"
    CLINICAL_TRIAL = "clinical_trial"
    MISSING_DATA = "missing_data"
    CLINICIAN_JUDGEMENT = "clinician_judgement"

    @property
    def label(self) -> str:
        return _DEVIATION_LABELS[self]


_CATEGORY_LABELS = {
    DecisionCategory.SYSTEMIC_THERAPY: "Systemic therapy",
    DecisionCategory.METASTASIS_DIRECTED_THERAPY: "Metastasis-directed therapy",
    DecisionCategory.PRIMARY_TUMOUR_SURGERY: "Surgery of the primary tumour",
    DecisionCategory.RADIOTHERAPY: "Radiotherapy",
    DecisionCategory.FURTHER_INVESTIGATION: "Further investigation",
    DecisionCategory.CLINICAL_TRIAL_REFERRAL: "Clinical trial referral",
    DecisionCategory.BEST_SUPPORTIVE_CARE: "Best supportive care",
    DecisionCategory.OTHER: "Other",
}
_DEVIATION_LABELS = {
    DeviationReason.PATIENT_PREFERENCE: "Patient preference",
    DeviationReason.FITNESS_OR_COMORBIDITY: "Fitness or comorbidity",
    DeviationReason.CLINICAL_TRIAL: "Clinical trial",
    DeviationReason.MISSING_DATA: "Missing data",
    DeviationReason.CLINICIAN_JUDGEMENT: "Clinician judgement",
}


class AgendaTriage(StrEnum):
    FOR_DISCUSSION = "for_discussion"
    LISTED_NOT_DISCUSSED = "listed_not_discussed"  # standard of care, named responsible clinician

    @property
    def label(self) -> str:
        return {AgendaTriage.FOR_DISCUSSION: "For discussion",
                AgendaTriage.LISTED_NOT_DISCUSSED: "Listed, not discussed (standard of care)"}[self]


class ImplementationOutcome(StrEnum):
    FULLY = "fully"
    PARTLY = "partly"
    NOT_DONE = "not_done"


class NonImplementationReason(StrEnum):
    PATIENT_WISH = "patient_wish"
    DEATH = "death"
    CLINICAL_CHANGE = "clinical_change"
    PHYSICIAN_DECISION = "physician_decision"
    OTHER = "other"


class MeetingError(ValueError):
    """A meeting action the rules refuse; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class DecisionAction:
    description: str
    owner: str
    due: date | None = None


@dataclass(frozen=True, slots=True)
class Concordance:
    """Whether the decision follows the guideline recommendation, and why not if it does not."""

    concordant: bool
    reason: DeviationReason | None = None
    reason_text: str | None = None

    def check(self) -> None:
        if self.concordant:
            return
        if self.reason is None:
            raise MeetingError("a decision that deviates from the guideline recommendation needs a "
                               "reason (patient preference, fitness or comorbidity, clinical trial, "
                               "missing data, or clinician judgement with text)")
        if self.reason is DeviationReason.CLINICIAN_JUDGEMENT and not (self.reason_text or "").strip():
            raise MeetingError("a deviation for clinician judgement needs the reasoning written out")


@dataclass(frozen=True, slots=True)
class QuorumOverride:
    """The chair's recorded decision to proceed without quorum."""

    chair: str
    reason: str
    at: datetime


def check_decision_quorum(quorum: Quorum, present: set[Discipline],
                          override: QuorumOverride | None) -> None:
    """A decision without quorum needs the chair's recorded override with a reason."""
    missing = quorum.missing(present)
    if not missing:
        return
    if override is None or not override.reason.strip():
        names = ", ".join(d.label for d in missing)
        raise MeetingError(f"quorum not met (missing: {names}); the chair must record an override "
                           "with a reason before a decision is recorded")


def next_weekly(day: date) -> date:
    """The board meets weekly: the next meeting is the same weekday one week later."""
    return day + timedelta(days=7)


def check_triage(triage: AgendaTriage, responsible_clinician: str | None, *, decided: bool) -> None:
    """A case listed but not discussed needs the named clinician responsible for standard-of-care
    treatment, and a case with a decision was discussed."""
    if triage is AgendaTriage.LISTED_NOT_DISCUSSED:
        if decided:
            raise MeetingError("triage: the case has a recorded decision; it was discussed")
        if not (responsible_clinician or "").strip():
            raise MeetingError("responsible clinician: a case listed but not discussed needs the named "
                               "clinician responsible for standard-of-care treatment")


class _Listed(Protocol):
    @property
    def triage(self) -> str: ...
    @property
    def discussed(self) -> bool: ...


_Entry = TypeVar("_Entry", bound=_Listed)


def carry_over(entries: Sequence[_Entry]) -> list[_Entry]:
    """Entries for discussion that were not discussed: they move to the next meeting at its close."""
    return [e for e in entries if e.triage == AgendaTriage.FOR_DISCUSSION.value and not e.discussed]


# The decision fields a signed meeting's amendment may correct, and "note" for the meeting as a
# whole, with the words the screens and the minutes use for them.
AMENDABLE_FIELDS: dict[str, str] = {
    "text": "Decision", "category": "Decision category", "concordant": "Follows the guideline",
    "deviation_reason": "Reason for deviation", "deviation_text": "Deviation explained",
    "patient_preferences": "Patient preferences", "note": "Note",
}
