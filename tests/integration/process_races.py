"""Real OS processes racing each other on one database: the worker side and the invariant checks.

``test_process_races.py`` runs these scenarios; this module holds everything a spawned child
needs (it is imported by name in each child, so it must not import pytest fixtures or the test
module). A few persistent workers each open their own ``Database`` and run many trials: per trial
the parent plans a fresh meeting (or case), hands every worker one action, and a
``multiprocessing.Barrier`` releases the racing calls together. After each trial the parent
reads the record back and checks that it equals *some* serial order of the actions.

A scenario returns a list of violations, each ``"trial N: <invariant>: <detail>"``, so a failing
test prints what was wrong in which trial and ``summarise`` can count trials per invariant.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import multiprocessing
import queue
import re
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

# Every wait is bounded: a worker stuck in a lock must fail the test, never hang the suite.
START_TIMEOUT = 180.0  # spawning imports SQLAlchemy, the engine and ReportLab in each child
BARRIER_TIMEOUT = 60.0
TRIAL_TIMEOUT = 120.0
IDLE_TIMEOUT = 600.0  # a worker whose parent went away exits on its own

CHAIR = "Dr Race Chair"
# The default breast quorum plus the chair: every discipline a decision or a sign-off needs.
MEMBERS: tuple[tuple[str, str, str], ...] = (
    (CHAIR, "breast_surgery", "chair"),
    ("Dr Race Oncologist", "medical_oncology", "member"),
    ("Dr Race Radiotherapist", "radiation_oncology", "member"),
    ("Dr Race Radiologist", "radiology", "member"),
    ("Dr Race Pathologist", "pathology", "member"),
)

# Words the driver or SQLAlchemy use and the app's own messages never do: a refusal carrying
# them is a raw database error that reached the user (issue 12: "duplicate key value violates
# unique constraint uq_decisions_agenda_item_id"), whatever exception class wraps it.
_RAW_DRIVER_WORDS = ("duplicate key", "unique constraint", "integrityerror", "operationalerror",
                     "psycopg", "sqlalchemy", "sqlite3.", "background on this error", "database error at")
# A refused decision must say why in terms of the meeting's life (issue 12: "every refusal names
# the state the meeting is in"); on a case decided by another racer, that it is already decided.
_STATE_WORDS = ("closed", "signed")
_ALREADY_WORDS = ("already", "replace")


# -- the synthetic case every scenario uses (no patient data; not the shared worked examples,
# so the races run wherever the project is checked out) ----------------------------------------
def case_document(mrn: str, name: str, *, ecog: int = 0, er_percent: int = 95,
                  baseline_mm: int = 32) -> dict[str, Any]:
    return {
        "format": "tumorboard.case/1",
        "patient": {"mrn": mrn, "name": name, "birth_date": "1976-11-22", "sex": "female", "ecog": ecog},
        "tumour": {
            "primary_site": "breast", "diagnosis_date": "2025-01-20",
            "histology": "invasive ductal carcinoma (NST), grade 2", "er_percent": er_percent,
            "pr_percent": 80, "her2_ihc": "1+", "her2_ish": None, "germline_brca": "negative",
            "tnm_basis": "clinical", "t": "T2", "n": "N1", "m": "M1", "primary_intact": True,
            "primary_symptoms": [], "complete_clearance_feasible": None},
        "metastatic": {
            "diagnosis_date": "2025-01-20",
            "lesions": [{"organ": "bone", "site": "left 6th rib (sclerotic)", "bone_site": "rib"},
                        {"organ": "bone", "site": "sternal body (sclerotic)", "bone_site": "sternum"}],
            "diffuse": False, "visceral_crisis": False, "staging_modalities": ["fdg_pet_ct", "ct"],
            "biopsy_done": True, "history": {"prior_polymetastatic": False, "prior_oligometastatic": False}},
        "therapies": [
            {"kind": "systemic", "regimen": "letrozole + ribociclib + goserelin",
             "classes": ["endocrine", "cdk46_inhibitor", "ovarian_suppression"], "setting": "metastatic",
             "line": 1, "start": "2025-02-03", "end": None},
            {"kind": "bone_modifying", "agent": "denosumab", "start": "2025-02-10", "end": None}],
        "dental_evaluation_date": "2025-01-25",
        "mdt_discussions": ["2025-01-27"],
        "recist": {
            "baseline_date": "2025-01-27",
            "targets": [{"name": "breast primary (LD)", "nodal": False, "baseline_mm": baseline_mm},
                        {"name": "L axillary node (SA)", "nodal": True, "baseline_mm": 18}],
            "non_targets": ["2 sclerotic bone lesions"],
            "assessments": [{"date": "2025-06-02", "target_mm": [20, 9], "non_target": "non-CR/non-PD",
                             "new_lesions": False}]},
    }


def document_bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


# -- what passes between the processes (plain picklable data only: no engine, no session) -------
@dataclass(frozen=True, slots=True)
class Task:
    kind: str  # "close" | "decide" | "close-and-sign" | "import-update" | "stop"
    trial: int = -1
    meeting_id: int | None = None
    mrn: str | None = None
    text: str | None = None
    document: bytes | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One service call's outcome as its user would have seen it."""

    action: str
    status: str  # "ok" | "refused" (an app error) | "unexpected" (anything else: a bug)
    error_type: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True, slots=True)
