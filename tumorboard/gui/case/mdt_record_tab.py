"""The patient's MDT record tab: every board decision for the case, newest first; under each,
the recommendation the board saw (with its ruleset version), the actions and whether they are
done, the implementation outcome, and the replacements and amendments of the record. Read as a
page (it wraps at any width), not as cut table cells."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from tumorboard.services.patient_record import MdtEntry

EMPTY = "No MDT discussion recorded yet."
DISCLAIMER = ("The recommendations shown are what the decision-support module said at the time; the "
              "board decided.")


def _row(label: str, text: str, status: str = "") -> str:
    return (f"<tr><td style='padding:2px 10px 2px 0; color:#555'>{escape(label)}</td>"
            f"<td style='padding:2px 10px 2px 0'>{escape(text)}</td>"
            f"<td style='padding:2px 0; white-space:nowrap'>{escape(status)}</td></tr>")


def entry_html(e: MdtEntry) -> str:
    rows = [_row("Concordance", e.concordance),
            _row("Recommendation seen", e.recommendation, f"ruleset {e.ruleset}")]
    rows += [_row(f"Action {a.number}", f"{a.text} ({a.owner})" + (f" - {a.note}" if a.note else ""),
                  a.due_text) for a in e.actions]
    if e.pending_actions:
        rows.append(_row("Actions", f"{e.pending_actions} action(s), listed once the meeting is closed"))
    rows.append(_row("Implementation", e.implementation))
    rows += [_row("Record changed", line) for line in e.changes]
    rows.append(_row("Recorded", f"by {e.recorded_by}", f"{e.recorded_at:%Y-%m-%d %H:%M} UTC"))
    return (f"<h3 style='margin:12px 0 2px 0'>{e.meeting_day.isoformat()} · {escape(e.board)} "
            f"<span style='font-weight:normal; color:#555'>(meeting {escape(e.meeting_state)})</span></h3>"
            f"<p style='margin:0 0 4px 0'><b>{escape(e.category)}</b>: {escape(e.decision)}</p>"
            f"<table cellspacing='0'>{''.join(rows)}</table>")


class MdtRecordTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.page = QTextBrowser()
        self.page.setAccessibleName("MDT record")
        self.page.setOpenLinks(False)
        layout.addWidget(self.page)
        self.entries: list[MdtEntry] = []
        self.show_entries([])

    def show_entries(self, entries: list[MdtEntry]) -> None:
        self.entries = list(entries)
        if not entries:
            self.page.setHtml(f"<p>{EMPTY}</p>")
            return
        self.page.setHtml(f"<p>{len(entries)} MDT decision(s), newest first. {DISCLAIMER}</p>"
                          + "".join(entry_html(e) for e in entries))

    def text(self) -> str:
        return self.page.toPlainText()
