"""Department settings: stored in the database, validated, audited, and applied by the services."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.settings import DepartmentSettings, SettingsError, SettingsService
from tumorboard.store import Database
from tumorboard.store.repositories import AuditRepository

DAY = date(2025, 6, 10)


def _row(service: CaseService, mrn: str) -> tuple[str, ...]:
    return next(r for r in service.worklist(WorklistQuery(limit=50)) if r.mrn == mrn).missing


def test_defaults_then_saved_values_round_trip_and_are_audited(db: Database) -> None:
    service = SettingsService(db, actor="admin")
    assert service.load() == DepartmentSettings()
    changed = DepartmentSettings(staging_max_age_days=42, recist_baseline_max_age_days=21, follow_up_weeks=8)
    service.save(changed)
    assert SettingsService(db).load() == changed
    with db.session() as s:
        entries = AuditRepository(s).history("department", "settings")
    assert {(e.field, e.old_value, e.new_value) for e in entries} >= {("staging_max_age_days", None, "42")}


@given(st.integers(min_value=-10_000, max_value=10_000))
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_out_of_range_values_are_refused_naming_the_setting(db: Database, value: int) -> None:
    service = SettingsService(db)
    before = service.load()
    candidate = replace(DepartmentSettings(), staging_max_age_days=value)
    if 1 <= value <= 365:
        assert service.save(candidate).staging_max_age_days == value
    else:
        with pytest.raises(SettingsError, match="staging_max_age_days"):
            service.save(candidate)
        assert service.load() == before  # nothing half-written


def test_a_shorter_staging_window_makes_staging_stale_after_refresh(db: Database, example_files: list[Path]) -> None:
    cases = CaseService(db, actor="coordinator", today=lambda: DAY)
    cases.import_documents([(f.name, f.read_bytes()) for f in example_files])
    mrn = "SYN-V01"
    cases.schedule(mrn, next_meeting=DAY + timedelta(days=7), staging_date=DAY - timedelta(days=14))
    assert "Staging imaging" not in _row(cases, mrn)
    version = cases.get(mrn).version
    SettingsService(db).save(DepartmentSettings(staging_max_age_days=7))
    assert cases.refresh_derived() == len(example_files)
    assert "Staging imaging" in _row(cases, mrn)
    assert cases.get(mrn).version == version  # worklist facts only: no new clinical version


def test_follow_up_weeks_setting_dates_implementation_checks(db: Database, example_files: list[Path]) -> None:
    from tumorboard.domain.meeting import DecisionCategory
    from tumorboard.services.boards import BoardService
    from tumorboard.services.meetings import DecisionInput, MeetingService

    CaseService(db, today=lambda: DAY).import_documents([(f.name, f.read_bytes()) for f in example_files[:1]])
    SettingsService(db).save(DepartmentSettings(follow_up_weeks=10))
    meetings = MeetingService(db, today=lambda: DAY, render=lambda m: b"%PDF")
    BoardService(db).create("Breast MDT")
    meeting_id = meetings.create_meeting("Breast MDT", DAY, chair="Dr Chair")
    meetings.add_cases(meeting_id, ["SYN-V01"])
    meetings.start(meeting_id)
    meetings.record_quorum_override(meeting_id, "Dr Chair", "testing without attendance")
    meetings.record_decision(meeting_id, "SYN-V01", DecisionInput(DecisionCategory.OTHER, "Observe", True))
    decision = meetings.get(meeting_id).agenda[0].decision
    assert decision is not None and decision.follow_up_due == DAY + timedelta(weeks=10)


def test_cli_sets_and_refuses_settings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tumorboard.cli import main

    db = str(tmp_path / "s.sqlite3")
    assert main(["settings", "set", "follow_up_weeks", "99", "--database", db]) == 2
    assert "follow_up_weeks: 99 is outside 1 to 52" in capsys.readouterr().err
    assert main(["settings", "set", "follow_up_weeks", "eight", "--database", db]) == 2
    assert "not a whole number" in capsys.readouterr().err
    assert main(["settings", "set", "follow_up_weeks", "8", "--database", db]) == 0
    assert "follow_up_weeks\t8\t" in capsys.readouterr().out
