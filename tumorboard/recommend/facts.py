"""The derived facts every verdict reads, computed once per evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tumorboard.domain.case import Case, Lesion, RecistAssessment
from tumorboard.recommend.result import DiseaseExtent, RecistSummary, RecistTimepoint, ResponseWindow


@dataclass(frozen=True, slots=True)
class CaseFacts:
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

    @property
    def visceral_crisis(self) -> bool:
        return bool(self.case.metastatic.visceral_crisis)

    @property
    def latest(self) -> str | None:
        return self.recist.latest if self.recist else None

    @property
    def latest_date(self) -> date | None:
        return self.recist.latest_date if self.recist else None

    @property
    def bone_lesions(self) -> list[Lesion]:
        return [les for les in self.lesions if les.organ == "bone"]

    def timepoints_in_window(self) -> list[RecistTimepoint]:
        """Timepoints on/after the window opens (the window's 'assessed' evidence)."""
        opens = self.window.opens
        if opens is None or self.recist is None:
            return []
        return [tp for tp in self.recist.timepoints if tp.date >= opens]

    def assessments_in_window(self) -> list[RecistAssessment]:
        opens = self.window.opens
        if opens is None:
            return []
        return [a for a in self.assessments if a.date >= opens]

    def count_text(self) -> str:
        if self.extent.diffuse:
            return "Diffuse distant disease (too many lesions to count)"
        n = self.extent.distant_lesion_count
        return f"{n} distant lesion{'s' if n != 1 else ''}"
