"""Readiness before the MDT: present, stale or missing items, with freshness settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tumorboard.domain.case import Case, Lesion, MetastaticDisease, Patient, RecistRecord, Tumour
from tumorboard.domain.vocab import Her2Ihc, Organ, Sex, StagingModality
from tumorboard.recommend.readiness import ItemState, ReadinessSettings, assess_readiness

MEETING = date(2025, 6, 10)


def complete_case() -> Case:
    return Case(
        patient=Patient("R-1", date(1970, 1, 1), Sex.FEMALE),
        tumour=Tumour(date(2025, 5, 1), "T2", "N1", "M1", True, er_percent=90, pr_percent=50,
                      her2_ihc=Her2Ihc.ONE_PLUS),
        metastatic=MetastaticDisease(
            lesions=(Lesion(Organ.BONE),), diagnosis_date=date(2025, 5, 20),
            staging_modalities=(StagingModality.FDG_PET_CT,), biopsy_done=True),
        dental_evaluation_date=date(2025, 5, 25),
        recist=RecistRecord(baseline_date=date(2025, 5, 21)),
    )


def states(case: Case, **kw: object) -> dict[str, ItemState]:
    return {i.id: i.state for i in assess_readiness(case, MEETING, **kw).items}  # type: ignore[arg-type]


def test_a_complete_case_is_ready() -> None:
    r = assess_readiness(complete_case(), MEETING)
    assert r.ready, r.summary()
    assert r.summary() == "ready"
    assert set(states(complete_case())) == {"staging", "pet", "biopsy", "receptors", "her2", "recist",
                                            "dental"}


def test_each_missing_item_is_named() -> None:
    c = complete_case()
    c = replace(c, metastatic=replace(c.metastatic, staging_modalities=(StagingModality.CT,),
                                      biopsy_done=None),
                tumour=replace(c.tumour, pr_percent=None, her2_ihc=Her2Ihc.TWO_PLUS),
                dental_evaluation_date=None, recist=None)
    s = states(c)
    assert s["pet"] is ItemState.MISSING
    assert s["biopsy"] is ItemState.MISSING
    assert s["receptors"] is ItemState.MISSING
    assert s["her2"] is ItemState.MISSING  # IHC 2+ without ISH is equivocal
    assert s["recist"] is ItemState.MISSING
    assert s["dental"] is ItemState.MISSING
    summary = assess_readiness(c, MEETING).summary()
    assert "FDG-PET/CT missing" in summary and "Dental evaluation missing" in summary


def test_old_staging_is_stale_by_the_freshness_setting() -> None:
    c = complete_case()
    assert states(c, staging_date=date(2025, 5, 13))["staging"] is ItemState.PRESENT  # 28 days
    assert states(c, staging_date=date(2025, 5, 12))["staging"] is ItemState.STALE    # 29 days
    lenient = ReadinessSettings(staging_max_age_days=60)
    assert states(c, staging_date=date(2025, 5, 12), settings=lenient)["staging"] is ItemState.PRESENT


def test_items_that_do_not_apply_are_not_asked_for() -> None:
    c = complete_case()
    c = replace(c, metastatic=MetastaticDisease(), recist=None, dental_evaluation_date=None)
    s = states(c)
    assert "pet" not in s and "biopsy" not in s and "dental" not in s and "recist" not in s
