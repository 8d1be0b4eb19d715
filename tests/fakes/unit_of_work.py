"""An in-memory database and unit of work for the service rules (Cosmic Python's fake UoW).

``FakeDatabase`` answers ``unit_of_work(actor)`` and ``reading()`` as ``tumorboard.store.Database``
does; the ``FakeUnitOfWork`` they return has the attributes and methods the services use
(``meetings``, ``cases``, ``settings``, ``users``, ``audit_log``, ``now``, ``actor``, ``audit``,
``audit_created``, ``touched``, ``changes``, ``commit``). The committed state is a set of plain
tables (dicts of row dicts holding only immutable values). Entering a writing unit of work copies
them; ``commit()`` swaps the copy in; leaving without it drops the copy, which is the rollback.

The repositories return the store's own records (``MeetingRecord``, ``StoredCase``, ...) and keep
the store's contracts: ``RecordNotFound``, ``RecordExists`` for what a unique constraint refuses,
``ConcurrentEdit`` when ``expected_version`` is not the row's version (the conditional UPDATE).
They do not reproduce the database's state-machine triggers: the rules under test are the
services'; the same tests on a real database check the triggers agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

from tumorboard.domain.case import Case
from tumorboard.domain.changes import Changes
from tumorboard.domain.referral import NOT_RECORDED, Referral
from tumorboard.store.audit_chain import GENESIS, row_hash
from tumorboard.store.errors import ConcurrentEdit, RecordExists, RecordNotFound
from tumorboard.store.meeting_records import (
    AgendaRecord,
    AmendmentRecord,
    AttendanceRecord,
    BoardRecord,
    DecisionRecord,
    FollowUpRecord,
    MeetingListRecord,
    MeetingRecord,
    ReplacedDecisionRecord,
)
from tumorboard.store.records import AuditEntry, Derived, StoredCase

Row = dict[str, Any]
TABLES = ("boards", "members", "meetings", "attendance", "agenda", "decisions", "replaced", "amendments",
          "implementations", "cases", "audit")
_TOUCH = {"case": "cases", "meeting": "meetings", "board": "boards"}  # as store.unit_of_work
# The columns of a decision row, as ``replace_decision`` keeps them (store.models.DecisionRow).
DECISION_COLUMNS = ("id", "agenda_item_id", "meeting_id", "case_id", "version", "category", "text",
                    "concordant", "deviation_reason", "deviation_text", "actions", "patient_preferences",
                    "counselling_delivered", "quorum_override", "recommendation", "ruleset_id",
                    "ruleset_version", "follow_up_due", "recorded_by", "recorded_at", "updated_at")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class FakeState:
    """The committed tables. Rows hold immutable values only, so a copy of each row is a snapshot."""

    tables: dict[str, dict[Any, Row]] = field(default_factory=lambda: {t: {} for t in TABLES})
    settings: dict[str, str] = field(default_factory=dict)
    users: int = 0
    next_ids: dict[str, int] = field(default_factory=dict)  # per table, as the database counts
    audit_head: tuple[int, str] = (0, GENESIS)  # the hash chain's last position and hash

    def copy(self) -> FakeState:
        return FakeState({t: {k: dict(r) for k, r in rows.items()} for t, rows in self.tables.items()},
                         dict(self.settings), self.users, dict(self.next_ids), self.audit_head)

    def new_id(self, table: str) -> int:
        self.next_ids[table] = self.next_ids.get(table, 0) + 1
        return self.next_ids[table]


class FakeDatabase:
    """Stands in for ``tumorboard.store.Database`` in the services."""

    url = "memory://fake"
    location = "the in-memory test database"

    def __init__(self) -> None:
        self.state = FakeState()
        self.commits = 0

    def unit_of_work(self, actor: str) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, actor)

    def reading(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, None)

    def close(self) -> None:
        pass

    # -- for tests ------------------------------------------------------------------------------
    def audit_rows(self) -> list[AuditEntry]:
        return [r["entry"] for r in self.state.tables["audit"].values()]


class FakeUnitOfWork:
    """Duck-types ``tumorboard.store.unit_of_work.UnitOfWork`` as the services use it."""

    def __init__(self, db: FakeDatabase, actor: str | None) -> None:
        self._db = db
        self.actor = actor or ""
        self.writes = actor is not None
        self.now = _now()
        self._cases: set[str] = set()
        self._meetings: set[int] = set()
        self._boards: set[int] = set()
        self._settings = False
        self._accounts = False
        self._committed = False
        self._state: FakeState | None = None

    def __enter__(self) -> FakeUnitOfWork:
        # A write works on a copy (the rollback is dropping it); a read looks at the committed
        # tables themselves, as a read snapshot does (the services never write through ``reading``).
        self._state = self._db.state.copy() if self.writes else self._db.state
        self.meetings = FakeMeetingRepository(self._state)
        self.cases = FakeCaseRepository(self._state)
        self.settings = FakeSettingsRepository(self._state)
        self.users = FakeUserRepository(self._state)
        self.audit_log = FakeAuditRepository(self._state)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._state = None  # uncommitted work is dropped: the rollback

    # -- what the action did --------------------------------------------------------------------
    def audit(self, action: str, entity: str, entity_id: str | int,
              changes: Sequence[tuple[str | None, Any, Any]]) -> None:
        self._require_write()
        self.audit_log.record(self.actor, action, entity, str(entity_id), changes, at=self.now)
        self.touched(**{_TOUCH[entity]: [entity_id]} if entity in _TOUCH else {})
        if entity == "department":
            self._settings = True
        if entity == "user":
            self._accounts = True

    def audit_created(self, action: str, entity: str, created: Sequence[tuple[str, Any]]) -> None:
        self._require_write()
        self.audit_log.record_many(self.actor, action, entity, created, at=self.now)
        if entity == "case":
            self._cases.update(entity_id for entity_id, _ in created)

    def touched(self, *, cases: Iterable[str | int] = (), meetings: Iterable[str | int] = (),
                boards: Iterable[str | int] = ()) -> None:
        self._cases.update(str(c) for c in cases)
        self._meetings.update(int(m) for m in meetings)
        self._boards.update(int(b) for b in boards)

    @property
    def changes(self) -> Changes:
        return Changes(frozenset(self._cases), frozenset(self._meetings), frozenset(self._boards),
                       self._settings, self._accounts)

    def commit(self) -> Changes:
        self._require_write()
        if self._committed or self._state is None:
            raise RuntimeError("this unit of work is not open or has committed already")
        self._db.state = self._state
        self._db.commits += 1
        self._committed = True
        return self.changes

    def _require_write(self) -> None:
        if not self.writes:
            raise RuntimeError("a reading unit of work cannot write")


# -- repositories -------------------------------------------------------------------------------
class _Repository:
    def __init__(self, state: FakeState) -> None:
        self.s = state

    def t(self, name: str) -> dict[Any, Row]:
        return self.s.tables[name]

    def claim(self, table: str, key: Any, seen: int | None, what: str, actor: str | None,
              who: str | None = "updated_by", **values: Any) -> int:
        """The conditional UPDATE of ``store.versions.claim``: the row's version or ConcurrentEdit."""
        row = self.t(table).get(key)
        if row is None:
            raise RecordNotFound(f"{what} does not exist (any more)")
        if seen is not None and row["version"] != seen:
            raise ConcurrentEdit(f"{what} was changed by {row.get(who or '', '?')} while this change was "
                                 f"being made (version {row['version']}, yours {seen}); reload it")
        row.update(values, version=row["version"] + 1)
        if who is not None:
            row[who] = actor
        if "updated_at" in row:
            row["updated_at"] = _now()
        return int(row["version"])


