"""Mapping between the domain ``Case`` and its rows (cases, lesions, therapies, RECIST, MDT dates)."""

from __future__ import annotations

import json
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
from tumorboard.store.models import (
    CaseRow,
    LesionRow,
    MdtDiscussionRow,
    PatientRow,
    RecistAssessmentRow,
    RecistTargetRow,
    TherapyRow,
)


def _csv(values: tuple[Any, ...]) -> str:
    return ",".join(str(v) for v in values)


def _split(text: str) -> list[str]:
    return [v for v in text.split(",") if v]


def _opt(enum: Any, value: str | None) -> Any:
    return None if value is None else enum(value)


def patient_columns(p: Patient) -> dict[str, Any]:
    return {"mrn": p.mrn, "name": p.name, "birth_date": p.birth_date, "sex": p.sex.value,
            "menopausal_status": p.menopausal_status.value if p.menopausal_status else None,
            "ecog": p.ecog}


def case_columns(case: Case) -> dict[str, Any]:
    """The clinical columns of the ``cases`` row for ``case``."""
    t, m = case.tumour, case.metastatic
    r = case.recist
    return {
        "tumour_diagnosis_date": t.diagnosis_date, "histology": t.histology, "grade": t.grade,
        "er_percent": t.er_percent, "pr_percent": t.pr_percent,
        "her2_ihc": t.her2_ihc.value if t.her2_ihc else None,
        "her2_ish": t.her2_ish.value if t.her2_ish else None,
        "germline_brca": t.germline_brca.value if t.germline_brca else None,
        "tnm_basis": t.tnm_basis.value if t.tnm_basis else None,
        "t": t.t, "n": t.n, "m": t.m, "primary_intact": t.primary_intact,
        "primary_symptoms": _csv(t.primary_symptoms),
        "complete_clearance_feasible": t.complete_clearance_feasible,
        "pdl1_cps": t.pdl1_cps, "esr1": t.esr1.value if t.esr1 else None,
        "pik3ca_pathway": t.pik3ca_pathway.value if t.pik3ca_pathway else None,
        "metastatic_diagnosis_date": m.diagnosis_date, "current_state_date": m.current_state_date,
        "diffuse": m.diffuse, "visceral_crisis": m.visceral_crisis,
        "staging_modalities": _csv(m.staging_modalities), "biopsy_done": m.biopsy_done,
        "prior_polymetastatic": m.prior_polymetastatic, "prior_oligometastatic": m.prior_oligometastatic,
        "cord_compression_symptoms": m.cord_compression_symptoms,
        "dental_evaluation_date": case.dental_evaluation_date,
        "recist_baseline_date": r.baseline_date if r else None,
        "recist_non_targets": json.dumps(list(r.non_targets) if r else []),
    }


def child_rows(case: Case) -> dict[type[Any], list[dict[str, Any]]]:
    """Rows of the child tables for ``case`` (without case_id), by ORM class."""
    r = case.recist
    return {
        LesionRow: [
            {"position": i, "organ": les.organ.value,
             "bone_site": les.bone_site.value if les.bone_site else None, "site": les.site,
             "size_mm": les.size_mm, "detected": les.detected}
            for i, les in enumerate(case.metastatic.lesions)],
        TherapyRow: [
            {"position": i, "kind": th.kind.value, "regimen": th.regimen, "classes": _csv(th.classes),
             "setting": th.setting.value if th.setting else None, "line": th.line,
             "agent": th.agent.value if th.agent else None,
             "target": th.target.value if th.target else None, "start": th.start, "end": th.end}
            for i, th in enumerate(case.therapies)],
        MdtDiscussionRow: [{"position": i, "date": d} for i, d in enumerate(case.mdt_discussions)],
        RecistTargetRow: [
            {"position": i, "name": x.name, "organ": x.organ,
             "site": x.site.value if x.site else None, "nodal": x.nodal, "baseline_mm": x.baseline_mm}
            for i, x in enumerate(r.targets if r else ())],
        RecistAssessmentRow: [
            {"position": i, "date": a.date, "target_mm": json.dumps(list(a.target_mm)),
             "non_target": a.non_target.value, "new_lesions": a.new_lesions}
            for i, a in enumerate(r.assessments if r else ())],
    }


