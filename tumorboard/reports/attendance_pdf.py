"""One member's MDT attendance in a period, on one page, for CPD: :func:`render_attendance`."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

import tumorboard
from tumorboard.domain.circulation import AttendanceReport
from tumorboard.reports.blocks import key_values, none_line
from tumorboard.reports.document import PageFurniture, PdfMetadata, build_pdf
from tumorboard.reports.styles import FRAME_WIDTH, grid_style, para, styles, text
from tumorboard.reports.wording import day_words, utc


def _duration(minutes: int | None) -> str:
    if minutes is None:
        return "not recorded"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def attendance_flowables(r: AttendanceReport) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para(text(r.member), st.title),
                           para("Attendance at multidisciplinary tumour board meetings", st.subtitle)]
    pairs = [("Period", text(f"{day_words(r.first)} to {day_words(r.last)}")),
             ("Meetings", text(str(len(r.meetings)))),
             ("Total time", text(_duration(r.total_minutes))),
             ("Generated", text(utc(r.generated_at)))]
    if r.department:
        pairs.insert(0, ("Department", text(r.department)))
    out += [key_values(pairs, key_width=28 * mm), Spacer(1, 4 * mm)]
    if not r.meetings:
        return [*out, none_line("No meeting attended in this period (meetings count once closed).")]
    heads = ("Date", "Board", "Start", "Duration", "Role")
    rows: list[list[Flowable]] = [[para(h, st.cell_bold) for h in heads]]
    rows += [[para(text(m.day.isoformat()), st.cell), para(text(m.board), st.cell),
              para(text(m.start or "—"), st.cell), para(text(_duration(m.minutes)), st.cell),
              para(text(m.role), st.cell)] for m in r.meetings]
    table = Table(rows, colWidths=[24 * mm, FRAME_WIDTH - 96 * mm, 16 * mm, 30 * mm, 26 * mm], hAlign="LEFT",
                  repeatRows=1)
    table.setStyle(grid_style(zebra_rows=len(r.meetings)))
    note = ("Marked present in the meeting's attendance record; the duration runs from the start of the "
            "meeting to its close as recorded by the application.")
    return [*out, table, Spacer(1, 3 * mm), para(text(note), st.small)]


def render_attendance(report: AttendanceReport) -> bytes:
    version = report.app_version or tumorboard.__version__
    doc_id = f"ATTENDANCE-{report.first:%Y%m%d}-{report.last:%Y%m%d}"
    furniture = PageFurniture(board=report.department or "MDT attendance", day_iso=report.last.isoformat(),
                              status="Attendance record", note=None, pseudonymised=False, document_id=doc_id,
                              app_version=version,
                              second_line=f"{report.first.isoformat()} to {report.last.isoformat()}")
    meta = PdfMetadata(title=f"MDT attendance of {report.member}", author=report.department or "tumorboard",
                       subject=f"MDT meetings attended {report.first.isoformat()} to "
                               f"{report.last.isoformat()}",
                       creator=f"tumorboard {version}", keywords=("MDT", "attendance", "CPD"),
                       created=report.generated_at)
    return build_pdf(attendance_flowables(report), furniture, meta)
