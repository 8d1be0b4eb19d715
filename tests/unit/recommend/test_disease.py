"""disease.*, patient.age_at_metastatic_diagnosis and the ESTRO/EORTC classification.

Contract: "Distant lesions = entries of metastatic.lesions whose detected date is absent or on/before
as-of ... diffuse: true makes the disease count as more than 5 (not oligometastatic) whatever the list
holds, and counts as distant disease being present. Oligometastatic = 1 to 5 distant lesions and not
diffuse. Bone-only = at least one distant lesion and all are bone."
"Family: history.prior_polymetastatic -> induced; else history.prior_oligometastatic -> repeat; else
de novo. De novo: metastatic.diagnosis_date <= tumour.diagnosis_date + 6 months -> synchronous; else
metachronous, oligoprogression if active systemic therapy at metastatic.diagnosis_date, else
oligorecurrence. Repeat/induced, at the state date (current_state_date, default diagnosis_date): no
active systemic therapy -> oligorecurrence; active and latest response PD -> oligoprogression; active
otherwise -> oligopersistence."
"Active systemic therapy at a date D = a systemic therapy (any setting) with start <= D and (no end,
or end >= D)."  "Age = completed years from birth_date to metastatic.diagnosis_date."
"""

from __future__ import annotations

from typing import Any

import pytest
from rec_casekit import DELETE, assessment, bma, bone, evaluate, lesion, make_case, recist_block, systemic

AS_OF = "2025-06-10"


def disease(lesions: list[dict[str, Any]], as_of: str = AS_OF, **metastatic: Any) -> dict[str, Any]:
    doc = make_case(metastatic={"diagnosis_date": "2025-01-20", "lesions": lesions, **metastatic})
    out: dict[str, Any] = evaluate(doc, as_of)["disease"]
    return out


# ---------------------------------------------------------------- counting

def test_lesions_detected_after_as_of_are_not_counted() -> None:
    lesions = [bone("rib"), bone("femur", detected="2025-06-10"), lesion("liver", detected="2025-06-11")]
    out = disease(lesions)
    assert out["distant_lesion_count"] == 2
    assert out["bone_only"] is True


def test_lesions_without_a_detected_date_are_counted() -> None:
    assert disease([lesion("lung"), lesion("liver"), bone()])["distant_lesion_count"] == 3


@pytest.mark.parametrize(("count", "oligo"), [(1, True), (2, True), (5, True), (6, False), (7, False)])
def test_oligometastatic_is_one_to_five_lesions(count: int, oligo: bool) -> None:
    out = disease([bone("rib") for _ in range(count)])
    assert out["distant_lesion_count"] == count
    assert out["oligometastatic"] is oligo


def test_six_listed_but_one_detected_later_is_oligometastatic() -> None:
    out = disease([bone("rib") for _ in range(5)] + [bone("rib", detected="2025-07-01")])
    assert (out["distant_lesion_count"], out["oligometastatic"]) == (5, True)


def test_no_lesions_is_not_oligometastatic() -> None:
    out = evaluate(make_case(), AS_OF)["disease"]
    assert out["distant_lesion_count"] == 0
    assert out["oligometastatic"] is False
    assert out["bone_only"] is False
    assert out["omd_classification"] == "no_metastases"


def test_only_future_lesions_is_no_metastases() -> None:
    out = disease([bone("rib", detected="2025-07-01")])
    assert out["distant_lesion_count"] == 0
    assert out["omd_classification"] == "no_metastases"
    assert out["bone_only"] is False


def test_diffuse_is_never_oligometastatic_whatever_the_list() -> None:
    out = disease([bone("rib"), bone("sternum")], diffuse=True)
    assert out["distant_lesion_count"] == 2
    assert out["oligometastatic"] is False
    assert out["omd_classification"] == "not_omd"


def test_diffuse_without_listed_lesions_is_distant_disease() -> None:
    doc = make_case(metastatic={"diagnosis_date": "2025-01-20", "lesions": [], "diffuse": True})
    out = evaluate(doc, AS_OF)
    assert out["disease"]["oligometastatic"] is False
    assert out["disease"]["bone_only"] is False
    assert out["disease"]["omd_classification"] == "not_omd"


@pytest.mark.parametrize(("lesions", "bone_only"), [
    ([bone("rib")], True),
    ([bone("vertebra"), bone("pelvis"), lesion("bone")], True),
    ([bone("rib"), lesion("liver")], False),
    ([lesion("distant_lymph_node")], False),
    ([bone("rib"), lesion("liver", detected="2025-06-11")], True),
])
def test_bone_only(lesions: list[dict[str, Any]], bone_only: bool) -> None:
    assert disease(lesions)["bone_only"] is bone_only


# ---------------------------------------------------------------- de novo: synchronous / metachronous

