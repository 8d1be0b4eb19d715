"""One discussed case in the minutes: who it is (by label only), the clinical summary, the question,
the guideline recommendation, the board's decision with its actions, and the small timeline.

The case's patient fields are never read here: the identity label is all the minutes name, so a
pseudonymised export cannot leak a name, record number or birth date through this section.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from tumorboard.domain.minutes import Amendment, ClinicalSummary, MinutesCase, RecordedDecision
from tumorboard.reports.blocks import bullets, heading_bar, key_values, none_line
from tumorboard.reports.recommendation_section import Citations, recommendation_flowables
from tumorboard.reports.styles import ALERT, FRAME_WIDTH, OK, grid_style, hex_colour, para, styles, text
from tumorboard.reports.timeline_drawing import earlier_therapies, legend_words, timeline_drawing
from tumorboard.reports.wording import (
    NOT_RECORDED,
    RESPONSE_WORDS,
    category_label,
    deviation_label,
    iso_day,
    mapping,
    records,
    utc,
)


def _or_not_recorded(value: object) -> str:
    return text(value) if value not in (None, "") else f"<i>{NOT_RECORDED}</i>"


def _summary(summary: ClinicalSummary | None) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Clinical summary", st.h2)]
    if summary is None:
        return [*out, none_line("No clinical summary recorded.")]
    sites = ", ".join(summary.metastatic_sites) or "none recorded"
    lesions = f"{summary.distant_lesions} distant lesion{'s' if summary.distant_lesions != 1 else ''}"
    response = summary.latest_response
    if response:
        response = f"{response} ({RESPONSE_WORDS[response]})" if response in RESPONSE_WORDS else response
    pairs = [
        ("Age", _or_not_recorded(summary.age)),
        ("Subtype", _or_not_recorded(summary.subtype)),
        ("Stage", _or_not_recorded(summary.stage)),
        ("Metastatic sites", text(f"{sites} ({lesions})")),
        ("Current therapy", _or_not_recorded(summary.current_therapy)),
        ("Latest response", _or_not_recorded(response)),
        ("Response window", _or_not_recorded(summary.window)),
    ]
    return [*out, key_values(pairs, columns=2, key_width=27 * mm)]


def _question(case: MinutesCase) -> list[Flowable]:
    pairs = [("Question to the board", _or_not_recorded(case.question)),
             ("Presented by", _or_not_recorded(case.presenter))]
    return [Spacer(1, 1.5 * mm), key_values(pairs, key_width=34 * mm)]


def _concordance(decision: RecordedDecision) -> str:
    if decision.concordant:
        return (f'<font color="{hex_colour(OK)}"><b>Concordant</b></font> with the guideline '
                "recommendation: yes")
    reason = (deviation_label(decision.deviation_reason) if decision.deviation_reason
              else "reason not recorded")
    words = (f'<font color="{hex_colour(ALERT)}"><b>Deviation</b></font> from the guideline recommendation '
             f"— reason: <b>{text(reason)}</b>")
    if decision.deviation_text:
        words += f". {text(decision.deviation_text)}"
    return words


def _actions(decision: RecordedDecision) -> list[Flowable]:
    st = styles()
    if not decision.actions:
        return [para("Actions", st.h3), none_line("No actions recorded.")]
    rows: list[list[Flowable]] = [[para("Action", st.cell_bold), para("Owner", st.cell_bold),
                                   para("Due", st.cell_bold)]]
    rows += [[para(text(a.description), st.cell), para(text(a.owner), st.cell),
              para(iso_day(a.due) if a.due else "—", st.cell)] for a in decision.actions]
    table = Table(rows, colWidths=[FRAME_WIDTH - 70 * mm, 48 * mm, 22 * mm], hAlign="LEFT", repeatRows=1)
    table.setStyle(grid_style(zebra_rows=len(decision.actions)))
    return [para("Actions", st.h3), table]


def _counselling(decision: RecordedDecision, case: MinutesCase) -> list[Flowable]:
    """Counselling points delivered; an engine counselling id is printed as its text."""
    st = styles()
    known: dict[str, str] = {}
    rec = mapping(case.recommendation)
    for key in ("primary_tumour", "metastasis_directed_therapy"):
        for item in records(mapping(rec.get(key)).get("counselling")):
            known[str(item.get("id"))] = str(item.get("text") or "")
    lines = [text(known.get(point) or point) for point in decision.counselling_delivered]
    head = para("Counselling points delivered", st.h3)
    return [head, *bullets(lines)] if lines else [head, none_line("None recorded.")]


def _decision(case: MinutesCase, amendments: Sequence[tuple[int, Amendment]]) -> list[Flowable]:
    st = styles()
    head = para("Decision of the board", st.h2)
    decision = case.decision
    if decision is None:
        return [head, none_line("No decision recorded for this case.")]
    pairs = [("Category", f"<b>{text(category_label(decision.category))}</b>"),
             ("Decision", text(decision.text)),
             ("Concordance", _concordance(decision))]
    if decision.quorum_override:
        override = text(decision.quorum_override)
        pairs.append(("Quorum override", f'<font color="{hex_colour(ALERT)}"><b>Decided without quorum.'
                                         f"</b></font> Chair's recorded reason: {override}"))
    pairs.append(("Recorded", text(f"by {decision.recorded_by}, {utc(decision.recorded_at)}")))
    if amendments:
        numbers = ", ".join(str(n) for n, _ in amendments)
        pairs.append(("Amended", text(f"after sign-off: see Amendments ({numbers}); the original is shown "
                                      "here.")))
    # The heading inside the block: keep-with-next does not reach into a KeepTogether.
    out: list[Flowable] = [KeepTogether([head, key_values(pairs, key_width=27 * mm)])]
    out += _actions(decision)
    out += [para("Patient preferences", st.h3),
            para(_or_not_recorded(decision.patient_preferences), st.body)]
    out += _counselling(decision, case)
    due = text(iso_day(decision.follow_up_due)) if decision.follow_up_due else "<i>not set</i>"
    out.append(para(f"<b>Implementation check due:</b> {due}", st.body))
    return out


def _timeline(case: MinutesCase, with_legend: bool) -> list[Flowable]:
    if case.case is None:
        return []
    st = styles()
    drawing = timeline_drawing(case.case, case.recommendation, case.as_of, FRAME_WIDTH)
    out: list[Flowable] = [para("Timeline", st.h3), drawing]
    start, earlier = earlier_therapies(case.case, case.as_of)
    if earlier:
        words = text("; ".join(earlier))
        out.append(para(f"<b>Before {start:%B %Y} (not drawn):</b> {words}.", st.small))
    if with_legend:
        out.append(para(text(legend_words()), st.small))
    return [KeepTogether(out)]


def case_flowables(case: MinutesCase, amendments: Sequence[tuple[int, Amendment]], cites: Citations,
                   with_legend: bool) -> list[Flowable]:
    """Everything printed for one discussed case, opening with its heading bar."""
    note = f"carried over from {case.carried_over_from.isoformat()}" if case.carried_over_from else ""
    head = heading_bar(f"{case.position}. {text(case.identity.label)}", text(note))
    # Never strand a case's heading at the foot of a page.
    out: list[Flowable] = [CondPageBreak(70 * mm), Spacer(1, 3 * mm), head]
    out += _summary(case.summary)
    out += _question(case)
    out += recommendation_flowables(case.recommendation, cites)
    out += _decision(case, amendments)
    out += _timeline(case, with_legend)
    return out
