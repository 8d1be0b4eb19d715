"""Case documents for the recommendation tests, built from a minimal valid base with overrides.

Everything here is written from the recommend-v1 contract and the case-v1 schema, not from the
engine: the builders only produce input documents, and ``evaluate`` runs the public API
(``recommend_document``), checks the input was valid and the output matches ``output_schema()``.

(The helpers live in this uniquely named module rather than in ``conftest.py`` itself: the repository
has several ``conftest.py`` files without packages, so ``from conftest import ...`` would pick
whichever one pytest loaded last.)
"""

from __future__ import annotations

import calendar
import copy
import json
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from typing import Any

CONTRACT_CODES = frozenset({
    "CHEMO_FIRST_LINE_HR_POSITIVE", "NO_MDT_DISCUSSION", "METASTASIS_NOT_BIOPSIED", "NO_PET_STAGING",
    "BMA_NOT_STARTED", "DENTAL_EVALUATION_PENDING", "ORTHOPAEDIC_EVALUATION", "ASSESSMENT_TOO_EARLY",
    "RESPONSE_ASSESSMENT_OVERDUE", "LATE_ASSESSMENT", "PROGRESSIVE_DISEASE", "NON_MEASURABLE_DISEASE",
    "PALLIATIVE_SURGERY_NOT_FEASIBLE", "VISCERAL_CRISIS", "NOT_OLIGOMETASTATIC", "OS_BENEFIT_UNPROVEN",
})
SEVERITIES = frozenset({"critical", "warning", "info"})
RESPONSES = frozenset({"CR", "PR", "SD", "PD", "NE", "non-CR/non-PD"})


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()
"""Override value that removes the key from the base document."""


# The smallest document the schema accepts (required keys only), with no lesions and no therapy.
BASE: dict[str, Any] = {
    "format": "tumorboard.case/1",
    "patient": {"mrn": "TST-0001", "birth_date": "1977-03-15", "sex": "female"},
    "tumour": {"primary_site": "breast", "diagnosis_date": "2025-01-10", "t": "T2", "n": "N1", "m": "M1",
               "primary_intact": True},
    "metastatic": {"lesions": []},
}


