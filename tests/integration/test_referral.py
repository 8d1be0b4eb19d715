"""The referral on a real database: recorded, versioned and audited through the service; in the
export; on the command line; and revision 0010 keeps every case's checksum true both ways."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tumorboard.cli import main
from tumorboard.domain.referral import Referral, ReferralError
from tumorboard.services.cases import CaseService
from tumorboard.store import ConcurrentEdit, DamagedRecord, Database
from tumorboard.store.checksums import checksum
from tumorboard.store.models import CaseRow

GP = Referral(date(2025, 5, 2), "Dr A. Khan (breast surgery)", "Dr J. Morgan",
              "Riverside Practice\n1 High Street\nExampletown")


def _one_case(service: CaseService, example_files: list[Path]) -> str:
    outcome, = service.import_documents([(example_files[0].name, example_files[0].read_bytes())])
    assert outcome.mrn is not None
    return outcome.mrn


def test_a_referral_is_recorded_versioned_and_audited(service: CaseService, example_files: list[Path]) -> None:
    mrn = _one_case(service, example_files)
    before = service.get(mrn)
    assert before.referral == Referral() and not before.referral.recorded
    after = service.save_referral(mrn, GP, before.version)
    assert after.referral == GP and after.version == before.version + 1
    assert after.case == before.case  # the clinical content is untouched
    trail = [(h.action, h.field, h.new) for h in service.history(mrn) if h.action == "referral"]
    assert ("referral", "/referral/gp_name", "Dr J. Morgan") in trail
    assert ("referral", "/referral/referral_date", "2025-05-02") in trail
    # The same again writes nothing: no version, no audit row.
    again = service.save_referral(mrn, GP, after.version)
    assert again.version == after.version
    assert len([h for h in service.history(mrn) if h.action == "referral"]) == len(trail)
    # A save over someone else's newer version is refused, and nothing changes.
    with pytest.raises(ConcurrentEdit):
        service.save_referral(mrn, Referral(gp_name="Dr Other"), before.version)
    assert service.get(mrn).referral == GP
    assert service.export_document(mrn)["referral"] == {
        "referral_date": "2025-05-02", "referring_clinician": "Dr A. Khan (breast surgery)",
        "gp_name": "Dr J. Morgan", "gp_address": "Riverside Practice\n1 High Street\nExampletown"}


def test_a_bad_referral_is_refused_by_field_and_nothing_changes(service: CaseService,
                                                                 example_files: list[Path]) -> None:
    mrn = _one_case(service, example_files)
    before = service.get(mrn)
    with pytest.raises(ReferralError, match=r"^referral date: 2025-06-11 is in the future"):
        service.save_referral(mrn, Referral(referral_date=date(2025, 6, 11), gp_name="Dr J. Morgan"),
                              before.version)
    now = service.get(mrn)
    assert now.referral == Referral() and now.version == before.version


def test_a_case_registered_with_its_referral(service: CaseService, example_files: list[Path]) -> None:
    mrn = _one_case(service, example_files)
    case = service.get(mrn).case
    from dataclasses import replace

    other = replace(case, patient=replace(case.patient, mrn="REF-0002"))
    created = service.create(other, referral=Referral(gp_name=" Dr J. Morgan "))
    assert created.referral == Referral(gp_name="Dr J. Morgan")
    assert service.get("REF-0002").referral.gp_name == "Dr J. Morgan"


def _case_checksums_hold(path: Path) -> bool:
    """Every case row's checksum over the columns the file has at its revision, typed as the
    migrations read them."""
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as con:
            present = set(con.execute(sa.text("SELECT * FROM cases LIMIT 0")).keys())
            columns = [c for c in CaseRow.__table__.columns if c.name in present and c.name != "checksum"]
            rows = con.execute(sa.select(*columns, CaseRow.__table__.c.checksum)).mappings().all()
        return bool(rows) and all(r["checksum"] == checksum("cases", columns, r.__getitem__) for r in rows)
    finally:
        engine.dispose()


def test_revision_0010_recomputes_the_case_checksums_both_ways(tmp_path: Path, example_files: list[Path]) -> None:
    from alembic import command

    from tumorboard.store.schema import alembic_config

    path = tmp_path / "tb.sqlite3"
    url = f"sqlite:///{path}"
    db = Database.open(url)
    service = CaseService(db, actor="tester", today=lambda: date(2025, 6, 10))
    service.import_documents([(f.name, f.read_bytes()) for f in example_files])
    db.close()
    command.downgrade(alembic_config(url), "0009")
    assert _case_checksums_hold(path)
    # A case damaged at revision 0009 (a flipped letter behind the app's back) ...
    con = sqlite3.connect(path)
    con.execute("UPDATE cases SET histology = 'damaged' WHERE id = (SELECT min(id) FROM cases)")
    damaged_mrn = con.execute("SELECT mrn FROM patients JOIN cases ON cases.patient_id = patients.id "
                              "WHERE cases.id = (SELECT min(id) FROM cases)").fetchone()[0]
    con.commit()
    con.close()
    db = Database.open(url)  # backs up, then upgrades to the head
    try:
        service = CaseService(db, actor="tester", today=lambda: date(2025, 6, 10))
        # ... is still reported after the upgrade; every other case reads as before.
        with pytest.raises(DamagedRecord):
            service.get(damaged_mrn)
        others = [m for m in (json.loads(f.read_text())["patient"]["mrn"] for f in example_files)
                  if m != damaged_mrn]
        assert others and all(service.get(m).referral == Referral() for m in others)
    finally:
        db.close()


def test_revision_0010_is_not_undone_over_a_recorded_referral(db_url: str, example_files: list[Path]) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the downgrade is exercised on SQLite")
    from alembic import command

    from tumorboard.store.schema import alembic_config

    db = Database.open(db_url)
    service = CaseService(db, actor="tester", today=lambda: date(2025, 6, 10))
    mrn = _one_case(service, example_files)
    service.save_referral(mrn, Referral(gp_name="Dr J. Morgan"))
    db.close()
    with pytest.raises(RuntimeError, match=r"cases\.gp_name holds a recorded referral"):
        command.downgrade(alembic_config(db_url), "0009")


def test_the_command_line_records_and_refuses_by_option(tmp_path: Path, example_files: list[Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    database = str(tmp_path / "cli.sqlite3")
    assert main(["import", "--database", database, str(example_files[0])]) == 0
    mrn = json.loads(example_files[0].read_text())["patient"]["mrn"]
    capsys.readouterr()
    assert main(["referral", mrn, "--database", database, "--gp-name", "Dr J. Morgan",
                 "--gp-address", "Riverside Practice; 1 High Street"]) == 0
    out = capsys.readouterr().out
    assert "GP name: Dr J. Morgan" in out and "GP address: Riverside Practice; 1 High Street" in out
    assert main(["referral", mrn, "--database", database, "--referral-date", "2999-01-01"]) == 2
    assert "error: referral date: 2999-01-01 is in the future" in capsys.readouterr().err
    assert main(["referral", mrn, "--database", database, "--referral-date", "1.2.2025"]) == 2
    assert "--referral-date 1.2.2025: not a date" in capsys.readouterr().err
    assert main(["referral", "NOPE-1", "--database", database]) == 2
    assert "MRN NOPE-1" in capsys.readouterr().err
    assert main(["referral", mrn, "--database", database, "--gp-name", ""]) == 0
    assert "GP name: not recorded" in capsys.readouterr().out


def test_the_referral_as_json_for_scripts(tmp_path: Path, example_files: list[Path],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    database = str(tmp_path / "cli.sqlite3")
    assert main(["import", "--database", database, str(example_files[0])]) == 0
    mrn = json.loads(example_files[0].read_text())["patient"]["mrn"]
    capsys.readouterr()
    assert main(["referral", mrn, "--database", database, "--gp-name", "Dr J. Morgan",
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "mrn": mrn, "referral_date": None, "referring_clinician": None, "gp_name": "Dr J. Morgan",
        "gp_address": None}


def test_an_edited_case_and_its_referral_are_one_save(service: CaseService, example_files: list[Path]) -> None:
    from dataclasses import replace

    mrn = _one_case(service, example_files)
    before = service.get(mrn)
    edited = replace(before.case, patient=replace(before.case.patient, ecog=1))
    after = service.save(edited, before.version, referral=GP)
    assert after.version == before.version + 1  # one version for both
    assert after.case.patient.ecog == 1 and after.referral == GP
    # A bad referral refuses the whole save: the case edit is not kept either.
    again = replace(edited, patient=replace(edited.patient, ecog=2))
    with pytest.raises(ReferralError, match=r"^referral date"):
        service.save(again, after.version, referral=Referral(referral_date=date(2030, 1, 1)))
    now = service.get(mrn)
    assert now.version == after.version and now.case.patient.ecog == 1 and now.referral == GP
