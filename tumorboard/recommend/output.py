"""The recommendation document (``tumorboard.recommendation/1``) that the CLI prints and the GUI,
the minutes and stored decisions keep."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from tumorboard.recommend.engine import cited_references
from tumorboard.recommend.result import Criterion, Recommendation, Verdict
from tumorboard.recommend.ruleset import Ruleset, default_ruleset

FORMAT = "tumorboard.recommendation/1"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _mm(value: Fraction | int | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value.denominator == 1 else float(value)


def _criterion(c: Criterion) -> dict[str, Any]:
    return {"id": c.id, "met": c.met, "detail": c.detail, "label": c.label,
            "references": list(c.references)}


def _verdict(v: Verdict, title: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "verdict": v.verdict,
        "label": v.label,
        "title": title,
        "criteria": [_criterion(c) for c in v.criteria],
        "rationale": v.rationale,
        "evidence": v.evidence,
        "references": list(v.references),
        "counselling": [{"id": c.id, "text": c.text, "references": list(c.references)}
                        for c in v.counselling],
    }
    if v.reason is not None:
        doc["reason"] = v.reason
    if v.extra_criteria:
        doc["palliative_criteria"] = [_criterion(c) for c in v.extra_criteria]
    return doc


def _metastasis_directed(v: Verdict, title: str) -> dict[str, Any]:
    doc = _verdict(v, title)
    doc["eligibility"] = [_criterion(c) for c in v.eligibility]
    return doc


def recommendation_to_document(rec: Recommendation, ruleset: Ruleset | None = None) -> dict[str, Any]:
    rs = ruleset or default_ruleset()
    w = rec.response_window
    recist = None
    if rec.recist is not None:
        recist = {
            "timepoints": [
                {"date": tp.date.isoformat(), "sum_mm": _mm(tp.sum_mm),
                 "change_from_baseline_pct": tp.change_from_baseline_pct,
                 "change_from_nadir_pct": tp.change_from_nadir_pct,
                 "target": tp.target, "overall": tp.overall}
                for tp in rec.recist.timepoints
            ],
            "latest": rec.recist.latest,
        }
    d = rec.disease
    return {
        "format": FORMAT,
        "as_of": rec.as_of.isoformat(),
        "ruleset": {"id": rec.ruleset_id, "version": rec.ruleset_version, "title": rs.title},
        "patient": {"age_at_metastatic_diagnosis": rec.age_at_metastatic_diagnosis},
        "biology": {"hormone_receptor": rec.hormone_receptor, "her2": rec.her2},
        "stage": {"ajcc8_anatomic": rec.ajcc8_anatomic},
        "disease": {"distant_lesion_count": d.distant_lesion_count,
                    "oligometastatic": d.oligometastatic, "bone_only": d.bone_only,
                    "diffuse": d.diffuse, "omd_classification": d.omd_classification},
        "response_window": {"therapy_start": _iso(w.therapy_start), "opens": _iso(w.opens),
                            "closes": _iso(w.closes), "status": w.status,
                            "therapy_regimen": w.therapy_regimen},
        "recist": recist,
        "primary_tumour": _verdict(rec.primary_tumour, rs.verdicts["primary_tumour"]["title"]),
        "metastasis_directed_therapy": _metastasis_directed(
            rec.metastasis_directed_therapy,
            rs.verdicts["metastasis_directed_therapy"]["title"]),
        "bone_health": {
            "bone_modifying_agent": rec.bone_health.bone_modifying_agent,
            "dental_evaluation": rec.bone_health.dental_evaluation,
            "orthopaedic_evaluation": rec.bone_health.orthopaedic_evaluation,
            "notes": [{"id": n.id, "text": n.text, "references": list(n.references)}
                      for n in rec.bone_health.notes],
        },
        "warnings": [{"code": x.code, "severity": x.severity, "message": x.message,
                      "references": list(x.references)} for x in rec.warnings],
        "references": {
            rid: {"citation": rs.references[rid].citation, "url": rs.references[rid].url,
                  "evidence": rs.references[rid].evidence}
            for rid in cited_references(rec)
        },
        "disclaimer": rs.disclaimer,
    }
