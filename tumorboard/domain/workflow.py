"""Where a case stands in the MDT pathway, and which moves between stations are allowed."""

from __future__ import annotations

from enum import StrEnum


class WorkflowStatus(StrEnum):
    REFERRED = "referred"
    STAGING = "staging"
    READY_FOR_MDT = "ready_for_mdt"
    DISCUSSED = "discussed"
    ON_TREATMENT = "on_treatment"
    REASSESSMENT_DUE = "reassessment_due"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    WorkflowStatus.REFERRED: "Referred",
    WorkflowStatus.STAGING: "Staging",
    WorkflowStatus.READY_FOR_MDT: "Ready for MDT",
    WorkflowStatus.DISCUSSED: "Discussed",
    WorkflowStatus.ON_TREATMENT: "On treatment",
    WorkflowStatus.REASSESSMENT_DUE: "Reassessment due",
    WorkflowStatus.CLOSED: "Closed",
}

S = WorkflowStatus

# The pathway runs forward; the backward moves are the ones a real board makes: staging that turns
# out incomplete, a case re-listed after discussion, a reassessment that needs the board again.
# Any open case may be closed (death, transfer, patient's wish); a closed case may be reopened
# as a new referral.
ALLOWED_TRANSITIONS: dict[WorkflowStatus, frozenset[WorkflowStatus]] = {
    S.REFERRED: frozenset({S.STAGING, S.READY_FOR_MDT, S.CLOSED}),
    S.STAGING: frozenset({S.READY_FOR_MDT, S.CLOSED}),
    S.READY_FOR_MDT: frozenset({S.STAGING, S.DISCUSSED, S.CLOSED}),
    S.DISCUSSED: frozenset({S.ON_TREATMENT, S.READY_FOR_MDT, S.STAGING, S.CLOSED}),
    S.ON_TREATMENT: frozenset({S.REASSESSMENT_DUE, S.READY_FOR_MDT, S.CLOSED}),
    S.REASSESSMENT_DUE: frozenset({S.READY_FOR_MDT, S.ON_TREATMENT, S.CLOSED}),
    S.CLOSED: frozenset({S.REFERRED}),
}


class WorkflowError(ValueError):
    """A move between workflow stations that the pathway does not allow."""


def check_transition(current: WorkflowStatus, new: WorkflowStatus) -> None:
    """Raise WorkflowError with a message naming both stations and the allowed next ones."""
    if new == current:
        return
    allowed = ALLOWED_TRANSITIONS[current]
    if new not in allowed:
        options = ", ".join(s.label for s in WorkflowStatus if s in allowed)
        raise WorkflowError(
            f"a case cannot move from {current.label!r} to {new.label!r}; "
            f"from {current.label!r} it can move to: {options}"
        )
