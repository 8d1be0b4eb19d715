"""The annual audit report: `tumorboard audit --pdf` on the scenario, read back with pypdf."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from prepared_databases import PreparedDatabases, Template
from pypdf import PdfReader
from scenarios.audit_year import AUDIT_YEAR, BOARD, Scenario, build

from tumorboard.cli import main
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


def test_the_report_names_period_board_figures_rulesets_and_the_disclaimer(
        capsys: pytest.CaptureFixture[str], db_url: str, db: Database, scenario: Scenario,
        tmp_path: Path) -> None:
    target = tmp_path / "audit.pdf"
    code = main(["audit", "--database", db_url, "--from", scenario.start.isoformat(), "--to",
                 scenario.end.isoformat(), "--board", BOARD, "--pdf", str(target)])
    out, err = capsys.readouterr()
    assert code == 0 and f"audit report written to {target}" in err
    assert json.loads(out)["decisions"] == 5  # the figures still go to standard output
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    words = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert f"{BOARD} · {scenario.start.isoformat()} to {scenario.end.isoformat()}" in words
    assert "decision support, not decision making" in words
    assert "Follow the guideline recommendation 2 (40.0 %)" in words
    assert "Meetings with quorum only by the chair's override 1" in words
    assert "n 5, median 67, p90 92" in words and "n 3, median 31, p90 40" in words
    assert "Treatment started within 31 days 66.7 %" in words
    assert "Pathology 66.7 %" in words
    assert f"{scenario.ruleset} 5" in words  # the ruleset version the decisions were made under
    assert "counts as it stands after its amendments" in words
    for title in ("Follows the guideline, or the reason for deviating", "Implementation of the decisions",
                  "Days from decision to treatment", "Attendance: share of meetings", "Cases per meeting"):
        assert title in words
    assert "AUD-" not in words  # no patient named
    # The charts are vector drawings: no picture anywhere in the document.
    assert all(not page.images for page in reader.pages)


def test_a_report_of_a_period_without_meetings_prints_dashes_not_errors(
        capsys: pytest.CaptureFixture[str], db_url: str, db: Database, tmp_path: Path) -> None:
    target = tmp_path / "empty.pdf"
    code = main(["audit", "--database", db_url, "--from", "2020-01-01", "--to", "2020-12-31",
                 "--pdf", str(target)])
    capsys.readouterr()
    assert code == 0
    words = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(target).pages)
    assert "All boards · 2020-01-01 to 2020-12-31" in words
    assert "Follow the guideline recommendation 0 (–)" in words
    assert "No decision in the period." in words
