"""Evaluate one case at one date against the guideline ruleset: pure, deterministic, no I/O."""

from __future__ import annotations

from datetime import date

from tumorboard.domain.case import Case
from tumorboard.domain.dates import completed_years
from tumorboard.recommend.biology import her2_category, hormone_receptor
from tumorboard.recommend.bone import bone_health
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
    )


def evaluate(case: Case, as_of: date, ruleset: Ruleset | None = None) -> Recommendation:
    """What the guideline says for ``case`` on ``as_of`` (normally the MDT meeting date)."""
    rs = ruleset or default_ruleset()
    f = derive_facts(case, as_of, rs)
    primary = primary_tumour_verdict(f, rs)
    mdt = metastasis_directed_verdict(f, rs)
    bone = bone_health(f, rs)
    warnings = guideline_warnings(f, rs, primary, mdt, bone)
    cited: dict[str, None] = {}
    for refs in (primary.references, mdt.references,
                 *(c.references for c in primary.criteria + primary.extra_criteria + mdt.criteria),
                 *(c.references for c in primary.counselling + mdt.counselling + bone.notes),
                 *(w.references for w in warnings)):
        cited.update(dict.fromkeys(refs))
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
        references=tuple(sorted(cited)),
    )
