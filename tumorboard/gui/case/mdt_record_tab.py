"""The patient's MDT record tab: every board decision for the case, newest first; under each,
the recommendation the board saw (with its ruleset version), the actions and whether they are
done, the implementation outcome, and the replacements and amendments of the record."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from tumorboard.services.patient_record import MdtEntry

COLUMNS = ("MDT / item", "Decision or detail", "Status")


class MdtRecordTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.summary = QLabel("No MDT discussion recorded yet.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("MDT record")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setWordWrap(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        layout.addWidget(self.tree, 1)

    def show_entries(self, entries: list[MdtEntry]) -> None:
        self.tree.clear()
        for e in entries:
            top = QTreeWidgetItem([f"{e.meeting_day.isoformat()} {e.board}", f"{e.category}: {e.decision}",
                                   f"meeting {e.meeting_state}"])
            details = [("Concordance", e.concordance, ""),
                       ("Recommendation seen", e.recommendation, f"ruleset {e.ruleset}")]
            for a in e.actions:
                details.append((f"Action {a.number}", f"{a.text} ({a.owner})", a.due_text))
            if e.pending_actions:
                pending = f"{e.pending_actions} action(s), listed once the meeting is closed"
                details.append(("Actions", pending, ""))
            details.append(("Implementation", e.implementation, ""))
            details += [("Record changed", line, "") for line in e.changes]
            details.append(("Recorded", f"by {e.recorded_by}", f"{e.recorded_at:%Y-%m-%d %H:%M} UTC"))
            for label, text, status in details:
                QTreeWidgetItem(top, [label, text, status])
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        self.summary.setText(f"{len(entries)} MDT decision(s), newest first." if entries
                             else "No MDT discussion recorded yet.")
