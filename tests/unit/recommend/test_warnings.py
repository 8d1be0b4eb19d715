"""The 16 warning codes of the recommend-v1 contract: each one firing and not firing, and the shape
every warning and reference must have.

The starting point is ``selected_case()`` at 2025-06-10, where only OS_BENEFIT_UNPROVEN fires.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
from rec_casekit import (
    CONTRACT_CODES,
    SELECTED_AS_OF,
    SELECTED_START,
    SEVERITIES,
    assessment,
    bma,
    bone,
    codes,
    evaluate,
    lesion,
    make_case,
    recist_block,
    selected_case,
    systemic,
)

AS_OF = SELECTED_AS_OF
BASELINE = "2025-01-27"
CHEMO = ("chemotherapy",)


def assessed(*items: tuple[str, list[float | None], str, bool]) -> dict[str, Any]:
    return {"recist": recist_block(BASELINE, [32, (18, True)], [assessment(*item) for item in items])}


def lesions(*items: dict[str, Any]) -> dict[str, Any]:
    return {"metastatic": {"lesions": list(items)}}


SIX_BONE = lesions(*(bone(s) for s in ("rib", "sternum", "rib", "skull", "scapula", "clavicle")))
FIVE_BONE = lesions(*(bone(s) for s in ("rib", "sternum", "rib", "skull", "scapula")))
NO_LESIONS = lesions()
CRISIS = {"metastatic": {"visceral_crisis": True}}
POLY = {"metastatic": {"history": {"prior_polymetastatic": True}}}
EARLY_ONLY = assessed(("2025-04-28", [20, 9], "non-CR/non-PD", False))


def chemo_line1(start: str = SELECTED_START, **kw: Any) -> dict[str, Any]:
    return {"therapies": [systemic(start, classes=CHEMO, **kw), bma("2025-02-10")]}


class Case(NamedTuple):
    code: str
    fires: bool
    doc: dict[str, Any]
    as_of: str = AS_OF


CASES: dict[str, Case] = {
    # CHEMO_FIRST_LINE_HR_POSITIVE
    "chemo line 1, HR+ HER2-low": Case("CHEMO_FIRST_LINE_HR_POSITIVE", True, selected_case(chemo_line1())),
    "chemo line 1 planned": Case("CHEMO_FIRST_LINE_HR_POSITIVE", True, selected_case(
        {"therapies": [systemic(SELECTED_START, line=None), systemic("2025-07-01", classes=CHEMO, line=1)]})),
    "chemo + anti-HER2 line 1, HER2-zero": Case("CHEMO_FIRST_LINE_HR_POSITIVE", True, selected_case(
        chemo_line1(), tumour={"her2_ihc": "0"})),
    "endocrine line 1": Case("CHEMO_FIRST_LINE_HR_POSITIVE", False, selected_case()),
    "chemo line 1, visceral crisis": Case("CHEMO_FIRST_LINE_HR_POSITIVE", False, selected_case(chemo_line1(), CRISIS)),
    "chemo line 1, HER2+": Case("CHEMO_FIRST_LINE_HR_POSITIVE", False, selected_case(
        chemo_line1(), tumour={"her2_ihc": "3+"})),
    "chemo line 1, HER2 equivocal": Case("CHEMO_FIRST_LINE_HR_POSITIVE", False, selected_case(
        chemo_line1(), tumour={"her2_ihc": "2+", "her2_ish": None})),
    "chemo line 1, HR-negative": Case("CHEMO_FIRST_LINE_HR_POSITIVE", False, selected_case(
        chemo_line1(), tumour={"er_percent": 0, "pr_percent": 0})),
    "chemo line 1, HR unknown": Case("CHEMO_FIRST_LINE_HR_POSITIVE", False, selected_case(
        chemo_line1(), tumour={"er_percent": None, "pr_percent": None})),
    "chemo line 2": Case("CHEMO_FIRST_LINE_HR_POSITIVE", False, selected_case(chemo_line1(line=2))),
    "adjuvant chemo": Case("CHEMO_FIRST_LINE_HR_POSITIVE", False, selected_case({"therapies": [
        systemic("2024-03-01", "2024-07-01", setting="adjuvant", line=None, classes=CHEMO),
        systemic(SELECTED_START), bma("2025-02-10")]})),
    # NO_MDT_DISCUSSION
    "no MDT": Case("NO_MDT_DISCUSSION", True, selected_case(mdt_discussions=[])),
    "MDT only after as-of": Case("NO_MDT_DISCUSSION", True, selected_case(mdt_discussions=["2025-06-11"])),
    "MDT on as-of": Case("NO_MDT_DISCUSSION", False, selected_case(mdt_discussions=["2025-06-11", AS_OF])),
    # METASTASIS_NOT_BIOPSIED
    "not biopsied": Case("METASTASIS_NOT_BIOPSIED", True, selected_case(metastatic={"biopsy_done": False})),
    "biopsy not recorded": Case("METASTASIS_NOT_BIOPSIED", True, make_case(
        metastatic={"diagnosis_date": "2025-01-20", "lesions": [lesion("lung")]})),
    "diffuse, nothing listed": Case("METASTASIS_NOT_BIOPSIED", True, make_case(
        metastatic={"diagnosis_date": "2025-01-20", "lesions": [], "diffuse": True})),
    "biopsied": Case("METASTASIS_NOT_BIOPSIED", False, selected_case()),
    "no distant disease": Case("METASTASIS_NOT_BIOPSIED", False, make_case(tumour={"m": "M0"})),
    "only a lesion after as-of": Case("METASTASIS_NOT_BIOPSIED", False, make_case(
        metastatic={"diagnosis_date": "2025-06-20", "lesions": [bone("rib", detected="2025-06-20")]})),
    # NO_PET_STAGING
    "oligometastatic without PET": Case("NO_PET_STAGING", True, selected_case(
        metastatic={"staging_modalities": ["ct", "bone_scan"]})),
    "oligometastatic, no modalities recorded": Case("NO_PET_STAGING", True, make_case(
        metastatic={"diagnosis_date": "2025-01-20", "lesions": [bone()]})),
    "oligometastatic with PET": Case("NO_PET_STAGING", False, selected_case()),
    "six lesions without PET": Case("NO_PET_STAGING", False, selected_case(
        SIX_BONE, metastatic={"staging_modalities": ["ct"]})),
    "no lesions without PET": Case("NO_PET_STAGING", False, make_case()),
    # BMA_NOT_STARTED
    "bone lesion, no agent": Case("BMA_NOT_STARTED", True, selected_case(therapies=[systemic(SELECTED_START)])),
    "bone lesion, agent ended": Case("BMA_NOT_STARTED", True, selected_case(
        therapies=[systemic(SELECTED_START), bma("2025-02-10", "2025-05-01")])),
    "agent in place": Case("BMA_NOT_STARTED", False, selected_case()),
    "no bone lesion": Case("BMA_NOT_STARTED", False, selected_case(
        lesions(lesion("liver")), therapies=[systemic(SELECTED_START)])),
    # DENTAL_EVALUATION_PENDING
    "bone lesion, no dental evaluation": Case("DENTAL_EVALUATION_PENDING", True, selected_case(
        dental_evaluation_date=None)),
    "dental evaluation after as-of": Case("DENTAL_EVALUATION_PENDING", True, selected_case(
        dental_evaluation_date="2025-06-11")),
    "dental evaluation done": Case("DENTAL_EVALUATION_PENDING", False, selected_case()),
    "no bone lesion, no dental": Case("DENTAL_EVALUATION_PENDING", False, selected_case(
        lesions(lesion("lung")), dental_evaluation_date=None)),
    # ORTHOPAEDIC_EVALUATION
    "femur lesion": Case("ORTHOPAEDIC_EVALUATION", True, selected_case(lesions(bone("rib"), bone("femur")))),
    "vertebra lesion": Case("ORTHOPAEDIC_EVALUATION", True, selected_case(lesions(bone("vertebra")))),
    "humerus lesion (advisory)": Case("ORTHOPAEDIC_EVALUATION", False, selected_case(lesions(bone("humerus")))),
    "rib lesions": Case("ORTHOPAEDIC_EVALUATION", False, selected_case()),
    # ASSESSMENT_TOO_EARLY
    "only an early assessment": Case("ASSESSMENT_TOO_EARLY", True, selected_case(EARLY_ONLY)),
    "assessed in the window": Case("ASSESSMENT_TOO_EARLY", False, selected_case()),
    # RESPONSE_ASSESSMENT_OVERDUE
    "overdue": Case("RESPONSE_ASSESSMENT_OVERDUE", True, selected_case(assessed()), "2025-08-04"),
    "on the closing day": Case("RESPONSE_ASSESSMENT_OVERDUE", False, selected_case(assessed()), "2025-08-03"),
    # LATE_ASSESSMENT
    "first assessment after closing": Case("LATE_ASSESSMENT", True, selected_case(
        assessed(("2025-08-04", [20, 9], "non-CR/non-PD", False))), "2025-08-10"),
    "first assessment in the window": Case("LATE_ASSESSMENT", False, selected_case(
        assessed(("2025-06-02", [20, 9], "non-CR/non-PD", False), ("2025-08-04", [20, 9], "non-CR/non-PD", False))),
        "2025-08-10"),
    # PROGRESSIVE_DISEASE
    "latest PD": Case("PROGRESSIVE_DISEASE", True, selected_case(assessed(
        ("2025-06-02", [20, 9], "non-CR/non-PD", False), ("2025-06-09", [20, 9], "non-CR/non-PD", True)))),
    "earlier PD, latest PR": Case("PROGRESSIVE_DISEASE", False, selected_case(assessed(
        ("2025-05-12", [20, 9], "PD", False), ("2025-06-02", [20, 9], "non-CR/non-PD", False)))),
    # NON_MEASURABLE_DISEASE
    "baseline without targets": Case("NON_MEASURABLE_DISEASE", True, selected_case(
        recist=recist_block(BASELINE, [], [assessment("2025-06-02", [], "non-CR/non-PD")]))),
    "baseline without targets or assessments": Case("NON_MEASURABLE_DISEASE", True, make_case(
        recist=recist_block(BASELINE, [], non_targets=["sclerotic bone lesions"]))),
    "baseline with targets": Case("NON_MEASURABLE_DISEASE", False, selected_case()),
    "no RECIST baseline": Case("NON_MEASURABLE_DISEASE", False, selected_case(recist=None)),
    # PALLIATIVE_SURGERY_NOT_FEASIBLE
    "symptomatic, clearance not feasible": Case("PALLIATIVE_SURGERY_NOT_FEASIBLE", True, selected_case(
        tumour={"primary_symptoms": ["bleeding"], "complete_clearance_feasible": False})),
    "symptomatic, clearance not judged": Case("PALLIATIVE_SURGERY_NOT_FEASIBLE", True, make_case(
        tumour={"primary_symptoms": ["ulceration"]})),
    "symptomatic, feasible, visceral crisis": Case("PALLIATIVE_SURGERY_NOT_FEASIBLE", True, make_case(
        tumour={"primary_symptoms": ["bleeding"], "complete_clearance_feasible": True},
        metastatic={"diagnosis_date": "2025-01-10", "lesions": [lesion("liver")], "visceral_crisis": True})),
    "symptomatic, feasible": Case("PALLIATIVE_SURGERY_NOT_FEASIBLE", False, selected_case(
        tumour={"primary_symptoms": ["bleeding"], "complete_clearance_feasible": True})),
    "symptomatic, primary resected": Case("PALLIATIVE_SURGERY_NOT_FEASIBLE", False, selected_case(
        tumour={"primary_intact": False, "primary_symptoms": ["pain"], "complete_clearance_feasible": False})),
    "no symptoms": Case("PALLIATIVE_SURGERY_NOT_FEASIBLE", False, selected_case(
        tumour={"complete_clearance_feasible": False})),
    # VISCERAL_CRISIS
    "visceral crisis": Case("VISCERAL_CRISIS", True, selected_case(CRISIS)),
    "no visceral crisis": Case("VISCERAL_CRISIS", False, selected_case()),
    "visceral crisis not recorded": Case("VISCERAL_CRISIS", False, make_case()),
    # NOT_OLIGOMETASTATIC
    "six lesions": Case("NOT_OLIGOMETASTATIC", True, selected_case(SIX_BONE)),
    "diffuse": Case("NOT_OLIGOMETASTATIC", True, selected_case(metastatic={"diffuse": True})),
    "five lesions": Case("NOT_OLIGOMETASTATIC", False, selected_case(FIVE_BONE)),
    "no lesions": Case("NOT_OLIGOMETASTATIC", False, selected_case(NO_LESIONS)),
    # OS_BENEFIT_UNPROVEN
    "consider_selected and consider": Case("OS_BENEFIT_UNPROVEN", True, selected_case()),
    "consider_selected only (induced)": Case("OS_BENEFIT_UNPROVEN", True, selected_case(POLY)),
    "metastasis-directed consider only": Case("OS_BENEFIT_UNPROVEN", True, selected_case(
        tumour={"her2_ihc": "3+"})),
    "metastasis-directed consider_non_progression only": Case("OS_BENEFIT_UNPROVEN", True, selected_case(
        assessed(("2025-06-02", [30, 15], "non-CR/non-PD", False)))),
    "not_routine and not_yet": Case("OS_BENEFIT_UNPROVEN", False, selected_case(EARLY_ONLY)),
    "not_routine and not_indicated": Case("OS_BENEFIT_UNPROVEN", False, selected_case(SIX_BONE)),
    "indicated_palliative and not_routine": Case("OS_BENEFIT_UNPROVEN", False, selected_case(
        POLY, tumour={"primary_symptoms": ["bleeding"], "complete_clearance_feasible": True})),
}


def test_every_contract_code_has_a_firing_and_a_silent_case() -> None:
    firing = {c.code for c in CASES.values() if c.fires}
    silent = {c.code for c in CASES.values() if not c.fires}
    assert firing == silent == CONTRACT_CODES


@pytest.mark.parametrize("name", list(CASES))
def test_warning(name: str) -> None:
    case = CASES[name]
    out = evaluate(case.doc, case.as_of)
    assert (case.code in codes(out)) is case.fires, sorted(codes(out))


def test_the_selected_case_has_only_os_benefit_unproven() -> None:
    assert codes(evaluate(selected_case(), AS_OF)) == {"OS_BENEFIT_UNPROVEN"}


def test_a_quiet_case_has_no_contract_warning() -> None:
    doc = make_case(tumour={"t": "T2", "n": "N0", "m": "M0"}, mdt_discussions=["2025-01-20"])
    assert codes(evaluate(doc, AS_OF)) == set()


def test_many_codes_at_once() -> None:
    doc = make_case(
        tumour={"er_percent": 90, "her2_ihc": "0", "primary_symptoms": ["bleeding"]},
        metastatic={"diagnosis_date": "2025-01-10", "lesions": [bone("femur")] * 6},
        therapies=[systemic("2025-01-20", classes=CHEMO)],
        recist=recist_block("2025-01-15", [], [assessment("2025-03-01", [], "PD")]),
    )
    assert codes(evaluate(doc, "2025-08-01")) == {
        "CHEMO_FIRST_LINE_HR_POSITIVE", "NO_MDT_DISCUSSION", "METASTASIS_NOT_BIOPSIED", "BMA_NOT_STARTED",
        "DENTAL_EVALUATION_PENDING", "ORTHOPAEDIC_EVALUATION", "ASSESSMENT_TOO_EARLY", "RESPONSE_ASSESSMENT_OVERDUE",
        "PROGRESSIVE_DISEASE", "NON_MEASURABLE_DISEASE", "PALLIATIVE_SURGERY_NOT_FEASIBLE", "NOT_OLIGOMETASTATIC"}


# ---------------------------------------------------------------- shape of warnings and references

def reference_ids(node: Any, top: bool = True) -> Iterator[str]:
    """Every id in a 'references' list anywhere in the output (not the top-level map itself)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if top and key == "references":
                continue
            if key == "references" and isinstance(value, list):
                yield from value
            else:
                yield from reference_ids(value, top=False)
    elif isinstance(node, list):
        for item in node:
            yield from reference_ids(item, top=False)


@pytest.mark.parametrize("name", list(CASES))
def test_warnings_and_references_are_well_formed(name: str) -> None:
    case = CASES[name]
    out = evaluate(case.doc, case.as_of)
    counts = Counter(w["code"] for w in out["warnings"])
    assert all(n == 1 for n in counts.values()), counts
    for w in out["warnings"]:
        assert w["severity"] in SEVERITIES
        assert isinstance(w["message"], str) and w["message"].strip()
        assert isinstance(w["references"], list) and w["references"], w["code"]
    refs = out["references"]
    assert isinstance(refs, dict)
    used = set(reference_ids(out))
    assert used, "the verdicts cite nothing"
    assert used <= set(refs), sorted(used - set(refs))
    for ref_id in used:
        assert isinstance(refs[ref_id]["citation"], str) and refs[ref_id]["citation"].strip()
        # "null where not determinable": the founding document, for one, has no address
        url = refs[ref_id]["url"]
        assert url is None or (isinstance(url, str) and url.startswith(("http://", "https://"))), url
    for section in ("primary_tumour", "metastasis_directed_therapy"):
        assert isinstance(out[section]["rationale"], str) and out[section]["rationale"].strip()
        assert isinstance(out[section]["references"], list)
