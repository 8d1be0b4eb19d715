"""An outcome letter to the referrer or GP of one discussed case: :func:`render_letter`.

Letterhead, recipient, the patient, the board and its date, the question, the decision with its
actions (owners, due dates), the patient's preferences, a box when the decision was amended after
sign-off, the decision-support disclaimer, and the chair as signatory.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

import tumorboard
from tumorboard.domain.circulation import OutcomeLetter
from tumorboard.reports.blocks import boxed, key_values, none_line
from tumorboard.reports.document import PageFurniture, PdfMetadata, build_pdf
from tumorboard.reports.sections import ALERT_FILL
from tumorboard.reports.styles import ALERT, FRAME_WIDTH, MUTED, grid_style, hex_colour, para, styles, text
from tumorboard.reports.wording import category_label, day_words, iso_day, utc


def _letterhead(letter: OutcomeLetter) -> list[Flowable]:
    st = styles()
    head = letter.letterhead
    lines = [text(line) for line in head.address.splitlines() if line.strip()]
    if head.telephone:
        lines.append(f"Telephone {text(head.telephone)}")
    out: list[Flowable] = [para(text(head.department), st.title)]
    if lines:
        out.append(para("<br/>".join(lines), st.key))
    return [*out, Spacer(1, 6 * mm)]


def _recipient(letter: OutcomeLetter) -> list[Flowable]:
    st = styles()
    if letter.recipient is None:
        block = (f'<font color="{hex_colour(ALERT)}"><b>No referrer or GP is recorded on this case.'
                 "</b></font> Record them with the case (referral), then write the letter again.")
    else:
        lines = [f"<b>{text(letter.recipient)}</b>"]
        if letter.recipient_address:
            lines += [text(x) for x in letter.recipient_address.splitlines() if x.strip()]
        block = "<br/>".join(lines)
    out: list[Flowable] = [para(block, st.body)]
    if letter.referring_clinician and letter.gp_name:
        out.append(para(f"Copy to the general practitioner: {text(letter.gp_name)}", st.key))
    dated = para(text(day_words(letter.signed_at.date())), st.body)
    return [*out, Spacer(1, 4 * mm), dated, Spacer(1, 3 * mm)]


def _amended(letter: OutcomeLetter) -> list[Flowable]:
    if not letter.amendments:
        return []
    st = styles()
    lines = [f"{text(utc(a.at))} by {text(a.by)}: {text(a.change)}. Reason: {text(a.reason)}"
             for a in letter.amendments]
    words = (f'<font color="{hex_colour(ALERT)}"><b>Amended decision.</b></font> The signed minutes of this '
             "case were corrected after sign-off; the decision as signed is shown above, the correction "
             "here:<br/>" + "<br/>".join(lines))
    return [Spacer(1, 2 * mm), boxed([para(words, st.note)], fill=ALERT_FILL, edge=ALERT)]


def _actions(letter: OutcomeLetter) -> list[Flowable]:
    st = styles()
    actions = letter.decision.actions
    if not actions:
        return [para("Actions", st.h2), none_line("No actions recorded.")]
    rows: list[list[Flowable]] = [[para("Action", st.cell_bold), para("Owner", st.cell_bold),
                                   para("Due", st.cell_bold)]]
    rows += [[para(text(a.description), st.cell), para(text(a.owner), st.cell),
              para(text(iso_day(a.due)) if a.due else "—", st.cell)] for a in actions]
    table = Table(rows, colWidths=[FRAME_WIDTH - 70 * mm, 48 * mm, 22 * mm], hAlign="LEFT", repeatRows=1)
    table.setStyle(grid_style(zebra_rows=len(actions)))
    return [para("Actions", st.h2), table]


def letter_flowables(letter: OutcomeLetter) -> list[Flowable]:
    st = styles()
    d = letter.decision
    out = _letterhead(letter) + _recipient(letter)
    out.append(para(f"Outcome of the {text(letter.board)} of {text(day_words(letter.day))}", st.h1))
    out.append(para(f"Dear {text(letter.recipient) if letter.recipient else 'colleague'},", st.body))
    out.append(para("your patient was discussed at the multidisciplinary tumour board. The board's "
                    "outcome, as recorded in the signed minutes, follows.", st.body))
    p = letter.patient
    pairs = [("Patient", f"<b>{text(p.name or p.label)}</b>"),
             ("Record number", text(p.mrn or "not recorded")),
             ("Born", text(iso_day(p.birth_date)) if p.birth_date else "not recorded"),
             ("Question", text(letter.question) if letter.question else "<i>no question recorded</i>"),
             ("Category", f"<b>{text(category_label(d.category))}</b>"),
             ("Decision", text(d.text))]
    out += [Spacer(1, 2 * mm), key_values(pairs, key_width=30 * mm)]
    out += _amended(letter)
    out += _actions(letter)
    out += [para("Patient preferences", st.h2),
            para(text(d.patient_preferences) if d.patient_preferences else "<i>none recorded</i>", st.body)]
    out += [Spacer(1, 3 * mm), boxed([para(f"<b>Decision support.</b> {text(letter.disclaimer)}", st.note)])]
    signed = (f"Signed off as chair of the {text(letter.board)} on {text(utc(letter.signed_at))}"
              + (f"; signed minutes SHA-256 {text(letter.minutes_sha256)}" if letter.minutes_sha256 else ""))
    out.append(KeepTogether([Spacer(1, 6 * mm), para("Yours sincerely,", st.body), Spacer(1, 8 * mm),
                             para(f"<b>{text(letter.chair)}</b>", st.body),
                             para(f'<font color="{hex_colour(MUTED)}">{signed}</font>', st.small)]))
    return out


def render_letter(letter: OutcomeLetter) -> bytes:
    version = letter.app_version or tumorboard.__version__
    furniture = PageFurniture(board=letter.letterhead.department, day_iso=letter.day.isoformat(),
                              status="Outcome letter", note="Amended decision" if letter.amended else None,
                              pseudonymised=False, document_id=letter.document_id, app_version=version)
    # The metadata names no patient: a file name or an index may show it.
    meta = PdfMetadata(title=f"{letter.board} — outcome letter, meeting of {letter.day.isoformat()}",
                       author=letter.letterhead.department,
                       subject="Outcome of a multidisciplinary tumour board discussion",
                       creator=f"tumorboard {version}",
                       keywords=("MDT", "outcome letter", letter.document_id), created=letter.signed_at)
    return build_pdf(letter_flowables(letter), furniture, meta)
