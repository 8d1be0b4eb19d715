"""Properties of the engine over arbitrary schema-valid cases (hypothesis)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tumorboard.casedoc import validate_case_document
from tumorboard.domain.vocab import N_CATEGORIES, T_CATEGORIES
from tumorboard.recommend import output_schema, recommend_document

OUTPUT = Draft202012Validator(output_schema())
day = st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31))
maybe = st.none() | st.booleans()
mm = st.integers(0, 120) | st.floats(0, 120, allow_nan=False).map(lambda v: round(v, 1))


@st.composite
def lesion(draw: st.DrawFn) -> dict[str, Any]:
    organ = draw(st.sampled_from(["bone", "bone", "liver", "lung", "brain", "distant_lymph_node", "other"]))
    les: dict[str, Any] = {"organ": organ}
    if organ == "bone" or draw(st.booleans()):
        les["bone_site"] = draw(st.sampled_from(["vertebra", "femur", "tibia", "pelvis", "humerus", "rib",
                                                 "skull", None]))
    if draw(st.booleans()):
        les["detected"] = draw(day).isoformat()
    if draw(st.booleans()):
        les["size_mm"] = draw(mm)
    return les


@st.composite
def therapy(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["systemic", "systemic", "bone_modifying", "surgery", "radiotherapy"]))
    start = draw(day)
    th: dict[str, Any] = {"kind": kind, "start": start.isoformat()}
    if draw(st.booleans()):
        th["end"] = (start + timedelta(days=draw(st.integers(0, 900)))).isoformat()
    if kind == "systemic":
        th["setting"] = draw(st.sampled_from(["metastatic", "metastatic", "adjuvant", "neoadjuvant"]))
        th["line"] = draw(st.none() | st.integers(1, 4))
        th["classes"] = draw(st.lists(st.sampled_from(["endocrine", "cdk46_inhibitor", "chemotherapy",
                                                       "anti_her2"]), unique=True, max_size=3))
    if kind == "bone_modifying":
        th["agent"] = draw(st.sampled_from(["denosumab", "zoledronic_acid"]))
    return th


@st.composite
def case_document(draw: st.DrawFn) -> dict[str, Any]:
    lesions = draw(st.lists(lesion(), max_size=8))
    n_targets = draw(st.integers(0, 3))
    assessments = []
    for _ in range(draw(st.integers(0, 4))):
        assessments.append({
            "date": draw(day).isoformat(),
            "target_mm": [draw(st.none() | mm) if draw(st.integers(0, 9)) == 0 else draw(mm)
                          for _ in range(n_targets)],
            "non_target": draw(st.sampled_from(["CR", "non-CR/non-PD", "PD", "NE", "none"])),
            "new_lesions": draw(st.integers(0, 5)) == 0,
        })
    doc: dict[str, Any] = {
        "format": "tumorboard.case/1",
        "patient": {"mrn": "P-1", "birth_date": draw(st.dates(date(1930, 1, 1), date(2000, 12, 31))).isoformat(),
                    "sex": "female"},
        "tumour": {"primary_site": "breast", "diagnosis_date": draw(day).isoformat(),
                   "t": draw(st.sampled_from(T_CATEGORIES)), "n": draw(st.sampled_from(N_CATEGORIES)),
                   "m": draw(st.sampled_from(["M0", "M1"])), "primary_intact": draw(st.booleans()),
                   "er_percent": draw(st.none() | st.sampled_from([0, 0.5, 1, 50, 100])),
                   "pr_percent": draw(st.none() | st.sampled_from([0, 0.9, 1, 80])),
                   "her2_ihc": draw(st.sampled_from(["0", "1+", "2+", "3+", None])),
                   "her2_ish": draw(st.sampled_from(["amplified", "not_amplified", "equivocal", None])),
                   "primary_symptoms": draw(st.lists(st.sampled_from(["pain", "bleeding"]), unique=True)),
                   "complete_clearance_feasible": draw(maybe)},
        "metastatic": {"lesions": lesions, "diffuse": draw(st.booleans()),
                       "visceral_crisis": draw(st.booleans()),
                       "staging_modalities": draw(st.lists(st.sampled_from(["fdg_pet_ct", "ct"]), unique=True)),
                       "biopsy_done": draw(st.booleans()),
                       "history": {"prior_polymetastatic": draw(st.booleans()),
                                   "prior_oligometastatic": draw(st.booleans())}},
        "therapies": draw(st.lists(therapy(), max_size=5)),
        "dental_evaluation_date": draw(st.none() | day.map(date.isoformat)),
        "mdt_discussions": draw(st.lists(day.map(date.isoformat), max_size=3)),
        "recist": None if draw(st.integers(0, 4)) == 0 else {
            "baseline_date": draw(day).isoformat(),
            "targets": [{"name": f"t{i}", "nodal": draw(st.booleans()), "baseline_mm": draw(mm)}
                        for i in range(n_targets)],
            "assessments": assessments},
    }
    if lesions or draw(st.booleans()):
        doc["metastatic"]["diagnosis_date"] = draw(day).isoformat()
    if draw(st.booleans()):
        doc["metastatic"]["current_state_date"] = draw(day).isoformat()
    assert validate_case_document(doc) == [], validate_case_document(doc)
    return doc


VERDICT_KEYS = ("patient", "biology", "stage", "disease", "response_window", "recist", "bone_health")


@settings(max_examples=250, deadline=None)
@given(case_document(), day)
def test_any_valid_case_gives_a_schema_valid_output(doc: dict[str, Any], as_of: date) -> None:
    out = recommend_document(doc, as_of)
    errors = [e.message for e in OUTPUT.iter_errors(out)]
    assert errors == []
    assert len({w["code"] for w in out["warnings"]}) == len(out["warnings"])


@settings(max_examples=150, deadline=None)
@given(case_document(), day, st.randoms(use_true_random=False))
def test_verdicts_do_not_depend_on_the_order_of_lesions_or_therapies(
        doc: dict[str, Any], as_of: date, rnd: random.Random) -> None:
    before = recommend_document(doc, as_of)
    shuffled = dict(doc)
    shuffled["metastatic"] = {**doc["metastatic"], "lesions": rnd.sample(doc["metastatic"]["lesions"],
                                                                         len(doc["metastatic"]["lesions"]))}
    shuffled["therapies"] = rnd.sample(doc["therapies"], len(doc["therapies"]))
    after = recommend_document(shuffled, as_of)
    for key in VERDICT_KEYS:
        assert before[key] == after[key] or (key == "response_window" and _same_window(before, after)), key
    for key in ("primary_tumour", "metastasis_directed_therapy"):
        assert before[key]["verdict"] == after[key]["verdict"]
        assert [c["met"] for c in before[key]["criteria"]] == [c["met"] for c in after[key]["criteria"]]
    assert {w["code"] for w in before["warnings"]} == {w["code"] for w in after["warnings"]}


def _same_window(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two metastatic lines may start the same day: the window is the same, its regimen label may not."""
    keys = ("therapy_start", "opens", "closes", "status")
    return all(a["response_window"][k] == b["response_window"][k] for k in keys)


@settings(max_examples=150, deadline=None)
@given(case_document(), day)
def test_the_window_is_three_to_six_months_after_the_anchor(doc: dict[str, Any], as_of: date) -> None:
    w = recommend_document(doc, as_of)["response_window"]
    if w["therapy_start"] is None:
        assert w["status"] == "no_systemic_therapy"
        return
    start, opens, closes = (date.fromisoformat(w[k]) for k in ("therapy_start", "opens", "closes"))
    assert start <= as_of
    assert 89 <= (opens - start).days <= 92 and 181 <= (closes - start).days <= 184
