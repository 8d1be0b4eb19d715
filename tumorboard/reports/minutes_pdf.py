"""The minutes of one MDT meeting as a PDF: :func:`render_minutes`.

Order of the document: title block, decision-support disclaimer, attendance and quorum, agenda,
each discussed case, cases listed but not discussed, cases carried over, amendments, sign-off,
and the numbered references the cases' guideline recommendations cite.
"""

from __future__ import annotations

from datetime import UTC, datetime

from reportlab.platypus import Flowable

import tumorboard
from tumorboard.collection_pause import collection_after_batch
from tumorboard.domain.minutes import Amendment, Minutes
from tumorboard.reports import sections
from tumorboard.reports.case_section import case_flowables
from tumorboard.reports.document import PageFurniture, PdfMetadata, build_pdf
from tumorboard.reports.recommendation_section import Citations, references
from tumorboard.reports.redaction import redact


def _furniture(m: Minutes, version: str) -> PageFurniture:
    if m.copy_of_sha256:
        status, note = "COPY", sections.copy_words(m.copy_of_sha256)
    elif m.sign_off is None:
        status, note = "DRAFT", "NOT SIGNED — draft"
    else:
        status, note = "Minutes", None
    return PageFurniture(board=m.board, day_iso=m.day.isoformat(), status=status, note=note,
                         pseudonymised=m.pseudonymised, document_id=m.document_id, app_version=version)


def _metadata(m: Minutes, version: str) -> PdfMetadata:
    # Nothing here may name a patient: the metadata travels with a pseudonymised file too.
    subject = f"Minutes of the multidisciplinary tumour board meeting of {m.day.isoformat()}"
    if m.pseudonymised:
        subject += " (pseudonymised)"
    created = m.generated_at or datetime(m.day.year, m.day.month, m.day.day, tzinfo=UTC)
    # A copy names what it copies where `tumorboard minutes --verify` reads it back.
    copy = ((f"copy-of-sha256:{m.copy_of_sha256}", f"amendments:{len(m.amendments)}") if m.copy_of_sha256
            else ())
    return PdfMetadata(title=f"{m.board} — minutes of {m.day.isoformat()}", author=m.board, subject=subject,
                       creator=f"tumorboard {version}",
                       keywords=("MDT", "tumour board", "minutes", m.document_id, *copy), created=created)


def _amendments_by_case(m: Minutes) -> dict[str, list[tuple[int, Amendment]]]:
    by_case: dict[str, list[tuple[int, Amendment]]] = {}
    for n, a in enumerate(m.amendments, start=1):
        if a.case_label:
            by_case.setdefault(a.case_label, []).append((n, a))
    return by_case


def minutes_flowables(m: Minutes) -> list[Flowable]:
    out: list[Flowable] = []
    out += sections.title_block(m)
    out += sections.disclaimer(m)
    out += sections.attendance(m)
    out += sections.overview(m)
    amended = _amendments_by_case(m)
    cites = Citations()
    for i, case in enumerate(sorted(m.discussed, key=lambda c: c.position)):
        out += case_flowables(case, amended.get(case.identity.label, []), cites, with_legend=i == 0)
    out += sections.listed_not_discussed(sorted(m.listed_not_discussed, key=lambda c: c.position))
    out += sections.carried_over(m)
    out += sections.amendments(m)
    out += sections.sign_off(m)
    out += references(cites)  # an appendix: the sign-off closes the minutes proper
    return out


def render_minutes(minutes: Minutes) -> bytes:
    """The PDF of the minutes; byte-identical for equal ``minutes`` (see ``generated_at``)."""
    with collection_after_batch():  # the collector waits for the end of the render (see there)
        pdf = _render(minutes)
    # Let run again once the render's objects are gone (they went with _render's frame): its first
    # pass then walks the few cycles left, not the whole document.
    return pdf


def _render(minutes: Minutes) -> bytes:
    version = minutes.app_version or tumorboard.__version__
    minutes = redact(minutes)
    return build_pdf(minutes_flowables(minutes), _furniture(minutes, version), _metadata(minutes, version))
