"""Warnings for the board: each code fires at most once, worded and sourced by the ruleset."""

from __future__ import annotations

from typing import Any

from tumorboard.domain.vocab import StagingModality, TherapyClass, TherapyKind, TherapySetting
from tumorboard.recommend.facts import CaseFacts
from tumorboard.recommend.result import BoneHealth, GuidelineWarning, Verdict
from tumorboard.recommend.ruleset import Ruleset
from tumorboard.recommend.safety_warnings import further_warnings
from tumorboard.recommend.texts import fill, humanise, join_words, show_date

_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def _first_line_chemo(f: CaseFacts) -> str | None:
    """Regimen of a metastatic line-1 chemotherapy, planned or started; None if there is none."""
    for th in f.case.therapies:
        if (th.kind is TherapyKind.SYSTEMIC and th.setting is TherapySetting.METASTATIC
                and th.line == 1 and TherapyClass.CHEMOTHERAPY in th.classes):
            return th.regimen or "chemotherapy"
    return None


def _fired(f: CaseFacts, rs: Ruleset, primary: Verdict, mdt: Verdict,
           bone: BoneHealth) -> dict[str, dict[str, Any]]:
    """Codes that fire, each with the facts its message needs."""
    fired: dict[str, dict[str, Any]] = {}
    case, as_of, window = f.case, f.as_of, f.window
    her2_negative = f.her2 in ("zero", "low")

    regimen = _first_line_chemo(f)
    if (regimen and f.hormone_receptor == "positive" and her2_negative
            and not f.visceral_crisis):
        fired["CHEMO_FIRST_LINE_HR_POSITIVE"] = {"regimen": regimen}
    if not any(d <= as_of for d in case.mdt_discussions):
        fired["NO_MDT_DISCUSSION"] = {"as_of": as_of.isoformat()}
    if (f.extent.distant_lesion_count > 0 or f.extent.diffuse) and case.metastatic.biopsy_done \
            is not True:
        fired["METASTASIS_NOT_BIOPSIED"] = {}
    if f.extent.oligometastatic and StagingModality.FDG_PET_CT not in \
            case.metastatic.staging_modalities:
        fired["NO_PET_STAGING"] = {}
    if bone.bone_modifying_agent == "indicated":
        fired["BMA_NOT_STARTED"] = {}
    if bone.dental_evaluation == "pending":
        fired["DENTAL_EVALUATION_PENDING"] = {}
    required, advisory = f.orthopaedic_required_sites, f.orthopaedic_advisory_sites
    if bone.orthopaedic_evaluation == "required":
        fired["ORTHOPAEDIC_EVALUATION"] = {"sites": join_words(list(required))}
    elif bone.orthopaedic_evaluation == "advisory":
        fired["ORTHOPAEDIC_ADVISORY"] = {"sites": join_words(list(advisory))}

    if window.therapy_start is not None and window.opens is not None:
        in_window = f.assessments_in_window
        early = [a for a in f.assessments if window.therapy_start < a.date < window.opens]
        if early and not in_window:
            fired["ASSESSMENT_TOO_EARLY"] = {"date": early[-1].date.isoformat(),
                                             "opens": window.opens.isoformat(),
                                             "closes": show_date(window.closes)}
        if window.status == "overdue":
            fired["RESPONSE_ASSESSMENT_OVERDUE"] = {"closes": show_date(window.closes)}
        if in_window and window.closes is not None and in_window[0].date > window.closes:
            fired["LATE_ASSESSMENT"] = {"date": in_window[0].date.isoformat(),
                                        "closes": window.closes.isoformat()}
    if f.latest == "PD":
        fired["PROGRESSIVE_DISEASE"] = {"date": show_date(f.latest_date)}
    if f.recist is not None and case.recist is not None and not case.recist.targets:
        fired["NON_MEASURABLE_DISEASE"] = {}
    t = case.tumour
    if t.primary_intact and t.primary_symptoms and primary.verdict != "indicated_palliative":
        reasons = [c.detail.rstrip(".").lower() for c in primary.extra_criteria
                   if c.id in ("clearance_feasible", "no_visceral_crisis") and c.met is not True]
        fired["PALLIATIVE_SURGERY_NOT_FEASIBLE"] = {
            "symptoms": join_words([humanise(s.value) for s in t.primary_symptoms]),
            "reason": join_words(reasons) or "criteria not met"}
    if f.visceral_crisis:
        fired["VISCERAL_CRISIS"] = {}
    if f.extent.diffuse or f.extent.distant_lesion_count > int(
            rs.threshold("oligometastatic_max_lesions")):
        fired["NOT_OLIGOMETASTATIC"] = {"count_text": f.count_text()}
    if primary.verdict == "consider_selected" or mdt.verdict in ("consider",
                                                                 "consider_non_progression"):
        fired["OS_BENEFIT_UNPROVEN"] = {}
    return fired


def guideline_warnings(f: CaseFacts, rs: Ruleset, primary: Verdict, mdt: Verdict,
                       bone: BoneHealth) -> tuple[GuidelineWarning, ...]:
    order = list(rs.warnings)
    out = []
    fired = _fired(f, rs, primary, mdt, bone)
    fired.update(further_warnings(f, rs, primary, mdt))
    for code, facts in fired.items():
        spec = rs.warnings[code]
        out.append(GuidelineWarning(code, str(spec["severity"]), fill(str(spec["message"]), **facts),
                                    tuple(spec["references"])))
    out.sort(key=lambda w: (_SEVERITY_ORDER[w.severity], order.index(w.code)))
    return tuple(out)