class Outcome:
    worker: int
    trial: int
    task: Task
    steps: tuple[Step, ...] = ()
    fatal: str | None = None  # the harness itself failed in the worker (barrier, start-up)

    def step(self, action: str) -> Step | None:
        return next((s for s in self.steps if s.action == action), None)


class HarnessError(RuntimeError):
    """The race could not be run (a worker hung, died or never started): the test fails."""


# -- the worker process ---------------------------------------------------------------------------
def worker_main(url: str, index: int, barrier: Any, tasks: Any, results: Any) -> None:
    """Entry point of a spawned worker: its own Database, then one task per trial until "stop"."""
    try:
        from tumorboard.store import Database

        db = Database.open(url)
    except BaseException:
        results.put(Outcome(index, -1, Task("start"), fatal=traceback.format_exc()))
        return
    results.put(Outcome(index, -1, Task("start")))
    try:
        while True:
            try:
                task: Task = tasks.get(timeout=IDLE_TIMEOUT)
            except queue.Empty:
                return
            if task.kind == "stop":
                return
            try:
                act = _prepare(db, index, task)  # services built before the barrier: only the race after
                barrier.wait(BARRIER_TIMEOUT)
            except BaseException:
                results.put(Outcome(index, task.trial, task, fatal=traceback.format_exc()))
                continue
            results.put(Outcome(index, task.trial, task, tuple(act())))
    finally:
        db.close()


def _call(action: str, fn: Callable[[], object]) -> Step:
    from tumorboard.domain.meeting import MeetingError
    from tumorboard.store import StoreError

    try:
        fn()
    except (MeetingError, StoreError) as exc:
        return Step(action, "refused", type(exc).__name__, str(exc))
    except Exception as exc:
        return Step(action, "unexpected", type(exc).__name__,
                    f"{exc}\n{''.join(traceback.format_exception(exc))}")
    return Step(action, "ok")


def _prepare(db: Any, index: int, task: Task) -> Callable[[], list[Step]]:
    from tumorboard.domain.meeting import DecisionCategory
    from tumorboard.services.cases import CaseService
    from tumorboard.services.meetings import DecisionInput, MeetingService

    actor = f"racer{index}"
    meetings = MeetingService(db, actor=actor)
    meeting_id = task.meeting_id
    if task.kind == "close":
        assert meeting_id is not None
        return lambda: [_call("close", lambda: meetings.close(meeting_id))]
    if task.kind == "close-and-sign":
        assert meeting_id is not None
        sign = getattr(meetings, "sign_off", None) or meetings.sign  # type: ignore[attr-defined]

        def close_and_sign() -> list[Step]:
            closed = _call("close", lambda: meetings.close(meeting_id))
            return [closed, _call("sign", lambda: sign(meeting_id, CHAIR))]
        return close_and_sign
    if task.kind == "decide":
        assert meeting_id is not None and task.mrn is not None and task.text is not None
        mrn, decision = task.mrn, DecisionInput(category=DecisionCategory.SYSTEMIC_THERAPY, text=task.text,
                                                concordant=True)
        return lambda: [_call("decide", lambda: meetings.record_decision(meeting_id, mrn, decision))]
    if task.kind == "import-update":
        assert task.document is not None
        cases, document = CaseService(db, actor=actor), task.document

        def update() -> list[Step]:
            outcomes: list[Any] = []
            step = _call("update", lambda: outcomes.extend(
                cases.import_documents([(f"{actor}.case.json", document)], update=True)))
            if step.status == "ok" and (len(outcomes) != 1 or outcomes[0].action != "updated"):
                # The service reports a refused file as an outcome rather than raising.
                problems = "; ".join(p for o in outcomes for p in o.problems)
                actions = ",".join(o.action for o in outcomes)
                step = Step("update", "refused", f"ImportOutcome({actions})", problems)
            return [step]
        return update
    raise ValueError(f"unknown task {task.kind!r}")


