"""The snapshot of signed minutes: every field survives canonical JSON, so minutes read back from
it render to the same bytes (no database: the sample minutes of the report tests)."""

from __future__ import annotations

import pytest
from minutes_samples import examples_available, sample_minutes

from tumorboard.reports import render_minutes
from tumorboard.services.minutes_snapshot import (
    SnapshotError,
    as_copy,
    minutes_from_snapshot,
    snapshot_json,
)

needs_examples = pytest.mark.skipif(not examples_available(), reason="the shared example cases are not here")


@needs_examples
@pytest.mark.parametrize("options", [{}, {"pseudonymised": True}, {"signed": False}, {"quorum_met": False}])
def test_minutes_read_back_from_their_snapshot_render_to_the_same_bytes(options: dict[str, bool]) -> None:
    minutes = sample_minutes(3, **options)
    snapshot = snapshot_json(minutes)
    again = minutes_from_snapshot(snapshot)
    assert snapshot_json(again) == snapshot
    assert render_minutes(again) == render_minutes(minutes)


@needs_examples
def test_a_copy_is_marked_and_pseudonymised_from_the_snapshot_alone() -> None:
    minutes = minutes_from_snapshot(snapshot_json(sample_minutes(2)))
    copy = as_copy(minutes, "ab" * 32, (), pseudonymise=True)
    assert copy.copy_of_sha256 == "ab" * 32 and copy.pseudonymised
    assert [c.identity.label for c in copy.cases] == [f"Case {c.position}" for c in minutes.cases]
    assert all(c.identity.name is None and c.identity.mrn is None for c in copy.cases)


@pytest.mark.parametrize("damaged", ["", "[]", '{"format": "something else"}',
                                     '{"format": "tumorboard-minutes-snapshot-v1"}'])
def test_a_damaged_snapshot_is_refused_by_name(damaged: str) -> None:
    with pytest.raises(SnapshotError):
        minutes_from_snapshot(damaged)
