"""Repositories: reads and writes inside a unit of work. They never commit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tumorboard.domain.case import Case
from tumorboard.domain.referral import Referral
from tumorboard.store import checksums
from tumorboard.store.audit_chain import link, read_head
from tumorboard.store.case_rows import (
    case_columns,
    case_from_rows,
    child_rows,
    fill_case,
    fill_patient,
    patient_columns,
)
from tumorboard.store.errors import RecordExists, RecordNotFound
from tumorboard.store.models import AuditRow, CaseRow, CaseStatusCountRow, PatientRow
from tumorboard.store.records import AuditEntry, Derived, StoredCase, WorklistRecord
from tumorboard.store.versions import claim
from tumorboard.store.worklist_query import worklist_rows


def _now() -> datetime:
    return datetime.now(UTC)


class CaseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, mrn: str, *, full: bool = True) -> CaseRow | None:
        stmt = select(CaseRow).join(PatientRow).where(PatientRow.mrn == mrn)
        if full:
            stmt = stmt.options(selectinload(CaseRow.lesions), selectinload(CaseRow.therapies),
                                selectinload(CaseRow.targets), selectinload(CaseRow.assessments),
                                selectinload(CaseRow.discussions))
        return self.session.scalars(stmt).first()

    def exists(self, mrn: str) -> bool:
        return self.session.scalar(select(func.count()).select_from(PatientRow)
                                   .where(PatientRow.mrn == mrn)) == 1

    def get(self, mrn: str) -> StoredCase:
        row = self._row(mrn)
        if row is None:
            raise RecordNotFound(f"no case with record number {mrn}")
        return _stored(row)

    def add(self, case: Case, status: str, derived: Derived, actor: str,
            referral: Referral | None = None) -> StoredCase:
        if self.exists(case.patient.mrn):
            raise RecordExists(f"a case with record number {case.patient.mrn} already exists")
        now = _now()
        patient = PatientRow()
        fill_patient(patient, case.patient)
        row = CaseRow(patient=patient, status=status, version=1, created_at=now, updated_at=now,
                      updated_by=actor)
        fill_case(row, case)
        if referral is not None:
            row.referral_date, row.referring_clinician, row.gp_name, row.gp_address = (
                referral.referral_date, referral.referring_clinician, referral.gp_name, referral.gp_address)
        _apply_derived(row, derived)
        self.session.add(row)
        self.session.flush()
        return _stored(row)

    def existing_mrns(self, mrns: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(mrns), 500):  # keep under every driver's parameter limit
            chunk = list(mrns[start:start + 500])
            found.update(self.session.scalars(select(PatientRow.mrn).where(PatientRow.mrn.in_(chunk))))
        return found

    def add_many(self, items: Sequence[tuple[Case, str, Derived]], actor: str) -> None:
        """Insert new cases in bulk (import): a few multi-row INSERTs instead of one per row.

        The caller has checked that none of the record numbers exists.
        """
        if not items:
            return
        now = _now()
        patients = [patient_columns(case.patient) for case, _, _ in items]
        for values in patients:
            values["checksum"] = checksums.of_values(PatientRow, values)
        insert_rows(self.session, PatientRow, patients)
        by_mrn = self._ids_by(PatientRow.id, PatientRow.mrn, [p["mrn"] for p in patients])
        patient_ids = [by_mrn[p["mrn"]] for p in patients]
        case_values = []
        for (case, status, derived), patient_id in zip(items, patient_ids, strict=True):
            values = case_columns(case)
            values.update(_derived_columns(derived), patient_id=patient_id, status=status, version=1,
                          created_at=now, updated_at=now, updated_by=actor)
            values["checksum"] = checksums.of_values(CaseRow, values)
            case_values.append(values)
        insert_rows(self.session, CaseRow, case_values)
        by_patient = self._ids_by(CaseRow.id, CaseRow.patient_id, patient_ids)  # new: one case each
        case_ids = [by_patient[i] for i in patient_ids]
        children: dict[type[object], list[dict[str, object]]] = {}
        for (case, _, _), case_id in zip(items, case_ids, strict=True):
            for table, rows in child_rows(case).items():
                for row in rows:
                    values = {**row, "case_id": case_id}
                    values["checksum"] = checksums.of_values(table, values)
                    children.setdefault(table, []).append(values)
        for table, rows in children.items():
            insert_rows(self.session, table, rows)

    def _ids_by(self, id_column: Any, key: Any, keys: Sequence[Any]) -> dict[Any, int]:
        """The ids of the rows just inserted, read back by their key (one indexed IN per 500)."""
        found: dict[Any, int] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start:start + 500])
            found.update((k, int(i)) for i, k in self.session.execute(
                select(id_column, key).where(key.in_(chunk))))
        return found

    def update(self, case: Case, derived: Derived, actor: str, expected_version: int | None,
               status: str | None = None, referral: Referral | None = None) -> StoredCase:
        row = self._row(case.patient.mrn)
        if row is None:
            raise RecordNotFound(f"no case with record number {case.patient.mrn}")
        self._claim(row, expected_version, actor)
        fill_patient(row.patient, case.patient)
        fill_case(row, case)
        if referral is not None:  # the same version as the case's edits: one save
            row.referral_date, row.referring_clinician, row.gp_name, row.gp_address = (
                referral.referral_date, referral.referring_clinician, referral.gp_name, referral.gp_address)
        _apply_derived(row, derived)
        if status is not None:
            row.status = status
        row.updated_at = _now()
        row.updated_by = actor
        self.session.flush()
        return _stored(row)

    def set_derived(self, mrn: str, derived: Derived) -> None:
        """Refresh the worklist columns only (no new version: the clinical content is unchanged)."""
        row = self._row(mrn, full=False)
        if row is None:
            raise RecordNotFound(f"no case with record number {mrn}")
        _apply_derived(row, derived)
        self.session.flush()

    def set_fields(self, mrn: str, actor: str, expected_version: int | None,
                   derived: Derived | None = None, **values: object) -> StoredCase:
        """Change workflow fields (status, next meeting, staging date) of a case."""
        row = self._row(mrn)
        if row is None:
            raise RecordNotFound(f"no case with record number {mrn}")
        self._claim(row, expected_version, actor)
        for key, value in values.items():
            setattr(row, key, value)
        if derived is not None:
            _apply_derived(row, derived)
        row.updated_at = _now()
        row.updated_by = actor
        self.session.flush()
        return _stored(row)

    def _claim(self, row: CaseRow, expected_version: int | None, actor: str) -> None:
        """Take the next version of the case for this unit of work, or refuse (a lost update).

        The check and the increment are one conditional UPDATE (``store.versions.claim``)."""
        claim(self.session, CaseRow, row.id, expected_version, actor=actor, now=_now(),
              what=f"case {row.patient.mrn}", audit=("case", row.patient.mrn))

    def worklist(self, *, text: str = "", statuses: Sequence[str] = (), subtypes: Sequence[str] = (),
                 limit: int = 200, offset: int = 0) -> list[WorklistRecord]:
        """Rows by next due date (cases with nothing due last), filtered as the worklist asks
        (store/worklist_query.py: every statement on an index)."""
        rows = worklist_rows(self.session, text=text, statuses=statuses, subtypes=subtypes,
                             limit=limit, offset=offset)
        return [_worklist_record(c, p) for c, p in rows]

    def counts_by_status(self) -> dict[str, int]:
        """Kept by the database's triggers on ``cases`` (revision 0011): no count over the table."""
        result = self.session.execute(select(CaseStatusCountRow.status, CaseStatusCountRow.cases)
                                      .where(CaseStatusCountRow.cases > 0))
        return {row[0]: int(row[1]) for row in result}

    def all_mrns(self) -> list[str]:
        return list(self.session.scalars(select(PatientRow.mrn).order_by(PatientRow.mrn)))


