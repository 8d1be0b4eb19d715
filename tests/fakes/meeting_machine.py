"""The meeting's life as a hypothesis state machine, for any database the services accept.

``MeetingMachine`` drives ``MeetingService`` through arbitrary sequences of user actions (plan,
add cases, start, attendance, quorum override, decide and replace, triage, close, sign off,
amend, stale saves, and the clock moving around the meeting's day). For every action it
predicts, from the meeting as it was before and the rules of issue 12, whether the service must
accept or refuse it, and checks:

- a refusal (``MeetingError`` or ``StoreError``) changes nothing: the meetings, their replaced
  decisions, the cases and the audit log are as they were;
- an accepted write adds audit rows of the expected action and announces the meeting changed
  (a save that changes nothing but versions is noted in ``no_op_saves``, not counted as a write);
- a meeting's state only ever moves planned -> in progress -> closed -> signed, one step at a
  time and only by start, close and sign-off; a meeting made by a carry-over starts planned;
- no closed or signed meeting without the chair marked present and the quorum met or the
  chair's override recorded; no signed meeting without a close and a signature by its chair;
- no decision recorded outside in progress, nor before the meeting's day;
- nothing lost on replace: every earlier decision of an agenda item is in ``replaced_decisions``
  with its reason, in order, and the current one is the latest.

Subclasses say which databases (``open_stores``, fresh per example): the first is checked against
the rules, and every action also runs on the others, which must answer and end up the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from fakes.unit_of_work import FakeDatabase
from tumorboard.casedoc import case_from_document, load_case_document
from tumorboard.domain.case import Case
from tumorboard.domain.meeting import (
    DEFAULT_QUORUM,
    AgendaTriage,
    BoardRole,
    DecisionCategory,
    Discipline,
    MeetingError,
)
from tumorboard.domain.minutes import Minutes
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.store import StoreError
from tumorboard.store.meeting_records import AgendaRecord, MeetingRecord, ReplacedDecisionRecord
from tumorboard.store.records import StoredCase

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
DAY = date(2025, 6, 10)
BOARD = "Breast MDT"
CHAIR = "Dr Sánchez"
MEMBERS = [(CHAIR, Discipline.BREAST_SURGERY, BoardRole.CHAIR),
           ("Dr Okafor", Discipline.MEDICAL_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Lindqvist", Discipline.RADIATION_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Novák", Discipline.RADIOLOGY, BoardRole.MEMBER),
           ("Dr Haddad", Discipline.PATHOLOGY, BoardRole.MEMBER),
           ("Ms Byrne", Discipline.COORDINATION, BoardRole.COORDINATOR)]
assert {d for _, d, _ in MEMBERS} >= DEFAULT_QUORUM["breast"]
GUEST = "Dr Ito"  # not on the board: added with a discipline, refused without one
INDEX = st.sampled_from([0, 0, 0, 1, 2, 3])  # which meeting: mostly the first, whose day the clock starts on
STATES = ("planned", "in_progress", "closed", "signed")
MOVES = {"start": ("planned", "in_progress"), "close": ("in_progress", "closed"),
         "sign": ("closed", "signed")}


def example_cases() -> list[Case]:
    return [case_from_document(load_case_document(p.read_bytes()))
            for p in sorted(EXAMPLES.glob("*.case.json"))]


def fake_render(minutes: Minutes) -> bytes:
    """A stand-in PDF whose bytes depend on what the minutes say."""
    lines = [minutes.document_id, minutes.board, str(minutes.sign_off), str(minutes.copy_of_sha256)]
    lines += [f"{c.identity.label}|{c.decision.text if c.decision else ''}" for c in minutes.cases]
    return ("%PDF-fake\n" + "\n".join(lines)).encode()


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.strip().lower() == b.strip().lower())


def _quorum_met(m: MeetingRecord) -> bool:
    return set(m.board.quorum) <= {a.discipline for a in m.attendance if a.present}


def _present(m: MeetingRecord, name: str | None) -> bool:
    return any(a.present and _same(a.name, name) for a in m.attendance)


class Store:
    """One database the machine drives, and how to read its audit log."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def audit_count(self) -> int:
        raise NotImplementedError

    def audit_since(self, count: int) -> list[tuple[str, str, str]]:
        """(action, entity, entity id) of the audit rows after the first ``count``."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class FakeStore(Store):
    db: FakeDatabase

    def __init__(self) -> None:
        super().__init__(FakeDatabase())

    def audit_count(self) -> int:
        return len(self.db.audit_rows())

    def audit_since(self, count: int) -> list[tuple[str, str, str]]:
        return [(e.action, e.entity, e.entity_id) for e in self.db.audit_rows()[count:]]


class MeetingMachine(RuleBasedStateMachine):
    """Override ``open_stores``: fresh databases for one example. The first is checked against the
    rules; every action runs on the others too (twins), which must answer and end up alike."""

    cases: ClassVar[list[Case]] = []  # the cases every example starts with

    def open_stores(self) -> list[Store]:
        raise NotImplementedError

    def __init__(self) -> None:
        super().__init__()
        self.clock = DAY
        self.stores = self.open_stores()
        self.services = [MeetingService(store.db, actor="coordinator", today=lambda: self.clock,
                                        render=fake_render) for store in self.stores]
        self.store, self.service = self.stores[0], self.services[0]
        for store in self.stores:
            boards = BoardService(store.db, actor="coordinator")
            boards.create(BOARD)
            for name, discipline, role in MEMBERS:
                boards.add_member(BOARD, name, discipline, role)
            cases = CaseService(store.db, actor="coordinator", today=lambda: DAY)
            for case in self.cases:
                cases.create(case)
        self.mrns = [c.patient.mrn for c in self.cases]
        self.meeting_ids: list[int] = []
        self.states: dict[int, str] = {}
        self.decisions: dict[tuple[int, str], list[tuple[str, str | None]]] = {}  # (text, reason)
        self.counter = 0
        self.log: list[str] = []
        self.no_op_saves: list[str] = []

    def teardown(self) -> None:
        for store in self.stores:
            store.close()

    # -- observing ------------------------------------------------------------------------------
    def _ids(self) -> list[int]:
        return sorted(r.id for r in self.service.listing())

    def snapshot(self, store: Store | None = None) -> tuple[Any, ...]:
        """Everything an action may change, read in one snapshot: the meetings with their replaced
        decisions, the cases, the number of audit rows."""
        store = store or self.store
        with store.db.reading() as uow:
            ids = sorted(r.id for r in uow.meetings.listing())
            meetings = tuple((uow.meetings.get(i), tuple(uow.meetings.replaced_decisions(i))) for i in ids)
            cases = tuple(uow.cases.get(mrn) for mrn in self.mrns)
        return meetings, cases, store.audit_count()

    def meeting(self, index: int) -> MeetingRecord:
        return self.service.get(self.meeting_ids[index % len(self.meeting_ids)])

    def attempt(self, what: str, meeting_id: int | None, expect: bool | None,
                action: Callable[[MeetingService], Any], audited: tuple[str, str] | None = None) -> bool:
        """Run one user action on every store; check the prediction (``expect``: accepted?), what
        it left in each, and that the stores answered and ended up alike."""
        befores = [self.snapshot(store) for store in self.stores]
        refusals: list[Exception | None] = []
        for service in self.services:
            try:
                action(service)
                refusals.append(None)
            except (MeetingError, StoreError) as exc:
                refusals.append(exc)
        answers = [_answer(exc) for exc in refusals]
        assert all(a == answers[0] for a in answers), f"{what}: the stores answer differently: {answers}"
        afters = [self.snapshot(store) for store in self.stores]
        written = [store.audit_since(before[2]) for store, before in zip(self.stores, befores, strict=True)]
        for after in afters[1:]:
            assert _comparable(after) == _comparable(afters[0]), f"{what}: the stores differ afterwards"
        assert all(w == written[0] for w in written), f"{what}: different audit rows: {written}"
        before, after, exc = befores[0], afters[0], refusals[0]
        if exc is not None:
            self.log.append(f"{what}: refused ({type(exc).__name__}: {exc})")
            event(f"{what.split()[0]} refused")
            for b, a in zip(befores, afters, strict=True):
                assert a == b, f"{what} was refused ({exc}) but changed the record"
            assert expect is not True, f"{what} should have been accepted; refused with: {exc}"
            return False
        self.log.append(f"{what}: accepted")
        event(f"{what.split()[0]} accepted")
        assert expect is not False, f"{what} should have been refused; the service accepted it"
        if _content(after) == _content(before):  # a save of what was there: versions only
            self.no_op_saves.append(what)
            return True
        assert written[0], f"{what} was accepted and wrote no audit row"
        if meeting_id is not None:
            assert all(s.last_changes.concerns_meeting(meeting_id) for s in self.services), \
                f"{what}: the change notice does not name meeting {meeting_id}"
        meetings = {m.id: m for m, _ in after[0]}
        if audited is not None and meeting_id is not None:
            entity, name = audited
            entity_id = str(meeting_id)
            if entity == "decision":
                item = next(a for a in meetings[meeting_id].agenda if a.mrn == what.split()[-1])
                assert item.decision is not None
                entity_id = str(item.decision.id)
            assert (name, entity, entity_id) in written[0], \
                f"{what}: no {name!r} audit row for {entity} {entity_id} among those written: {written[0]}"
        verb = what.split()[0]
        states_before = {m.id: m.state for m, _ in before[0]}
        for i, m in meetings.items():
            old, new = states_before.get(i), m.state
            if old is None:
                assert new == "planned", f"{what}: meeting {i} came into being {new}"
            elif old != new:
                assert verb in MOVES and MOVES[verb] == (old, new) and i == meeting_id, \
                    f"{what}: meeting {i} moved {old} -> {new}"
        return True

    # -- rules ----------------------------------------------------------------------------------
    @initialize()
    def first_meeting(self) -> None:
        self.create_meeting(0, "08:30", CHAIR)

    @rule(weeks=st.sampled_from([-1, 0, 1, 2]), start=st.sampled_from([None, "08:30"]),
          chair=st.sampled_from([CHAIR, "Dr Okafor", None]))
    def create_meeting(self, weeks: int, start: str | None, chair: str | None) -> None:
        day = DAY + timedelta(weeks=weeks)
        taken = any(r.day == day and (r.start_time or "") == (start or "") for r in self.service.listing())
        ok = self.attempt(f"create meeting on {day} {start}", None, not taken,
                          lambda s: s.create_meeting(BOARD, day, start, chair=chair))
        if ok:
            assert len(self._ids()) == len(self.meeting_ids) + 1

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, picks=st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True))
    def add_cases(self, index: int, picks: list[int]) -> None:
        m = self.meeting(index)
        mrns = [self.mrns[p % len(self.mrns)] for p in picks]
        listed = {a.mrn for a in m.agenda}
        expect = m.state in ("planned", "in_progress") and not listed & set(mrns)
        self.attempt(f"add {mrns} to {m.id}", m.id, expect, lambda s: s.add_cases(m.id, mrns),
                     ("meeting", "add-case"))

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, pick=st.integers(0, 4))
    def remove_case(self, index: int, pick: int) -> None:
        m = self.meeting(index)
        mrn = self.mrns[pick % len(self.mrns)]
        item = next((a for a in m.agenda if a.mrn == mrn), None)
        expect = m.state in ("planned", "in_progress") and item is not None and item.decision is None
        self.attempt(f"remove {mrn} from {m.id}", m.id, expect, lambda s: s.remove_case(m.id, mrn),
                     ("meeting", "remove-case"))

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, chair=st.sampled_from([CHAIR, "Dr Okafor", "dr sánchez "]))
    def change_chair(self, index: int, chair: str) -> None:
        m = self.meeting(index)
        expect = m.state in ("planned", "in_progress")
        self.attempt(f"chair {chair!r} for {m.id}", m.id, expect, lambda s: s.update_details(
            m.id, start=m.start_time, place=m.place, video_link=m.video_link, chair=chair))

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX)
    def start(self, index: int) -> None:
        m = self.meeting(index)
        expect = m.state == "planned" and self.clock >= m.day
        self.attempt(f"start {m.id}", m.id, expect, lambda s: s.start(m.id), ("meeting", "start"))

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, leave_out=st.sampled_from([None, *(n for n, _, _ in MEMBERS)]))
    def roll_call(self, index: int, leave_out: str | None) -> None:
        """Everyone on the board ticked present (but one, perhaps), one action each."""
        for name, _, _ in MEMBERS:
            if name != leave_out:
                self.attend(index, name, True)

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, who=st.sampled_from([*(n for n, _, _ in MEMBERS), GUEST, "Dr Nobody"]),
          present=st.booleans())
    def attend(self, index: int, who: str, present: bool) -> None:
        m = self.meeting(index)
        listed = any(a.name == who for a in m.attendance)
        known = listed or who == GUEST or who in {n for n, _, _ in MEMBERS}
        on_the_day = m.state == "in_progress" and self.clock >= m.day
        expect = known and (on_the_day if present or listed else m.state in ("planned", "in_progress"))
        discipline = Discipline.SPECIALIST_NURSING if who == GUEST else None
        self.attempt(f"attendance {who}={present} at {m.id}", m.id, expect,
                     lambda s: s.set_attendance(m.id, who, present, discipline=discipline),
                     ("meeting", "attendance"))

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, who=st.sampled_from([CHAIR, "Dr Okafor", ""]),
          reason=st.sampled_from(["urgent case, radiologist off sick", " "]))
    def override_quorum(self, index: int, who: str, reason: str) -> None:
        m = self.meeting(index)
        expect = (bool(who.strip()) and bool(reason.strip()) and m.state == "in_progress"
                  and self.clock >= m.day and _same(m.chair, who))
        self.attempt(f"override by {who!r} at {m.id}", m.id, expect,
                     lambda s: s.record_quorum_override(m.id, who, reason),
                     ("meeting", "quorum-override"))

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, listed=st.booleans(), pick=st.integers(0, 4),
          valid=st.sampled_from([True, True, True, False]),
          replace=st.booleans(), reason=st.sampled_from([None, "", "new pathology report"]))
    def decide(self, index: int, listed: bool, pick: int, valid: bool, replace: bool,
               reason: str | None) -> None:
        m = self.meeting(index)
        choices = [a.mrn for a in m.agenda] if listed and m.agenda else self.mrns
        mrn = choices[pick % len(choices)]
        self.counter += 1
        text = f"Decision {self.counter}: continue endocrine therapy" if valid else "  "
        item = next((a for a in m.agenda if a.mrn == mrn), None)
        expect = (valid and m.state == "in_progress" and self.clock >= m.day and item is not None
                  and item.triage == AgendaTriage.FOR_DISCUSSION.value
                  and (item.decision is None or (replace and bool((reason or "").strip())))
                  and (_quorum_met(m) or m.quorum_override_by is not None))
        decision = DecisionInput(DecisionCategory.SYSTEMIC_THERAPY, text, concordant=True)
        replacing = item is not None and item.decision is not None
        ok = self.attempt(f"{'replace' if replacing else 'decide'} {m.id} {mrn}", m.id, expect,
                          lambda s: s.record_decision(m.id, mrn, decision, replace=replace,
                                                               reason=reason),
                          ("decision", "replace-decision" if replacing else "decide"))
        if ok:
            after = self.service.get(m.id)
            assert m.state == after.state == "in_progress", f"a decision at a {m.state} meeting"
            assert self.clock >= m.day, "a decision before the meeting's day"
            self.decisions.setdefault((m.id, mrn), []).append(
                (text.strip(), reason.strip() if replacing and reason else None))

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, pick=st.integers(0, 4), triage=st.sampled_from(AgendaTriage),
          clinician=st.sampled_from([None, "Dr Okafor"]))
    def triage(self, index: int, pick: int, triage: AgendaTriage, clinician: str | None) -> None:
        m = self.meeting(index)
        mrn = self.mrns[pick % len(self.mrns)]
        item = next((a for a in m.agenda if a.mrn == mrn), None)
        if item is None:
            expect = False
        else:
            changes_triage = triage.value != item.triage
            allowed = (m.state == "in_progress" and self.clock >= m.day if changes_triage
                       else m.state in ("planned", "in_progress"))
            listed_ok = (triage is AgendaTriage.FOR_DISCUSSION
                         or (item.decision is None and clinician is not None))
            expect = allowed and listed_ok
        question = item.question if item else None
        presenter = item.presenter if item else None
        self.attempt(f"triage {mrn} {triage.value} at {m.id}", m.id, expect,
                     lambda s: s.update_agenda_item(m.id, mrn, question=question, presenter=presenter,
                                                             triage=triage, responsible_clinician=clinician))

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, stale=st.sampled_from([False, False, True]))
    def close(self, index: int, stale: bool) -> None:
        """Close the meeting; ``stale``: saved over a version someone has changed since (refused)."""
        m = self.meeting(index)
        if stale:
            self.attempt(f"stale close {m.id}", m.id, False, lambda s: s.close(m.id, m.version - 1))
            return
        carried = [a for a in m.agenda if a.triage == AgendaTriage.FOR_DISCUSSION.value and not a.discussed]
        target_ok = True
        if carried:
            same_day = [r for r in self.service.listing() if r.day == m.day + timedelta(weeks=1)]
            if same_day:
                target = self.service.get(min(r.id for r in same_day))
                target_ok = target.state in ("planned", "in_progress")
        closable = _present(m, m.chair) and (_quorum_met(m) or m.quorum_override_by is not None)
        expect = m.state == "in_progress" and self.clock >= m.day and closable and target_ok
        ok = self.attempt(f"close {m.id}", m.id, expect, lambda s: s.close(m.id), ("meeting", "close"))
        if ok and carried:
            after = self.service.get(m.id)
            assert after.carried_over_to is not None
            target = self.service.get(after.carried_over_to)
            assert {a.mrn for a in carried} <= {a.mrn for a in target.agenda}

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, who=st.sampled_from([CHAIR, " dr sánchez", "Dr Okafor", ""]))
    def sign(self, index: int, who: str) -> None:
        m = self.meeting(index)
        expect = (m.state == "closed" and self.clock >= m.day and bool(who.strip()) and _same(m.chair, who)
                  and _present(m, m.chair) and (_quorum_met(m) or m.quorum_override_by is not None))
        ok = self.attempt(f"sign {m.id} as {who!r}", m.id, expect, lambda s: s.sign_off(m.id, who),
                          ("meeting", "sign-off"))
        if ok:
            assert self.service.signed_original(m.id).startswith(b"%PDF")

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, pick=st.none() | st.integers(0, 4),
          field=st.sampled_from(["note", "text", "concordant", "ruleset_id"]),
          value=st.sampled_from(["Corrected: start letrozole", "yes", ""]),
          reason=st.sampled_from(["typo in the minutes", ""]))
    def amend(self, index: int, pick: int | None, field: str, value: str, reason: str) -> None:
        m = self.meeting(index)
        mrn = None if pick is None else self.mrns[pick % len(self.mrns)]
        item = next((a for a in m.agenda if a.mrn == mrn), None)
        valid = {"note": True, "text": bool(value.strip()), "concordant": value in ("yes",),
                 "ruleset_id": False}[field]
        decided = field == "note" or (item is not None and item.decision is not None)
        expect = m.state == "signed" and bool(reason.strip()) and valid and decided
        self.attempt(f"amend {m.id} {mrn} {field}", m.id, expect,
                     lambda s: s.amend(m.id, mrn, field, value, reason), ("meeting", "amend"))

    @precondition(lambda self: self.meeting_ids)
    @rule(index=INDEX, steps=st.integers(1, 8), again=st.booleans())
    def advance(self, index: int, steps: int, again: bool) -> None:
        """The meeting's natural next steps (so that runs reach the close and the sign-off often)."""
        meeting_id = self.meeting(index).id
        for _ in range(steps):
            self._next_step(meeting_id, again)

    def _next_step(self, meeting_id: int, again: bool) -> None:
        m = self.service.get(meeting_id)
        i = self.meeting_ids.index(m.id)
        undecided = [a for a in m.agenda if a.decision is None and a.triage == AgendaTriage.FOR_DISCUSSION.value]
        decided = [a for a in m.agenda if a.decision is not None]
        if m.state in ("planned", "in_progress") and not m.agenda:
            self.add_cases(i, [0, 1, 2])
        elif m.state == "planned":
            self.start(i)
        elif m.state == "in_progress" and not (_quorum_met(m) and _present(m, m.chair)):
            self.roll_call(i, None)
        elif m.state == "in_progress" and undecided:
            self.decide(i, True, m.agenda.index(undecided[0]), True, False, None)
        elif m.state == "in_progress" and decided and again:
            self.decide(i, True, m.agenda.index(decided[-1]), True, True, "new pathology report")
        elif m.state == "in_progress":
            self.close(i, False)
        elif m.state == "closed":
            self.sign(i, m.chair or CHAIR)
        else:
            self.amend(i, None, "note", "Corrected: start letrozole", "typo in the minutes")

    @rule(days=st.sampled_from([-9, -2, 0, 1, 7, 8, 15]))
    def move_clock(self, days: int) -> None:
        self.clock = DAY + timedelta(days=days)

    # -- invariants -----------------------------------------------------------------------------
    @invariant()
    def meetings_keep_the_rules(self) -> None:
        meetings, _, _ = self.snapshot()
        self.meeting_ids = [m.id for m, _ in meetings]
        for m, replaced in meetings:
            assert m.state in STATES
            old = self.states.get(m.id, "planned")
            # forward only (each action moves one step at most: checked in ``attempt``)
            assert STATES.index(m.state) >= STATES.index(old), f"{m.id}: {old} -> {m.state}"
            self.states[m.id] = m.state
            assert (m.started_at is None) == (m.state == "planned"), m
            assert (m.closed_at is None) == (m.state in ("planned", "in_progress")), m
            assert (m.signed_at is None) == (m.state != "signed"), m
            if m.state in ("closed", "signed"):  # closed only when it can be signed: attendance is final
                assert _present(m, m.chair), f"closed without the chair {m.chair} present"
                assert _quorum_met(m) or m.quorum_override_by is not None, "closed without quorum or override"
            if m.state == "signed":
                assert m.closed_at is not None and m.signed_by is not None and m.minutes_sha256
                assert _same(m.signed_by, m.chair), f"signed by {m.signed_by}, chair {m.chair}"
            if m.quorum_override_by is not None:
                assert m.state != "planned" and (m.quorum_override_reason or "").strip()
            mrns = [a.mrn for a in m.agenda]
            assert len(mrns) == len(set(mrns)), f"a case twice on the agenda: {mrns}"
            for item in m.agenda:
                if item.decision is None:
                    continue
                assert m.state != "planned", "a decision at a meeting that never started"
                assert item.triage == AgendaTriage.FOR_DISCUSSION.value and item.discussed
                assert m.started_at is not None and _naive(item.decision.recorded_at) >= _naive(m.started_at)
                if m.closed_at is not None:
                    assert _naive(item.decision.recorded_at) <= _naive(m.closed_at), "decided after the close"
            self.nothing_lost_on_replace(m, replaced)

    def nothing_lost_on_replace(self, m: MeetingRecord, replaced: tuple[ReplacedDecisionRecord, ...]) -> None:
        """Every earlier decision of an item is kept with its reason, in order; the current is the latest."""
        for item in m.agenda:
            made = self.decisions.get((m.id, item.mrn), [])
            if not made:
                assert item.decision is None, f"a decision nobody recorded for {item.mrn}"
                continue
            assert item.decision is not None and item.decision.text == made[-1][0], "not the latest"
            kept = [r for r in replaced if r.mrn == item.mrn]
            assert [r.content["text"] for r in kept] == [t for t, _ in made[:-1]], "a replaced text lost"
            assert [r.reason for r in kept] == [why for _, why in made[1:]], "a replace reason lost"
            assert [r.version for r in kept] == sorted({r.version for r in kept}), "versions out of order"
            assert all(r.decision_id == item.decision.id for r in kept)
        assert {r.mrn for r in replaced} <= {a.mrn for a in m.agenda}, "a replaced decision off the agenda"


