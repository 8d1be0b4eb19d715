"""The meeting-level parts of the minutes: title block, disclaimer, attendance and quorum, agenda
overview, listed and carried-over cases, amendments and the sign-off."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from tumorboard.domain.meeting import AgendaTriage, Discipline
from tumorboard.domain.minutes import AttendeeLine, Minutes, MinutesCase
from tumorboard.reports.blocks import boxed, key_values, none_line
from tumorboard.reports.styles import (
    ALERT,
    FRAME_WIDTH,
    MUTED,
    OK,
    grid_style,
    hex_colour,
    para,
    styles,
    text,
)
from tumorboard.reports.wording import (
    category_label,
    clock,
    day_words,
    utc,
)

_ROLE_ORDER = {"chair": 0, "member": 1, "coordinator": 2}
ALERT_FILL = colors.HexColor("#FCEBEE")


def copy_words(sha256: str) -> str:
    return f"Copy of the signed minutes, SHA-256 {sha256}"


def title_block(m: Minutes) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para(text(m.board), st.title),
                           para(f"Minutes of the multidisciplinary tumour board · {text(day_words(m.day))}",
                                st.subtitle)]
    if m.copy_of_sha256:
        out += [boxed([para(f"<b>{text(copy_words(m.copy_of_sha256))}</b>", st.note)], edge=MUTED),
                Spacer(1, 3 * mm)]
    if m.sign_off is None:
        out += [boxed([para(f'<font color="{hex_colour(ALERT)}"><b>NOT SIGNED — draft.</b></font> These '
                            "minutes have not been signed off by the chair and may still change.",
                            st.note)], fill=ALERT_FILL, edge=ALERT), Spacer(1, 3 * mm)]
    where = text(m.place) if m.place else "<i>no room recorded</i>"
    pairs = [("Date", text(f"{m.day.isoformat()} ({day_words(m.day)})")),
             ("Time", text(clock(m.start))),
             ("Place", where),
             ("Video link", text(m.video_link) if m.video_link else "<i>none</i>"),
             ("Chair", text(m.chair) if m.chair else "<i>not recorded</i>"),
             ("Document", text(m.document_id))]
    if m.generated_at is not None:
        pairs.append(("Generated", text(utc(m.generated_at))))
    pairs.append(("Identification", "Pseudonymised: cases are named by number only" if m.pseudonymised
                  else "Patients named in full: confidential clinical record"))
    return [*out, key_values(pairs, key_width=28 * mm)]


def disclaimer(m: Minutes) -> list[Flowable]:
    st = styles()
    return [Spacer(1, 4 * mm), boxed([para(f"<b>Decision support.</b> {text(m.disclaimer)}", st.note)])]


def _quorum_line(m: Minutes) -> str:
    required = ", ".join(d.label for d in m.quorum_required) or "none set"
    if m.quorum_met:
        return (f'<b>Quorum:</b> <font color="{hex_colour(OK)}"><b>met</b></font> — every required '
                f"discipline present (required: {text(required)}).")
    missing = ", ".join(d.label for d in m.quorum_missing)
    return (f'<b>Quorum:</b> <font color="{hex_colour(ALERT)}"><b>NOT MET — missing: {text(missing)}</b>'
            f"</font> (required: {text(required)}). Decisions taken without quorum carry the chair's "
            "recorded override.")


def _attendance_rows(m: Minutes) -> list[tuple[Discipline, AttendeeLine | None]]:
    order = {d: i for i, d in enumerate(Discipline)}
    rows: list[tuple[Discipline, AttendeeLine | None]] = [
        (a.discipline, a) for a in sorted(m.attendees, key=lambda a: (
            order[a.discipline], _ROLE_ORDER.get(a.role, 9), a.name))]
    listed = {a.discipline for a in m.attendees}
    # A required discipline nobody was invited from still needs a line: it is why quorum failed.
    rows += [(d, None) for d in m.quorum_required if d not in listed]
    rows.sort(key=lambda r: order[r[0]])
    return rows


def attendance(m: Minutes) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Attendance and quorum", st.h1), para(_quorum_line(m), st.intro)]
    heads = ("Discipline", "Name", "Role", "Attendance")
    rows: list[list[Flowable]] = [[para(h, st.cell_bold) for h in heads]]
    for discipline, line in _attendance_rows(m):
        marker = " *" if discipline in m.quorum_required else ""
        if line is None:
            cells = ["—", "—", f'<font color="{hex_colour(ALERT)}">no attendee</font>']
        else:
            present = (f'<font color="{hex_colour(OK)}">present</font>' if line.present
                       else f'<font color="{hex_colour(ALERT)}">absent</font>')
            cells = [text(line.name), text(line.role.capitalize()), present]
        rows.append([para(text(discipline.label + marker), st.cell), *(para(c, st.cell) for c in cells)])
    table = Table(rows, colWidths=[52 * mm, FRAME_WIDTH - 52 * mm - 50 * mm, 26 * mm, 24 * mm],
                  hAlign="LEFT", repeatRows=1)
    table.setStyle(grid_style(zebra_rows=len(rows) - 1))
    return [*out, table, para("* required for quorum", st.small)]


def _outcome(case: MinutesCase, closed: bool) -> tuple[str, str]:
    # The same split as Minutes.listed_not_discussed / carried_over / discussed, one case at a time.
    if case.triage is AgendaTriage.LISTED_NOT_DISCUSSED:
        return "Listed, not discussed", "standard of care"
    if not case.discussed:
        # Before the meeting is closed, a case not yet reached is not carried anywhere yet.
        return ("Carried over" if closed else "Not yet discussed"), "—"
    d = case.decision
    if d is None:
        return "Discussed", "no decision recorded"
    return "Discussed", category_label(d.category) + ("" if d.concordant else " (deviation)")


def overview(m: Minutes) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Agenda", st.h1)]
    if not m.cases:
        return [*out, none_line("No cases on the agenda.")]
    rows: list[list[Flowable]] = [[para(h, st.cell_bold) for h in ("#", "Case", "Outcome", "Decision")]]
    for case in sorted(m.cases, key=lambda c: c.position):
        outcome, decision = _outcome(case, closed=m.carried_over_to is not None)
        rows.append([para(str(case.position), st.cell), para(text(case.identity.label), st.cell),
                     para(text(outcome), st.cell), para(text(decision), st.cell)])
    table = Table(rows, colWidths=[9 * mm, FRAME_WIDTH - 9 * mm - 36 * mm - 52 * mm, 36 * mm, 52 * mm],
                  hAlign="LEFT", repeatRows=1)
    table.setStyle(grid_style(zebra_rows=len(rows) - 1))
    return [*out, table]


def listed_not_discussed(cases: Sequence[MinutesCase]) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Listed, not discussed", st.h1)]
    if not cases:
        return [*out, none_line()]
    out.append(para("Listed for the record without discussion: standard of care, confirmed by the named "
                    "responsible clinician.", st.intro))
    rows: list[list[Flowable]] = [[para(h, st.cell_bold) for h in ("#", "Case", "Responsible clinician")]]
    rows += [[para(str(c.position), st.cell), para(text(c.identity.label), st.cell),
              para(text(c.responsible_clinician or "not named"), st.cell)] for c in cases]
    table = Table(rows, colWidths=[9 * mm, FRAME_WIDTH - 9 * mm - 62 * mm, 62 * mm], hAlign="LEFT",
                  repeatRows=1)
    table.setStyle(grid_style(zebra_rows=len(cases)))
    return [*out, table]


def carried_over(m: Minutes) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Carried over to the next meeting", st.h1)]
    cases = m.carried_over
    if not cases:
        return [*out, none_line()]
    to = (f"Not reached; carried over to the meeting of <b>{text(day_words(m.carried_over_to))}</b> "
          f"({text(m.carried_over_to.isoformat())})." if m.carried_over_to
          else "Not reached; the next meeting date was not recorded.")
    out.append(para(to, st.intro))
    rows: list[list[Flowable]] = [[para(h, st.cell_bold) for h in ("#", "Case", "Question", "Presenter")]]
    rows += [[para(str(c.position), st.cell), para(text(c.identity.label), st.cell),
              para(text(c.question or "—"), st.cell), para(text(c.presenter or "—"), st.cell)] for c in cases]
    table = Table(rows, colWidths=[9 * mm, 52 * mm, FRAME_WIDTH - 9 * mm - 52 * mm - 40 * mm, 40 * mm],
                  hAlign="LEFT", repeatRows=1)
    table.setStyle(grid_style(zebra_rows=len(cases)))
    return [*out, table]


def amendments(m: Minutes) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Amendments", st.h1)]
    if not m.amendments:
        return [*out, none_line("None.")]
    out.append(para("Corrections made after sign-off. The original text stays in the case sections above; "
                    "each change is listed here with who made it, when and why.", st.intro))
    heads = ("#", "When and by", "Case, reason, change")
    rows: list[list[Flowable]] = [[para(h, st.cell_bold) for h in heads]]
    for n, a in enumerate(m.amendments, start=1):
        what = (f"<b>Case:</b> {text(a.case_label or 'the meeting as a whole')}<br/>"
                f"<b>Reason:</b> {text(a.reason)}<br/><b>Change:</b> {text(a.change)}")
        rows.append([para(str(n), st.cell), para(text(f"{utc(a.at)}\n{a.by}"), st.cell), para(what, st.cell)])
    table = Table(rows, colWidths=[9 * mm, 44 * mm, FRAME_WIDTH - 53 * mm], hAlign="LEFT", repeatRows=1)
    table.setStyle(grid_style(zebra_rows=len(m.amendments)))
    return [*out, table]


def sign_off(m: Minutes) -> list[Flowable]:
    st = styles()
    head = para("Sign-off", st.h1)
    if m.sign_off is None:
        body = [para(f'<font color="{hex_colour(ALERT)}"><b>NOT SIGNED — draft.</b></font> The chair has not '
                     "signed these minutes off; they are not the record of the meeting yet.", st.note)]
        return [KeepTogether([head, boxed(body, fill=ALERT_FILL, edge=ALERT)])]
    s = m.sign_off
    pairs = [("Signed off by", f"<b>{text(s.signed_by)}</b>"), ("Signed at", text(utc(s.signed_at)))]
    if s.audit_head:
        seq, _, digest = s.audit_head.partition(":")
        pairs.append(("Audit trail", text(f"entry {seq}, SHA-256 {digest}")))
    if s.certificate_sha256:
        pairs.append(("Digital signature",
                      text(f"PAdES, the chair's certificate SHA-256 {s.certificate_sha256}")))
    if m.copy_of_sha256:
        pairs.append(("This document", text(copy_words(m.copy_of_sha256))))
    body = [key_values(pairs, key_width=28 * mm, width=FRAME_WIDTH - 12),
            para("Signed minutes are read-only: later corrections are recorded as amendments.", st.small)]
    # One block: ReportLab's keep-with-next does not reach into a KeepTogether, so the heading
    # goes inside it.
    return [KeepTogether([head, boxed(body)])]


__all__ = ["amendments", "attendance", "carried_over", "copy_words", "disclaimer",
           "listed_not_discussed", "overview", "sign_off", "title_block"]
