"""Tumour biology as the guideline groups it: hormone-receptor status and HER2 category."""

from __future__ import annotations

from tumorboard.domain.case import Tumour
from tumorboard.domain.vocab import Her2Ihc, Her2Ish


def hormone_receptor(tumour: Tumour, min_percent: float) -> str:
    """``positive`` if ER or PR >= min_percent; ``negative`` when both known and below; else unknown."""
    er, pr = tumour.er_percent, tumour.pr_percent
    if (er is not None and er >= min_percent) or (pr is not None and pr >= min_percent):
        return "positive"
    if er is not None and pr is not None:
        return "negative"
    return "unknown"


def her2_category(tumour: Tumour) -> str:
    """HER2 per recommend-v1: positive, low, zero, equivocal or unknown (first rule that applies)."""
    ihc, ish = tumour.her2_ihc, tumour.her2_ish
    if ihc is Her2Ihc.THREE_PLUS or ish is Her2Ish.AMPLIFIED:
        return "positive"
    if ihc is Her2Ihc.ONE_PLUS or (ihc is Her2Ihc.TWO_PLUS and ish is Her2Ish.NOT_AMPLIFIED):
        return "low"
    if ihc is Her2Ihc.ZERO:
        return "zero"
    if (ihc is Her2Ihc.TWO_PLUS and ish is None) or ish is Her2Ish.EQUIVOCAL:
        return "equivocal"
    return "unknown"


def her2_negative(category: str) -> bool | None:
    """HER2-negative means HER2-0 or HER2-low; None when the category is not determinable."""
    if category in ("zero", "low"):
        return True
    if category == "positive":
        return False
    return None
