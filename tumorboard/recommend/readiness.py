"""Readiness for the MDT: what the board needs for a case is present, stale or missing.

Pure: reads the case and the engine's facts. Freshness windows are settings the department
chooses (``ReadinessSettings``); the defaults follow the ESMO/ABC adaptation in the evidence
digest (imaging to treatment start within 4 weeks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tumorboard.domain.case import Case
from tumorboard.domain.vocab import Organ, StagingModality
from tumorboard.recommend.biology import her2_category


class ItemState(StrEnum):
    PRESENT = "present"
    STALE = "stale"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class ReadinessSettings:
    staging_max_age_days: int = 28
    recist_baseline_max_age_days: int = 28


@dataclass(frozen=True, slots=True)
class ReadinessItem:
    id: str
    label: str
    state: ItemState
    detail: str


@dataclass(frozen=True, slots=True)
class Readiness:
    items: tuple[ReadinessItem, ...]

    @property
    def ready(self) -> bool:
        return all(i.state is ItemState.PRESENT for i in self.items)

    @property
    def problems(self) -> tuple[ReadinessItem, ...]:
        return tuple(i for i in self.items if i.state is not ItemState.PRESENT)

    def summary(self) -> str:
        """One line for the worklist: 'ready' or what is missing/stale."""
        if self.ready:
            return "ready"
        return "; ".join(f"{i.label} {i.state.value}" for i in self.problems)


def _age_state(when: date | None, on: date, max_days: int) -> tuple[ItemState, str]:
    if when is None:
        return ItemState.MISSING, "no date recorded"
    age = (on - when).days
    if age > max_days:
        return ItemState.STALE, f"dated {when.isoformat()}, {age} days before the meeting (limit {max_days})"
    return ItemState.PRESENT, f"dated {when.isoformat()}"


def assess_readiness(case: Case, meeting_day: date, staging_date: date | None = None,
                     settings: ReadinessSettings | None = None) -> Readiness:
    """What the board needs on ``meeting_day``. ``staging_date``: date of the latest staging
    imaging, kept by the store beside the case document (the document has no such field)."""
    s = settings or ReadinessSettings()
    met = case.metastatic
    lesions = [les for les in met.lesions if les.detected is None or les.detected <= meeting_day]
    distant = bool(lesions) or bool(met.diffuse)
    oligo = 1 <= len(lesions) <= 5 and not met.diffuse
    items: list[ReadinessItem] = []

    if not met.staging_modalities:
        items.append(ReadinessItem("staging", "Staging imaging", ItemState.MISSING,
                                   "no staging modality recorded"))
    else:
        state, detail = _age_state(staging_date or met.diagnosis_date, meeting_day,
                                   s.staging_max_age_days)
        modalities = ", ".join(m.value.replace("_", " ") for m in met.staging_modalities)
        items.append(ReadinessItem("staging", "Staging imaging", state, f"{modalities}; {detail}"))
    if oligo:
        has_pet = StagingModality.FDG_PET_CT in met.staging_modalities
        items.append(ReadinessItem(
            "pet", "FDG-PET/CT", ItemState.PRESENT if has_pet else ItemState.MISSING,
            "done" if has_pet else "oligometastatic disease staged without FDG-PET/CT"))
    if distant:
        items.append(ReadinessItem(
            "biopsy", "Biopsy of a metastasis",
            ItemState.PRESENT if met.biopsy_done else ItemState.MISSING,
            "done" if met.biopsy_done else "no biopsy of a metastasis recorded"))
    t = case.tumour
    if t.er_percent is not None and t.pr_percent is not None:
        items.append(ReadinessItem("receptors", "ER/PR", ItemState.PRESENT,
                                   f"ER {t.er_percent:g}%, PR {t.pr_percent:g}%"))
    else:
        missing = " and ".join(n for n, v in (("ER", t.er_percent), ("PR", t.pr_percent)) if v is None)
        items.append(ReadinessItem("receptors", "ER/PR", ItemState.MISSING, f"{missing} not recorded"))
    her2 = her2_category(t)
    if her2 == "unknown":
        items.append(ReadinessItem("her2", "HER2", ItemState.MISSING, "HER2 not recorded"))
    elif her2 == "equivocal":
        items.append(ReadinessItem("her2", "HER2", ItemState.MISSING,
                                   "equivocal: in-situ hybridisation result needed"))
    else:
        items.append(ReadinessItem("her2", "HER2", ItemState.PRESENT, f"HER2 {her2}"))
    if distant:
        if case.recist is None:
            items.append(ReadinessItem("recist", "RECIST baseline", ItemState.MISSING,
                                       "no RECIST baseline recorded"))
        else:
            state, detail = _age_state(case.recist.baseline_date, meeting_day,
                                       s.recist_baseline_max_age_days)
            if case.recist.assessments:
                # Once assessments exist the baseline's age no longer matters.
                state, detail = ItemState.PRESENT, f"baseline {case.recist.baseline_date.isoformat()}"
            items.append(ReadinessItem("recist", "RECIST baseline", state, detail))
    if any(les.organ is Organ.BONE for les in lesions):
        done = case.dental_evaluation_date is not None and case.dental_evaluation_date <= meeting_day
        items.append(ReadinessItem(
            "dental", "Dental evaluation", ItemState.PRESENT if done else ItemState.MISSING,
            f"done {case.dental_evaluation_date.isoformat()}" if done and case.dental_evaluation_date
            else "bone metastases: dental evaluation needed before a bone-modifying agent"))
    return Readiness(tuple(items))
