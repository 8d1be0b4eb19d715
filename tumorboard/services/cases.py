"""Case use cases: export, open, save, move along the workflow, worklist, history; importing
documents is services/case_import.py, mixed in."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tumorboard.casedoc import (
    case_to_document,
)
from tumorboard.casedoc.validate import CASE_EXPORT_FORMAT
from tumorboard.domain.case import Case
from tumorboard.domain.dates import completed_years
from tumorboard.domain.referral import NOT_RECORDED, Referral, referral_document, require_valid
from tumorboard.domain.users import Permission, User
from tumorboard.domain.workflow import WorkflowStatus, check_transition
from tumorboard.services.audit import field_changes
from tumorboard.services.case_import import IMPORT_BATCH, CaseImport, ImportOutcome, readiness_of
from tumorboard.services.derived import derive, window_status
from tumorboard.services.mdt_record import export_mdt_record
from tumorboard.services.notice import Notify, ignore
from tumorboard.store import Database
from tumorboard.store.records import AuditEntry, StoredCase

Clock = Callable[[], date]

__all__ = ["AuditEntry", "CaseRecord", "CaseService", "ImportOutcome", "WorklistQuery", "WorklistRow"]


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A case as opened for viewing or editing; ``version`` guards against lost updates."""

    case: Case
    status: WorkflowStatus
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str
    staging_date: date | None
    next_meeting: date | None
    referral: Referral = NOT_RECORDED


@dataclass(frozen=True, slots=True)
class WorklistQuery:
    text: str = ""
    statuses: tuple[WorkflowStatus, ...] = ()
    subtypes: tuple[str, ...] = ()
    window_statuses: tuple[str, ...] = ()
    limit: int = 200
    offset: int = 0


@dataclass(frozen=True, slots=True)
class WorklistRow:
    """One line of the worklist, a snapshot: the view never holds database objects."""

    mrn: str
    name: str
    age: int
    subtype: str
    stage: str
    distant_lesions: int
    status: WorkflowStatus
    window_opens: date | None
    window_closes: date | None
    window_status: str
    latest_response: str | None
    next_action: str
    next_due: date | None
    next_meeting: date | None
    missing: tuple[str, ...] = field(default_factory=tuple)


NEXT_ACTION = {
    WorkflowStatus.REFERRED: "Start staging",
    WorkflowStatus.STAGING: "Complete staging",
    WorkflowStatus.READY_FOR_MDT: "List for MDT",
    WorkflowStatus.DISCUSSED: "Start agreed treatment",
    WorkflowStatus.ON_TREATMENT: "Continue treatment",
    WorkflowStatus.REASSESSMENT_DUE: "Reassess response",
    WorkflowStatus.CLOSED: "-",
}


def next_action(status: WorkflowStatus, window: str) -> str:
    if status is not WorkflowStatus.CLOSED:
        if window == "overdue":
            return "Reassessment overdue"
        if window == "open":
            return "Reassess response (window open)"
    return NEXT_ACTION[status]


def _record(stored: StoredCase) -> CaseRecord:
    return CaseRecord(stored.case, WorkflowStatus(stored.status), stored.version, stored.created_at,
                      stored.updated_at, stored.updated_by, stored.staging_date, stored.next_meeting,
                      stored.referral)


