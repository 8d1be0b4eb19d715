"""Demo data: about 30 synthetic cases (never real people) over every workflow status.

Dates are relative to today so the board always looks alive: reassessments due and overdue,
cases ready for the next meeting, treatment under way. Every name is "<first name> Demo" and every
record number starts with DEMO-. A "Breast MDT" board has a signed meeting a week or two back and
an open one next Thursday with the cases that are ready or due on its agenda.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from tumorboard.domain.case import (
    Case,
    Lesion,
    MetastaticDisease,
    Patient,
    RecistAssessment,
    RecistRecord,
    RecistTarget,
    Therapy,
    Tumour,
)
from tumorboard.domain.dates import add_months
from tumorboard.domain.referral import Referral
from tumorboard.domain.vocab import (
    BoneAgent,
    BoneSite,
    GermlineBrca,
    Her2Ihc,
    Her2Ish,
    MenopausalStatus,
    NonTargetResponse,
    Organ,
    PrimarySymptom,
    Sex,
    StagingModality,
    TargetSite,
    TherapyClass,
    TherapyKind,
    TherapySetting,
)
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.store import Database

FIRST_NAMES = [
    "Ada", "Beatriz", "Chiara", "Dorota", "Elif", "Fatima", "Greta", "Hana", "Ines", "Joana",
    "Kirsi", "Lena", "Marta", "Nadia", "Olga", "Paula", "Quinn", "Rosa", "Sofia", "Tamar",
    "Ulla", "Vera", "Wanda", "Ximena", "Yara", "Zofia", "Amelie", "Bruna", "Celine", "Dalia",
    "Emma", "Freya",
]

S = WorkflowStatus


@dataclass(frozen=True, slots=True)
class DemoCase:
    case: Case
    status: WorkflowStatus
    next_meeting: date | None
    staging_date: date | None
    referral: Referral


@dataclass(frozen=True, slots=True)
class _Plan:
    status: WorkflowStatus
    biology: str            # "luminal", "her2", "tnbc", "low"
    lesions: tuple[tuple[Organ, BoneSite | None], ...]
    therapy_months_ago: float | None  # metastatic line start; None = none yet; negative = planned
    assessments_months: tuple[tuple[float, int], ...] = ()  # (months after start, % of baseline)
    symptomatic: bool = False
    bma: bool = False
    dental: bool = True
    pet: bool = True
    biopsy: bool = True


B, L, LU, N = Organ.BONE, Organ.LIVER, Organ.LUNG, Organ.DISTANT_LYMPH_NODE
BS = BoneSite

PLANS: list[_Plan] = [
    # referred: new referrals, little known yet
    _Plan(S.REFERRED, "luminal", ((B, BS.RIB),), None, pet=False, biopsy=False, dental=False),
    _Plan(S.REFERRED, "her2", ((L, None),), None, pet=False, biopsy=False),
    _Plan(S.REFERRED, "tnbc", ((LU, None), (LU, None)), None, pet=False, dental=False),
    _Plan(S.REFERRED, "low", ((B, BS.VERTEBRA),), None, pet=False, biopsy=False, dental=False),
    # staging: lesions known, staging incomplete
    _Plan(S.STAGING, "luminal", ((B, BS.PELVIS), (B, BS.RIB)), None, pet=False, dental=False),
    _Plan(S.STAGING, "luminal", ((B, BS.FEMUR),), None, biopsy=False, dental=False),
    _Plan(S.STAGING, "her2", ((L, None), (N, None)), None, pet=False),
    _Plan(S.STAGING, "tnbc", ((LU, None),) * 7, None),
    # ready for the MDT
    _Plan(S.READY_FOR_MDT, "luminal", ((B, BS.RIB), (B, BS.STERNUM)), 4.2, ((4.0, 55),), bma=True),
    _Plan(S.READY_FOR_MDT, "low", ((B, BS.VERTEBRA), (B, BS.HUMERUS)), 5.0, ((3.5, 62),), bma=True),
    _Plan(S.READY_FOR_MDT, "her2", ((L, None), (L, None)), 4.5, ((3.2, 60),)),
    _Plan(S.READY_FOR_MDT, "luminal", ((B, BS.SKULL),), None, symptomatic=True),
    _Plan(S.READY_FOR_MDT, "luminal", ((B, BS.RIB),) * 8, 3.8, ((3.1, 80),), bma=True),
    # discussed: treatment agreed, about to start
    _Plan(S.DISCUSSED, "luminal", ((B, BS.PELVIS),), -0.3, dental=False),
    _Plan(S.DISCUSSED, "her2", ((LU, None),), -0.2),
    _Plan(S.DISCUSSED, "tnbc", ((L, None), (LU, None), (N, None)), -0.5),
    _Plan(S.DISCUSSED, "low", ((B, BS.TIBIA),), -0.1, dental=False),
    # on treatment: some windows open, one assessed too early
    _Plan(S.ON_TREATMENT, "luminal", ((B, BS.RIB), (B, BS.SCAPULA)), 1.5, bma=True),
    _Plan(S.ON_TREATMENT, "luminal", ((B, BS.VERTEBRA),), 2.0, ((1.6, 85),), bma=True),
    _Plan(S.ON_TREATMENT, "her2", ((L, None),), 3.5),
    _Plan(S.ON_TREATMENT, "low", ((B, BS.FEMUR), (LU, None)), 4.5, bma=True),
    _Plan(S.ON_TREATMENT, "luminal", ((B, BS.RIB),), 9.0, ((3.5, 50), (6.5, 45)), bma=True),
    _Plan(S.ON_TREATMENT, "tnbc", ((LU, None), (LU, None)), 2.5),
    # reassessment due: window open or closed without assessment
    _Plan(S.REASSESSMENT_DUE, "luminal", ((B, BS.PELVIS), (B, BS.RIB)), 3.4, bma=True),
    _Plan(S.REASSESSMENT_DUE, "her2", ((LU, None), (N, None)), 6.8),
    _Plan(S.REASSESSMENT_DUE, "low", ((B, BS.STERNUM),), 5.2, ((1.5, 90),), dental=False),
    _Plan(S.REASSESSMENT_DUE, "luminal", ((L, None),), 7.5, ((3.2, 70), (6.9, 95))),
    # closed
    _Plan(S.CLOSED, "luminal", ((B, BS.RIB),), 24.0, ((3.0, 40), (9.0, 30)), bma=True),
    _Plan(S.CLOSED, "tnbc", ((L, None),) * 9, 14.0, ((3.0, 130),)),
    _Plan(S.CLOSED, "her2", ((B, BS.CLAVICLE),), 30.0, ((3.0, 20), (12.0, 0)), bma=True),
]

_BIOLOGY = {
    "luminal": (90.0, 60.0, Her2Ihc.ONE_PLUS, None),
    "low": (70.0, 20.0, Her2Ihc.TWO_PLUS, Her2Ish.NOT_AMPLIFIED),
    "her2": (40.0, 0.0, Her2Ihc.THREE_PLUS, None),
    "tnbc": (0.0, 0.0, Her2Ihc.ZERO, None),
}
_REGIMEN = {
    "luminal": ("letrozole + ribociclib", (TherapyClass.ENDOCRINE, TherapyClass.CDK46_INHIBITOR)),
    "low": ("fulvestrant + abemaciclib", (TherapyClass.ENDOCRINE, TherapyClass.CDK46_INHIBITOR)),
    "her2": ("docetaxel + trastuzumab + pertuzumab", (TherapyClass.CHEMOTHERAPY, TherapyClass.ANTI_HER2)),
    "tnbc": ("paclitaxel + pembrolizumab", (TherapyClass.CHEMOTHERAPY, TherapyClass.IMMUNOTHERAPY)),
}


def _months(today: date, months: float) -> date:
    return today - timedelta(days=round(months * 30.44))


def build_demo_cases(today: date, seed: int = 2026) -> list[DemoCase]:
    rng = random.Random(seed)
    cases = []
    for i, plan in enumerate(PLANS, start=1):
        age = rng.randint(34, 78)
        birth = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        start = _months(today, plan.therapy_months_ago) if plan.therapy_months_ago is not None else None
        met_dx = (start - timedelta(days=14)) if start else _months(today, rng.uniform(0.3, 1.2))
        if start is not None and start > today:
            # Treatment agreed at the signed meeting two weeks ago, starting soon: diagnosed and
            # referred well before that meeting, as the audit's waiting times then say.
            met_dx = today - timedelta(days=42)
        synchronous = rng.random() < 0.7
        tumour_dx = met_dx if synchronous else met_dx - timedelta(days=rng.randint(400, 2500))
        er, pr, ihc, ish = _BIOLOGY[plan.biology]
        lesions = tuple(Lesion(organ, site, site=f"{organ.value.replace('_', ' ')} lesion {k + 1}")
                        for k, (organ, site) in enumerate(plan.lesions))
        therapies: list[Therapy] = []
        if start is not None:
            regimen, classes = _REGIMEN[plan.biology]
            therapies.append(Therapy(TherapyKind.SYSTEMIC, start, regimen=regimen, classes=classes,
                                     setting=TherapySetting.METASTATIC, line=1,
                                     end=start + timedelta(days=600) if plan.status is S.CLOSED else None))
        if plan.bma and start is not None:
            therapies.append(Therapy(TherapyKind.BONE_MODIFYING, start + timedelta(days=10),
                                     agent=BoneAgent.DENOSUMAB if i % 2 else BoneAgent.ZOLEDRONIC_ACID))
        recist = None
        if start is not None or plan.status in (S.READY_FOR_MDT, S.STAGING):
            baseline_date = (start or met_dx) - timedelta(days=7)
            primary = float(rng.randint(22, 48))
            node = float(rng.randint(15, 24))
            assessments = tuple(
                RecistAssessment(add_months(start, int(m)) + timedelta(days=round((m % 1) * 30)),
                                 (float(round(primary * pct / 100)),
                                  float(round(node * pct / 100)) if pct > 0 else 5.0),
                                 NonTargetResponse.NON_CR_NON_PD if pct > 0 else NonTargetResponse.CR,
                                 pct > 120)
                for m, pct in plan.assessments_months if start is not None
            )
            # Where each target lies: their shrinking is a response of the primary, not of the metastases.
            recist = RecistRecord(baseline_date, (RecistTarget("breast primary (LD)", False, primary,
                                                               site=TargetSite.PRIMARY),
                                                  RecistTarget("axillary node (SA)", True, node,
                                                               site=TargetSite.REGIONAL_NODE)),
                                  ("bone lesions",) if any(o is B for o, _ in plan.lesions) else (),
                                  assessments)
        case = Case(
            patient=Patient(f"DEMO-{i:04d}", birth, Sex.FEMALE, name=f"{FIRST_NAMES[i - 1]} Demo",
                            menopausal_status=MenopausalStatus.PRE if age < 50 else MenopausalStatus.POST,
                            ecog=rng.choice([0, 0, 1, 1, 2])),
            tumour=Tumour(tumour_dx, rng.choice(["T1c", "T2", "T2", "T3", "T4b"]),
                          rng.choice(["N0", "N1", "N1", "N2a"]), "M1" if synchronous else "M0",
                          primary_intact=synchronous, histology="invasive carcinoma NST",
                          grade=rng.choice([2, 2, 3]), er_percent=er, pr_percent=pr, her2_ihc=ihc,
                          her2_ish=ish, germline_brca=GermlineBrca.NEGATIVE,
                          primary_symptoms=(PrimarySymptom.ULCERATION, PrimarySymptom.BLEEDING)
                          if plan.symptomatic else (),
                          complete_clearance_feasible=True if plan.symptomatic else None),
            metastatic=MetastaticDisease(
                lesions=lesions, diagnosis_date=met_dx, visceral_crisis=False,
                staging_modalities=(StagingModality.FDG_PET_CT, StagingModality.CT) if plan.pet
                else (StagingModality.CT, StagingModality.BONE_SCAN),
                biopsy_done=plan.biopsy, prior_polymetastatic=False, prior_oligometastatic=False),
            therapies=tuple(therapies),
            dental_evaluation_date=met_dx + timedelta(days=5) if plan.dental and any(
                o is B for o, _ in plan.lesions) else None,
            mdt_discussions=(met_dx + timedelta(days=7),) if plan.status not in (S.REFERRED, S.STAGING)
            else (),
            recist=recist,
        )
        next_meeting = None
        if plan.status in (S.READY_FOR_MDT, S.REASSESSMENT_DUE):
            next_meeting = today + timedelta(days=(3 - today.weekday()) % 7 or 7)  # next Thursday
        # Cases coming to the board were restaged recently; the others keep their first staging.
        staged = today - timedelta(days=10) if next_meeting else met_dx
        # Referred by the breast clinic a few days after the metastatic diagnosis; synthetic GPs.
        # Every fourth referral came without its sender or GP: the letters then say so, not guess.
        referred_on = min(met_dx + timedelta(days=3), today)
        referral = Referral(referred_on) if i % 4 == 0 else Referral(
            referred_on, "Dr Leonie Brandt, Breast Clinic", f"Dr Demo GP {i}",
            f"Demo Health Centre {i}\n{i} Example Street\nDemo Town")
        cases.append(DemoCase(case, plan.status, next_meeting, staged, referral))
    return cases


def populate_demo(db: Database, today: date | None = None, *, meetings: bool = True) -> int:
    """Fill an empty database with the demo cases (and the demo board's meetings); returns how
    many cases were created."""
    from tumorboard.services.cases import CaseService

    when = today or date.today()
    service = CaseService(db, actor="demo", today=lambda: when)
    demos = build_demo_cases(when)
    for demo in demos:
        service.create(demo.case, demo.status, referral=demo.referral)
        service.schedule(demo.case.patient.mrn, next_meeting=demo.next_meeting,
                         staging_date=demo.staging_date)
    if meetings:
        populate_demo_meetings(db, when, {d.case.patient.mrn: d.staging_date for d in demos})
    populate_demo_accounts(db)
    return len(demos)


def populate_demo_accounts(db: Database) -> None:
    """The demo database signs in its synthetic chair (clearly labelled in the app) and has an
    administrator, so that every role's screens can be tried. The chair is the one account
    flagged demo (labelled so in the app, its published password hashed at the demo cost:
    services/accounts.py); the administrator is an ordinary account with the same password."""
    from tumorboard.domain.meeting import Discipline
    from tumorboard.domain.users import Role
    from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME, AccountService

    accounts = AccountService(db)
    if accounts.has_accounts():
        return
    admin = accounts.create_first_admin("demo-admin", "Demo administrator", DEMO_PASSWORD)
    accounts.create_user(admin, DEMO_USERNAME, DEMO_CHAIR, Discipline.BREAST_SURGERY, Role.CHAIR,
                         DEMO_PASSWORD, demo=True)


DEMO_BOARD = "Breast MDT"
DEMO_CHAIR = "Dr Ana Sánchez"
# (name, discipline, role): the five disciplines of the breast quorum and the coordinator.
DEMO_MEMBERS = [
    (DEMO_CHAIR, "breast_surgery", "chair"),
    ("Dr Kwame Mensah", "medical_oncology", "member"),
    ("Dr Ingrid Lindqvist", "radiation_oncology", "member"),
    ("Dr Tomáš Novák", "radiology", "member"),
    ("Dr Leïla Haddad", "pathology", "member"),
    ("Siobhán Byrne", "coordination", "coordinator"),
]
_QUESTIONS = {
    S.READY_FOR_MDT: "First-line plan and role of local therapy?",
    S.REASSESSMENT_DUE: "Response assessment: continue the current line?",
    S.ON_TREATMENT: "Reassessment window open: restaging due?",
}


def populate_demo_meetings(db: Database, today: date, staging: dict[str, date | None]) -> None:
    """The demo board and two meetings: one signed (decisions, a deviation, a case listed but not
    discussed) and the next one, open, with the cases ready or due on its agenda."""
    from tumorboard.domain.meeting import (
        AgendaTriage,
        BoardRole,
        DecisionAction,
        DecisionCategory,
        DeviationReason,
        Discipline,
    )
    from tumorboard.recommend import evaluate, recommendation_to_document
    from tumorboard.reports import render_minutes
    from tumorboard.services.boards import BoardService
    from tumorboard.services.cases import CaseService, WorklistQuery
    from tumorboard.services.meetings import DecisionInput, MeetingService

    upcoming = today + timedelta(days=(3 - today.weekday()) % 7 or 7)  # next Thursday, as the cases say
    past = upcoming - timedelta(days=14)
    # Implementation checks a week after the meeting (not the usual six) so the demo has some due.
    service = MeetingService(db, actor="demo", today=lambda: today, follow_up_weeks=1, render=render_minutes)
    boards = BoardService(db, actor="demo")
    boards.create(DEMO_BOARD)
    for name, discipline, role in DEMO_MEMBERS:
        boards.add_member(DEMO_BOARD, name, Discipline(discipline), BoardRole(role))
    where = {"place": "Seminar room 2, Oncology Centre", "video_link": "https://video.example.org/breast-mdt",
             "chair": DEMO_CHAIR}

    signed = service.create_meeting(DEMO_BOARD, past, "08:00", **where)
    decided = ["DEMO-0014", "DEMO-0015", "DEMO-0016", "DEMO-0017"]
    service.add_cases(signed, decided, question="First-line systemic therapy?", presenter="Dr Kwame Mensah")
    service.add_cases(signed, ["DEMO-0022"], question="Stable on first line: for information")
    service.start(signed)
    for name, *_ in DEMO_MEMBERS:
        service.set_attendance(signed, name, True)
    service.update_agenda_item(signed, "DEMO-0022", triage=AgendaTriage.LISTED_NOT_DISCUSSED,
                               responsible_clinician="Dr Kwame Mensah")
    due = past + timedelta(days=21)
    decisions = {
        "DEMO-0014": DecisionInput(
            DecisionCategory.SYSTEMIC_THERAPY, "Letrozole with ribociclib; denosumab once dental review is "
            "done.", concordant=True,
            actions=(DecisionAction("Dental review before denosumab", "Siobhán Byrne", due),)),
        "DEMO-0015": DecisionInput(
            DecisionCategory.SYSTEMIC_THERAPY, "Docetaxel, trastuzumab and pertuzumab; echocardiogram "
            "before the first cycle.", concordant=True,
            actions=(DecisionAction("Baseline echocardiogram", "Dr Kwame Mensah", due),)),
        "DEMO-0016": DecisionInput(
            DecisionCategory.SYSTEMIC_THERAPY, "Paclitaxel with pembrolizumab (PD-L1 CPS 10 or more).",
            concordant=True),
        "DEMO-0017": DecisionInput(
            DecisionCategory.PRIMARY_TUMOUR_SURGERY, "Surgery of the primary tumour after three months of "
            "fulvestrant and abemaciclib if the disease is stable.", concordant=False,
            deviation_reason=DeviationReason.PATIENT_PREFERENCE,
            deviation_text="Wishes local control of the breast after counselling on the evidence.",
            patient_preferences="Wants the breast tumour removed; accepts that survival benefit is unproven.",
            actions=(DecisionAction("Surgical clinic appointment", DEMO_CHAIR, past + timedelta(days=90)),)),
    }
    cases = CaseService(db, actor="demo", today=lambda: today)
    rec = recommendation_to_document(evaluate(cases.get("DEMO-0017").case, past))
    told = tuple(c["text"] for c in rec["primary_tumour"]["counselling"])
    decisions["DEMO-0017"] = replace(decisions["DEMO-0017"], counselling_delivered=told)
    for mrn, decision in decisions.items():
        service.record_decision(signed, mrn, decision)
    service.close(signed)
    service.sign_off(signed, DEMO_CHAIR)
    for mrn in [*decisions, "DEMO-0022"]:  # discussed or listed: no further meeting booked for them
        cases.schedule(mrn, next_meeting=None, staging_date=staging.get(mrn))

    following = service.create_meeting(DEMO_BOARD, upcoming, "08:00", **where)
    suggested = service.suggest_cases(following)
    statuses = {r.mrn: r.status for r in cases.worklist(WorklistQuery(limit=100))}
    for status, question in _QUESTIONS.items():  # one unit of work per question keeps the demo quick
        group = [mrn for mrn in suggested if statuses[mrn] is status]
        if group:
            service.add_cases(following, group, question=question, presenter="Dr Kwame Mensah")
    rest = [mrn for mrn in suggested if statuses[mrn] not in _QUESTIONS]
    if rest:
        service.add_cases(following, rest, presenter="Dr Kwame Mensah")


def ensure_demo_database(path: Path | None = None, today: date | None = None, *,
                         reuse: bool = False) -> str:
    """(Re)create the demo database file so its dates are relative to today; returns its URL.
    ``reuse=True`` (``--demo``) keeps one already built for today (building it takes seconds:
    cases, meetings and a signed meeting's PDF)."""
    from tumorboard.store.demo_file import BUILT_KEY, built_for, built_note
    from tumorboard.store.location import demo_database_path

    target = path or demo_database_path()
    day = today or date.today()
    url = f"sqlite:///{target}"
    if reuse and built_for(target) == day:
        return url
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    db = Database.open(url)
    try:
        populate_demo(db, day)
        db.note(BUILT_KEY, built_note(day))
    finally:
        db.close()
    return url
