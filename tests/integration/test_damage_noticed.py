"""Damage is noticed and nothing is silently replaced (issue 14, item 3).

- An empty (0-byte) file or an SQLite file that is not a tumorboard database is refused and left
  as it is; a new database is made only where no file exists, and moved into place whole.
- A flipped bit inside a case's or a decision's text is caught when the row is read (row
  checksums, store/checksums.py): a clear DamagedRecord, never the altered text.
- An index that no longer matches its table, which SQLite's quick_check does not look for, is
  found by the full check (integrity_check) that the app runs daily and `db check` runs.
- Backups are checked after writing; the rotation keeps daily, weekly and monthly generations
  and never lets copies of an emptied database push out the last backup that held data.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from prepared_databases import DEMO, PreparedDatabases

sys.path.insert(0, str(Path(__file__).resolve().parent))
from damage import CASES, flip_bit, mrn, settle, small_database

from tumorboard.cli import main
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.integrity import daily_check, full_check
from tumorboard.store import (
    DamagedRecord,
    Database,
    DatabaseDamaged,
    DatabaseMissing,
    NotATumorboardDatabase,
    StoreError,
)
from tumorboard.store.backup import (
    backup_sqlite,
    backups_folder,
    backups_to_keep,
    daily_backup,
    daily_backup_path,
    daily_backups,
    holds_cases,
)
from tumorboard.store.schema import sqlite_integrity_problem

DAY = date(2025, 1, 6)  # a Monday


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return small_database(tmp_path / "ward.sqlite3")


# -- an empty or foreign file is refused, never re-created ----------------------------------------

def test_a_zero_byte_database_file_is_refused_and_left_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "tb.sqlite3"
    path.write_bytes(b"")
    for kwargs in ({}, {"check_integrity": False}, {"read_only": True}):
        with pytest.raises(NotATumorboardDatabase) as refused:
            Database.open(str(path), **kwargs)  # type: ignore[arg-type]
        assert "empty (0 bytes)" in str(refused.value) and "tumorboard db restore" in str(refused.value)
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tb.sqlite3"]  # no backup, no log, no -wal


def test_the_command_line_refuses_a_zero_byte_file_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tb.sqlite3"
    path.write_bytes(b"")
    assert main(["db", "upgrade", "--database", str(path)]) == 2
    assert "empty (0 bytes)" in capsys.readouterr().err
    assert path.stat().st_size == 0


def test_an_sqlite_file_without_tables_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tb.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 1")  # a valid SQLite file with no table at all
    con.close()
    before = path.read_bytes()
    with pytest.raises(NotATumorboardDatabase, match="without any tables"):
        Database.open(str(path))
    assert path.read_bytes() == before


def test_a_new_database_appears_whole_and_never_over_a_file(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "new.sqlite3"
    db = Database.open(str(path))
    db.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.sqlite3"]  # no temporary file left
    assert sqlite_integrity_problem(path, full=True) is None

    # A failure while building it leaves nothing at the path (a later open then builds it again).
    from tumorboard.store import schema

    def fail(*_args: object) -> None:
        raise StoreError("simulated failure while creating")

    monkeypatch.setattr(schema, "upgrade", fail)
    other = tmp_path / "other.sqlite3"
    with pytest.raises(StoreError, match="simulated"):
        Database.open(str(other))
    assert not [p.name for p in tmp_path.iterdir() if "other" in p.name]


def test_reading_commands_still_say_there_is_no_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseMissing):
        Database.open(str(tmp_path / "missing.sqlite3"), read_only=True)
    assert not (tmp_path / "missing.sqlite3").exists()


# -- a flipped bit in clinical text is caught when the row is read --------------------------------

def test_a_flipped_bit_in_a_therapy_is_caught_when_the_case_is_opened(small: Path) -> None:
    flip_bit(small, "therapies", b"letrozole + ribociclib")  # "letrozole" -> "metrozole"
    assert sqlite_integrity_problem(small, full=True) is None  # SQLite sees nothing wrong
    db = Database.open(str(small), check_integrity=False)
    try:
        service = CaseService(db)
        damaged = []
        for i in range(CASES):
            try:
                case = service.get(mrn(i)).case
            except DamagedRecord as exc:
                damaged.append(str(exc))
            else:
                assert all("metrozole" not in (t.regimen or "") for t in case.therapies)
        assert len(damaged) == 1
        assert "does not match its checksum: the file was damaged" in damaged[0]
        assert "therapy 1 of case DMG-" in damaged[0] and "restore a backup" in damaged[0]
    finally:
        db.close()


def test_a_flipped_bit_in_a_case_row_or_a_name_is_caught_on_the_worklist(small: Path, tmp_path: Path) -> None:
    for table, needle, what in (("cases", b"invasive ductal", "case DMG-"),
                                ("patients", b"Patient Number007", "patient of case DMG-007")):
        copy = flip_bit(small, table, needle, copy_to=tmp_path / f"{table}.sqlite3")
        db = Database.open(str(copy), check_integrity=False)
        try:
            with pytest.raises(DamagedRecord, match=what):
                CaseService(db).worklist(WorklistQuery(limit=500))
        finally:
            db.close()


def test_a_flipped_bit_in_a_decision_is_caught_when_the_meeting_is_read(
        tmp_path: Path, prepared: PreparedDatabases) -> None:
    from tumorboard.services.meetings import MeetingService

    path = prepared.copy(DEMO, tmp_path / "demo.sqlite3")
    db = Database.open(str(path))
    con = db.engine.raw_connection()
    try:
        text, meeting_id = con.execute(  # type: ignore[attr-defined]
            "SELECT text, meeting_id FROM decisions ORDER BY id LIMIT 1").fetchone()
    finally:
        con.close()
    db.close()
    settle(path)
    flip_bit(path, "decisions", text[:24].encode(), bit=1)
    db = Database.open(str(path), check_integrity=False)
    try:
        with pytest.raises(DamagedRecord, match=r"the stored decision \d+ does not match its checksum"):
            MeetingService(db).get(meeting_id)
        report = full_check(db)
        assert not report.ok and any("decisions row id" in p for p in report.problems)
    finally:
        db.close()


def test_rows_keep_matching_their_checksums_through_edits(db: Database) -> None:
    """Every way the store writes a case (import, update, workflow fields) and a decision
    (record, replace) leaves rows that read back clean (SQLite and PostgreSQL)."""
    from process_races import case_document, document_bytes

    from tumorboard.casedoc import case_from_document

    service = CaseService(db, actor="tester")
    service.import_documents([("a.json", document_bytes(case_document("CHK-1", "Check One")))])
    doc = case_document("CHK-1", "Check Two", ecog=1, er_percent=40, baseline_mm=30)
    doc["metastatic"]["lesions"].append({"organ": "liver", "site": "segment VII", "size_mm": 12})
    stored = service.get("CHK-1")
    service.save(case_from_document(doc), stored.version)
    service.schedule("CHK-1", next_meeting=DAY, staging_date=DAY)
    service.change_status("CHK-1", WorkflowStatus.STAGING)
    again = service.get("CHK-1")
    assert again.case.patient.name == "Check Two" and len(again.case.metastatic.lesions) == 3
    assert db.damaged_rows() == []


# -- an index corruption: quick_check misses it, the full check does not --------------------------

def test_an_index_corruption_is_missed_by_quick_check_and_found_by_the_daily_check(small: Path) -> None:
    flip_bit(small, "ix_cases_status", b"referred")
    assert sqlite_integrity_problem(small) is None  # quick_check: every page reads fine
    assert "missing from index" in (sqlite_integrity_problem(small, full=True) or "")
    db = Database.open(str(small), check_integrity=False)  # as the app opens it
    try:
        report = daily_check(db, today=DAY)
        assert report is not None and not report.ok
        assert "integrity check failed" in report.problems[0] and "ix_cases_status" in report.problems[0]
        assert db.last_full_check() is None  # a failed check is not remembered: it runs again
        assert daily_check(db, today=DAY) is not None
    finally:
        db.close()


def test_the_daily_check_runs_once_a_day_per_database(small: Path) -> None:
    db = Database.open(str(small))
    try:
        first = daily_check(db, today=DAY)
        assert first is not None and first.ok, first
        assert db.last_full_check() == DAY
        assert daily_check(db, today=DAY) is None  # already passed today
        assert daily_check(db, today=DAY + timedelta(days=1)) is not None
    finally:
        db.close()
    other = Database.open(str(small))  # another workstation: the pass is kept in the database
    try:
        assert daily_check(other, today=DAY + timedelta(days=1)) is None
    finally:
        other.close()


def test_damage_found_refuses_every_change(small: Path) -> None:
    db = Database.open(str(small))
    try:
        db.refuse_writes("the file is damaged (test)")
        service = CaseService(db, actor="tester")
        assert service.get(mrn(1)).case.patient.mrn == mrn(1)  # reading goes on
        with pytest.raises(DatabaseDamaged, match="nothing was saved: the file is damaged"):
            service.schedule(mrn(1), next_meeting=DAY, staging_date=None)
    finally:
        db.close()


def test_db_check_exits_5_on_damage_and_0_when_sound(small: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "check", "--database", str(small)]) == 0
    out = capsys.readouterr().out
    assert "no damage found" in out and "every page and index" in out
    index = flip_bit(small, "ix_cases_status", b"referred", copy_to=tmp_path / "index.sqlite3")
    assert main(["db", "check", "--database", str(index)]) == 5
    assert "integrity check failed" in capsys.readouterr().out
    text = flip_bit(small, "therapies", b"letrozole", copy_to=tmp_path / "text.sqlite3")
    assert main(["db", "check", "--database", str(text)]) == 5
    out = capsys.readouterr().out
    assert "therapies row id" in out and "restore a verified backup" in out


# -- backups: checked, and the rotation never loses the last good one -----------------------------

def test_a_backup_that_fails_its_check_is_not_kept(small: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from tumorboard.store import backup

    def failing(path: Path, key: str | None = None) -> str:
        raise StoreError(f"the backup {path} failed the integrity check (simulated)")

    good = daily_backup(small, today=DAY)
    assert good is not None
    monkeypatch.setattr(backup, "verify_backup", failing)
    with pytest.raises(StoreError, match="was not kept"):
        backup_sqlite(small, tmp_path / "copy.sqlite3")
    assert not (tmp_path / "copy.sqlite3").exists()
    assert not list(tmp_path.glob("*.part"))
    for offset in range(1, 30):  # a month of failing copies removes nothing
        assert daily_backup(small, keep=1, today=DAY + timedelta(days=offset)) is None
    assert [p for _, p in daily_backups(small)] == [good]


def test_fourteen_days_of_opens_of_an_emptied_file_keep_the_good_backup(small: Path) -> None:
    """The finding: the file was emptied (0 bytes) and re-created as an empty database, and two
    weeks of daily backups of it rotated the last one that held data away."""
    for offset in range(10):
        daily_backup(small, keep=7, today=DAY + timedelta(days=offset))
    good = daily_backup_path(small, DAY + timedelta(days=9))
    small.write_bytes(b"")  # emptied
    for _offset in range(10, 30):
        with pytest.raises(NotATumorboardDatabase):
            Database.open(str(small))  # refused: nothing re-created, no backup taken, none rotated
    assert small.stat().st_size == 0
    assert good.exists() and holds_cases(good)


@pytest.mark.slow  # some 20 s: weeks of daily backups, each one checked
def test_backups_of_a_database_emptied_of_cases_never_push_out_the_last_with_data(tmp_path: Path) -> None:
    path = small_database(tmp_path / "ward.sqlite3", cases=2)
    for offset in range(3):
        daily_backup(path, keep=7, today=DAY + timedelta(days=offset))
    last_good = daily_backup_path(path, DAY + timedelta(days=2))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    Database.open(str(path)).close()  # a new, empty tumorboard database where it was
    for offset in range(3, 400):  # more than a year of daily opens
        daily_backup(path, keep=7, today=DAY + timedelta(days=offset))
    assert last_good.exists() and holds_cases(last_good)


@pytest.mark.slow  # some 12 s: months of daily backups, each one checked
def test_rotation_keeps_daily_weekly_and_monthly_generations(small: Path) -> None:
    for offset in range(400):
        daily_backup(small, today=DAY + timedelta(days=offset))
    kept = [d for d, _ in daily_backups(small)]
    newest = DAY + timedelta(days=399)
    assert kept[:7] == [newest - timedelta(days=d) for d in range(7)]  # seven daily
    weeks = {d.isocalendar()[:2] for d in kept}
    months = {(d.year, d.month) for d in kept}
    assert len(weeks) >= 4 and len(months) == 12  # four weekly, twelve monthly
    assert len(kept) <= 7 + 4 + 12
    assert kept[0] == newest  # the newest that passed its check is always kept
    assert backups_to_keep(daily_backups(small), 0) == set()


def test_every_backup_left_passed_its_check(small: Path) -> None:
    from tumorboard.store.backup import verify_backup
    from tumorboard.store.schema import head_revision

    for offset in range(3):
        daily_backup(small, today=DAY + timedelta(days=offset))
    for _, path in daily_backups(small):
        assert verify_backup(path) == head_revision()
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert not list(backups_folder(small).glob("*.part"))


def test_keep_zero_still_takes_no_backup(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUMORBOARD_BACKUP_KEEP", "0")
    assert daily_backup(small, today=DAY) is None
    assert not backups_folder(small).exists()
    assert os.environ["TUMORBOARD_BACKUP_KEEP"] == "0"