def classify(tumour_dx: str, met_dx: str, *, therapies: list[dict[str, Any]] | None = None,
             history: dict[str, bool] | None = None, as_of: str = AS_OF, lesions: int = 2,
             current_state_date: str | None = None, recist: dict[str, Any] | None = None) -> str:
    metastatic: dict[str, Any] = {"diagnosis_date": met_dx, "lesions": [bone("rib")] * lesions}
    if history is not None:
        metastatic["history"] = history
    if current_state_date is not None:
        metastatic["current_state_date"] = current_state_date
    changes: dict[str, Any] = {"tumour": {"diagnosis_date": tumour_dx}, "metastatic": metastatic,
                               "therapies": therapies or []}
    if recist is not None:
        changes["recist"] = recist
    return str(evaluate(make_case(**changes), as_of)["disease"]["omd_classification"])


@pytest.mark.parametrize(("tumour_dx", "met_dx", "want"), [
    ("2025-01-15", "2025-01-15", "synchronous_omd"),        # de novo stage IV
    ("2025-01-15", "2025-07-15", "synchronous_omd"),        # + 6 months exactly: inclusive
    ("2025-01-15", "2025-07-16", "metachronous_oligorecurrence"),
    ("2024-08-31", "2025-02-28", "synchronous_omd"),        # 2024-08-31 + 6 months clamps to 2025-02-28
    ("2024-08-31", "2025-03-01", "metachronous_oligorecurrence"),
    ("2023-08-31", "2024-02-29", "synchronous_omd"),        # leap year clamp
    ("2023-08-31", "2024-03-01", "metachronous_oligorecurrence"),
    ("2024-12-31", "2025-06-30", "synchronous_omd"),
    ("2024-12-31", "2025-07-01", "metachronous_oligorecurrence"),
    ("2019-03-01", "2025-02-01", "metachronous_oligorecurrence"),
])
def test_six_month_synchronous_cut_off(tumour_dx: str, met_dx: str, want: str) -> None:
    assert classify(tumour_dx, met_dx) == want


def test_synchronous_whatever_the_therapy() -> None:
    therapies = [systemic("2024-10-01", setting="neoadjuvant", classes=("chemotherapy",))]
    assert classify("2024-09-20", "2025-01-20", therapies=therapies) == "synchronous_omd"


@pytest.mark.parametrize(("therapy", "want"), [
    (systemic("2019-06-01", None, setting="adjuvant"), "metachronous_oligoprogression"),  # open-ended
    (systemic("2019-06-01", "2025-02-01", setting="adjuvant"), "metachronous_oligoprogression"),  # ends that day
    (systemic("2019-06-01", "2025-01-31", setting="adjuvant"), "metachronous_oligorecurrence"),  # ended the day before
    (systemic("2025-02-01", None), "metachronous_oligoprogression"),  # starts that day
    (systemic("2025-02-02", None), "metachronous_oligorecurrence"),  # starts the day after
    (systemic("2019-04-01", "2019-08-01", setting="neoadjuvant"), "metachronous_oligorecurrence"),
    (bma("2024-01-01"), "metachronous_oligorecurrence"),  # not systemic
])
def test_metachronous_by_active_systemic_therapy_at_metastatic_diagnosis(therapy: dict[str, Any], want: str) -> None:
    assert classify("2019-03-01", "2025-02-01", therapies=[therapy]) == want


def test_a_therapy_any_setting_counts_as_active() -> None:
    therapy = systemic("2019-06-01", None, setting=None, line=None)
    assert classify("2019-03-01", "2025-02-01", therapies=[therapy]) == "metachronous_oligoprogression"


def test_a_planned_therapy_is_not_active() -> None:
    # the metastatic diagnosis is recorded ahead of the meeting; a therapy starting after as-of is planned
    therapies = [systemic("2025-06-15")]
    assert classify("2019-03-01", "2025-06-20", therapies=therapies, as_of="2025-06-10") == \
        "metachronous_oligorecurrence"


# ---------------------------------------------------------------- repeat and induced families

POLY = {"prior_polymetastatic": True, "prior_oligometastatic": False}
REPEAT = {"prior_polymetastatic": False, "prior_oligometastatic": True}
BOTH = {"prior_polymetastatic": True, "prior_oligometastatic": True}
ON_THERAPY = [systemic("2024-06-03")]
TUMOUR_DX, MET_DX = "2020-01-10", "2024-06-01"


def recist_latest(*sums: float) -> dict[str, Any]:
    """Baseline 50 mm, then one assessment per sum (before as-of)."""
    days = ["2024-09-02", "2024-12-02", "2025-03-03", "2025-06-02"]
    return recist_block("2024-05-27", [50], [assessment(day, [s]) for day, s in zip(days, sums, strict=False)])


@pytest.mark.parametrize(("history", "family"), [(POLY, "induced"), (REPEAT, "repeat"), (BOTH, "induced")])
def test_repeat_and_induced_without_active_therapy_is_oligorecurrence(history: dict[str, bool], family: str) -> None:
    assert classify(TUMOUR_DX, MET_DX, history=history) == f"{family}_oligorecurrence"