class FakeMeetingRepository(_Repository):
    # -- boards -----------------------------------------------------------------------------------
    def _board(self, board_id: int) -> BoardRecord:
        row = self.t("boards")[board_id]
        members = [m for m in self.t("members").values() if m["board_id"] == board_id and m["active"]]
        return BoardRecord(row["id"], row["name"], row["site"], row["quorum"],
                           tuple((m["name"], m["discipline"], m["role"]) for m in members))

    def board(self, name: str) -> BoardRecord | None:
        found = [b for b in self.t("boards").values() if b["name"].lower() == name.strip().lower()]
        return self._board(found[0]["id"]) if found else None

    def boards(self) -> list[BoardRecord]:
        return [self._board(b["id"]) for b in sorted(self.t("boards").values(), key=lambda b: b["name"])]

    def add_board(self, name: str, site: str, quorum: Sequence[str]) -> BoardRecord:
        if self.board(name) is not None:  # the unique index (exact name in the database)
            raise RecordExists(f"a board named {name.strip()!r} exists already")
        board_id = self.s.new_id("boards")
        self.t("boards")[board_id] = {"id": board_id, "name": name.strip(), "site": site,
                                      "quorum": tuple(q for q in quorum if q), "created_at": _now()}
        return self._board(board_id)

    def rename_board(self, board_id: int, name: str) -> str:
        row = self.t("boards").get(board_id)
        if row is None:
            raise RecordNotFound(f"no board with id {board_id}")
        before = row["name"]
        row["name"] = name.strip()
        return str(before)

    def _member(self, board_id: int, name: str) -> Row | None:
        return next((m for m in self.t("members").values()
                     if m["board_id"] == board_id and m["name"] == name), None)

    def add_member(self, board_id: int, name: str, discipline: str, role: str) -> None:
        row = self._member(board_id, name)
        if row is not None and row["active"]:
            raise RecordExists(f"{name} is already a member of this board")
        if row is None:
            member_id = self.s.new_id("members")
            self.t("members")[member_id] = {"id": member_id, "board_id": board_id, "name": name,
                                            "discipline": discipline, "role": role, "active": True}
        else:
            row.update(discipline=discipline, role=role, active=True)

    def remove_member(self, board_id: int, name: str) -> None:
        row = self._member(board_id, name)
        if row is None or not row["active"]:
            raise RecordNotFound(f"{name} is not a member of this board")
        row["active"] = False

    # -- meetings ---------------------------------------------------------------------------------
    def add_meeting(self, board: BoardRecord, day: date, start: str | None, place: str | None,
                    video_link: str | None, chair: str | None, actor: str) -> int:
        now = _now()
        meeting_id = self.s.new_id("meetings")
        self.t("meetings")[meeting_id] = {
            "id": meeting_id, "board_id": board.id, "day": day, "start_time": start, "place": place,
            "video_link": video_link, "chair": chair, "state": "planned", "started_at": None,
            "started_by": None, "version": 1, "created_at": now, "updated_at": now, "updated_by": actor,
            "quorum_override_by": None, "quorum_override_reason": None, "quorum_override_at": None,
            "closed_at": None, "carried_over_to_id": None, "signed_by": None, "signed_at": None,
            "minutes_sha256": None, "minutes_pdf": None, "minutes_snapshot": None,
            "minutes_snapshot_sha256": None}
        for name, discipline, role in board.members:
            self._add_attendance(meeting_id, name, discipline, role, False, None)
        return meeting_id

    def _add_attendance(self, meeting_id: int, name: str, discipline: str, role: str, present: bool,
                        actor: str | None) -> None:
        row_id = self.s.new_id("attendance")
        self.t("attendance")[row_id] = {"id": row_id, "meeting_id": meeting_id, "name": name,
                                        "discipline": discipline, "role": role, "present": present,
                                        "version": 1, "updated_at": _now() if actor else None,
                                        "updated_by": actor}

    def meeting_on(self, board_id: int, day: date) -> int | None:
        ids = [m["id"] for m in self.t("meetings").values() if m["board_id"] == board_id and m["day"] == day]
        return min(ids) if ids else None

    def meeting_at(self, board_id: int, day: date, start: str | None) -> int | None:
        ids = [m["id"] for m in self.t("meetings").values()
               if m["board_id"] == board_id and m["day"] == day and (m["start_time"] or "") == (start or "")]
        return min(ids) if ids else None

    def _meeting(self, meeting_id: int) -> Row:
        row = self.t("meetings").get(meeting_id)
        if row is None:
            raise RecordNotFound(f"no meeting with id {meeting_id}")
        return row

    def _day(self, meeting_id: int | None) -> date | None:
        return self.t("meetings")[meeting_id]["day"] if meeting_id else None

    def _agenda_rows(self, meeting_id: int) -> list[Row]:
        return sorted((a for a in self.t("agenda").values() if a["meeting_id"] == meeting_id),
                      key=lambda a: a["position"])

    def _decision_of(self, item_id: int) -> Row | None:
        return next((d for d in self.t("decisions").values() if d["agenda_item_id"] == item_id), None)

    def get(self, meeting_id: int) -> MeetingRecord:
        row = self._meeting(meeting_id)
        attendance = sorted((a for a in self.t("attendance").values() if a["meeting_id"] == meeting_id),
                            key=lambda a: a["id"])
        amendments = sorted((a for a in self.t("amendments").values() if a["meeting_id"] == meeting_id),
                            key=lambda a: a["id"])
        return MeetingRecord(
            id=row["id"], board=self._board(row["board_id"]), day=row["day"], start_time=row["start_time"],
            place=row["place"], video_link=row["video_link"], chair=row["chair"], version=row["version"],
            state=row["state"], started_at=row["started_at"], quorum_override_by=row["quorum_override_by"],
            quorum_override_reason=row["quorum_override_reason"], closed_at=row["closed_at"],
            carried_over_to=row["carried_over_to_id"], carried_over_to_day=self._day(row["carried_over_to_id"]),
            signed_by=row["signed_by"], signed_at=row["signed_at"], minutes_sha256=row["minutes_sha256"],
            attendance=tuple(AttendanceRecord(a["name"], a["discipline"], a["role"], a["present"], a["version"])
                             for a in attendance),
            agenda=tuple(self._agenda(a) for a in self._agenda_rows(meeting_id)),
            amendments=tuple(AmendmentRecord(a["at"], a["by"], a["reason"], a["decision_id"],
                                             self._mrn_of_decision(a["decision_id"]), a["field"],
                                             a["old_value"], a["new_value"]) for a in amendments))

    def _mrn_of_decision(self, decision_id: int | None) -> str | None:
        return self.t("decisions")[decision_id]["mrn"] if decision_id else None

    def _agenda(self, row: Row) -> AgendaRecord:
        case = self.t("cases")[row["mrn"]]
        decision = self._decision_of(row["id"])
        return AgendaRecord(
            id=row["id"], mrn=row["mrn"], name=case["case"].patient.name, position=row["position"],
            triage=row["triage"], question=row["question"], presenter=row["presenter"],
            responsible_clinician=row["responsible_clinician"], discussed=row["discussed"],
            carried_over_from=row["carried_over_from_id"],
            carried_over_from_day=self._day(row["carried_over_from_id"]), case_status=case["status"],
            decision=_decision(decision) if decision else None, version=row["version"])

    def signed_pdf(self, meeting_id: int) -> bytes | None:
        row = self.t("meetings").get(meeting_id)
        return row["minutes_pdf"] if row else None

    def signed_snapshot(self, meeting_id: int) -> str | None:
        row = self.t("meetings").get(meeting_id)
        return row["minutes_snapshot"] if row else None

    def listing(self, board: str | None = None, limit: int = 200) -> list[MeetingListRecord]:
        rows = sorted(self.t("meetings").values(), key=lambda m: (m["day"], m["id"]), reverse=True)
        out = []
        for m in rows:
            name = self.t("boards")[m["board_id"]]["name"]
            if board and name.lower() != board.strip().lower():
                continue
            out.append(MeetingListRecord(m["id"], name, m["day"], m["start_time"], m["chair"],
                                         len(self._agenda_rows(m["id"])), m["closed_at"] is not None,
                                         m["signed_at"] is not None, m["state"]))
        return out[:limit]

    def update_meeting(self, meeting_id: int, actor: str, expected_version: int | None,
                       **fields: Any) -> dict[str, Any]:
        row = self._meeting(meeting_id)
        unknown = set(fields) - set(row)
        if unknown:
            raise AttributeError(f"meetings have no column {sorted(unknown)}")
        old = {k: row[k] for k in fields}
        self.claim("meetings", meeting_id, expected_version, f"meeting {meeting_id}", actor, **fields)
        return old

    def touch(self, meeting_id: int, actor: str, expected_version: int | None = None) -> None:
        self.claim("meetings", meeting_id, expected_version, f"meeting {meeting_id}", actor)

    def state(self, meeting_id: int) -> str:
        return str(self._meeting(meeting_id)["state"])

    # -- attendance -------------------------------------------------------------------------------
    def set_attendance(self, meeting_id: int, name: str, present: bool, discipline: str | None,
                       role: str | None, actor: str, expected_version: int | None = None) -> bool | None:
        row = next((a for a in self.t("attendance").values()
                    if a["meeting_id"] == meeting_id and a["name"] == name), None)
        if row is None:
            if discipline is None:
                board_id = self._meeting(meeting_id)["board_id"]
                member = self._member(board_id, name)
                if member is None:
                    raise RecordNotFound(f"{name} is not on this meeting's attendance list nor a member "
                                         "of its board; give their discipline to add them as a guest")
                discipline, role = member["discipline"], member["role"]
            self._add_attendance(meeting_id, name, discipline, role or "member", present, actor)
            return None
        before = bool(row["present"])
        self.claim("attendance", row["id"], expected_version, f"the attendance of {name}", actor,
                   present=present)
        return before

    # -- agenda -----------------------------------------------------------------------------------
    def case_id(self, mrn: str) -> int:
        case = self.t("cases").get(mrn)
        if case is None:
            raise RecordNotFound(f"no case with record number {mrn}")
        return int(case["id"])

    def _agenda_row(self, meeting_id: int, mrn: str, missing_ok: bool = False) -> Row | None:
        row = next((a for a in self.t("agenda").values() if a["meeting_id"] == meeting_id and a["mrn"] == mrn),
                   None)
        if row is None and not missing_ok:
            raise RecordNotFound(f"case {mrn} is not on the agenda of meeting {meeting_id}")
        return row

    def add_agenda(self, meeting_id: int, mrn: str, *, triage: str, question: str | None = None,
                   presenter: str | None = None, carried_over_from: int | None = None) -> int:
        self.case_id(mrn)
        if self._agenda_row(meeting_id, mrn, missing_ok=True) is not None:
            raise RecordExists(f"case {mrn} is already on the agenda of meeting {meeting_id}")
        position = max((a["position"] for a in self._agenda_rows(meeting_id)), default=0) + 1
        item_id = self.s.new_id("agenda")
        self.t("agenda")[item_id] = {
            "id": item_id, "meeting_id": meeting_id, "mrn": mrn, "position": position, "triage": triage,
            "question": question, "presenter": presenter, "responsible_clinician": None, "discussed": False,
            "carried_over_from_id": carried_over_from, "version": 1, "updated_at": None, "updated_by": None}
        return position

    def update_agenda(self, meeting_id: int, mrn: str, actor: str, expected_version: int | None = None,
                      **fields: Any) -> dict[str, Any]:
        row = self._agenda_row(meeting_id, mrn)
        assert row is not None
        old = {k: row[k] for k in fields}
        self.claim("agenda", row["id"], expected_version, f"the agenda item of case {mrn}", actor, **fields)
        return old

    def remove_agenda(self, meeting_id: int, mrn: str) -> None:
        row = self._agenda_row(meeting_id, mrn)
        assert row is not None
        if self._decision_of(row["id"]) is not None:
            raise RecordExists(f"case {mrn} has a recorded decision and stays on the agenda")
        del self.t("agenda")[row["id"]]

    def reorder(self, meeting_id: int, mrns: Sequence[str]) -> None:
        self._meeting(meeting_id)
        rows = {r["mrn"]: r for r in self._agenda_rows(meeting_id)}
        if sorted(rows) != sorted(mrns):
            raise RecordNotFound("the new order must list exactly the cases on the agenda")
        for i, mrn in enumerate(mrns, start=1):
            rows[mrn]["position"] = i

    # -- decisions --------------------------------------------------------------------------------
    def add_decision(self, meeting_id: int, mrn: str, fields: dict[str, Any], actor: str) -> int:
        item = self._agenda_row(meeting_id, mrn)
        assert item is not None
        if self._decision_of(item["id"]) is not None:
            raise RecordExists(f"a decision is already recorded for case {mrn} at this meeting")
        now = _now()
        decision_id = self.s.new_id("decisions")
        self.t("decisions")[decision_id] = {
            "id": decision_id, "agenda_item_id": item["id"], "meeting_id": meeting_id,
            "case_id": self.case_id(mrn), "mrn": mrn, "version": 1, "recorded_by": actor, "recorded_at": now,
            "updated_at": now, **_decision_fields(fields)}
        self.claim("agenda", item["id"], None, f"the agenda item of case {mrn}", actor, discussed=True)
        return decision_id

    def replace_decision(self, meeting_id: int, mrn: str, fields: dict[str, Any], actor: str,
                         expected_version: int | None, reason: str) -> tuple[int, dict[str, Any]]:
        item = self._agenda_row(meeting_id, mrn)
        assert item is not None
        row = self._decision_of(item["id"])
        if row is None:
            raise RecordNotFound(f"no decision is recorded for case {mrn} at this meeting")
        now = _now()
        old = {k: row[k] for k in fields}
        content = {c: row[c] for c in DECISION_COLUMNS}
        replaced_id = self.s.new_id("replaced")
        self.t("replaced")[replaced_id] = {
            "id": replaced_id, "decision_id": row["id"], "meeting_id": meeting_id,
            "replaced_version": row["version"],
            "content": json.dumps(content, ensure_ascii=False, sort_keys=True, default=_iso),
            "replaced_at": now, "replaced_by": actor, "reason": reason}
        self.claim("decisions", row["id"], expected_version, f"the decision for case {mrn}", actor,
                   who="recorded_by", **_decision_fields(fields), recorded_at=now)
        return int(row["id"]), old

    def decision_id(self, meeting_id: int, mrn: str) -> int:
        item = self._agenda_row(meeting_id, mrn)
        assert item is not None
        decision = self._decision_of(item["id"])
        if decision is None:
            raise RecordNotFound(f"no decision is recorded for case {mrn} at meeting {meeting_id}")
        return int(decision["id"])

    # -- after the meeting ------------------------------------------------------------------------
    def add_amendment(self, meeting_id: int, decision_id: int | None, by: str, reason: str, field: str,
                      old_value: str | None, new_value: str | None) -> None:
        amendment_id = self.s.new_id("amendments")
        self.t("amendments")[amendment_id] = {
            "id": amendment_id, "meeting_id": meeting_id, "decision_id": decision_id, "at": _now(), "by": by,
            "reason": reason, "field": field, "old_value": old_value, "new_value": new_value}

    def replaced_decisions(self, meeting_id: int) -> list[ReplacedDecisionRecord]:
        rows = sorted((r for r in self.t("replaced").values() if r["meeting_id"] == meeting_id),
                      key=lambda r: r["id"])
        return [ReplacedDecisionRecord(r["decision_id"], self.t("decisions")[r["decision_id"]]["mrn"],
                                       r["replaced_version"], json.loads(r["content"]), r["replaced_at"],
                                       r["replaced_by"], r["reason"]) for r in rows]

    def add_implementation(self, decision_id: int, outcome: str, reason: str | None, note: str | None,
                           actor: str) -> None:
        if decision_id not in self.t("decisions"):
            raise RecordNotFound(f"no decision with id {decision_id}")
        check_id = self.s.new_id("implementations")
        self.t("implementations")[check_id] = {
            "id": check_id, "decision_id": decision_id, "outcome": outcome, "reason": reason, "note": note,
            "checked_by": actor, "checked_at": _now()}

    def follow_ups(self, due_by: date | None = None, *, open_only: bool = True) -> list[FollowUpRecord]:
        out = []
        for d in sorted(self.t("decisions").values(), key=lambda d: (d["follow_up_due"] or date.max, d["id"])):
            checks = sorted((c for c in self.t("implementations").values() if c["decision_id"] == d["id"]),
                            key=lambda c: c["id"])
            last = checks[-1] if checks else None
            if due_by is not None and (d["follow_up_due"] is None or d["follow_up_due"] > due_by):
                continue
            if open_only and last is not None:
                continue
            out.append(FollowUpRecord(d["id"], d["meeting_id"], self.t("meetings")[d["meeting_id"]]["day"],
                                      d["mrn"], self.t("cases")[d["mrn"]]["case"].patient.name, d["category"],
                                      d["text"], d["follow_up_due"], last["outcome"] if last else None,
                                      last["reason"] if last else None))
        return out


