"""The patient, the cancer and its biology as mCODE-shaped FHIR R4 resources (plain dicts).

Only what the case records: a field the case does not hold is left out, never filled in. Dates
of the biomarkers and of the TNM are the tumour's diagnosis date because the case records them
"at initial diagnosis" (domain.case.Tumour); ECOG carries no date because the case has none.
"""

from __future__ import annotations

from typing import Any

from tumorboard.domain.case import Case, Lesion
from tumorboard.domain.vocab import Organ, TnmBasis
from tumorboard.interop import fhir_codes as codes
from tumorboard.interop.fhir_ids import reference, resource_id
from tumorboard.recommend.staging import ajcc8_anatomic_stage

Resource = dict[str, Any]


def ids_for(mrn: str) -> dict[str, str]:
    return {"patient": resource_id(mrn, "patient"), "primary": resource_id(mrn, "primary")}


def _meta(name: str) -> dict[str, Any]:
    return codes.meta(name)


def patient(case: Case) -> Resource:
    p = case.patient
    out: Resource = {"resourceType": "Patient", "id": ids_for(p.mrn)["patient"], **_meta("patient"),
                     "identifier": [{"type": {"coding": [codes.coding("medical_record_number")]},
                                     "value": p.mrn}],
                     "gender": p.sex.value, "birthDate": p.birth_date.isoformat()}
    if p.name:
        out["name"] = [{"text": p.name}]
    return out


def primary_condition(case: Case, stage_id: str | None) -> Resource:
    t = case.tumour
    ids = ids_for(case.patient.mrn)
    out: Resource = {
        "resourceType": "Condition", "id": ids["primary"], **_meta("primary_cancer_condition"),
        "code": codes.concept("breast_cancer"),
        "bodySite": [codes.concept("breast_structure")],
        "subject": reference(ids["patient"]),
        "onsetDateTime": t.diagnosis_date.isoformat(),
    }
    if stage_id is not None:
        out["stage"] = [{"assessment": [reference(stage_id)]}]
    notes = [text for text in (f"Histology: {t.histology}" if t.histology else None,
                               f"Grade: {t.grade}" if t.grade is not None else None) if text]
    if notes:
        out["note"] = [{"text": n} for n in notes]
    return out


def _lesion_site(lesion: Lesion) -> dict[str, Any]:
    if lesion.organ is Organ.BONE and lesion.bone_site is not None:
        return codes.bone_site(lesion.bone_site.value, lesion.site)
    return codes.organ_site(lesion.organ.value, lesion.site)


def secondary_conditions(case: Case) -> list[Resource]:
    ids = ids_for(case.patient.mrn)
    out = []
    for number, lesion in enumerate(case.metastatic.lesions, start=1):
        condition: Resource = {
            "resourceType": "Condition", "id": resource_id(case.patient.mrn, "lesion", number),
            **_meta("secondary_cancer_condition"),
            "extension": [{"url": codes.extension_url("condition_related"),
                           "valueReference": reference(ids["primary"])}],
            "code": codes.concept("secondary_malignancy"),
            "bodySite": [_lesion_site(lesion)],
            "subject": reference(ids["patient"]),
        }
        if lesion.detected is not None:
            condition["onsetDateTime"] = lesion.detected.isoformat()
        if lesion.size_mm is not None:
            condition["note"] = [{"text": f"Largest diameter {lesion.size_mm:g} mm"}]
        out.append(condition)
    return out


def _observation(mrn: str, key: str, profile: str | None, code: dict[str, Any],
                 value: dict[str, Any] | None, *, when: str | None, category: str | None,
                 about_primary: bool = True) -> Resource:
    ids = ids_for(mrn)
    out: Resource = {"resourceType": "Observation", "id": resource_id(mrn, "observation", key)}
    if profile:
        out.update(_meta(profile))
    out["status"] = "final"  # what the case holds was recorded (no preliminary values are kept)
    if category:
        out["category"] = [{"coding": [codes.coding(category)]}]
    out["code"] = code
    out["subject"] = reference(ids["patient"])
    if about_primary:
        out["focus"] = [reference(ids["primary"])]
    if when:
        out["effectiveDateTime"] = when
    if value:
        out.update(value)
    return out


def staging(case: Case) -> tuple[str | None, list[Resource]]:
    """The TNM stage group with the T, N and M categories as its members; (id of the group, all)."""
    t = case.tumour
    mrn = case.patient.mrn
    when = t.diagnosis_date.isoformat()
    basis = t.tnm_basis
    names = {TnmBasis.CLINICAL: "clinical", TnmBasis.PATHOLOGICAL: "pathological"}
    suffix = names.get(basis) if basis else None
    members = []
    for letter, value, profile in (("t", t.t, "tnm_primary_tumor_category"),
                                   ("n", t.n, "tnm_regional_nodes_category"),
                                   ("m", t.m, "tnm_distant_metastases_category")):
        # Without the basis (clinical or pathological) there is no LOINC code to choose: text only.
        code = codes.concept(f"{letter}_{suffix}") if suffix else {
            "text": f"TNM {letter.upper()} category (clinical or pathological: not recorded)"}
        obs = _observation(mrn, f"tnm-{letter}", profile if suffix else None, code,
                           {"valueCodeableConcept": {"text": value}}, when=when, category=None)
        obs["method"] = codes.concept("ajcc_8th")
        members.append(obs)
    group_code = codes.concept(f"stage_group_{suffix}") if suffix else {
        "text": "TNM stage group (clinical or pathological: not recorded)"}
    stage = ajcc8_anatomic_stage(t.t, t.n, t.m)
    group = _observation(mrn, "tnm-stage-group", "tnm_stage_group" if suffix else None, group_code,
                         {"valueCodeableConcept": {"text": stage}} if stage else None,
                         when=when, category=None)
    group["method"] = codes.concept("ajcc_8th")
    group["hasMember"] = [reference(m["id"]) for m in members]
    return group["id"], [group, *members]


def biomarkers(case: Case) -> list[Resource]:
    t = case.tumour
    mrn = case.patient.mrn
    when = t.diagnosis_date.isoformat()
    out = []
    for key, percent in (("er", t.er_percent), ("pr", t.pr_percent)):
        if percent is not None:
            value = {"valueQuantity": {"value": percent, "unit": "%", "system": codes.system("ucum"),
                                       "code": "%"}}
            out.append(_observation(mrn, key, "tumor_marker_test", codes.concept(key), value, when=when,
                                    category="laboratory"))
    if t.her2_ihc is not None:
        out.append(_observation(mrn, "her2-ihc", "tumor_marker_test", codes.concept("her2_ihc"),
                                {"valueCodeableConcept": {"text": f"IHC {t.her2_ihc.value}"}}, when=when,
                                category="laboratory"))
    if t.her2_ish is not None:
        out.append(_observation(mrn, "her2-ish", "tumor_marker_test", codes.concept("her2_ish"),
                                {"valueCodeableConcept": {"text": t.her2_ish.value.replace("_", " ")}},
                                when=when, category="laboratory"))
    if case.patient.ecog is not None:
        out.append(_observation(mrn, "ecog", "ecog", codes.concept("ecog"),
                                {"valueInteger": case.patient.ecog}, when=None, category="survey",
                                about_primary=False))
    return out
