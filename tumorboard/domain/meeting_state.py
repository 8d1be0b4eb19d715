"""The meeting's life as data: planned -> in progress -> closed -> signed.

One table says which action is allowed in which state and where it leads; ``require`` refuses
with the state the meeting is in and what is allowed from there. The services call it inside the
unit of work; the database's triggers (migration 0005) say the same for the state changes and the
writes that protect the record.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from tumorboard.domain.meeting import MeetingError


class MeetingState(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    SIGNED = "signed"

    @property
    def label(self) -> str:
        return {MeetingState.PLANNED: "planned", MeetingState.IN_PROGRESS: "in progress",
                MeetingState.CLOSED: "closed", MeetingState.SIGNED: "signed off"}[self]


class MeetingAction(StrEnum):
    PLAN = "plan"  # details, agenda (add, remove, reorder, question), the attendance list
    START = "start"
    ATTEND = "attend"  # mark someone present or absent
    TRIAGE = "triage"
    DECIDE = "decide"
    OVERRIDE_QUORUM = "override_quorum"
    CLOSE = "close"
    SIGN = "sign"
    AMEND = "amend"
    LETTER = "letter"  # outcome letters to referrers and GPs: from the signed record only
    SEND_MINUTES = "send_minutes"
    SEND_AGENDA = "send_agenda"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    MeetingAction.PLAN: "changing the plan (details, agenda, attendance list)",
    MeetingAction.START: "starting the meeting",
    MeetingAction.ATTEND: "marking attendance",
    MeetingAction.TRIAGE: "triaging a case",
    MeetingAction.DECIDE: "recording a decision",
    MeetingAction.OVERRIDE_QUORUM: "recording a quorum override",
    MeetingAction.CLOSE: "closing the meeting",
    MeetingAction.SIGN: "signing off",
    MeetingAction.AMEND: "amending the signed minutes",
    MeetingAction.LETTER: "writing outcome letters",
    MeetingAction.SEND_MINUTES: "sending the minutes",
    MeetingAction.SEND_AGENDA: "sending the agenda",
}

S, A = MeetingState, MeetingAction

TRANSITIONS: dict[tuple[MeetingState, MeetingAction], MeetingState] = {
    (S.PLANNED, A.PLAN): S.PLANNED,
    (S.PLANNED, A.START): S.IN_PROGRESS,
    (S.PLANNED, A.SEND_AGENDA): S.PLANNED,
    (S.IN_PROGRESS, A.SEND_AGENDA): S.IN_PROGRESS,  # a late case: the agenda again
    (S.IN_PROGRESS, A.PLAN): S.IN_PROGRESS,  # a case added late, a guest listed
    (S.IN_PROGRESS, A.ATTEND): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.TRIAGE): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.DECIDE): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.OVERRIDE_QUORUM): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.SIGN): S.SIGNED,
    (S.SIGNED, A.AMEND): S.SIGNED,
    # What leaves the department after the meeting says what the chair signed, never a draft.
    (S.SIGNED, A.LETTER): S.SIGNED,
    (S.SIGNED, A.SEND_MINUTES): S.SIGNED,
}

# Actions that happen at the meeting itself: never before the day it is held.
ON_THE_DAY = frozenset({A.START, A.ATTEND, A.TRIAGE, A.DECIDE, A.OVERRIDE_QUORUM, A.CLOSE, A.SIGN})


def allowed(state: MeetingState) -> list[MeetingAction]:
    return [a for a in MeetingAction if (state, a) in TRANSITIONS]


def require(state: MeetingState, action: MeetingAction, *, day: date | None = None,
            today: date | None = None) -> MeetingState:
    """The state after ``action``; MeetingError naming the state and what it allows otherwise."""
    after = TRANSITIONS.get((state, action))
    if after is None:
        options = "; ".join(a.label for a in allowed(state)) or "nothing"
        hint = {S.PLANNED: " (start the meeting first)", S.CLOSED: " (the chair signs it off next)",
                S.SIGNED: " (corrections are amendments with a reason)"}.get(state, "")
        if action in (A.LETTER, A.SEND_MINUTES):
            hint = " (only what the chair signed leaves the department: close and sign off first)"
        elif action is A.SEND_AGENDA:
            hint = " (the meeting has been held: send its minutes instead)"
        raise MeetingError(f"the meeting is {state.label}: {action.label} is refused{hint}. "
                           f"Allowed while {state.label}: {options}")
    if action in ON_THE_DAY and day is not None and today is not None and today < day:
        raise MeetingError(f"the meeting is on {day.isoformat()}: {action.label} is refused before that "
                           f"day (today is {today.isoformat()}); while it is planned you can change "
                           "its details and agenda")
    return after


def check_sign_off(*, chair: str | None, signer: str, present: set[str], quorum_met: bool,
                   override_recorded: bool) -> None:
    """Only the meeting's chair signs, marked present, with the quorum met or their override recorded."""
    if not chair or not chair.strip():
        raise MeetingError("chair: the meeting has no chair; name the chair in the meeting's details "
                           "before signing off")
    if signer.strip().lower() != chair.strip().lower():
        raise MeetingError(f"chair: only the meeting's chair ({chair}) can sign it off")
    if chair.strip().lower() not in {p.strip().lower() for p in present}:
        raise MeetingError(f"chair: {chair} is not marked present at this meeting; the chair signs off "
                           "a meeting they attended")
    if not quorum_met and not override_recorded:
        raise MeetingError("quorum: the quorum was not met and no override by the chair is recorded; "
                           "the minutes cannot be signed")


def check_closable(*, chair: str | None, present: set[str], quorum_met: bool,
                   override_recorded: bool) -> None:
    """A meeting closes only when its minutes can then be signed: attendance cannot change after
    the close, so a chair left unticked or a quorum never met would leave them unsignable."""
    if not chair or not chair.strip():
        raise MeetingError("chair: the meeting has no chair; name the chair who led it (meeting details) "
                           "before closing")
    if chair.strip().lower() not in {p.strip().lower() for p in present}:
        raise MeetingError(f"chair: {chair} is not marked present; tick the chair present, or name the "
                           "chair who led the meeting in its details, before closing (the chair signs "
                           "off a meeting they attended)")
    if not quorum_met and not override_recorded:
        raise MeetingError("quorum: the quorum is not met and the chair has recorded no override; "
                           "record the override with its reason before closing")


def check_replacement(*, existing: bool, replace: bool, reason: str | None) -> None:
    """A second decision on one agenda item replaces the first only when asked, with a reason."""
    if not existing:
        return
    if not replace:
        raise MeetingError("decision: a decision is already recorded for this case at this meeting; "
                           "to replace it, choose to replace and give the reason (the earlier "
                           "decision stays in the record)")
    if not (reason or "").strip():
        raise MeetingError("replace reason: replacing a recorded decision needs the reason")
