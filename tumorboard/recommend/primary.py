"""Verdict on locoregional treatment of the intact primary tumour (contract order of rules)."""

from __future__ import annotations

from tumorboard.recommend.biology import her2_negative
from tumorboard.recommend.criteria import criterion
from tumorboard.recommend.facts import CaseFacts
from tumorboard.recommend.result import Counsel, Criterion, Verdict
from tumorboard.recommend.ruleset import Ruleset
from tumorboard.recommend.texts import fill, humanise, join_words, show_date, show_percent

GROUP = "primary_tumour"


def _selected_subgroup_criteria(f: CaseFacts, rs: Ruleset) -> tuple[Criterion, ...]:
    t = f.case.tumour
    count = f.extent.distant_lesion_count
    non_bone = sorted({humanise(les.organ.value) for les in f.lesions if les.organ != "bone"})
    bone_only = criterion(rs, GROUP, "bone_only", True if f.extent.bone_only else
                          (False if count else None),
                          count=count, organs=join_words(non_bone) or "diffuse disease")
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
    oligo = criterion(rs, GROUP, "oligometastatic", f.extent.oligometastatic,
                      count=count, count_text=f.count_text())
    responding = [tp for tp in f.timepoints_in_window() if tp.overall in ("CR", "PR")]
    if responding:
        response = criterion(rs, GROUP, "response_in_window", True, response=responding[0].overall,
                             date=show_date(responding[0].date), opens=show_date(f.window.opens))
    else:
        response = criterion(rs, GROUP, "response_in_window", False,
                             reason=_no_response_reason(f))
    latest = f.latest
    progression = criterion(rs, GROUP, "no_progression",
                            None if latest is None else latest != "PD",
                            latest=latest, date=show_date(f.latest_date))
    return (bone_only, hr, her2, age, oligo, response, progression)


def _no_response_reason(f: CaseFacts) -> str:
    w = f.window
    if w.status == "no_systemic_therapy":
        return "No metastatic systemic therapy has started, so there is no response window."
    in_window = f.timepoints_in_window()
    if in_window:
        seen = ", ".join(f"{tp.overall} on {tp.date.isoformat()}" for tp in in_window)
        return f"No complete or partial response in or after the window ({seen})."
    return (f"No assessment in or after the window (opens {show_date(w.opens)}, "
            f"closes {show_date(w.closes)}).")


def _palliative_criteria(f: CaseFacts, rs: Ruleset) -> tuple[Criterion, ...]:
    t = f.case.tumour
    symptoms = join_words([humanise(s.value) for s in t.primary_symptoms])
    return (
        criterion(rs, "palliative", "primary_intact", t.primary_intact),
        criterion(rs, "palliative", "symptomatic", bool(t.primary_symptoms), symptoms=symptoms),
        criterion(rs, "palliative", "clearance_feasible", t.complete_clearance_feasible),
        criterion(rs, "palliative", "no_visceral_crisis",
                  None if f.case.metastatic.visceral_crisis is None else not f.visceral_crisis),
    )


def primary_tumour_verdict(f: CaseFacts, rs: Ruleset) -> Verdict:
    t = f.case.tumour
    criteria = _selected_subgroup_criteria(f, rs)
    palliative = _palliative_criteria(f, rs)
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
        c = rs.counselling["primary_survival_unproven"]
        counselling = (Counsel("primary_survival_unproven", fill(str(c["text"])),
                               tuple(c["references"])),)
    return Verdict(verdict=verdict, label=str(spec["label"]), rationale=rationale,
                   evidence=str(spec["evidence"]), references=tuple(spec["references"]),
                   criteria=criteria, counselling=counselling, extra_criteria=palliative)
