"""The codes revision 0016 writes into the text index for each case's status and subtype
(store/case_text.py): one for every value the app writes, each its own, each unchanged by the
index's folding of case."""

from __future__ import annotations

import itertools

from tumorboard.domain.vocab import HER2_WORDS, HR_WORDS, subtype_label
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.store import case_text


def test_every_status_and_every_subtype_the_app_writes_has_a_code() -> None:
    assert set(case_text.STATUS_CODES) == {s.value for s in WorkflowStatus}
    labels = {subtype_label(hr, her2) for hr, her2 in itertools.product(HR_WORDS, HER2_WORDS)}
    assert set(case_text.SUBTYPE_CODES) == labels | {""}  # "": the column's default


def test_codes_are_single_characters_apart_from_each_other_and_from_other() -> None:
    for codes in (case_text.STATUS_CODES, case_text.SUBTYPE_CODES):
        values = list(codes.values())
        assert len(set(values)) == len(values) and case_text.OTHER not in values
        assert all(len(c) == 1 and c == c.lower() and c.isascii() and c.isalnum() for c in values)


def test_the_query_asks_for_the_text_and_one_of_each_filter() -> None:
    query = case_text.match_expression('"ber"', ["staging", "closed"], ["HR+/HER2-0"])
    assert query == '"ber" AND ("\x1c\x1cb" OR "\x1c\x1cg") AND ("\x1b\x1b3")'
    assert case_text.match_expression('"ber"', [], ["luminal A", "luminal B"]) == '"ber" AND ("\x1b\x1bz")'
    assert case_text.coded(["staging"], ["HR+/HER2-0"]) and not case_text.coded([], ["luminal A"])
