"""A case's MDT record for its export: every decision with its meeting, actions, implementation,
and, with history, the decisions it replaced and the amendments made after sign-off."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tumorboard.store.unit_of_work import UnitOfWork


def export_mdt_record(uow: UnitOfWork, mrn: str, *, with_history: bool) -> list[dict[str, Any]]:
    out = []
    for meeting, d in uow.meetings.case_decisions(mrn):
        item: dict[str, Any] = {
            "meeting": {"id": meeting.id, "board": meeting.board, "date": meeting.day.isoformat(),
                        "state": meeting.state},
            "category": d.category, "decision": d.text, "concordant": d.concordant,
            "deviation_reason": d.deviation_reason, "deviation_text": d.deviation_text,
            "actions": json.loads(d.actions_json), "patient_preferences": d.patient_preferences,
            "counselling_delivered": json.loads(d.counselling_json), "quorum_override": d.quorum_override,
            "ruleset": {"id": d.ruleset_id, "version": d.ruleset_version},
            "follow_up_due": d.follow_up_due.isoformat() if d.follow_up_due else None,
            "recorded_by": d.recorded_by, "recorded_at": _utc(d.recorded_at),
        }
        if with_history:
            item["replaced"] = [{"version": r.version, "replaced_at": _utc(r.replaced_at),
                                 "replaced_by": r.replaced_by, "reason": r.reason, "decision": r.content}
                                for r in uow.meetings.replaced_versions(d.id)]
            item["amendments"] = [{"at": _utc(a.at), "by": a.by, "reason": a.reason, "field": a.field,
                                   "old": a.old_value, "new": a.new_value}
                                  for a in uow.meetings.amendments_of_decision(d.id)]
        out.append(item)
    return out


def _utc(value: datetime) -> str:
    """ISO 8601 with its offset (SQLite keeps none; the store writes UTC)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
