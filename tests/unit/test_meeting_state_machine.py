"""The meeting service's rules on the in-memory unit of work: arbitrary sequences of actions, the
invariants of the meeting's life checked after each (``tests/fakes/meeting_machine.py``).

The same machine runs on SQLite in ``tests/integration/test_meeting_state_machine_sqlite.py``."""

from __future__ import annotations

import pytest
from fakes.meeting_machine import EXAMPLES, FakeStore, MeetingMachine, Store, example_cases
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.slow  # some 8-25 s: a hundred runs of forty actions each

if not EXAMPLES.is_dir():
    pytest.skip("worked examples not beside the project (../shared/examples)", allow_module_level=True)


class FakeMeetingMachine(MeetingMachine):
    cases = example_cases()

    def open_stores(self) -> list[Store]:
        return [FakeStore()]


FakeMeetingMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TestMeetingRulesInMemory = FakeMeetingMachine.TestCase
