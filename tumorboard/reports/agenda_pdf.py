"""The agenda of one MDT meeting as a PDF: :func:`render_agenda`.

Title block (board, date, time, place or video link, chair), the decision-support line, the board
invited, then one block per case for discussion in agenda order (question, presenter, readiness,
reviews requested) and the cases listed but not for discussion with their responsible clinician.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

import tumorboard
from tumorboard.domain.circulation import Agenda, AgendaLine
from tumorboard.reports.blocks import boxed, heading_bar, key_values, none_line
from tumorboard.reports.document import PageFurniture, PdfMetadata, build_pdf
from tumorboard.reports.styles import ALERT, FRAME_WIDTH, OK, WARN, grid_style, hex_colour, para, styles, text
from tumorboard.reports.wording import clock, day_words, utc

_STATE_COLOUR = {"present": OK, "stale": WARN, "missing": ALERT}


def _title(a: Agenda) -> list[Flowable]:
    st = styles()
    pairs = [("Date", text(f"{a.day.isoformat()} ({day_words(a.day)})")),
             ("Time", text(clock(a.start))),
             ("Place", text(a.place) if a.place else "<i>no room recorded</i>"),
             ("Video link", text(a.video_link) if a.video_link else "<i>none</i>"),
             ("Chair", text(a.chair) if a.chair else "<i>not yet named</i>"),
             ("Document", text(a.document_id)),
             ("Generated", text(utc(a.generated_at))),
             ("Identification", "Pseudonymised: cases are named by number only" if a.pseudonymised
              else "Patients named in full: confidential, for the board only")]
    return [para(text(a.board), st.title),
            para(f"Agenda of the multidisciplinary tumour board · {text(day_words(a.day))}", st.subtitle),
            key_values(pairs, key_width=28 * mm), Spacer(1, 4 * mm),
            boxed([para(f"<b>Decision support.</b> {text(a.disclaimer)}", st.note)])]


def _members(a: Agenda) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Board invited", st.h1)]
    if not a.members:
        return [*out, none_line("No members listed.")]
    rows: list[list[Flowable | str]] = [["Name", "Discipline", "Role"]]
    rows += [[para(text(v), st.cell) for v in (m.name, m.discipline.label, m.role)] for m in a.members]
    table = Table(rows, colWidths=[FRAME_WIDTH * 0.45, FRAME_WIDTH * 0.35, FRAME_WIDTH * 0.2],
                  hAlign="LEFT", repeatRows=1)
    table.setStyle(grid_style(zebra_rows=len(a.members)))
    return [*out, table]


def _readiness(line: AgendaLine) -> str:
    """Ready in one line; otherwise each missing or stale item with what is wrong, then the rest."""
    present = [text(r.label) for r in line.readiness if r.state == "present"]
    if line.ready:
        return (f'<font color="{hex_colour(OK)}"><b>READY</b></font> — present: {", ".join(present)}'
                if present else "<i>nothing to check</i>")
    parts = [f'<font color="{hex_colour(ALERT)}"><b>NOT READY</b></font>']
    for r in line.readiness:
        if r.state != "present":
            colour = hex_colour(_STATE_COLOUR.get(r.state, ALERT))
            parts.append(f'<font color="{colour}"><b>{text(r.state.upper())}</b></font> {text(r.label)} — '
                         f"{text(r.detail)}")
    if present:
        parts.append(f"present: {', '.join(present)}")
    return "<br/>".join(parts)


def _review(requested: bool) -> str:
    return "<b>requested</b>" if requested else "not requested"


def _case(line: AgendaLine) -> list[Flowable]:
    right = f"carried over from {line.carried_over_from.isoformat()}" if line.carried_over_from else ""
    pairs = [("Question", text(line.question) if line.question else "<i>no question recorded</i>"),
             ("Presenter", text(line.presenter) if line.presenter else "<i>not named</i>"),
             ("Readiness", _readiness(line)),
             ("Imaging review", _review(line.imaging_review_requested)),
             ("Pathology review", _review(line.pathology_review_requested))]
    return [KeepTogether([heading_bar(f"{line.position}. {text(line.identity.label)}", text(right)),
                          Spacer(1, 1.5 * mm), key_values(pairs, key_width=30 * mm), Spacer(1, 4 * mm)])]


def _listed(a: Agenda) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Listed, not for discussion", st.h1)]
    listed = a.listed_not_discussed
    if not listed:
        return [*out, none_line()]
    rows: list[list[Flowable | str]] = [["#", "Case", "Responsible clinician"]]
    rows += [[str(x.position), para(text(x.identity.label), st.cell),
              para(text(x.responsible_clinician or "not named"), st.cell)] for x in listed]
    table = Table(rows, colWidths=[10 * mm, FRAME_WIDTH * 0.6 - 10 * mm, FRAME_WIDTH * 0.4], hAlign="LEFT")
    table.setStyle(grid_style(zebra_rows=len(listed)))
    return [*out, table]


def agenda_flowables(a: Agenda) -> list[Flowable]:
    st = styles()
    out = _title(a) + _members(a)
    out.append(para(f"Cases for discussion ({len(a.for_discussion)})", st.h1))
    if not a.for_discussion:
        out.append(none_line("No case is listed for discussion yet."))
    for line in sorted(a.for_discussion, key=lambda x: x.position):
        out += _case(line)
    return out + _listed(a)


def render_agenda(agenda: Agenda) -> bytes:
    version = agenda.app_version or tumorboard.__version__
    furniture = PageFurniture(board=agenda.board, day_iso=agenda.day.isoformat(), status="Agenda", note=None,
                              pseudonymised=agenda.pseudonymised, document_id=agenda.document_id,
                              app_version=version)
    subject = f"Agenda of the multidisciplinary tumour board meeting of {agenda.day.isoformat()}"
    meta = PdfMetadata(title=f"{agenda.board} — agenda of {agenda.day.isoformat()}", author=agenda.board,
                       subject=subject + (" (pseudonymised)" if agenda.pseudonymised else ""),
                       creator=f"tumorboard {version}", keywords=("MDT", "tumour board", "agenda",
                                                                  agenda.document_id),
                       created=agenda.generated_at)
    return build_pdf(agenda_flowables(agenda), furniture, meta)
