"""A FHIR R4 ``Bundle`` of type ``collection`` for one or more cases and their MDT decisions.

Resources are R4 (4.0.1) JSON as mCODE STU 3 shapes them; they also parse as R4B, the models
the tests validate them with (R4B changed none of the resources used here).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tumorboard.domain.case import Case
from tumorboard.interop import fhir_case, fhir_therapy
from tumorboard.interop.fhir_careplan import MdtDecision, care_plan
from tumorboard.interop.fhir_case import Resource
from tumorboard.interop.fhir_ids import full_url


def case_resources(case: Case, decisions: Sequence[MdtDecision] = ()) -> list[Resource]:
    """Every resource of one case: Patient, Conditions, Observations, treatments, CarePlans."""
    stage_id, stage = fhir_case.staging(case)
    return [
        fhir_case.patient(case),
        fhir_case.primary_condition(case, stage_id),
        *fhir_case.secondary_conditions(case),
        *stage,
        *fhir_case.biomarkers(case),
        *fhir_therapy.therapies(case),
        *fhir_therapy.disease_status(case),
        *(care_plan(case.patient.mrn, d) for d in decisions),
    ]


def bundle(cases: Sequence[tuple[Case, Sequence[MdtDecision]]], *,
           timestamp: datetime | None = None) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for case, decisions in cases:
        for resource in case_resources(case, decisions):
            if resource["id"] in seen:  # the same case twice (two MRNs given alike)
                continue
            seen.add(resource["id"])
            entries.append({"fullUrl": full_url(resource["id"]), "resource": resource})
    out: dict[str, Any] = {"resourceType": "Bundle", "type": "collection"}
    if timestamp is not None:
        out["timestamp"] = timestamp.isoformat()
    out["entry"] = entries
    return out