# -- the parent's side: a pool of persistent workers --------------------------------------------
class WorkerPool:
    """``size`` spawned workers on ``url``; ``run`` gives each one task and returns every outcome."""

    def __init__(self, url: str, size: int) -> None:
        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing inherited, no engine
        self.size = size
        self.barrier = ctx.Barrier(size)
        self.results = ctx.Queue()
        self.tasks = [ctx.Queue() for _ in range(size)]
        self.processes = [ctx.Process(target=worker_main, args=(url, i, self.barrier, self.tasks[i],
                                                                self.results),
                                      name=f"race-worker-{i}", daemon=True) for i in range(size)]
        for p in self.processes:
            p.start()
        try:
            started = self._collect(size, START_TIMEOUT, "start")
        except BaseException:
            self.close()
            raise
        failed = [o.fatal for o in started if o.fatal]
        if failed:
            self.close()
            raise HarnessError("a race worker could not open the database:\n" + "\n".join(failed))

    def run(self, tasks: Sequence[Task]) -> list[Outcome]:
        assert len(tasks) == self.size, "every worker takes part in every trial (the barrier counts them)"
        for q, task in zip(self.tasks, tasks, strict=True):
            q.put(task)
        outcomes = sorted(self._collect(self.size, TRIAL_TIMEOUT, f"trial {tasks[0].trial}"),
                          key=lambda o: o.worker)
        fatal = [f"worker {o.worker}: {o.fatal}" for o in outcomes if o.fatal]
        if fatal:
            raise HarnessError("the race could not be run:\n" + "\n".join(fatal))
        return outcomes

    def _collect(self, count: int, timeout: float, what: str) -> list[Outcome]:
        deadline = threading.Event()
        timer = threading.Timer(timeout, deadline.set)
        timer.start()
        got: list[Outcome] = []
        try:
            while len(got) < count:
                if deadline.is_set():
                    raise HarnessError(f"{what}: {count - len(got)} of {count} workers gave no answer "
                                       f"within {timeout:.0f} s (hung or dead)")
                try:
                    got.append(self.results.get(timeout=1.0))
                except queue.Empty:
                    dead = [p.name for p in self.processes if not p.is_alive()]
                    if dead:
                        raise HarnessError(f"{what}: worker process(es) died: {', '.join(dead)} "
                                           f"(exit codes {[p.exitcode for p in self.processes]})") from None
        finally:
            timer.cancel()
        return got

    def close(self) -> None:
        for p, q in zip(self.processes, self.tasks, strict=True):
            if p.is_alive():
                with contextlib.suppress(Exception):
                    q.put(Task("stop"))
        for p in self.processes:
            p.join(10)
        for p in self.processes:  # only our own children, by their handle
            if p.is_alive():
                p.terminate()
                p.join(5)
        self.results.close()
        for q in self.tasks:
            q.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class SerialRunner:
    """The same actions one after another in this process, in an order that turns with the trial.

    The control for the checks: whatever they report here is a wrong invariant (or a bug that
    has nothing to do with concurrency), not a race. Every serial order must come out clean.
    """

    def __init__(self, url: str, size: int) -> None:
        from tumorboard.store import Database

        self.size = size
        self.db = Database.open(url)

    def run(self, tasks: Sequence[Task]) -> list[Outcome]:
        trial = tasks[0].trial
        orders = list(itertools.permutations(range(len(tasks))))
        order = orders[(trial * 7) % len(orders)]  # a stride that visits closer-first and closer-last
        outcomes: dict[int, Outcome] = {}
        for i in order:
            outcomes[i] = Outcome(i, trial, tasks[i], tuple(_prepare(self.db, i, tasks[i])()))
        return [outcomes[i] for i in range(len(tasks))]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SerialRunner:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def runner(url: str, processes: int, serial: bool) -> WorkerPool | SerialRunner:
    return SerialRunner(url, processes) if serial else WorkerPool(url, processes)


