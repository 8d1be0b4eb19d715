"""The recommendation panel: plain-word verdicts, checklists, warnings, sources, disclaimer."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from gui_examples import EXAMPLE_NAMES, example, needs_examples, recommendation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tumorboard.gui import recommendation_text as words
from tumorboard.gui.recommendation_panel import FactsGrid, RecommendationPanel
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


def _href(label: QLabel, ref_id: str) -> str:
    assert f'href="ref:{ref_id}"' in label.text()
    return f"ref:{ref_id}"


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
    panel.set_recommendation(recommendation())
    assert panel.disclaimer.isVisible()
    assert "supports and does not replace the board's judgement" in panel.disclaimer.text()
    # Outside the scroll area: scrolling to the references never hides it.
    panel.scroll_area.verticalScrollBar().setValue(panel.scroll_area.verticalScrollBar().maximum())
    assert panel.disclaimer.isVisible() and panel.disclaimer.parent() is panel
    panel.set_recommendation(None)
    assert "supports and does not replace the board's judgement" in panel.disclaimer.text()


def test_reference_link_emits_the_url_and_opens_it(qtbot: QtBot, panel: RecommendationPanel,
                                                   opened: list[str]) -> None:
    panel.set_recommendation(recommendation())
    labels = panel.reference_labels()
    assert labels and all(label.accessibleName() for label in labels)
    source = next(label for label in labels if "Sources:" in label.text() and "e2108_2022" in label.text())
    with qtbot.waitSignal(panel.reference_opened) as signal:
        source.linkActivated.emit(_href(source, "e2108_2022"))
    assert signal.args == ["https://pmc.ncbi.nlm.nih.gov/articles/PMC8937009"]
    assert opened == ["https://pmc.ncbi.nlm.nih.gov/articles/PMC8937009"]
    # A reference without a URL is listed but not a link, and opening it does nothing.
    text = panel.plain_text()
    assert "Founding care algorithm (no public URL)." in text
    assert 'href="ref:founding_algorithm"' not in "".join(label.text() for label in labels)
    assert panel.open_reference("founding_algorithm") is None and len(opened) == 1
    assert "(secondary source)" in text


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


def test_unchanged_document_keeps_the_widgets(panel: RecommendationPanel) -> None:
    rec = recommendation()
    panel.set_recommendation(rec)
    content = panel.scroll_area.widget()
    panel.set_recommendation(copy.deepcopy(rec))  # live editing recomputes an equal result
    assert panel.scroll_area.widget() is content
    rec["primary_tumour"]["label"] = "Changed"
    panel.set_recommendation(rec)
    assert panel.scroll_area.widget() is not content and "Changed" in panel.plain_text()


def test_facts_use_two_columns_only_when_wide(qtbot: QtBot, panel: RecommendationPanel) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_recommendation(recommendation())
    grid = panel.scroll_area.widget().findChild(FactsGrid)
    assert grid is not None
    panel.resize(900, 600)
    qtbot.waitUntil(lambda: grid.columns() == 2)
    panel.resize(240, 600)
    qtbot.waitUntil(lambda: grid.columns() == 1)
    qtbot.waitUntil(lambda: panel.scroll_area.widget().minimumSizeHint().width() <= 240)


def test_dark_palette_rebuilds_with_light_tones(qtbot: QtBot, panel: RecommendationPanel) -> None:
    panel.set_recommendation(recommendation())
    assert "#2e7d32" in "".join(label.styleSheet() for label in panel.findChildren(QLabel))
    palette = panel.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e8e8e8"))
    panel.setPalette(palette)
    sheets = "".join(label.styleSheet() for label in panel.findChildren(QLabel))
    assert "#81c784" in sheets and "#2e7d32" not in sheets
    assert "#3a3000" in panel.disclaimer.styleSheet()


def test_accessible_names_on_the_panel_and_its_parts(panel: RecommendationPanel) -> None:
    panel.set_recommendation(recommendation())
    assert panel.accessibleName() == "Guideline recommendation"
    names = {label.accessibleName() for label in panel.findChildren(QLabel)}
    assert "Decision-support disclaimer" in names
    assert "Bone-only metastases: met" in {w.accessibleName() for w in panel.scroll_area.widget().findChildren(
        type(panel.scroll_area.widget()))}
    assert any(n.startswith("Verdict: ") for n in names)
    assert all(label.accessibleName() for label in panel.reference_labels())


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
