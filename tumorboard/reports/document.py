"""The PDF container: A4 pages with a running header and a "Page N of M" footer, metadata, and
deterministic output (the same minutes give the same bytes, so a signed PDF's hash can be checked
by generating it again)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from tumorboard.reports.fonts import BOLD, REGULAR
from tumorboard.reports.kept_lines import lines_kept
from tumorboard.reports.styles import (
    ALERT,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    NAVY,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
)


@dataclass(frozen=True, slots=True)
class PageFurniture:
    """What every page repeats: whose minutes, of which day, in which state, and where it is."""

    board: str
    day_iso: str
    status: str  # "Minutes" | "DRAFT" | "COPY"
    note: str | None  # "NOT SIGNED — draft", or the copy's hash line
    pseudonymised: bool
    document_id: str
    app_version: str
    # Under the board's name; by default the meeting's day (a report of a period says the period).
    second_line: str | None = None

    def draw(self, canv: Canvas, page: int, total: int) -> None:
        canv.saveState()
        top = PAGE_HEIGHT - 10.5 * mm
        second = top - 3.4 * mm
        right = PAGE_WIDTH - MARGIN_X
        status = self.status + ("  ·  pseudonymised" if self.pseudonymised else "")
        alert = self.status == "DRAFT"
        canv.setFillColor(ALERT if alert else INK)
        canv.setFont(BOLD, 9)
        canv.drawRightString(right, top, status)
        # The board's name gives way to the status: a long name is shortened, never overprinted.
        room = right - MARGIN_X - canv.stringWidth(status, BOLD, 9) - 6 * mm
        canv.setFillColor(NAVY)
        canv.setFont(BOLD, 8)
        canv.drawString(MARGIN_X, top, _shorten(self.board, room, BOLD, 8))
        canv.setFont(REGULAR, 7)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN_X, second, self.second_line or f"MDT meeting of {self.day_iso}")
        if self.note:
            canv.setFont(REGULAR, 6.5)
            canv.setFillColor(ALERT if alert else MUTED)
            canv.drawRightString(right, second, self.note)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, second - 2.2 * mm, right, second - 2.2 * mm)
        canv.line(MARGIN_X, 12 * mm, right, 12 * mm)
        canv.setFont(REGULAR, 7)
        canv.setFillColor(MUTED)
        version = f"tumorboard {self.app_version}".strip()
        canv.drawCentredString(PAGE_WIDTH / 2, 8 * mm,
                               f"Page {page} of {total}  ·  {self.document_id}  ·  {version}")
        canv.restoreState()


def _shorten(words: str, width: float, font: str, size: float) -> str:
    if stringWidth(words, font, size) <= width:
        return words
    while words and stringWidth(words + "…", font, size) > width:
        words = words[:-1]
    return words.rstrip() + "…"


@dataclass(frozen=True, slots=True)
class PdfMetadata:
    title: str
    author: str
    subject: str
    creator: str
    keywords: tuple[str, ...]
    created: datetime


def _pdf_date(moment: datetime) -> Callable[..., str]:
    """ReportLab's date hook: the minutes' own generation time, not the clock at render time."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    stamp = f"D:{moment:%Y%m%d%H%M%S}+00'00'"

    def formatter(*_ymdhms: int) -> str:
        return stamp

    return formatter


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no types
    """Holds every page back until the end so each footer can say how many pages there are."""

    def __init__(self, *args: Any, furniture: PageFurniture, created: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []
        self.setDateFormatter(_pdf_date(created))

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._furniture.draw(self, number, total)
            super().showPage()
        super().save()


def build_pdf(flowables: Sequence[Flowable], furniture: PageFurniture, meta: PdfMetadata) -> bytes:
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=meta.title, author=meta.author,
        subject=meta.subject, creator=meta.creator, keywords=list(meta.keywords), lang="en",
        # invariant: no clock-based document ID or timestamps, so equal minutes give equal bytes.
        invariant=1, pageCompression=1, displayDocTitle=1,
        # Else the canvas starts in Helvetica, a font the PDF would name without embedding it.
        initialFontName=REGULAR, initialFontSize=8,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def canvas_maker(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, furniture=furniture, created=meta.created, **kwargs)

    with lines_kept():  # one document: paragraphs of the same text and width break their lines once
        doc.build(list(flowables), canvasmaker=canvas_maker)
    return out.getvalue()
