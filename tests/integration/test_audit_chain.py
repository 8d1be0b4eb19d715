"""Tamper evidence: the audit trail's hash chain and ``db verify`` catch what the triggers alone
did not (a trigger dropped, then a decision changed, a signed PDF and its hash replaced, audit rows
deleted or inserted), on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from pg_roles import owner_connection
from sqlalchemy import text

from tumorboard.cli import main
from tumorboard.domain.meeting import BoardRole, DecisionCategory, Discipline
from tumorboard.domain.minutes import Minutes
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.integrity import quick_check, verify_record
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.store import Database

DAY = date(2025, 6, 10)
MEMBERS = [("Dr Chair", Discipline.BREAST_SURGERY, BoardRole.CHAIR),
           ("Dr Onc", Discipline.MEDICAL_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Rad", Discipline.RADIATION_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Img", Discipline.RADIOLOGY, BoardRole.MEMBER),
           ("Dr Path", Discipline.PATHOLOGY, BoardRole.MEMBER)]


def _render(minutes: Minutes) -> bytes:
    body = "|".join(f"{c.identity.label}:{c.decision.text if c.decision else ''}" for c in minutes.cases)
    return f"%PDF-fake {minutes.document_id} {minutes.sign_off} {body}".encode()


@pytest.fixture
def signed(db: Database, example_files: list[Path]) -> tuple[Database, int]:
    """A database with cases, a signed meeting with two decisions, and an open one."""
    cases = CaseService(db, actor="coordinator", today=lambda: DAY)
    mrns = [o.mrn for o in cases.import_documents([(f.name, f.read_bytes()) for f in example_files]) if o.mrn]
    boards = BoardService(db, actor="coordinator")
    boards.create("Breast MDT")
    for name, discipline, role in MEMBERS:
        boards.add_member("Breast MDT", name, discipline, role)
    meetings = MeetingService(db, actor="chair", today=lambda: DAY, render=_render)
    mid = meetings.create_meeting("Breast MDT", DAY, "08:00", chair="Dr Chair")
    meetings.add_cases(mid, mrns[:2])
    meetings.start(mid)
    for name, *_ in MEMBERS:
        meetings.set_attendance(mid, name, True)
    for mrn in mrns[:2]:
        meetings.record_decision(mid, mrn, DecisionInput(DecisionCategory.SYSTEMIC_THERAPY,
                                                         f"Letrozole and ribociclib for {mrn}", True))
    meetings.close(mid)
    meetings.sign_off(mid, "Dr Chair")
    return db, mid


def _sql(db: Database, *statements: str) -> None:
    """As someone who owns the tables (anyone with the SQLite file; the schema's owner on PostgreSQL)."""
    with owner_connection(db.url) as conn:
        for statement in statements:
            conn.execute(text(statement))


def _sqlite(db: Database) -> bool:
    return db.url.startswith("sqlite")


def test_an_untouched_record_verifies(signed: tuple[Database, int]) -> None:
    db, _ = signed
    result = verify_record(db)
    assert result.ok, [str(f) for f in result.findings]
    assert result.rows > 20 and result.signed_meetings == 1 and result.head[0] == result.rows
    assert quick_check(db) == []


def test_the_signed_minutes_print_the_chain_head_at_signing(signed: tuple[Database, int]) -> None:
    db, mid = signed
    pdf = MeetingService(db).signed_original(mid)
    with db.engine.connect() as conn:
        heads = [r[0] for r in conn.execute(text("SELECT seq || ':' || row_hash FROM audit_log "
                                                 "WHERE action = 'sign-off' ORDER BY seq"))]
        before = conn.execute(text("SELECT seq, row_hash FROM audit_log WHERE seq = "
                                   "(SELECT min(seq) FROM audit_log WHERE action = 'sign-off') - 1")).one()
    assert heads and f"{before[0]}:{before[1]}".encode() in pdf


def test_a_changed_audit_row_is_named_once_the_trigger_is_dropped(signed: tuple[Database, int]) -> None:
    db, _ = signed
    drop = ("DROP TRIGGER audit_log_no_update" if _sqlite(db)
            else "DROP TRIGGER audit_log_no_change ON audit_log")
    _sql(db, drop, "UPDATE audit_log SET new_value = '\"Tamoxifen\"' WHERE seq = 7")
    findings = verify_record(db).findings
    assert any(f.kind == "trigger" for f in findings)
    chain = [f for f in findings if f.kind == "chain"]
    assert len(chain) == 1 and "(seq 7)" in chain[0].where and "changed after it was written" in chain[0].detail


def test_deleted_and_inserted_audit_rows_break_the_chain(signed: tuple[Database, int]) -> None:
    db, _ = signed
    drop = ("DROP TRIGGER audit_log_no_delete" if _sqlite(db)
            else "DROP TRIGGER audit_log_no_change ON audit_log")
    _sql(db, drop, "DELETE FROM audit_log WHERE seq BETWEEN 10 AND 14")
    chain = [f for f in verify_record(db).findings if f.kind == "chain"]
    assert chain and "(seq 15)" in chain[0].where and "removed" in chain[0].detail


def test_rows_removed_from_the_end_are_caught_by_the_head(signed: tuple[Database, int]) -> None:
    db, _ = signed
    drop = ("DROP TRIGGER audit_log_no_delete" if _sqlite(db)
            else "DROP TRIGGER audit_log_no_change ON audit_log")
    _sql(db, drop, "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 3 FROM audit_log)")
    findings = verify_record(db).findings
    assert any(f.kind == "head" and "removed from the end" in f.detail for f in findings)
    assert any(f.kind == "head" for f in quick_check(db))


def test_a_forged_row_without_a_place_is_found(signed: tuple[Database, int]) -> None:
    db, _ = signed
    _sql(db, "INSERT INTO audit_log (at, actor, action, entity, entity_id, field, old_value, new_value, "
             "encoding) VALUES ('2025-06-10 09:00:00', 'chair', 'decide', 'decision', '1', 'text', NULL, "
             "'\"Mastectomy\"', 'json')")
    chain = [f for f in verify_record(db).findings if f.kind == "chain"]
    assert chain and "without its place in the chain" in chain[0].detail


def test_a_decision_changed_behind_the_triggers_is_found(signed: tuple[Database, int]) -> None:
    db, mid = signed
    if _sqlite(db):
        _sql(db, "DROP TRIGGER decisions_signed_no_update", "DROP TRIGGER decisions_in_progress_update",
             f"UPDATE decisions SET text = 'Mastectomy' WHERE meeting_id = {mid} AND id = "
             f"(SELECT min(id) FROM decisions WHERE meeting_id = {mid})")
    else:
        # The table owner can switch the guards off: exactly what verify must notice.
        _sql(db, "ALTER TABLE decisions DISABLE TRIGGER USER",
             f"UPDATE decisions SET text = 'Mastectomy' WHERE meeting_id = {mid} AND id = "
             f"(SELECT min(id) FROM decisions WHERE meeting_id = {mid})")
    findings = verify_record(db).findings
    assert any(f.kind == "decision" and "text is not what the audit trail recorded" in f.detail
               for f in findings)
    guards = {f.where: f.detail for f in findings if f.kind == "trigger"}
    assert guards and all(("disabled" if not _sqlite(db) else "missing") in d for d in guards.values())


def test_a_replaced_signed_pdf_and_hash_are_found(signed: tuple[Database, int]) -> None:
    db, mid = signed
    forged = b"%PDF-forged minutes"
    digest = hashlib.sha256(forged).hexdigest()
    with owner_connection(db.url) as conn:
        if _sqlite(db):  # every guard of the table gone, as anyone with the file can do
            for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                             "AND tbl_name = 'meetings'")).all():
                conn.execute(text(f"DROP TRIGGER {name}"))
        else:
            conn.execute(text("ALTER TABLE meetings DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE meetings SET minutes_pdf = :p, minutes_sha256 = :h WHERE id = :i"),
                     {"p": forged, "h": digest, "i": mid})
    findings = verify_record(db).findings
    assert any(f.kind == "signed-minutes" and "the PDF and its hash were replaced" in f.detail
               for f in findings)