class AuditRepository:
    """Audit rows: values are stored as JSON documents (``encoding = 'json'``), so a number, a
    list or a text keeps its type; rows written before revision 0005 hold plain text."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, actor: str, action: str, entity: str, entity_id: str,
               changes: Sequence[tuple[str | None, object, object]], *, at: datetime | None = None) -> None:
        now = at or _now()
        self._append([{"at": now, "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
                       "field": field, "old_value": _json(old), "new_value": _json(new), "encoding": "json"}
                      for field, old, new in changes])

    def record_many(self, actor: str, action: str, entity: str,
                    created: Sequence[tuple[str, object]], *, at: datetime | None = None) -> None:
        """One row per created record, holding its whole content as the new value."""
        now = at or _now()
        self._append([{"at": now, "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
                       "field": None, "old_value": None, "new_value": _json(content), "encoding": "json"}
                      for entity_id, content in created])

    def recorded(self, entity: str, entity_id: str, field: str, action: str) -> object:
        """The last value an ``action`` recorded for a field (decoded), or None."""
        row = self.session.execute(
            select(AuditRow.new_value, AuditRow.encoding)
            .where(AuditRow.entity == entity, AuditRow.entity_id == entity_id, AuditRow.field == field,
                   AuditRow.action == action).order_by(AuditRow.seq.desc()).limit(1)).first()
        if row is None or row[0] is None:
            return None
        return json.loads(row[0]) if row[1] == "json" else row[0]

    def head(self) -> str:
        """The chain's head, "<seq>:<sha256>" (printed on signed minutes)."""
        seq, digest = read_head(self.session)
        return f"{seq}:{digest}"

    def _append(self, rows: list[dict[str, object]]) -> None:
        if rows:
            link(self.session, rows)  # chained in order, under the unit of work's write lock
            insert_rows(self.session, AuditRow, rows)

    def history(self, entity: str, entity_id: str) -> list[AuditEntry]:
        rows = self.session.scalars(
            select(AuditRow).where(AuditRow.entity == entity, AuditRow.entity_id == entity_id)
            .order_by(AuditRow.seq))
        return [_entry(r) for r in rows]