def fill_patient(row: PatientRow, p: Patient) -> None:
    for key, value in patient_columns(p).items():
        setattr(row, key, value)


def fill_case(row: CaseRow, case: Case) -> None:
    """Write the clinical content of ``case`` into ``row`` and replace its child rows."""
    for key, value in case_columns(case).items():
        setattr(row, key, value)
    children = child_rows(case)
    row.lesions = [LesionRow(**d) for d in children[LesionRow]]
    row.therapies = [TherapyRow(**d) for d in children[TherapyRow]]
    row.discussions = [MdtDiscussionRow(**d) for d in children[MdtDiscussionRow]]
    row.targets = [RecistTargetRow(**d) for d in children[RecistTargetRow]]
    row.assessments = [RecistAssessmentRow(**d) for d in children[RecistAssessmentRow]]


def case_from_rows(row: CaseRow) -> Case:
    p = row.patient
    patient = Patient(mrn=p.mrn, birth_date=p.birth_date, sex=Sex(p.sex), name=p.name,
                      menopausal_status=_opt(MenopausalStatus, p.menopausal_status), ecog=p.ecog)
    tumour = Tumour(
        diagnosis_date=row.tumour_diagnosis_date, t=row.t, n=row.n, m=row.m,
        primary_intact=row.primary_intact, histology=row.histology, grade=row.grade,
        er_percent=row.er_percent, pr_percent=row.pr_percent,
        her2_ihc=_opt(Her2Ihc, row.her2_ihc), her2_ish=_opt(Her2Ish, row.her2_ish),
        germline_brca=_opt(GermlineBrca, row.germline_brca), tnm_basis=_opt(TnmBasis, row.tnm_basis),
        primary_symptoms=tuple(PrimarySymptom(s) for s in _split(row.primary_symptoms)),
        complete_clearance_feasible=row.complete_clearance_feasible,
        pdl1_cps=row.pdl1_cps, esr1=_opt(MutationStatus, row.esr1),
        pik3ca_pathway=_opt(MutationStatus, row.pik3ca_pathway),
    )
    metastatic = MetastaticDisease(
        lesions=tuple(Lesion(Organ(x.organ), _opt(BoneSite, x.bone_site), x.site, x.size_mm, x.detected)
                      for x in row.lesions),
        diagnosis_date=row.metastatic_diagnosis_date, current_state_date=row.current_state_date,
        diffuse=row.diffuse, visceral_crisis=row.visceral_crisis,
        staging_modalities=tuple(StagingModality(s) for s in _split(row.staging_modalities)),
        biopsy_done=row.biopsy_done, prior_polymetastatic=row.prior_polymetastatic,
        prior_oligometastatic=row.prior_oligometastatic,
        cord_compression_symptoms=row.cord_compression_symptoms,
    )
    therapies = tuple(
        Therapy(kind=TherapyKind(x.kind), start=x.start, end=x.end, regimen=x.regimen,
                classes=tuple(TherapyClass(c) for c in _split(x.classes)),
                setting=_opt(TherapySetting, x.setting), line=x.line, agent=_opt(BoneAgent, x.agent),
                target=_opt(LocalTarget, x.target))
        for x in row.therapies
    )
    recist = None
    if row.recist_baseline_date is not None:
        recist = RecistRecord(
            baseline_date=row.recist_baseline_date,
            targets=tuple(RecistTarget(x.name, x.nodal, x.baseline_mm, x.organ,
                                       _opt(TargetSite, x.site)) for x in row.targets),
            non_targets=tuple(json.loads(row.recist_non_targets)),
            assessments=tuple(
                RecistAssessment(a.date, tuple(json.loads(a.target_mm)), NonTargetResponse(a.non_target),
                                 a.new_lesions)
                for a in row.assessments),
        )
    return Case(patient=patient, tumour=tumour, metastatic=metastatic, therapies=therapies,
                dental_evaluation_date=row.dental_evaluation_date,
                mdt_discussions=tuple(d.date for d in row.discussions), recist=recist)
