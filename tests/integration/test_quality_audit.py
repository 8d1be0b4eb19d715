"""The quality audit on a real database: a scenario built through the services, every figure
worked out by hand; the period's ends; a board with nothing signed; the CLI's JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from prepared_databases import DEMO, PreparedDatabases, Template
from scenarios.audit_year import AUDIT_YEAR, BOARD, EMPTY_BOARD, Scenario, build

from tumorboard.cli import main
from tumorboard.commands.exit_codes import EXIT_INVALID, EXIT_NOT_ALLOWED
from tumorboard.domain.meeting import MeetingError
from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME
from tumorboard.services.quality_audit import QualityAuditService
from tumorboard.store import Database


@pytest.fixture
def db_template(request: pytest.FixtureRequest) -> Template[Scenario] | None:
    """The scenario's tests on SQLite start from a copy of it, built once per session."""
    return AUDIT_YEAR if "scenario" in request.fixturenames else None


@pytest.fixture
def scenario(db: Database, db_template: Template[Scenario] | None, prepared: PreparedDatabases) -> Scenario:
    if db_template is not None and db.url.startswith("sqlite"):
        return prepared.made(db_template)  # the database is a copy of it (the db fixture)
    return build(db)


def test_every_figure_of_the_scenario_as_worked_out_by_hand(db: Database, scenario: Scenario) -> None:
    result = QualityAuditService(db).audit(scenario.start, scenario.end, BOARD)
    got = result.document()
    # Meetings M1 (first day), M2 and M3 (last day); M0 the day before, M4 the day after and M5
    # (closed, not signed) are left out.
    assert got["period"] == {"from": scenario.start.isoformat(), "to": scenario.end.isoformat()}
    assert got["board"] == BOARD
    assert got["meetings"] == 3
    # M1: AUD-1, 2, 3 (listed, not discussed), 4 (carried over); M2: AUD-4, 5; M3: AUD-6.
    assert got["agenda_items"] == 7
    assert got["discussed"] == 5
    assert got["listed_not_discussed"] == 1
    assert got["carried_over"] == 1
    assert got["decisions"] == 5
    # Concordant: AUD-1 (M1), AUD-6 (M3). Deviating: AUD-2 patient preference, AUD-4 missing data,
    # AUD-5 fitness or comorbidity by amendment after sign-off (recorded as concordant).
    assert got["concordant"] == 2
    assert got["deviating"] == 3
    assert got["concordance_rate"] == pytest.approx(2 / 5)
    assert got["deviation_reasons"] == {"patient_preference": 1, "fitness_or_comorbidity": 1,
                                        "clinical_trial": 0, "missing_data": 1, "clinician_judgement": 0}
    assert got["quorum_overrides"] == 1  # M2: pathology absent
    # AUD-1 fully; AUD-2 not done (patient wish); AUD-5 partly (clinical change; its earlier "not
    # done, physician decision" check is superseded); AUD-4 and AUD-6 pending.
    assert got["implementation"] == {
        "checked": 3, "full": 1, "partial": 1, "not_done": 1, "pending": 2,
        "rate": pytest.approx(2 / 3),
        "reasons": {"patient_wish": 1, "death": 0, "clinical_change": 1, "physician_decision": 0,
                    "other": 0}}
    # Created on T = B - 60: first discussions AUD-1, AUD-2 on B (60), AUD-4, AUD-5 on B+7 (67);
    # AUD-6, referred on T - 5, on B+27 (92). p90 (nearest rank) = 5th of 5. AUD-3 never discussed.
    assert got["days_referral_to_first_mdt"] == {"n": 5, "median": 67, "p90": 92}
    # Treatment decisions: AUD-1 systemic (10 days), AUD-2 radiotherapy (40), AUD-5 surgery (31);
    # AUD-6 systemic has no therapy started yet; AUD-4 is further investigation.
    assert got["days_decision_to_treatment"] == {"n": 3, "median": 31, "p90": 40,
                                                 "within_31_days_rate": pytest.approx(2 / 3)}
    assert got["attendance"] == {
        "breast_surgery": 1.0, "medical_oncology": 1.0, "radiation_oncology": 1.0, "radiology": 1.0,
        "pathology": pytest.approx(2 / 3), "specialist_nursing": 0.0,
        "coordination": pytest.approx(2 / 3)}
    assert got["ruleset_versions"] == {scenario.ruleset: 5}
    assert "decision support, not decision making" in got["disclaimer"]
    amended = [d for d in result.decisions if d.amended]
    assert [(d.mrn, d.amended) for d in amended] == [("AUD-5", ("concordant", "deviation_reason"))]


