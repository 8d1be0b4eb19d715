"""Properties of recommend_document over generated, schema-valid case documents.

The strategy respects the schema's cross-field rules (real dates, end >= start, one target_mm value per
baseline target, metastatic.diagnosis_date whenever lesions exist). Dates cluster around one drawn
"epoch" so that windows, cut-offs and as-of boundaries are actually crossed.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rec_casekit import (
    CONTRACT_CODES,
    SEVERITIES,
    add_months,
    bone,
    codes,
    evaluate,
    input_problems,
    make_case,
    selected_case,
    systemic,
    window,
)
from rec_contract_model import AMBIGUOUS, model

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

ORGANS = ["bone", "liver", "lung", "pleura", "brain", "distant_lymph_node", "adrenal", "skin_soft_tissue",
          "peritoneum", "other"]
BONE_SITES = ["vertebra", "femur", "tibia", "pelvis", "humerus", "rib", "sternum", "scapula", "clavicle", "skull",
              "other", None]
CLASSES = ["endocrine", "cdk46_inhibitor", "chemotherapy", "anti_her2", "adc", "parp_inhibitor", "immunotherapy",
           "ovarian_suppression", "other"]
T_VALUES = ["TX", "T0", "Tis", "T1mi", "T1", "T1a", "T1b", "T1c", "T2", "T3", "T4", "T4a", "T4b", "T4c", "T4d"]
N_VALUES = ["NX", "N0", "N1mi", "N1", "N1a", "N1b", "N1c", "N2", "N2a", "N2b", "N3", "N3a", "N3b", "N3c"]
SYMPTOMS = ["ulceration", "bleeding", "fungation", "pain", "infection", "impending_complication"]
MODALITIES = ["fdg_pet_ct", "ct", "bone_scan", "mri", "ultrasound", "xray"]
NON_TARGET = ["CR", "non-CR/non-PD", "PD", "NE", "none"]
ABSENT: Any = object()


def put(draw: Any, obj: dict[str, Any], key: str, strategy: Any, absent: bool = True, one_in: int = 4) -> None:
    """Set obj[key] from strategy, or (when absent is allowed) leave the key out about one time in one_in."""
    if absent and draw(st.integers(1, one_in)) == 1:
        return
    obj[key] = draw(strategy)


def sometimes(draw: Any, one_in: int = 3) -> bool:
    return bool(draw(st.integers(1, one_in)) == 1)


def day(epoch: date, lo: int, hi: int) -> Any:
    return st.integers(lo, hi).map(lambda k: epoch + timedelta(days=k))


def iso(strategy: Any) -> Any:
    return strategy.map(date.isoformat)


MM = st.one_of(st.integers(0, 150), st.integers(0, 1500).map(lambda k: k / 10))
PERCENT = st.one_of(st.none(), st.sampled_from([0, 0.5, 0.99, 1, 5, 50, 100]), st.floats(0, 100, allow_nan=False))


@st.composite
def lesion_items(draw: Any, epoch: date) -> dict[str, Any]:
    organ = draw(st.sampled_from(ORGANS[:3]) | st.sampled_from(ORGANS))
    item: dict[str, Any] = {"organ": organ}
    if organ == "bone":
        put(draw, item, "bone_site", st.sampled_from(BONE_SITES))
    put(draw, item, "site", st.just("site text"))
    put(draw, item, "size_mm", st.one_of(st.none(), MM))
    put(draw, item, "detected", iso(day(epoch, -400, 500)))
    return item


@st.composite
def therapy_items(draw: Any, epoch: date) -> dict[str, Any]:
    kind = draw(st.sampled_from(["systemic", "systemic", "systemic", "bone_modifying", "surgery", "radiotherapy",
                                 "ablation"]))
    start = draw(day(epoch, -500, 250))
    item: dict[str, Any] = {"kind": kind, "start": start.isoformat()}
    end = draw(st.one_of(st.just(ABSENT), st.none(), st.integers(0, 500).map(lambda k: start + timedelta(days=k))))
    if end is not ABSENT:
        item["end"] = end if end is None else end.isoformat()
    if kind == "systemic":
        put(draw, item, "classes", st.lists(st.sampled_from(CLASSES), unique=True, max_size=3))
        put(draw, item, "setting", st.sampled_from(["metastatic", "metastatic", "metastatic", "adjuvant",
                                                    "neoadjuvant"]), one_in=8)
        put(draw, item, "line", st.one_of(st.none(), st.integers(1, 3)))
        put(draw, item, "regimen", st.sampled_from(["A", "B", "letrozole + ribociclib"]))
    elif kind == "bone_modifying":
        put(draw, item, "agent", st.sampled_from(["denosumab", "zoledronic_acid", "pamidronate", "other"]))
    else:
        put(draw, item, "target", st.sampled_from(["primary", "metastasis"]))
    return item


@st.composite
def recist_blocks(draw: Any, epoch: date) -> dict[str, Any]:
    baseline = draw(day(epoch, -300, 200))
    targets = draw(st.lists(st.fixed_dictionaries({
        "name": st.just("t"), "nodal": st.booleans(),
        "baseline_mm": st.one_of(st.integers(10, 120), st.integers(100, 1200).map(lambda k: k / 10),
                                 st.sampled_from([0, 0.5, 5]))}),
        max_size=5))
    block: dict[str, Any] = {"baseline_date": baseline.isoformat(), "targets": targets}
    put(draw, block, "non_targets", st.lists(st.just("bone lesions"), max_size=2))
    gaps = draw(st.lists(st.integers(0, 150), max_size=4))
    items = []
    when = baseline
    for gap in gaps:
        when += timedelta(days=gap)
        mm = []
        for target in targets:
            factor = draw(st.sampled_from([None, 0, 0.3, 0.5, 0.7, 0.75, 0.9, 1, 1.2, 1.25, 1.5]))
            if factor is None and draw(st.booleans()):
                factor = 1
            mm.append(None if factor is None else round(min(500, target["baseline_mm"] * factor), 1))
        items.append({"date": when.isoformat(), "target_mm": mm,
                      "non_target": draw(st.sampled_from(NON_TARGET)),
                      "new_lesions": draw(st.sampled_from([False, False, False, True]))})
    if draw(st.integers(0, 4)) == 0:
        items = draw(st.permutations(items))  # the list need not be in date order
    put(draw, block, "assessments", st.just(items))
    return block


@st.composite
def case_documents(draw: Any) -> tuple[dict[str, Any], date]:
    epoch = draw(st.dates(date(2022, 1, 1), date(2026, 6, 30)))
    patient: dict[str, Any] = {
        "mrn": draw(st.integers(0, 10**6).map(lambda k: f"P-{k}")),
        "birth_date": draw(iso(st.dates(date(1940, 1, 1), date(2000, 12, 31)))),
        "sex": draw(st.sampled_from(["female", "male", "other", "unknown"])),
    }
    put(draw, patient, "ecog", st.integers(0, 4))
    tumour_dx = draw(day(epoch, -1500, 0))
    tumour: dict[str, Any] = {
        "primary_site": "breast", "diagnosis_date": tumour_dx.isoformat(),
        "t": draw(st.sampled_from(T_VALUES)), "n": draw(st.sampled_from(N_VALUES)),
        "m": draw(st.sampled_from(["M0", "M1"])), "primary_intact": draw(st.booleans()),
    }
    put(draw, tumour, "er_percent", PERCENT)
    put(draw, tumour, "pr_percent", PERCENT)
    put(draw, tumour, "her2_ihc", st.sampled_from(["0", "1+", "2+", "3+", None]))
    put(draw, tumour, "her2_ish", st.sampled_from(["amplified", "not_amplified", "equivocal", None]))
    put(draw, tumour, "primary_symptoms", st.lists(st.sampled_from(SYMPTOMS), unique=True, max_size=2))
    put(draw, tumour, "complete_clearance_feasible", st.sampled_from([True, False, None]))

    lesions = draw(st.lists(lesion_items(epoch), max_size=8))
    metastatic: dict[str, Any] = {"lesions": lesions}
    met_dx = st.one_of(day(tumour_dx, 0, 200), day(epoch, -200, 300))
    put(draw, metastatic, "diagnosis_date", iso(met_dx), absent=not lesions)
    put(draw, metastatic, "current_state_date", iso(day(epoch, -100, 400)))
    put(draw, metastatic, "diffuse", st.sampled_from([False, False, True]))
    put(draw, metastatic, "visceral_crisis", st.sampled_from([False, False, True]))
    put(draw, metastatic, "staging_modalities", st.lists(st.sampled_from(MODALITIES), unique=True, max_size=3))
    put(draw, metastatic, "biopsy_done", st.booleans())
    put(draw, metastatic, "history", st.fixed_dictionaries({}, optional={
        "prior_polymetastatic": st.booleans(), "prior_oligometastatic": st.booleans()}))

    doc: dict[str, Any] = {"format": "tumorboard.case/1", "patient": patient, "tumour": tumour,
                           "metastatic": metastatic}
    put(draw, doc, "therapies", st.lists(therapy_items(epoch), min_size=1, max_size=5), one_in=6)
    put(draw, doc, "dental_evaluation_date", st.one_of(st.none(), iso(day(epoch, -100, 400))))
    put(draw, doc, "mdt_discussions", st.lists(iso(day(epoch, -100, 500)), max_size=3))
    put(draw, doc, "recist", st.one_of(st.none(), recist_blocks(epoch)))
    as_of = draw(day(epoch, -100, 700) if not sometimes(draw, 8) else st.dates(date(2015, 1, 1), date(2028, 12, 31)))
    return doc, as_of


@st.composite
def selected_variants(draw: Any) -> tuple[dict[str, Any], date]:
    """selected_case() (every consider_selected criterion met) with a few random changes: documents near
    the decision boundaries, which independent random documents seldom reach."""
    doc = selected_case()
    tumour, met = doc["tumour"], doc["metastatic"]
    epoch = date(2025, 1, 20)
    if sometimes(draw):
        doc["patient"]["birth_date"] = draw(iso(st.dates(date(1968, 1, 1), date(1972, 12, 31))))
    if sometimes(draw, 4):
        tumour["er_percent"], tumour["pr_percent"] = draw(PERCENT), draw(PERCENT)
    if sometimes(draw, 4):
        tumour["her2_ihc"] = draw(st.sampled_from(["0", "1+", "2+", "3+", None]))
        tumour["her2_ish"] = draw(st.sampled_from(["amplified", "not_amplified", "equivocal", None]))
    if sometimes(draw, 4):
        tumour["primary_symptoms"] = draw(st.lists(st.sampled_from(SYMPTOMS), unique=True, min_size=1, max_size=2))
        tumour["complete_clearance_feasible"] = draw(st.sampled_from([True, False, None]))
    if sometimes(draw, 8):
        tumour["primary_intact"] = False
    if sometimes(draw, 4):
        tumour["diagnosis_date"] = draw(iso(day(epoch, -900, 0)))
    if sometimes(draw):
        met["lesions"] = draw(st.lists(lesion_items(epoch), min_size=1, max_size=7))
    if sometimes(draw, 8):
        met["visceral_crisis"] = True
    if sometimes(draw, 8):
        met["diffuse"] = True
    if sometimes(draw, 4):
        met["history"] = draw(st.fixed_dictionaries({"prior_polymetastatic": st.booleans(),
                                                     "prior_oligometastatic": st.booleans()}))
        put(draw, met, "current_state_date", iso(day(epoch, -30, 200)))
    if sometimes(draw, 4):
        met["staging_modalities"] = draw(st.lists(st.sampled_from(MODALITIES), unique=True, max_size=3))
        met["biopsy_done"] = draw(st.booleans())
    if sometimes(draw):
        doc["therapies"] = draw(st.lists(therapy_items(epoch), max_size=4)) + (
            [systemic("2025-02-03", classes=draw(st.sampled_from([("endocrine",), ("chemotherapy",)])))]
            if draw(st.booleans()) else [])
    if sometimes(draw, 4):
        doc["dental_evaluation_date"] = draw(st.one_of(st.none(), iso(day(epoch, -30, 200))))
    if sometimes(draw, 4):
        doc["mdt_discussions"] = draw(st.lists(iso(day(epoch, -30, 200)), max_size=2))
    if sometimes(draw, 2):  # a new series of assessments for the two targets (32 mm, node 18 mm)
        when, items = date(2025, 1, 27), []
        for gap in draw(st.lists(st.integers(1, 80), max_size=4)):
            when += timedelta(days=gap)
            mm = [round(32 * draw(st.sampled_from([0, 0.3, 0.6, 0.7, 0.9, 1, 1.3]))),
                  round(18 * draw(st.sampled_from([0.4, 0.5, 0.6, 1, 1.2]))) if not sometimes(draw, 10) else None]
            items.append({"date": when.isoformat(), "target_mm": mm,
                          "non_target": draw(st.sampled_from(NON_TARGET)), "new_lesions": sometimes(draw, 6)})
        doc["recist"]["assessments"] = items
    as_of = draw(day(date(2025, 2, 3), 0, 300))
    return doc, as_of


CASES = st.one_of(case_documents(), selected_variants())


# ---------------------------------------------------------------- the properties

@SETTINGS
@given(CASES)
def test_never_raises_and_output_matches_its_schema(case: tuple[dict[str, Any], date]) -> None:
    doc, as_of = case
    assert input_problems(doc) == []  # the strategy itself keeps to the schema and its cross-field rules
    out = evaluate(doc, as_of)  # asserts JSON-ness and output_schema()
    seen = [w["code"] for w in out["warnings"]]
    assert len(seen) == len(set(seen))
    assert all(w["severity"] in SEVERITIES for w in out["warnings"])
    assert set(out["references"]) >= {r for w in out["warnings"] for r in w["references"]}


def contract_view(out: dict[str, Any]) -> dict[str, Any]:
    """The enumerated, order-free parts of an output."""
    disease = out["disease"]
    return {
        "patient": out["patient"]["age_at_metastatic_diagnosis"],
        "biology": out["biology"],
        "stage": out["stage"],
        "disease": {k: disease[k] for k in ("distant_lesion_count", "oligometastatic", "bone_only",
                                            "omd_classification")},
        "window": window(out),
        "recist": out["recist"],
        "primary": out["primary_tumour"]["verdict"],
        "criteria": [(c["id"], c["met"]) for c in out["primary_tumour"]["criteria"]],
        "mdt": out["metastasis_directed_therapy"]["verdict"],
        "bone": out["bone_health"],
        "warnings": sorted(w["code"] for w in out["warnings"]),
        "severities": sorted((w["code"], w["severity"]) for w in out["warnings"]),
    }


@SETTINGS
@given(CASES, st.randoms(use_true_random=False))
def test_invariant_under_shuffling_lesions_and_therapies(case: tuple[dict[str, Any], date],
                                                         rnd: random.Random) -> None:
    doc, as_of = case
    shuffled = {**doc, "metastatic": {**doc["metastatic"], "lesions": list(doc["metastatic"]["lesions"])}}
    rnd.shuffle(shuffled["metastatic"]["lesions"])
    if "therapies" in doc:
        shuffled["therapies"] = list(doc["therapies"])
        rnd.shuffle(shuffled["therapies"])
    assert contract_view(evaluate(shuffled, as_of)) == contract_view(evaluate(doc, as_of))


@SETTINGS
@given(CASES)
def test_response_window_follows_its_anchor(case: tuple[dict[str, Any], date]) -> None:
    doc, as_of = case
    rw = window(evaluate(doc, as_of))
    starts = [date.fromisoformat(t["start"]) for t in doc.get("therapies", [])
              if t["kind"] == "systemic" and t.get("setting") == "metastatic"
              and date.fromisoformat(t["start"]) <= as_of]
    if not starts:
        assert rw == {"therapy_start": None, "opens": None, "closes": None, "status": "no_systemic_therapy"}
        return
    start = max(starts)
    opens, closes = date.fromisoformat(rw["opens"]), date.fromisoformat(rw["closes"])
    assert rw["therapy_start"] == start.isoformat()
    assert start < opens < closes
    assert 89 <= (opens - start).days <= 92
    assert 89 <= (closes - opens).days <= 92
    assert (opens, closes) == (add_months(start, 3), add_months(start, 6))
    assert rw["status"] in {"before_window", "open", "assessed", "overdue"}
    assert (rw["status"] == "before_window") == (as_of < opens)


def compare(got: Any, want: Any, what: str, problems: list[str]) -> None:
    if want is not AMBIGUOUS and got != want:
        problems.append(f"{what}: engine {got!r}, contract {want!r}")


@SETTINGS
@given(CASES)
def test_engine_agrees_with_an_independent_model_of_the_contract(case: tuple[dict[str, Any], date]) -> None:
    doc, as_of = case
    out = evaluate(doc, as_of)
    want = model(doc, as_of)
    problems: list[str] = []
    compare(out["biology"], want["biology"], "biology", problems)
    compare(out["stage"]["ajcc8_anatomic"], want["stage"], "stage", problems)
    compare(out["patient"]["age_at_metastatic_diagnosis"], want["age"], "age", problems)
    for key, value in want["disease"].items():
        compare(out["disease"][key], value, f"disease.{key}", problems)
    compare(window(out), want["response_window"], "response_window", problems)
    if want["recist"] is None:
        compare(out["recist"], None, "recist", problems)
    elif want["recist"] is not AMBIGUOUS:
        got = out["recist"] and {
            "timepoints": sorted((tp["date"], tp["target"], tp["overall"]) for tp in out["recist"]["timepoints"]),
            "latest": out["recist"]["latest"]}
        compare(got, want["recist"], "recist", problems)
        by_date = {tp["date"]: tp for tp in (out["recist"] or {}).get("timepoints", [])}
        for when, total, from_baseline, from_nadir in want["recist_values"]:
            tp = by_date.get(when, {})
            for key, value, tolerance in (("sum_mm", total, 1e-6), ("change_from_baseline_pct", from_baseline, 0.051),
                                          ("change_from_nadir_pct", from_nadir, 0.051)):
                if value is AMBIGUOUS:
                    continue
                if not isinstance(tp.get(key), int | float) or abs(tp[key] - float(value)) > tolerance:
                    problems.append(f"recist {when} {key}: engine {tp.get(key)!r}, contract {float(value):.4f}")
    if want.get("criteria_met", AMBIGUOUS) is not AMBIGUOUS:
        got_met = sorted((c["met"] for c in out["primary_tumour"]["criteria"]), key=repr)
        compare(got_met, want["criteria_met"], "primary_tumour.criteria met values", problems)
    compare(out["primary_tumour"]["verdict"], want["primary_tumour"], "primary_tumour.verdict", problems)
    compare(out["metastasis_directed_therapy"]["verdict"], want["metastasis_directed_therapy"],
            "metastasis_directed_therapy.verdict", problems)
    for key, value in want["bone_health"].items():
        compare(out["bone_health"][key], value, f"bone_health.{key}", problems)
    fired = codes(out)
    for code in sorted(CONTRACT_CODES):
        fires = want["warnings"][code]
        if fires is not AMBIGUOUS and (code in fired) != fires:
            problems.append(f"{code}: engine {'fires' if code in fired else 'silent'}, contract "
                            f"{'fires' if fires else 'silent'}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("changes", "as_of"), [
    ({"therapies": [systemic("9999-12-01")]}, "9999-12-31"),                     # window beyond year 9999
    ({"tumour": {"diagnosis_date": "9999-08-01"},
      "metastatic": {"diagnosis_date": "9999-12-01", "lesions": [bone()]}}, "2025-06-10"),  # 6-month cut-off
    ({"patient": {"birth_date": "0001-01-01"},
      "metastatic": {"diagnosis_date": "0001-01-02", "lesions": [bone()]}}, "0001-01-01"),
], ids=["anchor-9999-12", "tumour-dx-9999-08", "year-1"])
def test_calendar_extremes_never_raise(changes: dict[str, Any], as_of: str) -> None:
    """Schema-valid real dates at the ends of the calendar: still an answer, never an exception."""
    evaluate(make_case(**changes), as_of)


# ---------------------------------------------------------------- ruleset 1.1: optional fields

NEW_TUMOUR_FIELDS = ("pdl1_cps", "esr1", "pik3ca_pathway")
MUTATION = st.sampled_from(["detected", "not_detected", "unknown"])


def without_new_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as a ruleset-1.0 author wrote it: none of the additions' optional fields."""
    out = json.loads(json.dumps(doc))
    for key in NEW_TUMOUR_FIELDS:
        out["tumour"].pop(key, None)
    out["metastatic"].pop("cord_compression_symptoms", None)
    for target in (out.get("recist") or {}).get("targets", []):
        target.pop("site", None)
    return out


