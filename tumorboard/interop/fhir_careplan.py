"""One FHIR R4 CarePlan per MDT decision, shaped after the MII tumour-board CarePlan
(MII_PR_Onko_Tumorkonferenz): intent ``plan``, the patient, the meeting's date as ``created``, the
cancer it addresses, the decision as description, one activity per agreed action.

The profile itself is not claimed in ``meta``: it codes the kind of conference (pre- or
post-therapeutic), which tumorboard does not record. Status follows the record: a decision of a
meeting not yet closed is a ``draft``; once closed or signed ``active``; an implementation check
turns it ``completed`` (carried out fully) or ``revoked`` (not carried out), with the reason as a
note. An action's status is ``unknown`` until the action-completion record says otherwise (see
``PlannedAction.status``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tumorboard.domain.meeting import DecisionCategory, DeviationReason
from tumorboard.interop import fhir_codes as codes
from tumorboard.interop.fhir_case import Resource, ids_for
from tumorboard.interop.fhir_ids import reference, resource_id

DECISION_SUPPORT = ("The guideline recommendation shown to the board is decision support, not "
                    "decision making: the board decided.")


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """An action the board agreed: what, who, by when.

    ``status`` and ``completed_on`` are the hook for the action-completion record: the service that
    reads it fills them (FHIR CarePlan activity status words: ``completed``, ``cancelled``,
    ``in-progress``...); left ``None`` the activity says ``unknown``, never a guess."""

    description: str
    owner: str
    due: date | None = None
    status: str | None = None
    completed_on: date | None = None


@dataclass(frozen=True, slots=True)
class ImplementationCheck:
    """The follow-up's finding: carried out fully, partly or not at all, and why."""

    outcome: str  # domain.meeting.ImplementationOutcome value
    reason: str | None = None  # domain.meeting.NonImplementationReason value
    note: str | None = None


@dataclass(frozen=True, slots=True)
class MdtDecision:
    """A decision as the export needs it (gathered by the service from the MDT record)."""

    decision_id: int
    meeting_id: int
    meeting_date: date
    meeting_state: str
    board: str
    category: str
    text: str
    concordant: bool
    recorded_at: datetime
    ruleset_id: str
    ruleset_version: str
    deviation_reason: str | None = None
    deviation_text: str | None = None
    patient_preferences: str | None = None
    actions: tuple[PlannedAction, ...] = ()
    implementation: ImplementationCheck | None = None
    amendments: tuple[str, ...] = ()  # corrections after sign-off, each in words


def _status(decision: MdtDecision) -> str:
    check = decision.implementation
    if check is not None and check.outcome == "fully":
        return "completed"
    if check is not None and check.outcome == "not_done":
        return "revoked"
    return "active" if decision.meeting_state in ("closed", "signed") else "draft"


def _activity(action: PlannedAction) -> dict[str, Any]:
    detail: dict[str, Any] = {"kind": "Task", "status": action.status or "unknown",
                              "description": action.description,
                              "performer": [{"display": action.owner}]}
    if action.due is not None:
        detail["scheduledPeriod"] = {"end": action.due.isoformat()}
    activity: dict[str, Any] = {"detail": detail}
    if action.completed_on is not None:
        activity["progress"] = [{"time": action.completed_on.isoformat(),
                                 "text": f"completed on {action.completed_on.isoformat()}"}]
    return activity


def _label(enum: Any, value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


def _notes(decision: MdtDecision) -> list[dict[str, str]]:
    notes = [f"{decision.board}, meeting {decision.meeting_id} of {decision.meeting_date.isoformat()}"]
    if decision.concordant:
        notes.append("Follows the guideline recommendation.")
    else:
        reason = _label(DeviationReason, decision.deviation_reason) if decision.deviation_reason else None
        words = "Departs from the guideline recommendation"
        notes.append(f"{words}: {reason}" + (f" ({decision.deviation_text})" if decision.deviation_text
                                              else "") if reason else f"{words}.")
    if decision.patient_preferences:
        notes.append(f"Patient preferences: {decision.patient_preferences}")
    notes.append(f"Guideline ruleset {decision.ruleset_id} {decision.ruleset_version}. {DECISION_SUPPORT}")
    notes.extend(decision.amendments)
    check = decision.implementation
    if check is not None:
        text = f"Implementation check: {check.outcome.replace('_', ' ')}"
        if check.reason:
            text += f"; reason: {check.reason.replace('_', ' ')}"
        if check.note:
            text += f"; {check.note}"
        notes.append(text)
    return [{"text": n} for n in notes]


def care_plan(mrn: str, decision: MdtDecision) -> Resource:
    ids = ids_for(mrn)
    out: Resource = {
        "resourceType": "CarePlan", "id": resource_id(mrn, "decision", decision.decision_id),
        "extension": [{"url": codes.extension_url("ruleset"), "extension": [
            {"url": "id", "valueString": decision.ruleset_id},
            {"url": "version", "valueString": decision.ruleset_version}]}],
        "status": _status(decision),
        "intent": "plan",
        "category": [codes.concept("multidisciplinary_assessment"),
                     {"text": _label(DecisionCategory, decision.category)}],
        "title": _label(DecisionCategory, decision.category),
        "description": decision.text,
        "subject": reference(ids["patient"]),
        "created": decision.meeting_date.isoformat(),
        "addresses": [reference(ids["primary"])],
    }
    if decision.actions:
        out["activity"] = [_activity(a) for a in decision.actions]
    out["note"] = _notes(decision)
    return out
