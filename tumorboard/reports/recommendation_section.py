"""The guideline recommendation of one case as the minutes print it: verdicts, criteria, warnings,
bone health, numbered references and the ruleset that produced them.

Reads the engine's output document (``tumorboard.recommendation/1``) defensively: a stored document
from an older engine may lack a field, and the board must still see the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Table, TableStyle

from tumorboard.recommend.reading import (
    ELIGIBILITY_NOTE,
    ELIGIBILITY_TITLE,
    EVIDENCE_TAGS,
    older_ruleset_notice,
)
from tumorboard.recommend.ruleset import default_ruleset
from tumorboard.reports.blocks import none_line
from tumorboard.reports.fonts import BOLD
from tumorboard.reports.styles import (
    ALERT,
    FRAME_WIDTH,
    INK,
    MUTED,
    OK,
    WARN,
    grid_style,
    hex_colour,
    para,
    styles,
    text,
)
from tumorboard.reports.wording import (
    BONE_ITEMS,
    CRITERION_MARKS,
    SEVERITY_ORDER,
    SEVERITY_WORDS,
    VERDICT_SECTIONS,
    humanise,
    mapping,
    records,
    strings,
    verdict_words,
)

_MARK_COLOURS = {True: OK, False: ALERT, None: WARN}
_SEVERITY_COLOURS = {"critical": ALERT, "warning": WARN, "info": MUTED}


class Citations:
    """Numbers references in order of first citation across the whole minutes, as a paper would.

    Every case cites from the same ruleset, so one list at the end replaces dozens of repeated ones;
    a reference whose wording differs (another ruleset version) gets a number of its own.
    """

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []  # (key, citation)
        self._numbers: dict[tuple[str, str], int] = {}

    def cite(self, refs: list[str], known: Mapping[str, Any]) -> str:
        """Markup such as ``[1, 3]`` for the given reference keys (empty when there are none)."""
        numbers = set()
        for key in refs:
            ref = mapping(known.get(key))
            citation = str(ref.get("citation") or key)
            tag = EVIDENCE_TAGS.get(str(ref.get("evidence")))
            entry = (key, f"{citation} ({tag})" if tag else citation)
            if entry not in self._numbers:
                self.entries.append(entry)
                self._numbers[entry] = len(self.entries)
            numbers.add(self._numbers[entry])
        if not numbers:
            return ""
        return f' <font size="6.5" color="#5A6472">[{", ".join(str(n) for n in sorted(numbers))}]</font>'


def _checklist(items: list[Mapping[str, Any]], known: Mapping[str, Any], cites: Citations) -> Table:
    """Mark, criterion and detail, one row each (a 40-case meeting prints over 500 of them)."""
    st = styles()
    rows: list[list[Flowable | str]] = []
    marks: list[tuple[object, ...]] = []
    for i, c in enumerate(items):
        met = c.get("met") if isinstance(c.get("met"), bool) else None
        # The mark is a plain cell (cheaper than a paragraph: a 40-case meeting has over 500),
        # coloured by one command per run of rows with the same colour (the same cell styles as
        # one per row, for a fraction of the table's style commands).
        colour = _MARK_COLOURS[met]
        if marks and marks[-1][3] is colour and marks[-1][2] == (0, i - 1):
            marks[-1] = ("TEXTCOLOR", marks[-1][1], (0, i), colour)
        else:
            marks.append(("TEXTCOLOR", (0, i), (0, i), colour))
        label = text(c.get("label") or humanise(c.get("id") or "criterion"))
        detail = text(c.get("detail") or "") + cites.cite(strings(c.get("references")), known)
        rows.append([CRITERION_MARKS[met], para(label, st.cell), para(detail, st.cell)])
    table = Table(rows, colWidths=[5 * mm, 70 * mm, FRAME_WIDTH - 75 * mm], hAlign="LEFT")
    table.setStyle(grid_style(header=False))
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (0, -1), BOLD), ("FONTSIZE", (0, 0), (0, -1), 8.5),
                               ("TOPPADDING", (0, 0), (0, -1), 2.4), *marks]))
    return table


def _verdict(section: Mapping[str, Any], title: str, rec: Mapping[str, Any],
             cites: Citations) -> list[Flowable]:
    st = styles()
    known = mapping(rec.get("references"))
    head = para(f"{text(section.get('title') or title)}: <b>{text(verdict_words(section))}</b>"
                f"{cites.cite(strings(section.get('references')), known)}", st.verdict)
    criteria = records(section.get("criteria"))
    out: list[Flowable] = [CondPageBreak(32 * mm), head]
    # Room for the verdict and a few criteria, else a new page; the criteria may then run over a
    # page break (keeping all of them with the verdict left half-empty pages).
    if criteria:
        out.append(_checklist(criteria, known, cites))
    eligibility = records(section.get("eligibility"))
    if eligibility:  # metastasis-directed therapy, ruleset 1.1 on: printed right under its verdict
        heading = (f'<b>{text(ELIGIBILITY_TITLE)}</b> <font color="#5A6472">{text(ELIGIBILITY_NOTE)}</font>')
        style = st.small.clone("eligibility", spaceBefore=1.2 * mm, spaceAfter=0.6 * mm, textColor=INK)
        out += [CondPageBreak(24 * mm), para(heading, style), _checklist(eligibility, known, cites)]
    return out if len(out) > 2 else [head]


def _bone_line(rec: Mapping[str, Any]) -> list[Flowable]:
    bone = mapping(rec.get("bone_health"))
    parts = [f"{words} {humanise(bone[key]).lower()}" for key, words in BONE_ITEMS if bone.get(key)]
    if not parts:
        return []
    style = styles().body.clone("bone", spaceBefore=1.5 * mm)
    return [para("<b>Bone health:</b> " + text("; ".join(parts)) + ".", style)]


def _warnings(rec: Mapping[str, Any], cites: Citations) -> list[Flowable]:
    st = styles()
    known = mapping(rec.get("references"))
    found = records(rec.get("warnings"))
    order = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    found.sort(key=lambda w: order.get(str(w.get("severity")), len(order)))
    rows: list[list[Flowable]] = []
    for w in found:
        severity = str(w.get("severity") or "info")
        colour = hex_colour(_SEVERITY_COLOURS.get(severity, MUTED))
        word = SEVERITY_WORDS.get(severity, humanise(severity))
        message = text(w.get("message") or "") + cites.cite(strings(w.get("references")), known)
        rows.append([para(f'<font color="{colour}"><b>{text(word)}</b></font>', st.cell),
                     para(message, st.cell)])
    if not rows:
        return []
    table = Table(rows, colWidths=[22 * mm, FRAME_WIDTH - 22 * mm], hAlign="LEFT")
    table.setStyle(grid_style(header=False))
    return [para("Warnings", st.h3), table]


def recommendation_flowables(rec: Mapping[str, Any] | None, cites: Citations) -> list[Flowable]:
    """The recommendation block; says so plainly when the case could not be evaluated."""
    st = styles()
    # Room for the heading and the first verdict's opening criteria (the verdicts' own page-break
    # checks then never fire straight after the heading and strand it).
    out: list[Flowable] = [CondPageBreak(42 * mm), para("Guideline recommendation (decision support)", st.h2)]
    if not rec:
        return [*out, none_line("No guideline recommendation: the case could not be evaluated.")]
    for key, title in VERDICT_SECTIONS:
        section = mapping(rec.get(key))
        if section:
            out += _verdict(section, title, rec, cites)
    out += _bone_line(rec)
    out += _warnings(rec, cites)
    ruleset = mapping(rec.get("ruleset"))
    as_of = f" · evaluated as of {text(rec['as_of'])}" if rec.get("as_of") else ""
    # A decision keeps the output it was made with; an older ruleset says so beside its version.
    older = older_ruleset_notice(rec, default_ruleset().version)
    out.append(para(f"Ruleset {text(ruleset.get('id') or 'unknown')} version "
                    f"{text(ruleset.get('version') or 'unknown')}{as_of}"
                    + (f" · {text(older)}" if older else "")
                    + " · numbers in brackets refer to the references at the end of the minutes", st.small))
    return out


def references(cites: Citations) -> list[Flowable]:
    """The numbered reference list the cases' bracketed numbers point to."""
    st = styles()
    if not cites.entries:
        return []
    # An appendix on a page of its own, after the sign-off that closes the minutes proper.
    out: list[Flowable] = [PageBreak(), para("References", st.h1),
                           para("Evidence cited by the guideline recommendations in the case sections.",
                                st.body)]
    style = st.small.clone("reference", leftIndent=8 * mm, bulletIndent=0, spaceAfter=0.8 * mm,
                           textColor=INK, fontSize=7.2, leading=9.2, bulletFontSize=7.2,
                           bulletFontName=st.small.fontName)
    out += [Paragraph(text(citation), style, bulletText=f"[{n}]")
            for n, (_, citation) in enumerate(cites.entries, start=1)]
    return out
