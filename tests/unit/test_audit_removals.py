"""What an import update would remove: records of a list are matched by content, not position."""

from __future__ import annotations

import copy
import json
from typing import Any

from tumorboard.services.audit import removals

CASE: dict[str, Any] = {
    "format": "tumorboard.case/1",
    "tumour": {"er_percent": 95, "her2_ihc": "1+"},
    "metastatic": {"lesions": [{"organ": "bone", "site": "left 6th rib"},
                               {"organ": "bone", "site": "sternal body"}]},
    "mdt_discussions": ["2025-01-27", "2025-06-10"],
}


def _without(change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(CASE)
    change(doc)
    return doc


def test_taking_out_the_first_record_names_that_record() -> None:
    lost = removals(CASE, _without(lambda d: d["metastatic"]["lesions"].pop(0)))
    assert lost == [("/metastatic/lesions/0", json.dumps({"organ": "bone", "site": "left 6th rib"}))]


def test_taking_out_the_last_record_names_it() -> None:
    lost = removals(CASE, _without(lambda d: d["metastatic"]["lesions"].pop()))
    assert lost == [("/metastatic/lesions/1", json.dumps({"organ": "bone", "site": "sternal body"}))]


def test_a_record_changed_in_place_loses_only_the_fields_it_empties() -> None:
    assert removals(CASE, _without(lambda d: d["metastatic"]["lesions"][0].update(site="left 7th rib"))) == []
    assert removals(CASE, _without(lambda d: d["metastatic"]["lesions"][0].pop("site"))) == [
        ("/metastatic/lesions/0/site", '"left 6th rib"')]


def test_values_and_list_entries_that_go() -> None:
    assert removals(CASE, _without(lambda d: d["tumour"].update(her2_ihc=None))) == [("/tumour/her2_ihc", '"1+"')]
    assert removals(CASE, _without(lambda d: d["mdt_discussions"].remove("2025-01-27"))) == [
        ("/mdt_discussions", '"2025-01-27"')]
    assert removals(CASE, _without(lambda d: d["tumour"].update(er_percent=0))) == []  # a change, not a removal
    assert removals(CASE, copy.deepcopy(CASE)) == []
