"""The words of the recommendation panel, from the engine's document, without Qt.

Every accessor accepts ``None`` or a partial document (an older engine, a field it could not
determine) and falls back to "not known" instead of failing: the board must still see the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tumorboard.domain.vocab import subtype_words
from tumorboard.recommend import reading

# Shared with the other reader of the recommendation document (tumorboard.recommend.reading).
VERDICT_SECTIONS = reading.VERDICT_SECTIONS
VERDICT_WORDS = reading.VERDICT_WORDS
items = reading.items
mapping = reading.mapping
records = reading.records

DEFAULT_DISCLAIMER = ("Decision support only: this recommendation supports and does not replace the "
                      "board's judgement.")
UNKNOWN = "not known"

# Met / not met / unknown: a glyph and a word, so colour is never the only cue.
CRITERION_MARKS: dict[bool | None, tuple[str, str]] = {True: ("✓", "met"), False: ("✗", "not met"),
                                                       None: ("?", "unknown")}
# Severity, in the order the board should read them, with a glyph and a heading.
SEVERITIES: tuple[tuple[str, str, str], ...] = (("critical", "✖", "Critical"), ("warning", "⚠", "Warning"),
                                                ("info", "ℹ", "For information"))
BONE_ITEMS = (("bone_modifying_agent", "Bone-modifying agent"), ("dental_evaluation", "Dental evaluation"),
              ("orthopaedic_evaluation", "Orthopaedic evaluation"))
# Sources that are not verified evidence say so wherever they are listed.
EVIDENCE_TAGS = reading.EVIDENCE_TAGS
ELIGIBILITY_TITLE = reading.ELIGIBILITY_TITLE
ELIGIBILITY_NOTE = reading.ELIGIBILITY_NOTE
older_ruleset_notice = reading.older_ruleset_notice


def humanise(value: object) -> str:
    """``consider_selected`` -> ``Consider selected``."""
    return reading.humanise(value, UNKNOWN)


def verdict_words(section: Mapping[str, Any]) -> str:
    return reading.verdict_words(section, UNKNOWN)


def _text(value: object) -> str:
    return UNKNOWN if value is None or value == "" else str(value)


def key_facts(rec: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, value) pairs for the line the board reads first."""
    biology, disease = mapping(rec.get("biology")), mapping(rec.get("disease"))
    count = disease.get("distant_lesion_count")
    lesions = _text(count) + (" (diffuse)" if disease.get("diffuse") else "")
    omd = disease.get("omd_classification")
    window = mapping(rec.get("response_window"))
    status = window.get("status")
    opens, closes = window.get("opens"), window.get("closes")
    dates = f" ({opens} to {closes})" if opens and closes else ""
    latest = mapping(rec.get("recist")).get("latest")
    return [("Age", _text(mapping(rec.get("patient")).get("age_at_metastatic_diagnosis"))),
            ("Subtype", subtype_words(biology.get("hormone_receptor"), biology.get("her2"))),
            ("Stage", _text(mapping(rec.get("stage")).get("ajcc8_anatomic"))),
            ("Distant lesions", lesions),
            ("OMD", humanise(omd).replace("omd", "OMD") if omd else UNKNOWN),
            ("Response window", (humanise(status).lower() if status else UNKNOWN) + dates),
            ("Latest RECIST", _text(latest) if rec.get("recist") is not None else "no baseline")]


@dataclass(frozen=True, slots=True)
class Criterion:
    glyph: str
    state: str  # "met", "not met", "unknown"
    met: bool | None
    label: str
    detail: str
    references: tuple[str, ...]


def criteria(section: Mapping[str, Any], key: str = "criteria") -> list[Criterion]:
    out = []
    for c in records(section.get(key)):
        met = c.get("met") if isinstance(c.get("met"), bool) else None
        glyph, state = CRITERION_MARKS[met]
        label = c.get("label") or humanise(c.get("id") or "criterion")
        out.append(Criterion(glyph, state, met, str(label), str(c.get("detail") or ""),
                             tuple(str(r) for r in items(c.get("references")))))
    return out


@dataclass(frozen=True, slots=True)
class RuleWarning:
    severity: str
    code: str
    message: str
    references: tuple[str, ...]


def warnings_by_severity(rec: Mapping[str, Any]) -> list[tuple[str, str, str, list[RuleWarning]]]:
    """(severity, glyph, heading, warnings): critical first; an unknown severity reads as information."""
    known = {s for s, _g, _t in SEVERITIES}
    groups: dict[str, list[RuleWarning]] = {s: [] for s in known}
    for w in records(rec.get("warnings")):
        severity = str(w.get("severity"))
        groups[severity if severity in known else "info"].append(RuleWarning(
            severity, str(w.get("code") or ""), str(w.get("message") or humanise(w.get("code") or "warning")),
            tuple(str(r) for r in items(w.get("references")))))
    return [(s, glyph, title, groups[s]) for s, glyph, title in SEVERITIES if groups[s]]


@dataclass(frozen=True, slots=True)
class Reference:
    id: str
    number: int
    citation: str
    url: str | None
    evidence: str | None


class ReferenceIndex:
    """Numbers references in the order the panel first cites them, as a paper would."""

    def __init__(self, refs: Mapping[str, Any]) -> None:
        self._refs = refs
        self._numbers: dict[str, int] = {}

    def cite(self, ref_ids: Sequence[str]) -> list[Reference]:
        out = []
        for rid in ref_ids:
            if rid not in self._numbers:
                self._numbers[rid] = len(self._numbers) + 1
            out.append(self.get(rid))
        return out

    def get(self, rid: str) -> Reference:
        ref = mapping(self._refs.get(rid))
        url = ref.get("url")
        return Reference(rid, self._numbers.get(rid, 0), str(ref.get("citation") or humanise(rid)),
                         str(url) if url else None, str(ref["evidence"]) if ref.get("evidence") else None)

    def cited(self) -> list[Reference]:
        return [self.get(rid) for rid in self._numbers]


def ruleset_line(rec: Mapping[str, Any]) -> str:
    rs = mapping(rec.get("ruleset"))
    line = f"Ruleset {_text(rs.get('id'))} version {_text(rs.get('version'))}"
    if rs.get("title"):
        line += f": {rs['title']}"
    if rec.get("as_of"):
        line += f". Evaluated as of {rec['as_of']}."
    return line


def disclaimer(rec: Mapping[str, Any] | None) -> str:
    text = mapping(rec).get("disclaimer")
    return text if isinstance(text, str) and text.strip() else DEFAULT_DISCLAIMER
