"""Extent of distant disease: lesion counting, oligometastatic state and the ESTRO/EORTC class.

Classification: Guckenberger et al., Lancet Oncol 2020 (reference-tables.md §3), with the
conventions the recommend-v1 contract fixes.
"""

from __future__ import annotations

from datetime import date

from tumorboard.domain.case import Case, Lesion
from tumorboard.domain.dates import add_months
from tumorboard.domain.vocab import Organ, TherapyKind
from tumorboard.recommend.result import DiseaseExtent


def distant_lesions(case: Case, as_of: date) -> list[Lesion]:
    """Lesions that are evidence at ``as_of`` (no detection date, or detected on/before it)."""
    return [les for les in case.metastatic.lesions if les.detected is None or les.detected <= as_of]


def systemic_therapy_active(case: Case, on: date, as_of: date) -> bool:
    """A systemic therapy of any setting running on ``on`` (planned therapies are not evidence)."""
    return any(
        th.kind is TherapyKind.SYSTEMIC and th.start <= on and th.start <= as_of
        and (th.end is None or th.end >= on)
        for th in case.therapies
    )


def omd_classification(case: Case, as_of: date, count: int, diffuse: bool,
                       latest_response: str | None, max_lesions: int,
                       synchronous_months: int) -> str:
    if diffuse or count > max_lesions:
        return "not_omd"
    if count == 0:
        return "no_metastases"
    met = case.metastatic
    diagnosed = met.diagnosis_date
    if diagnosed is None:  # the document validator guarantees it when lesions exist
        return "no_metastases"
    if met.prior_polymetastatic:
        family = "induced"
    elif met.prior_oligometastatic:
        family = "repeat"
    else:
        if diagnosed <= add_months(case.tumour.diagnosis_date, synchronous_months):
            return "synchronous_omd"
        if systemic_therapy_active(case, diagnosed, as_of):
            return "metachronous_oligoprogression"
        return "metachronous_oligorecurrence"
    state_date = met.current_state_date or diagnosed
    if not systemic_therapy_active(case, state_date, as_of):
        return f"{family}_oligorecurrence"
    if latest_response == "PD":
        return f"{family}_oligoprogression"
    return f"{family}_oligopersistence"


def disease_extent(case: Case, as_of: date, lesions: list[Lesion], latest_response: str | None,
                   max_lesions: int, synchronous_months: int) -> DiseaseExtent:
    count = len(lesions)
    diffuse = bool(case.metastatic.diffuse)
    return DiseaseExtent(
        distant_lesion_count=count,
        oligometastatic=1 <= count <= max_lesions and not diffuse,
        bone_only=count > 0 and all(les.organ is Organ.BONE for les in lesions),
        diffuse=diffuse,
        omd_classification=omd_classification(case, as_of, count, diffuse, latest_response,
                                              max_lesions, synchronous_months),
    )
