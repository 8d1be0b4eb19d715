"""The annual MDT quality audit report as a PDF: :func:`render_audit_report`.

Order: title (board, period), decision-support disclaimer, the figures, the charts (vector
drawings), the ruleset versions the decisions were made under, the notes on how each figure is
counted. No patient is named: the report counts decisions, it lists no case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from tumorboard.domain.audit_report import NON_IMPLEMENTATION_LABELS, AuditReport, Chart, summary_lines
from tumorboard.domain.meeting import DeviationReason, Discipline, NonImplementationReason
from tumorboard.reports.audit_charts import bar_drawing, column_drawing
from tumorboard.reports.blocks import boxed
from tumorboard.reports.document import PageFurniture, PdfMetadata, build_pdf
from tumorboard.reports.fonts import BOLD, REGULAR
from tumorboard.reports.styles import (
    FRAME_WIDTH,
    INK,
    MARGIN_X,
    MUTED,
    NAVY,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    grid_style,
    para,
    styles,
    text,
)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _board(r: AuditReport) -> str:
    return r.board or "All boards"


def _period(r: AuditReport) -> str:
    return f"{r.start.isoformat()} to {r.end.isoformat()}"


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], header: bool = True) -> Table:
    st = styles()
    cells = [[para(text(c), st.cell_bold if header and n == 0 else st.cell) for c in row]
             for n, row in enumerate(rows)]
    table = Table(cells, colWidths=list(widths), hAlign="LEFT", repeatRows=1 if header else 0)
    table.setStyle(grid_style(header=header, zebra_rows=len(rows) - 1))
    return table


def _figures(r: AuditReport) -> list[Flowable]:
    f, st = r.figures, styles()
    imp = f["implementation"]
    rows = [("Figure", "Value"), *summary_lines(f)]
    out: list[Flowable] = [para("The figures", st.h1), _table(rows, [80 * mm, FRAME_WIDTH - 80 * mm])]
    reasons = [("Reason for deviating", "Decisions")] + [
        (reason.label, str(f["deviation_reasons"][reason.value])) for reason in DeviationReason]
    why_not = [("Reason not carried out (fully)", "Decisions")] + [
        (NON_IMPLEMENTATION_LABELS[reason], str(imp["reasons"][reason.value]))
        for reason in NonImplementationReason]
    present = [("Discipline", "Share of meetings present")] + [
        (d.label, _pct(f["attendance"][d.value])) for d in Discipline]
    half = (FRAME_WIDTH - 6 * mm) / 2
    out += [Spacer(1, 3 * mm),
            Table([[_table(reasons, [half * 0.7, half * 0.3]), _table(why_not, [half * 0.7, half * 0.3])]],
                  colWidths=[half + 6 * mm, half], hAlign="LEFT",
                  style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]),
            Spacer(1, 3 * mm), KeepTogether([para("Attendance", st.h2),
                                             _table(present, [80 * mm, FRAME_WIDTH - 80 * mm])])]
    return out


def _chart(chart: Chart) -> list[Flowable]:
    st = styles()
    if chart.key == "waiting":
        drawing = column_drawing(chart, FRAME_WIDTH, x_title="days from the meeting to the first treatment "
                                 "(dashed line: 31 days)", target_text="31 days")
    elif chart.key == "cases":
        drawing = column_drawing(chart, FRAME_WIDTH, x_title="meeting")
    else:
        drawing = bar_drawing(chart, FRAME_WIDTH)
    return [KeepTogether([para(text(chart.title), st.h2), drawing])]


def _rulesets(r: AuditReport) -> list[Flowable]:
    st = styles()
    versions = r.figures["ruleset_versions"]
    if not versions:
        return [para("Ruleset versions", st.h1), para("No decision in the period.", st.body)]
    rows = [("Ruleset and version", "Decisions made under it")] + [(k, str(v)) for k, v in versions.items()]
    return [para("Ruleset versions", st.h1),
            para("The guideline ruleset each decision's recommendation came from, as stored with it.",
                 st.intro), _table(rows, [80 * mm, FRAME_WIDTH - 80 * mm])]


def audit_flowables(r: AuditReport) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [
        para("MDT quality audit", st.title),
        para(text(f"{_board(r)}  ·  {_period(r)}"), st.subtitle),
        boxed([para(f"<b>Decision support.</b> {text(r.disclaimer)}", st.note)]),
    ]
    out += _figures(r)
    out += [CondPageBreak(90 * mm), para("Charts", st.h1)]
    for chart in r.charts:
        out += _chart(chart)
    out += _rulesets(r)
    out += [CondPageBreak(40 * mm), para("How the figures are counted", st.h1)]
    out += [para(text(f"{n}. {note}"), st.small) for n, note in enumerate(r.footnotes, start=1)]
    out += [Spacer(1, 3 * mm), para(text(f"Generated {r.generated_at:%Y-%m-%d %H:%M} UTC by tumorboard "
                                         f"{r.app_version}."), st.small)]
    return out


@dataclass(frozen=True, slots=True)
class _AuditPage(PageFurniture):
    """The minutes' page header and footer, naming the audit's period instead of a meeting day."""

    def draw(self, canv: Canvas, page: int, total: int) -> None:
        canv.saveState()
        top = PAGE_HEIGHT - 10.5 * mm
        right = PAGE_WIDTH - MARGIN_X
        canv.setFont(BOLD, 9)
        canv.setFillColor(INK)
        canv.drawRightString(right, top, self.status)
        canv.setFont(BOLD, 8)
        canv.setFillColor(NAVY)
        canv.drawString(MARGIN_X, top, self.board)
        canv.setFont(REGULAR, 7)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN_X, top - 3.4 * mm, f"Period {self.day_iso}")
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, top - 5.6 * mm, right, top - 5.6 * mm)
        canv.line(MARGIN_X, 12 * mm, right, 12 * mm)
        canv.drawCentredString(PAGE_WIDTH / 2, 8 * mm,
                               f"Page {page} of {total}  ·  MDT quality audit  ·  decision support, not "
                               f"decision making  ·  tumorboard {self.app_version}")
        canv.restoreState()


def render_audit_report(report: AuditReport) -> bytes:
    page = _AuditPage(board=_board(report), day_iso=_period(report), status="Quality audit", note=None,
                         pseudonymised=False, document_id=f"audit {_period(report)}",
                         app_version=report.app_version)
    meta = PdfMetadata(title=f"{_board(report)} — MDT quality audit {_period(report)}", author=_board(report),
                       subject="MDT quality audit: decisions, concordance, implementation, waiting times, "
                               "attendance", creator=f"tumorboard {report.app_version}",
                       keywords=("MDT", "tumour board", "quality audit"), created=report.generated_at)
    return build_pdf(audit_flowables(report), page, meta)
