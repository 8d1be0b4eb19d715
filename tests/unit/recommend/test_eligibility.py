"""metastasis_directed_therapy.eligibility (contract additions for ruleset 1.1, section 2).

Written from the additions page: ids and order, when each criterion is met, unmet or null, and every
branch of ``metastases_responding`` with its exact arithmetic. The checklist never changes the verdict.
"""

from __future__ import annotations

from typing import Any

import pytest
from rec_casekit import (
    DELETE,
    SELECTED_AS_OF,
    assessment,
    bone,
    evaluate,
    lesion,
    selected_case,
)

IDS = ["primary_controlled", "at_most_4_lesions", "lesions_at_most_50_mm", "no_brain_metastases",
       "fit_for_local_therapy", "metastases_responding"]


def eligibility(out: dict[str, Any]) -> dict[str, bool | None]:
    items = out["metastasis_directed_therapy"]["eligibility"]
    assert [c["id"] for c in items] == IDS
    assert all(isinstance(c["detail"], str) and c["detail"] for c in items)
    return {c["id"]: c["met"] for c in items}


def met(doc: dict[str, Any], cid: str, as_of: str = SELECTED_AS_OF) -> bool | None:
    return eligibility(evaluate(doc, as_of))[cid]


def local(kind: str, start: str, target: str = "primary") -> dict[str, Any]:
    return {"kind": kind, "target": target, "start": start, "end": start}


def with_therapy(*extra: dict[str, Any]) -> dict[str, Any]:
    base = selected_case()
    return selected_case(therapies=[*base["therapies"], *extra])


def test_the_checklist_has_the_contract_ids_in_order() -> None:
    out = evaluate(selected_case())
    assert list(eligibility(out)) == IDS


# ---------------------------------------------------------------- primary_controlled

@pytest.mark.parametrize(("doc", "want"), [
    (selected_case(), False),                                                   # intact, untreated (v01)
    (selected_case(tumour={"primary_intact": False}), True),                    # resected
    (with_therapy(local("surgery", "2025-05-01")), True),
    (with_therapy(local("radiotherapy", SELECTED_AS_OF)), True),                # started on as-of
    (with_therapy(local("radiotherapy", "2025-06-11")), False),                 # planned: after as-of
    (with_therapy(local("ablation", "2025-05-01")), False),                     # not surgery/radiotherapy
    (with_therapy(local("surgery", "2025-05-01", target="metastasis")), False),  # not the primary
], ids=["intact", "resected", "surgery", "rt-on-as-of", "rt-planned", "ablation", "metastasis-surgery"])
def test_primary_controlled(doc: dict[str, Any], want: bool) -> None:
    assert met(doc, "primary_controlled") is want


# ---------------------------------------------------------------- lesion count and size

@pytest.mark.parametrize(("lesions", "diffuse", "want"), [
    ([bone("rib")] * 4, False, True),
    ([bone("rib")] * 5, False, False),
    ([], False, False),
    ([bone("rib")] * 2, True, False),
    ([bone("rib")] * 4 + [bone("rib", detected="2025-07-01")], False, True),  # detected after as-of
])
def test_at_most_4_lesions(lesions: list[dict[str, Any]], diffuse: bool, want: bool) -> None:
    assert met(selected_case(metastatic={"lesions": lesions, "diffuse": diffuse}), "at_most_4_lesions") is want


def sized(*sizes: float | None) -> dict[str, Any]:
    return selected_case(metastatic={"lesions": [lesion("bone", "rib", size_mm=s) for s in sizes]})


@pytest.mark.parametrize(("sizes", "want"), [
    ((50, 12), True),
    ((51, 12), False),
    ((50.5,), False),
    ((None, 40), None),         # a size missing and none over 50
    ((None, 51), False),        # one over 50 decides
    ((None,), None),
], ids=["50", "51", "50.5", "null-40", "null-51", "null"])
def test_lesions_at_most_50_mm(sizes: tuple[float | None, ...], want: bool | None) -> None:
    assert met(sized(*sizes), "lesions_at_most_50_mm") is want


def test_size_criterion_with_no_distant_lesion_is_met() -> None:
    assert met(selected_case(metastatic={"lesions": []}), "lesions_at_most_50_mm") is True


# ---------------------------------------------------------------- brain and fitness

def test_no_brain_metastases() -> None:
    brain = selected_case(metastatic={"lesions": [bone("rib"), lesion("brain", site="left frontal")]})
    assert met(brain, "no_brain_metastases") is False
    later = selected_case(metastatic={"lesions": [bone("rib"), lesion("brain", detected="2025-07-01")]})
    assert met(later, "no_brain_metastases") is True


@pytest.mark.parametrize(("ecog", "want"), [(0, True), (2, True), (3, False), (4, False), (DELETE, None)])
def test_fit_for_local_therapy(ecog: Any, want: bool | None) -> None:
    assert met(selected_case(patient={"ecog": ecog}), "fit_for_local_therapy") is want


# ---------------------------------------------------------------- metastases_responding

def recist(targets: list[tuple[float, bool, str | None]], values: list[float | None],
           non_target: str = "non-CR/non-PD", new_lesions: bool = False) -> dict[str, Any]:
    """RECIST with (baseline mm, nodal, site) targets and one assessment (2025-06-02) of ``values``."""
    items = []
    for i, (mm, nodal, site) in enumerate(targets):
        item: dict[str, Any] = {"name": f"target {i + 1}", "nodal": nodal, "baseline_mm": mm}
        if site is not None:
            item["site"] = site
        items.append(item)
    return selected_case(recist={"baseline_date": "2025-01-27", "targets": items,
                                 "assessments": [assessment("2025-06-02", values, non_target, new_lesions)]})


