"""Building met / unmet / unknown criteria with their one-line details from the ruleset."""

from __future__ import annotations

from typing import Any, NamedTuple

from tumorboard.recommend.facts import CaseFacts
from tumorboard.recommend.result import Counsel, Criterion
from tumorboard.recommend.ruleset import Ruleset
from tumorboard.recommend.texts import fill, show_date


def criterion(ruleset: Ruleset, group: str, cid: str, met: bool | None, **facts: Any) -> Criterion:
    spec = ruleset.criteria[group][cid]
    template = spec.met if met is True else spec.unmet if met is False else spec.unknown
    return Criterion(cid, spec.label, met, fill(template, **facts), spec.references)


def counsel(ruleset: Ruleset, cid: str) -> Counsel:
    spec = ruleset.counselling[cid]
    return Counsel(spec.id, spec.text, spec.references)


class SharedCriteria(NamedTuple):
    """Criteria both verdicts show, built once per evaluation."""

    oligometastatic: Criterion
    no_progression: Criterion
    no_visceral_crisis: Criterion


def shared_criteria(f: CaseFacts, rs: Ruleset) -> SharedCriteria:
    latest = f.latest
    crisis = f.case.metastatic.visceral_crisis
    return SharedCriteria(
        criterion(rs, "shared", "oligometastatic", f.extent.oligometastatic,
                  count=f.extent.distant_lesion_count, count_text=f.count_text()),
        criterion(rs, "shared", "no_progression", None if latest is None else latest != "PD",
                  latest=latest, date=show_date(f.latest_date)),
        criterion(rs, "shared", "no_visceral_crisis", None if crisis is None else not crisis),
    )
