"""primary_tumour, metastasis_directed_therapy and bone_health verdicts, branch by branch.

The starting point is ``selected_case()``: every consider_selected criterion met at 2025-06-10
(window 2025-05-03 .. 2025-08-03, PR on 2025-06-02). Each test changes one thing.
"""

from __future__ import annotations

from typing import Any

import pytest
from rec_casekit import (
    SELECTED_AS_OF,
    SELECTED_START,
    assessment,
    bma,
    bone,
    criteria,
    evaluate,
    lesion,
    make_case,
    recist_block,
    selected_case,
    systemic,
)

AS_OF = SELECTED_AS_OF
BASELINE = "2025-01-27"


def assessments(*items: tuple[str, list[float | None], str, bool]) -> dict[str, Any]:
    """recist with the selected case's two targets (32 mm, node 18 mm) and the given assessments."""
    return {"recist": recist_block(BASELINE, [32, (18, True)], [assessment(*item) for item in items])}


PR_IN_WINDOW = ("2025-06-02", [20, 9], "non-CR/non-PD", False)
CR_IN_WINDOW = ("2025-06-02", [0, 8], "CR", False)
SD_IN_WINDOW = ("2025-06-02", [30, 15], "non-CR/non-PD", False)
PD_IN_WINDOW = ("2025-06-09", [20, 9], "non-CR/non-PD", True)
NE_IN_WINDOW = ("2025-06-09", [20, None], "non-CR/non-PD", False)
PR_TOO_EARLY = ("2025-04-28", [20, 9], "non-CR/non-PD", False)
PR_AT_MINUS_30 = ("2025-05-12", [22, 13], "non-CR/non-PD", False)   # 50 -> 35 mm
SD_AFTER_PR = ("2025-06-09", [24, 12], "non-CR/non-PD", False)      # 36 mm: -28 %, +1 mm over the nadir


def primary(doc: dict[str, Any], as_of: str = AS_OF) -> dict[str, Any]:
    out: dict[str, Any] = evaluate(doc, as_of)["primary_tumour"]
    return out


def mdt(doc: dict[str, Any], as_of: str = AS_OF) -> str:
    return str(evaluate(doc, as_of)["metastasis_directed_therapy"]["verdict"])


# ================================================================= primary_tumour

def test_selected_case_is_consider_selected_with_seven_criteria_met() -> None:
    out = evaluate(selected_case(), AS_OF)
    pt = out["primary_tumour"]
    assert pt["verdict"] == "consider_selected"
    assert len(pt["criteria"]) == 7
    for item in pt["criteria"]:
        assert {"id", "met", "detail"} <= set(item)
        assert item["met"] is True
        assert isinstance(item["detail"], str) and item["detail"]
    assert len({item["id"] for item in pt["criteria"]}) == 7
    assert isinstance(pt["rationale"], str) and pt["rationale"]
    assert pt["references"]


def test_not_applicable_when_the_primary_is_not_intact() -> None:
    doc = selected_case(tumour={"primary_intact": False, "primary_symptoms": ["bleeding"],
                                "complete_clearance_feasible": True})
    assert primary(doc)["verdict"] == "not_applicable"


@pytest.mark.parametrize("symptoms", [["bleeding"], ["ulceration", "fungation"], ["impending_complication"]])
def test_indicated_palliative(symptoms: list[str]) -> None:
    doc = make_case(tumour={"primary_symptoms": symptoms, "complete_clearance_feasible": True})
    assert primary(doc)["verdict"] == "indicated_palliative"


def test_indicated_palliative_comes_before_consider_selected() -> None:
    doc = selected_case(tumour={"primary_symptoms": ["pain"], "complete_clearance_feasible": True})
    assert primary(doc)["verdict"] == "indicated_palliative"


@pytest.mark.parametrize(("symptoms", "feasible"), [([], True), (["bleeding"], False), (["bleeding"], None)])
def test_not_palliative_without_symptoms_or_feasible_clearance(symptoms: list[str], feasible: bool | None) -> None:
    doc = make_case(tumour={"primary_symptoms": symptoms, "complete_clearance_feasible": feasible})
    assert primary(doc)["verdict"] == "not_routine"


