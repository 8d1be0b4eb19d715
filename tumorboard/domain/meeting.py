"""MDT meetings: boards and their quorum, attendance, the agenda, decisions and their follow-up.

Plain data and the rules about it (quorum, concordance, carry-over, sign-off immutability); the
store persists it and the services apply it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum


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
class BoardMember:
    name: str
    discipline: Discipline
    role: BoardRole = BoardRole.MEMBER


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


@dataclass(frozen=True, slots=True)
class MeetingSlot:
    """When and where a meeting is held."""

    day: date
    start: time | None = None
    place: str | None = None
    video_link: str | None = None


def next_weekly(slot: MeetingSlot) -> MeetingSlot:
    """The same meeting one week later (weekly recurrence)."""
    from datetime import timedelta

    return MeetingSlot(slot.day + timedelta(days=7), slot.start, slot.place, slot.video_link)


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    case_mrn: str
    position: int
    triage: AgendaTriage = AgendaTriage.FOR_DISCUSSION
    question: str | None = None
    presenter: str | None = None
    responsible_clinician: str | None = None
    discussed: bool = False
    carried_over_from: int | None = None  # meeting id the case was carried over from

    def check(self) -> None:
        if self.triage is AgendaTriage.LISTED_NOT_DISCUSSED and not (
                self.responsible_clinician or "").strip():
            raise MeetingError("a case listed but not discussed needs the named responsible "
                               "clinician who confirms standard of care")


def carry_over(entries: list[AgendaEntry]) -> list[AgendaEntry]:
    """Entries for discussion that were not discussed: they move to the next meeting."""
    return [e for e in entries if e.triage is AgendaTriage.FOR_DISCUSSION and not e.discussed]


@dataclass(frozen=True, slots=True)
class SignedState:
    """A signed meeting is read-only; corrections are amendments that keep the original."""

    signed: bool = False
    signed_by: str | None = None
    signed_at: datetime | None = None
    minutes_sha256: str | None = None
    amendments: tuple[str, ...] = field(default_factory=tuple)

    def require_open(self, action: str) -> None:
        if self.signed:
            when = f" on {self.signed_at:%Y-%m-%d %H:%M} UTC" if self.signed_at else ""
            raise MeetingError(f"the meeting was signed off by {self.signed_by or 'the chair'}{when} "
                               f"and is read-only; {action} is refused - record an amendment with a "
                               "reason instead")