@pytest.mark.parametrize(("history", "family"), [(POLY, "induced"), (REPEAT, "repeat"), (BOTH, "induced")])
@pytest.mark.parametrize(("sums", "state"), [
    ((30,), "oligopersistence"),          # latest PR
    ((45,), "oligopersistence"),          # latest SD
    ((), "oligopersistence"),             # no assessment: "active otherwise"
    ((30, 40), "oligoprogression"),       # latest PD (+10 mm, +33 % over the nadir 30)
    ((60, 30), "oligopersistence"),       # an earlier PD does not count
])
def test_repeat_and_induced_with_active_therapy(history: dict[str, bool], family: str, sums: tuple[float, ...],
                                                state: str) -> None:
    # state date = diagnosis_date 2024-06-01 ... therapy must be active then
    therapies = [systemic("2024-05-20")]
    assert classify(TUMOUR_DX, MET_DX, history=history, therapies=therapies, recist=recist_latest(*sums)) == \
        f"{family}_{state}"


def test_latest_pd_without_active_therapy_is_still_oligorecurrence() -> None:
    assert classify(TUMOUR_DX, MET_DX, history=POLY, recist=recist_latest(30, 40)) == "induced_oligorecurrence"


def test_state_date_defaults_to_the_metastatic_diagnosis_date() -> None:
    # the therapy started after diagnosis_date: not active at the default state date
    assert classify(TUMOUR_DX, MET_DX, history=POLY, therapies=ON_THERAPY) == "induced_oligorecurrence"


def test_current_state_date_is_the_state_date_when_given() -> None:
    assert classify(TUMOUR_DX, MET_DX, history=POLY, therapies=ON_THERAPY,
                    current_state_date="2025-05-12") == "induced_oligopersistence"
    assert classify(TUMOUR_DX, MET_DX, history=POLY, therapies=ON_THERAPY, current_state_date="2025-05-12",
                    recist=recist_latest(30, 40)) == "induced_oligoprogression"


def test_therapy_ended_before_the_current_state_date_is_not_active() -> None:
    therapies = [systemic("2024-05-20", "2025-01-31")]
    assert classify(TUMOUR_DX, MET_DX, history=REPEAT, therapies=therapies) == "repeat_oligopersistence"
    assert classify(TUMOUR_DX, MET_DX, history=REPEAT, therapies=therapies,
                    current_state_date="2025-02-01") == "repeat_oligorecurrence"
    assert classify(TUMOUR_DX, MET_DX, history=REPEAT, therapies=therapies,
                    current_state_date="2025-01-31") == "repeat_oligopersistence"


def test_history_flags_false_is_de_novo() -> None:
    history = {"prior_polymetastatic": False, "prior_oligometastatic": False}
    assert classify("2025-01-15", "2025-01-15", history=history) == "synchronous_omd"


@pytest.mark.parametrize("history", [None, POLY, REPEAT])
def test_more_than_five_is_not_omd_whatever_the_family(history: dict[str, bool] | None) -> None:
    assert classify(TUMOUR_DX, MET_DX, history=history, lesions=6) == "not_omd"
    assert classify(TUMOUR_DX, MET_DX, history=history, lesions=5) != "not_omd"


@pytest.mark.parametrize("history", [None, POLY, REPEAT])
def test_no_lesions_is_no_metastases_whatever_the_family(history: dict[str, bool] | None) -> None:
    doc = make_case(metastatic={"lesions": [], **({"history": history} if history else {})})
    assert evaluate(doc, AS_OF)["disease"]["omd_classification"] == "no_metastases"


# ---------------------------------------------------------------- age at metastatic diagnosis

@pytest.mark.parametrize(("met_dx", "age"), [
    ("2025-06-14", 49),   # the day before the 50th birthday
    ("2025-06-15", 50),   # on the birthday
    ("2025-06-16", 50),
    ("2026-06-14", 50),
])
def test_age_is_completed_years_at_metastatic_diagnosis(met_dx: str, age: int) -> None:
    doc = make_case(patient={"birth_date": "1975-06-15"},
                    metastatic={"diagnosis_date": met_dx, "lesions": [bone()]})
    assert evaluate(doc, "2030-01-01")["patient"]["age_at_metastatic_diagnosis"] == age


def test_age_is_taken_at_metastatic_diagnosis_not_at_as_of_or_primary_diagnosis() -> None:
    doc = make_case(patient={"birth_date": "1970-03-01"}, tumour={"diagnosis_date": "2012-05-01"},
                    metastatic={"diagnosis_date": "2024-02-29", "lesions": [bone()]})
    assert evaluate(doc, "2025-06-10")["patient"]["age_at_metastatic_diagnosis"] == 53


def test_age_is_null_without_a_metastatic_diagnosis_date() -> None:
    doc = make_case(metastatic={"lesions": [], "diagnosis_date": DELETE})
    assert evaluate(doc, AS_OF)["patient"]["age_at_metastatic_diagnosis"] is None