def _content(snapshot: tuple[Any, ...]) -> tuple[Any, ...]:
    """What a snapshot says, without the versions and who saved last (what a no-op save changes)."""
    meetings, cases, audit = snapshot
    plain = []
    for m, replaced in meetings:
        agenda = tuple(replace(a, version=0, decision=a.decision and replace(a.decision, version=0))
                       for a in m.agenda)
        plain.append((replace(m, version=0, attendance=tuple(replace(a, version=0) for a in m.attendance),
                              agenda=agenda), replaced))
    stored = tuple(replace(c, version=0, updated_at=None, updated_by="") for c in cases)
    return tuple(plain), stored, audit


def _answer(exc: Exception | None) -> tuple[str, str] | None:
    """How a store answered: accepted (None), or the refusal (a store's own words may differ)."""
    if exc is None:
        return None
    return type(exc).__name__, str(exc) if isinstance(exc, MeetingError) else ""


_UNCOMPARABLE = {"minutes_sha256"}  # the minutes name the moment of signing


def _comparable(value: Any) -> Any:
    """A snapshot as two stores must agree on it: no timestamps, no hash of a timed document,
    agenda items without their row id (SQLite may reuse a deleted one), cases by their workflow."""
    if isinstance(value, StoredCase):
        return (value.case.patient.mrn, value.status, value.version, value.next_meeting,
                value.staging_date, value.case.mdt_discussions)
    if isinstance(value, datetime):
        return "<time>"
    if is_dataclass(value) and not isinstance(value, type):
        return tuple((f.name, _comparable(getattr(value, f.name))) for f in fields(value)
                     if f.name not in _UNCOMPARABLE and not (isinstance(value, AgendaRecord) and f.name == "id"))
    if isinstance(value, tuple | list):
        return tuple(_comparable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _comparable(v)) for k, v in value.items()
                            if k not in ("recorded_at", "updated_at", "case_id")))
    return value


def _naive(value: Any) -> Any:
    """SQLite hands back naive UTC datetimes; compare them as such."""
    return value.replace(tzinfo=None) if getattr(value, "tzinfo", None) is not None else value
