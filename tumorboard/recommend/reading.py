"""Reading a recommendation document (recommendation-v1) defensively, for the screens and the
minutes alike: a stored document may come from an older version and lack a key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# Plain words for the contract's verdicts when a (stored, older) document carries no label.
VERDICT_WORDS: dict[str, str] = {
    "not_applicable": "Not applicable (primary not intact)",
    "indicated_palliative": "Indicated for palliation",
    "consider_selected": "Consider in selected patients",
    "not_routine": "Not routinely recommended",
    "not_indicated": "Not indicated",
    "not_yet": "Not yet: assess response first",
    "consider": "Consider",
    "consider_non_progression": "Consider (disease not progressing)",
}
VERDICT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("primary_tumour", "Locoregional treatment of the primary tumour"),
    ("metastasis_directed_therapy", "Metastasis-directed therapy"),
)

ELIGIBILITY_TITLE = "Trial eligibility (NRG-BR002, SABR-COMET)"
ELIGIBILITY_NOTE = "How the case compares with the trials; it informs and does not change the verdict."
# Words beside a reference that is not verified evidence (the ruleset's evidence tags).
EVIDENCE_TAGS = {"secondary": "secondary source", "convention": "convention, not evidence"}


def older_ruleset_notice(rec: Mapping[str, Any], current: str | None) -> str:
    """A sentence when ``rec`` was produced by another ruleset version than the app's (a stored
    decision keeps the output it was made with); empty otherwise."""
    ruleset = mapping(rec.get("ruleset"))
    version = ruleset.get("version")
    if not current or not isinstance(version, str) or version == current:
        return ""
    return (f"As recorded with the decision under ruleset {ruleset.get('id') or 'unknown'} {version} "
            f"(this app has {current}): shown as the board saw it.")


def mapping(value: object) -> Mapping[str, Any]:
    """The value if it is an object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def items(value: object) -> list[Any]:
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else []


def records(value: object) -> list[Mapping[str, Any]]:
    """The objects of a list; anything else in it (null, a stray string) is skipped."""
    return [v for v in items(value) if isinstance(v, Mapping)]


def strings(value: object) -> list[str]:
    return [str(v) for v in items(value) if v is not None]


def humanise(value: object, empty: str) -> str:
    """``consider_selected`` -> ``Consider selected``; ``empty`` for nothing."""
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else empty


def verdict_words(section: Mapping[str, Any], empty: str) -> str:
    label = section.get("label")
    if isinstance(label, str) and label:
        return label
    verdict = section.get("verdict")
    if verdict is None:
        return "No verdict"
    return VERDICT_WORDS.get(str(verdict), humanise(verdict, empty))