# -- set-up, through the services as a user would -------------------------------------------------
def _board(meetings: Any, name: str) -> None:
    """A board with a member for every quorum discipline, created on purpose (boards are explicit)."""
    from tumorboard.domain.meeting import DEFAULT_QUORUM, BoardRole, Discipline
    from tumorboard.services.boards import BoardService

    BoardService(meetings.db, actor=meetings.actor).create(name, "breast")
    missing = set(DEFAULT_QUORUM["breast"]) - {Discipline(d) for _, d, _ in MEMBERS}
    assert not missing, f"the race board lacks members for {missing}"
    for person, discipline, role in MEMBERS:
        meetings.add_member(name, person, Discipline(discipline), BoardRole(role))


def import_new_case(db: Any, mrn: str, name: str) -> None:
    from tumorboard.services.cases import CaseService

    outcome = CaseService(db, actor="planner").import_documents(
        [(f"{mrn}.case.json", document_bytes(case_document(mrn, name)))])
    assert [o.action for o in outcome] == ["created"], outcome


@dataclass(frozen=True, slots=True)
class PlannedMeeting:
    meeting_id: int
    day: date
    mrns: tuple[str, ...]


def plan_meeting_in_progress(db: Any, tag: str, trial: int, n_cases: int) -> PlannedMeeting:
    """A meeting today with ``n_cases`` for discussion, started, everyone present (quorum met).

    A board per trial: each trial's carry-over creates its own next-week meeting, and no two
    meetings share a board, day and time (refused once issue 12 lands)."""
    from tumorboard.services.meetings import MeetingService

    meetings = MeetingService(db, actor="planner")
    board = f"Race {tag} {trial}"
    _board(meetings, board)
    day = date.today()  # decisions and sign-off are refused before the meeting's date
    meeting_id = meetings.create_meeting(board, day, "08:00", place="Race room", chair=CHAIR)
    mrns = tuple(f"RACE-{tag}-{trial}-{i}" for i in range(n_cases))
    for i, mrn in enumerate(mrns):
        import_new_case(db, mrn, f"Race Patient {tag} {trial} {i}")
    meetings.add_cases(meeting_id, list(mrns))
    start = getattr(meetings, "start", None)  # planned -> in progress, once the state machine exists
    if callable(start):
        start(meeting_id)
    for person, _, _ in MEMBERS:
        meetings.set_attendance(meeting_id, person, True)
    return PlannedMeeting(meeting_id, day, mrns)


# -- reading the record back ----------------------------------------------------------------------
def _tables(db: Any) -> dict[str, Any]:
    """The tables as they are in the database (reflected: whatever columns the store adds later)."""
    import warnings

    from sqlalchemy import MetaData
    from sqlalchemy.exc import SAWarning

    meta = MetaData()
    with warnings.catch_warnings():  # the name index on lower(name) (revision 0011): not needed here
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                SAWarning)
        meta.reflect(bind=db.engine, only=["meetings", "agenda_items", "decisions", "cases", "patients",
                                           "audit_log"])
    return dict(meta.tables)


def _current_decisions(t: dict[str, Any]) -> Any:
    """Decisions still in force. Today every decision row is; once a replaced decision stays in
    the record (issue 12) it will carry a marker, whichever of these names it gets."""
    d = t["decisions"]
    conditions = []
    for name in ("replaced_by_id", "superseded_by_id", "replaced_by", "superseded_by", "replaced_at",
                 "superseded_at"):
        if name in d.c:
            conditions.append(d.c[name].is_(None))
    for name in ("current", "is_current"):
        if name in d.c:
            conditions.append(d.c[name].is_(True))
    return conditions


