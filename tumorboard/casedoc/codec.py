"""Translate between a validated case document (dict) and the domain ``Case``.

``case_to_document`` writes the canonical form: required keys always, nullable keys explicitly
(``null`` = unknown), optional non-nullable keys only when known, lists always. Reading a
canonical document and writing it again gives the same document.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tumorboard.domain.case import (
    Case,
    Lesion,
    MetastaticDisease,
    Patient,
    RecistAssessment,
    RecistRecord,
    RecistTarget,
    Therapy,
    Tumour,
)
from tumorboard.domain.vocab import (
    BoneAgent,
    BoneSite,
    GermlineBrca,
    Her2Ihc,
    Her2Ish,
    LocalTarget,
    MenopausalStatus,
    MutationStatus,
    NonTargetResponse,
    Organ,
    PrimarySymptom,
    Sex,
    StagingModality,
    TargetSite,
    TherapyClass,
    TherapyKind,
    TherapySetting,
    TnmBasis,
)

FORMAT = "tumorboard.case/1"


def _d(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _opt(enum: Any, value: Any) -> Any:
    return None if value is None else enum(value)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def case_from_document(doc: dict[str, Any]) -> Case:
    """Build a Case from a document that ``validate_case_document`` accepted."""
    p = doc["patient"]
    patient = Patient(
        mrn=p["mrn"],
        birth_date=date.fromisoformat(p["birth_date"]),
        sex=Sex(p["sex"]),
        name=p.get("name"),
        menopausal_status=_opt(MenopausalStatus, p.get("menopausal_status")),
        ecog=p.get("ecog"),
    )
    t = doc["tumour"]
    tumour = Tumour(
        diagnosis_date=date.fromisoformat(t["diagnosis_date"]),
        t=t["t"],
        n=t["n"],
        m=t["m"],
        primary_intact=t["primary_intact"],
        histology=t.get("histology"),
        grade=t.get("grade"),
        er_percent=_num(t.get("er_percent")),
        pr_percent=_num(t.get("pr_percent")),
        her2_ihc=_opt(Her2Ihc, t.get("her2_ihc")),
        her2_ish=_opt(Her2Ish, t.get("her2_ish")),
        germline_brca=_opt(GermlineBrca, t.get("germline_brca")),
        tnm_basis=_opt(TnmBasis, t.get("tnm_basis")),
        primary_symptoms=tuple(PrimarySymptom(s) for s in t.get("primary_symptoms", ())),
        complete_clearance_feasible=t.get("complete_clearance_feasible"),
        pdl1_cps=_num(t.get("pdl1_cps")),
        esr1=_opt(MutationStatus, t.get("esr1")),
        pik3ca_pathway=_opt(MutationStatus, t.get("pik3ca_pathway")),
    )
    m = doc["metastatic"]
    history = m.get("history", {})
    metastatic = MetastaticDisease(
        lesions=tuple(
            Lesion(
                organ=Organ(les["organ"]),
                bone_site=_opt(BoneSite, les.get("bone_site")),
                site=les.get("site"),
                size_mm=_num(les.get("size_mm")),
                detected=_d(les.get("detected")),
            )
            for les in m["lesions"]
        ),
        diagnosis_date=_d(m.get("diagnosis_date")),
        current_state_date=_d(m.get("current_state_date")),
        diffuse=m.get("diffuse"),
        visceral_crisis=m.get("visceral_crisis"),
        staging_modalities=tuple(StagingModality(s) for s in m.get("staging_modalities", ())),
        biopsy_done=m.get("biopsy_done"),
        prior_polymetastatic=history.get("prior_polymetastatic"),
        prior_oligometastatic=history.get("prior_oligometastatic"),
        cord_compression_symptoms=m.get("cord_compression_symptoms"),
    )
    therapies = tuple(
        Therapy(
            kind=TherapyKind(th["kind"]),
            start=date.fromisoformat(th["start"]),
            end=_d(th.get("end")),
            regimen=th.get("regimen"),
            classes=tuple(TherapyClass(c) for c in th.get("classes", ())),
            setting=_opt(TherapySetting, th.get("setting")),
            line=th.get("line"),
            agent=_opt(BoneAgent, th.get("agent")),
            target=_opt(LocalTarget, th.get("target")),
        )
        for th in doc.get("therapies", ())
    )
    r = doc.get("recist")
    recist = None
    if r is not None:
        recist = RecistRecord(
            baseline_date=date.fromisoformat(r["baseline_date"]),
            targets=tuple(
                RecistTarget(name=x["name"], nodal=x["nodal"], baseline_mm=float(x["baseline_mm"]),
                             organ=x.get("organ"), site=_opt(TargetSite, x.get("site")))
                for x in r["targets"]
            ),
            non_targets=tuple(r.get("non_targets", ())),
            assessments=tuple(
                RecistAssessment(
                    date=date.fromisoformat(a["date"]),
                    target_mm=tuple(_num(v) for v in a["target_mm"]),
                    non_target=NonTargetResponse(a["non_target"]),
                    new_lesions=a["new_lesions"],
                )
                for a in r.get("assessments", ())
            ),
        )
    return Case(
        patient=patient,
        tumour=tumour,
        metastatic=metastatic,
        therapies=therapies,
        dental_evaluation_date=_d(doc.get("dental_evaluation_date")),
        mdt_discussions=tuple(date.fromisoformat(x) for x in doc.get("mdt_discussions", ())),
        recist=recist,
    )


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _out_num(value: float | None) -> int | float | None:
    """Whole numbers are written without a decimal point, as people type them."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def case_to_document(case: Case) -> dict[str, Any]:
    """The canonical case document v1 for ``case``; it validates against the schema."""
    p = case.patient
    patient: dict[str, Any] = {"mrn": p.mrn}
    _put(patient, "name", p.name)
    patient["birth_date"] = p.birth_date.isoformat()
    patient["sex"] = p.sex.value
    _put(patient, "menopausal_status", p.menopausal_status and p.menopausal_status.value)
    _put(patient, "ecog", p.ecog)

    t = case.tumour
    tumour: dict[str, Any] = {"primary_site": t.primary_site,
                              "diagnosis_date": t.diagnosis_date.isoformat()}
    _put(tumour, "histology", t.histology)
    tumour["grade"] = t.grade
    tumour["er_percent"] = _out_num(t.er_percent)
    tumour["pr_percent"] = _out_num(t.pr_percent)
    tumour["her2_ihc"] = t.her2_ihc and t.her2_ihc.value
    tumour["her2_ish"] = t.her2_ish and t.her2_ish.value
    _put(tumour, "germline_brca", t.germline_brca and t.germline_brca.value)
    _put(tumour, "tnm_basis", t.tnm_basis and t.tnm_basis.value)
    tumour.update(t=t.t, n=t.n, m=t.m, primary_intact=t.primary_intact)
    tumour["primary_symptoms"] = [s.value for s in t.primary_symptoms]
    tumour["complete_clearance_feasible"] = t.complete_clearance_feasible
    # Ruleset 1.1 fields are optional: written only when recorded, so a 1.0 document reads and
    # writes back unchanged (pdl1_cps may be null in a document; absent and null both mean unknown).
    _put(tumour, "pdl1_cps", _out_num(t.pdl1_cps))
    _put(tumour, "esr1", t.esr1 and t.esr1.value)
    _put(tumour, "pik3ca_pathway", t.pik3ca_pathway and t.pik3ca_pathway.value)

    m = case.metastatic
    metastatic: dict[str, Any] = {}
    _put(metastatic, "diagnosis_date", _iso(m.diagnosis_date))
    _put(metastatic, "current_state_date", _iso(m.current_state_date))
    lesions = []
    for les in m.lesions:
        item: dict[str, Any] = {"organ": les.organ.value}
        if les.organ is Organ.BONE or les.bone_site is not None:
            item["bone_site"] = les.bone_site and les.bone_site.value
        _put(item, "site", les.site)
        item["size_mm"] = _out_num(les.size_mm)
        _put(item, "detected", _iso(les.detected))
        lesions.append(item)
    metastatic["lesions"] = lesions
    _put(metastatic, "diffuse", m.diffuse)
    _put(metastatic, "visceral_crisis", m.visceral_crisis)
    metastatic["staging_modalities"] = [s.value for s in m.staging_modalities]
    _put(metastatic, "biopsy_done", m.biopsy_done)
    _put(metastatic, "cord_compression_symptoms", m.cord_compression_symptoms)
    history: dict[str, Any] = {}
    _put(history, "prior_polymetastatic", m.prior_polymetastatic)
    _put(history, "prior_oligometastatic", m.prior_oligometastatic)
    if history:
        metastatic["history"] = history

    therapies = []
    for th in case.therapies:
        item = {"kind": th.kind.value}
        _put(item, "regimen", th.regimen)
        if th.classes:
            item["classes"] = [c.value for c in th.classes]
        _put(item, "setting", th.setting and th.setting.value)
        if th.kind is TherapyKind.SYSTEMIC or th.line is not None:
            item["line"] = th.line
        _put(item, "agent", th.agent and th.agent.value)
        _put(item, "target", th.target and th.target.value)
        item["start"] = th.start.isoformat()
        item["end"] = _iso(th.end)
        therapies.append(item)

    doc: dict[str, Any] = {
        "format": FORMAT,
        "patient": patient,
        "tumour": tumour,
        "metastatic": metastatic,
        "therapies": therapies,
        "dental_evaluation_date": _iso(case.dental_evaluation_date),
        "mdt_discussions": [x.isoformat() for x in case.mdt_discussions],
    }
    r = case.recist
    if r is None:
        doc["recist"] = None
    else:
        doc["recist"] = {
            "baseline_date": r.baseline_date.isoformat(),
            "targets": [
                {"name": x.name, **({"organ": x.organ} if x.organ is not None else {}),
                 **({"site": x.site.value} if x.site is not None else {}),
                 "nodal": x.nodal, "baseline_mm": _out_num(x.baseline_mm)}
                for x in r.targets
            ],
            "non_targets": list(r.non_targets),
            "assessments": [
                {"date": a.date.isoformat(), "target_mm": [_out_num(v) for v in a.target_mm],
                 "non_target": a.non_target.value, "new_lesions": a.new_lesions}
                for a in r.assessments
            ],
        }
    return doc
