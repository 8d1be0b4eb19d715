"""Verdict on metastasis-directed therapy (SBRT, resection or ablation of all lesions)."""

from __future__ import annotations

from tumorboard.recommend.criteria import SharedCriteria, counsel, criterion
from tumorboard.recommend.eligibility import eligibility
from tumorboard.recommend.facts import CaseFacts
from tumorboard.recommend.result import Counsel, Criterion, Verdict
from tumorboard.recommend.ruleset import Ruleset
from tumorboard.recommend.texts import fill, join_words, show_date

GROUP = "metastasis_directed_therapy"


def _criteria(f: CaseFacts, rs: Ruleset, shared: SharedCriteria) -> tuple[Criterion, ...]:
    met = f.case.metastatic
    latest = f.latest
    in_window = f.assessments_in_window
    if in_window:
        assessed = criterion(rs, GROUP, "assessed_in_window", True,
                             date=show_date(in_window[0].date), opens=show_date(f.window.opens))
    elif f.window.status == "no_systemic_therapy":
        assessed = criterion(rs, GROUP, "assessed_in_window", False,
                             reason="No metastatic systemic therapy has started.")
    else:
        assessed = criterion(rs, GROUP, "assessed_in_window", False,
                             reason=f"No assessment since the window opened on "
                                    f"{show_date(f.window.opens)}.")
    return (
        shared.no_visceral_crisis,
        shared.no_progression,
        shared.oligometastatic,
        criterion(rs, GROUP, "not_induced",
                  None if met.prior_polymetastatic is None else not met.prior_polymetastatic),
        assessed,
        criterion(rs, GROUP, "objective_response",
                  None if latest is None else latest in ("CR", "PR"), latest=latest),
    )


def _decide(f: CaseFacts) -> tuple[str, str | None]:
    if f.visceral_crisis:
        return "not_indicated", "visceral_crisis"
    if f.latest == "PD":
        return "not_indicated", "progression"
    if not f.extent.oligometastatic:
        if f.extent.distant_lesion_count == 0 and not f.extent.diffuse:
            return "not_indicated", "no_distant_metastases"
        return "not_indicated", "not_oligometastatic"
    if f.case.metastatic.prior_polymetastatic:
        return "not_routine", None
    if not f.assessments_in_window:
        return "not_yet", None
    if f.latest in ("CR", "PR"):
        return "consider", None
    if f.latest in ("SD", "non-CR/non-PD"):
        return "consider_non_progression", None
    return "not_yet", None


def _trial_fit(rs: Ruleset, checklist: tuple[Criterion, ...]) -> tuple[str, str]:
    """What the rationale says about the metastases' own response, and where the case falls outside
    the trials (evidence digest, corrections 5 and 10)."""
    texts = rs.verdicts[GROUP]["trial_fit"]
    by_id = {c.id: c for c in checklist}
    responding = by_id["metastases_responding"].met
    # Sentences joined to the rationale: the ruleset's whitespace is normalised, so spaces go here.
    response = " " + str(texts["metastases_responding"][{True: "met", False: "unmet",
                                                          None: "unknown"}[responding]])
    outside = [str(texts["outside"][c.id]) for c in checklist
               if c.met is False and c.id != "metastases_responding"]
    unknown = [str(texts["unknown"][c.id]) for c in checklist
               if c.met is None and c.id != "metastases_responding"]
    limits = ""
    if outside:
        limits = " " + fill(str(texts["outside_intro"]), limits=join_words(outside))
    if unknown:
        limits += " " + fill(str(texts["unknown_intro"]), items=join_words(unknown))
    return response, limits


def metastasis_directed_verdict(f: CaseFacts, rs: Ruleset, shared: SharedCriteria) -> Verdict:
    verdict, reason = _decide(f)
    spec = rs.verdicts[GROUP][verdict]
    template = spec["reasons"][reason] if reason else spec["rationale"]
    w = f.window
    window = (f"opens {show_date(w.opens)}, closes {show_date(w.closes)}" if w.opens
              else "no metastatic systemic therapy started")
    checklist = eligibility(f, rs)
    # Only the two "consider" rationales speak of the trial fit (most cases are not there).
    response, limits = _trial_fit(rs, checklist) if verdict in ("consider", "consider_non_progression") \
        else ("", "")
    rationale = fill(str(template), latest=f.latest, window=window, metastases_response=response,
                     trial_limits=limits)
    if verdict == "not_yet" and f.latest == "NE":
        rationale += " The latest assessment was not evaluable (NE)."
    counselling: tuple[Counsel, ...] = ()
    if verdict in ("consider", "consider_non_progression"):
        counselling = (counsel(rs, "mdt_survival_unproven"),)
    return Verdict(verdict=verdict, label=str(spec["label"]), rationale=rationale,
                   evidence=str(spec["evidence"]), references=tuple(spec["references"]),
                   criteria=_criteria(f, rs, shared), counselling=counselling, reason=reason,
                   eligibility=checklist)
