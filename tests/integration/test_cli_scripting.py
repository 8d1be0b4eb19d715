"""The command line for scripts: --format json on every command that prints records (parsed and
compared with the services' view of the database), CSV parsed back and compared with the
database, recommend --with-source, each documented exit code, and shell completion."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from prepared_databases import DEMO, PreparedDatabases

from tumorboard.cli import main
from tumorboard.commands.exit_codes import EXIT_CODES
from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME, AccountService
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.circulation_settings import CirculationSettingsService
from tumorboard.services.meetings import MeetingService
from tumorboard.services.settings import SettingsService
from tumorboard.store import Database

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"


@pytest.fixture
def demo(prepared: PreparedDatabases, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh copy of the demo database (accounts, a board, a signed and a planned meeting),
    signed in as its demo chair through the environment, as a script would be."""
    path = prepared.copy(DEMO, tmp_path / "demo.sqlite3")
    monkeypatch.setenv("TUMORBOARD_USER", DEMO_USERNAME)
    monkeypatch.setenv("TUMORBOARD_PASSWORD", DEMO_PASSWORD)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def _open(path: str) -> Database:
    return Database.open(path, read_only=True)


def test_meetings_list_and_show_as_json(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    listing = run_json(capsys, "meetings", "list", "--database", demo)
    db = _open(demo)
    try:
        rows = MeetingService(db).listing()
        signed_id = next(r.id for r in rows if r.state == "signed")
        meeting = MeetingService(db).get(signed_id)
    finally:
        db.close()
    assert [(m["id"], m["date"], m["state"], m["cases"], m["board"]) for m in listing] == \
        [(r.id, r.day.isoformat(), r.state, r.cases, r.board) for r in rows]
    shown = run_json(capsys, "meetings", "show", str(signed_id), "--database", demo)
    assert shown["id"] == signed_id and shown["state"] == "signed"
    assert shown["minutes_sha256"] == meeting.minutes_sha256
    assert [a["mrn"] for a in shown["agenda"]] == [a.mrn for a in meeting.agenda]
    assert [a["decision_id"] for a in shown["agenda"]] == [a.decision.id if a.decision else None
                                                          for a in meeting.agenda]
    assert [(a["name"], a["present"]) for a in shown["attendance"]] == \
        [(a.name, a.present) for a in meeting.attendance]
    assert shown["quorum"]["met"] is True


def test_users_settings_and_boards_as_json(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    users = run_json(capsys, "users", "list", "--database", demo)
    settings = run_json(capsys, "settings", "--database", demo)
    boards = run_json(capsys, "boards", "list", "--database", demo)
    board = run_json(capsys, "boards", "show", boards[0]["name"], "--database", demo)
    db = _open(demo)
    try:
        accounts = AccountService(db).users()
        current = SettingsService(db).load()
        letterhead_and_mail = CirculationSettingsService(db).stored_text()
    finally:
        db.close()
    assert [(u["username"], u["role"]) for u in users] == [(u.username, u.role.value) for u in accounts]
    assert {s["name"]: s["value"] for s in settings} == {
        s["name"]: letterhead_and_mail[s["name"]] if s["name"] in letterhead_and_mail
        else getattr(current, s["name"]) for s in settings}
    assert "staging_max_age_days" in {s["name"] for s in settings}
    assert board == boards[0] and board["members"] and board["quorum"]


def test_cases_list_json_and_csv_match_the_worklist(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    listed = run_json(capsys, "cases", "list", "--status", "reassessment_due", "--status", "on_treatment",
                      "--database", demo)
    code, out, err = run(capsys, "cases", "list", "--status", "reassessment_due", "--status", "on_treatment",
                         "--format", "csv", "--database", demo)
    assert code == 0, err
    assert "\r\n" in out  # RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    db = _open(demo)
    try:
        from tumorboard.domain.workflow import WorkflowStatus

        expected = CaseService(db).worklist(WorklistQuery(
            statuses=(WorkflowStatus.REASSESSMENT_DUE, WorkflowStatus.ON_TREATMENT)))
        history = [h for h in db_history(db) if h[0] == "worklist"]
    finally:
        db.close()
    assert expected and len(rows) == len(expected) == len(listed)
    for row, item, record in zip(rows, expected, listed, strict=True):
        assert row["mrn"] == record["mrn"] == item.mrn
        assert row["status"] == record["status"] == item.status.value
        assert row["name"] == item.name and int(row["age"]) == item.age
        assert row["window_closes"] == (item.window_closes.isoformat() if item.window_closes else "")
        assert row["missing"].split("; ") == (list(item.missing) or [""])
    assert history, "the CSV export of patients is in the audit trail"


def db_history(db: Database) -> list[tuple[str, str]]:
    with db.reading() as uow:
        return [(e.entity, e.action) for e in uow.audit_log.history("worklist", "0")]


def test_decisions_list_csv_matches_the_decisions_recorded(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    code, out, err = run(capsys, "decisions", "list", "--format", "csv", "--database", demo)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    db = _open(demo)
    try:
        meetings = MeetingService(db)
        decided = [(m.id, a) for m in (meetings.get(r.id) for r in meetings.listing()) for a in m.agenda
                   if a.decision is not None]
    finally:
        db.close()
    assert rows and len(rows) == len(decided)
    by_id = {int(r["decision_id"]): r for r in rows}
    for meeting_id, item in decided:
        assert item.decision is not None
        row = by_id[item.decision.id]
        assert int(row["meeting_id"]) == meeting_id and row["mrn"] == item.mrn
        assert row["decision"] == item.decision.text and row["category"] == item.decision.category
    day = rows[0]["meeting_date"]
    same = run_json(capsys, "decisions", "list", "--from", day, "--to", day, "--database", demo)
    assert {d["decision_id"] for d in same} == {int(r["decision_id"]) for r in rows if r["meeting_date"] == day}
    assert run_json(capsys, "decisions", "list", "--from", "1990-01-01", "--to", "1990-12-31",
                    "--database", demo) == []


def test_export_and_minutes_as_fhir(capsys: pytest.CaptureFixture[str], demo: str, tmp_path: Path) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    db = _open(demo)
    try:
        meetings = MeetingService(db)
        signed = next(meetings.get(r.id) for r in meetings.listing() if r.state == "signed")
    finally:
        db.close()
    decided = [a for a in signed.agenda if a.decision is not None]
    target = tmp_path / "cases.fhir.json"
    code, out, err = run(capsys, "export", decided[0].mrn, decided[1].mrn, "--format", "fhir",
                         "-o", str(target), "--database", demo)
    assert code == 0 and out == "", err
    cases = json.loads(target.read_text())
    code, out, err = run(capsys, "minutes", str(signed.id), "--format", "fhir", "--database", demo)
    assert code == 0, err
    meeting = json.loads(out)
    for doc in (cases, meeting):
        get_fhir_model_class("Bundle").model_validate(doc)
        for entry in doc["entry"]:
            get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    patients = [e["resource"]["identifier"][0]["value"] for e in cases["entry"]
                if e["resource"]["resourceType"] == "Patient"]
    assert patients == [decided[0].mrn, decided[1].mrn]
    plans = [e["resource"] for e in meeting["entry"] if e["resource"]["resourceType"] == "CarePlan"]
    assert sorted(p["description"] for p in plans) == sorted(a.decision.text for a in decided if a.decision)
    assert {p["created"] for p in plans} == {signed.day.isoformat()}
    assert {p["status"] for p in plans} <= {"active", "completed", "revoked"}  # signed: not a draft
    code, _, err = run(capsys, "export", "NO-SUCH-MRN", "--format", "fhir", "--database", demo)
    assert code == 2 and err.startswith("error: MRN: ")


def test_recommend_keeps_the_contract_output_and_wraps_only_with_source(
        capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in sorted(EXAMPLES.glob("*.case.json"))[:2]]
    if len(files) < 2:
        pytest.skip("worked examples not beside the project")
    code, plain, _ = run(capsys, "recommend", *files, "--as-of", "2025-06-01")
    assert code == 0
    code, wrapped, _ = run(capsys, "recommend", *files, "--as-of", "2025-06-01", "--with-source")
    assert code == 0
    plain_docs = [json.loads(line) for line in plain.splitlines()]
    wrapped_docs = [json.loads(line) for line in wrapped.splitlines()]
    assert all(d["format"] == "tumorboard.recommendation/1" for d in plain_docs)
    assert [w["recommendation"] for w in wrapped_docs] == plain_docs
    assert [w["source"] for w in wrapped_docs] == files
    assert [w["mrn"] for w in wrapped_docs] == [json.loads(Path(f).read_text())["patient"]["mrn"] for f in files]


# ---------------------------------------------------------------- exit codes


def test_exit_0_ok_and_2_invalid_input(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    assert run(capsys, "decisions", "list", "--database", demo)[0] == 0
    code, out, err = run(capsys, "decisions", "list", "--from", "2025-13-01", "--database", demo)
    assert code == 2 and out == "" and err.startswith("error: --from: ")
    code, _, err = run(capsys, "meetings", "show", "999", "--database", demo)
    assert code == 2 and "999" in err  # refused: no such meeting
    code, out, err = run(capsys, "minutes", "1", "--format", "fhir", "--pseudonymise", "--database", demo)
    assert code == 2 and out == "" and err.startswith("error: --format fhir: ")
    code, out, err = run(capsys, "export", "DEMO-0014", "DEMO-0015", "--database", demo)
    assert code == 2 and out == "" and err.startswith("error: MRN: a case document holds one case")


def test_exit_1_internal_error_and_a_file_that_cannot_be_written(
        capsys: pytest.CaptureFixture[str], demo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(capsys, "export", "DEMO-0014", "--format", "fhir", "-o",
                         str(tmp_path / "no such folder" / "x.json"), "--database", demo)
    assert code == 1 and err.startswith("error: -o ")

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a programming error")

    monkeypatch.setattr(MeetingService, "listing", broken)
    code, out, err = run(capsys, "meetings", "list", "--database", demo)
    assert code == 1 and out == "" and "internal error (RuntimeError)" in err and "Traceback" not in err


def test_exit_3_not_signed_in_or_not_allowed(capsys: pytest.CaptureFixture[str], demo: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUMORBOARD_USER")
    code, out, err = run(capsys, "cases", "list", "--database", demo)
    assert code == 3 and out == "" and err.startswith("error: --user: ")
    monkeypatch.setenv("TUMORBOARD_USER", DEMO_USERNAME)
    monkeypatch.setenv("TUMORBOARD_PASSWORD", "not the password")
    assert run(capsys, "cases", "list", "--database", demo)[0] == 3
    # The administrator manages accounts, not patients: the role may not export.
    monkeypatch.setenv("TUMORBOARD_USER", "demo-admin")
    monkeypatch.setenv("TUMORBOARD_PASSWORD", DEMO_PASSWORD)
    code, out, err = run(capsys, "export", "DEMO-0014", "--format", "fhir", "--database", demo)
    assert code == 3 and out == "" and "may not export patient data" in err


def test_exit_4_when_another_person_changed_the_record(capsys: pytest.CaptureFixture[str], demo: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings are read, then someone else saves them (a real second connection), then this
    command saves over what it read: the store refuses with ConcurrentEdit, the exit code is 4."""
    original = SettingsService.load
    state = {"raced": False}

    def load_then_someone_else_saves(self: SettingsService) -> Any:
        read = original(self)
        if not state["raced"]:
            state["raced"] = True
            other = Database.open(demo)
            try:
                admin = AccountService(other).authenticate("demo-admin", DEMO_PASSWORD)
                theirs = SettingsService(other, user=admin)
                from dataclasses import replace

                theirs.save(replace(theirs.load(), follow_up_weeks=read.follow_up_weeks + 1))
            finally:
                other.close()
        return read

    monkeypatch.setattr(SettingsService, "load", load_then_someone_else_saves)
    monkeypatch.setenv("TUMORBOARD_USER", "demo-admin")
    code, _out, err = run(capsys, "settings", "set", "staging_max_age_days", "30", "--database", demo)
    assert state["raced"] and code == 4, err
    db = _open(demo)
    try:
        assert SettingsService(db).load().staging_max_age_days != 30  # nothing overwritten
    finally:
        db.close()


def test_the_codes_are_documented_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for code in EXIT_CODES:
        assert f"{code} " in out
    with pytest.raises(SystemExit):
        main(["decisions", "list", "--help"])
    sub_help = capsys.readouterr().out
    assert "exit codes: 0 success" in sub_help and "4 conflict" in sub_help
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for code, _ in EXIT_CODES.items():
        assert f"| {code} |" in readme


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_scripts_name_the_commands(capsys: pytest.CaptureFixture[str], shell: str) -> None:
    code, out, _ = run(capsys, "completion", shell)
    assert code == 0
    for word in ("meetings", "decisions", "export", "--format"):
        assert word in out
    assert ("compdef" in out or "#compdef" in out) if shell == "zsh" else "complete " in out


