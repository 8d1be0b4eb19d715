"""output_schema() holds the project to the contract: an output missing a contract key, or with a value
outside a contract enumeration, must not validate ("Every key above is required (null where not
determinable)")."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rec_casekit import evaluate, output_problems, selected_case

CONTRACT_KEYS = [
    ("format",), ("as_of",), ("ruleset",), ("ruleset", "id"), ("ruleset", "version"),
    ("patient",), ("patient", "age_at_metastatic_diagnosis"),
    ("biology",), ("biology", "hormone_receptor"), ("biology", "her2"),
    ("stage",), ("stage", "ajcc8_anatomic"),
    ("disease",), ("disease", "distant_lesion_count"), ("disease", "oligometastatic"), ("disease", "bone_only"),
    ("disease", "omd_classification"),
    ("response_window",), ("response_window", "therapy_start"), ("response_window", "opens"),
    ("response_window", "closes"), ("response_window", "status"),
    ("recist",), ("recist", "timepoints"), ("recist", "latest"),
    ("recist", "timepoints", 0, "date"), ("recist", "timepoints", 0, "sum_mm"),
    ("recist", "timepoints", 0, "change_from_baseline_pct"), ("recist", "timepoints", 0, "change_from_nadir_pct"),
    ("recist", "timepoints", 0, "target"), ("recist", "timepoints", 0, "overall"),
    ("primary_tumour",), ("primary_tumour", "verdict"), ("primary_tumour", "criteria"),
    ("primary_tumour", "criteria", 0, "id"), ("primary_tumour", "criteria", 0, "met"),
    ("primary_tumour", "criteria", 0, "detail"), ("primary_tumour", "rationale"), ("primary_tumour", "references"),
    ("metastasis_directed_therapy",), ("metastasis_directed_therapy", "verdict"),
    ("metastasis_directed_therapy", "rationale"), ("metastasis_directed_therapy", "references"),
    ("bone_health",), ("bone_health", "bone_modifying_agent"), ("bone_health", "dental_evaluation"),
    ("bone_health", "orthopaedic_evaluation"),
    ("warnings",), ("warnings", 0, "code"), ("warnings", 0, "severity"), ("warnings", 0, "message"),
    ("warnings", 0, "references"),
    ("references",),
]

ENUM_FIELDS = [
    ("biology", "hormone_receptor"), ("biology", "her2"), ("stage", "ajcc8_anatomic"),
    ("disease", "omd_classification"), ("response_window", "status"), ("recist", "timepoints", 0, "target"),
    ("recist", "timepoints", 0, "overall"), ("recist", "latest"), ("primary_tumour", "verdict"),
    ("metastasis_directed_therapy", "verdict"), ("bone_health", "bone_modifying_agent"),
    ("bone_health", "dental_evaluation"), ("bone_health", "orthopaedic_evaluation"), ("warnings", 0, "severity"),
]


def sample_output() -> dict[str, Any]:
    out = evaluate(selected_case())
    assert out["warnings"] and out["recist"]["timepoints"]
    return out


def parent_of(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


@pytest.mark.parametrize("path", CONTRACT_KEYS, ids=lambda p: ".".join(map(str, p)))
def test_output_schema_requires_every_contract_key(path: tuple[Any, ...]) -> None:
    out = copy.deepcopy(sample_output())
    del parent_of(out, path)[path[-1]]
    assert output_problems(out), f"output_schema() accepts an output without {'.'.join(map(str, path))}"


@pytest.mark.parametrize("path", ENUM_FIELDS, ids=lambda p: ".".join(map(str, p)))
def test_output_schema_enforces_contract_enumerations(path: tuple[Any, ...]) -> None:
    out = copy.deepcopy(sample_output())
    parent_of(out, path)[path[-1]] = "not-in-the-contract"
    assert output_problems(out)


def test_reference_entries_need_citation_and_url() -> None:
    out = copy.deepcopy(sample_output())
    ref = next(iter(out["references"].values()))
    del ref["url"]
    assert output_problems(out)
