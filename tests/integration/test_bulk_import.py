"""An import's bulk path on a real database: what a batch writes is whole, linked by the right ids,
checked as it is read, found by the text filter, and chained in the audit trail."""

from __future__ import annotations

import copy
import gc
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.integrity import verify_record
from tumorboard.store import Database
from tumorboard.store.models import AuditRow, CaseRow, LesionRow, PatientRow, TherapyRow

BATCH = 40  # cases, each a worked example under a new record number and name


def _documents(example_files: list[Path]) -> list[dict[str, Any]]:
    templates = [json.loads(f.read_text()) for f in example_files]
    docs = []
    for i in range(BATCH):
        doc = copy.deepcopy(templates[i % len(templates)])
        doc["patient"]["mrn"] = f"BULK-{i:03d}"
        doc["patient"]["name"] = f"Quirinia Zellweger-{i:03d}" if i % 2 else f"Ottilie Brandstetter-{i:03d}"
        docs.append(doc)
    return docs


def _sources(docs: list[dict[str, Any]]) -> list[tuple[str, bytes]]:
    return [(f"{d['patient']['mrn']}.json", json.dumps(d, indent=2).encode()) for d in docs]


def _count(db: Database, stmt: Any) -> int:
    with db.session() as session:
        return int(session.scalar(stmt) or 0)


def test_a_refused_file_in_the_middle_of_a_batch_leaves_nothing_of_it(
        service: CaseService, db: Database, example_files: list[Path]) -> None:
    docs = _documents(example_files)
    sources = _sources(docs)
    bad = copy.deepcopy(docs[17])
    bad["tumour"]["er_percent"] = 140  # over the schema's maximum
    sources[17] = ("bad.json", json.dumps(bad).encode())
    nul = copy.deepcopy(docs[23])
    nul["metastatic"]["lesions"][0]["site"] = "T1\x00"  # escaped as \u0000 in the text
    sources[23] = ("nul.json", json.dumps(nul).encode())

    outcomes = service.import_documents(sources)

    assert [o.action for o in outcomes] == ["refused" if i in (17, 23) else "created" for i in range(BATCH)]
    assert any("/tumour/er_percent" in p for p in outcomes[17].problems)
    assert any(p.startswith("/metastatic/lesions/0/site: contains a NUL") for p in outcomes[23].problems)
    for refused in ("BULK-017", "BULK-023"):
        assert _count(db, select(func.count()).select_from(PatientRow).where(PatientRow.mrn == refused)) == 0
        assert _count(db, select(func.count()).select_from(AuditRow).where(AuditRow.entity_id == refused)) == 0
    assert _count(db, select(func.count()).select_from(PatientRow)) == BATCH - 2
    assert _count(db, select(func.count()).select_from(CaseRow)) == BATCH - 2
    # One audit row per stored case, each holding the case as stored.
    assert _count(db, select(func.count()).select_from(AuditRow).where(AuditRow.action == "import")) == BATCH - 2


def test_every_row_of_a_batch_is_linked_to_its_own_case(service: CaseService, db: Database,
                                                       example_files: list[Path]) -> None:
    docs = _documents(example_files)
    assert {o.action for o in service.import_documents(_sources(docs))} == {"created"}
    for doc in docs:
        exported = service.export_document(doc["patient"]["mrn"])["case"]
        # The children came back under this case, in their order: the ids read back were its own.
        assert [les["organ"] for les in exported["metastatic"]["lesions"]] == [
            les["organ"] for les in doc["metastatic"]["lesions"]]
        assert [t["start"] for t in exported["therapies"]] == [t["start"] for t in doc["therapies"]]
        assert exported["patient"]["name"] == doc["patient"]["name"]
    want_lesions = sum(len(d["metastatic"]["lesions"]) for d in docs)
    want_therapies = sum(len(d["therapies"]) for d in docs)
    assert _count(db, select(func.count()).select_from(LesionRow)) == want_lesions
    assert _count(db, select(func.count()).select_from(TherapyRow)) == want_therapies


def test_what_an_import_wrote_verifies_and_is_found_by_name(service: CaseService, db: Database,
                                                          example_files: list[Path]) -> None:
    docs = _documents(example_files)
    service.import_documents(_sources(docs))

    assert db.damaged_rows() == []  # every row's checksum, as the daily check reads them
    record = verify_record(db)
    assert record.ok, record.findings  # the audit rows' hash chain and its head
    assert record.head[0] == _count(db, select(func.count()).select_from(AuditRow))

    found = service.worklist(WorklistQuery(text="zellweger", limit=500))  # through the trigram index
    assert sorted(r.mrn for r in found) == [f"BULK-{i:03d}" for i in range(1, BATCH, 2)]
    assert {r.mrn for r in service.worklist(WorklistQuery(text="BULK-03", limit=500))} == {
        f"BULK-{i:03d}" for i in range(30, 40)}


def test_the_cycle_collector_runs_again_after_an_import_even_one_that_failed(
        service: CaseService, example_files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from tumorboard.store.repositories import CaseRepository

    assert gc.isenabled()
    service.import_documents(_sources(_documents(example_files)[:3]))
    assert gc.isenabled()

    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("not a store error: the import stops")

    monkeypatch.setattr(CaseRepository, "add_many", fail)
    monkeypatch.setattr(CaseRepository, "add", fail)
    with pytest.raises(RuntimeError):
        service.import_documents(_sources(_documents(example_files)[5:8]))
    assert gc.isenabled()
