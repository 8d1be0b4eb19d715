"""Cases and recommendation documents for the GUI widget tests (no Qt here).

The five worked examples live beside the project (``../shared/examples``); tests that need them
skip when they are absent. The hand-written documents follow recommend-v1 plus the extras the
panel shows (labels, criteria labels, counselling, notes, references with evidence, disclaimer).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tumorboard.casedoc import case_from_document, load_case_document
from tumorboard.domain.case import Case, Therapy
from tumorboard.domain.vocab import BoneAgent, LocalTarget, TherapyClass, TherapyKind, TherapySetting

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
EXAMPLE_NAMES = ("v01", "v05", "v06", "v13", "v22")
needs_examples = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="worked examples not beside the project")


def example(name: str) -> tuple[dict[str, Any], Case, date]:
    """The case document, the case, and its evaluation date."""
    doc = load_case_document((EXAMPLES / f"{name}.case.json").read_bytes())
    as_of = date.fromisoformat(json.loads((EXAMPLES / f"{name}.expected.json").read_text())["as_of"])
    return doc, case_from_document(doc), as_of


def edge_cases(base: Case) -> dict[str, tuple[Case, date]]:
    """No therapies and no RECIST; planned therapies only; a long history with every lane."""
    today = date(2025, 6, 10)
    planned = (
        Therapy(TherapyKind.SYSTEMIC, date(2025, 7, 1), regimen="letrozole + ribociclib",
                setting=TherapySetting.METASTATIC, line=1, classes=(TherapyClass.ENDOCRINE,)),
        Therapy(TherapyKind.RADIOTHERAPY, date(2025, 6, 20), date(2025, 6, 24), regimen="SBRT T10",
                target=LocalTarget.METASTASIS),
    )
    history = (
        Therapy(TherapyKind.SYSTEMIC, date(2017, 4, 20), date(2017, 9, 1), regimen="EC-paclitaxel",
                setting=TherapySetting.NEOADJUVANT),
        Therapy(TherapyKind.SURGERY, date(2017, 9, 28), date(2017, 9, 28), target=LocalTarget.PRIMARY),
        Therapy(TherapyKind.RADIOTHERAPY, date(2017, 11, 1), date(2017, 12, 5), regimen="whole breast"),
        Therapy(TherapyKind.SYSTEMIC, date(2017, 12, 10), date(2022, 12, 10), regimen="tamoxifen",
                setting=TherapySetting.ADJUVANT),
        Therapy(TherapyKind.SYSTEMIC, date(2022, 6, 1), date(2023, 2, 1), regimen="ovarian suppression",
                setting=TherapySetting.ADJUVANT),
        Therapy(TherapyKind.SYSTEMIC, date(2025, 2, 3), regimen="letrozole + ribociclib + goserelin",
                setting=TherapySetting.METASTATIC, line=1),
        Therapy(TherapyKind.BONE_MODIFYING, date(2025, 2, 10), agent=BoneAgent.DENOSUMAB),
        Therapy(TherapyKind.ABLATION, date(2025, 8, 1), date(2025, 8, 1), regimen="liver MWA",
                target=LocalTarget.METASTASIS),
    )
    return {
        "no therapy, no RECIST": (replace(base, therapies=(), recist=None, mdt_discussions=()), today),
        "planned only": (replace(base, therapies=planned, recist=None), today),
        "long history": (replace(base, tumour=replace(base.tumour, diagnosis_date=date(2017, 3, 31), m="M0"),
                                 therapies=history,
                                 mdt_discussions=(date(2017, 4, 5), date(2017, 10, 10), date(2025, 1, 27),
                                                  date(2025, 6, 2), date(2025, 6, 9))), today),
    }


def refs() -> dict[str, Any]:
    return {
        "e2108_2022": {"citation": "Khan SA, et al. ECOG-ACRIN E2108. J Clin Oncol 2022.",
                       "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC8937009", "evidence": "verified"},
        "esmo_bone_2020": {"citation": "ESMO bone health guideline 2020 (secondary summary).",
                           "url": "https://example.org/esmo-bone", "evidence": "secondary"},
        "founding_algorithm": {"citation": "Founding care algorithm (no public URL).", "url": None,
                               "evidence": "secondary"},
    }


def recommendation() -> dict[str, Any]:
    """A hand-written recommendation document: one warning of each severity, one unknown criterion."""
    return {
        "format": "tumorboard.recommendation/1",
        "as_of": "2025-06-10",
        "ruleset": {"id": "ombc", "version": "1.0.0", "title": "Oligometastatic breast cancer"},
        "patient": {"age_at_metastatic_diagnosis": 48},
        "biology": {"hormone_receptor": "positive", "her2": "low"},
        "stage": {"ajcc8_anatomic": "IV"},
        "disease": {"distant_lesion_count": 2, "oligometastatic": True, "bone_only": True,
                    "omd_classification": "synchronous_omd"},
        "response_window": {"therapy_start": "2025-02-03", "opens": "2025-05-03", "closes": "2025-08-03",
                            "status": "assessed"},
        "recist": {"timepoints": [{"date": "2025-06-02", "sum_mm": 29, "change_from_baseline_pct": -42.0,
                                   "change_from_nadir_pct": -42.0, "target": "PR", "overall": "PR"}],
                   "latest": "PR"},
        "primary_tumour": {
            "verdict": "consider_selected", "label": "May be considered by the MDT (selected subgroup)",
            "criteria": [
                {"id": "bone_only", "met": True, "detail": "All 2 distant lesions are in bone.",
                 "label": "Bone-only metastases"},
                {"id": "age_below_55", "met": False, "detail": "Age 58.", "label": "Age under 55"},
                {"id": "no_progression", "met": None, "detail": "No assessment recorded.",
                 "label": "No progression at the latest assessment"},
            ],
            "rationale": "Every selection criterion is met; survival benefit unproven.",
            "references": ["e2108_2022", "founding_algorithm"],
            "counselling": [{"text": "Survival benefit of treating the primary is unproven.",
                             "references": ["e2108_2022"]}],
        },
        "metastasis_directed_therapy": {"verdict": "consider_non_progression", "rationale": "Stable disease.",
                                        "references": []},
        "bone_health": {"bone_modifying_agent": "in_place", "dental_evaluation": "done",
                        "orthopaedic_evaluation": "not_needed",
                        "notes": [{"text": "Denosumab in place.", "references": ["esmo_bone_2020"]}]},
        "warnings": [
            {"code": "OS_BENEFIT_UNPROVEN", "severity": "info", "message": "Counsel: OS benefit unproven.",
             "references": ["e2108_2022"]},
            {"code": "NO_PET_STAGING", "severity": "warning", "message": "No FDG PET-CT staging.",
             "references": []},
            {"code": "VISCERAL_CRISIS", "severity": "critical", "message": "Visceral crisis recorded.",
             "references": []},
        ],
        "references": refs(),
        "disclaimer": "Decision support only: it supports and does not replace the board's judgement.",
    }
