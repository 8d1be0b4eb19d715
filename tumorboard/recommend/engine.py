"""Evaluate one case at one date against the guideline ruleset: pure, deterministic, no I/O."""

from __future__ import annotations

from datetime import date

from tumorboard.domain.case import Case
from tumorboard.domain.dates import completed_years
from tumorboard.domain.vocab import Organ
from tumorboard.recommend.biology import her2_category, hormone_receptor
from tumorboard.recommend.bone import bone_health
from tumorboard.recommend.criteria import shared_criteria
from tumorboard.recommend.disease import disease_extent, distant_lesions
from tumorboard.recommend.facts import CaseFacts
from tumorboard.recommend.metastasis_directed import metastasis_directed_verdict
from tumorboard.recommend.primary import primary_tumour_verdict
from tumorboard.recommend.response import assessments_as_of, recist_summary, response_window
from tumorboard.recommend.result import Recommendation
from tumorboard.recommend.ruleset import Ruleset, default_ruleset
from tumorboard.recommend.staging import ajcc8_anatomic_stage
from tumorboard.recommend.warnings import guideline_warnings


def derive_facts(case: Case, as_of: date, rs: Ruleset) -> CaseFacts:
    met = case.metastatic
    # A RECIST baseline dated after the evaluation date is not yet evidence, nor are its assessments.
    recist = case.recist if case.recist is not None and case.recist.baseline_date <= as_of else None
    assessments = assessments_as_of(recist, as_of)
    summary = recist_summary(recist, as_of, assessments)
    lesions = distant_lesions(case, as_of)
    window = response_window(case, as_of, int(rs.threshold("response_window_opens_months")),
                             int(rs.threshold("response_window_closes_months")), assessments)
    extent = disease_extent(case, as_of, lesions, summary.latest if summary else None,
                            int(rs.threshold("oligometastatic_max_lesions")),
                            int(rs.threshold("synchronous_cutoff_months")))
    opens = window.opens
    in_window = tuple(a for a in assessments if a.date >= opens) if opens else ()
    tp_in_window = (tuple(tp for tp in summary.timepoints if tp.date >= opens)
                    if opens and summary else ())
    bone_lesions = tuple(les for les in lesions if les.organ is Organ.BONE)
    bone_sites = {les.bone_site for les in bone_lesions if les.bone_site is not None}
    return CaseFacts(
        case=case,
        as_of=as_of,
        age=(completed_years(case.patient.birth_date, met.diagnosis_date)
             if met.diagnosis_date else None),
        hormone_receptor=hormone_receptor(case.tumour,
                                          rs.threshold("hormone_receptor_positive_min_percent")),
        her2=her2_category(case.tumour),
        stage=ajcc8_anatomic_stage(case.tumour.t, case.tumour.n, case.tumour.m),
        lesions=tuple(lesions),
        extent=extent,
        window=window,
        assessments=tuple(assessments),
        recist=summary,
        bone_lesions=bone_lesions,
        assessments_in_window=in_window,
        timepoints_in_window=tp_in_window,
        orthopaedic_required_sites=tuple(sorted(
            bone_sites.intersection(rs.threshold("orthopaedic_required_bone_sites")))),
        orthopaedic_advisory_sites=tuple(sorted(
            bone_sites.intersection(rs.threshold("orthopaedic_advisory_bone_sites")))),
    )


def case_facts(case: Case, as_of: date, ruleset: Ruleset | None = None) -> CaseFacts:
    """The facts ``evaluate`` builds its verdicts on (biology, stage, extent, response window,
    RECIST), without the verdicts: what the worklist stores for every saved case. A
    recommendation's own facts are these, copied field for field."""
    return derive_facts(case, as_of, ruleset or default_ruleset())


def evaluate(case: Case, as_of: date, ruleset: Ruleset | None = None) -> Recommendation:
    """What the guideline says for ``case`` on ``as_of`` (normally the MDT meeting date)."""
    rs = ruleset or default_ruleset()
    f = derive_facts(case, as_of, rs)
    shared = shared_criteria(f, rs)
    primary = primary_tumour_verdict(f, rs, shared)
    mdt = metastasis_directed_verdict(f, rs, shared)
    bone = bone_health(f, rs)
    warnings = guideline_warnings(f, rs, primary, mdt, bone)
    return Recommendation(
        as_of=as_of,
        ruleset_id=rs.id,
        ruleset_version=rs.version,
        age_at_metastatic_diagnosis=f.age,
        hormone_receptor=f.hormone_receptor,
        her2=f.her2,
        ajcc8_anatomic=f.stage,
        disease=f.extent,
        response_window=f.window,
        recist=f.recist,
        primary_tumour=primary,
        metastasis_directed_therapy=mdt,
        bone_health=bone,
        warnings=warnings,
    )


def cited_references(rec: Recommendation) -> list[str]:
    """Every reference id the recommendation cites anywhere, sorted."""
    p, m = rec.primary_tumour, rec.metastasis_directed_therapy
    cited: set[str] = set(p.references) | set(m.references)
    for criterion in (*p.criteria, *p.extra_criteria, *m.criteria, *m.eligibility):
        cited.update(criterion.references)
    for counsel in (*p.counselling, *m.counselling, *rec.bone_health.notes):
        cited.update(counsel.references)
    for warning in rec.warnings:
        cited.update(warning.references)
    return sorted(cited)
