"""The worklist's filters and Home's lists: what is listed, and moving through it.

Part of the main window (``gui.main_window.MainWindow`` inherits it); the attributes it uses are
declared in ``gui.window.parts``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from tumorboard.domain.vocab import SUBTYPE_FILTERS
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.gui.home.worklist_model import WorklistModel
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.gui.window.parts import WindowParts
from tumorboard.services.cases import WorklistQuery, WorklistRow
from tumorboard.store import StoreError

WINDOW_FILTERS = [("Any response window", ()), ("Window open", ("open",)), ("Overdue", ("overdue",)),
                  ("Open or overdue", ("open", "overdue")), ("Assessed", ("assessed",)),
                  ("Not yet open", ("before_window",))]
WORKLIST_FIRST_ROWS = 100
"""Rows a filter reads at once: a screenful and more at 1920x1080 (about 35 rows show)."""
WORKLIST_MORE_ROWS = 100
"""Rows read each time the view scrolls to the end of those read (up to the list's limit)."""
ACTIONS_DUE_DAYS = 14
"""Home lists the actions due within two weeks (two weekly meetings), overdue ones included."""


class WorklistCommands(WindowParts):
    def _make_worklist(self) -> QWidget:
        """The Worklist tab: the find field on a row of its own, the three filters, the table."""
        self.model = WorklistModel(self)
        self.model.rowsInserted.connect(lambda *_: self._show_listed())  # more read as the view scrolls
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        # Rows arrive in the service's order (next due date first); no column is sorted until the
        # user clicks a header, so the header must not claim one is.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Worklist")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(100)  # widths from 100 rows, not 500
        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText("Find by record number or name (Ctrl+F)")
        self.filter_text.setAccessibleName("Find case")
        self.filter_text.setClearButtonEnabled(True)
        self.filter_status = QComboBox()
        self.filter_status.setAccessibleName("Status filter")
        self.filter_status.addItem("Any status", None)
        for s in WorkflowStatus:
            self.filter_status.addItem(s.label, s.value)
        self.filter_subtype = QComboBox()
        self.filter_subtype.setAccessibleName("Subtype filter")
        self.filter_subtype.addItem("Any subtype", None)
        for sub in SUBTYPE_FILTERS:
            self.filter_subtype.addItem(sub, sub)
        self.filter_window = QComboBox()
        self.filter_window.setAccessibleName("Response window filter")
        for label, values in WINDOW_FILTERS:
            self.filter_window.addItem(label, values)

        page = QWidget()
        wl = QVBoxLayout(page)
        wl.addWidget(self.filter_text)  # a row of its own: readable beside an open case at 1366 px
        filters = QHBoxLayout()
        filters.addWidget(self.filter_status, 1)
        filters.addWidget(self.filter_subtype, 1)
        filters.addWidget(self.filter_window, 1)
        wl.addLayout(filters)
        wl.addWidget(self.table, 1)
        return page

    def _on_find(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.filter_text.setFocus()
        self.filter_text.selectAll()

    def _on_refresh(self) -> None:
        self.refresh_worklist()
        self.refresh_dashboard()

    def current_query(self) -> WorklistQuery:
        status = self.filter_status.currentData()
        subtype = self.filter_subtype.currentData()
        return WorklistQuery(text=self.filter_text.text(),
                             statuses=(WorkflowStatus(status),) if status else (),
                             subtypes=(subtype,) if subtype else (),
                             window_statuses=tuple(self.filter_window.currentData() or ()),
                             limit=self.worklist_limit)

    def _on_filter_changed(self) -> None:
        self._debounce.start()

    def refresh_worklist(self) -> None:
        query = self.current_query()
        first_rows = min(query.limit, WORKLIST_FIRST_ROWS)
        try:
            rows = self.service.worklist(replace(query, limit=first_rows))
        except StoreError as exc:
            self.error("The worklist could not be loaded", str(exc))
            return

        def more(offset: int) -> list[WorklistRow]:
            """The next rows as the view scrolls to them (none past the list's limit)."""
            if offset >= query.limit:
                return []
            try:
                return self.service.worklist(replace(query, offset=offset,
                                                     limit=min(WORKLIST_MORE_ROWS, query.limit - offset)))
            except StoreError as exc:
                self.error("The rest of the worklist could not be loaded", str(exc))
                return []

        first = self.model.rowCount() == 0
        self.model.set_rows(rows, more if len(rows) == first_rows and first_rows < query.limit else None)
        if first and rows and self.settings.value("worklist/header") is None:
            self.table.resizeColumnsToContents()  # every column title readable, until the user sets widths
        self._show_listed()

    def _show_listed(self) -> None:
        limit = self.worklist_limit
        count = self.model.rowCount()
        listed = f"{count} case(s) listed"
        if not self.model.complete:
            listed = (f"the first {count} cases by next due date are listed; scroll for more (up to "
                      f"{limit}), or find (Ctrl+F) or filter to reach the others")
        elif count >= limit:  # never let a bounded list pass for the whole department
            listed = (f"the first {limit} cases by next due date are listed; find (Ctrl+F) or "
                      "filter to reach the others")
        self.statusBar().showMessage(f"Database: {self.database_location} · {listed}")

    def refresh_dashboard(self) -> None:
        try:
            self.home_reader.refresh()  # the first page now, the rest off the UI thread
        except StoreError as exc:
            self.error("The dashboard could not be loaded", str(exc))
            return
        if self.action_service is not None:
            try:  # overdue, or due before the meeting after next
                soon = self.today + timedelta(days=ACTIONS_DUE_DAYS)
                self.dashboard.show_actions(self.action_service.actions(due_by=soon))
            except USER_ERRORS as exc:
                self.error("The actions due could not be loaded", str(exc))
        if self.meetings is not None:
            try:
                self.dashboard.show_follow_ups(self.meetings.follow_ups_due(self.today))
            except USER_ERRORS as exc:
                self.error("The implementation checks could not be loaded", str(exc))

    def _on_table_current_changed(self, current: object, _previous: object) -> None:
        from PySide6.QtCore import QModelIndex

        if isinstance(current, QModelIndex) and current.isValid():
            self.open_case(self.model.row_at(current.row()).mrn)

    def _on_table_activated(self, index: object) -> None:
        self._on_table_current_changed(index, None)

    def _step(self, delta: int) -> None:
        if self.model.rowCount() == 0:
            return
        current = self.table.currentIndex().row()
        if current + delta >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()  # the next case is past the rows read so far
        row = min(max(current + delta, 0), self.model.rowCount() - 1) if current >= 0 else 0
        self.tabs.setCurrentIndex(1)
        self.table.selectRow(row)
