"""The recommendation document as one rich-text page (Qt's HTML subset), without Qt.

One document instead of a widget per line: Qt lays out a single rich-text page of this size in a
few milliseconds where some eighty word-wrapped labels took tens (bench/RESULTS.md, "Desktop app").
Glyphs, words and colours together: colour is never the only cue. Every free text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from tumorboard.gui.recommendation import recommendation_text as words
from tumorboard.gui.recommendation.recommendation_text import Criterion, Reference, ReferenceIndex, mapping

REF_SCHEME = "ref:"

# (light palette, dark palette) tones; text stays the palette's, these only mark glyphs and edges.
TONES = {
    "met": ("#2e7d32", "#81c784"), "not met": ("#c62828", "#ef9a9a"), "unknown": ("#8d6e00", "#ffd54f"),
    "critical": ("#c62828", "#ef9a9a"), "warning": ("#b26a00", "#ffb74d"), "info": ("#1565c0", "#90caf9"),
    "link": ("#0b57d0", "#8ab4f8"), "edge": ("#c4c7c5", "#5f6368"),
}


@dataclass(frozen=True, slots=True)
class Look:
    """What the page needs from the screen: palette darkness, muted text and edge colours, layout."""

    dark: bool = False
    muted: str = "#5f6368"  # names beside values, placeholder text
    fact_columns: int = 1  # name/value pairs a row
    point_size: float = 10.0  # the widget's font: headings and verdicts scale from it (projector)
    current_ruleset: str | None = None  # the app's ruleset version: an older stored output says so

    def pt(self, scale: float) -> str:
        return f"{self.point_size * scale:.1f}pt"

    def tone(self, key: str) -> str:
        return TONES[key][self.dark]


def page(rec: Mapping[str, Any] | None, look: Look) -> str:
    """The whole panel below the disclaimer, for ``rec`` (``None``: a placeholder)."""
    if rec is None:
        return (f'<p style="color:{look.muted}">No recommendation: open a case to see what the '
                "guideline says.</p>")
    builder = _Page(rec, look)
    return builder.html()


def summary(rec: Mapping[str, Any] | None) -> str:
    """One line for assistive technology: each verdict and the warning counts."""
    if rec is None:
        return "No recommendation"
    parts = [f"{section.get('title') or title}: {words.verdict_words(section)}"
             for key, title in words.VERDICT_SECTIONS
             if isinstance(section := rec.get(key), Mapping)]
    parts += [f"{len(group)} {title.lower()}" for _s, _g, title, group in words.warnings_by_severity(rec)]
    return "; ".join(parts) or "Recommendation"


class _Page:
    def __init__(self, rec: Mapping[str, Any], look: Look) -> None:
        self.rec = rec
        self.look = look
        self.refs = ReferenceIndex(mapping(mapping(rec).get("references")))
        self.out: list[str] = []

    def html(self) -> str:
        self._stored_under_older_ruleset()
        self._facts()
        self._warnings()
        for key, title in words.VERDICT_SECTIONS:
            if isinstance(self.rec.get(key), Mapping):
                self._verdict(self.rec[key], title)
        self._bone_health(mapping(self.rec.get("bone_health")))
        self._references()
        self.out.append(f'<p style="font-size:small; color:{self.look.muted}">'
                        f"{escape(words.ruleset_line(self.rec))}</p>")
        return "".join(self.out)

    # -- pieces ---------------------------------------------------------------------------------
    def _heading(self, html: str) -> None:
        self.out.append(f'<p style="margin-top:10px; margin-bottom:2px; font-weight:600; '
                        f'font-size:{self.look.pt(1.15)}">{html}</p>')

    def _sources(self, ref_ids: Sequence[str]) -> str:
        """``Sources: [1] [2]``; each number links to its reference (ids become numbers)."""
        links = []
        for ref in self.refs.cite([str(r) for r in ref_ids]):
            number = f"[{ref.number}]"
            links.append(f'<a href="{REF_SCHEME}{escape(ref.id)}" style="color:{self.look.tone("link")}">'
                         f"{number}</a>" if ref.url else number)
        return f'<span style="font-size:small">Sources: {" ".join(links)}</span>' if links else ""

    def _stored_under_older_ruleset(self) -> None:
        """A decision keeps the output it was made with; say which ruleset that was, up front."""
        notice = words.older_ruleset_notice(self.rec, self.look.current_ruleset)
        if notice:
            glyph = f'<span style="color:{self.look.tone("info")}">ℹ</span>'
            self.out.append(f'<p style="margin-bottom:6px">{glyph} <i>{escape(notice)}</i></p>')

    def _facts(self) -> None:
        facts = words.key_facts(self.rec)
        columns = max(1, self.look.fact_columns)
        rows = []
        for start in range(0, len(facts), columns):
            cells = "".join(f'<td style="color:{self.look.muted}; padding-right:6px">{escape(name)}</td>'
                            f'<td style="font-weight:600; padding-right:12px">{escape(value)}</td>'
                            for name, value in facts[start:start + columns])
            rows.append(f"<tr>{cells}</tr>")
        self.out.append(f'<table cellspacing="0" cellpadding="1">{"".join(rows)}</table>')

    def _warnings(self) -> None:
        for severity, glyph, title, group in words.warnings_by_severity(self.rec):
            tone = self.look.tone(severity)
            self._heading(f'<span style="color:{tone}">{glyph}</span> {escape(title)} ({len(group)})')
            rows = []
            for w in group:
                sources = self._sources(w.references)
                text = escape(w.message) + (f"<br>{sources}" if sources else "")
                # The rule code is for the record, not for reading aloud: a tooltip (title).
                rows.append(f'<tr><td width="4" bgcolor="{tone}"></td>'
                            f'<td title="{escape(w.code)}">{text}</td></tr>')
            self.out.append(f'<table cellspacing="0" cellpadding="3" style="margin-bottom:4px">'
                            f"{''.join(rows)}</table>")

    def _criteria(self, items: list[Criterion]) -> str:
        """A glyph column, then the criterion and its detail (a hanging indent)."""
        rows = []
        for c in items:
            detail = f"<br>{escape(c.detail)}" if c.detail else ""
            rows.append(f'<tr><td width="18" style="color:{self.look.tone(c.state)}; font-weight:600">'
                        f"{c.glyph}</td><td><b>{escape(c.label)}</b> <i>({c.state})</i>{detail}</td></tr>")
        return f'<table cellspacing="0" cellpadding="2">{"".join(rows)}</table>' if rows else ""

    def _verdict(self, section: Mapping[str, Any], fallback_title: str) -> None:
        title = str(section.get("title") or fallback_title)
        body = [f"<p style='font-weight:600; margin:0'>{escape(title)}</p>",
                f"<p style='font-weight:600; font-size:{self.look.pt(1.3)}; margin-top:2px'>"
                f"{escape(words.verdict_words(section))}</p>"]
        palliative = words.criteria(section, "palliative_criteria")
        if palliative:  # two checklists: say which one is which
            body.append("<p style='font-weight:600; margin-bottom:0'>Selected-subgroup criteria</p>")
        eligibility = words.criteria(section, "eligibility")
        checklist = self._criteria(words.criteria(section))
        if eligibility:
            # The trial-eligibility checklist sits beside the verdict's own criteria where there is
            # room (a wide panel, the projector), below them otherwise.
            trials = (f"<p style='font-weight:600; margin-bottom:0'>{escape(words.ELIGIBILITY_TITLE)}</p>"
                      f"<p style='font-size:small; color:{self.look.muted}; margin:0'>"
                      f"{escape(words.ELIGIBILITY_NOTE)}</p>{self._criteria(eligibility)}")
            criteria = (f"<p style='font-weight:600; margin-bottom:0'>Criteria of the verdict</p>{checklist}")
            if self.look.fact_columns >= 2:
                body.append(f'<table width="100%" cellspacing="0" cellpadding="0"><tr>'
                            f'<td width="50%" valign="top" style="padding-right:8px">{criteria}</td>'
                            f'<td width="50%" valign="top">{trials}</td></tr></table>')
            else:
                body.append(criteria + trials)
        else:
            body.append(checklist)
        if palliative:
            body.append("<p style='font-weight:600; margin-bottom:0'>Palliative surgery criteria</p>")
            body.append(self._criteria(palliative))
        if section.get("rationale"):
            body.append(f"<p>{escape(str(section['rationale']))}</p>")
        if section.get("evidence"):
            body.append(f"<p><i>Evidence: {escape(str(section['evidence']))}</i></p>")
        sources = self._sources(words.items(section.get("references")))
        if sources:
            body.append(f"<p>{sources}</p>")
        counselling = words.records(section.get("counselling"))
        if counselling:
            body.append("<p style='font-weight:600; margin-bottom:0'>Counselling points</p>")
        for c in counselling:
            sources = self._sources(words.items(c.get("references")))
            body.append(f"<p style='margin-top:2px'>• {escape(str(c.get('text') or ''))}"
                        + (f"<br>{sources}" if sources else "") + "</p>")
        edge = self.look.tone("edge")
        self.out.append(f'<table width="100%" cellspacing="0" cellpadding="8" border="1" '
                        f'style="border-collapse:collapse; border-style:solid; border-color:{edge}; '
                        f'margin-top:8px"><tr><td style="border:1px solid {edge}">{"".join(body)}</td></tr>'
                        "</table>")

    def _bone_health(self, bone: Mapping[str, Any]) -> None:
        if not bone:
            return
        self._heading("Bone health")
        for key, name in words.BONE_ITEMS:
            value = bone.get(key)
            shown = words.humanise(value).lower() if value else words.UNKNOWN
            self.out.append(f"<p style='margin:1px'>{escape(name)}: <b>{escape(shown)}</b></p>")
        for note in words.records(bone.get("notes")):
            sources = self._sources(words.items(note.get("references")))
            self.out.append(f"<p style='margin-top:3px'>• {escape(str(note.get('text') or ''))}"
                            + (f" {sources}" if sources else "") + "</p>")

    def _references(self) -> None:
        cited = self.refs.cited()
        if not cited:
            return
        self._heading("References")
        self.out.extend(f"<p style='font-size:small; margin:2px'>{self._reference(ref)}</p>" for ref in cited)

    def _reference(self, ref: Reference) -> str:
        citation = escape(ref.citation)
        if ref.url:
            citation = (f'<a href="{REF_SCHEME}{escape(ref.id)}" style="color:{self.look.tone("link")}">'
                        f"{citation}</a>")
        tag = f" <i>({words.EVIDENCE_TAGS[ref.evidence]})</i>" if ref.evidence in words.EVIDENCE_TAGS else ""
        return f"[{ref.number}] {citation}{tag}"


def reference_index(rec: Mapping[str, Any] | None) -> ReferenceIndex:
    """The references of ``rec`` by id (numbers are the page's; lookups need only citation and URL)."""
    return ReferenceIndex(mapping(mapping(rec).get("references")))
