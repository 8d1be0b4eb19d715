"""Verdict on locoregional treatment of the intact primary tumour (contract order of rules)."""

from __future__ import annotations

from tumorboard.recommend.biology import her2_negative
from tumorboard.recommend.criteria import SharedCriteria, counsel, criterion
from tumorboard.recommend.facts import CaseFacts
from tumorboard.recommend.result import Counsel, Criterion, Verdict
from tumorboard.recommend.ruleset import Ruleset
from tumorboard.recommend.texts import fill, humanise, join_words, show_date, show_percent

GROUP = "primary_tumour"


def _selected_subgroup_criteria(f: CaseFacts, rs: Ruleset,
                                shared: SharedCriteria) -> tuple[Criterion, ...]:
    t = f.case.tumour
    count = f.extent.distant_lesion_count
    if f.extent.bone_only:
        bone_only = criterion(rs, GROUP, "bone_only", True, count=count)
    else:
        # Bone-only needs at least one distant lesion: with none recorded it is not met.
        non_bone = sorted({humanise(les.organ) for les in f.lesions if les.organ != "bone"})
        bone_only = criterion(rs, GROUP, "bone_only", False,
                              organs=join_words(non_bone) if count else "no distant lesion recorded")
    hr_met = {"positive": True, "negative": False}.get(f.hormone_receptor)
    hr = criterion(rs, GROUP, "hormone_receptor_positive", hr_met,
                   er=show_percent(t.er_percent), pr=show_percent(t.pr_percent))
    her2 = criterion(rs, GROUP, "her2_negative", her2_negative(f.her2),
                     her2_label=rs.labels["her2"][f.her2],
                     ihc=t.her2_ihc.value if t.her2_ihc else "not recorded",
                     ish=humanise(t.her2_ish.value) if t.her2_ish else "not recorded")
    limit = int(rs.threshold("selected_subgroup_age_below"))
    age = criterion(rs, GROUP, "age_below_55", None if f.age is None else f.age < limit,
                    age=f.age)
    responding = [tp for tp in f.timepoints_in_window if tp.overall in ("CR", "PR")]
    if responding:
        response = criterion(rs, GROUP, "response_in_window", True, response=responding[0].overall,
                             date=show_date(responding[0].date), opens=show_date(f.window.opens))
    else:
        response = criterion(rs, GROUP, "response_in_window", False,
                             reason=_no_response_reason(f))
    return (bone_only, hr, her2, age, shared.oligometastatic, response, shared.no_progression)


def _no_response_reason(f: CaseFacts) -> str:
    w = f.window
    if w.status == "no_systemic_therapy":
        return "No metastatic systemic therapy has started, so there is no response window."
    in_window = f.timepoints_in_window
    if in_window:
        seen = ", ".join(f"{tp.overall} on {tp.date.isoformat()}" for tp in in_window)
        return f"No complete or partial response in or after the window ({seen})."
    return (f"No assessment in or after the window (opens {show_date(w.opens)}, "
            f"closes {show_date(w.closes)}).")


def _palliative_criteria(f: CaseFacts, rs: Ruleset, shared: SharedCriteria) -> tuple[Criterion, ...]:
    t = f.case.tumour
    symptoms = join_words([humanise(s.value) for s in t.primary_symptoms])
    return (
        criterion(rs, "palliative", "primary_intact", t.primary_intact),
        criterion(rs, "palliative", "symptomatic", bool(t.primary_symptoms), symptoms=symptoms),
        criterion(rs, "palliative", "clearance_feasible", t.complete_clearance_feasible),
        shared.no_visceral_crisis,
    )


def primary_tumour_verdict(f: CaseFacts, rs: Ruleset, shared: SharedCriteria) -> Verdict:
    t = f.case.tumour
    criteria = _selected_subgroup_criteria(f, rs, shared)
    # The palliative-surgery checklist only means something for a symptomatic intact primary.
    palliative = _palliative_criteria(f, rs, shared) if t.primary_intact and t.primary_symptoms else ()
    if not t.primary_intact:
        verdict = "not_applicable"
    elif t.primary_symptoms and t.complete_clearance_feasible is True and not f.visceral_crisis:
        verdict = "indicated_palliative"
    elif all(c.met is True for c in criteria):
        verdict = "consider_selected"
    else:
        verdict = "not_routine"
    spec = rs.verdicts[GROUP][verdict]
    unmet = [c.label.lower() for c in criteria if c.met is not True]
    unmet_text = (f" Selected-subgroup criteria not met or not known: {join_words(unmet)}."
                  if unmet and verdict == "not_routine" else "")
    rationale = fill(str(spec["rationale"]), unmet=unmet_text,
                     symptoms=join_words([humanise(s.value) for s in t.primary_symptoms]))
    counselling: tuple[Counsel, ...] = ()
    if t.primary_intact:
        counselling = (counsel(rs, "primary_survival_unproven"),)
    return Verdict(verdict=verdict, label=str(spec["label"]), rationale=rationale,
                   evidence=str(spec["evidence"]), references=tuple(spec["references"]),
                   criteria=criteria, counselling=counselling, extra_criteria=palliative)
