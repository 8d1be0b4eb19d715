"""The eleven further warning codes of ruleset 1.1 (contract additions, section 3): each fires, and
does not fire, at its boundaries; severities as the page fixes them."""

from __future__ import annotations

from typing import Any

import pytest
from rec_casekit import (
    CONTRACT_CODES,
    DELETE,
    SELECTED_AS_OF,
    SELECTED_START,
    assessment,
    bone,
    evaluate,
    lesion,
    make_case,
    selected_case,
    systemic,
)

SEVERITY = {
    "CORD_COMPRESSION_SUSPECTED": "critical", "BRAIN_METASTASES": "warning",
    "POOR_PERFORMANCE_STATUS": "warning", "PRIMARY_NOT_CONTROLLED": "warning",
    "RESPONSE_NOT_IN_METASTASES": "warning", "GERMLINE_TESTING": "info", "PDL1_TESTING": "info",
    "PROGRESSION_BIOMARKERS": "info", "OVARIAN_SUPPRESSION": "warning", "ER_LOW": "info",
    "PALLIATIVE_CARE_REFERRAL": "info",
}


def warnings(doc: dict[str, Any], as_of: str = SELECTED_AS_OF) -> dict[str, dict[str, Any]]:
    out = evaluate(doc, as_of)
    found = {w["code"]: w for w in out["warnings"]}
    assert len(found) == len(out["warnings"])  # each code at most once
    for code, w in found.items():
        if code in SEVERITY:
            assert w["severity"] == SEVERITY[code], code
            assert w["references"] and all(r in out["references"] for r in w["references"])
    return found


def fires(code: str, doc: dict[str, Any], as_of: str = SELECTED_AS_OF) -> bool:
    return code in warnings(doc, as_of)


def test_the_further_codes_are_not_v1_codes() -> None:
    assert not set(SEVERITY) & CONTRACT_CODES


# ---------------------------------------------------------------- emergencies and fitness

@pytest.mark.parametrize(("symptoms", "site", "want"), [
    (True, "vertebra", True), (False, "vertebra", False), (DELETE, "vertebra", False), (True, "rib", False),
])
def test_cord_compression_suspected(symptoms: Any, site: str, want: bool) -> None:
    doc = selected_case(metastatic={"cord_compression_symptoms": symptoms, "lesions": [bone(site), bone("rib")]})
    assert fires("CORD_COMPRESSION_SUSPECTED", doc) is want


def test_cord_compression_needs_a_vertebral_lesion_detected_by_as_of() -> None:
    doc = selected_case(metastatic={"cord_compression_symptoms": True,
                                    "lesions": [bone("rib"), bone("vertebra", detected="2025-07-01")]})
    assert not fires("CORD_COMPRESSION_SUSPECTED", doc)
    assert fires("CORD_COMPRESSION_SUSPECTED", doc, as_of="2025-07-01")


def test_cord_compression_is_listed_first_among_the_critical_warnings() -> None:
    doc = selected_case(metastatic={"cord_compression_symptoms": True, "visceral_crisis": True,
                                    "lesions": [bone("vertebra")]})
    out = evaluate(doc)
    assert [w["code"] for w in out["warnings"]][:2] == ["CORD_COMPRESSION_SUSPECTED", "VISCERAL_CRISIS"]
    assert "whole-spine MRI" in out["warnings"][0]["message"]


def test_brain_metastases() -> None:
    found = warnings(selected_case(metastatic={"lesions": [bone("rib"), lesion("brain", site="left frontal")]}))
    assert "radiosurgery" in found["BRAIN_METASTASES"]["message"]
    assert "left frontal" in found["BRAIN_METASTASES"]["message"]
    assert not fires("BRAIN_METASTASES", selected_case())


@pytest.mark.parametrize(("ecog", "want"), [(2, False), (3, True), (4, True), (DELETE, False)])
def test_poor_performance_status_with_local_options_shown(ecog: Any, want: bool) -> None:
    assert fires("POOR_PERFORMANCE_STATUS", selected_case(patient={"ecog": ecog})) is want


def test_poor_performance_status_needs_a_local_option() -> None:
    # ECOG 3, but primary not_routine (ER 0, PR 0) and metastasis-directed not_yet (no assessment in window).
    doc = selected_case(patient={"ecog": 3}, tumour={"er_percent": 0, "pr_percent": 0},
                        recist={"assessments": [assessment("2025-04-01", [30, 15])]})
    out = evaluate(doc)
    assert out["primary_tumour"]["verdict"] == "not_routine"
    assert out["metastasis_directed_therapy"]["verdict"] == "not_yet"
    assert "POOR_PERFORMANCE_STATUS" not in {w["code"] for w in out["warnings"]}
    palliative = selected_case(patient={"ecog": 3}, tumour={"er_percent": 0, "pr_percent": 0,
                                                            "primary_symptoms": ["bleeding"],
                                                            "complete_clearance_feasible": True},
                               recist={"assessments": [assessment("2025-04-01", [30, 15])]})
    assert evaluate(palliative)["primary_tumour"]["verdict"] == "indicated_palliative"
    assert fires("POOR_PERFORMANCE_STATUS", palliative)


