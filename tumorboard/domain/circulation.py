"""What goes out around a meeting, as plain data: the agenda circulated before it, the outcome
letter to a patient's referrer or GP after sign-off, and a member's attendance record.

The services assemble these from the store; the report renderers turn them into PDFs and know
nothing of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from tumorboard.domain.meeting import AgendaTriage
from tumorboard.domain.minutes import DISCLAIMER, Amendment, AttendeeLine, CaseIdentity, RecordedDecision


@dataclass(frozen=True, slots=True)
class ReadinessLine:
    label: str  # "Staging imaging"
    state: str  # "present" | "stale" | "missing"
    detail: str  # "dated 2026-10-01, 40 days before the meeting (limit 28)"


@dataclass(frozen=True, slots=True)
class AgendaLine:
    position: int
    identity: CaseIdentity
    triage: AgendaTriage
    question: str | None
    presenter: str | None
    responsible_clinician: str | None
    imaging_review_requested: bool
    pathology_review_requested: bool
    readiness: tuple[ReadinessLine, ...]
    carried_over_from: date | None

    @property
    def ready(self) -> bool:
        return all(r.state == "present" for r in self.readiness)


@dataclass(frozen=True, slots=True)
class Agenda:
    document_id: str
    board: str
    day: date
    start: time | None
    place: str | None
    video_link: str | None
    chair: str | None
    members: tuple[AttendeeLine, ...]
    lines: tuple[AgendaLine, ...]
    pseudonymised: bool
    generated_at: datetime
    app_version: str = ""
    disclaimer: str = DISCLAIMER

    @property
    def for_discussion(self) -> tuple[AgendaLine, ...]:
        return tuple(x for x in self.lines if x.triage is AgendaTriage.FOR_DISCUSSION)

    @property
    def listed_not_discussed(self) -> tuple[AgendaLine, ...]:
        return tuple(x for x in self.lines if x.triage is AgendaTriage.LISTED_NOT_DISCUSSED)


@dataclass(frozen=True, slots=True)
class LetterheadLines:
    department: str
    address: str
    telephone: str


@dataclass(frozen=True, slots=True)
class OutcomeLetter:
    """The board's outcome for one discussed case, to the referrer or GP named on the case."""

    document_id: str
    letterhead: LetterheadLines
    recipient: str | None  # "Dr A. Referrer" / the GP's name; None when the case names nobody
    recipient_address: str | None
    referring_clinician: str | None
    gp_name: str | None
    board: str
    day: date
    patient: CaseIdentity
    question: str | None
    decision: RecordedDecision
    amendments: tuple[Amendment, ...]  # corrections to this case's decision after sign-off
    chair: str
    signed_at: datetime
    minutes_sha256: str | None
    app_version: str = ""
    disclaimer: str = DISCLAIMER

    @property
    def amended(self) -> bool:
        return bool(self.amendments)


@dataclass(frozen=True, slots=True)
class AttendedMeeting:
    day: date
    board: str
    start: str | None
    minutes: int | None  # from the start to the close; None when either was not recorded
    role: str


@dataclass(frozen=True, slots=True)
class AttendanceReport:
    member: str
    first: date
    last: date
    meetings: tuple[AttendedMeeting, ...]
    generated_at: datetime
    department: str = ""
    app_version: str = ""

    @property
    def total_minutes(self) -> int:
        return sum(m.minutes or 0 for m in self.meetings)
