"""Sample :class:`Minutes` built from the shared worked examples, for report tests and benchmarks.

The examples live beside the project (``../shared/examples``). Each case is evaluated by the real
engine as of its expected as-of day, so the minutes carry real recommendation documents. Reusable:

    from minutes_samples import sample_minutes, EXAMPLE_PEOPLE  # tests/unit/reports on sys.path

``sample_minutes(n)`` gives a meeting with ``n`` discussed cases (the five examples in turn), two
cases listed but not discussed, two carried over, an amendment, and attendees whose names carry
accents; the keyword arguments switch sign-off, copy, pseudonymisation and quorum.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from tumorboard.casedoc import case_from_document, load_case_document
from tumorboard.domain.case import Case
from tumorboard.domain.meeting import (
    DEFAULT_QUORUM,
    AgendaTriage,
    DecisionAction,
    DecisionCategory,
    DeviationReason,
    Discipline,
)
from tumorboard.domain.minutes import (
    Amendment,
    AttendeeLine,
    CaseIdentity,
    ClinicalSummary,
    Minutes,
    MinutesCase,
    RecordedDecision,
    SignOff,
)
from tumorboard.recommend import evaluate, recommendation_to_document

EXAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "examples"
EXAMPLE_NAMES = ("v01", "v05", "v06", "v13", "v22")
DEFAULT_AS_OF = date(2025, 6, 10)
MEETING_DAY = date(2025, 6, 10)
GENERATED_AT = datetime(2025, 6, 10, 15, 42, tzinfo=UTC)
DOCUMENT_ID = "MDT-2025-06-10-BREAST-M23"
BOARD = "Breast MDT – Oligometastatic (Ærøskøbing Universitätsklinik)"
DEVIATION_TEXT = "Patient declines surgery of the primary after counselling; prefers to continue systemic therapy."
QUORUM_OVERRIDE = "Pathology review already reported in writing; the chair proceeds without quorum."
# Text with the signs a font without the glyphs would lose.
SIGNS_TEXT = "SBRT 3 × 9 Gy if every lesion ≤ 3 cm; CT if CA 15-3 ≥ 30 U/mL; vitamin D 50 µg daily."

# Chair first; the pathologist is the one who may be absent (quorum not met).
EXAMPLE_PEOPLE: tuple[tuple[str, Discipline, str], ...] = (
    ("Dr. Zoë Łukasiewicz-Müller", Discipline.BREAST_SURGERY, "chair"),
    ("Prof. José Núñez", Discipline.MEDICAL_ONCOLOGY, "member"),
    ("Dr. Søren Ødegård", Discipline.RADIATION_ONCOLOGY, "member"),
    ("Dr. Anaïs Lefèvre", Discipline.RADIOLOGY, "member"),
    ("Dr. Małgorzata Wiśniewska", Discipline.PATHOLOGY, "member"),
    ("Siobhán Ní Bhriain", Discipline.SPECIALIST_NURSING, "member"),
    ("Inès Çelik", Discipline.COORDINATION, "coordinator"),
)
HR_WORDS = {"positive": "HR+", "negative": "HR-", "unknown": "HR unknown"}
HER2_WORDS = {"positive": "HER2+", "low": "HER2-low", "zero": "HER2-0", "equivocal": "HER2 equivocal",
              "unknown": "HER2 unknown"}


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    document: dict[str, Any]
    case: Case
    as_of: date
    recommendation: dict[str, Any]

    @property
    def patient_identifiers(self) -> tuple[str, ...]:
        """What a pseudonymised document must never contain."""
        p = self.document["patient"]
        return tuple(str(v) for v in (p.get("name"), p["mrn"], p["birth_date"]) if v)


def examples_available() -> bool:
    return all((EXAMPLES / f"{n}.case.json").is_file() for n in EXAMPLE_NAMES)


@cache
def example(name: str) -> Example:
    doc = load_case_document((EXAMPLES / f"{name}.case.json").read_bytes())
    expected_path = EXAMPLES / f"{name}.expected.json"
    as_of = DEFAULT_AS_OF
    if expected_path.is_file():
        as_of = date.fromisoformat(json.loads(expected_path.read_text(encoding="utf-8")).get("as_of")
                                   or DEFAULT_AS_OF.isoformat())
    case = case_from_document(doc)
    return Example(name, doc, case, as_of, recommendation_to_document(evaluate(case, as_of)))


def clinical_summary(ex: Example) -> ClinicalSummary:
    """What the meeting service would derive: the engine's facts plus the case's current therapy."""
    rec = ex.recommendation
    organs: list[str] = []
    for lesion in ex.case.metastatic.lesions:
        word = lesion.organ.value.replace("_", " ")
        if word not in organs:
            organs.append(word)
    ongoing = [t for t in ex.case.therapies if t.kind.value == "systemic" and t.end is None]
    window = rec["response_window"]
    dates = f" ({window['opens']} to {window['closes']})" if window.get("opens") else ""
    return ClinicalSummary(
        age=rec["patient"]["age_at_metastatic_diagnosis"],
        subtype=f"{HR_WORDS[rec['biology']['hormone_receptor']]} / {HER2_WORDS[rec['biology']['her2']]}",
        stage=rec["stage"]["ajcc8_anatomic"],
        metastatic_sites=tuple(organs),
        distant_lesions=rec["disease"]["distant_lesion_count"],
        current_therapy=ongoing[-1].regimen if ongoing else None,
        latest_response=(rec.get("recist") or {}).get("latest"),
        window=window["status"].replace("_", " ") + dates,
    )


def identity(ex: Example, position: int, pseudonymised: bool) -> CaseIdentity:
    if pseudonymised:
        return CaseIdentity(label=f"Case {position} (pseudonymised)", pseudonymised=True)
    p = ex.case.patient
    return CaseIdentity(label=f"{p.name} (MRN {p.mrn}, born {p.birth_date.isoformat()})", pseudonymised=False,
                        mrn=p.mrn, name=p.name, birth_date=p.birth_date)


def decision(ex: Example, position: int, *, without_quorum: bool) -> RecordedDecision:
    """Alternates a concordant decision and a deviation for patient preference."""
    concordant = position % 2 == 1
    counselling = [c["id"] for key in ("primary_tumour", "metastasis_directed_therapy")
                   for c in ex.recommendation[key].get("counselling", [])][:1]
    return RecordedDecision(
        category=DecisionCategory.METASTASIS_DIRECTED_THERAPY if concordant else DecisionCategory.SYSTEMIC_THERAPY,
        text=(f"Continue current systemic therapy. {SIGNS_TEXT}" if concordant
              else "Continue systemic therapy alone; no locoregional treatment of the primary."),
        concordant=concordant,
        deviation_reason=None if concordant else DeviationReason.PATIENT_PREFERENCE,
        deviation_text=None if concordant else DEVIATION_TEXT,
        actions=(
            DecisionAction("Book SBRT planning CT and contouring", "Dr. Søren Ødegård", date(2025, 6, 24)),
            DecisionAction("Inform the GP and the patient of the board's decision", "Siobhán Ní Bhriain", None),
        ),
        patient_preferences="Wishes to keep working part-time; prefers outpatient treatment.",
        counselling_delivered=(*counselling, "Fertility and contraception during therapy discussed."),
        quorum_override=QUORUM_OVERRIDE if without_quorum else None,
        recorded_by="Inès Çelik",
        recorded_at=datetime(2025, 6, 10, 13, 5 + position % 50, tzinfo=UTC),
        follow_up_due=date(2025, 9, 10),
    )


def minutes_case(ex: Example, position: int, *, pseudonymised: bool, triage: AgendaTriage = AgendaTriage.FOR_DISCUSSION,
                 discussed: bool = True, without_quorum: bool = False) -> MinutesCase:
    listed = triage is AgendaTriage.LISTED_NOT_DISCUSSED
    taken = discussed and not listed
    return MinutesCase(
        position=position,
        identity=identity(ex, position, pseudonymised),
        triage=triage,
        question="Is metastasis-directed therapy appropriate now, and should the primary be treated locally?",
        presenter="Prof. José Núñez",
        responsible_clinician="Prof. José Núñez" if listed else None,
        discussed=taken,
        carried_over_from=date(2025, 6, 3) if position % 7 == 3 else None,
        summary=clinical_summary(ex),
        recommendation=ex.recommendation,
        decision=decision(ex, position, without_quorum=without_quorum) if taken else None,
        case=ex.case,
        as_of=ex.as_of,
    )


def sample_minutes(n_cases: int = 3, *, pseudonymised: bool = False, signed: bool = True,
                   copy_of_sha256: str | None = None, quorum_met: bool = True, listed: int = 2,
                   carried: int = 2, amended: bool = True) -> Minutes:
    """A meeting with ``n_cases`` discussed cases, then ``listed`` listed and ``carried`` carried over."""
    present = {d for _, d, _ in EXAMPLE_PEOPLE} - (set() if quorum_met else {Discipline.PATHOLOGY})
    attendees = tuple(AttendeeLine(name, d, role, d in present) for name, d, role in EXAMPLE_PEOPLE)
    required = tuple(d for d in Discipline if d in DEFAULT_QUORUM["breast"])
    cases: list[MinutesCase] = []
    for i in range(n_cases + listed + carried):
        ex = example(EXAMPLE_NAMES[i % len(EXAMPLE_NAMES)])
        position = i + 1
        if i < n_cases:
            cases.append(minutes_case(ex, position, pseudonymised=pseudonymised, without_quorum=not quorum_met))
        elif i < n_cases + listed:
            cases.append(minutes_case(ex, position, pseudonymised=pseudonymised,
                                      triage=AgendaTriage.LISTED_NOT_DISCUSSED, discussed=False))
        else:
            cases.append(minutes_case(ex, position, pseudonymised=pseudonymised, discussed=False))
    amendments: tuple[Amendment, ...] = ()
    if amended and len(cases) >= 2:
        amendments = (Amendment(
            at=datetime(2025, 6, 11, 9, 12, tzinfo=UTC), by="Dr. Zoë Łukasiewicz-Müller",
            reason="Dose written incorrectly in the meeting.", case_label=cases[1].identity.label,
            change="Decision text: 'SBRT 3 × 9 Gy' -> 'SBRT 5 × 7 Gy'"),)
    return Minutes(
        document_id=DOCUMENT_ID,
        board=BOARD,
        day=MEETING_DAY,
        start=time(13, 0),
        place="Tumour board room 2.14, Haus C",
        video_link="https://video.example.invalid/mdt-breast",
        chair="Dr. Zoë Łukasiewicz-Müller",
        attendees=attendees,
        quorum_required=required,
        quorum_missing=() if quorum_met else (Discipline.PATHOLOGY,),
        cases=tuple(cases),
        carried_over_to=date(2025, 6, 17) if carried else None,
        amendments=amendments if signed else (),
        sign_off=SignOff("Dr. Zoë Łukasiewicz-Müller", datetime(2025, 6, 10, 16, 3, tzinfo=UTC), None)
        if signed else None,
        copy_of_sha256=copy_of_sha256,
        pseudonymised=pseudonymised,
        app_version="0.2.0",
        generated_at=GENERATED_AT,
    )
