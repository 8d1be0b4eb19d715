"""Plain records of boards, meetings, attendance, agenda and decisions (no ORM object leaves the store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class BoardRecord:
    id: int
    name: str
    site: str
    quorum: tuple[str, ...]  # discipline values
    members: tuple[tuple[str, str, str], ...]  # (name, discipline, role) of active members


@dataclass(frozen=True, slots=True)
class AttendanceRecord:
    name: str
    discipline: str
    role: str
    present: bool
    version: int = 1


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    id: int
    version: int
    category: str
    text: str
    concordant: bool
    deviation_reason: str | None
    deviation_text: str | None
    actions_json: str
    patient_preferences: str | None
    counselling_json: str
    quorum_override: str | None
    recommendation_json: str
    ruleset_id: str
    ruleset_version: str
    follow_up_due: date | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class AgendaRecord:
    id: int
    mrn: str
    name: str | None
    position: int
    triage: str
    question: str | None
    presenter: str | None
    responsible_clinician: str | None
    discussed: bool
    carried_over_from: int | None
    carried_over_from_day: date | None
    case_status: str
    decision: DecisionRecord | None
    version: int = 1
    imaging_review_requested: bool = False
    pathology_review_requested: bool = False


@dataclass(frozen=True, slots=True)
class AmendmentRecord:
    at: datetime
    by: str
    reason: str
    decision_id: int | None
    mrn: str | None
    field: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True, slots=True)
class ReplacedDecisionRecord:
    """A decision replaced before sign-off, as it was (kept in the record)."""

    decision_id: int
    mrn: str
    version: int
    content: dict[str, object]
    replaced_at: datetime
    replaced_by: str
    reason: str


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    id: int
    board: BoardRecord
    day: date
    start_time: str | None
    place: str | None
    video_link: str | None
    chair: str | None
    version: int
    state: str
    started_at: datetime | None
    quorum_override_by: str | None
    quorum_override_reason: str | None
    closed_at: datetime | None
    carried_over_to: int | None
    carried_over_to_day: date | None
    signed_by: str | None
    signed_at: datetime | None
    minutes_sha256: str | None
    attendance: tuple[AttendanceRecord, ...]
    agenda: tuple[AgendaRecord, ...]
    amendments: tuple[AmendmentRecord, ...]


@dataclass(frozen=True, slots=True)
class MeetingListRecord:
    id: int
    board: str
    day: date
    start_time: str | None
    chair: str | None
    cases: int
    closed: bool
    signed: bool
    state: str = "planned"


@dataclass(frozen=True, slots=True)
class FollowUpRecord:
    decision_id: int
    meeting_id: int
    meeting_day: date
    mrn: str
    name: str | None
    category: str
    text: str
    due: date | None
    outcome: str | None
    reason: str | None
