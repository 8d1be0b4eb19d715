"""Case services on a real database: import/export, workflow, worklist, audit, locking."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tumorboard.casedoc import case_from_document
from tumorboard.domain.workflow import WorkflowError, WorkflowStatus
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.store import ConcurrentEdit, Database, RecordNotFound


def _strip_nulls(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_nulls(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_strip_nulls(v) for v in node]
    return node


def _import(service: CaseService, files: list[Path]) -> None:
    outcomes = service.import_documents([(f.name, f.read_bytes()) for f in files])
    assert [o.action for o in outcomes] == ["created"] * len(files), outcomes


def test_import_then_export_gives_the_input_documents(service: CaseService, example_files: list[Path]) -> None:
    _import(service, example_files)
    for f in example_files:
        original = json.loads(f.read_text())
        exported = service.export_document(original["patient"]["mrn"])
        assert exported["format"] == "tumorboard.case-export/1" and exported["mdt"] == []  # no meeting yet
        assert "history" not in exported
        assert _strip_nulls(exported["case"]) == _strip_nulls(original), f.name


def test_existing_mrn_is_refused_without_update_and_replaced_with_it(
        service: CaseService, example_files: list[Path]) -> None:
    first = example_files[0]
    _import(service, [first])
    again = service.import_documents([(first.name, first.read_bytes())])
    assert again[0].action == "refused"
    assert "already exists" in again[0].problems[0] and "--update" in again[0].problems[0]
    doc = json.loads(first.read_text())
    doc["tumour"]["er_percent"] = 0
    doc["tumour"]["pr_percent"] = 0
    updated = service.import_documents([("changed.json", json.dumps(doc).encode())], update=True)
    assert updated[0].action == "updated"
    assert service.get(doc["patient"]["mrn"]).case.tumour.er_percent == 0
    history = service.history(doc["patient"]["mrn"])
    assert any(h.field == "/tumour/er_percent" and h.old_value == "95" and h.new_value == "0"
               for h in history)


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "the file is empty"),
    (b"{ not json", "not valid JSON"),
    (b'{"format": "tumorboard.case/1"}', "'patient' is a required property"),
])
def test_refused_files_write_nothing(service: CaseService, content: bytes, expected: str) -> None:
    outcome = service.import_documents([("bad.json", content)])[0]
    assert outcome.action == "refused"
    assert any(expected in p for p in outcome.problems)
    assert service.worklist() == []
    assert sum(service.counts_by_status().values()) == 0


def test_nul_in_a_name_is_refused_by_field_on_every_database(service: CaseService,
                                                              example_files: list[Path]) -> None:
    doc = json.loads(example_files[0].read_text())
    doc["patient"]["name"] = "Ann\x00Smith"
    outcome = service.import_documents([("nul.json", json.dumps(doc).encode())])[0]
    assert outcome.action == "refused"
    assert list(outcome.problems) == ["/patient/name: contains a NUL character (\\0), which cannot be stored; remove it"]
    assert service.worklist() == []


def test_impossible_date_is_refused_with_its_path(service: CaseService, example_files: list[Path]) -> None:
    doc = json.loads(example_files[0].read_text())
    doc["therapies"][0]["start"] = "2025-02-30"
    outcome = service.import_documents([("x.json", json.dumps(doc).encode())])[0]
    assert outcome.problems == ("/therapies/0/start: 2025-02-30 is not a valid calendar date",)
    with pytest.raises(RecordNotFound):
        service.get(doc["patient"]["mrn"])


def test_workflow_moves_are_checked_and_audited(service: CaseService, example_files: list[Path]) -> None:
    _import(service, example_files[:1])
    mrn = json.loads(example_files[0].read_text())["patient"]["mrn"]
    with pytest.raises(WorkflowError):
        service.change_status(mrn, WorkflowStatus.ON_TREATMENT)
    assert service.get(mrn).status is WorkflowStatus.REFERRED
    service.change_status(mrn, WorkflowStatus.STAGING)
    record = service.change_status(mrn, WorkflowStatus.READY_FOR_MDT)
    assert record.status is WorkflowStatus.READY_FOR_MDT
    moves = [(h.old_value, h.new_value) for h in service.history(mrn) if h.field == "status"]
    assert moves == [("referred", "staging"), ("staging", "ready_for_mdt")]


def test_a_second_save_from_a_stale_copy_is_refused(service: CaseService, db: Database,
                                                    example_files: list[Path]) -> None:
    _import(service, example_files[:1])
    mrn = json.loads(example_files[0].read_text())["patient"]["mrn"]
    mine = service.get(mrn)
    theirs = CaseService(db, actor="colleague", today=service.today).get(mrn)
    CaseService(db, actor="colleague", today=service.today).save(
        replace(theirs.case, dental_evaluation_date=None), theirs.version)
    with pytest.raises(ConcurrentEdit, match="colleague"):
        service.save(replace(mine.case, mdt_discussions=()), mine.version)
    assert service.get(mrn).case.dental_evaluation_date is None  # theirs kept
    assert service.get(mrn).case.mdt_discussions == mine.case.mdt_discussions  # mine not applied


def test_worklist_filters_and_window_status(service: CaseService, example_files: list[Path]) -> None:
    _import(service, example_files)
    rows = service.worklist()
    assert len(rows) == len(example_files)
    by_mrn = {r.mrn: r for r in rows}
    v06 = by_mrn["SYN-V06"]  # as of 2025-06-10: window opened 2025-06-03, assessed too early
    assert v06.window_status == "open" and v06.next_action.startswith("Reassess")
    assert by_mrn["SYN-V01"].window_status == "assessed"
    assert by_mrn["SYN-V01"].subtype == "HR+/HER2-low"
    assert [r.mrn for r in service.worklist(WorklistQuery(text="v13"))] == ["SYN-V13"]
    assert [r.mrn for r in service.worklist(WorklistQuery(text="synthetic v2"))] == ["SYN-V22"]
    assert {r.mrn for r in service.worklist(WorklistQuery(subtypes=("HR+/HER2-0",)))} == {"SYN-V05", "SYN-V22"}
    assert [r.mrn for r in service.worklist(WorklistQuery(window_statuses=("open",)))] == ["SYN-V06"]
    assert service.worklist(WorklistQuery(statuses=(WorkflowStatus.CLOSED,))) == []
    # Cases with something due come first, by date.
    due = [r.next_due for r in rows if r.next_due is not None]
    assert due == sorted(due) and rows[0].next_due is not None


def test_demo_data_covers_every_status(db: Database) -> None:
    from tumorboard.services.demo import populate_demo

    assert populate_demo(db) == 30
    counts = CaseService(db).counts_by_status()
    assert all(counts[s] > 0 for s in WorkflowStatus), counts
    rows = CaseService(db).worklist(WorklistQuery(limit=100))
    assert all(r.mrn.startswith("DEMO-") and r.name.endswith(" Demo") for r in rows)
    statuses = {r.window_status for r in rows}
    assert {"open", "overdue", "assessed", "before_window"} <= statuses


json_leaf = st.none() | st.booleans() | st.integers(-5, 600) | st.text(max_size=12) | st.sampled_from(
    ["2025-02-30", "2024-02-29", "1+", "bone", "metastatic", "systemic", "M1"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["patient", "tumour", "metastatic", "therapies", "recist"]),
       st.sampled_from(["mrn", "birth_date", "t", "er_percent", "lesions", "start", "targets", "extra"]),
       json_leaf)
def test_import_of_arbitrary_input_stores_whole_or_refuses(service: CaseService, example_files: list[Path],
                                                           section: str, key: str, value: Any) -> None:
    doc = json.loads(example_files[0].read_text())
    doc["patient"]["mrn"] = "HYP-1"
    node = doc[section][0] if isinstance(doc[section], list) else doc[section]
    node[key] = value
    outcome = service.import_documents([("h.json", json.dumps(doc).encode())], update=True)[0]
    if outcome.action == "refused":
        assert outcome.problems and all("/" in p for p in outcome.problems)
    else:
        stored = service.get(doc["patient"]["mrn"]).case
        assert stored == case_from_document(doc)  # whole case, exactly as sent


def test_the_same_record_number_twice_in_one_import(service: CaseService, example_files: list[Path]) -> None:
    data = example_files[0].read_bytes()
    outcomes = service.import_documents([("a.json", data), ("b.json", data)])
    assert [o.action for o in outcomes] == ["created", "refused"]
    outcomes = service.import_documents([("c.json", data)], update=True)
    assert [o.action for o in outcomes] == ["updated"]


def test_a_batch_the_database_refuses_is_retried_case_by_case(
        service: CaseService, example_files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from tumorboard.store import StoreError
    from tumorboard.store.repositories import CaseRepository

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise StoreError("simulated refusal of the bulk insert")

    monkeypatch.setattr(CaseRepository, "add_many", refuse)
    outcomes = service.import_documents([(f.name, f.read_bytes()) for f in example_files])
    assert [o.action for o in outcomes] == ["created"] * len(example_files)
    assert len(service.worklist()) == len(example_files)


def test_outcomes_keep_the_order_of_the_files(service: CaseService, example_files: list[Path]) -> None:
    sources = [(f.name, f.read_bytes()) for f in example_files]
    sources.insert(2, ("broken.json", b"{"))
    outcomes = service.import_documents(sources)
    assert [o.source for o in outcomes] == [name for name, _ in sources]
    assert outcomes[2].action == "refused"