# ---------------------------------------------------------------- trial fit

def test_primary_not_controlled() -> None:
    assert fires("PRIMARY_NOT_CONTROLLED", selected_case())
    assert not fires("PRIMARY_NOT_CONTROLLED", selected_case(tumour={"primary_intact": False}))
    treated = selected_case(therapies=[*selected_case()["therapies"],
                                       {"kind": "radiotherapy", "target": "primary", "start": "2025-05-01",
                                        "end": "2025-05-20"}])
    assert not fires("PRIMARY_NOT_CONTROLLED", treated)
    not_yet = selected_case(recist={"assessments": [assessment("2025-04-01", [20, 9])]})
    assert not fires("PRIMARY_NOT_CONTROLLED", not_yet)  # verdict not_yet: nothing is being considered


def sited(primary: str | None, node: str | None, values: list[float], non_target: str = "non-CR/non-PD",
          ) -> dict[str, Any]:
    targets: list[dict[str, Any]] = [{"name": "breast", "nodal": False, "baseline_mm": 32},
                                     {"name": "axilla", "nodal": True, "baseline_mm": 18}]
    for target, site in zip(targets, (primary, node), strict=True):
        if site is not None:
            target["site"] = site
    return selected_case(recist={"targets": targets,
                                 "assessments": [assessment("2025-06-02", values, non_target)]})


def test_response_not_in_metastases() -> None:
    v01_like = sited("primary", "regional_node", [20, 9])
    found = warnings(v01_like)
    assert "is not a response of the metastases" in found["RESPONSE_NOT_IN_METASTASES"]["message"]
    assert not fires("RESPONSE_NOT_IN_METASTASES", sited(None, None, [20, 9]))           # unknown sites
    assert not fires("RESPONSE_NOT_IN_METASTASES", sited("primary", "regional_node", [20, 9], "CR"))
    assert not fires("RESPONSE_NOT_IN_METASTASES", sited("primary", "distant", [20, 9]))  # node is distant
    assert fires("RESPONSE_NOT_IN_METASTASES", sited("primary", "distant", [10, 17]))     # PR; node -5.6%
    assert not fires("RESPONSE_NOT_IN_METASTASES", sited("primary", "regional_node", [30, 17]))  # SD


# ---------------------------------------------------------------- testing prompts

@pytest.mark.parametrize(("changes", "want"), [
    ({}, True),                                              # germline_brca absent
    ({"tumour": {"germline_brca": "unknown"}}, True),
    ({"tumour": {"germline_brca": "negative"}}, False),
    ({"tumour": {"germline_brca": "BRCA2"}}, False),
    ({"tumour": {"her2_ihc": "3+"}}, False),                 # HER2-positive
    ({"tumour": {"her2_ihc": "2+"}}, True),                  # equivocal is not positive
    ({"metastatic": {"lesions": []}}, False),                # no distant disease
    ({"metastatic": {"lesions": [], "diffuse": True}}, True),
])
def test_germline_testing(changes: dict[str, Any], want: bool) -> None:
    assert fires("GERMLINE_TESTING", selected_case(changes)) is want


TNBC = {"tumour": {"er_percent": 0, "pr_percent": 0, "her2_ihc": "0"}}


@pytest.mark.parametrize(("changes", "want"), [
    ({}, True),
    ({"tumour": {"pdl1_cps": None}}, True),
    ({"tumour": {"pdl1_cps": 0}}, False),
    ({"tumour": {"pdl1_cps": 12}}, False),
    ({"tumour": {"her2_ihc": "1+"}}, True),                  # HER2-low
    ({"tumour": {"her2_ihc": "3+"}}, False),
    ({"tumour": {"her2_ihc": "2+"}}, False),                 # equivocal
    ({"tumour": {"er_percent": 1}}, False),                  # hormone-receptor positive
    ({"tumour": {"pr_percent": None}}, False),               # hormone-receptor unknown
    ({"metastatic": {"lesions": []}}, False),
])
def test_pdl1_testing(changes: dict[str, Any], want: bool) -> None:
    assert fires("PDL1_TESTING", selected_case(TNBC, changes)) is want


def progressing(*patches: dict[str, Any], endocrine_end: str | None = None) -> dict[str, Any]:
    """HR+/HER2-low on endocrine therapy, new lesions (PD) on 2025-06-02."""
    return selected_case(
        {"therapies": [systemic(SELECTED_START, endocrine_end, classes=("endocrine", "cdk46_inhibitor"))],
         "recist": {"assessments": [assessment("2025-06-02", [20, 9], new_lesions=True)]}}, *patches)


