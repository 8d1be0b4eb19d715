"""``tumorboard meetings`` and ``tumorboard minutes`` end to end, with the real PDF renderer."""

from __future__ import annotations

import hashlib
import io
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from tumorboard.cli import main

MEMBERS = [("Dr Sánchez", "breast_surgery", "chair"), ("Dr Okafor", "medical_oncology", "member"),
           ("Dr Lindqvist", "radiation_oncology", "member"), ("Dr Novák", "radiology", "member"),
           ("Dr Haddad", "pathology", "member")]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.fixture
def started(capsys: pytest.CaptureFixture[str], tmp_path: Path, example_files: list[Path]) -> tuple[str, str]:
    """A meeting in progress with the five examples on its agenda and quorum present; (database,
    meeting id)."""
    db = str(tmp_path / "mdt.sqlite3")
    code, _, err = run(capsys, "import", *map(str, example_files), "--database", db)
    assert code == 0, err
    code, out, err = run(capsys, "boards", "create", "Breast MDT", "--database", db)
    assert code == 0 and out.startswith("Breast MDT (breast); quorum: "), err
    for name, discipline, role in MEMBERS:
        code, _, err = run(capsys, "meetings", "add-member", "--board", "Breast MDT", "--name", name,
                           "--discipline", discipline, "--role", role, "--database", db)
        assert code == 0, err
    code, out, err = run(capsys, "meetings", "create", "--board", "Breast MDT", "--date", "2025-06-10",
                         "--time", "08:30", "--chair", "Dr Sánchez", "--place", "Room 4", "--database", db)
    assert code == 0, err
    meeting_id = out.strip()
    assert meeting_id.isdigit() and out == f"{meeting_id}\n"  # the id alone, for scripts
    mrns = ["SYN-V01", "SYN-V05", "SYN-V06", "SYN-V13", "SYN-V22"]
    code, out, err = run(capsys, "meetings", "add-case", meeting_id, *mrns, "--question", "Local treatment?",
                         "--database", db)
    assert code == 0, err
    code, out, err = run(capsys, "meetings", "start", meeting_id, "--database", db)
    assert code == 0, err
    code, out, err = run(capsys, "meetings", "attend", meeting_id, *(m[0] for m in MEMBERS), "--database", db)
    assert code == 0 and "Quorum met" in out, err
    return db, meeting_id


def test_a_meeting_from_plan_to_signed_minutes(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               started: tuple[str, str]) -> None:
    db, meeting_id = started
    code, _, err = run(capsys, "meetings", "decide", meeting_id, "SYN-V01", "--category", "primary_tumour_surgery",
                       "--text", "Offer locoregional surgery after counselling", "--deviation", "patient_preference",
                       "--action", "Surgical consultation|Dr Sánchez|2025-06-24", "--preferences",
                       "Wishes surgery", "--database", db)
    assert code == 0, err
    code, _, err = run(capsys, "meetings", "decide", meeting_id, "SYN-V05", "--category", "systemic_therapy",
                       "--text", "Continue letrozole + ribociclib; start denosumab", "--concordant",
                       "--database", db)
    assert code == 0, err
    code, _, err = run(capsys, "meetings", "triage", meeting_id, "SYN-V06", "--responsible", "Dr Okafor",
                       "--database", db)
    assert code == 0, err
    code, out, err = run(capsys, "meetings", "close", meeting_id, "--database", db)
    assert code == 0 and out.startswith("undiscussed cases carried over to meeting "), err
    code, out, err = run(capsys, "meetings", "sign", meeting_id, "--chair", "Dr Okafor", "--database", db)
    assert code == 2 and "only the meeting's chair (Dr Sánchez)" in err
    code, out, err = run(capsys, "meetings", "sign", meeting_id, "--chair", "Dr Sánchez", "--database", db)
    assert code == 0, err
    digest = out.strip()
    assert len(digest) == 64

    original = tmp_path / "signed.pdf"
    code, _, err = run(capsys, "minutes", meeting_id, "--signed-original", "-o", str(original), "--database", db)
    assert code == 0, err
    assert hashlib.sha256(original.read_bytes()).hexdigest() == digest
    assert stat.S_IMODE(original.stat().st_mode) == 0o600

    copy = tmp_path / "copy.pdf"
    code, _, err = run(capsys, "minutes", meeting_id, "-o", str(copy), "--database", db)
    assert code == 0, err
    text = pdf_text(copy)
    flat = " ".join(text.split())
    assert digest in flat.replace(" ", "") or digest[:32] in flat.replace(" ", "")
    for expected in ("Breast MDT", "Synthetic V01", "SYN-V01", "Offer locoregional surgery", "Patient preference",
                     "Surgical consultation", "Dr Sánchez", "Quorum", "Listed, not discussed",
                     "Carried over", "does not replace"):
        assert expected.lower() in flat.lower(), expected
    assert "Page 1 of" in flat

    code, _, err = run(capsys, "meetings", "decide", meeting_id, "SYN-V13", "--category", "other", "--text", "x",
                       "--concordant", "--database", db)
    assert code == 2 and "signed off" in err

    code, _, err = run(capsys, "meetings", "amend", meeting_id, "--mrn", "SYN-V05", "--field", "text", "--value",
                       "Continue letrozole + ribociclib; start zoledronic acid", "--reason",
                       "Agent transcribed wrongly", "--database", db)
    assert code == 0, err
    amended = tmp_path / "amended.pdf"
    code, _, err = run(capsys, "minutes", meeting_id, "-o", str(amended), "--database", db)
    assert code == 0, err
    flat = " ".join(pdf_text(amended).split())
    assert "start denosumab" in flat and "start zoledronic acid" in flat and "Agent transcribed wrongly" in flat


