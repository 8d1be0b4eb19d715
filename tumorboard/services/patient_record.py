"""A patient's MDT record for the screen: every decision the boards made for the case, newest
first, with the recommendation the board saw (ruleset and version), the actions and whether they
were done, the implementation outcome, decisions replaced while the meeting ran and amendments
made after sign-off. Read only; shown on screen, so not an export (nothing leaves the system)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tumorboard.domain.meeting import DecisionCategory, DeviationReason
from tumorboard.services.actions import ActionItem, ActionService
from tumorboard.store import Database


@dataclass(frozen=True, slots=True)
class MdtEntry:
    decision_id: int
    meeting_day: date
    board: str
    meeting_state: str
    category: str
    decision: str
    concordance: str  # "concordant" or "deviates: <reason>"
    recommendation: str  # what the engine said that day, in one line
    ruleset: str  # "<id> <version>"
    actions: tuple[ActionItem, ...]
    pending_actions: int  # actions listed in the decision but not yet listable (meeting not closed)
    implementation: str  # "carried out fully", "not done (patient wish)", "not recorded yet"
    changes: tuple[str, ...]  # replaced versions and amendments, oldest first, one line each
    recorded_by: str
    recorded_at: datetime


def _label(enum: Any, value: str | None) -> str:
    if value is None:
        return ""
    try:
        return str(enum(value).label)
    except ValueError:
        return value.replace("_", " ")


def recommendation_line(rec: dict[str, Any]) -> str:
    """The recommendation snapshot in one line: stage, the two verdicts, the response window."""
    parts = []
    stage = (rec.get("stage") or {}).get("ajcc8_anatomic")
    if stage:
        parts.append(f"stage {stage}")
    for key, words in (("primary_tumour", "primary tumour"),
                       ("metastasis_directed_therapy", "metastasis-directed therapy")):
        verdict = (rec.get(key) or {}).get("verdict")
        if isinstance(verdict, str):
            parts.append(f"{words}: {verdict.replace('_', ' ')}")
    window = (rec.get("response_window") or {}).get("status")
    if isinstance(window, str):
        parts.append(f"response window {window.replace('_', ' ')}")
    return "; ".join(parts) or "-"


def mdt_record(db: Database, mrn: str, today: Callable[[], date] = date.today) -> list[MdtEntry]:
    actions = ActionService(db, today=today).actions(mrn=mrn, include_done=True)
    with db.reading() as uow:
        decisions = uow.meetings.case_decisions(mrn)
        outcomes = {f.decision_id: f for f in uow.meetings.follow_ups(open_only=False) if f.mrn == mrn}
        history = {d.id: ([r for r in uow.meetings.replaced_versions(d.id)],
                          [a for a in uow.meetings.amendments_of_decision(d.id)]) for _m, d in decisions}
    out = []
    for meeting, d in decisions:
        check = outcomes.get(d.id)
        implementation = "not recorded yet"
        if check is not None and check.outcome:
            implementation = {"fully": "carried out fully", "partly": "carried out partly",
                              "not_done": "not done"}.get(check.outcome, check.outcome)
            if check.reason:
                implementation += f" ({check.reason.replace('_', ' ')})"
        replaced, amended = history[d.id]
        changes = tuple([f"{r.replaced_at:%Y-%m-%d %H:%M} {r.replaced_by} replaced version {r.version}: "
                         f"{r.reason}" for r in replaced]
                        + [f"{a.at:%Y-%m-%d %H:%M} {a.by} amended {a.field}: {a.old_value or '-'} -> "
                           f"{a.new_value or '-'} ({a.reason})" for a in amended])
        mine = tuple(a for a in actions if a.decision_id == d.id)
        concordance = "concordant" if d.concordant else (
            "deviates: " + (_label(DeviationReason, d.deviation_reason) or "reason not given")
            + (f" ({d.deviation_text})" if d.deviation_text else ""))
        out.append(MdtEntry(
            d.id, meeting.day, meeting.board, meeting.state, _label(DecisionCategory, d.category), d.text,
            concordance, recommendation_line(json.loads(d.recommendation_json)),
            f"{d.ruleset_id} {d.ruleset_version}", mine, len(json.loads(d.actions_json)) - len(mine),
            implementation, changes, d.recorded_by, d.recorded_at))
    return sorted(out, key=lambda e: (e.meeting_day, e.decision_id), reverse=True)
