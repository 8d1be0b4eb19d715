"""The worklist's facts come from ``case_facts`` alone: they must be the recommendation's own.

``services.derived.derive`` (what every saved or imported case stores for the worklist) reads the
engine's facts without building the verdicts; these properties check, over the generated
schema-valid cases of ``test_properties``, that nothing it stores could differ from what the
full ``evaluate`` says.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from test_properties import CASES, SETTINGS

from tumorboard.casedoc import case_from_document
from tumorboard.domain.vocab import subtype_label
from tumorboard.recommend import case_facts, evaluate
from tumorboard.recommend.readiness import assess_readiness
from tumorboard.services.derived import derive


@SETTINGS
@given(CASES)
def test_the_facts_are_the_recommendations_own(case: tuple[dict[str, Any], date]) -> None:
    doc, as_of = case
    c = case_from_document(doc)
    facts, rec = case_facts(c, as_of), evaluate(c, as_of)
    assert (facts.hormone_receptor, facts.her2, facts.stage) == (
        rec.hormone_receptor, rec.her2, rec.ajcc8_anatomic)
    assert facts.extent == rec.disease
    assert facts.window == rec.response_window
    assert facts.recist == rec.recist
    assert facts.age == rec.age_at_metastatic_diagnosis


@SETTINGS
@given(CASES)
def test_derived_worklist_facts_match_the_full_evaluation(case: tuple[dict[str, Any], date]) -> None:
    doc, as_of = case
    c = case_from_document(doc)
    d, rec = derive(c, as_of), evaluate(c, as_of)
    w = rec.response_window
    assert d.subtype == subtype_label(rec.hormone_receptor, rec.her2)
    assert d.stage == rec.ajcc8_anatomic
    assert d.distant_lesion_count == rec.disease.distant_lesion_count
    assert (d.window_opens, d.window_closes, d.window_assessed) == (w.opens, w.closes, w.status == "assessed")
    assert d.latest_response == (rec.recist.latest if rec.recist else None)
    assert d.next_due == (w.opens if w.opens is not None and w.status != "assessed" else None)
    missing = ", ".join(i.label for i in assess_readiness(c, as_of, None, None).problems)
    assert d.missing_items == missing[:400]
