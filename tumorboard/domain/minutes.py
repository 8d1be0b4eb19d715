"""What the minutes of one MDT meeting say, as plain data.

The meeting service assembles a :class:`Minutes` from the store (pseudonymised on request); the
report renderer turns it into a PDF and knows nothing of the database. Everything the minutes
print is here, already in the clinic's words where a choice of wording was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from tumorboard.domain.case import Case
from tumorboard.domain.meeting import (
    AgendaTriage,
    DecisionAction,
    DecisionCategory,
    DeviationReason,
    Discipline,
)

DISCLAIMER = ("The guideline recommendation shown for each case is decision support: it summarises "
              "published evidence for the board and does not replace the judgement of the "
              "multidisciplinary team, which decides with the patient.")


@dataclass(frozen=True, slots=True)
class AttendeeLine:
    name: str
    discipline: Discipline
    role: str  # "chair" | "member" | "coordinator"
    present: bool


@dataclass(frozen=True, slots=True)
class CaseIdentity:
    """How the case is named in the minutes: in full, or by a pseudonym (no name, MRN or birth date)."""

    label: str  # "Ada Demo (MRN DEMO-0001, born 1985-02-01)" or "Case 3 (pseudonymised)"
    pseudonymised: bool
    mrn: str | None = None
    name: str | None = None
    birth_date: date | None = None


@dataclass(frozen=True, slots=True)
class ClinicalSummary:
    age: int | None
    subtype: str  # "HR+ / HER2-low"
    stage: str | None
    metastatic_sites: tuple[str, ...]  # organ names, distinct, in document order
    distant_lesions: int
    current_therapy: str | None
    latest_response: str | None  # "PR", "SD"...
    window: str  # "open (2026-09-29 to 2026-12-29)", "overdue ...", "not applicable"


@dataclass(frozen=True, slots=True)
class RecordedDecision:
    category: DecisionCategory
    text: str
    concordant: bool
    deviation_reason: DeviationReason | None
    deviation_text: str | None
    actions: tuple[DecisionAction, ...]
    patient_preferences: str | None
    counselling_delivered: tuple[str, ...]
    quorum_override: str | None  # the chair's recorded reason, when the decision was made without quorum
    recorded_by: str
    recorded_at: datetime
    follow_up_due: date | None


@dataclass(frozen=True, slots=True)
class MinutesCase:
    position: int
    identity: CaseIdentity
    triage: AgendaTriage
    question: str | None
    presenter: str | None
    responsible_clinician: str | None  # for "listed, not discussed"
    discussed: bool
    carried_over_from: date | None  # the meeting day it was carried over from
    summary: ClinicalSummary | None
    # The engine's output document (recommendation-v1) stored with the decision, or computed for
    # the meeting day when no decision was recorded; ``None`` only if the case cannot be evaluated.
    recommendation: dict[str, Any] | None
    decision: RecordedDecision | None
    case: Case | None  # for the small timeline drawing; None when pseudonymised drawing is not wanted
    as_of: date


@dataclass(frozen=True, slots=True)
class Amendment:
    at: datetime
    by: str
    reason: str
    case_label: str | None
    change: str  # what was corrected, in words ("Decision text: 'x' -> 'y'")


@dataclass(frozen=True, slots=True)
class SignOff:
    signed_by: str
    signed_at: datetime
    minutes_sha256: str | None  # the hash of the signed PDF, shown on copies
    # The audit trail's head when the chair signed ("<seq>:<sha256>"): paper anchors the record.
    audit_head: str | None = None
    # The SHA-256 of the certificate whose key signed the PDF (PAdES), when it is signed digitally.
    certificate_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Minutes:
    document_id: str  # e.g. "MDT-2026-11-27-BREAST-M12"; printed in every footer
    board: str
    day: date
    start: time | None
    place: str | None
    video_link: str | None
    chair: str | None
    attendees: tuple[AttendeeLine, ...]
    quorum_required: tuple[Discipline, ...]
    quorum_missing: tuple[Discipline, ...]
    cases: tuple[MinutesCase, ...]
    carried_over_to: date | None  # where undiscussed cases went when the meeting was closed
    amendments: tuple[Amendment, ...] = field(default_factory=tuple)
    sign_off: SignOff | None = None
    # Set when re-generating a signed meeting: the document says it is a copy of this hash.
    copy_of_sha256: str | None = None
    pseudonymised: bool = False
    app_version: str = ""
    generated_at: datetime | None = None
    disclaimer: str = DISCLAIMER

    @property
    def quorum_met(self) -> bool:
        return not self.quorum_missing

    @property
    def discussed(self) -> tuple[MinutesCase, ...]:
        return tuple(c for c in self.cases if c.triage is AgendaTriage.FOR_DISCUSSION and c.discussed)

    @property
    def listed_not_discussed(self) -> tuple[MinutesCase, ...]:
        return tuple(c for c in self.cases if c.triage is AgendaTriage.LISTED_NOT_DISCUSSED)

    @property
    def carried_over(self) -> tuple[MinutesCase, ...]:
        """For discussion but not reached: carried over to the next meeting."""
        return tuple(c for c in self.cases if c.triage is AgendaTriage.FOR_DISCUSSION and not c.discussed)
