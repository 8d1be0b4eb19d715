"""An independent, deliberately plain model of the recommend-v1 contract, used as a test oracle.

Written from the contract text only (one function per definition, in the contract's words and order),
with exact decimal arithmetic (``Fraction(str(x))`` reads a JSON number as the decimal it was written
as). It covers the enumerated fields and the 16 warning codes; texts and references are not modelled.

Where the contract leaves a choice the model returns ``AMBIGUOUS`` for that field and the property
test does not compare it:
- a bone-modifying therapy whose ``end`` is exactly as-of ("not ended"?);
- RECIST with a baseline sum of 0 (percentages undefined);
- RECIST with two assessments on the same day (their order is not defined).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from rec_casekit import add_months

AMBIGUOUS: Any = object()

T1_ANY = ["T1mi", "T1", "T1a", "T1b", "T1c"]
T4_ANY = ["T4", "T4a", "T4b", "T4c", "T4d"]
N1_MACRO = ["N1", "N1a", "N1b", "N1c"]
N2_ANY = ["N2", "N2a", "N2b"]
N3_ANY = ["N3", "N3a", "N3b", "N3c"]
_ROWS = [
    ("0", ["Tis"], ["N0"]), ("IA", T1_ANY, ["N0"]), ("IB", ["T0"], ["N1mi"]), ("IB", T1_ANY, ["N1mi"]),
    ("IIA", ["T0"], N1_MACRO), ("IIA", T1_ANY, N1_MACRO), ("IIA", ["T2"], ["N0"]),
    ("IIB", ["T2"], [*N1_MACRO, "N1mi"]), ("IIB", ["T3"], ["N0"]),
    ("IIIA", ["T0"], N2_ANY), ("IIIA", T1_ANY, N2_ANY), ("IIIA", ["T2"], N2_ANY),
    ("IIIA", ["T3"], [*N1_MACRO, "N1mi", *N2_ANY]),
    ("IIIB", T4_ANY, ["N0", "N1mi", *N1_MACRO, *N2_ANY]),
]
STAGE_TABLE = {(t, n): stage for stage, ts, ns in _ROWS for t in ts for n in ns}


def _d(value: str) -> date:
    return date.fromisoformat(value)


def _x(value: float) -> Fraction:
    return Fraction(str(value))


@dataclass
class Timepoint:
    date: date
    target: str | None
    overall: str
    # exact values where the contract determines them, else AMBIGUOUS (no targets, NE, nadir of 0)
    sum_mm: Any = None
    from_baseline_pct: Any = None
    from_nadir_pct: Any = None


def stage(t: str, n: str, m: str) -> str | None:
    if m == "M1":
        return "IV"
    if n in N3_ANY:
        return "IIIC"
    return STAGE_TABLE.get((t, n))


def hormone_receptor(er: float | None, pr: float | None) -> str:
    if (er is not None and er >= 1) or (pr is not None and pr >= 1):
        return "positive"
    if er is not None and pr is not None:
        return "negative"
    return "unknown"


def her2(ihc: str | None, ish: str | None) -> str:
    if ihc == "3+" or ish == "amplified":
        return "positive"
    if ihc == "1+" or (ihc == "2+" and ish == "not_amplified"):
        return "low"
    if ihc == "0":
        return "zero"
    if (ihc == "2+" and ish is None) or ish == "equivocal":
        return "equivocal"
    return "unknown"


def completed_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def target_response(targets: list[dict[str, Any]], mm: list[float | None], baseline: Fraction,
                    nadir: Fraction) -> str:
    if any(v is None for v in mm):
        return "NE"
    values = [_x(v) for v in mm if v is not None]
    total = sum(values, Fraction(0))
    rise = total - nadir
    if rise >= 5 and (nadir == 0 or rise / nadir >= Fraction(1, 5)):
        return "PD"
    if all((v < 10) if t["nodal"] else (v == 0) for t, v in zip(targets, values, strict=True)):
        return "CR"
    if (total - baseline) / baseline <= Fraction(-3, 10):
        return "PR"
    return "SD"


def overall_response(target: str | None, non_target: str, new_lesions: bool) -> str:
    if target is None:
        if new_lesions or non_target == "PD":
            return "PD"
        return {"CR": "CR", "NE": "NE"}.get(non_target, "non-CR/non-PD")
    if new_lesions or non_target == "PD" or target == "PD":
        return "PD"
    if target == "CR":
        return "CR" if non_target in ("CR", "none") else "PR"
    return target


def timepoints(recist: dict[str, Any] | None, as_of: date) -> list[Timepoint] | Any:
    if recist is None:
        return []
    targets = recist["targets"]
    baseline = sum((_x(t["baseline_mm"]) for t in targets), Fraction(0))
    if targets and baseline == 0:
        return AMBIGUOUS
    evidence = sorted((a for a in recist.get("assessments", []) if _d(a["date"]) <= as_of), key=lambda a: a["date"])
    if len({a["date"] for a in evidence}) < len(evidence):
        return AMBIGUOUS  # two assessments on one day: which came first is not said
    nadir = baseline
    out = []
    for item in evidence:
        target = target_response(targets, item["target_mm"], baseline, nadir) if targets else None
        point = Timepoint(_d(item["date"]), target, overall_response(target, item["non_target"], item["new_lesions"]),
                          AMBIGUOUS, AMBIGUOUS, AMBIGUOUS)
        if target not in (None, "NE"):
            total = sum((_x(v) for v in item["target_mm"]), Fraction(0))
            point.sum_mm = total
            point.from_baseline_pct = (total - baseline) * 100 / baseline
            point.from_nadir_pct = (total - nadir) * 100 / nadir if nadir else AMBIGUOUS
            nadir = min(nadir, total)
        out.append(point)
    return out


def model(doc: dict[str, Any], as_of: date) -> dict[str, Any]:
    tumour, met = doc["tumour"], doc["metastatic"]
    therapies = doc.get("therapies", [])
    recist = doc.get("recist")
    if recist is not None and _d(recist["baseline_date"]) > as_of:
        recist = None  # "Nothing dated after it [as-of] is evidence": no baseline yet
    crisis = met.get("visceral_crisis") is True
    history = met.get("history", {})
    result: dict[str, Any] = {}

    # ---- biology, stage, age
    hr = hormone_receptor(tumour.get("er_percent"), tumour.get("pr_percent"))
    h2 = her2(tumour.get("her2_ihc"), tumour.get("her2_ish"))
    result["biology"] = {"hormone_receptor": hr, "her2": h2}
    result["stage"] = stage(tumour["t"], tumour["n"], tumour["m"])
    met_dx = _d(met["diagnosis_date"]) if met.get("diagnosis_date") else None
    age = completed_years(_d(doc["patient"]["birth_date"]), met_dx) if met_dx else None
    result["age"] = age

    # ---- disease
    lesions = [le for le in met["lesions"] if "detected" not in le or _d(le["detected"]) <= as_of]
    diffuse = met.get("diffuse") is True
    count = len(lesions)
    oligo = 1 <= count <= 5 and not diffuse
    bone_only = count >= 1 and all(le["organ"] == "bone" for le in lesions)
    result["disease"] = {"distant_lesion_count": count, "oligometastatic": oligo, "bone_only": bone_only}

    # ---- therapies as evidence
    def active_at(day: date) -> bool:
        return any(t["kind"] == "systemic" and _d(t["start"]) <= day and _d(t["start"]) <= as_of
                   and (t.get("end") is None or _d(t["end"]) >= day) for t in therapies)

    anchors = [_d(t["start"]) for t in therapies
               if t["kind"] == "systemic" and t.get("setting") == "metastatic" and _d(t["start"]) <= as_of]
    anchor = max(anchors) if anchors else None
    assessed_on = sorted(_d(a["date"]) for a in (recist or {}).get("assessments", []) if _d(a["date"]) <= as_of)
    if anchor is None:
        opens = closes = None
        status = "no_systemic_therapy"
        in_window: list[date] = []
    else:
        opens, closes = add_months(anchor, 3), add_months(anchor, 6)
        in_window = [a for a in assessed_on if a >= opens]
        if as_of < opens:
            status = "before_window"
        elif in_window:
            status = "assessed"
        elif as_of > closes:
            status = "overdue"
        else:
            status = "open"
    result["response_window"] = {"therapy_start": anchor and anchor.isoformat(), "opens": opens and opens.isoformat(),
                                 "closes": closes and closes.isoformat(), "status": status}

    # ---- RECIST
    tps = timepoints(recist, as_of)
    if tps is AMBIGUOUS:
        result["recist"] = AMBIGUOUS
        latest: Any = AMBIGUOUS
    else:
        latest = tps[-1].overall if tps else None
        result["recist"] = None if recist is None else {
            "timepoints": [(tp.date.isoformat(), tp.target, tp.overall) for tp in tps], "latest": latest}
        result["recist_values"] = [(tp.date.isoformat(), tp.sum_mm, tp.from_baseline_pct, tp.from_nadir_pct)
                                   for tp in tps]

    # ---- classification
    if diffuse or count > 5:
        omd = "not_omd"
    elif count == 0:
        omd = "no_metastases"
    elif history.get("prior_polymetastatic") is True or history.get("prior_oligometastatic") is True:
        family = "induced" if history.get("prior_polymetastatic") is True else "repeat"
        state_date = _d(met.get("current_state_date") or met["diagnosis_date"])
        if not active_at(state_date):
            omd = f"{family}_oligorecurrence"
        elif latest is AMBIGUOUS:
            omd = AMBIGUOUS
        elif latest == "PD":
            omd = f"{family}_oligoprogression"
        else:
            omd = f"{family}_oligopersistence"
    else:
        assert met_dx is not None
        if met_dx <= add_months(_d(tumour["diagnosis_date"]), 6):
            omd = "synchronous_omd"
        elif active_at(met_dx):
            omd = "metachronous_oligoprogression"
        else:
            omd = "metachronous_oligorecurrence"
    result["disease"]["omd_classification"] = omd

    # ---- verdicts
    response_in_window: Any
    if tps is AMBIGUOUS:
        response_in_window = AMBIGUOUS
    else:
        response_in_window = opens is not None and any(tp.date >= opens and tp.overall in ("CR", "PR") for tp in tps)
    symptoms = tumour.get("primary_symptoms") or []
    intact = tumour["primary_intact"]
    if not intact:
        primary = "not_applicable"
    elif symptoms and tumour.get("complete_clearance_feasible") is True and not crisis:
        primary = "indicated_palliative"
    elif AMBIGUOUS in (response_in_window, latest):
        primary = AMBIGUOUS
    elif (bone_only and hr == "positive" and h2 in ("zero", "low") and age is not None and age < 55 and oligo
          and response_in_window and latest != "PD"):
        primary = "consider_selected"
    else:
        primary = "not_routine"
    result["primary_tumour"] = primary
    # the seven criteria's met values as a multiset (their ids are the project's choice); AMBIGUOUS where
    # the contract does not say whether an input counts as unmet or unknown (HER2 equivocal, no assessment)
    if h2 == "equivocal" or response_in_window is AMBIGUOUS or latest is AMBIGUOUS or latest is None:
        result["criteria_met"] = AMBIGUOUS
    else:
        met_values = [bone_only, {"positive": True, "negative": False}.get(hr),
               {"zero": True, "low": True, "positive": False}.get(h2), None if age is None else age < 55, oligo,
               response_in_window, latest != "PD"]
        result["criteria_met"] = sorted(met_values, key=repr)

    if crisis:
        mdt = "not_indicated"
    elif latest is AMBIGUOUS:
        mdt = AMBIGUOUS
    elif latest == "PD" or not oligo:
        mdt = "not_indicated"
    elif history.get("prior_polymetastatic") is True:
        mdt = "not_routine"
    elif not in_window:
        mdt = "not_yet"
    elif latest in ("CR", "PR"):
        mdt = "consider"
    elif latest in ("SD", "non-CR/non-PD"):
        mdt = "consider_non_progression"
    else:
        mdt = "not_yet"
    result["metastasis_directed_therapy"] = mdt

    # ---- bone health
    bone_lesions = [le for le in lesions if le["organ"] == "bone"]
    agents = [t for t in therapies if t["kind"] == "bone_modifying" and _d(t["start"]) <= as_of]
    if any(t.get("end") is None or _d(t["end"]) > as_of for t in agents):
        bma = "in_place"
    elif any(_d(t["end"]) == as_of for t in agents):
        bma = AMBIGUOUS
    elif bone_lesions:
        bma = "indicated"
    else:
        bma = "not_indicated"
    dental_date = doc.get("dental_evaluation_date")
    if dental_date is not None and _d(dental_date) <= as_of:
        dental = "done"
    elif bone_lesions:
        dental = "pending"
    else:
        dental = "not_needed"
    sites = {le.get("bone_site") for le in bone_lesions}
    if sites & {"vertebra", "femur", "tibia", "pelvis"}:
        ortho = "required"
    elif "humerus" in sites:
        ortho = "advisory"
    else:
        ortho = "not_needed"
    result["bone_health"] = {"bone_modifying_agent": bma, "dental_evaluation": dental, "orthopaedic_evaluation": ortho}

    # ---- warnings: code -> fires (AMBIGUOUS where an input to it is)
    early = anchor is not None and opens is not None and not in_window and any(anchor < a < opens for a in assessed_on)
    late = bool(in_window) and closes is not None and in_window[0] > closes
    warnings: dict[str, Any] = {
        "CHEMO_FIRST_LINE_HR_POSITIVE": any(
            t["kind"] == "systemic" and t.get("setting") == "metastatic" and t.get("line") == 1
            and "chemotherapy" in t.get("classes", []) for t in therapies)
        and hr == "positive" and h2 in ("zero", "low") and not crisis,
        "NO_MDT_DISCUSSION": not any(_d(x) <= as_of for x in doc.get("mdt_discussions", [])),
        "METASTASIS_NOT_BIOPSIED": (count > 0 or diffuse) and met.get("biopsy_done") is not True,
        "NO_PET_STAGING": oligo and "fdg_pet_ct" not in met.get("staging_modalities", []),
        "BMA_NOT_STARTED": AMBIGUOUS if bma is AMBIGUOUS else bma == "indicated",
        "DENTAL_EVALUATION_PENDING": dental == "pending",
        "ORTHOPAEDIC_EVALUATION": ortho == "required",
        "ASSESSMENT_TOO_EARLY": early,
        "RESPONSE_ASSESSMENT_OVERDUE": status == "overdue",
        "LATE_ASSESSMENT": late,
        "PROGRESSIVE_DISEASE": AMBIGUOUS if latest is AMBIGUOUS else latest == "PD",
        "NON_MEASURABLE_DISEASE": recist is not None and recist["targets"] == [],
        "PALLIATIVE_SURGERY_NOT_FEASIBLE": bool(intact and symptoms and primary != "indicated_palliative"),
        "VISCERAL_CRISIS": crisis,
        "NOT_OLIGOMETASTATIC": count > 5 or diffuse,
        "OS_BENEFIT_UNPROVEN": AMBIGUOUS if AMBIGUOUS in (primary, mdt)
        else primary == "consider_selected" or mdt in ("consider", "consider_non_progression"),
    }
    result["warnings"] = warnings
    return result