def test_visceral_crisis_blocks_indicated_palliative() -> None:
    doc = make_case(tumour={"primary_symptoms": ["bleeding"], "complete_clearance_feasible": True},
                    metastatic={"diagnosis_date": "2025-01-10", "lesions": [lesion("liver")],
                                "visceral_crisis": True})
    assert primary(doc)["verdict"] == "not_routine"


def test_visceral_crisis_is_not_one_of_the_selected_subgroup_criteria() -> None:
    # contract: consider_selected is "ALL of" seven listed criteria; visceral crisis is not among them
    doc = selected_case(tumour={"primary_symptoms": ["bleeding"], "complete_clearance_feasible": True},
                        metastatic={"visceral_crisis": True})
    assert primary(doc)["verdict"] == "consider_selected"


# One change each, each failing exactly one of the seven criteria.
SINGLE_FAILURES: dict[str, dict[str, Any]] = {
    "not bone-only": {"metastatic": {"lesions": [bone("rib"), lesion("liver")]}},
    "hormone receptor negative": {"tumour": {"er_percent": 0, "pr_percent": 0.5}},
    "HER2 positive": {"tumour": {"her2_ihc": "3+"}},
    "age 55": {"patient": {"birth_date": "1970-01-20"}},   # 55 on the day of metastatic diagnosis
    "six lesions": {"metastatic": {"lesions": [bone("rib"), bone("sternum"), bone("rib"), bone("skull"),
                                               bone("scapula"), bone("clavicle")]}},
    "only an early response": assessments(PR_TOO_EARLY),
    "SD in the window": assessments(SD_IN_WINDOW),
    "latest PD after a PR": assessments(PR_IN_WINDOW, PD_IN_WINDOW),
}
CRITERION = {  # which of the contract's criteria each change fails (for the distinctness check)
    "not bone-only": "bone-only", "hormone receptor negative": "HR+", "HER2 positive": "HER2-neg",
    "age 55": "age", "six lesions": "oligo", "only an early response": "response in window",
    "SD in the window": "response in window", "latest PD after a PR": "latest not PD",
}


@pytest.mark.parametrize("change", list(SINGLE_FAILURES))
def test_one_criterion_failing_is_not_routine_with_that_criterion_false(change: str) -> None:
    out = evaluate(selected_case(SINGLE_FAILURES[change]), AS_OF)
    met = criteria(out)
    assert out["primary_tumour"]["verdict"] == "not_routine"
    assert len(met) == 7
    assert sorted(met.values(), key=str) == [False] + [True] * 6, met


def test_each_criterion_fails_on_its_own_change() -> None:
    """The seven contract criteria are seven distinct entries: each kind of change flips a different one."""
    failing: dict[str, set[str]] = {}
    for change, patch in SINGLE_FAILURES.items():
        met = criteria(evaluate(selected_case(patch), AS_OF))
        failing.setdefault(CRITERION[change], set()).update(k for k, v in met.items() if v is False)
    assert all(len(ids) == 1 for ids in failing.values()), failing
    assert len(set.union(*failing.values())) == 7, failing


def test_age_54_meets_the_age_criterion() -> None:
    assert primary(selected_case(patient={"birth_date": "1970-01-21"}))["verdict"] == "consider_selected"


def test_er_or_pr_at_one_percent_meets_hormone_receptor() -> None:
    assert primary(selected_case(tumour={"er_percent": 0, "pr_percent": 1}))["verdict"] == "consider_selected"


@pytest.mark.parametrize(("ihc", "ish"), [("0", None), ("1+", None), ("2+", "not_amplified")])
def test_her2_zero_or_low_meets_her2_negative(ihc: str, ish: str | None) -> None:
    assert primary(selected_case(tumour={"her2_ihc": ihc, "her2_ish": ish}))["verdict"] == "consider_selected"


def test_cr_in_the_window_meets_the_response_criterion() -> None:
    assert primary(selected_case(assessments(CR_IN_WINDOW)))["verdict"] == "consider_selected"


def test_a_response_in_the_window_then_sd_still_meets_it() -> None:
    # "an assessment on/after the window opens with overall CR or PR" and "latest response not PD"
    doc = selected_case(assessments(PR_AT_MINUS_30, SD_AFTER_PR))
    assert evaluate(doc, AS_OF)["recist"]["latest"] == "SD"
    assert primary(doc)["verdict"] == "consider_selected"


