"""Case workflow: the pathway's allowed moves and a clear refusal for the others."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tumorboard.domain.workflow import (
    ALLOWED_TRANSITIONS,
    WorkflowError,
    WorkflowStatus,
    check_transition,
)

S = WorkflowStatus


@pytest.mark.parametrize(("old", "new"), [
    (S.REFERRED, S.STAGING), (S.STAGING, S.READY_FOR_MDT), (S.READY_FOR_MDT, S.DISCUSSED),
    (S.DISCUSSED, S.ON_TREATMENT), (S.ON_TREATMENT, S.REASSESSMENT_DUE),
    (S.REASSESSMENT_DUE, S.READY_FOR_MDT), (S.ON_TREATMENT, S.CLOSED), (S.CLOSED, S.REFERRED),
])
def test_the_pathway_moves_forward(old: WorkflowStatus, new: WorkflowStatus) -> None:
    check_transition(old, new)


@pytest.mark.parametrize(("old", "new"), [
    (S.REFERRED, S.DISCUSSED), (S.STAGING, S.ON_TREATMENT), (S.CLOSED, S.ON_TREATMENT),
    (S.REFERRED, S.REASSESSMENT_DUE), (S.DISCUSSED, S.REASSESSMENT_DUE),
])
def test_skipping_the_board_is_refused_with_the_allowed_moves(old: WorkflowStatus,
                                                              new: WorkflowStatus) -> None:
    with pytest.raises(WorkflowError) as exc:
        check_transition(old, new)
    message = str(exc.value)
    assert old.label in message and new.label in message
    for allowed in ALLOWED_TRANSITIONS[old]:
        assert allowed.label in message


def test_every_open_status_can_be_closed_and_every_status_is_reachable() -> None:
    for status in S:
        if status is not S.CLOSED:
            assert S.CLOSED in ALLOWED_TRANSITIONS[status]
    reachable = {S.REFERRED}
    frontier = [S.REFERRED]
    while frontier:
        for nxt in ALLOWED_TRANSITIONS[frontier.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(S)


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
def test_check_transition_accepts_exactly_the_table(old: WorkflowStatus, new: WorkflowStatus) -> None:
    allowed = new == old or new in ALLOWED_TRANSITIONS[old]
    if allowed:
        check_transition(old, new)
    else:
        with pytest.raises(WorkflowError):
            check_transition(old, new)