@st.composite
def with_new_fields(draw: Any, doc: dict[str, Any]) -> dict[str, Any]:
    out = without_new_fields(doc)
    put(draw, out["tumour"], "pdl1_cps", st.one_of(st.none(), st.integers(0, 100),
                                                   st.floats(0, 100, allow_nan=False)), one_in=3)
    put(draw, out["tumour"], "esr1", MUTATION, one_in=3)
    put(draw, out["tumour"], "pik3ca_pathway", MUTATION, one_in=3)
    put(draw, out["metastatic"], "cord_compression_symptoms", st.booleans(), one_in=3)
    for target in (out.get("recist") or {}).get("targets", []):
        put(draw, target, "site", st.sampled_from(["primary", "regional_node", "distant"]), one_in=3)
    return out


def v1_view(out: dict[str, Any]) -> dict[str, Any]:
    """Every v1 field the contract fixes: the enumerated facts, verdicts, criteria and v1 codes."""
    view = contract_view(out)
    view["warnings"] = sorted(set(view["warnings"]) & CONTRACT_CODES)
    view["severities"] = [s for s in view["severities"] if s[0] in CONTRACT_CODES]
    view["mdt_criteria"] = [(c["id"], c["met"]) for c in out["metastasis_directed_therapy"]["criteria"]]
    view["palliative"] = [(c["id"], c["met"]) for c in out["primary_tumour"].get("palliative_criteria", [])]
    view["reasons"] = (out["primary_tumour"].get("reason"), out["metastasis_directed_therapy"].get("reason"))
    return view


@SETTINGS
@given(CASES, st.data())
def test_the_new_optional_fields_never_change_a_v1_field(case: tuple[dict[str, Any], date], data: Any) -> None:
    doc, as_of = case
    plain = without_new_fields(doc)
    enriched = data.draw(with_new_fields(doc))
    assert input_problems(enriched) == []
    assert v1_view(evaluate(enriched, as_of)) == v1_view(evaluate(plain, as_of))
