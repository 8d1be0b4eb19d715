"""Decisions as CSV and cases and meetings as FHIR, end to end on each configured database
(SQLite file, PostgreSQL server URL): a meeting run through the command line, then exported."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from tumorboard.cli import main

MEMBERS = [("Dr Surgeon", "breast_surgery"), ("Dr Oncologist", "medical_oncology"),
           ("Dr Radiotherapist", "radiation_oncology"), ("Dr Radiologist", "radiology"),
           ("Dr Pathologist", "pathology")]


def ok(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_a_meeting_run_on_the_command_line_leaves_as_csv_and_fhir(
        capsys: pytest.CaptureFixture[str], db_url: str, example_files: list[Path]) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    db = ("--database", db_url)
    ok(capsys, "import", *map(str, example_files[:2]), *db)
    mrns = [json.loads(p.read_text())["patient"]["mrn"] for p in example_files[:2]]
    ok(capsys, "boards", "create", "Breast MDT", *db)
    for name, discipline in MEMBERS:
        ok(capsys, "meetings", "add-member", "--board", "Breast MDT", "--name", name, "--discipline", discipline,
           *db)
    today = date.today().isoformat()
    meeting = ok(capsys, "meetings", "create", "--board", "Breast MDT", "--date", today, "--chair", "Dr Surgeon",
                 *db).strip()
    ok(capsys, "meetings", "add-case", meeting, *mrns, *db)
    ok(capsys, "meetings", "start", meeting, *db)
    ok(capsys, "meetings", "attend", meeting, *(n for n, _ in MEMBERS), *db)
    ok(capsys, "meetings", "decide", meeting, mrns[0], "--category", "systemic_therapy", "--text",
       "Endocrine therapy with a CDK4/6 inhibitor.", "--concordant",
       "--action", f"Book the CT|Dr Radiologist|{today}", *db)
    ok(capsys, "meetings", "close", meeting, *db)

    rows = list(csv.DictReader(io.StringIO(ok(capsys, "decisions", "list", "--from", today, "--to", today,
                                              "--format", "csv", *db), newline="")))
    assert [(r["meeting_id"], r["mrn"], r["decision"], r["category"]) for r in rows] == [
        (meeting, mrns[0], "Endocrine therapy with a CDK4/6 inhibitor.", "systemic_therapy")]
    shown = json.loads(ok(capsys, "meetings", "show", meeting, "--format", "json", *db))
    assert int(rows[0]["decision_id"]) == shown["agenda"][0]["decision_id"]

    cases = json.loads(ok(capsys, "export", *mrns, "--format", "fhir", *db))
    minutes = json.loads(ok(capsys, "minutes", meeting, "--format", "fhir", *db))
    for bundle in (cases, minutes):
        get_fhir_model_class("Bundle").model_validate(bundle)
        for entry in bundle["entry"]:
            get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    (plan,) = [e["resource"] for e in minutes["entry"] if e["resource"]["resourceType"] == "CarePlan"]
    assert plan["status"] == "active" and plan["created"] == today
    assert plan["activity"][0]["detail"]["performer"] == [{"display": "Dr Radiologist"}]
    assert plan["activity"][0]["detail"]["scheduledPeriod"] == {"end": today}
    patients = [e["resource"] for e in minutes["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert [p["identifier"][0]["value"] for p in patients] == [mrns[0]]  # only the decided case
    assert sum(e["resource"]["resourceType"] == "CarePlan" for e in cases["entry"]) == 1