@pytest.mark.parametrize("tumour", [
    {"er_percent": None, "pr_percent": None},   # hormone receptor unknown
    {"er_percent": 0, "pr_percent": None},      # one missing, the other < 1: unknown
    {"her2_ihc": None, "her2_ish": None},       # HER2 unknown
])
def test_unknown_inputs_give_met_null_and_not_routine(tumour: dict[str, Any]) -> None:
    out = evaluate(selected_case(tumour=tumour), AS_OF)
    assert out["primary_tumour"]["verdict"] == "not_routine"
    assert sorted(criteria(out).values(), key=str) == [None] + [True] * 6


@pytest.mark.parametrize("doc", [
    make_case(),
    make_case(tumour={"primary_symptoms": ["bleeding"], "complete_clearance_feasible": True}),
    selected_case(tumour={"primary_intact": False}),
], ids=["not_routine", "indicated_palliative", "not_applicable"])
def test_criteria_is_always_a_list_of_id_met_detail(doc: dict[str, Any]) -> None:
    for item in primary(doc)["criteria"]:
        assert {"id", "met", "detail"} <= set(item)
        assert item["met"] in (True, False, None)


def test_not_routine_lists_all_seven_criteria() -> None:
    assert len(primary(make_case())["criteria"]) == 7


# ================================================================= metastasis_directed_therapy

POLY = {"metastatic": {"history": {"prior_polymetastatic": True}}}


@pytest.mark.parametrize(("patches", "want"), [
    ([], "consider"),
    ([{"metastatic": {"visceral_crisis": True}}], "not_indicated"),
    ([{"metastatic": {"visceral_crisis": True}}, POLY], "not_indicated"),
    ([assessments(PR_IN_WINDOW, PD_IN_WINDOW)], "not_indicated"),
    ([assessments(PR_IN_WINDOW, PD_IN_WINDOW), POLY], "not_indicated"),
    ([SINGLE_FAILURES["six lesions"]], "not_indicated"),
    ([SINGLE_FAILURES["six lesions"], POLY], "not_indicated"),
    ([{"metastatic": {"diffuse": True}}], "not_indicated"),
    ([POLY], "not_routine"),
    ([POLY, assessments(PR_TOO_EARLY)], "not_routine"),      # not_routine comes before not_yet
    ([assessments(PR_TOO_EARLY)], "not_yet"),
    ([assessments()], "not_yet"),
    ([{"therapies": []}], "not_yet"),                        # no window at all
    ([assessments(CR_IN_WINDOW)], "consider"),
    ([assessments(SD_IN_WINDOW)], "consider_non_progression"),
    ([assessments(PR_AT_MINUS_30, SD_AFTER_PR)], "consider_non_progression"),
    ([assessments(PR_IN_WINDOW, NE_IN_WINDOW)], "not_yet"),  # latest NE: "otherwise not_yet"
    ([{"metastatic": {"history": {"prior_oligometastatic": True}}}], "consider"),  # repeat is not induced
])
def test_metastasis_directed_therapy_order(patches: list[dict[str, Any]], want: str) -> None:
    assert mdt(selected_case(*patches)) == want


def test_metastasis_directed_non_target_only_non_progression() -> None:
    doc = selected_case(recist=recist_block(BASELINE, [], [assessment("2025-06-02", [], "non-CR/non-PD")]))
    assert evaluate(doc, AS_OF)["recist"]["latest"] == "non-CR/non-PD"
    assert mdt(doc) == "consider_non_progression"


def test_metastasis_directed_non_target_only_complete_response() -> None:
    doc = selected_case(recist=recist_block(BASELINE, [], [assessment("2025-06-02", [], "CR")]))
    assert mdt(doc) == "consider"


def test_metastasis_directed_without_metastases_is_not_indicated() -> None:
    assert mdt(selected_case(metastatic={"lesions": []})) == "not_indicated"


def test_metastasis_directed_ignores_assessments_after_as_of() -> None:
    doc = selected_case(assessments(PR_IN_WINDOW, ("2025-06-11", [80, 30], "PD", True)))
    assert mdt(doc) == "consider"
    assert mdt(doc, "2025-06-11") == "not_indicated"


# ================================================================= bone_health

def bone_health(doc: dict[str, Any], as_of: str = AS_OF) -> dict[str, Any]:
    out: dict[str, Any] = evaluate(doc, as_of)["bone_health"]
    return out