def _utc(value: datetime | str | None) -> datetime | None:
    """SQLite hands back naive timestamps (written as UTC); PostgreSQL aware ones."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(slots=True)
class MeetingState:
    closed_at: datetime | None
    signed_at: datetime | None
    minutes_sha256: str | None
    minutes_pdf: bytes | None
    decisions: list[dict[str, Any]]  # current ones: mrn, agenda_item_id, text, recorded_at, updated_at
    carried: set[str]  # mrns on another meeting's agenda carried over from this one
    next_meeting_of: dict[str, date | None]  # each case's "next MDT" date
    sign_offs: int  # audit rows recording a sign-off of this meeting


def read_meeting(db: Any, meeting_id: int, mrns: Sequence[str]) -> MeetingState:
    from sqlalchemy import and_, func, select

    t = _tables(db)
    m, a, d, c, p, log = (t["meetings"], t["agenda_items"], t["decisions"], t["cases"], t["patients"],
                          t["audit_log"])
    with db.engine.connect() as conn:
        row = conn.execute(select(m.c.closed_at, m.c.signed_at, m.c.minutes_sha256, m.c.minutes_pdf)
                           .where(m.c.id == meeting_id)).one()
        decisions = [dict(r._mapping) for r in conn.execute(
            select(p.c.mrn, d.c.agenda_item_id, d.c.text, d.c.recorded_at, d.c.updated_at)
            .join(c, d.c.case_id == c.c.id).join(p, c.c.patient_id == p.c.id)
            .where(and_(d.c.meeting_id == meeting_id, *_current_decisions(t))).order_by(d.c.id))]
        carried = set(conn.scalars(select(p.c.mrn).select_from(a).join(c, a.c.case_id == c.c.id)
                                   .join(p, c.c.patient_id == p.c.id)
                                   .where(a.c.carried_over_from_id == meeting_id)))
        next_meeting_of = {mrn: nxt for mrn, nxt in conn.execute(
            select(p.c.mrn, c.c.next_meeting).join(p, c.c.patient_id == p.c.id).where(p.c.mrn.in_(list(mrns))))}
        sign_offs = conn.scalar(select(func.count()).select_from(log).where(
            log.c.entity == "meeting", log.c.entity_id == str(meeting_id), log.c.action == "sign-off",
            log.c.field == "signed_by")) or 0
    for dec in decisions:
        dec["recorded_at"], dec["updated_at"] = _utc(dec["recorded_at"]), _utc(dec["updated_at"])
    return MeetingState(_utc(row.closed_at), _utc(row.signed_at), row.minutes_sha256,
                        bytes(row.minutes_pdf) if row.minutes_pdf is not None else None, decisions,
                        carried, next_meeting_of, int(sign_offs))


# -- invariant checks shared by the meeting scenarios ------------------------------------------------
def _raw_error(step: Step) -> str | None:
    if step.status == "unexpected":
        return f"{step.action} failed with an unexpected {step.error_type}: {step.message}"
    if step.status == "refused" and any(w in (step.message or "").lower() for w in _RAW_DRIVER_WORDS):
        return f"{step.action} refused with a raw database error ({step.error_type}): {step.message}"
    return None


def _check_errors(trial: int, outcomes: Sequence[Outcome]) -> list[str]:
    return [f"trial {trial}: raw-or-unexpected-error: worker {o.worker}: {problem}"
            for o in outcomes for s in o.steps if (problem := _raw_error(s))]


def _check_decisions(trial: int, planned: PlannedMeeting, state: MeetingState,
                     deciders: Sequence[Outcome]) -> list[str]:
    """Decided XOR carried over, nothing after the close, one current decision per item, and each
    decider's answer agrees with the record."""
    out = []
    decided = {d["mrn"] for d in state.decisions}
    next_week = planned.day + timedelta(days=7)
    for mrn in planned.mrns:
        if mrn in decided and mrn in state.carried:
            out.append(f"trial {trial}: decided-and-carried-over: {mrn} has a decision at this meeting and is "
                       "on next week's agenda as undiscussed")
        elif mrn not in decided and mrn not in state.carried and state.closed_at is not None:
            out.append(f"trial {trial}: neither-decided-nor-carried-over: {mrn} was not decided and the "
                       "close did not move it to the next meeting")
        if mrn in decided and state.next_meeting_of.get(mrn) == next_week:
            out.append(f"trial {trial}: decided-but-scheduled-next-week: {mrn} was decided, yet its next "
                       f"MDT is set to {next_week} by the carry-over")
    per_item = Counter(d["agenda_item_id"] for d in state.decisions)
    out += [f"trial {trial}: two-current-decisions: agenda item {item} has {n} current decisions"
            for item, n in per_item.items() if n > 1]
    if state.closed_at is not None:
        for d in state.decisions:
            late = [f"{k} {d[k]:%H:%M:%S.%f}" for k in ("recorded_at", "updated_at")
                    if d[k] is not None and d[k] > state.closed_at]
            if late:
                out.append(f"trial {trial}: decision-on-closed-meeting: the decision for {d['mrn']} was "
                           f"written after the meeting closed at {state.closed_at:%H:%M:%S.%f} "
                           f"({', '.join(late)})")
    texts = {d["mrn"]: d["text"] for d in state.decisions}
    shared = Counter(o.task.mrn for o in deciders)
    for o in deciders:
        step = o.step("decide")
        assert step is not None and o.task.mrn is not None
        mrn = o.task.mrn
        winners = {x.task.text for x in deciders if x.task.mrn == mrn and (s := x.step("decide")) and s.ok}
        if step.ok and mrn not in texts:
            out.append(f"trial {trial}: lost-decision: worker {o.worker} was told its decision for {mrn} "
                       "was recorded; there is none")
        if mrn in texts and texts[mrn] not in winners:
            out.append(f"trial {trial}: decision-from-a-refused-call: the decision for {mrn} is "
                       f"{texts[mrn]!r}, which no successful call recorded")
        if step.status == "refused":
            words = _STATE_WORDS + (_ALREADY_WORDS if shared[mrn] > 1 else ())
            if not any(w in (step.message or "").lower() for w in words):
                out.append(f"trial {trial}: refusal-without-reason: worker {o.worker}'s decision for {mrn} "
                           f"was refused with {step.error_type}: {step.message!r}, which names neither "
                           "the meeting's state nor an existing decision")
    return out