def responding(doc: dict[str, Any]) -> bool | None:
    return met(doc, "metastases_responding")


def test_branch_1_no_assessment_on_or_before_as_of() -> None:
    doc = recist([(40, False, "distant")], [20])
    assert responding(selected_case(recist={"assessments": []})) is None
    assert met(doc, "metastases_responding", as_of="2025-06-01") is None  # the assessment is later
    assert responding(selected_case(recist=None)) is None


def test_branch_2_progression_is_false_whatever_the_targets() -> None:
    assert responding(recist([(40, False, "distant")], [10], new_lesions=True)) is False
    assert responding(recist([(40, False, None)], [60])) is False
    assert responding(recist([], [], non_target="PD")) is False


@pytest.mark.parametrize(("targets", "values", "want"), [
    ([(40, False, "distant")], [28], True),                          # -30.0% exactly
    ([(40, False, "distant")], [29], False),                         # -27.5%
    ([(40, False, "distant"), (30, False, "primary")], [28, 30], True),   # the primary is left out
    ([(40, False, "distant"), (30, False, "primary")], [40, 5], False),   # primary shrank, metastasis not
    ([(20, False, "distant"), (18, True, "distant")], [0, 9], True),     # all gone: nodal under 10 mm
    ([(12, True, "distant")], [10], False),                           # nodal 10 mm: not gone; -16.7%
    ([(12, True, "distant")], [9], True),                             # nodal under 10 mm: gone; -25%
    ([(40, False, "distant"), (30, False, "primary")], [None, 20], None),  # a distant target not evaluated
    ([(40, False, "distant"), (30, False, "primary")], [28, None], True),  # only distant targets count
    ([(40, False, "distant"), (30, False, None)], [28, 30], True),          # branch 3 before branch 4
    ([(10.1, False, "distant"), (10.2, False, "distant")], [7.07, 7.14], True),  # exact: 20.3 -> 14.21
], ids=["pr-boundary", "sd", "primary-ignored", "primary-only-shrank", "cr", "nodal-10", "nodal-9", "distant-null",
        "other-null", "distant-and-unsited", "exact-decimals"])
def test_branch_3_distant_targets(targets: list[tuple[float, bool, str | None]], values: list[float | None],
                                  want: bool | None) -> None:
    assert responding(recist(targets, values)) is want


def test_branch_4_a_target_without_site_and_none_distant_is_unknown() -> None:
    assert responding(recist([(32, False, None), (18, True, None)], [20, 9])) is None  # v01 as given
    assert responding(recist([(32, False, "primary"), (18, True, None)], [20, 9], non_target="CR")) is None


@pytest.mark.parametrize(("targets", "values", "non_target", "want"), [
    ([(32, False, "primary"), (18, True, "regional_node")], [20, 9], "non-CR/non-PD", False),
    ([(32, False, "primary"), (18, True, "regional_node")], [20, 9], "CR", True),
    ([(32, False, "primary")], [30], "CR", True),
    ([], [], "CR", True),
    ([], [], "non-CR/non-PD", False),
    ([], [], "none", False),
    ([], [], "NE", False),
], ids=["primary-node-noncr", "primary-node-cr", "primary-sd-cr", "no-targets-cr", "no-targets-noncr",
        "no-targets-none", "no-targets-ne"])
def test_branch_5_response_of_the_non_target_metastases(
        targets: list[tuple[float, bool, str | None]], values: list[float], non_target: str, want: bool) -> None:
    assert responding(recist(targets, values, non_target=non_target)) is want


def test_the_checklist_never_changes_the_verdict() -> None:
    for doc in (recist([(32, False, "primary"), (18, True, "regional_node")], [20, 9]),
                recist([(40, False, "distant")], [28]), selected_case()):
        assert evaluate(doc)["metastasis_directed_therapy"]["verdict"] == "consider"
    ecog3 = evaluate(selected_case(patient={"ecog": 3}))
    assert ecog3["metastasis_directed_therapy"]["verdict"] == "consider"
    assert ecog3["primary_tumour"]["verdict"] == "consider_selected"


def test_consider_rationale_says_where_the_case_falls_outside_the_trials() -> None:
    doc = recist([(32, False, "primary"), (18, True, "regional_node")], [20, 9])
    doc["metastatic"]["lesions"] = [lesion("bone", "rib", size_mm=60), lesion("brain", site="cerebellum")]
    text = evaluate(doc)["metastasis_directed_therapy"]["rationale"]
    assert "oligometastatic disease with an objective response" not in text.lower()
    assert "have not responded" in text
    for limit in ("intact and has not been treated locally", "larger than 50 mm", "brain metastasis"):
        assert limit in text
    inside = recist([(40, False, "distant")], [28])
    inside["tumour"]["primary_intact"] = False
    inside["metastatic"]["lesions"] = [lesion("bone", "rib", size_mm=20)]
    inside["patient"]["ecog"] = 1
    text = evaluate(inside)["metastasis_directed_therapy"]["rationale"]
    assert "falls outside" not in text and "Not known" not in text
    assert "The metastases themselves respond" in text