def with_lesions(*lesions: dict[str, Any], therapies: list[dict[str, Any]] | None = None,
                 dental: str | None = None) -> dict[str, Any]:
    return make_case(metastatic={"diagnosis_date": "2025-01-20", "lesions": list(lesions)},
                     therapies=therapies or [], dental_evaluation_date=dental)


@pytest.mark.parametrize(("therapies", "want"), [
    ([bma("2025-02-10")], "in_place"),
    ([bma("2025-02-10", "2025-12-31")], "in_place"),          # ends after as-of: not ended yet
    ([bma(AS_OF)], "in_place"),                                # started on as-of
    ([bma("2024-02-10", "2025-01-31")], "indicated"),          # ended
    ([bma("2025-06-11")], "indicated"),                        # planned
    ([systemic(SELECTED_START)], "indicated"),                 # not bone-modifying
    ([bma("2024-02-10", "2025-01-31"), bma("2025-03-01", agent="zoledronic_acid")], "in_place"),
])
def test_bone_modifying_agent_with_a_bone_lesion(therapies: list[dict[str, Any]], want: str) -> None:
    assert bone_health(with_lesions(bone("rib"), therapies=therapies))["bone_modifying_agent"] == want


def test_bone_modifying_agent_without_bone_lesions() -> None:
    assert bone_health(with_lesions(lesion("liver")))["bone_modifying_agent"] == "not_indicated"
    assert bone_health(with_lesions())["bone_modifying_agent"] == "not_indicated"
    assert bone_health(with_lesions(bone("rib", detected="2025-06-11")))["bone_modifying_agent"] == "not_indicated"


def test_bone_modifying_agent_in_place_even_without_bone_lesions() -> None:
    assert bone_health(with_lesions(lesion("liver"), therapies=[bma("2025-02-10")]))["bone_modifying_agent"] == \
        "in_place"


@pytest.mark.parametrize(("lesions", "dental", "want"), [
    ([bone("rib")], "2025-01-25", "done"),
    ([bone("rib")], AS_OF, "done"),
    ([bone("rib")], "2025-06-11", "pending"),      # dated after as-of: not done
    ([bone("rib")], None, "pending"),
    ([lesion("liver")], None, "not_needed"),
    ([lesion("liver")], "2025-06-11", "not_needed"),
    ([lesion("liver")], "2025-01-25", "done"),
    ([], None, "not_needed"),
    ([bone("rib", detected="2025-06-11")], None, "not_needed"),
])
def test_dental_evaluation(lesions: list[dict[str, Any]], dental: str | None, want: str) -> None:
    assert bone_health(with_lesions(*lesions, dental=dental))["dental_evaluation"] == want


def test_dental_evaluation_pending_even_with_an_agent_in_place() -> None:
    assert bone_health(with_lesions(bone(), therapies=[bma("2025-02-10")]))["dental_evaluation"] == "pending"


@pytest.mark.parametrize(("sites", "want"), [
    (["vertebra"], "required"),
    (["femur"], "required"),
    (["tibia"], "required"),
    (["pelvis"], "required"),
    (["humerus"], "advisory"),
    (["humerus", "pelvis"], "required"),
    (["rib", "humerus"], "advisory"),
    (["rib"], "not_needed"),
    (["sternum", "scapula", "clavicle", "skull", "other"], "not_needed"),
    ([None], "not_needed"),
])
def test_orthopaedic_evaluation(sites: list[str | None], want: str) -> None:
    lesions = [bone(site) if site else lesion("bone") for site in sites]
    assert bone_health(with_lesions(*lesions))["orthopaedic_evaluation"] == want


def test_orthopaedic_evaluation_ignores_lesions_detected_after_as_of() -> None:
    doc = with_lesions(bone("rib"), bone("femur", detected="2025-06-11"), bone("humerus", detected="2025-07-01"))
    assert bone_health(doc)["orthopaedic_evaluation"] == "not_needed"
    assert bone_health(doc, "2025-06-11")["orthopaedic_evaluation"] == "required"


def test_orthopaedic_evaluation_without_lesions() -> None:
    assert bone_health(with_lesions(lesion("liver")))["orthopaedic_evaluation"] == "not_needed"
