"""Ruleset 1.1 on a real database: the new case fields through import, store and export; revision
0006; and a decision recorded under ruleset 1.0.0 keeps the output it was made with."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from tumorboard.domain.meeting import DecisionCategory, Discipline
from tumorboard.recommend import default_ruleset
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.store import Database
from tumorboard.store.checksums import checksum
from tumorboard.store.models import DecisionRow

DAY = date(2025, 6, 10)
NEW_CASE_COLUMNS = {"pdl1_cps", "esr1", "pik3ca_pathway", "cord_compression_symptoms"}


def with_1_1_fields(example: Path) -> dict[str, object]:
    doc = json.loads(example.read_text())
    doc["tumour"].update(pdl1_cps=3.5, esr1="not_detected", pik3ca_pathway="detected")
    doc["metastatic"]["cord_compression_symptoms"] = False
    for target, site in zip(doc["recist"]["targets"], ("primary", "regional_node", "distant"), strict=False):
        target["site"] = site
    return doc


def test_the_1_1_fields_survive_import_store_and_export(service: CaseService, example_files: list[Path]) -> None:
    doc = with_1_1_fields(example_files[0])
    outcomes = service.import_documents([("v01.json", json.dumps(doc).encode())])
    assert [o.action for o in outcomes] == ["created"]
    export = service.export_document(str(doc["patient"]["mrn"]))  # type: ignore[index]
    exported = export["case"]  # the case document inside the export (with its MDT record)
    assert exported["tumour"]["pdl1_cps"] == 3.5
    assert exported["tumour"]["esr1"] == "not_detected" and exported["tumour"]["pik3ca_pathway"] == "detected"
    assert exported["metastatic"]["cord_compression_symptoms"] is False
    assert [t.get("site") for t in exported["recist"]["targets"]] == ["primary", "regional_node"]
    again = service.import_documents([("again.json", json.dumps(export).encode())], update=True)
    assert [o.action for o in again] in (["updated"], ["unchanged"])
    assert service.export_document(str(doc["patient"]["mrn"]))["case"] == exported  # type: ignore[index]


def _columns(path: Path, table: str) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
    finally:
        con.close()


def test_revision_0006_adds_the_columns_to_an_older_database(tmp_path: Path) -> None:
    from alembic import command

    from tumorboard.store.schema import REVISION_APP_VERSION, alembic_config

    assert REVISION_APP_VERSION["0006"] == "0.3.0"
    path = tmp_path / "older.sqlite3"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "0004")
    assert not NEW_CASE_COLUMNS & _columns(path, "cases")
    db = Database.open(url)  # backs up, then upgrades
    db.close()
    assert _columns(path, "cases") >= NEW_CASE_COLUMNS
    assert "site" in _columns(path, "recist_targets")
    # Going back is refused where it would lose evidence (the audit chain of 0007) or recorded data.
    with pytest.raises(RuntimeError, match="hash chain"):
        command.downgrade(alembic_config(url), "0005")
    assert _columns(path, "cases") >= NEW_CASE_COLUMNS


def test_revision_0006_is_not_undone_over_recorded_biomarkers(tmp_path: Path) -> None:
    from alembic import command

    from tumorboard.store.schema import alembic_config

    path = tmp_path / "older.sqlite3"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "0006")
    con = sqlite3.connect(path)
    con.execute("INSERT INTO patients (mrn, birth_date, sex) VALUES ('X1', '1970-01-01', 'female')")
    con.execute("INSERT INTO cases (patient_id, version, status, created_at, updated_at, updated_by, "
                "tumour_diagnosis_date, t, n, m, primary_intact, primary_symptoms, staging_modalities, "
                "recist_non_targets, subtype, distant_lesion_count, window_assessed, missing_items, "
                "pdl1_cps) VALUES (1, 1, 'referred', '2025-01-01', '2025-01-01', 'x', '2025-01-01', 'T2', "
                "'N1', 'M1', 1, '', '', '[]', '', 0, 0, '', 12.0)")
    con.commit()
    con.close()
    with pytest.raises(RuntimeError, match=r"cases\.pdl1_cps holds recorded clinical data"):
        command.downgrade(alembic_config(url), "0005")
    assert "pdl1_cps" in _columns(path, "cases")


def test_a_decision_recorded_under_1_0_0_keeps_its_stored_output(db: Database, example_files: list[Path]) -> None:
    CaseService(db, actor="coordinator", today=lambda: DAY).import_documents(
        [(example_files[0].name, example_files[0].read_bytes())])
    mrn = json.loads(example_files[0].read_text())["patient"]["mrn"]
    meetings = MeetingService(db, actor="coordinator", today=lambda: DAY,
                              render=lambda m: b"%PDF-fake")
    BoardService(db, actor="coordinator").create("Breast MDT")
    for name, discipline in (("Dr A", Discipline.BREAST_SURGERY), ("Dr B", Discipline.MEDICAL_ONCOLOGY),
                             ("Dr C", Discipline.RADIATION_ONCOLOGY), ("Dr D", Discipline.RADIOLOGY),
                             ("Dr E", Discipline.PATHOLOGY)):
        meetings.add_member("Breast MDT", name, discipline)
    meeting_id = meetings.create_meeting("Breast MDT", DAY, chair="Dr A")
    meetings.add_cases(meeting_id, [mrn], question="Local therapy?", presenter="Dr B")
    meetings.start(meeting_id)
    for name in ("Dr A", "Dr B", "Dr C", "Dr D", "Dr E"):
        meetings.set_attendance(meeting_id, name, True)
    meetings.record_decision(meeting_id, mrn, DecisionInput(DecisionCategory.SYSTEMIC_THERAPY,
                                                            "Continue endocrine therapy", concordant=True))
    stored = json.loads(meetings.get(meeting_id).agenda[0].decision.recommendation_json)  # type: ignore[union-attr]
    assert stored["ruleset"]["version"] == default_ruleset().version == "1.1.0"
    assert "eligibility" in stored["metastasis_directed_therapy"]
    # The same decision as a 1.0.0 install recorded it: no eligibility, the old wording.
    old = json.loads(json.dumps(stored))
    old["ruleset"]["version"] = "1.0.0"
    del old["metastasis_directed_therapy"]["eligibility"]
    old["metastasis_directed_therapy"]["rationale"] = "Oligometastatic disease with an objective response (PR)."
    with db.engine.begin() as conn:  # as a 1.0.0 install wrote it, checksum included
        conn.execute(text("UPDATE decisions SET recommendation = :r, ruleset_version = '1.0.0'"),
                     {"r": json.dumps(old)})
        table = DecisionRow.__table__
        for row in conn.execute(select(table)).mappings().all():
            conn.execute(update(table).where(table.c.id == row["id"])
                         .values(checksum=checksum(table.name, table.columns, row.__getitem__)))
    minutes = meetings.minutes(meeting_id)
    shown = minutes.cases[0].recommendation
    assert shown is not None and shown["ruleset"]["version"] == "1.0.0"
    assert shown["metastasis_directed_therapy"]["rationale"] == old["metastasis_directed_therapy"]["rationale"]
    assert "eligibility" not in shown["metastasis_directed_therapy"]
    decision = meetings.get(meeting_id).agenda[0].decision
    assert decision is not None and decision.ruleset_version == "1.0.0"