def test_db_verify_exits_5_and_names_the_break(signed: tuple[Database, int],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = signed
    assert main(["db", "verify", "--database", db.url]) == 0
    assert "the record is intact" in capsys.readouterr().out
    drop = ("DROP TRIGGER audit_log_no_update" if _sqlite(db)
            else "DROP TRIGGER audit_log_no_change ON audit_log")
    _sql(db, drop, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3")
    assert main(["db", "verify", "--database", db.url]) == 5  # a check found a break: exit 5
    out = capsys.readouterr().out
    assert "BROKEN chain:" in out and "(seq 3)" in out and "BROKEN trigger:" in out


def test_rows_written_before_the_chain_are_chained_by_the_upgrade(tmp_path: Path) -> None:
    import sqlite3

    from alembic import command

    from tumorboard.store.schema import alembic_config

    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "0004")  # an install of 0.2.0, before the chain
    con = sqlite3.connect(path)
    con.executemany("INSERT INTO audit_log (at, actor, action, entity, entity_id, field, old_value, new_value) "
                    "VALUES (?, 'old app', 'update', 'case', 'X-1', '/patient/ecog', ?, ?)",
                    [(f"2025-01-0{i} 10:00:00.123456", str(i), str(i + 1)) for i in range(1, 6)])
    con.commit()
    con.close()
    db = Database.open(url)
    try:
        result = verify_record(db)
        assert result.ok, [str(f) for f in result.findings]
        assert result.rows == 5 and result.head[0] == 5
        history = CaseService(db).history("X-1")
        assert [(h.old_value, h.new_value) for h in history] == [("1", "2"), ("2", "3"), ("3", "4"),
                                                                 ("4", "5"), ("5", "6")]
    finally:
        db.close()
