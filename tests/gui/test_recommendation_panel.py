"""The recommendation panel: plain-word verdicts, checklists, warnings, sources, disclaimer."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from gui_examples import EXAMPLE_NAMES, example, needs_examples, recommendation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QHelpEvent, QPalette
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from tumorboard.gui.recommendation import recommendation_text as words
from tumorboard.gui.recommendation.recommendation_panel import RecommendationPanel
from tumorboard.recommend import recommend_document


@pytest.fixture
def opened() -> list[str]:
    return []


@pytest.fixture
def panel(qtbot: QtBot, opened: list[str]) -> RecommendationPanel:
    widget = RecommendationPanel(open_url=lambda url: opened.append(url.toString()))
    qtbot.addWidget(widget)
    widget.resize(520, 900)
    return widget


def test_verdicts_criteria_and_key_facts_in_plain_words(panel: RecommendationPanel) -> None:
    panel.set_recommendation(recommendation())
    text = panel.plain_text()
    assert "May be considered by the MDT (selected subgroup)" in text
    # No label from the engine: the verdict still reads as words, not as an enum.
    assert "Consider (disease not progressing)" in text and "consider_non_progression" not in text
    assert "✓\nBone-only metastases (met)" in text
    assert "✗\nAge under 55 (not met)" in text
    assert "?\nNo progression at the latest assessment (unknown)" in text
    for fact in ("Age\n48", "Subtype\nHR+ / HER2-low", "Stage\nIV", "Distant lesions\n2",
                 "OMD\nSynchronous OMD", "Response window\nassessed (2025-05-03 to 2025-08-03)",
                 "Latest RECIST\nPR"):
        assert fact in text
    assert "Survival benefit of treating the primary is unproven." in text
    assert "Every selection criterion is met; survival benefit unproven." in text
    assert "Bone-modifying agent: in place" in text
    assert "Ruleset ombc version 1.0.0: Oligometastatic breast cancer. Evaluated as of 2025-06-10." in text


def test_warnings_are_grouped_critical_first(panel: RecommendationPanel) -> None:
    panel.set_recommendation(recommendation())
    text = panel.plain_text()
    order = [text.index(h) for h in ("Critical (1)", "Warning (1)", "For information (1)")]
    assert order == sorted(order)
    assert text.index("Visceral crisis recorded.") < text.index("No FDG PET-CT staging.") \
        < text.index("Counsel: OS benefit unproven.")
    assert text.index("For information (1)") < text.index("May be considered")


def test_disclaimer_is_always_in_view(qtbot: QtBot, panel: RecommendationPanel) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.resize(520, 300)
    panel.set_recommendation(recommendation())
    assert panel.disclaimer.isVisible()
    assert "supports and does not replace the board's judgement" in panel.disclaimer.text()
    # Outside the scrolling page: scrolling to the references never hides it.
    bar = panel.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    assert panel.disclaimer.isVisible() and panel.disclaimer.parent() is panel
    panel.set_recommendation(None)
    assert "supports and does not replace the board's judgement" in panel.disclaimer.text()


def test_reference_link_emits_the_url_and_opens_it(qtbot: QtBot, panel: RecommendationPanel,
                                                   opened: list[str]) -> None:
    panel.set_recommendation(recommendation())
    assert panel.reference_links()[0] == "e2108_2022"  # the info warning cites it first
    with qtbot.waitSignal(panel.reference_opened) as signal:
        panel.view.anchorClicked.emit(QUrl("ref:e2108_2022"))
    assert signal.args == ["https://pmc.ncbi.nlm.nih.gov/articles/PMC8937009"]
    assert opened == ["https://pmc.ncbi.nlm.nih.gov/articles/PMC8937009"]
    assert "Visceral crisis recorded." in panel.plain_text()  # following a link keeps the page
    # A reference without a URL is listed but not a link, and opening it does nothing.
    text = panel.plain_text()
    assert "Founding care algorithm (no public URL)." in text
    assert "founding_algorithm" not in panel.reference_links()
    assert panel.open_reference("founding_algorithm") is None and len(opened) == 1
    assert "(secondary source)" in text


def test_links_are_reached_and_opened_with_the_keyboard(qtbot: QtBot, panel: RecommendationPanel,
                                                        opened: list[str]) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_recommendation(recommendation())
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Tab)  # the first link: [1] under the info warning
    assert panel.view.textCursor().selectedText() == "[1]"
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert opened == ["https://pmc.ncbi.nlm.nih.gov/articles/PMC8937009"]
    assert "Visceral crisis recorded." in panel.plain_text()  # the page stays; the browser got the URL


def test_tab_leaves_the_page_after_its_last_link(qtbot: QtBot, opened: list[str]) -> None:
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    holder = QWidget()
    layout = QVBoxLayout(holder)
    panel = RecommendationPanel(open_url=lambda url: opened.append(url.toString()))
    after = QLineEdit()  # the next input on the screen
    layout.addWidget(panel)
    layout.addWidget(after)
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitExposed(holder)
    holder.activateWindow()
    qtbot.waitUntil(holder.isActiveWindow)
    panel.set_recommendation(recommendation())
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus)
    for _ in panel.reference_links():
        qtbot.keyClick(panel.view, Qt.Key.Key_Tab)
        assert panel.view.hasFocus() and panel.view.textCursor().hasSelection()  # on a link
    qtbot.keyClick(panel.view, Qt.Key.Key_Tab)
    assert after.hasFocus()  # past the last link, Tab goes on to the next input: no keyboard trap


def test_hover_shows_the_citation_behind_a_number_and_the_rule_code(qtbot: QtBot,
                                                                   panel: RecommendationPanel) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_recommendation(recommendation())
    doc = panel.view.document()
    first_link = doc.find("[1]")
    rect = panel.view.cursorRect(first_link)
    assert panel.tooltip_at(rect.left() - 4, rect.center().y()) == "Khan SA, et al. ECOG-ACRIN E2108. J Clin Oncol 2022."
    crisis = panel.view.cursorRect(doc.find("Visceral crisis"))
    code = panel.tooltip_at(crisis.left() - 2, crisis.center().y())
    assert code == next(w["code"] for w in recommendation()["warnings"] if w["message"].startswith("Visceral"))
    assert panel.tooltip_at(5, panel.view.viewport().height() - 5) is None  # empty space below the page
    # The hover itself: Qt asks the page for a tooltip where the mouse rests.
    viewport = panel.view.viewport()
    point = QPoint(crisis.left() - 2, crisis.center().y())
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    assert QToolTip.text() == code


def test_references_are_numbered_in_citation_order(panel: RecommendationPanel) -> None:
    panel.set_recommendation(recommendation())
    text = panel.plain_text()
    assert "[1] Khan SA, et al. ECOG-ACRIN E2108" in text  # cited first, by the info warning
    assert "[2] Founding care algorithm" in text and "[3] ESMO bone health" in text


def test_default_opener_is_the_desktop(qtbot: QtBot) -> None:
    from PySide6.QtGui import QDesktopServices

    widget = RecommendationPanel()
    qtbot.addWidget(widget)
    assert widget.open_url == QDesktopServices.openUrl  # never called in tests: see the fixture


@pytest.mark.parametrize("rec", [
    None, {}, {"warnings": None, "references": None}, {"primary_tumour": {"verdict": "not_routine"}},
    {"primary_tumour": {"criteria": [{"met": "yes"}, None, {"id": "x"}]}, "recist": None},
    {"warnings": [{"severity": "loud", "message": "Odd severity"}, "not a dict"],
     "references": {"r": "not a dict"}, "bone_health": {"notes": [{"text": "n", "references": ["r", "gone"]}]}},
    {"response_window": {"status": None}, "disease": {"omd_classification": None}, "ruleset": "x"},
])
def test_none_and_partial_documents_never_crash(panel: RecommendationPanel, rec: Any) -> None:
    panel.set_recommendation(rec)
    text = panel.plain_text()
    assert "does not replace" in text
    if rec is None:
        assert "No recommendation" in text
    if rec and rec.get("warnings"):
        assert "Odd severity" in text and "For information (2)" not in text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_document_with_keys_dropped_still_renders(panel: RecommendationPanel, data: st.DataObject) -> None:
    rec = copy.deepcopy(recommendation())
    for key in data.draw(st.lists(st.sampled_from(sorted(rec)), unique=True)):
        del rec[key]
    for key in ("primary_tumour", "bone_health", "response_window"):
        if key in rec:
            for inner in data.draw(st.lists(st.sampled_from(sorted(rec[key])), unique=True)):
                rec[key][inner] = data.draw(st.sampled_from([None, "", 0, [], {}]))
    panel.set_recommendation(rec)
    assert "does not replace" in panel.plain_text()


def test_unchanged_document_keeps_the_page_and_the_place(qtbot: QtBot, panel: RecommendationPanel) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.resize(520, 300)
    rec = recommendation()
    panel.set_recommendation(rec)
    bar = panel.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 100)
    bar.setValue(100)
    revision = panel.view.document().revision()
    panel.set_recommendation(copy.deepcopy(rec))  # live editing recomputes an equal result
    assert panel.view.document().revision() == revision and bar.value() == 100
    rec["primary_tumour"]["label"] = "Changed"
    panel.set_recommendation(rec)
    assert panel.view.document().revision() != revision and "Changed" in panel.plain_text()
    qtbot.waitUntil(lambda: bar.value() == 100)  # a changed result keeps the reader's place too
    other = copy.deepcopy(rec)
    other["primary_tumour"]["label"] = "Another case"
    panel.set_recommendation(other, keep_place=False)  # another case starts at the top
    qtbot.wait(10)
    assert bar.value() == 0 and "Another case" in panel.plain_text()
    bar.setValue(100)
    panel.set_recommendation(other, keep_place=False)  # even when its result reads the same
    assert bar.value() == 0


def test_facts_use_two_columns_only_when_wide(qtbot: QtBot, panel: RecommendationPanel) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_recommendation(recommendation())
    panel.resize(900, 600)
    qtbot.waitUntil(lambda: panel.fact_columns() == 2)
    assert "Age\n48\nSubtype\nHR+ / HER2-low\nStage" in panel.plain_text()
    panel.resize(240, 600)
    qtbot.waitUntil(lambda: panel.fact_columns() == 1)
    assert panel.view.horizontalScrollBar().maximum() <= 240  # the page wraps, no sideways scrolling


def test_dark_palette_renders_with_dark_tones(qtbot: QtBot, panel: RecommendationPanel) -> None:
    panel.set_recommendation(recommendation())
    assert "#2e7d32" in panel.view.toHtml()
    palette = panel.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e8e8e8"))
    panel.setPalette(palette)
    html = panel.view.toHtml()
    assert "#81c784" in html and "#2e7d32" not in html
    assert "#3a3000" in panel.disclaimer.styleSheet()


def test_a_larger_font_scales_headings_and_verdicts(panel: RecommendationPanel) -> None:
    panel.set_recommendation(recommendation())
    font = panel.font()
    font.setPointSizeF(20)
    panel.setFont(font)  # the projector: everything larger, verdicts still the largest
    html = panel.view.toHtml()
    assert "font-size:26pt" in html and "font-size:23pt" in html


def test_accessible_names_on_the_panel_and_its_parts(panel: RecommendationPanel) -> None:
    panel.set_recommendation(recommendation())
    assert panel.accessibleName() == "Guideline recommendation"
    assert panel.disclaimer.accessibleName() == "Decision-support disclaimer"
    assert panel.view.accessibleName() == "Recommendation details"
    # The verdicts and warning counts, for a screen reader before it reads the page.
    summary = panel.view.accessibleDescription()
    assert "Locoregional treatment of the primary tumour: May be considered by the MDT (selected subgroup)" \
        in summary
    assert "1 critical" in summary and "1 warning" in summary
    panel.set_recommendation(None)
    assert panel.view.accessibleDescription() == "No recommendation"


def test_text_helpers_fall_back_to_words() -> None:
    assert words.verdict_words({"verdict": "some_new_verdict"}) == "Some new verdict"
    assert words.verdict_words({}) == "No verdict"
    assert words.humanise("") == "not known"
    assert dict(words.key_facts({}))["Latest RECIST"] == "no baseline"
    assert words.disclaimer(None) == words.DEFAULT_DISCLAIMER
    assert QUrl("ref:x").scheme() == "ref"  # the panel's own link scheme, never a browser URL


@needs_examples
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_engine_output_for_every_example(panel: RecommendationPanel, name: str) -> None:
    doc, _case, as_of = example(name)
    rec = recommend_document(doc, as_of)
    panel.set_recommendation(rec)
    text = panel.plain_text()
    for key in ("primary_tumour", "metastasis_directed_therapy"):
        assert words.verdict_words(rec[key]) in text
        for criterion in rec[key].get("criteria", []):
            assert criterion["label"] in text
    for warning in rec["warnings"]:
        assert warning["message"] in text
    assert rec["disclaimer"] in text
    assert f"Ruleset {rec['ruleset']['id']} version {rec['ruleset']['version']}" in text
    assert "\n✓\n" in text or "\n✗\n" in text


@needs_examples
def test_the_trial_eligibility_checklist_sits_with_the_metastasis_directed_verdict(
        panel: RecommendationPanel) -> None:
    doc, _case, as_of = example("v01")
    panel.set_recommendation(recommend_document(doc, as_of))
    text = panel.plain_text()
    start = text.index(words.ELIGIBILITY_TITLE)
    assert text.rfind("Metastasis-directed therapy", 0, start) > text.rfind("Locoregional treatment", 0, start)
    assert "✗\nPrimary tumour controlled (resected, or treated by surgery or radiotherapy) (not met)" in text
    assert "?\nEvery lesion at most 50 mm" in text
    assert "✓\nNo brain metastases" in text
    assert "As recorded with the decision" not in text  # produced by the app's own ruleset


@needs_examples
def test_a_wide_panel_puts_the_checklist_beside_the_verdicts_criteria(qtbot: QtBot) -> None:
    from tumorboard.gui.recommendation import recommendation_html as page

    doc, _case, as_of = example("v01")
    rec = recommend_document(doc, as_of)
    narrow = page.page(rec, page.Look(fact_columns=1))
    wide = page.page(rec, page.Look(fact_columns=2))
    assert 'td width="50%"' in wide and 'td width="50%"' not in narrow
    assert words.ELIGIBILITY_TITLE in narrow and words.ELIGIBILITY_TITLE in wide


def test_a_stored_1_0_0_output_is_shown_as_recorded_with_its_version(panel: RecommendationPanel) -> None:
    rec = recommendation()
    assert rec["ruleset"]["version"] == "1.0.0" and "eligibility" not in rec["metastasis_directed_therapy"]
    panel.set_recommendation(rec)
    text = panel.plain_text()
    assert "As recorded with the decision under ruleset ombc 1.0.0 (this app has 1.1.0)" in text
    assert words.ELIGIBILITY_TITLE not in text


@needs_examples
def test_convention_and_secondary_sources_are_labelled_in_the_reference_list(panel: RecommendationPanel) -> None:
    doc, _case, as_of = example("v01")
    panel.set_recommendation(recommend_document(doc, as_of))
    text = panel.plain_text()
    assert "(convention, not evidence)" in text and "(secondary source)" in text
