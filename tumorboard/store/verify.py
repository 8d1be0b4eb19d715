"""``db verify``: is the record what was written? The audit chain, its head, the database's guards
(triggers present and enabled) and every signed meeting (its PDF against its hash, its hash, its
data snapshot and its decisions against the audit trail, its PAdES signature validated). Reports
the first break of each kind; reads only."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tumorboard.signing import pades
from tumorboard.store.audit_chain import GENESIS, HEAD_KEY, read_head, row_hash
from tumorboard.store.models import AuditRow, DecisionRow, MeetingRow, SigningKeyRow

# The guards the migrations create (0002, 0003, 0005, 0008): missing or disabled means tampering.
SQLITE_TRIGGERS = frozenset({
    "signing_keys_no_update", "signing_keys_no_delete",
    "audit_log_no_update", "audit_log_no_delete", "meetings_signed_no_update", "meetings_signed_no_delete",
    "amendments_no_update", "amendments_no_delete",
    *(f"{t}_signed_no_{a}" for t in ("attendance", "agenda_items", "decisions")
      for a in ("insert", "update", "delete")),
    "meetings_state_new", "meetings_unique_slot", "meetings_state_value", "meetings_state_edge",
    "meetings_closed_frozen", "meetings_signed_at", "meetings_closed_at", "meetings_sign_needs_close",
    "meetings_sign_by_chair", "meetings_sign_chair_present", "meetings_sign_quorum",
    "decisions_in_progress_insert", "decisions_in_progress_update", "decisions_never_deleted",
    "replaced_decisions_no_update", "replaced_decisions_no_delete", "attendance_present_in_progress",
    "attendance_list_open", "agenda_triage_in_progress", "agenda_open_update", "agenda_open_insert",
    "agenda_open_delete",
})
POSTGRESQL_TRIGGERS = frozenset({
    "signing_keys_kept",
    "audit_log_no_change", "meetings_signed", "attendance_signed", "agenda_items_signed",
    "decisions_signed", "amendments_no_change", "meetings_state", "decisions_state", "attendance_state",
    "agenda_items_state", "replaced_decisions_no_change",
})
# Decision fields whose recorded value the audit trail holds (services.meetings: "decide").
DECISION_FIELDS = ("category", "text", "concordant", "deviation_reason", "deviation_text", "actions",
                   "patient_preferences", "counselling_delivered", "quorum_override", "ruleset_id",
                   "ruleset_version", "follow_up_due")


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # "chain", "head", "trigger", "signed-minutes", "decision"
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Verification:
    rows: int
    head: tuple[int, str]
    signed_meetings: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings


def verify(session: Session) -> Verification:
    findings: list[Finding] = []
    rows, last = _chain(session, findings)
    head = read_head(session)
    if head != last:
        if head[0] > last[0]:
            findings.append(Finding(
                "head", f"seq {last[0] + 1}..{head[0]}", f"the chain ends at seq {last[0]} but its recorded "
                f"head is seq {head[0]}: rows were removed from the end"))
        else:
            findings.append(Finding(
                "head", f"seq {head[0]}", f"the recorded head ({head[0]}:{head[1][:12]}…) is not the "
                f"chain's last row ({last[0]}:{last[1][:12]}…)"))
    findings.extend(missing_guards(session))
    signed = _signed_meetings(session, findings)
    return Verification(rows, head, signed, tuple(findings))


def quick_findings(session: Session) -> list[Finding]:
    """The cheap check of every open: the guards present, and the chain's last row where its
    recorded head says and hashing to what it says (one indexed row)."""
    findings = missing_guards(session)
    try:
        seq, digest = read_head(session)
    except ValueError:  # "<seq>:<sha256>" no longer reads as that: damaged or changed
        findings.append(Finding("head", HEAD_KEY, "the recorded head of the audit trail is unreadable"))
        return findings
    last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
    if last is None:
        if seq:
            findings.append(Finding("head", f"seq {seq}", "the audit trail is empty but its head says "
                                    f"{seq} rows were written"))
    elif last.seq != seq or last.row_hash != digest or row_hash(content(last)) != last.row_hash:
        findings.append(Finding("head", f"seq {seq}", "the audit trail's last row is not the recorded "
                                "head: run `tumorboard db verify`"))
    return findings


def _chain(session: Session, findings: list[Finding]) -> tuple[int, tuple[int, str]]:
    expected_seq, previous, count = 1, GENESIS, 0
    broken = False
    for row in _rows(session):
        count += 1
        if broken:
            continue
        where = f"audit row id {row.id} (seq {row.seq})"
        if row.seq is None or row.row_hash is None or row.prev_hash is None:
            findings.append(Finding("chain", where, "a row without its place in the chain was inserted"))
            broken = True
        elif row.seq != expected_seq:
            what = ("removed" if row.seq > expected_seq else "inserted or reordered")
            findings.append(Finding("chain", where, f"seq {expected_seq} was expected: rows were {what} "
                                    f"before this one"))
            broken = True
        elif row.prev_hash != previous:
            findings.append(Finding("chain", where, "it does not follow the row before it (a row was "
                                    "removed, inserted or changed before it)"))
            broken = True
        elif row_hash(content(row)) != row.row_hash:
            findings.append(Finding("chain", where, f"its content was changed after it was written "
                                    f"({row.action} {row.entity} {row.entity_id}, field {row.field})"))
            broken = True
        else:
            expected_seq, previous = row.seq + 1, row.row_hash
    return count, (expected_seq - 1, previous)


def _rows(session: Session) -> Iterator[AuditRow]:
    # NULLs first: a forged row without a place in the chain is found before anything else.
    stmt = select(AuditRow).order_by(AuditRow.seq.is_not(None), AuditRow.seq, AuditRow.id)
    yield from session.scalars(stmt.execution_options(yield_per=5000))


def content(row: AuditRow) -> dict[str, Any]:
    return {"seq": row.seq, "at": row.at, "actor": row.actor, "action": row.action, "entity": row.entity,
            "entity_id": row.entity_id, "field": row.field, "old_value": row.old_value,
            "new_value": row.new_value, "encoding": row.encoding, "prev_hash": row.prev_hash}


def missing_guards(session: Session) -> list[Finding]:
    """Triggers the migrations created that are gone (SQLite, PostgreSQL) or disabled (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        present: dict[str, str] = {str(name): str(enabled) for name, enabled in session.execute(text(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal"))}
        out = [Finding("trigger", name, "missing: the database no longer guards the record there")
               for name in sorted(POSTGRESQL_TRIGGERS - set(present))]
        out += [Finding("trigger", name, "disabled (ALTER TABLE ... DISABLE TRIGGER)")
                for name in sorted(POSTGRESQL_TRIGGERS & set(present)) if present[name] == "D"]
        return out
    names = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    return [Finding("trigger", name, "missing: the database no longer guards the record there")
            for name in sorted(SQLITE_TRIGGERS - names)]


def _signed_meetings(session: Session, findings: list[Finding]) -> int:
    count = 0
    audited_decisions = _decision_values(session)
    certificates = list(session.scalars(select(SigningKeyRow.certificate_pem)))
    for meeting in session.scalars(select(MeetingRow).where(MeetingRow.signed_at.is_not(None))):
        count += 1
        where = f"meeting {meeting.id} ({meeting.day.isoformat()})"
        pdf = meeting.minutes_pdf or b""
        if hashlib.sha256(pdf).hexdigest() != meeting.minutes_sha256:
            findings.append(Finding("signed-minutes", where, "the stored PDF does not match its SHA-256"))
        _snapshot(session, meeting, where, findings)
        _signature(meeting, pdf, _audited(session, "meeting", str(meeting.id), "signing_certificate",
                                          action="sign-off"), certificates, where, findings)
        signed = _audited(session, "meeting", str(meeting.id), "minutes_sha256", action="sign-off")
        if signed is None:
            findings.append(Finding("signed-minutes", where, "no sign-off is recorded in the audit trail"))
        elif signed != meeting.minutes_sha256:
            findings.append(Finding("signed-minutes", where, "the SHA-256 kept with the meeting is not "
                                    "the one the audit trail recorded at sign-off (the PDF and its hash "
                                    "were replaced)"))
        for decision in session.scalars(select(DecisionRow).where(DecisionRow.meeting_id == meeting.id)):
            recorded = audited_decisions.get(str(decision.id))
            if recorded is None:
                findings.append(Finding("decision", f"{where}, decision {decision.id}", "the audit trail "
                                        "holds no record of this decision (inserted outside tumorboard)"))
                continue
            for name in DECISION_FIELDS:
                value, encoding = recorded.get(name, (None, "json"))
                current = getattr(decision, name)
                same = (_plain(current) == _plain(value) if encoding == "json"
                        else (None if current is None else _plain(current) if not isinstance(current, bool)
                              else str(current)) == value)
                if not same:
                    findings.append(Finding("decision", f"{where}, decision {decision.id}", f"{name} is not "
                                            "what the audit trail recorded (changed outside tumorboard)"))
    return count


def _snapshot(session: Session, meeting: MeetingRow, where: str, findings: list[Finding]) -> None:
    """The data the signed PDF was rendered from (revision 0008): against its hash and the audit trail."""
    recorded = _audited(session, "meeting", str(meeting.id), "minutes_snapshot_sha256", action="sign-off")
    if meeting.minutes_snapshot is None:
        if recorded is not None or meeting.minutes_snapshot_sha256 is not None:
            findings.append(Finding("signed-minutes", where,
                                    "the data snapshot kept at sign-off was removed"))
        return
    digest = hashlib.sha256(meeting.minutes_snapshot.encode("utf-8")).hexdigest()
    if digest != meeting.minutes_snapshot_sha256:
        findings.append(Finding("signed-minutes", where,
                                "the stored data snapshot does not match its SHA-256"))
    if recorded != meeting.minutes_snapshot_sha256:
        findings.append(Finding("signed-minutes", where, "the data snapshot's SHA-256 is not the one the "
                                "audit trail recorded at sign-off (the snapshot and its hash were replaced)"))


def _signature(meeting: MeetingRow, pdf: bytes, certificate: Any, certificates: list[str], where: str,
               findings: list[Finding]) -> None:
    """A PDF signed with the chair's key (PAdES): valid, unchanged since, by the recorded certificate."""
    if certificate is None:
        return  # signed off on a database without accounts, or before revision 0008
    try:
        checks = pades.validate(pdf, certificates)
    except pades.UnreadablePdf as exc:
        findings.append(Finding("signed-minutes", where, f"the stored PDF cannot be read ({exc})"))
        return
    mine = [c for c in checks if c.fingerprint == certificate]
    if not mine:
        findings.append(Finding("signed-minutes", where, "the stored PDF carries no signature by the "
                                f"certificate recorded at sign-off (SHA-256 {str(certificate)[:12]}…)"))
    for check in mine:
        if not check.ok:
            findings.append(Finding("signed-minutes", where, "the stored PDF's signature does not validate: "
                                    + "; ".join(check.problems)))


def _decision_values(session: Session) -> dict[str, dict[str, tuple[Any, str]]]:
    """Per decision id, the last value the audit trail recorded for each field (one pass), with
    its encoding (rows written before revision 0005 hold text)."""
    out: dict[str, dict[str, tuple[Any, str]]] = {}
    rows = session.execute(select(AuditRow.entity_id, AuditRow.field, AuditRow.new_value, AuditRow.encoding)
                           .where(AuditRow.entity == "decision", AuditRow.action.in_(
                               ("decide", "revise-decision", "replace-decision")))
                           .order_by(AuditRow.seq))
    for entity_id, field, value, encoding in rows:
        values = out.setdefault(entity_id, {})
        if field is not None:
            values[field] = (json.loads(value) if encoding == "json" and value is not None else value,
                             encoding)
    return out


_MISSING: Any = object()


def _audited(session: Session, entity: str, entity_id: str, field: str, action: str | None = None) -> Any:
    """The last value the audit trail recorded for a field (decoded), or _MISSING."""
    stmt = (select(AuditRow.new_value, AuditRow.encoding)
            .where(AuditRow.entity == entity, AuditRow.entity_id == entity_id, AuditRow.field == field))
    if action is not None:
        stmt = stmt.where(AuditRow.action == action)
    row = session.execute(stmt.order_by(AuditRow.seq.desc()).limit(1)).first()
    if row is None:
        return None if action is not None else _MISSING
    value, encoding = row
    return json.loads(value) if encoding == "json" and value is not None else value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    return str(value)


