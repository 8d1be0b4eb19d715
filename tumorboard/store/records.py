"""Plain records the store hands to services (no ORM objects leave the store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tumorboard.domain.case import Case
from tumorboard.domain.referral import NOT_RECORDED, Referral


@dataclass(frozen=True, slots=True)
class StoredCase:
    case: Case
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str
    staging_date: date | None
    next_meeting: date | None
    referral: Referral = NOT_RECORDED


@dataclass(frozen=True, slots=True)
class WorklistRecord:
    mrn: str
    name: str | None
    birth_date: date
    status: str
    subtype: str
    stage: str | None
    distant_lesion_count: int
    window_opens: date | None
    window_closes: date | None
    window_assessed: bool
    latest_response: str | None
    next_due: date | None
    next_meeting: date | None
    missing_items: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    field: str | None
    old_value: str | None  # for display: the text, or the JSON of a number or list
    new_value: str | None
    old: object = None  # the values as they were written (JSON types)
    new: object = None


@dataclass(frozen=True, slots=True)
class Derived:
    """Worklist columns derived from the case by the recommendation engine at save time."""

    subtype: str
    stage: str | None
    distant_lesion_count: int
    window_opens: date | None
    window_closes: date | None
    window_assessed: bool
    latest_response: str | None
    next_due: date | None
    missing_items: str
