"""What the engine concludes for one case at one date: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import NamedTuple

# The small records an evaluation builds by the dozen are NamedTuples: immutable like the frozen
# dataclasses, and several times cheaper to build, which the 10,000 cases/s target needs.


class Criterion(NamedTuple):
    """One reason behind a verdict: met (True), unmet (False) or not determinable (None)."""

    id: str
    label: str
    met: bool | None
    detail: str
    references: tuple[str, ...] = ()


class Counsel(NamedTuple):
    id: str
    text: str
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The guideline verdict on one question (primary tumour, metastasis-directed therapy), why."""

    verdict: str
    label: str
    rationale: str
    evidence: str
    references: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    counselling: tuple[Counsel, ...] = ()
    reason: str | None = None
    extra_criteria: tuple[Criterion, ...] = ()
    # Metastasis-directed therapy only: how the case compares with the trials (ruleset 1.1).
    eligibility: tuple[Criterion, ...] = ()


@dataclass(frozen=True, slots=True)
class ResponseWindow:
    """Reassessment window after the anchor (latest metastatic) systemic therapy starts."""

    therapy_start: date | None
    opens: date | None
    closes: date | None
    status: str
    therapy_regimen: str | None = None


class RecistTimepoint(NamedTuple):
    date: date
    sum_mm: Fraction | int | None
    change_from_baseline_pct: float | None
    change_from_nadir_pct: float | None
    target: str | None
    overall: str


@dataclass(frozen=True, slots=True)
class RecistSummary:
    """Each RECIST timepoint and the latest overall response."""

    timepoints: tuple[RecistTimepoint, ...]
    latest: str | None
    latest_date: date | None


@dataclass(frozen=True, slots=True)
class BoneHealth:
    """Bone-modifying agent and the dental and orthopaedic evaluations to arrange."""

    bone_modifying_agent: str
    dental_evaluation: str
    orthopaedic_evaluation: str
    notes: tuple[Counsel, ...]


class GuidelineWarning(NamedTuple):
    code: str
    severity: str
    message: str
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DiseaseExtent:
    """How far the distant disease goes: lesion count, oligometastatic, bone-only, diffuse."""

    distant_lesion_count: int
    oligometastatic: bool
    bone_only: bool
    diffuse: bool
    omd_classification: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The module's whole answer for one case as of one date (decision support for the board)."""

    as_of: date
    ruleset_id: str
    ruleset_version: str
    age_at_metastatic_diagnosis: int | None
    hormone_receptor: str
    her2: str
    ajcc8_anatomic: str | None
    disease: DiseaseExtent
    response_window: ResponseWindow
    recist: RecistSummary | None
    primary_tumour: Verdict
    metastasis_directed_therapy: Verdict
    bone_health: BoneHealth
    warnings: tuple[GuidelineWarning, ...]
