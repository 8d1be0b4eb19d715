"""The recommendation beside the case: verdicts in plain words, their criteria as a checklist,
warnings by severity, counselling, rationale with references, ruleset and the disclaimer."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

GLYPH = {True: ("&#10003;", "met", "#2e7d32"), False: ("&#10007;", "not met", "#c62828"),
         None: ("?", "unknown", "#8d6e00")}
DEFAULT_DISCLAIMER = "This recommendation supports and does not replace the board's judgement."
SEVERITY = [("critical", "Critical", "#c62828"), ("warning", "Warnings", "#b26a00"),
            ("info", "For information", "#1565c0")]


def _refs(ids: list[str], refs: dict[str, Any]) -> str:
    links = []
    for rid in ids:
        ref = refs.get(rid)
        if not ref:
            continue
        title = escape(ref["citation"])
        label = escape(rid.replace("_", " "))
        if ref.get("url"):
            links.append(f'<a href="{escape(ref["url"])}" title="{title}">{label}</a>')
        else:
            links.append(f'<span title="{title}">{label}</span>')
    return f'<span style="font-size:small">Sources: {", ".join(links)}</span>' if links else ""


def _criteria(items: list[dict[str, Any]]) -> str:
    rows = []
    for c in items:
        glyph, word, colour = GLYPH[c.get("met")]
        rows.append(f'<tr><td style="color:{colour}; font-weight:bold" title="{word}">{glyph}</td>'
                    f'<td><b>{escape(c.get("label") or c["id"])}</b> - {escape(c["detail"])}</td></tr>')
    return '<table cellspacing="2">' + "".join(rows) + "</table>"


def recommendation_html(rec: dict[str, Any] | None) -> str:
    """HTML for a recommendation document; plain words, never colour alone."""
    if not rec:
        return "<p><i>No recommendation: open a case to see what the guideline says.</i></p>"
    refs = rec.get("references", {})
    bio, dis, win = rec["biology"], rec["disease"], rec["response_window"]
    latest = rec["recist"]["latest"] if rec.get("recist") else None
    disclaimer = escape(rec.get("disclaimer") or DEFAULT_DISCLAIMER)
    parts = [
        f'<p style="background:#fff4d6; color:#3b2f00; padding:4px">{disclaimer}</p>',
        "<p>"
        f"Age at metastatic diagnosis <b>{rec['patient']['age_at_metastatic_diagnosis'] or '?'}</b> · "
        f"HR <b>{bio['hormone_receptor']}</b> · HER2 <b>{bio['her2']}</b> · "
        f"stage <b>{rec['stage']['ajcc8_anatomic'] or '?'}</b> · "
        f"distant lesions <b>{dis['distant_lesion_count']}{' (diffuse)' if dis.get('diffuse') else ''}</b>"
        f" · {escape(dis['omd_classification'].replace('_', ' '))} · response window "
        f"<b>{escape(win['status'].replace('_', ' '))}</b>"
        f"{' (' + win['opens'] + ' to ' + win['closes'] + ')' if win.get('opens') else ''}"
        f" · latest RECIST <b>{latest or 'none'}</b></p>",
    ]
    warnings = rec.get("warnings", [])
    for key, title, colour in SEVERITY:
        group = [w for w in warnings if w["severity"] == key]
        if group:
            items = "".join(f"<li><b>{escape(w['code'])}</b>: {escape(w['message'])} "
                            f"{_refs(w['references'], refs)}</li>" for w in group)
            parts.append(f'<h3 style="color:{colour}">{title}</h3><ul>{items}</ul>')
    for key in ("primary_tumour", "metastasis_directed_therapy"):
        v = rec[key]
        parts.append(f"<h3>{escape(v.get('title', key.replace('_', ' ')))}</h3>")
        parts.append(f"<p><b>{escape(v.get('label', v['verdict']))}</b></p>")
        parts.append(_criteria(v.get("criteria", [])))
        if v.get("palliative_criteria"):
            parts.append("<p><i>Palliative surgery</i></p>" + _criteria(v["palliative_criteria"]))
        parts.append(f"<p>{escape(v['rationale'])}</p>")
        if v.get("evidence"):
            parts.append(f"<p><i>Evidence: {escape(v['evidence'])}</i></p>")
        parts.append(f"<p>{_refs(v.get('references', []), refs)}</p>")
        for c in v.get("counselling", []):
            parts.append(f"<p>&#9758; <b>Counselling:</b> {escape(c['text'])} "
                         f"{_refs(c['references'], refs)}</p>")
    bone = rec["bone_health"]
    parts.append("<h3>Bone health</h3><ul>")
    for note in bone.get("notes", []):
        parts.append(f"<li>{escape(note['text'])} {_refs(note['references'], refs)}</li>")
    parts.append("</ul>")
    rs = rec["ruleset"]
    parts.append(f'<p style="font-size:small">Ruleset {escape(rs["id"])} version {escape(rs["version"])}'
                 f' · evaluated as of {escape(rec["as_of"])}</p>')
    return "".join(parts)


class RecommendationView(QTextBrowser):
    """Read-only rendering of the engine's output; links open the reference in the browser."""

    reference_opened = Signal(str)
    """Emitted with the URL of a reference the user opened."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setAccessibleName("Guideline recommendation")
        self.open_url = QDesktopServices.openUrl  # replaceable, so tests never start a browser
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.show_recommendation(None)

    def show_recommendation(self, rec: dict[str, Any] | None) -> None:
        # Links readable on light and dark palettes alike (Qt's default link blue is not).
        dark = self.palette().base().color().lightness() < 128
        self.document().setDefaultStyleSheet(f"a {{ color: {'#8ab4f8' if dark else '#0b57d0'}; }}")
        self.setHtml(recommendation_html(rec))

    def _on_anchor_clicked(self, url: QUrl) -> None:
        self.reference_opened.emit(url.toString())
        self.open_url(url)