def test_the_period_ends_are_both_included(db: Database, scenario: Scenario) -> None:
    service = QualityAuditService(db)
    assert service.audit(scenario.start, scenario.start, BOARD).figures["meetings"] == 1
    assert service.audit(scenario.end, scenario.end, BOARD).figures["meetings"] == 1
    inner = service.audit(scenario.start + timedelta(days=1), scenario.end - timedelta(days=1), BOARD)
    assert inner.figures["meetings"] == 1 and inner.figures["decisions"] == 2  # M2 only
    # One day wider on each side takes M0 and M4 in; M5 (not signed) never counts.
    wider = service.audit(scenario.start - timedelta(days=1), scenario.end + timedelta(days=1), BOARD)
    assert wider.figures["meetings"] == 5 and wider.figures["decisions"] == 7
    # Every board: the empty board adds nothing (its only meeting is not signed).
    assert service.audit(scenario.start, scenario.end).figures == \
        service.audit(scenario.start, scenario.end, BOARD).figures


def test_a_board_with_no_signed_meeting_gives_zeros_and_nulls_not_errors(
        db: Database, scenario: Scenario) -> None:
    got = QualityAuditService(db).audit(scenario.start, scenario.end, EMPTY_BOARD.lower()).document()
    assert got["board"] == EMPTY_BOARD
    assert got["meetings"] == got["decisions"] == got["agenda_items"] == 0
    assert got["concordance_rate"] is None
    assert set(got["deviation_reasons"].values()) == {0}
    assert got["implementation"]["rate"] is None and got["implementation"]["pending"] == 0
    assert got["days_referral_to_first_mdt"] == {"n": 0, "median": None, "p90": None}
    assert got["days_decision_to_treatment"] == {"n": 0, "median": None, "p90": None,
                                                 "within_31_days_rate": None}
    assert set(got["attendance"].values()) == {None}


def test_refusals_name_the_field(db: Database, scenario: Scenario) -> None:
    service = QualityAuditService(db)
    with pytest.raises(MeetingError, match=r"^board: no board named 'Brest MDT'; did you mean 'Breast MDT'"):
        service.audit(scenario.start, scenario.end, "Brest MDT")
    with pytest.raises(MeetingError, match=r"^to: the period ends"):
        service.audit(scenario.end, scenario.start, BOARD)


