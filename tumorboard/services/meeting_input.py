"""What people type for a meeting, checked before anything is written: the decision form, meeting
details, amendments. Every problem names its field; nothing here touches the database."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from tumorboard.domain.meeting import (
    Concordance,
    DecisionAction,
    DecisionCategory,
    DeviationReason,
    MeetingError,
)

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
NUL_MESSAGE = "the text contains a NUL character (\\0), which cannot be stored; remove it"


@dataclass(frozen=True, slots=True)
class DecisionInput:
    """What the board decided for one case, as typed in the meeting room.

    ``category`` and ``concordant`` have no default answer: None means the board has not answered,
    and the decision cannot be saved until it has (a default would record a concordance nobody
    decided)."""

    category: DecisionCategory | None
    text: str
    concordant: bool | None
    deviation_reason: DeviationReason | None = None
    deviation_text: str | None = None
    actions: tuple[DecisionAction, ...] = ()
    patient_preferences: str | None = None
    counselling_delivered: tuple[str, ...] = field(default_factory=tuple)

    def problems(self) -> list[str]:
        """Every reason the decision cannot be recorded, each naming its field."""
        out = []
        if self.category is None:
            out.append("category: choose the decision category")
        if not self.text.strip():
            out.append("decision: the decision text is empty; write what the board decided")
        if self.concordant is None:
            out.append("concordance: answer whether the decision follows the guideline recommendation")
        else:
            try:
                Concordance(self.concordant, self.deviation_reason, self.deviation_text).check()
            except MeetingError as exc:
                out.append(f"concordance: {exc}")
        texts = {"decision": self.text, "deviation explained": self.deviation_text,
                 "patient preferences": self.patient_preferences,
                 **{f"counselling {i}": c for i, c in enumerate(self.counselling_delivered, start=1)},
                 **{f"actions {i}": f"{a.description} {a.owner}"
                    for i, a in enumerate(self.actions, start=1)}}
        for name, value in texts.items():
            if value and "\x00" in value:
                out.append(f"{name}: {NUL_MESSAGE}")
        for i, action in enumerate(self.actions, start=1):
            if not action.description.strip():
                out.append(f"actions {i}: the action has no description")
            if not action.owner.strip():
                out.append(f"actions {i}: the action has no owner")
        return out

    def fields(self, rec: dict[str, Any], override: str | None, follow_up: date) -> dict[str, Any]:
        """The decision row's columns (call only when ``problems()`` is empty)."""
        assert self.category is not None and self.concordant is not None
        return {
            "category": self.category.value, "text": self.text.strip(), "concordant": self.concordant,
            "deviation_reason": (None if self.concordant or self.deviation_reason is None
                                 else self.deviation_reason.value),
            "deviation_text": None if self.concordant else clean(self.deviation_text),
            "actions": json.dumps([{"description": a.description.strip(), "owner": a.owner.strip(),
                                    "due": iso(a.due)} for a in self.actions], ensure_ascii=False),
            "patient_preferences": clean(self.patient_preferences),
            "counselling_delivered": json.dumps(list(self.counselling_delivered), ensure_ascii=False),
            "quorum_override": override,
            "recommendation": json.dumps(rec, ensure_ascii=False, sort_keys=True),
            "ruleset_id": rec["ruleset"]["id"], "ruleset_version": rec["ruleset"]["version"],
            "follow_up_due": follow_up,
        }


def parse_start_time(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    if not _TIME.match(text.strip()):
        raise MeetingError(f"time: {text!r} is not a time of day as HH:MM (for example 08:30)")
    return text.strip()


def no_nul(*values: str | None) -> None:
    """PostgreSQL cannot store a NUL character in text; refuse it on every database alike."""
    if any(v and "\x00" in v for v in values):
        raise MeetingError(NUL_MESSAGE)


def clean(value: str | None) -> str | None:
    no_nul(value)
    return value.strip() if value and value.strip() else None


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _checked_category(value: str) -> str:
    try:
        return DecisionCategory(value).value
    except ValueError:
        raise MeetingError(f"category: {value!r} is not a decision category; one of "
                           + ", ".join(c.value for c in DecisionCategory)) from None


def _checked_reason(value: str) -> str:
    try:
        return DeviationReason(value).value
    except ValueError:
        raise MeetingError(f"deviation_reason: {value!r} is not a reason; one of "
                           + ", ".join(r.value for r in DeviationReason)) from None


def _checked_bool(value: str) -> str:
    if value.strip().lower() not in ("true", "false", "yes", "no"):
        raise MeetingError(f"concordant: {value!r} is not yes or no")
    return str(value.strip().lower() in ("true", "yes"))


def _checked_text(value: str) -> str:
    no_nul(value)
    if not value.strip():
        raise MeetingError("value: the corrected text is empty")
    return value.strip()


# The decision fields a signed meeting's amendment may correct, each with its check. Their words
# for people are ``domain.meeting.AMENDABLE_FIELDS``.
AMENDABLE: dict[str, Callable[[str], str]] = {
    "text": _checked_text, "category": _checked_category, "concordant": _checked_bool,
    "deviation_reason": _checked_reason, "deviation_text": _checked_text,
    "patient_preferences": _checked_text,
}
