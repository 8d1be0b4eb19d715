"""An audit scenario built through the services: a board's signed meetings with attendance,
decisions concordant and deviating, a quorum override, an amendment after sign-off,
implementation checks and therapies started, plus meetings just outside the period and one
closed but not signed. The figures it should give are computed by hand in the tests.

Days are relative to the cases' creation day ``T`` (the referral day when none is recorded; AUD-6
has its referral date recorded, ``T - 5``), so that the waits are known exactly: the period is ``B`` .. ``B + 27`` with ``B = T + 60``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from prepared_databases import Template, filled

from tumorboard.casedoc import case_from_document
from tumorboard.domain.case import Therapy
from tumorboard.domain.meeting import (
    AgendaTriage,
    BoardRole,
    DecisionCategory,
    DeviationReason,
    Discipline,
    ImplementationOutcome,
    NonImplementationReason,
)
from tumorboard.domain.minutes import Minutes
from tumorboard.domain.referral import Referral
from tumorboard.domain.vocab import TherapyKind
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.store import Database

BOARD = "Breast MDT"
EMPTY_BOARD = "Sarcoma MDT"
CHAIR = "Dr Sánchez"
MEMBERS = [(CHAIR, Discipline.BREAST_SURGERY, BoardRole.CHAIR),
           ("Dr Okafor", Discipline.MEDICAL_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Lindqvist", Discipline.RADIATION_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Novák", Discipline.RADIOLOGY, BoardRole.MEMBER),
           ("Dr Haddad", Discipline.PATHOLOGY, BoardRole.MEMBER),
           ("Ms Byrne", Discipline.COORDINATION, BoardRole.COORDINATOR)]

CASE_DOC: dict[str, Any] = {
    "format": "tumorboard.case/1",
    "patient": {"mrn": "AUD-0", "birth_date": "1968-03-14", "sex": "female"},
    "tumour": {"primary_site": "breast", "diagnosis_date": "2025-01-20", "er_percent": 95,
               "pr_percent": 80, "her2_ihc": "1+", "her2_ish": None, "t": "T2", "n": "N1", "m": "M1",
               "primary_intact": True, "primary_symptoms": [], "complete_clearance_feasible": None},
    "metastatic": {"diagnosis_date": "2025-01-20",
                   "lesions": [{"organ": "bone", "bone_site": "rib"}],
                   "diffuse": False, "visceral_crisis": False, "staging_modalities": ["fdg_pet_ct"],
                   "biopsy_done": True,
                   "history": {"prior_polymetastatic": False, "prior_oligometastatic": False}},
    "therapies": [{"kind": "systemic", "classes": ["endocrine"], "setting": "metastatic", "line": 1,
                   "start": "2025-02-03", "end": None}],
    "dental_evaluation_date": None,
    "mdt_discussions": [],
    "recist": None,
}


def fake_render(minutes: Minutes) -> bytes:
    """A stand-in for the minutes PDF (the real renderer is tested elsewhere)."""
    return ("%PDF-fake\n" + minutes.document_id + "\n" + minutes.board).encode()


@dataclass(frozen=True)
class Scenario:
    created: date  # T: the day the cases were created (their referral day)
    start: date  # B: first day of the period
    end: date  # B + 27: last day of the period
    meetings: dict[str, int]  # "M0" .. "M5" -> meeting id
    decisions: dict[str, int]  # "M1/AUD-1" -> decision id
    ruleset: str  # "id version" of the decisions


def _decision(category: DecisionCategory, concordant: bool,
              reason: DeviationReason | None = None) -> DecisionInput:
    return DecisionInput(category, f"{category.label}: as discussed", concordant=concordant,
                         deviation_reason=reason)


def build(db: Database) -> Scenario:
    cases = CaseService(db, actor="coordinator")
    mrns = [f"AUD-{n}" for n in range(1, 7)]
    for mrn in mrns:
        doc = copy.deepcopy(CASE_DOC)
        doc["patient"]["mrn"] = mrn
        cases.create(case_from_document(doc))
    created = cases.get("AUD-1").created_at.date()
    b = created + timedelta(days=60)
    # AUD-6 has its referral date recorded, five days before the case was created.
    cases.save_referral("AUD-6", Referral(referral_date=created - timedelta(days=5)))

    def on(day: date) -> MeetingService:
        return MeetingService(db, actor="coordinator", today=lambda: day, render=fake_render)

    BoardService(db, actor="coordinator").create(BOARD)
    BoardService(db, actor="coordinator").create(EMPTY_BOARD)
    planner = on(b)
    for name, discipline, role in MEMBERS:
        planner.add_member(BOARD, name, discipline, role)
    # An empty board has a member and an unsigned meeting: nothing to count.
    planner.add_member(EMPTY_BOARD, "Dr Ito", Discipline.PATHOLOGY)
    planner.create_meeting(EMPTY_BOARD, b + timedelta(days=3), chair="Dr Ito")

    days = {"M0": b - timedelta(days=1), "M1": b, "M2": b + timedelta(days=7),
            "M3": b + timedelta(days=27), "M4": b + timedelta(days=28), "M5": b + timedelta(days=14)}
    ids = {name: planner.create_meeting(BOARD, day, "08:30", chair=CHAIR) for name, day in days.items()}
    decisions: dict[str, int] = {}

    def meeting(name: str, agenda: list[str], absent: set[str], decide: dict[str, DecisionInput], *,
                not_discussed: str | None = None, override: bool = False, sign: bool = True) -> None:
        service = on(days[name])
        mid = ids[name]
        listed = {a.mrn for a in service.get(mid).agenda}
        new = [m for m in agenda if m not in listed]
        if new:
            service.add_cases(mid, new)
        service.start(mid)
        for member, *_ in MEMBERS:
            if member not in absent:
                service.set_attendance(mid, member, True)
        if override:
            service.record_quorum_override(mid, CHAIR, "Urgent cases cannot wait a week")
        if not_discussed:
            service.update_agenda_item(mid, not_discussed, triage=AgendaTriage.LISTED_NOT_DISCUSSED,
                                       responsible_clinician="Dr Okafor")
        for mrn, decision in decide.items():
            decisions[f"{name}/{mrn}"] = service.record_decision(mid, mrn, decision)
        service.close(mid)
        if sign:
            service.sign_off(mid, CHAIR)

    cat, reason = DecisionCategory, DeviationReason
    # The day before the period: signed, not counted.
    meeting("M0", ["AUD-1"], set(), {"AUD-1": _decision(cat.SYSTEMIC_THERAPY, True)})
    # The first day of the period: AUD-4 is not discussed and carries over to M2.
    meeting("M1", ["AUD-1", "AUD-2", "AUD-3", "AUD-4"], set(),
            {"AUD-1": _decision(cat.SYSTEMIC_THERAPY, True),
             "AUD-2": _decision(cat.RADIOTHERAPY, False, reason.PATIENT_PREFERENCE)},
            not_discussed="AUD-3")
    # Pathology absent: quorum met only by the chair's override.
    meeting("M2", ["AUD-4", "AUD-5"], {"Dr Haddad"},
            {"AUD-4": _decision(cat.FURTHER_INVESTIGATION, False, reason.MISSING_DATA),
             "AUD-5": _decision(cat.PRIMARY_TUMOUR_SURGERY, True)}, override=True)
    # Closed, not signed: not counted.
    meeting("M5", ["AUD-2"], set(), {"AUD-2": _decision(cat.SYSTEMIC_THERAPY, True)}, sign=False)
    # The last day of the period; the coordinator is absent (not in the quorum).
    meeting("M3", ["AUD-6"], {"Ms Byrne"}, {"AUD-6": _decision(cat.SYSTEMIC_THERAPY, True)})
    # The day after the period: signed, not counted.
    meeting("M4", ["AUD-2"], set(), {"AUD-2": _decision(cat.SYSTEMIC_THERAPY, False, reason.CLINICAL_TRIAL)})

    later = on(b + timedelta(days=60))
    # After sign-off, AUD-5's decision is found not to follow the guideline: amended, not rewritten.
    later.amend(ids["M2"], "AUD-5", "concordant", "no", "Recommendation was misread at the meeting")
    later.amend(ids["M2"], "AUD-5", "deviation_reason", "fitness_or_comorbidity",
                "Reason for the deviation added")
    later.record_implementation(decisions["M1/AUD-1"], ImplementationOutcome.FULLY)
    later.record_implementation(decisions["M1/AUD-2"], ImplementationOutcome.NOT_DONE,
                                NonImplementationReason.PATIENT_WISH)
    # Two checks: the latest one counts.
    later.record_implementation(decisions["M2/AUD-5"], ImplementationOutcome.NOT_DONE,
                                NonImplementationReason.PHYSICIAN_DECISION)
    later.record_implementation(decisions["M2/AUD-5"], ImplementationOutcome.PARTLY,
                                NonImplementationReason.CLINICAL_CHANGE)

    # Therapies started: AUD-1 10 days after M1, AUD-2 40 days after M1, AUD-5 31 days after M2.
    starts = {"AUD-1": (TherapyKind.SYSTEMIC, b + timedelta(days=10)),
              "AUD-2": (TherapyKind.RADIOTHERAPY, b + timedelta(days=40)),
              "AUD-5": (TherapyKind.SURGERY, b + timedelta(days=7 + 31))}
    for mrn, (kind, start) in starts.items():
        record = cases.get(mrn)
        cases.save(replace(record.case, therapies=(*record.case.therapies, Therapy(kind=kind, start=start))),
                   record.version)
    decision = on(b).get(ids["M1"]).agenda[0].decision
    assert decision is not None
    return Scenario(created, b, b + timedelta(days=27), ids, decisions,
                    f"{decision.ruleset_id} {decision.ruleset_version}")


# The scenario built once per test session and copied for each test that reads it (on SQLite;
# tests/prepared_databases.py); its dates and ids are the same in every copy.
AUDIT_YEAR = Template("audit-year", filled(build))