@pytest.mark.parametrize(("patch", "end", "want"), [
    ({}, None, True),
    ({"tumour": {"esr1": "not_detected", "pik3ca_pathway": "detected"}}, None, False),
    ({"tumour": {"esr1": "detected", "pik3ca_pathway": "unknown"}}, None, True),
    ({"tumour": {"esr1": "unknown", "pik3ca_pathway": "not_detected"}}, None, True),
    ({}, "2025-06-05", True),     # ended after the assessment, before as-of: active at the assessment
    ({}, "2025-06-01", False),    # ended before the assessment: not on endocrine therapy at either date
    ({"tumour": {"her2_ihc": "3+"}}, None, False),
    ({"tumour": {"er_percent": 0, "pr_percent": 0}}, None, False),
])
def test_progression_biomarkers(patch: dict[str, Any], end: str | None, want: bool) -> None:
    assert fires("PROGRESSION_BIOMARKERS", progressing(patch, endocrine_end=end)) is want


def test_progression_biomarkers_needs_progression() -> None:
    assert not fires("PROGRESSION_BIOMARKERS", selected_case())


def on_endocrine(end: str | None = None, ofs_end: str | bool | None = False, **patient: Any) -> dict[str, Any]:
    therapies = [systemic(SELECTED_START, end, classes=("endocrine",), regimen="letrozole")]
    if ofs_end is not False:
        therapies.append(systemic(SELECTED_START, ofs_end, classes=("ovarian_suppression",), regimen="goserelin",
                                  line=None, setting=None))
    return selected_case(therapies=therapies, patient=patient)


@pytest.mark.parametrize(("doc", "want"), [
    (on_endocrine(menopausal_status="pre"), True),
    (on_endocrine(menopausal_status="peri"), True),
    (on_endocrine(menopausal_status="post"), False),
    (on_endocrine(menopausal_status="unknown"), False),
    (on_endocrine(), False),                                              # status not recorded
    (on_endocrine(sex="male"), True),
    (on_endocrine(ofs_end=None, menopausal_status="pre"), False),         # goserelin running
    (on_endocrine(ofs_end="2025-06-09", menopausal_status="pre"), True),  # goserelin ended the day before
    (on_endocrine(end="2025-06-09", menopausal_status="pre"), False),     # endocrine ended the day before as-of
    (on_endocrine(end=SELECTED_AS_OF, menopausal_status="pre"), True),    # ends on as-of: still active
], ids=["pre", "peri", "post", "unknown", "absent", "male", "ofs", "ofs-ended", "et-ended-day-before",
        "et-ends-on-as-of"])
def test_ovarian_suppression(doc: dict[str, Any], want: bool) -> None:
    found = warnings(doc)
    assert ("OVARIAN_SUPPRESSION" in found) is want
    if want:
        message = found["OVARIAN_SUPPRESSION"]["message"]
        assert "aromatase inhibitor or fulvestrant" in message and "tamoxifen" in message


def test_ovarian_suppression_in_the_shared_v01_regimen_is_recognised() -> None:
    # letrozole + ribociclib + goserelin in one line carries the ovarian_suppression class.
    doc = selected_case(patient={"menopausal_status": "pre"},
                        therapies=[systemic(SELECTED_START, classes=("endocrine", "cdk46_inhibitor",
                                                                     "ovarian_suppression"))])
    assert not fires("OVARIAN_SUPPRESSION", doc)


@pytest.mark.parametrize(("er", "want"), [(0, False), (0.5, False), (1, True), (9, True), (9.9, True),
                                          (10, False), (95, False), (None, False)])
def test_er_low(er: float | None, want: bool) -> None:
    assert fires("ER_LOW", selected_case(tumour={"er_percent": er})) is want


@pytest.mark.parametrize(("changes", "want"), [
    ({}, False),
    ({"patient": {"ecog": 1}}, False),
    ({"patient": {"ecog": 2}}, True),
    ({"metastatic": {"lesions": [bone("rib")] * 6}}, True),                 # not oligometastatic
    ({"metastatic": {"lesions": [bone("rib")] * 5}}, False),
    ({"metastatic": {"lesions": [], "diffuse": True}}, True),
    ({"metastatic": {"lesions": []}}, False),                               # no distant disease
    ({"recist": {"assessments": [assessment("2025-06-02", [20, 9], new_lesions=True)]}}, True),
])
def test_palliative_care_referral(changes: dict[str, Any], want: bool) -> None:
    assert fires("PALLIATIVE_CARE_REFERRAL", selected_case(changes)) is want


def test_none_of_the_further_codes_fire_for_a_case_without_metastases() -> None:
    found = warnings(make_case(patient={"ecog": 4}))
    assert not set(found) & set(SEVERITY)
