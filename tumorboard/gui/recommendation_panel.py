"""The guideline recommendation beside the case, built from labels in a scroll area.

Key facts, warnings by severity (critical first), each verdict in plain words with its criteria as
a met / not met / unknown checklist, rationale and counselling with numbered, clickable sources,
bone health, the ruleset and, always in view above the scroll area, the decision-support
disclaimer. Any part of the document may be missing; the panel shows what it has.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCursor,
    QDesktopServices,
    QFont,
    QPalette,
    QResizeEvent,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from tumorboard.gui import recommendation_text as words
from tumorboard.gui.recommendation_text import Criterion, Reference, ReferenceIndex, mapping

# (light palette, dark palette) tones; text stays the palette's, these only mark glyphs and edges.
TONES = {
    "met": ("#2e7d32", "#81c784"), "not met": ("#c62828", "#ef9a9a"), "unknown": ("#8d6e00", "#ffd54f"),
    "critical": ("#c62828", "#ef9a9a"), "warning": ("#b26a00", "#ffb74d"), "info": ("#1565c0", "#90caf9"),
    "link": ("#0b57d0", "#8ab4f8"),
}
DISCLAIMER_STYLE = ({"bg": "#fff4d6", "fg": "#3b2f00", "edge": "#e0b34c"},
                    {"bg": "#3a3000", "fg": "#ffe9a8", "edge": "#8a6d1f"})
REF_SCHEME = "ref:"


class FactsGrid(QWidget):
    """Name / value pairs: two pairs a row when there is room, one a row in a narrow panel."""

    def __init__(self, pairs: list[tuple[QLabel, QLabel]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pairs = pairs
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(8)
        # Wide enough for two columns when the widest name and value fit twice without wrapping.
        widest = max((n.sizeHint().width() + v.sizeHint().width() for n, v in pairs), default=0)
        self._two_columns_from = 2 * widest + 3 * self._grid.horizontalSpacing()
        self._columns = 0
        self._arrange(1)

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for name, value in self._pairs:  # moved, not re-added: Qt warns about a widget in two cells
            self._grid.removeWidget(name)
            self._grid.removeWidget(value)
        for i, (name, value) in enumerate(self._pairs):
            row, col = divmod(i, columns)
            self._grid.addWidget(name, row, col * 2, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(value, row, col * 2 + 1, Qt.AlignmentFlag.AlignTop)
        for col in range(4):
            self._grid.setColumnStretch(col, 1 if col % 2 and col // 2 < columns else 0)

    def columns(self) -> int:
        return self._columns

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(2 if event.size().width() >= self._two_columns_from else 1)
        super().resizeEvent(event)


class RecommendationPanel(QWidget):
    """Read-only view of one recommendation document; references open in the browser."""

    reference_opened = Signal(str)
    """Emitted with the URL of a reference the user activated, just before it is opened."""

    def __init__(self, parent: QWidget | None = None,
                 open_url: Callable[[QUrl], object] | None = None) -> None:
        super().__init__(parent)
        # Injected so tests (and a kiosk build) can see the URL without starting a browser.
        self.open_url: Callable[[QUrl], object] = open_url or QDesktopServices.openUrl
        self.setAccessibleName("Guideline recommendation")
        self._rec: dict[str, Any] | None = None
        self._refs = ReferenceIndex({})
        self._scroll_to = 0
        self._content = QWidget()  # replaced, with its layout, on every build
        self._layout = QVBoxLayout(self._content)
        self._built = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.disclaimer = QLabel()
        self.disclaimer.setObjectName("disclaimer")
        self.disclaimer.setWordWrap(True)
        self.disclaimer.setAccessibleName("Decision-support disclaimer")
        outer.addWidget(self.disclaimer)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setAccessibleName("Recommendation details")
        outer.addWidget(self.scroll_area, 1)
        self.set_recommendation(None)

    # -- public -------------------------------------------------------------------------------
    def set_recommendation(self, rec: Mapping[str, Any] | None) -> None:
        """Show ``rec`` (the engine's document), or a placeholder for ``None``."""
        # A deep copy: the caller may keep editing its document, and equality below must compare
        # what is on screen with what is asked for.
        new = copy.deepcopy(dict(rec)) if isinstance(rec, Mapping) else None
        if new == self._rec and self._built:
            return  # live editing recomputes often; an unchanged result keeps the reader's place
        self._scroll_to = self.scroll_area.verticalScrollBar().value()
        self._rec = new
        self._build()
        QTimer.singleShot(0, self, self._restore_scroll)

    def sizeHint(self) -> QSize:
        # About 60 characters a line: verdicts and rationale read without a wall of wrapping.
        return QSize(self.fontMetrics().averageCharWidth() * 60, self.fontMetrics().height() * 30)

    def recommendation(self) -> dict[str, Any] | None:
        return self._rec

    def plain_text(self) -> str:
        """Everything the panel says, in reading order (screen readers, tests, copy to notes)."""
        labels = [self.disclaimer, *self._content.findChildren(QLabel)]
        return "\n".join(QTextDocumentFragment.fromHtml(label.text()).toPlainText()
                         if label.textFormat() == Qt.TextFormat.RichText else label.text()
                         for label in labels)

    def reference_labels(self) -> list[QLabel]:
        """The labels holding reference links, in reading order."""
        return [label for label in self._content.findChildren(QLabel)
                if f'href="{REF_SCHEME}' in label.text()]

    def open_reference(self, ref_id: str) -> str | None:
        """Open the reference's URL; returns it, or None when the reference has no URL."""
        url = self._refs.get(ref_id).url
        if url is None:
            return None
        self.reference_opened.emit(url)
        self.open_url(QUrl(url))
        return url

    # -- building -----------------------------------------------------------------------------
    def _tone(self, key: str) -> str:
        return TONES[key][self._dark()]

    def _dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Base).lightness() < 128

    def _build(self) -> None:
        rec = self._rec
        style = DISCLAIMER_STYLE[self._dark()]
        self.disclaimer.setStyleSheet(
            f"QLabel#disclaimer {{ background: {style['bg']}; color: {style['fg']}; "
            f"border: 1px solid {style['edge']}; border-radius: 4px; padding: 6px; }}")
        self.disclaimer.setText(words.disclaimer(rec))
        self._content = content = QWidget()
        content.setAccessibleName("Recommendation content")
        self._layout = QVBoxLayout(content)
        self._refs = ReferenceIndex(mapping(mapping(rec).get("references")))
        if rec is None:
            self._add(self._label("No recommendation: open a case to see what the guideline says.",
                                  role=QPalette.ColorRole.PlaceholderText))
        else:
            self._add_facts(rec)
            self._add_warnings(rec)
            for key, title in words.VERDICT_SECTIONS:
                if isinstance(rec.get(key), Mapping):
                    self._add_verdict(rec[key], title)
            self._add_bone_health(mapping(rec.get("bone_health")))
            self._add_references()
            self._add(self._label(words.ruleset_line(rec), small=True, name="Ruleset"))
        self._layout.addStretch(1)
        self.scroll_area.setWidget(content)
        self._built = True

    def _restore_scroll(self) -> None:
        self.scroll_area.verticalScrollBar().setValue(self._scroll_to)

    def _add(self, widget: QWidget, into: QVBoxLayout | None = None) -> None:
        (into or self._layout).addWidget(widget)

    def _label(self, text: str, *, rich: bool = False, bold: bool = False, scale: float = 1.0,
               small: bool = False, name: str | None = None,
               role: QPalette.ColorRole | None = None) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.font())
        font.setBold(bold)
        font.setPointSizeF(font.pointSizeF() * (0.9 if small else scale))
        label.setFont(font)
        if role is not None:
            pal = label.palette()
            pal.setColor(QPalette.ColorRole.WindowText, self.palette().color(role))
            label.setPalette(pal)
        label.setAccessibleName(name or QTextDocumentFragment.fromHtml(text).toPlainText()[:80])
        return label

    def _heading(self, text: str, into: QVBoxLayout | None = None, name: str | None = None) -> None:
        heading = self._label(text, rich=name is not None, bold=True, scale=1.15,
                              name=f"Section: {name or text}")
        heading.setContentsMargins(0, 6, 0, 0)
        self._add(heading, into)

    def _sources(self, ref_ids: tuple[str, ...] | list[str]) -> str:
        """Rich text ``Sources: [1] [2]``; each number links to its reference (ids become numbers)."""
        links = []
        for ref in self._refs.cite([str(r) for r in ref_ids]):
            number = f"[{ref.number}]"
            links.append(f'<a href="{REF_SCHEME}{escape(ref.id)}" style="color:{self._tone("link")}">'
                         f"{number}</a>" if ref.url else number)
        return f'<span style="font-size:small">Sources: {" ".join(links)}</span>' if links else ""

    def _link_label(self, html: str, name: str) -> QLabel:
        label = self._label(html, rich=True, name=name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                      | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
                                      | Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        label.linkActivated.connect(self._on_reference_link_activated)
        label.linkHovered.connect(self._on_reference_link_hovered)
        return label

    def _add_facts(self, rec: Mapping[str, Any]) -> None:
        facts = words.key_facts(rec)
        pairs = [(self._label(name, role=QPalette.ColorRole.PlaceholderText, name=name),
                  self._label(value, bold=True, name=f"{name}: {value}")) for name, value in facts]
        grid = FactsGrid(pairs)
        grid.setAccessibleName("Key facts: " + "; ".join(f"{n} {v}" for n, v in facts))
        self._add(grid)

    def _add_warnings(self, rec: Mapping[str, Any]) -> None:
        for severity, glyph, title, group in words.warnings_by_severity(rec):
            self._heading(f'<span style="color:{self._tone(severity)}">{glyph}</span> '
                          f"{escape(title)} ({len(group)})", name=f"{title}: {len(group)}")
            for w in group:
                frame = QFrame()
                frame.setObjectName(f"warning_{severity}")
                # "border: none" first: Qt draws a one-sided border only once the others are reset.
                frame.setStyleSheet(f"QFrame#warning_{severity} {{ border: none; border-left: 4px solid "
                                    f"{self._tone(severity)}; }}")
                box = QVBoxLayout(frame)
                box.setContentsMargins(8, 2, 0, 2)
                sources = self._sources(w.references)
                text = escape(w.message) + (f"<br>{sources}" if sources else "")
                label = self._link_label(text, f"{title}: {w.message}")
                label.setToolTip(w.code)  # the code is for the record, not for reading aloud
                self._add(label, box)
                self._add(frame)

    def _add_criteria(self, items: list[Criterion], into: QVBoxLayout) -> None:
        """One row per criterion: a glyph column, then the criterion and its detail (hanging indent)."""
        for c in items:
            row = QWidget()
            row.setAccessibleName(f"{c.label}: {c.state}")
            line = QHBoxLayout(row)
            line.setContentsMargins(4, 0, 0, 0)
            glyph = self._label(c.glyph, bold=True, name=c.state)
            glyph.setStyleSheet(f"color: {self._tone(c.state)};")
            glyph.setFixedWidth(glyph.fontMetrics().horizontalAdvance("✓✗?") // 2 + 6)
            glyph.setWordWrap(False)
            line.addWidget(glyph, 0, Qt.AlignmentFlag.AlignTop)
            detail = f"<br>{escape(c.detail)}" if c.detail else ""
            line.addWidget(self._label(f"<b>{escape(c.label)}</b> <i>({c.state})</i>{detail}", rich=True,
                                       name=f"{c.label}: {c.state}. {c.detail}"), 1)
            self._add(row, into)

    def _add_verdict(self, section: Mapping[str, Any], fallback_title: str) -> None:
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(card)
        title = str(section.get("title") or fallback_title)
        self._add(self._label(title, bold=True, name=f"Section: {title}"), box)
        verdict = words.verdict_words(section)
        self._add(self._label(verdict, bold=True, scale=1.3, name=f"Verdict: {verdict}"), box)
        palliative = words.criteria(section, "palliative_criteria")
        if palliative:  # two checklists: say which one is which
            self._add(self._label("Selected-subgroup criteria", bold=True), box)
        self._add_criteria(words.criteria(section), box)
        if palliative:
            self._add(self._label("Palliative surgery criteria", bold=True), box)
            self._add_criteria(palliative, box)
        if section.get("rationale"):
            self._add(self._label(str(section["rationale"])), box)
        if section.get("evidence"):
            self._add(self._label(f"<i>Evidence: {escape(str(section['evidence']))}</i>", rich=True), box)
        sources = self._sources(words.items(section.get("references")))
        if sources:
            self._add(self._link_label(sources, f"Sources for {title}"), box)
        counselling = words.records(section.get("counselling"))
        if counselling:
            self._add(self._label("Counselling points", bold=True), box)
        for c in counselling:
            sources = self._sources(words.items(c.get("references")))
            text = f"• {escape(str(c.get('text') or ''))}" + (f"<br>{sources}" if sources else "")
            self._add(self._link_label(text, f"Counselling: {c.get('text') or ''}"), box)
        self._add(card)

    def _add_bone_health(self, bone: Mapping[str, Any]) -> None:
        if not bone:
            return
        self._heading("Bone health")
        for key, name in words.BONE_ITEMS:
            value = bone.get(key)
            shown = words.humanise(value).lower() if value else words.UNKNOWN
            self._add(self._label(f"{escape(name)}: <b>{escape(shown)}</b>", rich=True,
                                  name=f"{name}: {shown}"))
        for note in words.records(bone.get("notes")):
            sources = self._sources(words.items(note.get("references")))
            text = f"• {escape(str(note.get('text') or ''))}" + (f" {sources}" if sources else "")
            self._add(self._link_label(text, f"Bone health: {note.get('text') or ''}"))

    def _add_references(self) -> None:
        cited = self._refs.cited()
        if not cited:
            return
        self._heading("References")
        for ref in cited:
            self._add(self._link_label(self._reference_html(ref), f"Reference {ref.number}: {ref.citation}"))

    def _reference_html(self, ref: Reference) -> str:
        citation = escape(ref.citation)
        if ref.url:
            link = self._tone("link")
            citation = f'<a href="{REF_SCHEME}{escape(ref.id)}" style="color:{link}">{citation}</a>'
        tag = " <i>(secondary source)</i>" if ref.evidence == "secondary" else ""
        return f'<span style="font-size:small">[{ref.number}] {citation}{tag}</span>'

    # -- slots --------------------------------------------------------------------------------
    def _on_reference_link_activated(self, href: str) -> None:
        if href.startswith(REF_SCHEME):
            self.open_reference(href.removeprefix(REF_SCHEME))

    def _on_reference_link_hovered(self, href: str) -> None:
        # QLabel has no per-link tooltip: show the citation behind a bare [n].
        if href.startswith(REF_SCHEME):
            QToolTip.showText(QCursor.pos(), self._refs.get(href.removeprefix(REF_SCHEME)).citation, self)
        else:
            QToolTip.hideText()

    def changeEvent(self, event: QEvent) -> None:
        # A palette switch (light <-> dark) changes the tones baked into the labels: rebuild.
        if event.type() == QEvent.Type.PaletteChange and self._built:
            self._build()
        super().changeEvent(event)
