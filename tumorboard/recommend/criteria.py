"""Building met / unmet / unknown criteria with their one-line details from the ruleset."""

from __future__ import annotations

from typing import Any

from tumorboard.recommend.result import Criterion
from tumorboard.recommend.ruleset import Ruleset
from tumorboard.recommend.texts import fill


def criterion(ruleset: Ruleset, group: str, cid: str, met: bool | None, **facts: Any) -> Criterion:
    spec = ruleset.criteria[group][cid]
    key = "met" if met is True else "unmet" if met is False else "unknown"
    return Criterion(
        id=cid,
        label=str(spec["label"]),
        met=met,
        detail=fill(str(spec[key]), **facts),
        references=tuple(spec.get("references", ())),
    )
