"""How the case compares with the trials behind metastasis-directed therapy (NRG-BR002, SABR-COMET).

The checklist informs the board; it never changes the metastasis-directed verdict (contract
additions for ruleset 1.1, section 2). Arithmetic on the distant targets is exact, as in RECIST.
"""

from __future__ import annotations

from fractions import Fraction

from tumorboard.domain.case import Lesion, RecistTarget
from tumorboard.domain.vocab import NonTargetResponse, Organ, TargetSite, TherapyKind
from tumorboard.recommend.criteria import criterion
from tumorboard.recommend.facts import CaseFacts
from tumorboard.recommend.response import exact_mm
from tumorboard.recommend.result import Criterion
from tumorboard.recommend.ruleset import Ruleset
from tumorboard.recommend.texts import fill, humanise, join_words, show_date

GROUP = "eligibility"
_LOCAL_THERAPY_OF_PRIMARY = (TherapyKind.SURGERY, TherapyKind.RADIOTHERAPY)


def _primary_controlled(f: CaseFacts, rs: Ruleset) -> Criterion:
    if not f.case.tumour.primary_intact:
        return criterion(rs, GROUP, "primary_controlled", True,
                         how="The breast primary is not intact (resected)")
    treated = sorted((th for th in f.case.therapies
                      if th.kind in _LOCAL_THERAPY_OF_PRIMARY and th.target is not None
                      and th.target.value == "primary" and th.start <= f.as_of),
                     key=lambda th: th.start)
    if treated:
        first = treated[0]
        return criterion(rs, GROUP, "primary_controlled", True,
                         how=f"The primary was treated locally ({humanise(first.kind.value)} "
                             f"from {show_date(first.start)})")
    return criterion(rs, GROUP, "primary_controlled", False)


def _size_limit(lesions: tuple[Lesion, ...], rs: Ruleset) -> Criterion:
    limit = float(rs.threshold("mdt_trial_max_lesion_mm"))
    over = [les for les in lesions if les.size_mm is not None and les.size_mm > limit]
    if over:
        return criterion(rs, GROUP, "lesions_at_most_50_mm", False,
                         lesions=join_words([_lesion_words(les) for les in over]))
    unsized = sum(1 for les in lesions if les.size_mm is None)
    if unsized:
        return criterion(rs, GROUP, "lesions_at_most_50_mm", None,
                         unsized=f"{unsized} lesion{'s' if unsized != 1 else ''}")
    largest = max((les.size_mm for les in lesions if les.size_mm is not None), default=None)
    return criterion(rs, GROUP, "lesions_at_most_50_mm", True,
                     largest=("no distant lesion recorded" if largest is None
                              else f"largest lesion {largest:g} mm"))


def _lesion_words(les: Lesion) -> str:
    where = les.site or humanise(les.organ.value)
    return f"{where} {les.size_mm:g} mm"


def _distant_response(targets: tuple[RecistTarget, ...], values: tuple[float | None, ...]) -> bool | None:
    """Branch 3: the distant targets alone, at least 30% below their baseline sum or all gone."""
    pairs = [(t, v) for t, v in zip(targets, values, strict=True) if t.site is TargetSite.DISTANT]
    if any(v is None for _t, v in pairs):
        return None
    now = [(t.nodal, exact_mm(v)) for t, v in pairs if v is not None]
    baseline: Fraction | int = sum(exact_mm(t.baseline_mm) for t, _v in pairs)
    total: Fraction | int = sum(mm for _nodal, mm in now)
    if baseline > 0 and (baseline - total) * 10 >= baseline * 3:
        return True
    return all((mm < 10) if nodal else (mm == 0) for nodal, mm in now)


def metastases_responding(f: CaseFacts) -> tuple[bool | None, str]:
    """Whether the metastases themselves respond at the latest assessment, and which branch said so."""
    if not f.assessments or f.recist is None or f.case.recist is None:
        return None, "no_assessment"
    latest = f.assessments[-1]
    if f.recist.timepoints[-1].overall == "PD":
        return False, "progression"
    targets = f.case.recist.targets
    if any(t.site is TargetSite.DISTANT for t in targets):
        met = _distant_response(targets, latest.target_mm)
        if met is None:
            return None, "distant_not_evaluated"
        return met, "distant_responding" if met else "distant_not_responding"
    if any(t.site is None for t in targets):
        return None, "site_not_recorded"
    if latest.non_target is NonTargetResponse.CR:
        return True, "non_target_complete"
    return False, "no_target_in_metastases" if targets else "non_target_not_complete"


def eligibility(f: CaseFacts, rs: Ruleset) -> tuple[Criterion, ...]:
    """The trial-eligibility checklist, in the contract's order."""
    lesions = f.lesions
    count = f.extent.distant_lesion_count
    ecog = f.case.patient.ecog
    brain = [les for les in lesions if les.organ is Organ.BRAIN]
    responding, branch = metastases_responding(f)
    latest = f.assessments[-1] if f.assessments else None
    reason = fill(rs.criteria[GROUP]["metastases_responding"].branches[branch],
                  date=show_date(latest.date if latest else None), overall=f.latest,
                  non_target=latest.non_target.value if latest else None)
    return (
        _primary_controlled(f, rs),
        criterion(rs, GROUP, "at_most_4_lesions",
                  1 <= count <= int(rs.threshold("mdt_trial_max_lesions")) and not f.extent.diffuse,
                  count_text=f.count_text()),
        _size_limit(lesions, rs),
        criterion(rs, GROUP, "no_brain_metastases", not brain,
                  sites=join_words([les.site or "brain" for les in brain])),
        criterion(rs, GROUP, "fit_for_local_therapy",
                  None if ecog is None else ecog <= int(rs.threshold("local_therapy_max_ecog")),
                  ecog=ecog),
        criterion(rs, GROUP, "metastases_responding", responding, reason=reason),
    )
