"""The desktop app through its widgets (pytest-qt, offscreen; any Qt warning fails a test)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt, QUrl
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from tumorboard.casedoc import case_from_document
from tumorboard.gui.case.case_view import CaseView
from tumorboard.gui.home.dashboard import CASE_COLUMNS, HomeTableModel
from tumorboard.gui.home.worklist_model import WorklistModel
from tumorboard.gui.main_window import MainWindow
from tumorboard.gui.recommendation.recommendation_panel import RecommendationPanel
from tumorboard.gui.timeline.timeline import CaseTimeline
from tumorboard.recommend import evaluate, recommendation_to_document
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.demo import build_demo_cases
from tumorboard.timeline.layout import Kind

TODAY = date(2026, 11, 28)  # the same day the demo fixture uses


@pytest.fixture
def window(qtbot: QtBot, service: CaseService) -> MainWindow:
    w = MainWindow(service, "test database", today=TODAY)
    qtbot.addWidget(w)
    w.show()
    return w


def test_item_models_pass_the_model_tester(qtmodeltester: Any, service: CaseService) -> None:
    model = WorklistModel()
    model.set_rows(service.worklist(WorklistQuery(limit=100)))
    qtmodeltester.check(model)
    model.sort(3, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    read_on = WorklistModel()  # read as the view scrolls: the tester fetches more as a view would
    read_on.set_rows(service.worklist(WorklistQuery(limit=4)),
                     lambda offset: service.worklist(WorklistQuery(offset=offset, limit=4)))
    qtmodeltester.check(read_on)
    assert len(read_on.fetch_all()) == 30 and read_on.complete
    qtmodeltester.check(read_on)
    lists = HomeTableModel(CASE_COLUMNS["overdue"])
    lists.set_items(service.worklist(WorklistQuery(limit=3)))
    qtmodeltester.check(lists)


def test_worklist_lists_the_demo_and_filters_instantly(qtbot: QtBot, window: MainWindow) -> None:
    assert window.model.rowCount() == 30
    window.filter_text.setText("DEMO-0012")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.row_at(0).name == "Lena Demo"
    window.filter_text.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 30)
    window.filter_window.setCurrentIndex(window.filter_window.findText("Overdue"))
    qtbot.waitUntil(lambda: window.model.rowCount() < 30)
    assert {window.model.row_at(i).window_status for i in range(window.model.rowCount())} == {"overdue"}
    window.filter_window.setCurrentIndex(0)
    window.filter_status.setCurrentIndex(window.filter_status.findText("Closed"))
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)


def test_dashboard_opens_an_overdue_case(qtbot: QtBot, window: MainWindow) -> None:
    model = window.dashboard.models["overdue"]
    assert model.rowCount() >= 1
    mrn = model.index(0, 0).data(Qt.ItemDataRole.UserRole)
    window.dashboard.case_requested.emit(mrn)
    assert window.case_view.record is not None
    assert window.case_view.record.case.patient.mrn == mrn
    assert "Response window" in window.case_view.timeline.describe() or "window" in \
        window.case_view.timeline.describe()


def test_edit_and_save_a_case_through_the_widgets(qtbot: QtBot, window: MainWindow, service: CaseService) -> None:
    window.open_case("DEMO-0009")
    editor = window.case_view.editor
    er = editor.widget_for("/tumour/er_percent")
    assert isinstance(er, QLineEdit)
    er.clear()
    qtbot.keyClicks(er, "45")
    assert editor.dirty and editor.valid
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: service.get("DEMO-0009").case.tumour.er_percent == 45)
    assert not window.case_view.editor.dirty
    assert any(h.field == "/tumour/er_percent" for h in service.history("DEMO-0009"))


def test_an_invalid_field_blocks_save_and_keeps_the_input(qtbot: QtBot, window: MainWindow,
                                                          service: CaseService,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: shown.append(text))
    window.open_case("DEMO-0009")
    before = service.get("DEMO-0009")
    editor = window.case_view.editor
    dob = editor.widget_for("/patient/birth_date")
    assert isinstance(dob, QLineEdit)
    dob.clear()
    qtbot.keyClicks(dob, "1970-02-30")
    assert "not a valid calendar date" in editor.message_for("/patient/birth_date")
    assert "border" in dob.styleSheet()
    assert window.save_case() is False
    assert shown and "birth_date" in shown[0]
    assert dob.text() == "1970-02-30"  # nothing typed is lost
    assert service.get("DEMO-0009").version == before.version


def test_the_recommendation_follows_a_field_that_matters(qtbot: QtBot, window: MainWindow) -> None:
    """Age 54 -> 55 at metastatic diagnosis takes a selected-subgroup case out of the subgroup."""
    window.open_case("DEMO-0010")
    view = window.case_view
    assert view.recommendation is not None
    assert view.recommendation["primary_tumour"]["verdict"] == "consider_selected"
    met_dx = view.record.case.metastatic.diagnosis_date  # type: ignore[union-attr]
    born_55_years_before = met_dx.replace(year=met_dx.year - 55).isoformat()  # type: ignore[union-attr]
    dob = view.editor.widget_for("/patient/birth_date")
    assert isinstance(dob, QLineEdit)
    with qtbot.waitSignal(view.recommendation_changed):
        dob.clear()
        qtbot.keyClicks(dob, born_55_years_before)
    assert view.recommendation["patient"]["age_at_metastatic_diagnosis"] == 55
    assert view.recommendation["primary_tumour"]["verdict"] == "not_routine"
    assert "not routinely recommended" in view.recommendation_panel.plain_text().lower()


def test_closing_with_unsaved_changes_asks(qtbot: QtBot, window: MainWindow,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def answer(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    window.open_case("DEMO-0011")
    combo = window.case_view.editor.widget_for("/tumour/her2_ihc")
    assert isinstance(combo, QComboBox)
    combo.setCurrentText("2+")
    assert window.close() is False
    assert asked and "unsaved" in asked[0].lower()
    assert window.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert window.close() is True


def test_timeline_paints_every_demo_case_without_warnings(qtbot: QtBot) -> None:
    timeline = CaseTimeline()
    qtbot.addWidget(timeline)
    timeline.resize(900, 220)
    for demo in build_demo_cases(TODAY):
        rec = recommendation_to_document(evaluate(demo.case, TODAY))
        timeline.set_case(demo.case, rec, TODAY)
        image = timeline.grab()
        assert not image.isNull()
    assert timeline.describe().startswith("Primary diagnosed")


def test_timeline_hover_names_the_therapy_under_the_pointer(qtbot: QtBot) -> None:
    demo = build_demo_cases(TODAY)[21]  # on treatment, assessed twice
    timeline = CaseTimeline()
    qtbot.addWidget(timeline)
    timeline.resize(900, 220)
    timeline.set_case(demo.case, recommendation_to_document(evaluate(demo.case, TODAY)), TODAY)
    timeline.grab()
    layout = timeline.timeline_layout()
    assert layout is not None
    bar = next(i for i in layout.of_kind(Kind.THERAPY) if "letrozole" in i.label)
    assert "letrozole" in (timeline.tooltip_at(QPointF(*bar.box.center)) or "")
    assert timeline.item_at(QPointF(-50, -50)) is None


def test_recommendation_panel_shows_verdicts_criteria_warnings_and_disclaimer(qtbot: QtBot) -> None:
    demo = build_demo_cases(TODAY)[9]
    rec = recommendation_to_document(evaluate(demo.case, TODAY))
    opened: list[str] = []
    panel = RecommendationPanel(open_url=lambda url: opened.append(url.toString()))
    qtbot.addWidget(panel)
    panel.set_recommendation(rec)
    text = panel.plain_text()
    assert "does not replace the judgement" in text
    assert rec["primary_tumour"]["label"] in text
    assert "✓" in text
    assert f"Ruleset {rec['ruleset']['id']} version {rec['ruleset']['version']}" in text
    if any(w["severity"] == "warning" for w in rec["warnings"]) and any(
            w["severity"] == "info" for w in rec["warnings"]):
        assert text.index("Warning (") < text.index("For information (")
    ref_id = panel.reference_links()[0]
    with qtbot.waitSignal(panel.reference_opened) as signal:
        panel.view.anchorClicked.emit(QUrl(f"ref:{ref_id}"))
    url = rec["references"][ref_id]["url"]
    assert signal.args == [url]
    assert opened == [url]


def test_case_view_live_recommendation_without_saving(qtbot: QtBot, service: CaseService) -> None:
    view = CaseView(TODAY)
    qtbot.addWidget(view)
    record = service.get("DEMO-0013")
    view.show_case(record, [])
    assert view.recommendation is not None
    assert view.recommendation["disease"]["oligometastatic"] is False
    assert case_from_document(view.editor.candidate or {}) == record.case


def test_another_case_shows_its_recommendation_from_the_top(qtbot: QtBot, service: CaseService) -> None:
    view = CaseView(TODAY)
    qtbot.addWidget(view)
    view.resize(1200, 500)
    view.show()
    qtbot.waitExposed(view)
    view.show_case(service.get("DEMO-0010"), [])
    bar = view.recommendation_panel.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 200)
    qtbot.wait(10)  # the panel settles its place once the page is laid out
    bar.setValue(200)
    view.editor.changed.emit()  # an edit recomputes: the reader stays where they were
    qtbot.wait(10)
    assert bar.value() == 200
    view.show_case(service.get("DEMO-0025"), [])
    qtbot.wait(10)
    assert bar.value() == 0


def test_keyboard_shortcuts_exist(window: MainWindow) -> None:
    assert window.act_new.shortcut().toString() == "Ctrl+N"
    assert window.act_find.shortcut().toString() == "Ctrl+F"
    assert window.act_save.shortcut().toString() == "Ctrl+S"
    assert window.act_next.shortcut().toString() and window.act_prev.shortcut().toString()
    assert "test database" in window.statusBar().currentMessage()


def test_import_runs_in_the_background_and_refreshes(qtbot: QtBot, window: MainWindow, tmp_path: Any,
                                                      no_modal_dialogs: list[str]) -> None:
    import json

    from tumorboard.casedoc import case_to_document

    files = []
    for i, demo in enumerate(build_demo_cases(TODAY)[:3]):
        doc = case_to_document(demo.case)
        doc["patient"]["mrn"] = f"BG-{i}"
        path = tmp_path / f"bg{i}.json"
        path.write_text(json.dumps(doc))
        files.append(str(path))
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with qtbot.waitSignal(window.import_finished, timeout=10000) as signal:
        window.import_files([*files, str(bad), str(tmp_path / "missing.json")])
    assert signal.args == [3, 2]
    assert any("bad.json" in said and "missing.json" in said for said in no_modal_dialogs)
    window.filter_text.setText("BG-")
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)


def test_a_bounded_worklist_says_it_is_bounded(qtbot: QtBot, window: MainWindow) -> None:
    assert window.statusBar().currentMessage().endswith("· 30 case(s) listed")
    window.worklist_limit = 12
    window.refresh_worklist()
    assert window.model.rowCount() == 12
    assert "the first 12 cases by next due date are listed; find (Ctrl+F) or filter" in \
        window.statusBar().currentMessage()


def test_a_long_list_is_read_as_the_view_scrolls_and_whole_when_exported_or_sorted(
        qtbot: QtBot, window: MainWindow, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tumorboard.gui import worklist_csv
    from tumorboard.gui.window import worklist_commands

    every = [r.mrn for r in window.service.worklist(WorklistQuery())]
    monkeypatch.setattr(worklist_commands, "WORKLIST_FIRST_ROWS", 8)
    monkeypatch.setattr(worklist_commands, "WORKLIST_MORE_ROWS", 5)
    window.worklist_limit = 25
    window.refresh_worklist()
    assert window.model.rowCount() == 8 and not window.model.complete
    assert "the first 8 cases by next due date are listed; scroll for more (up to 25)" in \
        window.statusBar().currentMessage()
    window.tabs.setCurrentIndex(1)
    window.table.scrollToBottom()  # the view asks for more as its end comes into sight
    qtbot.waitUntil(lambda: window.model.rowCount() > 8)
    assert window.model.rowCount() in (13, 18, 23, 25)
    # The list so far is the list's first rows, in its order; an export reads the rest first.
    assert [window.model.row_at(r).mrn for r in range(window.model.rowCount())] == \
        every[:window.model.rowCount()]
    assert worklist_csv.export_worklist_csv(window, tmp_path / "listed.csv") == 25
    assert window.model.complete and window.model.rowCount() == 25
    # A sort orders every listed row, not those read so far.
    window.refresh_worklist()
    assert window.model.rowCount() == 8
    window.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [window.model.row_at(r).mrn for r in range(25)] == sorted(every[:25], reverse=True)
    # Stepping past the rows read reads the next ones.
    window.refresh_worklist()
    window.table.selectRow(7)
    window._step(1)
    assert window.table.currentIndex().row() == 8 and window.model.rowCount() == 13


def test_export_writes_the_listed_cases_in_the_background_and_records_them(
        qtbot: QtBot, window: MainWindow, tmp_path: Any, demo_db: Any, no_modal_dialogs: list[str]) -> None:
    import stat

    from sqlalchemy import text

    from tumorboard.casedoc import parse_case_text

    window.filter_text.setText("DEMO-001")
    qtbot.waitUntil(lambda: window.model.rowCount() == 10)  # DEMO-0010 .. DEMO-0019
    listed = sorted(window.model.row_at(r).mrn for r in range(10))
    (tmp_path / "DEMO-0012.json").write_text("kept as it was")
    assert window.act_export.shortcut().toString() == "Ctrl+Shift+X"
    with qtbot.waitSignal(window.export_finished, timeout=10000) as signal:
        window.export_listed(str(tmp_path))
    assert signal.args == [9, 1]
    assert (tmp_path / "DEMO-0012.json").read_text() == "kept as it was"
    assert any("DEMO-0012.json" in said and "left as they are" in said for said in no_modal_dialogs)
    written = sorted(p for p in tmp_path.glob("DEMO-*.json") if p.name != "DEMO-0012.json")
    assert [p.stem for p in written] == [m for m in listed if m != "DEMO-0012"]
    for path in written:  # each a whole case document that imports again, owner-only
        assert parse_case_text(path.read_text())["patient"]["mrn"] == path.stem
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with demo_db.session() as s:
        recorded = {r[0] for r in s.execute(text("SELECT entity_id FROM audit_log WHERE action = 'export'"))}
    assert recorded == {p.stem for p in written}  # the file left in place was not exported


def test_a_viewer_cannot_export(qtbot: QtBot, demo_db: Any, tmp_path: Any, no_modal_dialogs: list[str]) -> None:
    from tumorboard.domain.users import Role, User

    viewer = CaseService(demo_db, today=lambda: TODAY, user=User("reader", "A Reader", Role.VIEWER))
    w = MainWindow(viewer, "test database", today=TODAY)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.rowCount() == 30)  # reading: yes
    out = tmp_path / "exports"
    out.mkdir()
    w.export_listed(str(out))
    qtbot.waitUntil(lambda: any("may not export patient data" in said for said in no_modal_dialogs))
    assert list(out.iterdir()) == []


def test_a_cancelled_import_stores_nothing_more_and_says_so(service: CaseService) -> None:
    import json

    from tumorboard.casedoc import case_to_document

    doc = case_to_document(build_demo_cases(TODAY)[0].case)
    doc["patient"]["mrn"] = "CANCEL-1"
    outcomes = service.import_documents([("c.json", json.dumps(doc).encode())],
                                        progress=lambda done, total: False)
    assert outcomes[0].action == "refused" and "cancelled" in outcomes[0].problems[0]
    assert service.worklist(WorklistQuery(text="CANCEL-1")) == []


def test_lesion_table_model_passes_the_model_tester(qtmodeltester: Any, window: MainWindow) -> None:
    window.open_case("DEMO-0010")
    model = window.case_view.editor.lesions
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_adding_a_liver_lesion_changes_the_recommendation_and_saves(
        qtbot: QtBot, window: MainWindow, service: CaseService) -> None:
    window.open_case("DEMO-0010")
    view = window.case_view
    assert view.recommendation is not None and view.recommendation["disease"]["bone_only"] is True
    model = view.editor.lesions
    with qtbot.waitSignal(view.recommendation_changed):
        model.add_row()
    row = model.rowCount() - 1
    with qtbot.waitSignal(view.recommendation_changed):
        assert model.setData(model.index(row, 0), "liver", Qt.ItemDataRole.EditRole)
    assert view.recommendation["disease"]["bone_only"] is False
    assert view.recommendation["primary_tumour"]["verdict"] == "not_routine"
    assert window.save_case() is True
    stored = service.get("DEMO-0010").case.metastatic.lesions
    assert len(stored) == 3 and stored[-1].organ == "liver"


def test_an_impossible_lesion_date_is_marked_and_blocks_save(qtbot: QtBot, window: MainWindow,
                                                            service: CaseService) -> None:
    window.open_case("DEMO-0010")
    editor = window.case_view.editor
    model = editor.lesions
    model.setData(model.index(0, 4), "2026-02-30", Qt.ItemDataRole.EditRole)
    assert not editor.valid
    assert "not a valid calendar date" in (model.problem_at(0, 4) or "")
    assert model.index(0, 4).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "Lesion 1" in editor.general.text()
    before = service.get("DEMO-0010").version
    assert window.save_case() is False
    assert model.index(0, 4).data(Qt.ItemDataRole.EditRole) == "2026-02-30"  # kept as typed
    assert service.get("DEMO-0010").version == before


def test_therapies_are_edited_in_their_table(qtbot: QtBot, window: MainWindow, service: CaseService,
                                             qtmodeltester: Any) -> None:
    """Ending the bone-modifying agent makes it 'indicated' again, live and once saved."""
    window.open_case("DEMO-0010")
    view = window.case_view
    model = view.editor.therapies
    qtmodeltester.check(model)
    assert view.recommendation is not None
    assert view.recommendation["bone_health"]["bone_modifying_agent"] == "in_place"
    bma_row = next(r for r in range(model.rowCount())
                   if model.index(r, 0).data(Qt.ItemDataRole.EditRole) == "bone_modifying")
    with qtbot.waitSignal(view.recommendation_changed):
        model.setData(model.index(bma_row, 8), "2026-11-01", Qt.ItemDataRole.EditRole)
    assert view.recommendation["bone_health"]["bone_modifying_agent"] == "indicated"
    model.setData(model.index(bma_row, 4), "first", Qt.ItemDataRole.EditRole)  # line is a number
    assert "not a whole number" in (model.problem_at(bma_row, 4) or "")
    assert window.save_case() is False
    model.setData(model.index(bma_row, 4), "", Qt.ItemDataRole.EditRole)
    assert window.save_case() is True
    saved = [t for t in service.get("DEMO-0010").case.therapies if t.kind == "bone_modifying"]
    assert saved[0].end is not None and saved[0].end.isoformat() == "2026-11-01"


def test_mdt_discussion_dates_are_edited_as_a_list(qtbot: QtBot, window: MainWindow, service: CaseService) -> None:
    window.open_case("DEMO-0001")  # referred: no discussion yet, so NO_MDT_DISCUSSION fires
    view = window.case_view
    assert view.recommendation is not None
    assert "NO_MDT_DISCUSSION" in {w["code"] for w in view.recommendation["warnings"]}
    field = view.editor.widget_for("/mdt_discussions")
    assert isinstance(field, QLineEdit)
    qtbot.keyClicks(field, "2026-11-19, 2026-11-26")
    assert "NO_MDT_DISCUSSION" not in {w["code"] for w in view.recommendation["warnings"]}
    field.setText("")
    qtbot.keyClicks(field, "2026-11-31")
    assert "not a valid calendar date" in view.editor.message_for("/mdt_discussions")
    field.setText("")
    qtbot.keyClicks(field, "2026-11-26")
    assert window.save_case() is True
    assert [d.isoformat() for d in service.get("DEMO-0001").case.mdt_discussions] == ["2026-11-26"]


def test_recist_assessments_are_edited_and_the_response_follows(qtbot: QtBot, window: MainWindow,
                                                                service: CaseService, qtmodeltester: Any) -> None:
    """Baseline targets and assessments are tables; the per-timepoint response is computed as typed."""
    window.open_case("DEMO-0010")  # baseline 42 + 24 mm; 2026-10-14: 26 + 15 mm (PR)
    view = window.case_view
    editor = view.editor
    targets = editor.tables["/recist/targets"][0]
    assessments = editor.tables["/recist/assessments"][0]
    qtmodeltester.check(targets)
    qtmodeltester.check(assessments)
    assert targets.rowCount() == 2 and assessments.rowCount() == 1
    assert assessments.index(0, 1).data(Qt.ItemDataRole.EditRole) == "26, 15"
    assert "2026-10-14: PR" in editor.responses.text()
    assessments.add_row()
    with qtbot.waitSignal(view.recommendation_changed):
        for column, value in enumerate(("2026-11-20", "40, 30", "non-CR/non-PD", "no")):
            assessments.setData(assessments.index(1, column), value, Qt.ItemDataRole.EditRole)
    assert view.recommendation is not None and view.recommendation["recist"]["latest"] == "PD"
    assert "2026-11-20: PD" in editor.responses.text()
    # One size for two targets: marked, save refused, the typed text kept.
    assessments.setData(assessments.index(1, 1), "40", Qt.ItemDataRole.EditRole)
    assert not editor.valid and "Assessment 2" in editor.general.text()
    assert window.save_case() is False
    assert assessments.index(1, 1).data(Qt.ItemDataRole.EditRole) == "40"
    assessments.setData(assessments.index(1, 1), "40, -", Qt.ItemDataRole.EditRole)  # "-" = not evaluated
    assert editor.valid
    assert window.save_case() is True
    saved = service.get("DEMO-0010").case.recist
    assert saved is not None and saved.assessments[-1].target_mm == (40.0, None)


def test_a_save_over_someone_elses_newer_save_is_refused_and_shows_their_change(
        qtbot: QtBot, window: MainWindow, service: CaseService, no_modal_dialogs: list[str]) -> None:
    """Two workstations: the other one saves first; ours is refused, told what changed, nothing lost."""
    from dataclasses import replace

    window.open_case("DEMO-0010")
    other = service.get("DEMO-0010")
    service.save(replace(other.case, tumour=replace(other.case.tumour, er_percent=12.0)), other.version)
    field = window.case_view.editor.widget_for("/patient/name")
    assert isinstance(field, QLineEdit)
    qtbot.keyClicks(field, " X")
    assert window.save_case() is False
    said = " ".join(no_modal_dialogs)
    assert "was changed by" in said and "/tumour/er_percent: 70 -> 12" in said
    assert service.get("DEMO-0010").case.tumour.er_percent == 12.0  # theirs kept
