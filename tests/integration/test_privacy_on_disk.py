"""Privacy on disk: every file the app writes is owner-only, and its log holds no patient data.

One command-line session from start to finish (demo database, the shared examples imported,
exports, a recommendation, backups, a restore) with the log at DEBUG, then two checks: the mode
of every file written, and the log searched for every name, record number and birth date the
session handled.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tumorboard import logs
from tumorboard.cli import main
from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture
def debug_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(logs.LEVEL_ENV, "DEBUG")
    root = logging.getLogger()
    old_root_level = root.level
    root.setLevel(logging.DEBUG)  # the worst case: every library asked for everything
    path = logs.configure(directory=tmp_path / "logs")
    assert path is not None
    yield path
    logs.reset()
    root.setLevel(old_root_level)
    logging.getLogger("tumorboard").setLevel(logging.NOTSET)


def ok(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, (args, err)
    return out


def patient_identifiers(database: Path, documents: list[Path]) -> set[str]:
    found: set[str] = set()
    con = sqlite3.connect(database)
    try:
        for mrn, name, birth in con.execute("SELECT mrn, name, birth_date FROM patients"):
            found.update({str(mrn), str(birth)[:10]} | ({str(name)} if name else set()))
    finally:
        con.close()
    for doc in (json.loads(p.read_text()) for p in documents):
        patient = doc["patient"]
        found.update({patient["mrn"], patient["birth_date"]} | ({patient["name"]} if patient.get("name") else set()))
    return found


def test_a_whole_session_writes_private_files_and_logs_no_patient_data(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, example_files: list[Path],
        debug_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in_as_demo_chair(monkeypatch)
    work = tmp_path / "session"
    work.mkdir()
    database = work / "board.sqlite3"
    ok(capsys, "demo", "--database", str(database))
    ok(capsys, "import", *map(str, example_files), "--database", str(database))  # first open of the day
    exported = [work / "exported-1.json", work / "exported-2.json"]
    ok(capsys, "export", "SYN-V01", "-o", str(exported[0]), "--database", str(database))
    ok(capsys, "export", "DEMO-0001", "-o", str(exported[1]), "--database", str(database))
    exported[1].chmod(0o644)  # a second export over a file someone widened
    ok(capsys, "export", "DEMO-0001", "-o", str(exported[1]), "--database", str(database))
    ok(capsys, "recommend", str(exported[0]), "--as-of", "2025-06-10")
    backup = work / "board-backup.sqlite3"
    ok(capsys, "db", "backup", str(backup), "--database", str(database), "--user", "demo-admin")
    ok(capsys, "db", "restore", str(backup), "--database", str(database), "--user", "demo-admin")
    ok(capsys, "db", "upgrade", "--database", str(database))

    written = [p for p in work.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {"board.sqlite3", "exported-1.json", "exported-2.json",
                                        "board-backup.sqlite3"}
    assert any(p.parent.name == "backups" for p in written), "no daily backup was taken"
    assert any(".replaced-" in p.name for p in written), "the restore kept nothing aside"
    for path in [*written, debug_log]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((work / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE(debug_log.parent.stat().st_mode) == 0o700

    text = debug_log.read_text(encoding="utf-8")
    for expected in ("import: 5 file(s), 5 stored", "export: one case written to a file",
                     "recommend: 1 document(s)", "daily backup written", "restored"):
        assert expected in text, f"{expected!r} not in the log:\n{text}"
    identifiers = patient_identifiers(database, example_files)
    assert len(identifiers) > 60  # 35 patients: record numbers, names, birth dates
    leaked = sorted(i for i in identifiers if i in text)
    assert leaked == [], f"patient data in the log: {leaked}"


def test_sqlalchemy_is_held_quiet_even_when_asked_for_debug(debug_log: Path) -> None:
    assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() == logging.WARNING
    logging.getLogger("alembic.runtime").info("an INFO record of another library")
    logging.getLogger("tumorboard.test").debug("own debug record")
    text = debug_log.read_text(encoding="utf-8")
    assert "own debug record" in text and "another library" not in text


def test_log_level_off_writes_no_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(logs.LEVEL_ENV, "OFF")
    try:
        assert logs.configure(directory=tmp_path / "logs") is None
    finally:
        logs.reset()
    assert not (tmp_path / "logs").exists()


def sign_in_as_demo_chair(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo database has accounts: writing commands sign in its demo chair."""
    monkeypatch.setenv("TUMORBOARD_USER", DEMO_USERNAME)
    monkeypatch.setenv("TUMORBOARD_PASSWORD", DEMO_PASSWORD)