class FakeCaseRepository(_Repository):
    def _row(self, mrn: str) -> Row:
        row = self.t("cases").get(mrn)
        if row is None:
            raise RecordNotFound(f"no case with record number {mrn}")
        return row

    def exists(self, mrn: str) -> bool:
        return mrn in self.t("cases")

    def get(self, mrn: str) -> StoredCase:
        return _stored(self._row(mrn))

    def add(self, case: Case, status: str, derived: Derived, actor: str,
            referral: Referral = NOT_RECORDED) -> StoredCase:
        mrn = case.patient.mrn
        if self.exists(mrn):
            raise RecordExists(f"a case with record number {mrn} already exists")
        now = _now()
        self.t("cases")[mrn] = {"id": self.s.new_id("cases"), "case": case, "status": status, "version": 1,
                                "created_at": now, "updated_at": now, "updated_by": actor, "staging_date": None,
                                "next_meeting": None, "derived": derived, "referral": referral}
        return self.get(mrn)

    def update(self, case: Case, derived: Derived, actor: str, expected_version: int | None,
               status: str | None = None, referral: Referral | None = None) -> StoredCase:
        mrn = case.patient.mrn
        self._row(mrn)
        values: dict[str, Any] = {"case": case, "derived": derived}
        if referral is not None:
            values["referral"] = referral
        if status is not None:
            values["status"] = status
        self.claim("cases", mrn, expected_version, f"case {mrn}", actor, **values)
        return self.get(mrn)

    def set_derived(self, mrn: str, derived: Derived) -> None:
        self._row(mrn)["derived"] = derived

    def set_fields(self, mrn: str, actor: str, expected_version: int | None,
                   derived: Derived | None = None, **values: object) -> StoredCase:
        row = self._row(mrn)
        unknown = set(values) - set(row)
        if unknown:
            raise AttributeError(f"cases have no column {sorted(unknown)}")
        if derived is not None:
            values["derived"] = derived
        self.claim("cases", mrn, expected_version, f"case {mrn}", actor, **values)
        return self.get(mrn)


