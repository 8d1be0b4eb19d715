"""The meeting room, made for the projector: one case at a time with its timeline, the guideline
recommendation for the meeting day, and the board's decision form."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tumorboard.domain.dates import completed_years
from tumorboard.domain.meeting import AgendaTriage
from tumorboard.domain.meeting_state import MeetingState
from tumorboard.gui.meetings.agenda_model import agenda_status
from tumorboard.gui.meetings.decision_dialogs import AmendDialog, QuorumOverrideDialog, ReplaceDecisionDialog
from tumorboard.gui.meetings.decision_form import DecisionForm, FormState
from tumorboard.gui.meetings.meeting_planner import in_progress, show_quorum
from tumorboard.gui.recommendation.recommendation_panel import RecommendationPanel
from tumorboard.gui.timeline.timeline import CaseTimeline
from tumorboard.gui.widgets.form_dialog import FormDialog
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.services.cases import CaseRecord, CaseService
from tumorboard.services.derived import subtype_label
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.services.minutes import meeting_recommendation
from tumorboard.services.quorum import QuorumStatus
from tumorboard.store import ConcurrentEdit
from tumorboard.store.meeting_records import AgendaRecord, MeetingRecord

_BOX = "padding: 6px; border-radius: 4px;"
BANNER_STYLES = {
    "signed": f"background: #e8f5e9; color: #1b5e20; border: 1px solid #66bb6a; {_BOX}",
    "closed": f"background: #eceff1; color: #263238; border: 1px solid #90a4ae; {_BOX}",
    "listed": f"background: #fff8e1; color: #3e2723; border: 1px solid #ffb300; {_BOX}",
}


def case_summary(record: CaseRecord, rec: dict[str, Any], item: AgendaRecord, position: int, total: int,
                 day: date) -> str:
    """One line a projector can show: who, what disease, where in the pathway; then the question."""
    case = record.case
    p = case.patient
    try:
        subtype = subtype_label(rec["biology"]["hormone_receptor"], rec["biology"]["her2"])
    except (KeyError, TypeError):
        subtype = "subtype unknown"
    organs = ", ".join(dict.fromkeys(lesion.organ.value.replace("_", " ")
                                     for lesion in case.metastatic.lesions))
    count = len(case.metastatic.lesions)
    parts = [f"<b>{escape(p.name or p.mrn)}</b>", escape(p.mrn), f"{completed_years(p.birth_date, day)} y",
             escape(subtype), f"{count} distant lesion{'s' if count != 1 else ''}"
             + (f" ({escape(organs)})" if organs else ""), escape(record.status.label)]
    question = [f"Question: <i>{escape(item.question)}</i>"] if item.question else []
    if item.presenter:
        question.append(f"presented by {escape(item.presenter)}")
    return (f"<span style='font-size: x-large'>{position}/{total} · " + " · ".join(parts) + "</span>"
            + ("<br>" + " · ".join(question) if question else ""))


class MeetingRoom(QWidget):
    changed = Signal()
    """Emitted after the meeting was changed here (decision, override, amendment)."""
    case_shown = Signal(str)
    """Emitted with the MRN of the case now in view."""
    decision_recorded = Signal(str)
    """Emitted with the MRN after the board's decision for it was recorded (the case moves on)."""

    def __init__(self, meetings: MeetingService, cases: CaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meetings = meetings
        self.cases = cases
        self.meeting: MeetingRecord | None = None
        self.quorum: QuorumStatus | None = None
        self.mrn: str | None = None
        self.recommendation: dict[str, Any] | None = None
        self.drafts: dict[str, FormState] = {}
        self.dialog: FormDialog | None = None
        layout = QVBoxLayout(self)

        nav = QHBoxLayout()
        self.previous = QPushButton("◀ &Previous")
        self.previous.setAccessibleName("Previous case")
        self.previous.setToolTip("Previous case (Alt+Left or Page Up)")
        self.picker = QComboBox()
        self.picker.setAccessibleName("Case on the agenda")
        self.picker.setMinimumContentsLength(30)
        self.next = QPushButton("&Next ▶")
        self.next.setAccessibleName("Next case")
        self.next.setToolTip("Next case (Alt+Right or Page Down)")
        self.quorum_label = QLabel("")
        self.quorum_label.setAccessibleName("Quorum")
        nav.addWidget(self.previous)
        nav.addWidget(self.picker, 1)
        nav.addWidget(self.next)
        nav.addSpacing(12)
        nav.addWidget(self.quorum_label)
        layout.addLayout(nav)

        self.summary = QLabel("No case")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Case summary")
        layout.addWidget(self.summary)
        banner_row = QHBoxLayout()
        self.banner = QLabel("")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setAccessibleName("Meeting state")
        self.amend = QPushButton("&Amend...")
        self.amend.setAccessibleName("Amend")
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.amend, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(banner_row)

        self.timeline = CaseTimeline()
        self.panel = RecommendationPanel()
        self.form = DecisionForm()
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.timeline)
        left.addWidget(self.panel)
        left.setStretchFactor(1, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.form)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 640])  # the form wide enough for its actions table
        layout.addWidget(self.splitter, 1)

        self.act_previous = self._action("Previous case", ["Alt+Left", "PgUp"], lambda: self.step(-1))
        self.act_next = self._action("Next case", ["Alt+Right", "PgDown"], lambda: self.step(1))
        self.previous.clicked.connect(self.act_previous.trigger)
        self.next.clicked.connect(self.act_next.trigger)
        self.picker.activated.connect(self._on_picker_activated)
        self.form.save_requested.connect(self._on_form_save_requested)
        self.form.override_requested.connect(self._on_form_override_requested)
        self.amend.clicked.connect(self._on_amend_clicked)
        self._show_nothing()

    def _action(self, text: str, keys: list[str], slot: Any) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- showing ------------------------------------------------------------------------------
    def show_meeting(self, meeting: MeetingRecord, quorum: QuorumStatus) -> None:
        """Show (or refresh) the meeting; the case in view stays, with whatever was typed for it."""
        self._keep_draft()
        self.meeting = meeting
        self.quorum = quorum
        show_quorum(self.quorum_label, quorum)
        self.picker.blockSignals(True)
        self.picker.clear()
        for item in meeting.agenda:
            self.picker.addItem(f"{item.position}. {item.name or item.mrn} ({item.mrn}) - "
                                f"{agenda_status(item)}", item.mrn)
        self.picker.blockSignals(False)
        mrns = [a.mrn for a in meeting.agenda]
        target = self.mrn if self.mrn in mrns else (mrns[0] if mrns else None)
        self.mrn = None
        if target is None:
            self._show_nothing()
        else:
            self.show_case(target)

    def _show_nothing(self) -> None:
        self.summary.setText("No case on the agenda" if self.meeting else "No meeting open")
        self.timeline.set_case(None, None, self.meeting.day if self.meeting else date.today())
        self.panel.set_recommendation(None)
        self.form.load(None, None, editable=False)
        self._update_banner(None)
        for widget in (self.previous, self.next, self.picker):
            widget.setEnabled(False)

    def show_case(self, mrn: str) -> bool:
        """Bring a case of the agenda into view; False if it could not be read."""
        meeting = self.meeting
        if meeting is None:
            return False
        item = next((a for a in meeting.agenda if a.mrn == mrn), None)
        if item is None:
            return False
        another_case = mrn != self.mrn
        if another_case:
            self._keep_draft()
        try:
            record = self.cases.get(mrn)
        except USER_ERRORS as exc:
            self.summary.setText(f"{escape(mrn)}: the case could not be read ({escape(str(exc))})")
            return False
        rec = meeting_recommendation(item.decision, record.case, meeting.day)
        self.mrn = mrn
        self.recommendation = rec
        position = [a.mrn for a in meeting.agenda].index(mrn)
        self.summary.setText(case_summary(record, rec, item, position + 1, len(meeting.agenda), meeting.day))
        # "Today" on the timeline is today; the recommendation is the one for the meeting day.
        self.timeline.set_case(record.case, rec, self.meetings.today())
        self.panel.set_recommendation(rec, keep_place=not another_case)
        editable = in_progress(meeting) and item.triage == AgendaTriage.FOR_DISCUSSION.value
        draft = self.drafts.pop(mrn, None)
        if draft is not None and editable:
            self.form.restore(draft)
            self.form.version = item.decision.version if item.decision else None
        else:
            self.form.load(item.decision, rec, editable=editable)
        self._update_banner(item)
        self.picker.setEnabled(True)
        self.picker.setCurrentIndex(position)
        self.previous.setEnabled(position > 0)
        self.next.setEnabled(position < len(meeting.agenda) - 1)
        self.case_shown.emit(mrn)
        return True

    def _update_banner(self, item: AgendaRecord | None) -> None:
        meeting = self.meeting
        text, style = "", ""
        if meeting is not None and meeting.signed_at is not None:
            text = (f"Signed by {meeting.signed_by} on {meeting.signed_at:%Y-%m-%d %H:%M} UTC — SHA-256 "
                    f"{meeting.minutes_sha256}; the record is read-only, corrections are amendments.")
            style = BANNER_STYLES["signed"]
            amended = [a for a in meeting.amendments if item is not None and a.mrn == item.mrn]
            for a in amended:
                text += (f"\nAmended {a.at:%Y-%m-%d} by {a.by}: {a.field} \u201c{a.old_value or ''}\u201d "
                         f"\u2192 \u201c{a.new_value or ''}\u201d ({a.reason})")
        elif meeting is not None and meeting.closed_at is not None:
            moved = (f" Cases not discussed moved to {meeting.carried_over_to_day.isoformat()}."
                     if meeting.carried_over_to_day else "")
            text = (f"Closed on {meeting.closed_at:%Y-%m-%d %H:%M} UTC; decisions can no longer be recorded."
                    f"{moved} The chair signs the minutes off next.")
            style = BANNER_STYLES["closed"]
        elif meeting is not None and meeting.state == MeetingState.PLANNED.value:
            text = (f"The meeting is planned for {meeting.day:%A %d %B %Y}: start it (Planner, Start "
                    "meeting) on the day to take attendance and record decisions.")
            style = BANNER_STYLES["closed"]
        elif item is not None and item.triage == AgendaTriage.LISTED_NOT_DISCUSSED.value:
            text = (f"Listed, not discussed: standard of care confirmed by "
                    f"{item.responsible_clinician or 'the responsible clinician'}.")
            style = BANNER_STYLES["listed"]
        self.banner.setText(text)
        self.banner.setStyleSheet(style)
        self.banner.setVisible(bool(text))
        signed = meeting is not None and meeting.signed_at is not None
        self.amend.setVisible(signed)
        self.amend.setEnabled(signed and any(a.decision is not None for a in meeting.agenda)
                              if meeting else False)

    def step(self, delta: int) -> None:
        if self.meeting is None or self.mrn is None:
            return
        mrns = [a.mrn for a in self.meeting.agenda]
        position = min(max(mrns.index(self.mrn) + delta, 0), len(mrns) - 1)
        if mrns[position] != self.mrn:
            self.show_case(mrns[position])

    def _keep_draft(self) -> None:
        if self.mrn is not None and self.form.dirty and self.form.save.isEnabled():
            self.drafts[self.mrn] = self.form.state()

    # -- slots --------------------------------------------------------------------------------
    def _on_picker_activated(self, index: int) -> None:
        mrn = self.picker.itemData(index)
        if mrn:
            self.show_case(str(mrn))

    def _on_form_save_requested(self) -> None:
        """Record the decision; a refusal leaves every typed field as it is."""
        if self.meeting is None or self.mrn is None:
            return
        decision, problems = self.form.decision_input()
        if problems:
            self.form.show_problems("; ".join(problems))
            return
        item = next((a for a in self.meeting.agenda if a.mrn == self.mrn), None)
        if item is not None and item.decision is not None:
            self._ask_replace(decision, item.name or item.mrn)
            return
        self._record(decision)

    def _ask_replace(self, decision: DecisionInput, case: str) -> None:
        """A decision is already recorded: replacing it is a choice, with the reason."""
        assert self.meeting is not None and self.mrn is not None
        meeting_id, mrn, version = self.meeting.id, self.mrn, self.form.version
        dialog = ReplaceDecisionDialog(case, self)

        def submit() -> bool:
            self.meetings.record_decision(meeting_id, mrn, decision, expected_version=version, replace=True,
                                          reason=dialog.reason.toPlainText())
            return True

        dialog.submit = submit
        dialog.accepted.connect(self._on_replace_dialog_accepted)
        self._open(dialog)

    def _on_replace_dialog_accepted(self) -> None:
        if self.mrn is not None:
            self._saved(self.mrn)

    def _record(self, decision: DecisionInput, **replacing: Any) -> None:
        assert self.meeting is not None and self.mrn is not None
        try:
            self.meetings.record_decision(self.meeting.id, self.mrn, decision,
                                          expected_version=self.form.version, **replacing)
        except ConcurrentEdit as exc:
            self.form.show_problems(f"{exc}. Your text is still here: copy what you need, then reopen the "
                                    "meeting to see the other version.")
            return
        except USER_ERRORS as exc:
            message = str(exc)
            self.form.show_problems(message, quorum="quorum not met" in message)
            return
        self._saved(self.mrn)

    def _saved(self, mrn: str) -> None:
        self.form.mark_saved(None)
        self.drafts.pop(mrn, None)
        self.changed.emit()
        self.decision_recorded.emit(mrn)

    def _on_form_override_requested(self) -> None:
        if self.meeting is None:
            return
        meeting_id = self.meeting.id
        missing = self.quorum.text if self.quorum else "Quorum NOT met"
        user = self.meetings.user
        dialog = QuorumOverrideDialog(user.display_name if user else self.meeting.chair or "", missing, self)
        dialog.chair.setReadOnly(user is not None)  # recorded in the signed-in chair's own name only
        dialog.submit = lambda: self.meetings.record_quorum_override(
            meeting_id, dialog.chair.text(), dialog.reason.toPlainText())
        dialog.accepted.connect(self._on_override_dialog_accepted)
        self._open(dialog)

    def _on_override_dialog_accepted(self) -> None:
        self.changed.emit()  # the typed decision is kept as a draft across the refresh
        self.form.errors.clear()
        self.form.override.setVisible(False)

    def _on_amend_clicked(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        decided = [(a.mrn, f"{a.position}. {a.name or a.mrn} ({a.mrn})")
                   for a in meeting.agenda if a.decision]
        dialog = AmendDialog(decided, self.mrn, self)

        def submit() -> None:
            mrn, field, value, reason = dialog.chosen()
            self.meetings.amend(meeting.id, mrn, field, value, reason)

        dialog.submit = submit
        dialog.accepted.connect(self.changed)
        self._open(dialog)

    def _open(self, dialog: FormDialog) -> None:
        self.dialog = dialog
        dialog.open()