def _deciders(planned: PlannedMeeting, trial: int, processes: int) -> list[Task]:
    """Racers 1..n-1 decide: different cases, and with four processes two of them the same case."""
    picks = [0, 1, 0][:processes - 1] if processes <= 4 else [i % len(planned.mrns) for i in range(processes - 1)]
    return [Task("decide", trial, planned.meeting_id, planned.mrns[case],
                 f"Race decision T{trial:03d}W{worker}C{case}: continue the current therapy")
            for worker, case in enumerate(picks, start=1)]


def _token(text: str) -> str:
    return text.split(":", 1)[0].split()[-1]  # "T007W1C0": no spaces, survives PDF text extraction


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "".join("".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def _count(stats: Counter[str] | None, outcomes: Sequence[Outcome]) -> None:
    """How the calls came out ("decide-ok", "decide-refused", ...): shows which orders the trials hit."""
    if stats is not None:
        stats.update(f"{s.action}-{s.status}" for o in outcomes for s in o.steps)


# -- the scenarios ----------------------------------------------------------------------------------
def close_vs_decide(url: str, processes: int, trials: int, *, serial: bool = False,
                    stats: Counter[str] | None = None) -> list[str]:
    """One racer closes the meeting while the others record decisions."""
    from tumorboard.store import Database

    violations: list[str] = []
    db = Database.open(url)
    try:
        with runner(url, processes, serial) as pool:
            for trial in range(trials):
                planned = plan_meeting_in_progress(db, f"C{processes}", trial, max(processes, 2))
                tasks = [Task("close", trial, planned.meeting_id), *_deciders(planned, trial, processes)]
                outcomes = pool.run(tasks)
                _count(stats, outcomes)
                state = read_meeting(db, planned.meeting_id, planned.mrns)
                violations += _check_errors(trial, outcomes)
                close = outcomes[0].step("close")
                if close is None or not close.ok:
                    violations.append(f"trial {trial}: close-refused: closing an open meeting is allowed in "
                                      f"every order, yet it failed: {close}")
                if state.closed_at is None:
                    violations.append(f"trial {trial}: meeting-not-closed: the close reported "
                                      f"{close and close.status} but the meeting has no closed_at")
                violations += _check_decisions(trial, planned, state, outcomes[1:])
    finally:
        db.close()
    return violations


def sign_vs_decide(url: str, processes: int, trials: int, *, serial: bool = False,
                   stats: Counter[str] | None = None) -> list[str]:
    """The chair closes and signs the meeting while the others record decisions."""
    from tumorboard.store import Database

    violations: list[str] = []
    db = Database.open(url)
    try:
        with runner(url, processes, serial) as pool:
            for trial in range(trials):
                planned = plan_meeting_in_progress(db, f"S{processes}", trial, max(processes, 2))
                tasks = [Task("close-and-sign", trial, planned.meeting_id),
                         *_deciders(planned, trial, processes)]
                outcomes = pool.run(tasks)
                _count(stats, outcomes)
                state = read_meeting(db, planned.meeting_id, planned.mrns)
                violations += _check_errors(trial, outcomes)
                for action in ("close", "sign"):
                    step = outcomes[0].step(action)
                    if step is None or not step.ok:
                        violations.append(f"trial {trial}: {action}-refused: the chair's {action} is allowed "
                                          f"in every order of these actions, yet it failed: {step}")
                violations += _check_decisions(trial, planned, state, outcomes[1:])
                violations += _check_derived(trial, db)
                violations += _check_signature(trial, state)
                violations += _check_derived(trial, db)
    finally:
        db.close()
    return violations


def _check_signature(trial: int, state: MeetingState) -> list[str]:
    out = []
    if state.sign_offs > 1:
        out.append(f"trial {trial}: signed-more-than-once: {state.sign_offs} sign-offs are recorded")
    if state.signed_at is None or state.minutes_pdf is None:
        return out  # sign-refused says why
    if hashlib.sha256(state.minutes_pdf).hexdigest() != state.minutes_sha256:
        out.append(f"trial {trial}: signed-hash-mismatch: the stored hash is not the signed document's")
    if state.closed_at is None or state.signed_at < state.closed_at:
        out.append(f"trial {trial}: signed-before-close: signed at {state.signed_at}, closed at "
                   f"{state.closed_at}")
    signed_text = _pdf_text(state.minutes_pdf)
    for d in state.decisions:
        if _token(d["text"]) not in signed_text:
            out.append(f"trial {trial}: decision-missing-from-signed-minutes: the decision for {d['mrn']} "
                       f"({_token(d['text'])}) exists but the minutes the chair signed do not contain it")
        if d["recorded_at"] is not None and d["recorded_at"] > state.signed_at:
            out.append(f"trial {trial}: decision-after-sign-off: the decision for {d['mrn']} was recorded "
                       f"at {d['recorded_at']}, after the signature at {state.signed_at}")
    return out


def _versions(mrn: str, trial: int, processes: int) -> list[dict[str, Any]]:
    """One version of the case per racer: each differs from the original and from every other
    in its name and target size, and in ECOG and ER from some others (fields shared by some
    versions test the chain where a write changes nothing for that field)."""
    return [case_document(mrn, f"Race Patient U{trial} v{k}", ecog=1 + k % 2, er_percent=90 - 10 * (k % 2),
                          baseline_mm=40 + k) for k in range(processes)]


def update_vs_update(url: str, processes: int, trials: int, *, serial: bool = False,
                     stats: Counter[str] | None = None) -> list[str]:
    """Every racer imports its own version of the same case with ``update=True``."""
    from tumorboard.casedoc import case_from_document, case_to_document, load_case_document
    from tumorboard.services.audit import field_changes
    from tumorboard.services.cases import CaseService
    from tumorboard.store import Database

    violations: list[str] = []
    db = Database.open(url)
    try:
        with runner(url, processes, serial) as pool:
            for trial in range(trials):
                mrn = f"RACE-U{processes}-{trial}"
                import_new_case(db, mrn, f"Race Patient U{trial} original")
                cases = CaseService(db, actor="planner")
                original = cases.get(mrn)
                versions = _versions(mrn, trial, processes)
                tasks = [Task("import-update", trial, mrn=mrn, document=document_bytes(v)) for v in versions]
                outcomes = pool.run(tasks)
                _count(stats, outcomes)
                violations += _check_errors(trial, outcomes)
                final = cases.get(mrn)
                applied = [o.worker for o in outcomes if (s := o.step("update")) and s.ok]
                expected = {k: case_to_document(case_from_document(load_case_document(document_bytes(v))))
                            for k, v in enumerate(versions)}
                rows = read_case_audit(db, mrn)
                violations += _check_update_chain(trial, mrn, rows, case_to_document(original.case),
                                                  case_to_document(final.case), expected, applied,
                                                  final.version - original.version, field_changes)
                violations += _check_derived(trial, db)
    finally:
        db.close()
    return violations


def _check_derived(trial: int, db: Any) -> list[str]:
    """The worklist's derived data (status counts; SQLite: the text index with each case's status
    and subtype) equals the cases after the racers' writes: its triggers ran in their transactions."""
    from tumorboard.store.derived_check import stale_derived

    with db.session() as session:
        return [f"trial {trial}: {problem}" for problem in stale_derived(session)]


def read_case_audit(db: Any, mrn: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    log = _tables(db)["audit_log"]
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(log.c.id, log.c.actor, log.c.action, log.c.field, log.c.old_value, log.c.new_value)
            .where(log.c.entity == "case", log.c.entity_id == mrn).order_by(log.c.id))]


