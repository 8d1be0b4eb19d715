"""The agenda to circulate, as the PDF it is saved, printed or sent as: the minutes preview's
viewer, save and print, over the agenda service (saving and printing are recorded exports)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from tumorboard.gui.meetings.minutes_preview import MinutesPreview
from tumorboard.gui.widgets.background import run_with_progress
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.services.agenda import AgendaService
from tumorboard.services.meetings import MeetingService


class AgendaPreview(MinutesPreview):
    def __init__(self, meetings: MeetingService, meeting_id: int, parent: QWidget | None = None) -> None:
        self.agenda = AgendaService(meetings.db, meetings.actor, user=meetings.user)
        super().__init__(meetings, meeting_id, parent)
        self.setWindowTitle(f"Agenda: {self.meeting.board.name}, {self.meeting.day.isoformat()}")
        self.setAccessibleName("Agenda preview")
        self.view.setAccessibleName("Agenda")

    def render_minutes(self) -> None:
        """(The agenda, in the place the minutes preview renders its document.)"""
        pseudonymise = self.pseudonymise.isChecked()
        agenda, meeting_id = self.agenda, self.meeting_id

        def work(_progress: object) -> bytes:
            return agenda.render(meeting_id, pseudonymise=pseudonymise)

        self.info.setText("The agenda as it stands now: question, presenter, readiness and the reviews "
                          "requested per case" + ("; pseudonymised." if pseudonymise else "."))
        self.pseudonymise.setEnabled(False)
        self.problem.setVisible(False)
        self._runner = run_with_progress(self, "Rendering the agenda", work, self._on_rendered,
                                         self._on_render_failed, USER_ERRORS)

    def suggested_name(self) -> str:
        kind = "-pseudonymised" if self.pseudonymise.isChecked() else ""
        board = "".join(ch if ch.isalnum() else "-" for ch in self.meeting.board.name).strip("-")
        return f"agenda-{board}-{self.meeting.day.isoformat()}{kind}.pdf"

    def _record_export(self, to: str) -> None:
        self.agenda.record_export(self.meeting_id, pseudonymised=self.pseudonymise.isChecked(), to=to)