class FakeSettingsRepository(_Repository):
    def all(self) -> dict[str, str]:
        return dict(self.s.settings)


class FakeUserRepository(_Repository):
    def count(self) -> int:
        return self.s.users


class FakeAuditRepository(_Repository):
    """Audit rows as ``AuditRepository`` writes them: values go through JSON (a date becomes its
    ISO text; anything not JSON-able is refused, as the real one refuses it), each row linked into
    the hash chain (``store.audit_chain``)."""

    def record(self, actor: str, action: str, entity: str, entity_id: str,
               changes: Sequence[tuple[str | None, object, object]], *, at: datetime | None = None) -> None:
        for field_name, old, new in changes:
            self._add(actor, action, entity, entity_id, field_name, old, new, at or _now())

    def record_many(self, actor: str, action: str, entity: str, created: Sequence[tuple[str, object]], *,
                    at: datetime | None = None) -> None:
        for entity_id, content in created:
            self._add(actor, action, entity, entity_id, None, None, content, at or _now())

    def head(self) -> str:
        seq, digest = self.s.audit_head
        return f"{seq}:{digest}"

    def history(self, entity: str, entity_id: str) -> list[AuditEntry]:
        return [r["entry"] for r in self.t("audit").values()
                if r["entry"].entity == entity and r["entry"].entity_id == entity_id]

    def _add(self, actor: str, action: str, entity: str, entity_id: str, field_name: str | None,
             old: object, new: object, at: datetime) -> None:
        old, new = _through_json(old), _through_json(new)
        entry = AuditEntry(at, actor, action, entity, entity_id, field_name, _display(old), _display(new),
                           old, new)
        seq, previous = self.s.audit_head
        row: Row = {"seq": seq + 1, "at": at, "actor": actor, "action": action, "entity": entity,
                    "entity_id": entity_id, "field": field_name, "old_value": _json(old),
                    "new_value": _json(new), "encoding": "json", "prev_hash": previous}
        row["row_hash"] = row_hash(row)
        self.s.audit_head = (seq + 1, row["row_hash"])
        self.t("audit")[self.s.new_id("audit")] = {**row, "entry": entry}


