"""The Audit tab: the scenario's figures on screen, five charts drawn offscreen without a Qt
warning (the suite fails on any), each bar opening exactly the cases it counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prepared_databases import PreparedDatabases
from PySide6.QtCharts import QAbstractBarSeries, QScatterSeries
from pytestqt.qtbot import QtBot
from scenarios.audit_year import AUDIT_YEAR, BOARD, Scenario

from tumorboard.domain.audit_report import behind
from tumorboard.gui.audit.audit_tab import AuditTab
from tumorboard.gui.notice import ChangeNotice
from tumorboard.services.boards import BoardService
from tumorboard.services.meetings import MeetingService
from tumorboard.services.quality_audit import QualityAuditService
from tumorboard.store import Database


@pytest.fixture
def audit_db(tmp_path: Path, prepared: PreparedDatabases) -> Iterator[tuple[Database, Scenario]]:
    db = Database.open(f"sqlite:///{prepared.copy(AUDIT_YEAR, tmp_path / 'audit.sqlite3')}")
    try:
        yield db, prepared.made(AUDIT_YEAR)
    finally:
        db.close()


def _tab(qtbot: QtBot, db: Database, scenario: Scenario, notice: ChangeNotice | None = None) -> AuditTab:
    tab = AuditTab(QualityAuditService(db), BoardService(db), scenario.end, notice)
    qtbot.addWidget(tab)
    tab.set_period(scenario.start, scenario.end, BOARD)
    tab.refresh()
    return tab


def _bar_set(tab: AuditTab, key: str):  # type: ignore[no-untyped-def]
    series = [s for s in tab.chart_views[key].chart().series() if isinstance(s, QAbstractBarSeries)]
    return series[0].barSets()[0]


def test_the_tab_shows_the_figures_and_five_charts(qtbot: QtBot, audit_db: tuple[Database, Scenario]) -> None:
    db, scenario = audit_db
    tab = _tab(qtbot, db, scenario)
    shown = {key.text().replace("<b>", "").replace("</b>", ""): value.text() for key, value in tab.figure_labels}
    assert shown["Meetings signed off in the period"] == "3"
    assert shown["Follow the guideline recommendation"] == "2 (40.0 %)"
    assert shown["Days from decision to treatment"] == "n 3, median 31, p90 40"
    assert set(tab.chart_views) == {"concordance", "implementation", "waiting", "attendance", "cases"}
    # The waiting-time histogram carries the 31-day line; the attendance bars are percentages.
    waiting = tab.chart_views["waiting"].chart()
    assert any(s.name() == "31 days" for s in waiting.series())
    attendance = _bar_set(tab, "attendance")
    shares = [attendance.at(i) for i in reversed(range(attendance.count()))]  # drawn bottom-up
    assert shares == [100.0, 100.0, 100.0, 100.0, pytest.approx(200 / 3), 0.0, pytest.approx(200 / 3)]
    assert BOARD in tab.period.text() and scenario.start.isoformat() in tab.period.text()


def test_each_chart_opens_the_cases_behind_the_bar_clicked(qtbot: QtBot,
                                                           audit_db: tuple[Database, Scenario]) -> None:
    db, scenario = audit_db
    tab = _tab(qtbot, db, scenario)
    opened: list[str] = []
    tab.case_requested.connect(opened.append)
    # Concordance: the bars are drawn bottom-up, so the top bar ("follows") is the last value.
    concordance = _bar_set(tab, "concordance")
    concordance.clicked.emit(concordance.count() - 1)
    assert tab.dialog is not None
    assert sorted(tab.dialog.model.item(r).mrn for r in range(tab.dialog.model.rowCount())) == ["AUD-1", "AUD-6"]
    # Fitness or comorbidity (the amended AUD-5) is the third bar from the top.
    concordance.clicked.emit(concordance.count() - 3)
    assert [tab.dialog.model.item(r).mrn for r in range(tab.dialog.model.rowCount())] == ["AUD-5"]
    # The waiting times: weeks 28-34 (AUD-5, 31 days) is the fifth column.
    _bar_set(tab, "waiting").clicked.emit(4)
    assert [tab.dialog.model.item(r).mrn for r in range(tab.dialog.model.rowCount())] == ["AUD-5"]
    # Cases per meeting, on a date axis: clicking the first meeting's point lists its four cases.
    points = next(s for s in tab.chart_views["cases"].chart().series() if isinstance(s, QScatterSeries))
    assert [points.at(i).y() for i in range(points.count())] == [4, 2, 1]
    points.clicked.emit(points.at(0))
    assert sorted(tab.dialog.model.item(r).mrn for r in range(tab.dialog.model.rowCount())) == [
        "AUD-1", "AUD-2", "AUD-3", "AUD-4"]
    for chart in tab.charts:
        for n, bar in enumerate(chart.bars):
            dialog = tab.cases_behind(chart.key, n)
            assert dialog is not None and dialog.model.rowCount() == len(behind(bar, tab.result.items))  # type: ignore[union-attr]
    tab.dialog.table.activated.emit(tab.dialog.model.index(0, 0))  # type: ignore[union-attr]
    assert opened and opened[-1].startswith("AUD-")


def test_a_signed_change_elsewhere_refreshes_the_figures(qtbot: QtBot, audit_db: tuple[Database, Scenario]) -> None:
    db, scenario = audit_db
    notice = ChangeNotice()
    tab = _tab(qtbot, db, scenario, notice)
    tab.show()
    meetings = MeetingService(db, actor="chair", today=lambda: scenario.end + timedelta(days=90),
                              notify=notice.publish)
    meetings.amend(scenario.meetings["M2"], "AUD-4", "concordant", "yes", "Misrecorded")
    qtbot.waitUntil(lambda: tab.result is not None and tab.result.figures["concordant"] == 3)


def test_an_empty_board_and_a_reversed_period(qtbot: QtBot, audit_db: tuple[Database, Scenario]) -> None:
    db, scenario = audit_db
    tab = _tab(qtbot, db, scenario)
    tab.set_period(scenario.start, scenario.end, "Sarcoma MDT")
    tab.refresh()
    shown = {key.text().replace("<b>", "").replace("</b>", ""): value.text() for key, value in tab.figure_labels}
    assert shown["Follow the guideline recommendation"] == "0 (–)"
    tab.set_period(scenario.end, scenario.start, BOARD)
    tab.refresh()
    assert tab.problem.isVisibleTo(tab) and tab.problem.text().startswith("to: the period ends")


def test_the_exports_write_the_report_the_decisions_and_the_figures(
        qtbot: QtBot, audit_db: tuple[Database, Scenario], tmp_path: Path) -> None:
    db, scenario = audit_db
    tab = _tab(qtbot, db, scenario)
    for kind in ("pdf", "csv", "json"):
        tab.export(kind, tmp_path / f"audit.{kind}")
    assert (tmp_path / "audit.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "audit.csv").read_text().count("\n") == 6  # header + 5 decisions
    assert '"concordant": 2' in (tmp_path / "audit.json").read_text()


def test_opening_the_tab_shows_its_period_at_once(qtbot: QtBot, audit_db: tuple[Database, Scenario]) -> None:
    """No empty page behind a "Show" button: the first time the tab is shown it computes the
    chosen period's figures (a later change of board or period still waits for Show)."""
    db, scenario = audit_db
    tab = AuditTab(QualityAuditService(db), BoardService(db), scenario.end)
    qtbot.addWidget(tab)
    tab.set_period(scenario.start, scenario.end, BOARD)
    assert tab.result is None and not tab.chart_views
    tab.show()
    qtbot.waitUntil(lambda: tab.result is not None)
    assert set(tab.chart_views) == {"concordance", "implementation", "waiting", "attendance", "cases"}
    assert BOARD in tab.period.text()