def insert_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """One Core ``executemany`` of ``rows`` (the driver's own batch): every row is given every
    key, a value left out as NULL, as its checksum counted it (``checksums.of_values``); the
    ORM's bulk insert would split the batch at each different set of None values and return
    the ids row by row."""
    if not rows:
        return
    session.flush()  # what the unit of work changed through the ORM goes first, in order
    first = rows[0].keys()
    if all(row.keys() == first for row in rows):  # the rows of one builder: given as they are
        params = rows
    else:
        keys = list(dict.fromkeys(k for row in rows for k in row))
        params = [{k: row.get(k) for k in keys} for row in rows]
    session.connection().execute(model.__table__.insert(), params)


def _json(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_plain)


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON-able in an audit row: {type(value).__name__}")


def _decoded(text: str | None, encoding: str) -> object:
    if text is None:
        return None
    return json.loads(text) if encoding == "json" else text


def _display(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _entry(r: AuditRow) -> AuditEntry:
    at = r.at if r.at.tzinfo is not None else r.at.replace(tzinfo=UTC)  # SQLite keeps no offset: UTC
    old, new = _decoded(r.old_value, r.encoding), _decoded(r.new_value, r.encoding)
    return AuditEntry(at, r.actor, r.action, r.entity, r.entity_id, r.field, _display(old), _display(new),
                      old, new)


def _derived_columns(d: Derived) -> dict[str, object]:
    return {"subtype": d.subtype, "stage": d.stage, "distant_lesion_count": d.distant_lesion_count,
            "window_opens": d.window_opens, "window_closes": d.window_closes,
            "window_assessed": d.window_assessed, "latest_response": d.latest_response,
            "next_due": d.next_due, "missing_items": d.missing_items}


def _apply_derived(row: CaseRow, d: Derived) -> None:
    for key, value in _derived_columns(d).items():
        setattr(row, key, value)


def check_case(row: CaseRow) -> None:
    """The case's rows are what was written (store/checksums.py), or DamagedRecord."""
    what = f"case {row.patient.mrn}"
    checksums.check(row.patient, f"patient of {what}")
    checksums.check(row, what)
    for kind, children in (("lesion", row.lesions), ("therapy", row.therapies),
                           ("RECIST target", row.targets), ("RECIST assessment", row.assessments),
                           ("MDT discussion", row.discussions)):
        for child in children:
            checksums.check(child, f"{kind} {child.position + 1} of {what}")


def _stored(row: CaseRow) -> StoredCase:
    check_case(row)
    return StoredCase(case_from_rows(row), row.status, row.version, row.created_at, row.updated_at,
                      row.updated_by, row.staging_date, row.next_meeting,
                      Referral(row.referral_date, row.referring_clinician, row.gp_name, row.gp_address))


def _worklist_record(c: dict[str, Any], p: dict[str, Any]) -> WorklistRecord:
    checksums.check_values(PatientRow, p, f"patient of case {p['mrn']}")
    checksums.check_values(CaseRow, c, f"case {p['mrn']}")
    return WorklistRecord(
        mrn=p["mrn"], name=p["name"], birth_date=p["birth_date"], status=c["status"], subtype=c["subtype"],
        stage=c["stage"], distant_lesion_count=c["distant_lesion_count"], window_opens=c["window_opens"],
        window_closes=c["window_closes"], window_assessed=c["window_assessed"],
        latest_response=c["latest_response"], next_due=c["next_due"], next_meeting=c["next_meeting"],
        missing_items=c["missing_items"], updated_at=c["updated_at"])
