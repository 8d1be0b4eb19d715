"""Treatments and response as FHIR R4 resources: a MedicationAdministration per systemic or
bone-modifying therapy, a Procedure per surgery, radiotherapy or ablation, and a
CancerDiseaseStatus Observation per RECIST assessment.

Status words follow the case record's own convention: a therapy without an end date is ongoing
(as the recommendation engine reads it); surgery and ablation, done on the day recorded, are
completed. The treatment intent (curative / palliative) is not recorded by the case, so it is
not written; the setting and line, which are, go into a note.
"""

from __future__ import annotations

from tumorboard.domain.case import Case, Therapy
from tumorboard.domain.vocab import LocalTarget, TherapyKind
from tumorboard.interop import fhir_codes as codes
from tumorboard.interop.fhir_case import Resource, ids_for
from tumorboard.interop.fhir_ids import reference, resource_id
from tumorboard.recommend.response import assessments_as_of, recist_summary

_WORDS = {"cdk46_inhibitor": "CDK4/6 inhibitor", "anti_her2": "anti-HER2", "adc": "antibody-drug conjugate",
          "parp_inhibitor": "PARP inhibitor", "ovarian_suppression": "ovarian suppression",
          "zoledronic_acid": "zoledronic acid"}


def _word(value: str) -> str:
    return _WORDS.get(value, value.replace("_", " "))


def _period(therapy: Therapy) -> dict[str, str]:
    period = {"start": therapy.start.isoformat()}
    if therapy.end is not None:
        period["end"] = therapy.end.isoformat()
    return period


def _medication_text(therapy: Therapy) -> str:
    if therapy.kind is TherapyKind.BONE_MODIFYING:
        return _word(therapy.agent.value) if therapy.agent else "bone-modifying agent (not recorded)"
    if therapy.regimen:
        return therapy.regimen
    if therapy.classes:
        return ", ".join(_word(c.value) for c in therapy.classes) + " (regimen not recorded)"
    return "systemic therapy (regimen not recorded)"


def _medication(case: Case, number: int, therapy: Therapy) -> Resource:
    ids = ids_for(case.patient.mrn)
    out: Resource = {
        "resourceType": "MedicationAdministration",
        "id": resource_id(case.patient.mrn, "therapy", number),
        **codes.meta("medication_administration"),
        "status": "completed" if therapy.end is not None else "in-progress",
        "medicationCodeableConcept": {"text": _medication_text(therapy)},
        "subject": reference(ids["patient"]),
        "effectivePeriod": _period(therapy),
        "reasonReference": [reference(ids["primary"])],
    }
    notes = []
    if therapy.kind is TherapyKind.SYSTEMIC and therapy.regimen and therapy.classes:
        notes.append("classes: " + ", ".join(_word(c.value) for c in therapy.classes))
    if therapy.setting is not None:
        notes.append(f"setting: {therapy.setting.value}")
    if therapy.line is not None:
        notes.append(f"line: {therapy.line}")
    if notes:
        out["note"] = [{"text": "; ".join(notes)}]
    return out


def _procedure(case: Case, number: int, therapy: Therapy) -> Resource:
    ids = ids_for(case.patient.mrn)
    key, profile = {TherapyKind.SURGERY: ("surgical_procedure", "surgical_procedure"),
                    TherapyKind.RADIOTHERAPY: ("radiotherapy", "radiotherapy_course"),
                    TherapyKind.ABLATION: ("ablation", None)}[therapy.kind]
    target = {LocalTarget.PRIMARY: "of the primary tumour",
              LocalTarget.METASTASIS: "of a metastasis"}.get(therapy.target) if therapy.target else None
    label = {"surgical_procedure": "Surgery", "radiotherapy": "Radiotherapy", "ablation": "Ablation"}[key]
    out: Resource = {"resourceType": "Procedure", "id": resource_id(case.patient.mrn, "therapy", number)}
    if profile:
        out.update(codes.meta(profile))
    ongoing = therapy.kind is TherapyKind.RADIOTHERAPY and therapy.end is None
    out.update({
        "status": "in-progress" if ongoing else "completed",
        "code": codes.concept(key, f"{label} {target}" if target else label),
        "subject": reference(ids["patient"]),
    })
    if therapy.end is None and therapy.kind is not TherapyKind.RADIOTHERAPY:
        out["performedDateTime"] = therapy.start.isoformat()
    else:
        out["performedPeriod"] = _period(therapy)
    out["reasonReference"] = [reference(ids["primary"])]
    if therapy.target is LocalTarget.PRIMARY:
        out["bodySite"] = [codes.concept("breast_structure")]
    return out


def therapies(case: Case) -> list[Resource]:
    out = []
    for number, therapy in enumerate(case.therapies, start=1):
        if therapy.kind in (TherapyKind.SYSTEMIC, TherapyKind.BONE_MODIFYING):
            out.append(_medication(case, number, therapy))
        else:
            out.append(_procedure(case, number, therapy))
    return out


def disease_status(case: Case) -> list[Resource]:
    """One mCODE CancerDiseaseStatus per RECIST assessment, its value the overall response the
    app computes (RECIST 1.1, recommend.response) mapped through the code table."""
    recist = case.recist
    if recist is None or not recist.assessments:
        return []
    assessments = assessments_as_of(recist, max(a.date for a in recist.assessments))
    summary = recist_summary(recist, max(a.date for a in assessments), assessments)
    if summary is None:
        return []
    ids = ids_for(case.patient.mrn)
    out = []
    for number, timepoint in enumerate(summary.timepoints, start=1):
        obs: Resource = {
            "resourceType": "Observation",
            "id": resource_id(case.patient.mrn, "recist", number, timepoint.date.isoformat()),
            **codes.meta("disease_status"),
            "extension": [{"url": codes.extension_url("disease_status_evidence_type"),
                           "valueCodeableConcept": codes.concept("imaging")}],
            "status": "final",
            "code": codes.concept("disease_status"),
            "subject": reference(ids["patient"]),
            "focus": [reference(ids["primary"])],
            "effectiveDateTime": timepoint.date.isoformat(),
        }
        value = codes.recist_status(timepoint.overall)
        if value is not None:
            obs["valueCodeableConcept"] = value
        out.append(obs)
    return out