class CaseService(CaseImport):
    """Cases: reading, the worklist, editing, the workflow; importing documents (CaseImport)."""

    def __init__(self, db: Database, actor: str = "local user", today: Clock = date.today,
                 user: User | None = None, notify: Notify = ignore) -> None:
        super().__init__(db, actor, user=user, notify=notify)
        self.today = today

    # -- reading ------------------------------------------------------------------------------
    def get(self, mrn: str) -> CaseRecord:
        with self.db.reading() as uow:
            return _record(uow.cases.get(mrn))

    def export_document(self, mrn: str, *, with_history: bool = False) -> dict[str, Any]:
        """The case as an export document that re-imports to the same case: the case document,
        its MDT decisions with their actions (and, with history, the audit trail, replaced
        decisions and amendments). Patient data leaving the system, so checked and recorded."""
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            record = _record(uow.cases.get(mrn))
            doc: dict[str, Any] = {"format": CASE_EXPORT_FORMAT, "case": case_to_document(record.case),
                                   "mdt": export_mdt_record(uow, mrn, with_history=with_history)}
            if record.referral.recorded:
                doc["referral"] = referral_document(record.referral)
            if with_history:
                doc["history"] = [_history_item(h) for h in uow.audit_log.history("case", mrn)]
            uow.audit("export", "case", mrn, [
                ("export", None, "case document with history" if with_history else "case document")])
        return doc

    def history(self, mrn: str) -> list[AuditEntry]:
        with self.db.reading() as uow:
            return uow.audit_log.history("case", mrn)

    def changes_since(self, opened: Case) -> list[tuple[str, str | None, str | None]]:
        """What others changed since ``opened`` was read: (field, value then, value now), for the
        message that refuses a save over a newer version."""
        current = self.get(opened.patient.mrn).case
        return [(f, _shown(a), _shown(b)) for f, a, b in
                field_changes(case_to_document(opened), case_to_document(current))]

    def counts_by_status(self) -> dict[WorkflowStatus, int]:
        with self.db.reading() as uow:
            counts = uow.cases.counts_by_status()
        return {status: counts.get(status.value, 0) for status in WorkflowStatus}

    def worklist(self, query: WorklistQuery | None = None) -> list[WorklistRow]:
        q = query or WorklistQuery()
        today = self.today()
        with self.db.reading() as uow:
            # Window status depends on today; filter it after the indexed query, fetching more.
            fetch = q.limit if not q.window_statuses else max(q.limit * 5, 1000)
            records = uow.cases.worklist(
                text=q.text, statuses=[st.value for st in q.statuses], subtypes=q.subtypes,
                limit=fetch, offset=q.offset)
        rows = []
        for r in records:
            window = window_status(r.window_opens, r.window_closes, r.window_assessed, today)
            if q.window_statuses and window not in q.window_statuses:
                continue
            status = WorkflowStatus(r.status)
            rows.append(WorklistRow(
                mrn=r.mrn, name=r.name or "", age=completed_years(r.birth_date, today),
                subtype=r.subtype, stage=r.stage or "", distant_lesions=r.distant_lesion_count,
                status=status, window_opens=r.window_opens, window_closes=r.window_closes,
                window_status=window, latest_response=r.latest_response,
                next_action=next_action(status, window), next_due=r.next_due,
                next_meeting=r.next_meeting,
                missing=tuple(m for m in r.missing_items.split(", ") if m)))
            if len(rows) >= q.limit:
                break
        return rows

    def refresh_derived(self, progress: Callable[[int, int], bool] | None = None) -> int:
        """Recompute every case's worklist facts (readiness, window, next due) for today and the
        current settings: after a settings change, and each day's first start. Clinical content
        and versions are untouched. Returns how many cases were refreshed."""
        today = self.today()
        with self.db.reading() as uow:
            mrns = uow.cases.all_mrns()
        done = 0
        for start in range(0, len(mrns), IMPORT_BATCH):
            if progress is not None and not progress(start, len(mrns)):
                break
            with self._action(None) as uow:
                readiness = readiness_of(uow)
                for mrn in mrns[start:start + IMPORT_BATCH]:
                    stored = uow.cases.get(mrn)
                    uow.cases.set_derived(mrn, derive(stored.case, today, stored.staging_date,
                                                      stored.next_meeting, readiness))
                    done += 1
        if progress is not None:
            progress(done, len(mrns))
        return done

    # -- writing: one unit of work each ------------------------------------------------------
    def create(self, case: Case, status: WorkflowStatus = WorkflowStatus.REFERRED,
               referral: Referral = NOT_RECORDED) -> CaseRecord:
        referral = require_valid(referral, birth_date=case.patient.birth_date, today=self.today())
        with self._action(Permission.EDIT_CASES) as uow:
            derived = derive(case, self.today(), readiness=readiness_of(uow))
            stored = uow.cases.add(case, status.value, derived, self.actor, referral)
            uow.audit_created("create", "case", [(case.patient.mrn, case_to_document(case))])
            if referral.recorded:
                uow.audit("referral", "case", case.patient.mrn,
                          field_changes({}, {"referral": referral_document(referral)}))
        return _record(stored)

    def save_referral(self, mrn: str, referral: Referral,
                      expected_version: int | None = None) -> CaseRecord:
        """Record who referred the case and the patient's GP (ReferralError names a bad field;
        refused if someone saved the case since ``expected_version``). Nothing changed, nothing
        written."""
        with self._action(Permission.EDIT_CASES) as uow:
            before = uow.cases.get(mrn)
            referral = require_valid(referral, birth_date=before.case.patient.birth_date,
                                     today=self.today())
            changes = field_changes({"referral": referral_document(before.referral)},
                                    {"referral": referral_document(referral)})
            if not changes:
                return _record(before)
            stored = uow.cases.set_fields(
                mrn, self.actor, expected_version, referral_date=referral.referral_date,
                referring_clinician=referral.referring_clinician, gp_name=referral.gp_name,
                gp_address=referral.gp_address)
            uow.audit("referral", "case", mrn, changes)
        return _record(stored)

    def save(self, case: Case, expected_version: int | None,
             referral: Referral | None = None) -> CaseRecord:
        """Save edits of an existing case, and its referral when given (one save, one version);
        refused if someone saved it since ``expected_version``, ReferralError naming a bad
        referral field."""
        mrn = case.patient.mrn
        with self._action(Permission.EDIT_CASES) as uow:
            before = uow.cases.get(mrn)
            if referral is not None:
                referral = require_valid(referral, birth_date=case.patient.birth_date, today=self.today())
            derived = derive(case, self.today(), before.staging_date, before.next_meeting, readiness_of(uow))
            stored = uow.cases.update(case, derived, self.actor, expected_version, referral=referral)
            uow.audit("update", "case", mrn,
                      field_changes(case_to_document(before.case), case_to_document(case)))
            if referral is not None:
                changed = field_changes({"referral": referral_document(before.referral)},
                                        {"referral": referral_document(referral)})
                if changed:
                    uow.audit("referral", "case", mrn, changed)
        return _record(stored)

    def change_status(self, mrn: str, new: WorkflowStatus,
                      expected_version: int | None = None) -> CaseRecord:
        with self._action(Permission.EDIT_CASES) as uow:
            current = uow.cases.get(mrn)
            old = WorkflowStatus(current.status)
            check_transition(old, new)
            stored = uow.cases.set_fields(mrn, self.actor, expected_version, status=new.value)
            uow.audit("status", "case", mrn, [("status", old.value, new.value)])
        return _record(stored)

    def schedule(self, mrn: str, *, next_meeting: date | None, staging_date: date | None,
                 expected_version: int | None = None) -> CaseRecord:
        """Record the next MDT date and the latest staging imaging date (worklist, readiness)."""
        with self._action(Permission.EDIT_CASES) as uow:
            current = uow.cases.get(mrn)
            derived = derive(current.case, self.today(), staging_date, next_meeting, readiness_of(uow))
            stored = uow.cases.set_fields(mrn, self.actor, expected_version, derived,
                                          next_meeting=next_meeting, staging_date=staging_date)
            uow.audit("schedule", "case", mrn, [
                ("next_meeting", _iso(current.next_meeting), _iso(next_meeting)),
                ("staging_date", _iso(current.staging_date), _iso(staging_date))])
        return _record(stored)


def _shown(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _history_item(h: AuditEntry) -> dict[str, Any]:
    return {"at": h.at.isoformat(), "actor": h.actor, "action": h.action, "field": h.field,
            "old": h.old, "new": h.new}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
