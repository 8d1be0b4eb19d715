"""The derived facts every verdict reads, computed once per evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tumorboard.domain.case import Case, Lesion, RecistAssessment
from tumorboard.recommend.result import DiseaseExtent, RecistSummary, RecistTimepoint, ResponseWindow


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """The facts of one case as of one date that the verdicts are built on."""

    case: Case
    as_of: date
    age: int | None
    hormone_receptor: str
    her2: str
    stage: str | None
    lesions: tuple[Lesion, ...]
    extent: DiseaseExtent
    window: ResponseWindow
    assessments: tuple[RecistAssessment, ...]
    recist: RecistSummary | None
    bone_lesions: tuple[Lesion, ...]
    # Evidence on/after the response window opens (empty without a window).
    assessments_in_window: tuple[RecistAssessment, ...]
    timepoints_in_window: tuple[RecistTimepoint, ...]
    # Bone sites that call for orthopaedic evaluation (required) or make it advisable.
    orthopaedic_required_sites: tuple[str, ...]
    orthopaedic_advisory_sites: tuple[str, ...]

    @property
    def visceral_crisis(self) -> bool:
        return bool(self.case.metastatic.visceral_crisis)

    @property
    def latest(self) -> str | None:
        return self.recist.latest if self.recist else None

    @property
    def latest_date(self) -> date | None:
        return self.recist.latest_date if self.recist else None


    def count_text(self) -> str:
        if self.extent.diffuse:
            return "Diffuse distant disease (too many lesions to count)"
        n = self.extent.distant_lesion_count
        return f"{n} distant lesion{'s' if n != 1 else ''}"
