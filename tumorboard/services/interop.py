"""Exports for other systems: FHIR R4 bundles of cases and of a meeting's decisions, and the
decisions as rows for CSV. Patient data leaving the system: each export is checked against the
user's role and recorded in the audit trail, in the transaction that reads what it exports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tumorboard.domain.case import Case
from tumorboard.domain.users import Permission
from tumorboard.interop.fhir_bundle import bundle
from tumorboard.interop.fhir_careplan import ImplementationCheck, MdtDecision, PlannedAction
from tumorboard.services.acting import Acting
from tumorboard.services.cases import WorklistRow
from tumorboard.store.meeting_records import DecisionRecord, FollowUpRecord, MeetingListRecord
from tumorboard.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """One decision as the decisions listing (and its CSV) shows it."""

    decision_id: int
    meeting_id: int
    meeting_date: date
    mrn: str
    name: str | None
    category: str
    decision: str
    follow_up_due: date | None
    implementation: str | None
    implementation_reason: str | None


def _actions(d: DecisionRecord) -> tuple[PlannedAction, ...]:
    # The action-completion record (when it exists) fills PlannedAction.status / completed_on here.
    out = []
    for a in json.loads(d.actions_json):
        due = a.get("due")
        out.append(PlannedAction(a["description"], a["owner"], date.fromisoformat(due) if due else None))
    return tuple(out)


def _checks(uow: UnitOfWork) -> dict[int, FollowUpRecord]:
    return {f.decision_id: f for f in uow.meetings.follow_ups(None, open_only=False)}


def _decision(uow: UnitOfWork, meeting: MeetingListRecord, d: DecisionRecord,
              checks: dict[int, FollowUpRecord]) -> MdtDecision:
    check = checks.get(d.id)
    implementation = (ImplementationCheck(check.outcome, check.reason)
                      if check is not None and check.outcome else None)
    return MdtDecision(
        decision_id=d.id, meeting_id=meeting.id, meeting_date=meeting.day, meeting_state=meeting.state,
        board=meeting.board, category=d.category, text=d.text, concordant=d.concordant,
        recorded_at=d.recorded_at, ruleset_id=d.ruleset_id, ruleset_version=d.ruleset_version,
        deviation_reason=d.deviation_reason, deviation_text=d.deviation_text,
        patient_preferences=d.patient_preferences, actions=_actions(d), implementation=implementation,
        amendments=tuple(f"Amended after sign-off ({a.at:%Y-%m-%d}, {a.by}): {a.field} "
                         f"{a.old_value!r} -> {a.new_value!r}; reason: {a.reason}"
                         for a in uow.meetings.amendments_of_decision(d.id)))


class InteropService(Acting):
    def case_bundle(self, mrns: Sequence[str]) -> dict[str, Any]:
        """The cases with all their MDT decisions, as one FHIR Bundle (all MRNs or nothing)."""
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            checks = _checks(uow)
            cases: list[tuple[Case, list[MdtDecision]]] = []
            for mrn in dict.fromkeys(mrns):
                case = uow.cases.get(mrn).case
                decided = uow.meetings.case_decisions(mrn)
                cases.append((case, [_decision(uow, m, d, checks) for m, d in decided]))
                uow.audit("export", "case", mrn, [("export", None, "FHIR bundle")])
        return bundle(cases, timestamp=_now())

    def meeting_bundle(self, meeting_id: int) -> dict[str, Any]:
        """A meeting's decisions (one CarePlan each) with each decided case's resources."""
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            meeting = uow.meetings.get(meeting_id)
            checks = _checks(uow)
            cases = []
            for item in meeting.agenda:
                if item.decision is None:
                    continue
                listed = next(m for m, d in uow.meetings.case_decisions(item.mrn) if d.id == item.decision.id)
                cases.append((uow.cases.get(item.mrn).case, [_decision(uow, listed, item.decision, checks)]))
            uow.audit("export", "meeting", meeting_id, [("decisions", None, "FHIR bundle")])
        return bundle(cases, timestamp=_now())

    def decisions(self, since: date | None, until: date | None) -> list[DecisionRow]:
        """Decisions of meetings from ``since`` to ``until`` (inclusive), oldest meeting first."""
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            rows = [f for f in uow.meetings.follow_ups(None, open_only=False)
                    if (since is None or f.meeting_day >= since)
                    and (until is None or f.meeting_day <= until)]
            uow.audit("export", "decisions", 0, [
                ("decisions", None, f"{len(rows)} from {since or 'the first'} to {until or 'the last'}")])
        rows.sort(key=lambda f: (f.meeting_day, f.meeting_id, f.decision_id))
        return [DecisionRow(f.decision_id, f.meeting_id, f.meeting_day, f.mrn, f.name, f.category, f.text,
                            f.due, f.outcome, f.reason) for f in rows]


WORKLIST_COLUMNS = ("mrn", "name", "age", "subtype", "stage", "distant_lesions", "status", "window_opens",
                    "window_closes", "window_status", "latest_response", "next_action", "next_due",
                    "next_meeting", "missing")


def worklist_records(rows: Sequence[WorklistRow]) -> list[dict[str, Any]]:
    """The worklist's rows as records (JSON / CSV), the keys of WORKLIST_COLUMNS."""
    return [{c: getattr(r, c) for c in WORKLIST_COLUMNS} for r in rows]


class ListingExport(Acting):
    def record(self, what: str, count: int, to: str) -> None:
        """A listing of patients (the worklist, decisions) written out: checked and recorded
        before the rows are handed over."""
        with self._action(Permission.EXPORT_PATIENT_DATA) as uow:
            uow.audit("export", what, 0, [(what, None, f"{count} row(s) as CSV to {to}")])


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
