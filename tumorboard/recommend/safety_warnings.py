"""The further warnings of ruleset 1.1: emergencies, fitness, trial fit, and the testing prompts.

Each rule is written as the contract additions state it (section 3); the messages and sources are
the ruleset's. Kept apart from the v1 codes so that those stay exactly as they were.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tumorboard.domain.case import Therapy
from tumorboard.domain.vocab import (
    BoneSite,
    GermlineBrca,
    MenopausalStatus,
    MutationStatus,
    Organ,
    Sex,
    TherapyClass,
    TherapyKind,
)
from tumorboard.recommend.facts import CaseFacts
from tumorboard.recommend.result import Verdict
from tumorboard.recommend.ruleset import Ruleset
from tumorboard.recommend.texts import join_words, show_date, show_percent

_PRIMARY_LOCAL = ("consider_selected", "indicated_palliative")
_MDT_CONSIDER = ("consider", "consider_non_progression")


def _active_systemic(therapies: tuple[Therapy, ...], on: date) -> list[Therapy]:
    """Systemic therapies (any setting) running on ``on``: start on/before it, no end or end on/after."""
    return [th for th in therapies if th.kind is TherapyKind.SYSTEMIC and th.start <= on
            and (th.end is None or th.end >= on)]


def _endocrine(therapies: list[Therapy]) -> list[Therapy]:
    return [th for th in therapies if TherapyClass.ENDOCRINE in th.classes]


def _untested(status: MutationStatus | None) -> bool:
    return status is None or status is MutationStatus.UNKNOWN


def further_warnings(f: CaseFacts, rs: Ruleset, primary: Verdict,
                     mdt: Verdict) -> dict[str, dict[str, Any]]:
    """Codes of ruleset 1.1 that fire, each with the facts its message needs."""
    fired: dict[str, dict[str, Any]] = {}
    case, as_of = f.case, f.as_of
    p, t, met = case.patient, case.tumour, case.metastatic
    distant = f.extent.distant_lesion_count > 0 or f.extent.diffuse
    ecog = p.ecog
    checklist = {c.id: c for c in mdt.eligibility}

    vertebrae = [les for les in f.lesions if les.bone_site is BoneSite.VERTEBRA]
    if met.cord_compression_symptoms is True and vertebrae:
        fired["CORD_COMPRESSION_SUSPECTED"] = {
            "sites": join_words([les.site or "vertebra" for les in vertebrae])}
    brain = [les for les in f.lesions if les.organ is Organ.BRAIN]
    if brain:
        fired["BRAIN_METASTASES"] = {"sites": join_words([les.site or "brain" for les in brain])}
    local_considered = primary.verdict in _PRIMARY_LOCAL or mdt.verdict in _MDT_CONSIDER
    if ecog is not None and ecog >= int(rs.threshold("local_therapy_max_ecog")) + 1 and local_considered:
        fired["POOR_PERFORMANCE_STATUS"] = {"ecog": ecog}
    if mdt.verdict in _MDT_CONSIDER and checklist["primary_controlled"].met is False:
        fired["PRIMARY_NOT_CONTROLLED"] = {}
    if f.latest in ("CR", "PR") and checklist["metastases_responding"].met is False:
        fired["RESPONSE_NOT_IN_METASTASES"] = {"latest": f.latest, "date": show_date(f.latest_date),
                                               "detail": checklist["metastases_responding"].detail}

    if distant and t.germline_brca in (None, GermlineBrca.UNKNOWN) and f.her2 != "positive":
        fired["GERMLINE_TESTING"] = {}
    if f.hormone_receptor == "negative" and f.her2 in ("zero", "low") and distant and t.pdl1_cps is None:
        fired["PDL1_TESTING"] = {}
    her2_negative = f.her2 in ("zero", "low")
    if f.latest == "PD" and f.hormone_receptor == "positive" and her2_negative \
            and (_untested(t.esr1) or _untested(t.pik3ca_pathway)):
        on_endocrine = _endocrine(_active_systemic(case.therapies, as_of))
        if not on_endocrine and f.latest_date is not None:
            on_endocrine = _endocrine(_active_systemic(case.therapies, f.latest_date))
        if on_endocrine:
            missing = [name for name, status in (("ESR1", t.esr1), ("PIK3CA/AKT1/PTEN", t.pik3ca_pathway))
                       if _untested(status)]
            fired["PROGRESSION_BIOMARKERS"] = {"missing": join_words(missing)}
    active_now = _active_systemic(case.therapies, as_of)
    endocrine_now = _endocrine(active_now)
    needs_suppression = (p.menopausal_status in (MenopausalStatus.PRE, MenopausalStatus.PERI)
                         or p.sex is Sex.MALE)
    suppressed = any(TherapyClass.OVARIAN_SUPPRESSION in th.classes for th in active_now)
    if endocrine_now and needs_suppression and not suppressed:
        who = "a man" if p.sex is Sex.MALE else f"a {p.menopausal_status}menopausal patient"
        fired["OVARIAN_SUPPRESSION"] = {"who": who,
                                        "regimen": endocrine_now[0].regimen or "endocrine therapy"}
    er = t.er_percent
    if er is not None and rs.threshold("hormone_receptor_positive_min_percent") <= er \
            < rs.threshold("er_low_below_percent"):
        fired["ER_LOW"] = {"er": show_percent(er)}
    frail = ecog is not None and ecog >= int(rs.threshold("palliative_care_min_ecog"))
    if distant and (frail or not f.extent.oligometastatic or f.latest == "PD"):
        reasons = []
        if frail:
            reasons.append(f"ECOG {ecog}")
        if not f.extent.oligometastatic:
            reasons.append("disease beyond the oligometastatic definition")
        if f.latest == "PD":
            reasons.append("progressive disease")
        fired["PALLIATIVE_CARE_REFERRAL"] = {"reasons": join_words(reasons)}
    return fired