# -- records --------------------------------------------------------------------------------------
def _decision_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(DECISION_COLUMNS)
    if unknown:
        raise AttributeError(f"decisions have no column {sorted(unknown)}")
    return fields


def _decision(row: Row) -> DecisionRecord:
    return DecisionRecord(
        id=row["id"], version=row["version"], category=row["category"], text=row["text"],
        concordant=row["concordant"], deviation_reason=row["deviation_reason"],
        deviation_text=row["deviation_text"], actions_json=row["actions"],
        patient_preferences=row["patient_preferences"], counselling_json=row["counselling_delivered"],
        quorum_override=row["quorum_override"], recommendation_json=row["recommendation"],
        ruleset_id=row["ruleset_id"], ruleset_version=row["ruleset_version"],
        follow_up_due=row["follow_up_due"], recorded_by=row["recorded_by"], recorded_at=row["recorded_at"])


def _stored(row: Row) -> StoredCase:
    return StoredCase(row["case"], row["status"], row["version"], row["created_at"], row["updated_at"],
                      row["updated_by"], row["staging_date"], row["next_meeting"],
                      row.get("referral", NOT_RECORDED))


def _iso(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _through_json(value: object) -> object:
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=_iso_or_refuse))


def _iso_or_refuse(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON-able in an audit row: {type(value).__name__}")


def _json(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _display(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