def _norm(value: Any) -> Any:
    """One spelling for a value, whether the audit keeps it as text, as JSON text or as JSON."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


def _check_update_chain(trial: int, mrn: str, rows: list[dict[str, Any]], original: dict[str, Any],
                        final: dict[str, Any], expected: dict[int, dict[str, Any]], applied: list[int],
                        version_gain: int, field_changes: Callable[..., Any]) -> list[str]:
    out = []
    # The value each field has now, as the trail should know it: the original's, then each
    # row's new value in id order. Every row's old value must be exactly that.
    current: dict[str, Any] = {f: _norm(new) for f, _, new in field_changes(None, original)}
    # The chain is about the case document's fields; rows recording the creation (one row with
    # the whole document today, maybe one per field later) are where the chain starts, not in it.
    fields = {f for doc in (original, *expected.values()) for f, _, _ in field_changes(None, doc)}
    updates = [r for r in rows if r["field"] in fields and r["action"] not in ("import", "create")]
    for r in updates:
        f = r["field"]
        if _norm(r["old_value"]) != current.get(f):
            out.append(f"trial {trial}: audit-old-value-not-what-was-replaced: row {r['id']} by {r['actor']} "
                       f"says {f} was {r['old_value']!r}; it was {current.get(f)!r}")
        current[f] = _norm(r["new_value"])
    # The order the updates were applied in is the order their rows appear; one update's rows
    # are contiguous, as they are in any serial order.
    order: list[str] = []
    for r in updates:
        if not order or order[-1] != r["actor"]:
            order.append(r["actor"])
    if len(order) != len(set(order)):
        out.append(f"trial {trial}: audit-rows-interleaved: the updates' audit rows interleave: {order}")
    told = sorted(f"racer{k}" for k in applied)
    if sorted(set(order)) != told:
        out.append(f"trial {trial}: audit-does-not-match-outcomes: audit rows by {sorted(set(order))}, "
                   f"successful updates by {told}")
    if version_gain != len(applied):
        out.append(f"trial {trial}: version-gain-not-number-of-updates: version went up by {version_gain} "
                   f"for {len(applied)} successful updates")
    if applied and order:
        last = int(order[-1].removeprefix("racer"))
        if final != expected.get(last):
            diff = [f for f, _, _ in field_changes(expected.get(last) or {}, final)]
            out.append(f"trial {trial}: final-case-not-last-applied-version: {mrn} is not the version of "
                       f"{order[-1]}, the last in the trail (differs in {diff})")
    elif not applied and final != original:
        out.append(f"trial {trial}: case-changed-without-update: no update succeeded, yet {mrn} changed")
    trail_now = {f: v for f, v in current.items() if v is not None}
    final_flat = {f: _norm(new) for f, _, new in field_changes(None, final)}
    if trail_now != final_flat:
        wrong = sorted(f for f in set(trail_now) | set(final_flat) if trail_now.get(f) != final_flat.get(f))
        out.append(f"trial {trial}: audit-trail-does-not-reach-the-case: replaying the trail gives other "
                   f"values than the case holds for {wrong}")
    return out


# -- reporting --------------------------------------------------------------------------------------
_LINE = re.compile(r"^trial (\d+): ([a-z-]+):")


def summarise(violations: Sequence[str], trials: int) -> str:
    """"invariant: failed in K of N trials" per invariant, for the assertion message and the figures."""
    per: dict[str, set[int]] = {}
    for v in violations:
        m = _LINE.match(v)
        if m:
            per.setdefault(m.group(2), set()).add(int(m.group(1)))
    failed = {t for ts in per.values() for t in ts}
    lines = [f"{len(failed)} of {trials} trials broke an invariant"]
    lines += [f"  {name}: {len(ts)} of {trials} trials" for name, ts in sorted(per.items())]
    return "\n".join(lines)

