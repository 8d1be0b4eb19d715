"""Issue 12's findings about the services, the command line and the store, one test each: every
one of them was accepted by the main before the record-integrity work (commit e793259) and is
refused or fixed now. On SQLite and, when configured, PostgreSQL.

(The findings about the screens are tests/gui/test_record_integrity_gui.py; the interleaved
writes of two sessions are test_stale_writes.py.)
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from tumorboard.cli import main
from tumorboard.domain.meeting import BoardRole, DecisionAction, DecisionCategory, Discipline, MeetingError
from tumorboard.domain.minutes import Minutes
from tumorboard.domain.users import Role
from tumorboard.services.accounts import AccountService
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.store import Database, RecordExists, SignedRecord

DAY = date(2025, 6, 10)
BOARD = "Breast MDT"
CHAIR = "Dr Carla Chair"
MEMBERS = [(CHAIR, Discipline.BREAST_SURGERY, BoardRole.CHAIR),
           ("Dr Okafor", Discipline.MEDICAL_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Lindqvist", Discipline.RADIATION_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Novák", Discipline.RADIOLOGY, BoardRole.MEMBER),
           ("Dr Haddad", Discipline.PATHOLOGY, BoardRole.MEMBER)]
MRN = "SYN-V01"
PASSWORD = "correct horse battery"


def fake_render(minutes: Minutes) -> bytes:
    return ("%PDF-fake\n" + minutes.document_id + "\n" + str(minutes.sign_off)).encode()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _decision(words: str = "Continue letrozole + ribociclib; reassess in 3 months",
              actions: tuple[DecisionAction, ...] = ()) -> DecisionInput:
    return DecisionInput(DecisionCategory.SYSTEMIC_THERAPY, words, concordant=True, actions=actions)


@pytest.fixture
def board(db: Database, example_files: list[Path]) -> BoardService:
    """The five worked examples imported and the Breast MDT with its quorum on the list."""
    CaseService(db, actor="coordinator", today=lambda: DAY).import_documents(
        [(f.name, f.read_bytes()) for f in example_files])
    boards = BoardService(db, actor="coordinator")
    boards.create(BOARD)
    for name, discipline, role in MEMBERS:
        boards.add_member(BOARD, name, discipline, role)
    return boards


@pytest.fixture
def meetings(db: Database, board: BoardService) -> MeetingService:
    return MeetingService(db, actor="coordinator", today=lambda: DAY, render=fake_render)


def _meeting_in_progress(meetings: MeetingService, mrns: list[str]) -> int:
    meeting_id = meetings.create_meeting(BOARD, DAY, "08:30", chair=CHAIR)
    meetings.add_cases(meeting_id, mrns)
    meetings.start(meeting_id)
    for name, *_ in MEMBERS:
        meetings.set_attendance(meeting_id, name, True)
    return meeting_id


def _cli_board(capsys: pytest.CaptureFixture[str], db_url: str, example_files: list[Path]) -> None:
    code, _, err = run(capsys, "import", *map(str, example_files), "--database", db_url)
    assert code == 0, err
    code, _, err = run(capsys, "boards", "create", BOARD, "--database", db_url)
    assert code == 0, err
    for name, discipline, role in MEMBERS:
        code, _, err = run(capsys, "meetings", "add-member", "--board", BOARD, "--name", name,
                           "--discipline", discipline.value, "--role", role.value, "--database", db_url)
        assert code == 0, err


# -- "meetings sign signed off a meeting that was still open, unattended, nine days ahead" -------
def test_an_open_unattended_future_meeting_is_not_signed_and_the_refusal_names_its_state(
        capsys: pytest.CaptureFixture[str], db_url: str, example_files: list[Path]) -> None:
    _cli_board(capsys, db_url, example_files)
    ahead = (date.today() + timedelta(days=9)).isoformat()
    code, out, err = run(capsys, "meetings", "create", "--board", BOARD, "--date", ahead, "--chair", CHAIR,
                         "--database", db_url)
    assert code == 0, err
    future = out.strip()
    code, out, err = run(capsys, "meetings", "sign", future, "--chair", CHAIR, "--database", db_url)
    assert code == 2 and out == ""
    assert "the meeting is planned: signing off is refused (start the meeting first)" in err
    assert "Allowed while planned: changing the plan" in err
    code, _, err = run(capsys, "meetings", "start", future, "--database", db_url)
    assert code == 2 and f"the meeting is on {ahead}: starting the meeting is refused before that day" in err

    # A meeting on its day, started, with nobody marked present (the chair included).
    code, out, err = run(capsys, "meetings", "create", "--board", BOARD, "--date", DAY.isoformat(), "--chair",
                         CHAIR, "--database", db_url)
    assert code == 0, err
    today = out.strip()
    code, _, err = run(capsys, "meetings", "add-case", today, MRN, "--database", db_url)
    assert code == 0, err
    code, _, err = run(capsys, "meetings", "start", today, "--database", db_url)
    assert code == 0, err
    code, _, err = run(capsys, "meetings", "sign", today, "--chair", CHAIR, "--database", db_url)
    assert code == 2 and "the meeting is in progress: signing off is refused" in err
    assert "closing the meeting" in err  # what is allowed from there
    code, _, err = run(capsys, "meetings", "close", today, "--database", db_url)
    assert code == 2 and f"chair: {CHAIR} is not marked present" in err
    code, out, _ = run(capsys, "meetings", "list", "--database", db_url)
    states = {line.split("\t")[0]: line.split("\t")[-1] for line in out.splitlines()}
    assert states == {future: "planned", today: "in_progress"}  # nothing signed, nothing closed


# -- "decisions and sign-off were accepted two days before the meeting's date" ------------------
def test_the_meeting_and_its_decisions_and_sign_off_wait_for_the_meetings_date(
        db: Database, meetings: MeetingService) -> None:
    early = MeetingService(db, actor="coordinator", today=lambda: DAY - timedelta(days=2), render=fake_render)
    meeting_id = meetings.create_meeting(BOARD, DAY, "08:30", chair=CHAIR)
    meetings.add_cases(meeting_id, [MRN])
    before_day = r"the meeting is on 2025-06-10: {} is refused before that day \(today is 2025-06-08\)"
    with pytest.raises(MeetingError, match=before_day.format("starting the meeting")):
        early.start(meeting_id)
    meetings.start(meeting_id)
    with pytest.raises(MeetingError, match=before_day.format("marking attendance")):
        early.set_attendance(meeting_id, CHAIR, True)
    for name, *_ in MEMBERS:
        meetings.set_attendance(meeting_id, name, True)
    version = meetings.get(meeting_id).version
    with pytest.raises(MeetingError, match=before_day.format("recording a decision")):
        early.record_decision(meeting_id, MRN, _decision())
    assert meetings.get(meeting_id).agenda[0].decision is None
    meetings.record_decision(meeting_id, MRN, _decision())
    with pytest.raises(MeetingError, match=before_day.format("closing the meeting")):
        early.close(meeting_id)
    meetings.close(meeting_id)
    with pytest.raises(MeetingError, match=before_day.format("signing off")):
        early.sign_off(meeting_id, CHAIR)
    closed = meetings.get(meeting_id)
    assert closed.state == "closed" and closed.signed_at is None and closed.version > version
    meetings.sign_off(meeting_id, CHAIR)
    assert meetings.get(meeting_id).state == "signed"


# -- "a chair signed in as one person records a quorum override in another chair's name" --------
def test_a_quorum_override_is_recorded_only_in_the_signed_in_chairs_own_name(
        db: Database, board: BoardService) -> None:
    accounts = AccountService(db)
    admin = accounts.create_first_admin("admin", "Department administrator", PASSWORD)
    coordinator = accounts.create_user(admin, "coord", "Ms Coord", Discipline.COORDINATION, Role.COORDINATOR,
                                       PASSWORD)
    carla = accounts.create_user(admin, "carla", CHAIR, Discipline.BREAST_SURGERY, Role.CHAIR, PASSWORD)
    other = accounts.create_user(admin, "other", "Dr Other Chair", Discipline.BREAST_SURGERY, Role.CHAIR,
                                 PASSWORD)
    planner = MeetingService(db, user=coordinator, today=lambda: DAY)
    meeting_id = planner.create_meeting(BOARD, DAY, chair=CHAIR)
    planner.add_cases(meeting_id, [MRN])
    planner.start(meeting_id)
    planner.set_attendance(meeting_id, CHAIR, True)  # quorum not met: only the chair is here

    as_other = MeetingService(db, user=other, today=lambda: DAY)
    with pytest.raises(MeetingError, match="you are signed in as Dr Other Chair; an override is recorded in "
                                           "your own name only"):
        as_other.record_quorum_override(meeting_id, CHAIR, "urgent: cord compression risk")
    with pytest.raises(MeetingError, match=rf"only the meeting's chair \({CHAIR}\) can override the quorum"):
        as_other.record_quorum_override(meeting_id, "Dr Other Chair", "urgent: cord compression risk")
    assert planner.get(meeting_id).quorum_override_by is None
    with pytest.raises(MeetingError, match="quorum not met"):
        planner.record_decision(meeting_id, MRN, _decision())

    MeetingService(db, user=carla, today=lambda: DAY).record_quorum_override(
        meeting_id, CHAIR, "urgent: cord compression risk")
    meeting = planner.get(meeting_id)
    assert (meeting.quorum_override_by, meeting.quorum_override_reason) == (
        CHAIR, "urgent: cord compression risk")
    with db.reading() as uow:
        audit = [(h.actor, h.field, h.new) for h in uow.audit_log.history("meeting", str(meeting_id))
                 if h.action == "quorum-override"]
    assert ("carla", "quorum_override_by", CHAIR) in audit


# -- "deciding the same case again replaces the earlier decision without a word" ---------------
def test_a_second_decision_needs_replace_and_a_reason_and_the_replaced_one_is_kept_and_audited(
        db: Database, meetings: MeetingService) -> None:
    meeting_id = _meeting_in_progress(meetings, [MRN])
    first = meetings.record_decision(meeting_id, MRN, _decision("Start letrozole"))
    with pytest.raises(MeetingError, match="decision: a decision is already recorded for this case at this "
                                           "meeting; to replace it, choose to replace and give the reason"):
        meetings.record_decision(meeting_id, MRN, _decision("Start anastrozole"))
    with pytest.raises(MeetingError, match="replace reason: replacing a recorded decision needs the reason"):
        meetings.record_decision(meeting_id, MRN, _decision("Start anastrozole"), replace=True, reason="  ")
    decision = meetings.get(meeting_id).agenda[0].decision
    assert decision is not None and decision.text == "Start letrozole" and decision.version == 1

    replaced_id = meetings.record_decision(meeting_id, MRN, _decision("Start anastrozole"), replace=True,
                                           reason="Letrozole intolerance reported by the GP")
    assert replaced_id == first
    decision = meetings.get(meeting_id).agenda[0].decision
    assert decision is not None and decision.text == "Start anastrozole" and decision.version == 2
    [kept] = meetings.replaced_decisions(meeting_id)
    assert (kept.decision_id, kept.mrn, kept.version, kept.reason, kept.replaced_by) == (
        first, MRN, 1, "Letrozole intolerance reported by the GP", "coordinator")
    assert kept.content["text"] == "Start letrozole" and kept.content["category"] == "systemic_therapy"
    with db.reading() as uow:
        audit = [(h.action, h.field, h.old, h.new) for h in uow.audit_log.history("decision", str(first))]
    assert ("replace-decision", "reason", None, "Letrozole intolerance reported by the GP") in audit
    assert ("replace-decision", "text", "Start letrozole", "Start anastrozole") in audit
    # The kept decision is append-only in the database too.
    for statement in ("UPDATE replaced_decisions SET reason = 'tampered'", "DELETE FROM replaced_decisions"):
        with pytest.raises(SignedRecord, match="a replaced decision is kept as it was"), db.session() as s:
            s.execute(text(statement))
            s.commit()
    assert meetings.replaced_decisions(meeting_id) == [kept]


def test_the_command_line_replaces_a_decision_only_with_replace_and_reason(
        capsys: pytest.CaptureFixture[str], db_url: str, example_files: list[Path]) -> None:
    _cli_board(capsys, db_url, example_files)
    code, out, err = run(capsys, "meetings", "create", "--board", BOARD, "--date", DAY.isoformat(),
                         "--chair", CHAIR, "--database", db_url)
    assert code == 0, err
    meeting_id = out.strip()
    for args in (("add-case", meeting_id, MRN), ("start", meeting_id),
                 ("attend", meeting_id, *(m[0] for m in MEMBERS))):
        code, _, err = run(capsys, "meetings", *args, "--database", db_url)
        assert code == 0, err
    decide = ("meetings", "decide", meeting_id, MRN, "--category", "systemic_therapy", "--concordant")
    code, _, err = run(capsys, *decide, "--text", "Start letrozole", "--database", db_url)
    assert code == 0, err
    code, _, err = run(capsys, *decide, "--text", "Start anastrozole", "--database", db_url)
    assert code == 2 and "a decision is already recorded for this case" in err
    code, _, err = run(capsys, *decide, "--text", "Start anastrozole", "--replace", "--database", db_url)
    assert code == 2 and "replacing a recorded decision needs the reason" in err
    code, _, err = run(capsys, *decide, "--text", "Start anastrozole", "--replace", "--reason", "Intolerance",
                       "--database", db_url)
    assert code == 0, err
    db = Database.open(db_url)
    try:
        service = MeetingService(db)
        decision = service.get(int(meeting_id)).agenda[0].decision
        assert decision is not None and decision.text == "Start anastrozole"
        assert [(r.content["text"], r.reason) for r in service.replaced_decisions(int(meeting_id))] == [
            ("Start letrozole", "Intolerance")]
    finally:
        db.close()


# -- "a typo in a board name silently creates a new board; one slot planned three times" --------
def test_a_typo_in_the_board_name_is_refused_with_the_closest_name(
        capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    code, _, err = run(capsys, "meetings", "create", "--board", BOARD, "--date", DAY.isoformat(),
                       "--database", db_url)
    assert code == 2 and "there is no board yet: create one first (`tumorboard boards create NAME`)" in err
    code, _, err = run(capsys, "boards", "create", BOARD, "--database", db_url)
    assert code == 0, err
    code, out, err = run(capsys, "meetings", "create", "--board", "Breast MTD", "--date", DAY.isoformat(),
                         "--database", db_url)
    assert code == 2 and out == ""
    assert err == "error: board: no board named 'Breast MTD'; did you mean 'Breast MDT'?\n"
    code, out, _ = run(capsys, "boards", "list", "--database", db_url)
    assert code == 0 and [line.split("\t")[1] for line in out.splitlines()] == [BOARD]  # no new board
    code, out, _ = run(capsys, "meetings", "list", "--database", db_url)
    assert code == 0 and out == ""
    code, out, err = run(capsys, "meetings", "create", "--board", "breast mdt", "--date", DAY.isoformat(),
                         "--database", db_url)
    assert code == 0 and out.strip().isdigit(), err  # the board's name in any letter case


def test_a_second_meeting_of_a_board_at_the_same_date_and_time_is_refused(
        db: Database, meetings: MeetingService, capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    first = meetings.create_meeting(BOARD, DAY, "08:30")
    with pytest.raises(MeetingError, match="date: Breast MDT already has a meeting on 2025-06-10 at 08:30"):
        meetings.create_meeting(BOARD, DAY, "08:30")
    code, _, err = run(capsys, "meetings", "create", "--board", BOARD, "--date", DAY.isoformat(), "--time",
                       "08:30", "--database", db_url)
    assert code == 2 and "already has a meeting on 2025-06-10 at 08:30" in err
    untimed = meetings.create_meeting(BOARD, DAY)  # another time (none) is another meeting
    with pytest.raises(MeetingError, match="already has a meeting on 2025-06-10; open that one"):
        meetings.create_meeting(BOARD, DAY)
    with pytest.raises(MeetingError, match="time: Breast MDT already has a meeting on 2025-06-10 at 08:30"):
        meetings.update_details(untimed, start="08:30", place=None, video_link=None, chair=None)
    # Below the service: the database refuses the slot to any program.
    with db.session() as s:
        board_id = s.execute(text("SELECT board_id FROM meetings WHERE id = :id"), {"id": first}).scalar_one()
    for start in ("'08:30'", "NULL"):
        with pytest.raises(RecordExists, match="this board already has a meeting at that date and time"), \
                db.session() as s:
            s.execute(text("INSERT INTO meetings (board_id, day, start_time, version, created_at, updated_at, "
                           f"updated_by) VALUES (:board, :day, {start}, 1, :now, :now, 'raw')"),
                      {"board": board_id, "day": DAY, "now": datetime.now().astimezone()})
            s.commit()
    assert [m.id for m in meetings.listing()] == [untimed, first]


# -- "import --update silently dropped an MDT discussion date that a meeting had recorded" ------
def test_import_update_keeps_the_meetings_discussion_date_and_removes_nothing_without_replace(
        capsys: pytest.CaptureFixture[str], db_url: str, db: Database, meetings: MeetingService,
        example_files: list[Path], tmp_path: Path) -> None:
    meeting_id = _meeting_in_progress(meetings, [MRN])
    meetings.record_decision(meeting_id, MRN, _decision())
    cases = CaseService(db, today=lambda: DAY)
    assert DAY in cases.get(MRN).case.mdt_discussions
    original = next(f for f in example_files if json.loads(f.read_text())["patient"]["mrn"] == MRN)
    assert DAY.isoformat() not in json.loads(original.read_text())["mdt_discussions"]  # the file lacks it

    code, out, err = run(capsys, "import", str(original), "--update", "--database", db_url)
    assert code == 0 and f"updated: {MRN}" in out, err
    assert DAY in cases.get(MRN).case.mdt_discussions  # the meeting's date is kept

    doc = json.loads(original.read_text())
    dropped = doc["metastatic"]["lesions"].pop(0)
    fewer = tmp_path / "fewer-lesions.json"
    fewer.write_text(json.dumps(doc))
    version = cases.get(MRN).version
    code, out, err = run(capsys, "import", str(fewer), "--update", "--database", db_url)
    assert code == 2 and out == ""
    # The lesion taken out is the one named (records are matched by content, not position).
    assert err.startswith(f"error: {fewer}: /metastatic/lesions/0: the update would remove ")
    assert dropped["site"] in err and "import with --replace to remove it" in err
    assert doc["metastatic"]["lesions"][0]["site"] not in err
    assert cases.get(MRN).version == version and len(cases.get(MRN).case.metastatic.lesions) == 2

    code, out, err = run(capsys, "import", str(fewer), "--update", "--replace", "--database", db_url)
    assert code == 0 and f"updated: {MRN}" in out, err
    stored = cases.get(MRN).case
    assert [lesion.site for lesion in stored.metastatic.lesions] == [doc["metastatic"]["lesions"][0]["site"]]
    assert DAY in stored.mdt_discussions  # kept even with --replace: the meeting recorded it


# -- "the case export holds no MDT decisions; audit values are JSON inside a string" ------------
def test_the_export_holds_decisions_actions_replacements_amendments_and_typed_audit_values(
        capsys: pytest.CaptureFixture[str], db_url: str, db: Database, meetings: MeetingService,
        example_files: list[Path], tmp_path: Path) -> None:
    action = DecisionAction("Book CT thorax/abdomen/pelvis", "Dr Okafor", DAY + timedelta(days=80))
    meeting_id = _meeting_in_progress(meetings, [MRN])
    meetings.record_decision(meeting_id, MRN, _decision("Start letrozole", (action,)))
    meetings.record_decision(meeting_id, MRN, _decision("Start anastrozole", (action,)), replace=True,
                             reason="Letrozole intolerance")
    meetings.close(meeting_id)
    meetings.sign_off(meeting_id, CHAIR)
    meetings.amend(meeting_id, MRN, "text", "Start anastrozole 1 mg daily", "Dose added")
    original = next(f for f in example_files if json.loads(f.read_text())["patient"]["mrn"] == MRN)
    doc = json.loads(original.read_text())
    doc["tumour"]["er_percent"] = 0  # a number, changed
    changed = tmp_path / "er.json"
    changed.write_text(json.dumps(doc))
    code, _, err = run(capsys, "import", str(changed), "--update", "--database", db_url)
    assert code == 0, err

    code, out, err = run(capsys, "export", MRN, "--database", db_url)
    assert code == 0, err
    exported = json.loads(out)
    assert exported["format"] == "tumorboard.case-export/1" and exported["case"]["patient"]["mrn"] == MRN
    assert "history" not in exported
    [mdt] = exported["mdt"]
    assert mdt["meeting"] == {"id": meeting_id, "board": BOARD, "date": DAY.isoformat(), "state": "signed"}
    assert (mdt["category"], mdt["decision"], mdt["concordant"]) == ("systemic_therapy", "Start anastrozole",
                                                                     True)
    assert mdt["actions"] == [{"description": "Book CT thorax/abdomen/pelvis", "owner": "Dr Okafor",
                               "due": (DAY + timedelta(days=80)).isoformat()}]
    assert "replaced" not in mdt and "amendments" not in mdt

    code, out, err = run(capsys, "export", MRN, "--with-history", "--database", db_url)
    assert code == 0, err
    exported = json.loads(out)
    [mdt] = exported["mdt"]
    [replaced] = mdt["replaced"]
    assert (replaced["version"], replaced["reason"], replaced["decision"]["text"]) == (
        1, "Letrozole intolerance", "Start letrozole")
    assert [(a["field"], a["old"], a["new"], a["reason"]) for a in mdt["amendments"]] == [
        ("text", "Start anastrozole", "Start anastrozole 1 mg daily", "Dose added")]
    history = exported["history"]
    for stamp in [h["at"] for h in history] + [replaced["replaced_at"], mdt["recorded_at"]]:
        assert datetime.fromisoformat(stamp).utcoffset() is not None, stamp
    assert {"field": "/tumour/er_percent", "old": 95, "new": 0} in [
        {k: h[k] for k in ("field", "old", "new")} for h in history]  # numbers stay numbers
    created = next(h for h in history if h["action"] == "import")
    assert isinstance(created["new"], dict) and created["new"]["patient"]["mrn"] == MRN  # a document
    assert DAY.isoformat() in next(h["new"] for h in history if h["field"] == "/mdt_discussions")
    with db.session() as s:
        raw = s.execute(text("SELECT old_value, new_value, encoding FROM audit_log "
                             "WHERE field = '/tumour/er_percent'")).one()
    assert tuple(raw) == ("95", "0", "json")
    # The export still imports as the case.
    other = tmp_path / "export.json"
    other.write_text(out)
    fresh = Database.open(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        [outcome] = CaseService(fresh).import_documents([(other.name, other.read_bytes())])
        assert outcome.action == "created"
        assert CaseService(fresh).get(MRN).case == CaseService(db).get(MRN).case
    finally:
        fresh.close()