def _cli(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    code = main(["audit", "--database", db_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _recompute(rows: list[dict[str, str]]) -> dict[str, Any]:
    """What an auditor would do in a spreadsheet with the CSV."""
    def days(name: str, where: str) -> list[int]:
        return sorted(int(r[name]) for r in rows if r[where] == "yes" and r[name])

    def p90(values: list[int]) -> int | None:
        return values[-(-9 * len(values) // 10) - 1] if values else None

    referral, wait = days("days_referral_to_first_mdt", "first_discussion_of_case"), days(
        "days_decision_to_treatment", "treatment")
    checked = [r for r in rows if r["implementation"] != "pending"]
    return {
        "decisions": len(rows), "concordant": sum(r["concordant"] == "yes" for r in rows),
        "deviating": sum(r["concordant"] == "no" for r in rows),
        "deviation_reasons": {k: sum(r["deviation_reason"] == k for r in rows)
                              for k in ("patient_preference", "fitness_or_comorbidity", "clinical_trial",
                                        "missing_data", "clinician_judgement")},
        "implementation": {"checked": len(checked),
                           "full": sum(r["implementation"] == "fully" for r in rows),
                           "partial": sum(r["implementation"] == "partly" for r in rows),
                           "not_done": sum(r["implementation"] == "not_done" for r in rows),
                           "pending": len(rows) - len(checked)},
        "days_referral_to_first_mdt": {"n": len(referral), "median": median(referral) if referral else None,
                                       "p90": p90(referral)},
        "days_decision_to_treatment": {"n": len(wait), "median": median(wait) if wait else None,
                                       "p90": p90(wait),
                                       "within_31_days": sum(r["within_31_days"] == "yes" for r in rows)},
    }


def test_cli_json_and_the_csv_recomputed_agree(capsys: pytest.CaptureFixture[str], db_url: str,
                                               db: Database, scenario: Scenario) -> None:
    period = ["--from", scenario.start.isoformat(), "--to", scenario.end.isoformat(), "--board", BOARD]
    code, out, _ = _cli(capsys, db_url, *period)
    assert code == 0
    figures = json.loads(out)
    code, out, _ = _cli(capsys, db_url, *period, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    again = _recompute(rows)
    for key in ("decisions", "concordant", "deviating", "deviation_reasons"):
        assert again[key] == figures[key], key
    assert again["implementation"] == {k: figures["implementation"][k]
                                       for k in ("checked", "full", "partial", "not_done", "pending")}
    assert again["days_referral_to_first_mdt"] == figures["days_referral_to_first_mdt"]
    wait = figures["days_decision_to_treatment"]
    assert again["days_decision_to_treatment"] == {
        "n": wait["n"], "median": wait["median"], "p90": wait["p90"],
        "within_31_days": round(wait["within_31_days_rate"] * wait["n"])}
    assert "AUD-" not in out  # no patient identifiers in the export


def test_cli_refusals_exit_non_zero_naming_the_option(capsys: pytest.CaptureFixture[str], db_url: str,
                                                      db: Database) -> None:
    code, _, err = _cli(capsys, db_url, "--from", "2026-13-01", "--to", "2026-12-31")
    assert code == EXIT_INVALID and err.startswith("error: --from: '2026-13-01' is not a date")
    code, _, err = _cli(capsys, db_url, "--from", "2026-12-31", "--to", "2026-01-01")
    assert code == EXIT_INVALID and err.startswith("error: --to: the period ends")
    code, _, err = _cli(capsys, db_url, "--from", "2026-01-01", "--to", "2026-12-31", "--board", "Nope")
    assert code == EXIT_INVALID and err.startswith("error: --board: no board named 'Nope'")
    code, out, _ = _cli(capsys, db_url, "--from", "2026-01-01", "--to", "2026-12-31")
    assert code == 0 and json.loads(out)["meetings"] == 0 and json.loads(out)["board"] is None
    assert date.fromisoformat(json.loads(out)["period"]["to"]) == date(2026, 12, 31)


def test_once_there_are_accounts_the_audit_needs_a_sign_in(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           prepared: PreparedDatabases) -> None:
    for name in ("TUMORBOARD_USER", "TUMORBOARD_PASSWORD", "TUMORBOARD_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    path = prepared.copy(DEMO, tmp_path / "department.sqlite3")  # accounts, a board, a signed meeting
    period = ["--from", "2000-01-01", "--to", "2100-12-31"]
    code, out, err = _cli(capsys, str(path), *period)
    assert code == EXIT_NOT_ALLOWED and err.startswith("error: --user:") and out == ""
    monkeypatch.setenv("TUMORBOARD_PASSWORD", DEMO_PASSWORD)
    code, out, _ = _cli(capsys, str(path), *period, "--user", DEMO_USERNAME)
    assert code == 0 and json.loads(out)["meetings"] >= 1
