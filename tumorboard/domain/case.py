"""One patient's case as the MDT sees it: patient, tumour, metastatic disease, therapies, response.

The shape follows the case document v1 (``resources/schemas/case-v1.schema.json``) so that import,
export, the recommendation engine and the store all speak about the same things. ``None`` means
"not recorded / unknown".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tumorboard.domain.vocab import (
    BoneAgent,
    BoneSite,
    GermlineBrca,
    Her2Ihc,
    Her2Ish,
    LocalTarget,
    MenopausalStatus,
    MutationStatus,
    NonTargetResponse,
    Organ,
    PrimarySymptom,
    Sex,
    StagingModality,
    TargetSite,
    TherapyClass,
    TherapyKind,
    TherapySetting,
    TnmBasis,
)


@dataclass(frozen=True, slots=True)
class Patient:
    """Who the case is about: record number, birth date, sex; when known, name, menopause, ECOG."""

    mrn: str
    birth_date: date
    sex: Sex
    name: str | None = None
    menopausal_status: MenopausalStatus | None = None
    ecog: int | None = None


@dataclass(frozen=True, slots=True)
class Tumour:
    """The primary breast cancer: biology and TNM at initial diagnosis."""

    diagnosis_date: date
    t: str
    n: str
    m: str
    primary_intact: bool
    primary_site: str = "breast"
    histology: str | None = None
    grade: int | None = None
    er_percent: float | None = None
    pr_percent: float | None = None
    her2_ihc: Her2Ihc | None = None
    her2_ish: Her2Ish | None = None
    germline_brca: GermlineBrca | None = None
    tnm_basis: TnmBasis | None = None
    primary_symptoms: tuple[PrimarySymptom, ...] = ()
    complete_clearance_feasible: bool | None = None
    # Biomarkers that steer the testing prompts (ruleset 1.1); None = not recorded.
    pdl1_cps: float | None = None
    esr1: MutationStatus | None = None
    pik3ca_pathway: MutationStatus | None = None


@dataclass(frozen=True, slots=True)
class Lesion:
    """One distant metastatic lesion."""

    organ: Organ
    bone_site: BoneSite | None = None
    site: str | None = None
    size_mm: float | None = None
    detected: date | None = None


@dataclass(frozen=True, slots=True)
class MetastaticDisease:
    """The distant disease: its lesions, when it was diagnosed and last staged, and how."""

    lesions: tuple[Lesion, ...] = ()
    diagnosis_date: date | None = None
    current_state_date: date | None = None
    diffuse: bool | None = None
    visceral_crisis: bool | None = None
    staging_modalities: tuple[StagingModality, ...] = ()
    biopsy_done: bool | None = None
    prior_polymetastatic: bool | None = None
    prior_oligometastatic: bool | None = None
    # New back pain or neurological signs suggesting spinal cord compression (ruleset 1.1).
    cord_compression_symptoms: bool | None = None


@dataclass(frozen=True, slots=True)
class Therapy:
    """A systemic line, a bone-modifying agent, or a local therapy (surgery, radiotherapy, ablation)."""

    kind: TherapyKind
    start: date
    end: date | None = None
    regimen: str | None = None
    classes: tuple[TherapyClass, ...] = ()
    setting: TherapySetting | None = None
    line: int | None = None
    agent: BoneAgent | None = None
    target: LocalTarget | None = None


@dataclass(frozen=True, slots=True)
class RecistTarget:
    """One RECIST target lesion and its baseline size."""

    name: str
    nodal: bool
    baseline_mm: float
    organ: str | None = None
    site: TargetSite | None = None


@dataclass(frozen=True, slots=True)
class RecistAssessment:
    """One restaging: one measurement per baseline target (same order; None = not evaluated)."""

    date: date
    target_mm: tuple[float | None, ...]
    non_target: NonTargetResponse
    new_lesions: bool


@dataclass(frozen=True, slots=True)
class RecistRecord:
    """RECIST 1.1 measurements: the baseline targets and non-targets, then each restaging."""

    baseline_date: date
    targets: tuple[RecistTarget, ...] = ()
    non_targets: tuple[str, ...] = ()
    assessments: tuple[RecistAssessment, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    """One referral of one primary breast cancer for MDT discussion."""

    patient: Patient
    tumour: Tumour
    metastatic: MetastaticDisease = field(default_factory=MetastaticDisease)
    therapies: tuple[Therapy, ...] = ()
    dental_evaluation_date: date | None = None
    mdt_discussions: tuple[date, ...] = ()
    recist: RecistRecord | None = None
