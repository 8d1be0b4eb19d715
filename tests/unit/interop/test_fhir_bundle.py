"""The FHIR export of a case: valid R4 (fhir.resources' R4B models) for the five shared examples
and for generated case documents, the codes the issue names at the paths mCODE puts them, every
reference inside the bundle, and nothing the case does not hold."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir_check import at, by_code, of_type, url_of, validate_bundle
from hypothesis import HealthCheck, given, settings
from test_properties import case_documents

from tumorboard.casedoc.codec import case_from_document
from tumorboard.casedoc.validate import validate_case_document
from tumorboard.domain.vocab import BoneSite, Organ
from tumorboard.interop import fhir_codes
from tumorboard.interop.fhir_bundle import bundle
from tumorboard.interop.fhir_careplan import ImplementationCheck, MdtDecision, PlannedAction
from tumorboard.recommend.staging import ajcc8_anatomic_stage

EXAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "examples"
needs_examples = pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"worked examples not found at {EXAMPLES}")
SNOMED, LOINC = "http://snomed.info/sct", "http://loinc.org"
LOCAL_KINDS = ("surgery", "radiotherapy", "ablation")


def _example_docs() -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.case.json"))]


def _bundle_of(doc: dict[str, Any], decisions: tuple[MdtDecision, ...] = ()) -> dict[str, Any]:
    return bundle([(case_from_document(doc), decisions)])


def _coding(concept: dict[str, Any]) -> tuple[str, str]:
    return concept["coding"][0]["system"], concept["coding"][0]["code"]


def _check_case(doc: dict[str, Any], out: dict[str, Any]) -> None:
    """What the issue asks of the bundle, path by path, against the case document it came from."""
    validate_bundle(out)
    patient_doc, tumour, met = doc["patient"], doc["tumour"], doc.get("metastatic", {})
    (patient,) = of_type(out, "Patient")
    assert at(patient, "identifier.0.value") == patient_doc["mrn"]
    assert at(patient, "identifier.0.type.coding.0.code") == "MR"
    assert patient["birthDate"] == patient_doc["birth_date"] and patient["gender"] == patient_doc["sex"]
    assert ("name" in patient) is bool(patient_doc.get("name"))
    conditions = of_type(out, "Condition")
    primary = next(c for c in conditions if _coding(c["code"]) == (SNOMED, "254837009"))
    assert _coding(at(primary, "bodySite.0")) == (SNOMED, "76752008")
    assert primary["onsetDateTime"] == tumour["diagnosis_date"]
    assert at(primary, "subject.reference") == url_of(patient)
    secondaries = [c for c in conditions if c is not primary]
    assert len(secondaries) == len(met.get("lesions", []))
    for condition, lesion in zip(secondaries, met.get("lesions", []), strict=True):
        assert _coding(condition["code"]) == (SNOMED, "128462008")
        assert at(condition, "extension.0.url") == "http://hl7.org/fhir/StructureDefinition/condition-related"
        assert at(condition, "extension.0.valueReference.reference") == url_of(primary)
        site = at(condition, "bodySite.0")
        expected = (fhir_codes.table()["bone_body_sites"][lesion["bone_site"]]
                    if lesion["organ"] == "bone" and lesion.get("bone_site")
                    else fhir_codes.table()["organ_body_sites"][lesion["organ"]])
        assert site.get("coding", [{}])[0].get("code") == expected.get("code")
        assert site.get("text") == lesion.get("site", expected.get("text"))
        assert condition.get("onsetDateTime") == lesion.get("detected")

    basis = tumour.get("tnm_basis")
    group_code = {"clinical": "21908-9", "pathological": "21902-2"}.get(basis or "")
    members = {"clinical": ("21905-5", "21906-3", "21907-1"),
               "pathological": ("21899-0", "21900-6", "21901-4")}.get(basis or "")
    observations = of_type(out, "Observation")
    if group_code:
        (group,) = by_code(out, group_code)
        assert at(group, "method.coding.0.code") == "897275008"  # AJCC 8th edition
        assert at(group, "focus.0.reference") == url_of(primary)
        assert at(primary, "stage.0.assessment.0.reference") == url_of(group)
        stage = ajcc8_anatomic_stage(tumour["t"], tumour["n"], tumour["m"])
        assert group.get("valueCodeableConcept") == ({"text": stage} if stage else None)
        member_urls = [m["reference"] for m in group["hasMember"]]
        assert members is not None
        for code, category in zip(members, (tumour["t"], tumour["n"], tumour["m"]), strict=True):
            (obs,) = by_code(out, code)
            assert url_of(obs) in member_urls and obs["valueCodeableConcept"] == {"text": category}
    else:  # no basis recorded: neither clinical nor pathological is claimed
        assert not by_code(out, "21908-9") and not by_code(out, "21902-2")
    for key, code in (("er_percent", "85337-4"), ("pr_percent", "85339-0")):
        found = by_code(out, code)
        if tumour.get(key) is None:
            assert found == []
        else:
            (obs,) = found
            assert at(obs, "valueQuantity.value") == tumour[key] and at(obs, "valueQuantity.code") == "%"
            assert obs["effectiveDateTime"] == tumour["diagnosis_date"]
            assert at(obs, "focus.0.reference") == url_of(primary)
    assert len(by_code(out, "48676-1")) == (tumour.get("her2_ihc") is not None)
    assert len(by_code(out, "85318-4")) == (tumour.get("her2_ish") is not None)
    ecog = by_code(out, "89247-1")
    assert [o["valueInteger"] for o in ecog] == ([patient_doc["ecog"]] if patient_doc.get("ecog") is not None
                                                  else [])
    therapies = doc.get("therapies", [])
    medications = of_type(out, "MedicationAdministration")
    procedures = of_type(out, "Procedure")
    assert len(medications) == sum(t["kind"] not in LOCAL_KINDS for t in therapies)
    assert len(procedures) == sum(t["kind"] in LOCAL_KINDS for t in therapies)
    for resource, therapy in zip([*medications, *procedures],
                                 [t for t in therapies if t["kind"] not in LOCAL_KINDS]
                                 + [t for t in therapies if t["kind"] in LOCAL_KINDS], strict=True):
        period = resource.get("effectivePeriod") or resource.get("performedPeriod")
        started = period["start"] if period else resource["performedDateTime"]
        assert started == therapy["start"]
        assert (period or {}).get("end") == therapy.get("end")
    status = by_code(out, "97509-4")
    recist = doc.get("recist") or {}
    dates = sorted(a["date"] for a in recist.get("assessments", []))
    # One disease status per assessment; none before a baseline (no response can be read then).
    expected = dates if dates and recist["baseline_date"] <= dates[-1] else []
    assert sorted(o["effectiveDateTime"] for o in status) == expected
    for obs in status:
        assert at(obs, "focus.0.reference") == url_of(primary)
        assert at(obs, "valueCodeableConcept.coding.0.system") == SNOMED
    assert len(observations) == len({o["id"] for o in observations})


@needs_examples
@pytest.mark.parametrize("doc", _example_docs() if EXAMPLES.is_dir() else [],
                         ids=lambda d: d["patient"]["mrn"])
def test_each_shared_example_gives_a_valid_bundle_with_the_codes_in_place(doc: dict[str, Any]) -> None:
    out = _bundle_of(doc)
    assert out["resourceType"] == "Bundle" and out["type"] == "collection"
    _check_case(doc, out)
    assert _bundle_of(doc) == out  # the same case gives the same ids (a receiver sees an update)
    # No mCODE profile is claimed until the bundle passes the HL7 validator (the code table says so).
    assert fhir_codes.table()["claim_profiles"] is False
    assert not [e for e in out["entry"] if "meta" in e["resource"]]


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case_documents())
def test_every_valid_case_document_gives_a_valid_bundle(drawn: tuple[dict[str, Any], date]) -> None:
    doc, _ = drawn
    if validate_case_document(doc):  # the strategy can draw what the cross-field rules refuse
        return
    _check_case(doc, _bundle_of(doc))


def _minimal() -> dict[str, Any]:
    return {"format": "tumorboard.case/1",
            "patient": {"mrn": "MIN-1", "birth_date": "1960-01-02", "sex": "female"},
            "tumour": {"primary_site": "breast", "diagnosis_date": "2024-03-04", "t": "TX", "n": "NX",
                       "m": "M0", "primary_intact": True},
            "metastatic": {"lesions": []}}


def test_what_the_case_does_not_hold_stays_out_of_the_bundle() -> None:
    out = _bundle_of(_minimal())
    validate_bundle(out)
    (patient,) = of_type(out, "Patient")
    assert "name" not in patient
    types = sorted(r["resourceType"] for r in (e["resource"] for e in out["entry"]))
    # Patient, the primary, the stage group with its T, N and M: nothing else was recorded.
    assert types == ["Condition", "Observation", "Observation", "Observation", "Observation", "Patient"]
    text = json.dumps(out)
    for absent in ("85337-4", "85339-0", "48676-1", "89247-1", "97509-4", "CarePlan", "Histology"):
        assert absent not in text
    (group,) = [o for o in of_type(out, "Observation") if "hasMember" in o]
    assert "valueCodeableConcept" not in group  # TX NX M0: no stage group, none made up
    assert "21908-9" not in text and "21902-2" not in text  # the basis was not recorded


def _decision(**changes: Any) -> MdtDecision:
    base = MdtDecision(
        decision_id=7, meeting_id=3, meeting_date=date(2025, 2, 3), meeting_state="signed", board="Breast MDT",
        category="systemic_therapy", text="Letrozole with ribociclib.", concordant=False,
        recorded_at=datetime(2025, 2, 3, 9, 30), ruleset_id="ombc", ruleset_version="1.1.0",
        deviation_reason="patient_preference",
        actions=(PlannedAction("Dental review", "Siobhán Byrne", date(2025, 2, 17)),
                 PlannedAction("Book CT", "Dr Novák")))
    return dataclasses.replace(base, **changes)


def test_a_decision_is_a_care_plan_with_its_actions_and_the_ruleset() -> None:
    out = _bundle_of(_minimal(), (_decision(),))
    validate_bundle(out)
    (plan,) = of_type(out, "CarePlan")
    (patient,) = of_type(out, "Patient")
    primary = of_type(out, "Condition")[0]
    assert plan["intent"] == "plan" and plan["status"] == "active"
    assert plan["created"] == "2025-02-03" and plan["description"] == "Letrozole with ribociclib."
    assert at(plan, "category.0.text") == "multidisciplinary assessment"
    assert at(plan, "subject.reference") == url_of(patient)
    assert at(plan, "addresses.0.reference") == url_of(primary)
    first, second = plan["activity"]
    assert at(first, "detail.description") == "Dental review"
    assert at(first, "detail.performer.0.display") == "Siobhán Byrne"
    assert at(first, "detail.scheduledPeriod.end") == "2025-02-17"
    assert at(first, "detail.status") == "unknown"  # no completion recorded: not guessed
    assert "scheduledPeriod" not in second["detail"]  # no due date given
    ruleset = {e["url"]: e["valueString"] for e in at(plan, "extension.0.extension")}
    assert ruleset == {"id": "ombc", "version": "1.1.0"}
    notes = [n["text"] for n in plan["note"]]
    assert any("ombc 1.1.0" in n and "decision support, not decision making" in n for n in notes)
    assert any("Departs from the guideline recommendation: Patient preference" in n for n in notes)
    assert not any(n.startswith("Implementation check") for n in notes)


@pytest.mark.parametrize(("check", "state", "status", "note"), [
    (None, "in_progress", "draft", None),
    (None, "closed", "active", None),
    (ImplementationCheck("fully"), "signed", "completed", "Implementation check: fully"),
    (ImplementationCheck("partly", "patient_wish"), "signed", "active",
     "Implementation check: partly; reason: patient wish"),
    (ImplementationCheck("not_done", "other", "moved away"), "signed", "revoked",
     "Implementation check: not done; reason: other; moved away"),
])
def test_care_plan_status_follows_the_meeting_and_the_implementation_check(
        check: ImplementationCheck | None, state: str, status: str, note: str | None) -> None:
    out = _bundle_of(_minimal(), (_decision(implementation=check, meeting_state=state),))
    validate_bundle(out)
    (plan,) = of_type(out, "CarePlan")
    assert plan["status"] == status
    notes = [n["text"] for n in plan["note"]]
    assert (note in notes) if note else not any(n.startswith("Implementation") for n in notes)


def test_a_completed_action_says_so_once_the_completion_record_gives_it() -> None:
    done = PlannedAction("Dental review", "S. Byrne", date(2025, 2, 17), status="completed",
                         completed_on=date(2025, 2, 12))
    out = _bundle_of(_minimal(), (_decision(actions=(done,)),))
    validate_bundle(out)
    (activity,) = of_type(out, "CarePlan")[0]["activity"]
    assert at(activity, "detail.status") == "completed" and at(activity, "progress.0.time") == "2025-02-12"


def test_two_cases_in_one_bundle_keep_their_own_resources() -> None:
    other = copy.deepcopy(_minimal())
    other["patient"]["mrn"] = "MIN-2"
    out = bundle([(case_from_document(_minimal()), ()), (case_from_document(other), ()),
                  (case_from_document(_minimal()), ())])
    validate_bundle(out)
    assert sorted(at(p, "identifier.0.value") for p in of_type(out, "Patient")) == ["MIN-1", "MIN-2"]
    assert len(out["entry"]) == 12  # the case given twice is there once


# ---------------------------------------------------------------- the code table


def _verhoeff_ok(number: str) -> bool:
    """SNOMED CT identifiers end in a Verhoeff check digit: a mistyped code fails it."""
    d = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
         [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
         [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
         [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
    p = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
         [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
         [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
    check = 0
    for i, digit in enumerate(reversed(number)):
        check = d[check][p[i % 8][int(digit)]]
    return check == 0


def _loinc_ok(code: str) -> bool:
    """LOINC codes end in a mod-10 check digit after the dash."""
    body, check = code.split("-")
    digits = [int(c) for c in body.zfill(len(body) + len(body) % 2)]
    odd = "".join(str(x) for x in digits[::-1][::2][::-1])
    even = [x for x in digits[::-1][1::2]]
    total = sum(int(c) for c in str(int(odd) * 2)) + sum(even)
    return (10 - total % 10) % 10 == int(check)


def _all_codes() -> list[tuple[str, str]]:
    table = fhir_codes.table()
    found = [(table["systems"][e.get("system", "snomed")], e["code"])
             for e in table["codes"].values() if "code" in e]
    for section in ("recist_status", "organ_body_sites", "bone_body_sites"):
        found += [(table["systems"][e.get("system", "snomed")], e["code"])
                  for e in table[section].values() if isinstance(e, dict) and "code" in e]
    return found


def test_every_code_in_the_table_is_well_formed_for_its_system() -> None:
    codes = _all_codes()
    assert len(codes) > 40
    for system, code in codes:
        if system == SNOMED:
            assert code.isdigit() and 6 <= len(code) <= 18 and _verhoeff_ok(code), code
            assert code[-3:-1] in ("00", "10"), f"{code} is not a concept id (partition)"
        elif system == LOINC:
            assert _loinc_ok(code), code


def test_the_check_digit_tests_would_catch_a_typo() -> None:
    assert _verhoeff_ok("254837009") and not _verhoeff_ok("254837008")
    assert _loinc_ok("85337-4") and not _loinc_ok("85337-5")


def test_every_organ_and_bone_of_the_case_document_has_a_body_site() -> None:
    table = fhir_codes.table()
    assert {o.value for o in Organ} <= set(table["organ_body_sites"])
    assert {b.value for b in BoneSite} <= set(table["bone_body_sites"])
    for section in ("organ_body_sites", "bone_body_sites"):
        for name, entry in table[section].items():
            if name != "about":
                assert "code" in entry or "text" in entry, name