def test_pseudonymised_minutes_name_no_patient(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               started: tuple[str, str], example_files: list[Path]) -> None:
    db, meeting_id = started
    out_pdf = tmp_path / "pseudo.pdf"
    code, _, err = run(capsys, "minutes", meeting_id, "--pseudonymise", "-o", str(out_pdf), "--database", db)
    assert code == 0, err
    flat = " ".join(pdf_text(out_pdf).split())
    assert "Case 1" in flat and "Case 5" in flat
    import json

    for f in example_files:
        patient = json.loads(f.read_text())["patient"]
        for identifier in (patient["mrn"], patient.get("name"), patient["birth_date"]):
            if identifier:
                assert identifier not in flat, identifier


@pytest.mark.parametrize(("args", "message"), [
    (["meetings", "create", "--board", "Breast MDT", "--date", "2025-02-30"], "--date: '2025-02-30'"),
    (["meetings", "create", "--board", "Breast MDT", "--date", "2025-06-10", "--time", "8h30"], "time: '8h30'"),
    (["meetings", "add-case", "1", "NO-SUCH-MRN"], "no case with record number NO-SUCH-MRN"),
    (["meetings", "add-case", "x", "SYN-V01"], "MEETING_ID: 'x'"),
    (["meetings", "add-case", "99", "SYN-V01"], "no meeting with id 99"),
    (["meetings", "decide", "1", "SYN-V01", "--category", "other", "--text", "x", "--deviation",
      "clinician_judgement"], "reasoning written out"),
    (["meetings", "decide", "1", "SYN-V01", "--category", "other", "--text", "x", "--concordant",
      "--action", "no owner"], "--action: 'no owner'"),
    (["meetings", "sign", "1", "--chair", "Dr Sánchez"], "the meeting is in progress: signing off is refused"),
    (["minutes", "1", "-o", "x.pdf", "--pseudonymise", "--signed-original"], "--signed-original"),
])
def test_refusals_name_the_field_and_exit_2(capsys: pytest.CaptureFixture[str], started: tuple[str, str],
                                            args: list[str], message: str) -> None:
    db, _ = started
    code, out, err = run(capsys, *args, "--database", db)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_a_member_is_taken_off_the_board_list(capsys: pytest.CaptureFixture[str], started: tuple[str, str]) -> None:
    db, meeting_id = started
    code, _, err = run(capsys, "meetings", "remove-member", "--board", "Breast MDT", "--name", "Dr Novák",
                       "--database", db)
    assert code == 0, err
    code, _, err = run(capsys, "meetings", "remove-member", "--board", "Breast MDT", "--name", "Dr Novák",
                       "--database", db)
    assert code == 2 and err == "error: name: Dr Novák is not a member of this board\n"
    code, out, _ = run(capsys, "meetings", "show", meeting_id, "--database", db)
    assert code == 0 and "Dr Novák" in out  # the meeting already planned keeps its attendance list