def d(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def add_months(start: date, months: int) -> date:
    """Calendar months later; a day missing from the target month clamps to its last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def deep_merge(base: Any, changes: Any) -> Any:
    """A new document: dicts merge key by key, anything else (lists included) replaces; DELETE removes."""
    if isinstance(base, dict) and isinstance(changes, dict):
        merged = copy.deepcopy(base)
        for key, value in changes.items():
            if value is DELETE:
                merged.pop(key, None)
            else:
                merged[key] = deep_merge(merged.get(key), value)
        return merged
    return copy.deepcopy(changes)


def make_case(*patches: dict[str, Any], base: dict[str, Any] | None = None, **sections: Any) -> dict[str, Any]:
    """``BASE`` (or ``base``) deep-merged with each patch, then with the keyword sections."""
    doc = copy.deepcopy(BASE if base is None else base)
    for patch in (*patches, sections):
        doc = deep_merge(doc, patch)
    return doc


# ---------------------------------------------------------------- pieces of a document

def lesion(organ: str = "bone", bone_site: str | None = None, *, detected: str | None = None,
           **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"organ": organ}
    if bone_site is not None:
        item["bone_site"] = bone_site
    if detected is not None:
        item["detected"] = detected
    item.update(extra)
    return item


def bone(site: str = "rib", *, detected: str | None = None) -> dict[str, Any]:
    return lesion("bone", site, detected=detected)


def systemic(start: str, end: str | None = None, *, setting: str | None = "metastatic", line: int | None = 1,
             classes: Sequence[str] = ("endocrine",), regimen: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": "systemic", "classes": list(classes), "start": start, "end": end}
    if setting is not None:
        item["setting"] = setting
    if line is not None:
        item["line"] = line
    if regimen is not None:
        item["regimen"] = regimen
    return item


def bma(start: str, end: str | None = None, *, agent: str = "denosumab") -> dict[str, Any]:
    return {"kind": "bone_modifying", "agent": agent, "start": start, "end": end}


def assessment(when: str, target_mm: Sequence[float | None], non_target: str = "non-CR/non-PD",
               new_lesions: bool = False) -> dict[str, Any]:
    return {"date": when, "target_mm": list(target_mm), "non_target": non_target, "new_lesions": new_lesions}


def recist_block(baseline_date: str, targets: Iterable[float | tuple[float, bool]],
                 assessments: Iterable[dict[str, Any]] = (), non_targets: Sequence[str] | None = None,
                 ) -> dict[str, Any]:
    """Targets as baseline millimetres, or (mm, nodal) pairs."""
    items = []
    for index, target in enumerate(targets):
        mm, nodal = target if isinstance(target, tuple) else (target, False)
        items.append({"name": f"target {index + 1}", "nodal": nodal, "baseline_mm": mm})
    block: dict[str, Any] = {"baseline_date": baseline_date, "targets": items, "assessments": list(assessments)}
    if non_targets is not None:
        block["non_targets"] = list(non_targets)
    return block


# ---------------------------------------------------------------- the selected-subgroup archetype

SELECTED_AS_OF = "2025-06-10"
SELECTED_START = "2025-02-03"  # window 2025-05-03 .. 2025-08-03


def selected_case(*patches: dict[str, Any], **sections: Any) -> dict[str, Any]:
    """Every consider_selected criterion met at ``SELECTED_AS_OF`` (the V01 archetype, rebuilt here).

    Age 48 at metastatic diagnosis, ER 95 / PR 80, HER2 IHC 1+ (low), two bone lesions (rib, sternum),
    PET staged, biopsied, MDT held, ET + CDK4/6i from 2025-02-03, denosumab, dental evaluation done,
    PR on 2025-06-02 (inside the window).
    """
    base = make_case(
        patient={"mrn": "SEL-0001", "birth_date": "1976-11-22", "sex": "female"},
        tumour={"diagnosis_date": "2025-01-20", "t": "T2", "n": "N1", "m": "M1", "er_percent": 95,
                "pr_percent": 80, "her2_ihc": "1+", "her2_ish": None, "primary_intact": True,
                "primary_symptoms": [], "complete_clearance_feasible": None},
        metastatic={"diagnosis_date": "2025-01-20", "lesions": [bone("rib"), bone("sternum")], "diffuse": False,
                    "visceral_crisis": False, "staging_modalities": ["fdg_pet_ct", "ct"], "biopsy_done": True,
                    "history": {"prior_polymetastatic": False, "prior_oligometastatic": False}},
        therapies=[systemic(SELECTED_START, classes=("endocrine", "cdk46_inhibitor")), bma("2025-02-10")],
        dental_evaluation_date="2025-01-25",
        mdt_discussions=["2025-01-27"],
        recist=recist_block("2025-01-27", [32, (18, True)],
                            [assessment("2025-06-02", [20, 9])], non_targets=["2 sclerotic bone lesions"]),
    )
    return make_case(*patches, base=base, **sections)


# ---------------------------------------------------------------- running the engine

@cache
def _output_validator() -> Any:
    from jsonschema import Draft202012Validator

    from tumorboard.recommend import output_schema

    schema = output_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def input_problems(doc: dict[str, Any]) -> list[str]:
    from tumorboard.casedoc import validate_case_document

    return [str(p) for p in validate_case_document(doc)]


def output_problems(out: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _output_validator().iter_errors(out)]


ENUMS = {
    "hormone_receptor": {"positive", "negative", "unknown"},
    "her2": {"positive", "low", "zero", "equivocal", "unknown"},
    "stage": {"0", "IA", "IB", "IIA", "IIB", "IIIA", "IIIB", "IIIC", "IV", None},
    "omd": {"synchronous_omd", "metachronous_oligorecurrence", "metachronous_oligoprogression",
            "repeat_oligorecurrence", "repeat_oligoprogression", "repeat_oligopersistence",
            "induced_oligorecurrence", "induced_oligoprogression", "induced_oligopersistence", "not_omd",
            "no_metastases"},
    "status": {"no_systemic_therapy", "before_window", "open", "assessed", "overdue"},
    "primary": {"not_applicable", "indicated_palliative", "consider_selected", "not_routine"},
    "mdt": {"not_indicated", "not_routine", "not_yet", "consider", "consider_non_progression"},
    "bma": {"in_place", "indicated", "not_indicated"},
    "dental": {"done", "pending", "not_needed"},
    "ortho": {"required", "advisory", "not_needed"},
}


def contract_shape_problems(out: dict[str, Any]) -> list[str]:
    """Every key the contract's output example shows ("Every key above is required"), and its enumeration."""
    problems: list[str] = []

    def need(obj: Any, where: str, *keys: str) -> None:
        if not isinstance(obj, dict):
            problems.append(f"{where}: not an object")
            return
        problems.extend(f"{where}.{key}: missing" for key in keys if key not in obj)

    def one_of(value: Any, enum: str, where: str) -> None:
        if value not in ENUMS[enum]:
            problems.append(f"{where}: {value!r} not in the contract's enumeration")

    need(out, "", "format", "as_of", "ruleset", "patient", "biology", "stage", "disease", "response_window",
         "recist", "primary_tumour", "metastasis_directed_therapy", "bone_health", "warnings", "references")
    if problems:
        return problems
    need(out["ruleset"], "ruleset", "id", "version")
    need(out["patient"], "patient", "age_at_metastatic_diagnosis")
    need(out["biology"], "biology", "hormone_receptor", "her2")
    need(out["stage"], "stage", "ajcc8_anatomic")
    need(out["disease"], "disease", "distant_lesion_count", "oligometastatic", "bone_only", "omd_classification")
    need(out["response_window"], "response_window", "therapy_start", "opens", "closes", "status")
    need(out["primary_tumour"], "primary_tumour", "verdict", "criteria", "rationale", "references")
    need(out["metastasis_directed_therapy"], "metastasis_directed_therapy", "verdict", "rationale", "references")
    need(out["bone_health"], "bone_health", "bone_modifying_agent", "dental_evaluation", "orthopaedic_evaluation")
    if problems:
        return problems
    one_of(out["biology"]["hormone_receptor"], "hormone_receptor", "biology.hormone_receptor")
    one_of(out["biology"]["her2"], "her2", "biology.her2")
    one_of(out["stage"]["ajcc8_anatomic"], "stage", "stage.ajcc8_anatomic")
    one_of(out["disease"]["omd_classification"], "omd", "disease.omd_classification")
    one_of(out["response_window"]["status"], "status", "response_window.status")
    one_of(out["primary_tumour"]["verdict"], "primary", "primary_tumour.verdict")
    one_of(out["metastasis_directed_therapy"]["verdict"], "mdt", "metastasis_directed_therapy.verdict")
    one_of(out["bone_health"]["bone_modifying_agent"], "bma", "bone_health.bone_modifying_agent")
    one_of(out["bone_health"]["dental_evaluation"], "dental", "bone_health.dental_evaluation")
    one_of(out["bone_health"]["orthopaedic_evaluation"], "ortho", "bone_health.orthopaedic_evaluation")
    for i, item in enumerate(out["primary_tumour"]["criteria"]):
        need(item, f"primary_tumour.criteria[{i}]", "id", "met", "detail")
    recist = out["recist"]
    if recist is not None:
        need(recist, "recist", "timepoints", "latest")
        for i, tp in enumerate(recist.get("timepoints", [])):
            need(tp, f"recist.timepoints[{i}]", "date", "sum_mm", "change_from_baseline_pct",
                 "change_from_nadir_pct", "target", "overall")
            if tp.get("target") not in RESPONSES | {None} or tp.get("overall") not in RESPONSES:
                problems.append(f"recist.timepoints[{i}]: response outside the contract's enumeration")
        if recist.get("latest") not in RESPONSES | {None}:
            problems.append("recist.latest: outside the contract's enumeration")
    for i, w in enumerate(out["warnings"]):
        need(w, f"warnings[{i}]", "code", "severity", "message", "references")
    for key, ref in out["references"].items():
        need(ref, f"references.{key}", "citation", "url")
    return problems


def evaluate(doc: dict[str, Any], as_of: str | date = SELECTED_AS_OF, *, check_input: bool = True) -> dict[str, Any]:
    """The contract's output document for ``doc`` at ``as_of``, checked against the output schema."""
    from tumorboard.recommend import recommend_document

    if check_input:
        problems = input_problems(doc)
        assert problems == [], f"the test built an invalid case document: {problems}"
    out = recommend_document(copy.deepcopy(doc), d(as_of))
    assert isinstance(out, dict)
    assert json.loads(json.dumps(out)) == out, "output is not plain JSON"
    problems = output_problems(out)
    assert problems == [], f"output does not match output_schema(): {problems}"
    problems = contract_shape_problems(out)
    assert problems == [], f"output lacks what the contract requires: {problems}"
    assert out["format"] == "tumorboard.recommendation/1"
    assert out["as_of"] == d(as_of).isoformat()
    return out


def codes(out: dict[str, Any]) -> set[str]:
    """The contract warning codes present in an output (the project may add its own)."""
    return {w["code"] for w in out["warnings"]} & CONTRACT_CODES


def criteria(out: dict[str, Any]) -> dict[str, bool | None]:
    """primary_tumour.criteria as id -> met."""
    return {c["id"]: c["met"] for c in out["primary_tumour"]["criteria"]}


def overall(out: dict[str, Any]) -> list[str]:
    return [tp["overall"] for tp in out["recist"]["timepoints"]]


def window(out: dict[str, Any]) -> dict[str, Any]:
    rw = out["response_window"]
    return {k: rw[k] for k in ("therapy_start", "opens", "closes", "status")}
