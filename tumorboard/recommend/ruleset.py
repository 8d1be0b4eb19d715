"""The guideline ruleset: thresholds, texts and references loaded from ``resources/guidelines``.

The file is data a clinician reviews; this module only reads it and checks that it is whole
(every text present, every reference cited exists), so a broken edit fails loudly at load time
instead of showing a half-empty recommendation at the meeting.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from tumorboard.cache_folder import cache_folder, content_key, keep
from tumorboard.resources import resource_path

log = logging.getLogger(__name__)

DEFAULT_RULESET = ("guidelines", "ombc.yaml")

_REQUIRED_THRESHOLDS = (
    "hormone_receptor_positive_min_percent",
    "oligometastatic_max_lesions",
    "selected_subgroup_age_below",
    "response_window_opens_months",
    "response_window_closes_months",
    "synchronous_cutoff_months",
    "orthopaedic_required_bone_sites",
    "orthopaedic_advisory_bone_sites",
    "mdt_trial_max_lesions",
    "mdt_trial_max_lesion_mm",
    "local_therapy_max_ecog",
    "er_low_below_percent",
    "palliative_care_min_ecog",
)


# verified / secondary: as tagged in the evidence digest; convention: a rule this app (or its
# founding care algorithm) sets where no verified source does, always shown as a convention.
EVIDENCE_TAGS = ("verified", "secondary", "convention")


class RulesetError(ValueError):
    """The ruleset file is incomplete or inconsistent."""


@dataclass(frozen=True, slots=True)
class Reference:
    """One guideline or trial the ruleset cites, and how its reading was checked."""

    id: str
    citation: str
    url: str | None
    evidence: str  # "verified" | "secondary" | "convention"


class CriterionSpec(NamedTuple):
    label: str
    met: str
    unmet: str
    unknown: str
    references: tuple[str, ...]
    # Detail templates by the rule's branch, where one criterion has several ways to be decided.
    branches: dict[str, str] = {}  # noqa: RUF012 - read-only after loading


class ChangelogEntry(NamedTuple):
    """One version of the ruleset: what changed from the one before, and why."""

    version: str
    date: str
    changes: tuple[str, ...]


class CounselSpec(NamedTuple):
    id: str
    text: str
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ruleset:
    """The guideline ruleset as read from its file: thresholds, labels, verdicts and references."""

    id: str
    version: str
    title: str
    disclaimer: str
    thresholds: dict[str, Any]
    labels: dict[str, dict[str, str]]
    verdicts: dict[str, dict[str, Any]]
    criteria: dict[str, dict[str, CriterionSpec]]
    counselling: dict[str, CounselSpec]
    bone_health: dict[str, dict[str, Any]]
    warnings: dict[str, dict[str, Any]]
    references: dict[str, Reference]
    changelog: tuple[ChangelogEntry, ...] = ()

    def threshold(self, name: str) -> Any:
        return self.thresholds[name]["value"]


def _collect_reference_ids(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("references", "source") and isinstance(value, list):
                found.update(value)
            else:
                _collect_reference_ids(value, found)
    elif isinstance(node, list):
        for item in node:
            _collect_reference_ids(item, found)


def _normalise_text(node: Any) -> Any:
    """Collapse the line breaks YAML folding leaves in texts, once, at load time."""
    if isinstance(node, str):
        return " ".join(node.split())
    if isinstance(node, dict):
        return {k: _normalise_text(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_normalise_text(v) for v in node]
    return node


def parse_ruleset(data: dict[str, Any]) -> Ruleset:
    """Build a Ruleset from parsed YAML, refusing incomplete or dangling content."""
    data = _normalise_text(data)
    try:
        references = {
            rid: Reference(rid, " ".join(str(r["citation"]).split()), r.get("url"),
                           str(r["evidence"]))
            for rid, r in data["references"].items()
        }
        ruleset = Ruleset(
            id=str(data["id"]),
            version=str(data["version"]),
            title=str(data["title"]),
            disclaimer=" ".join(str(data["disclaimer"]).split()),
            thresholds=data["thresholds"],
            labels=data["labels"],
            verdicts=data["verdicts"],
            criteria={
                group: {cid: CriterionSpec(str(c["label"]), str(c["met"]), str(c["unmet"]),
                                           str(c["unknown"]), tuple(c.get("references", ())),
                                           {str(k): str(v) for k, v in c.get("branches", {}).items()})
                        for cid, c in specs.items()}
                for group, specs in data["criteria"].items()
            },
            counselling={cid: CounselSpec(cid, str(c["text"]), tuple(c["references"]))
                         for cid, c in data["counselling"].items()},
            bone_health=data["bone_health"],
            warnings=data["warnings"],
            references=references,
            changelog=tuple(ChangelogEntry(str(e["version"]), str(e["date"]),
                                           tuple(str(c) for c in e["changes"]))
                            for e in data.get("changelog", ())),
        )
    except (KeyError, TypeError) as exc:
        raise RulesetError(f"ruleset is missing a section or field: {exc}") from None
    if ruleset.changelog and ruleset.changelog[0].version != ruleset.version:
        raise RulesetError(f"the changelog's newest entry is {ruleset.changelog[0].version}, "
                           f"not the ruleset's version {ruleset.version}")
    missing = [t for t in _REQUIRED_THRESHOLDS if t not in ruleset.thresholds]
    if missing:
        raise RulesetError(f"ruleset lacks thresholds: {', '.join(missing)}")
    for ref in references.values():
        if ref.evidence not in EVIDENCE_TAGS:
            # Unverified material is never shown to users as fact; a convention is shown as one.
            raise RulesetError(f"reference {ref.id!r} has evidence tag {ref.evidence!r}; "
                               "only verified or secondary sources, or a named convention, may be cited")
    cited: set[str] = set()
    _collect_reference_ids(data, cited)
    dangling = sorted(cited - set(references))
    if dangling:
        raise RulesetError(f"ruleset cites unknown references: {', '.join(dangling)}")
    for code, warning in ruleset.warnings.items():
        if warning.get("severity") not in ("critical", "warning", "info"):
            raise RulesetError(f"warning {code} has no valid severity")
        if not warning.get("references"):
            raise RulesetError(f"warning {code} cites no source")
    return ruleset


def load_ruleset(path: Path) -> Ruleset:
    data = ruleset_data(path.read_bytes(), path.stem)
    if not isinstance(data, dict):
        raise RulesetError(f"{path.name} is not a ruleset")
    return parse_ruleset(data)


def _from_yaml(raw: bytes) -> Any:
    import yaml  # with its reading of the text, a quarter of `tumorboard recommend`: once per file

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(raw.decode("utf-8"), Loader=loader)


def ruleset_data(raw: bytes, name: str) -> Any:
    """The YAML ``raw`` as data, read once per content and kept in the cache folder as JSON
    (named by the hash of these very bytes: an edited ruleset is read anew). Only data that JSON
    gives back unchanged is kept; the checks of ``parse_ruleset`` run on every load either way."""
    path = cache_folder() / f"ruleset_{name}_{content_key(raw)[:20]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass  # not kept yet (or unreadable): read the YAML
    data = _from_yaml(raw)
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):  # a date, say: JSON cannot hold it, the YAML is read each time
        return data
    if json.loads(text) == data:  # numbers as keys would come back as text: not kept either
        try:
            keep(path, text)
        except OSError as exc:
            log.info("the ruleset is read from its YAML each time (%s)", exc)
    return data


@cache
def default_ruleset() -> Ruleset:
    """The shipped oligometastatic breast cancer ruleset (loaded once per process)."""
    return load_ruleset(resource_path(*DEFAULT_RULESET))
