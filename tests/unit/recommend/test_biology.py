"""biology.hormone_receptor and biology.her2.

Contract: "Hormone receptor positive = er_percent >= 1 or pr_percent >= 1; negative when both are known
and < 1; otherwise unknown."
"HER2: positive = IHC 3+, or ISH amplified; low = IHC 1+, or IHC 2+ with ISH not amplified; zero = IHC 0
(and not amplified); equivocal = IHC 2+ without ISH result or ISH equivocal; else unknown.
HER2-negative = zero or low."
"""

from __future__ import annotations

from typing import Any

import pytest
from rec_casekit import DELETE, evaluate, make_case

MISSING = DELETE  # the optional key left out altogether


def biology(**tumour: Any) -> dict[str, Any]:
    out: dict[str, Any] = evaluate(make_case(tumour=tumour), "2025-06-10")["biology"]
    return out


@pytest.mark.parametrize(("er", "pr", "want"), [
    (1, 0, "positive"),          # 1 % is positive (boundary inclusive)
    (0, 1, "positive"),
    (0.99, 0.99, "negative"),    # both known and < 1
    (0, 0, "negative"),
    (95, 80, "positive"),
    (1, None, "positive"),       # one >= 1 is enough
    (None, 1, "positive"),
    (1, MISSING, "positive"),
    (MISSING, 50, "positive"),
    (0.5, None, "unknown"),      # one missing and the other < 1
    (None, 0, "unknown"),
    (0, MISSING, "unknown"),
    (MISSING, 0.9, "unknown"),
    (None, None, "unknown"),
    (MISSING, MISSING, "unknown"),
])
def test_hormone_receptor(er: Any, pr: Any, want: str) -> None:
    assert biology(er_percent=er, pr_percent=pr)["hormone_receptor"] == want


HER2_CASES = [
    # positive: IHC 3+, or ISH amplified
    ("3+", None, "positive"),
    ("3+", "not_amplified", "positive"),
    ("3+", "equivocal", "positive"),
    ("3+", "amplified", "positive"),
    ("0", "amplified", "positive"),
    ("1+", "amplified", "positive"),
    ("2+", "amplified", "positive"),
    (None, "amplified", "positive"),
    # low: IHC 1+, or IHC 2+ with ISH not amplified
    ("1+", None, "low"),
    ("1+", "not_amplified", "low"),
    ("2+", "not_amplified", "low"),
    # zero: IHC 0 (and not amplified)
    ("0", None, "zero"),
    ("0", "not_amplified", "zero"),
    # equivocal: IHC 2+ without ISH result, or ISH equivocal
    ("2+", None, "equivocal"),
    ("2+", "equivocal", "equivocal"),
    (None, "equivocal", "equivocal"),
    # else unknown
    (None, None, "unknown"),
    (None, "not_amplified", "unknown"),
]


@pytest.mark.parametrize(("ihc", "ish", "want"), HER2_CASES)
def test_her2(ihc: str | None, ish: str | None, want: str) -> None:
    assert biology(her2_ihc=ihc, her2_ish=ish)["her2"] == want


@pytest.mark.parametrize(("ihc", "ish", "want"), [
    # IHC 1+ / IHC 0 with an equivocal ISH: the contract's rules are listed in order ending "else
    # unknown", so the earlier rule (low / zero) applies before "ISH equivocal".
    ("1+", "equivocal", "low"),
    ("0", "equivocal", "zero"),
])
def test_her2_first_listed_rule_wins(ihc: str, ish: str, want: str) -> None:
    assert biology(her2_ihc=ihc, her2_ish=ish)["her2"] == want


def test_her2_keys_missing_is_unknown() -> None:
    assert biology(her2_ihc=MISSING, her2_ish=MISSING)["her2"] == "unknown"
    assert biology(her2_ihc="1+", her2_ish=MISSING)["her2"] == "low"
