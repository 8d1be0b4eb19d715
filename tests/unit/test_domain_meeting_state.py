"""The meeting's state machine: planned -> in progress -> closed -> signed, with every refusal
naming the state and what it allows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tumorboard.domain.meeting import MeetingError
from tumorboard.domain.meeting_state import (
    ON_THE_DAY,
    TRANSITIONS,
    MeetingAction,
    MeetingState,
    allowed,
    check_replacement,
    check_sign_off,
    require,
)

S, A = MeetingState, MeetingAction
DAY = date(2026, 12, 3)


def test_the_life_of_a_meeting() -> None:
    state = S.PLANNED
    for action, after in ((A.PLAN, S.PLANNED), (A.START, S.IN_PROGRESS), (A.ATTEND, S.IN_PROGRESS),
                          (A.DECIDE, S.IN_PROGRESS), (A.CLOSE, S.CLOSED), (A.SIGN, S.SIGNED),
                          (A.AMEND, S.SIGNED)):
        state = require(state, action, day=DAY, today=DAY)
        assert state is after


@given(st.sampled_from(list(S)), st.sampled_from(list(A)))
def test_an_action_is_allowed_exactly_where_the_table_says(state: MeetingState, action: MeetingAction) -> None:
    if (state, action) in TRANSITIONS:
        assert require(state, action) is TRANSITIONS[(state, action)]
        assert action in allowed(state)
    else:
        with pytest.raises(MeetingError) as refused:
            require(state, action)
        message = str(refused.value)
        assert f"the meeting is {state.label}" in message
        assert action.label in message
        for other in allowed(state):
            assert other.label in message


def test_nothing_skips_a_step_or_goes_back() -> None:
    with pytest.raises(MeetingError, match="start the meeting first"):
        require(S.PLANNED, A.DECIDE)
    with pytest.raises(MeetingError, match="in progress"):
        require(S.IN_PROGRESS, A.SIGN)
    with pytest.raises(MeetingError, match="closed"):
        require(S.CLOSED, A.DECIDE)
    with pytest.raises(MeetingError, match="amendments"):
        require(S.SIGNED, A.DECIDE)
    assert all(after is not S.PLANNED for (state, _), after in TRANSITIONS.items() if state is not S.PLANNED)


@given(st.sampled_from(sorted(ON_THE_DAY)), st.integers(min_value=1, max_value=400))
def test_nothing_of_the_meeting_itself_happens_before_its_day(action: MeetingAction, early: int) -> None:
    state = next(s for s in S if (s, action) in TRANSITIONS)
    with pytest.raises(MeetingError, match=f"the meeting is on {DAY.isoformat()}"):
        require(state, action, day=DAY, today=DAY - timedelta(days=early))
    require(state, action, day=DAY, today=DAY)
    require(state, action, day=DAY, today=DAY + timedelta(days=early))


def test_planning_may_happen_any_day_before() -> None:
    assert require(S.PLANNED, A.PLAN, day=DAY, today=DAY - timedelta(days=30)) is S.PLANNED


def test_sign_off_only_by_the_present_chair_with_quorum_or_override() -> None:
    ok = {"chair": "Dr Carla Chair", "signer": "dr carla chair", "present": {"Dr Carla Chair"},
          "quorum_met": True, "override_recorded": False}
    check_sign_off(**ok)  # type: ignore[arg-type]
    check_sign_off(**{**ok, "quorum_met": False, "override_recorded": True})  # type: ignore[arg-type]
    for change, words in (({"chair": None}, "no chair"), ({"signer": "Dr Other"}, "only the meeting's chair"),
                          ({"present": set()}, "not marked present"),
                          ({"quorum_met": False}, "quorum was not met")):
        with pytest.raises(MeetingError, match=words):
            check_sign_off(**{**ok, **change})  # type: ignore[arg-type]


def test_a_second_decision_replaces_only_when_asked_with_a_reason() -> None:
    check_replacement(existing=False, replace=False, reason=None)
    with pytest.raises(MeetingError, match="already recorded"):
        check_replacement(existing=True, replace=False, reason="typo")
    with pytest.raises(MeetingError, match="replace reason"):
        check_replacement(existing=True, replace=True, reason="  ")
    check_replacement(existing=True, replace=True, reason="the patient declined surgery")
