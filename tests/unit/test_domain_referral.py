"""The referral's fields: blank is "not recorded", each bad field named, nothing else refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tumorboard.domain.referral import (
    ADDRESS_MAX,
    NAME_MAX,
    Referral,
    ReferralError,
    check_referral,
    cleaned,
    referral_document,
    require_valid,
)

BORN = date(1960, 3, 1)
TODAY = date(2026, 12, 1)


def test_blank_texts_are_not_recorded() -> None:
    r = cleaned(Referral(None, "  ", "\t", ""))
    assert not r.recorded and referral_document(r) == {}
    assert cleaned(Referral(gp_name="  Dr J. Morgan ")).gp_name == "Dr J. Morgan"


@pytest.mark.parametrize(("referral", "field", "words"), [
    (Referral(referral_date=TODAY + timedelta(days=1)), "referral_date", "in the future"),
    (Referral(referral_date=BORN - timedelta(days=1)), "referral_date", "before the patient's birth"),
    (Referral(referring_clinician="x" * (NAME_MAX + 1)), "referring_clinician", f"at most {NAME_MAX}"),
    (Referral(gp_name="Dr A\nDr B"), "gp_name", "one line"),
    (Referral(gp_address="y" * (ADDRESS_MAX + 1)), "gp_address", f"at most {ADDRESS_MAX}"),
    (Referral(gp_address="1 High St\x00"), "gp_address", "control characters"),
])
def test_each_bad_field_is_named(referral: Referral, field: str, words: str) -> None:
    problems = check_referral(referral, birth_date=BORN, today=TODAY)
    assert [f for f, _ in problems] == [field]
    assert words in problems[0][1]
    label = {"referral_date": "referral date", "referring_clinician": "referring clinician",
             "gp_name": "GP name", "gp_address": "GP address"}[field]
    with pytest.raises(ReferralError, match=f"^{label}: "):
        require_valid(referral, birth_date=BORN, today=TODAY)


def test_an_address_may_have_several_lines() -> None:
    r = require_valid(Referral(gp_address="Riverside Practice\n1 High Street"), birth_date=BORN, today=TODAY)
    assert referral_document(r) == {"gp_address": "Riverside Practice\n1 High Street"}


_line = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cs",)),
                max_size=NAME_MAX)


@given(day=st.dates(BORN, TODAY), referrer=_line, gp=_line,
       address=st.lists(_line.filter(lambda s: len(s) < 60), max_size=5).map("\n".join))
def test_every_plausible_referral_is_accepted_as_typed(day: date, referrer: str, gp: str, address: str) -> None:
    r = require_valid(Referral(day, referrer, gp, address), birth_date=BORN, today=TODAY)
    assert r.referral_date == day
    assert r.referring_clinician == (referrer.strip() or None)
    assert r.gp_name == (gp.strip() or None)
    assert r.gp_address == (address.strip() or None)


@given(day=st.dates(TODAY + timedelta(days=1), date(2100, 1, 1)) | st.dates(date(1900, 1, 1), BORN - timedelta(days=1)))
def test_impossible_referral_dates_are_refused(day: date) -> None:
    with pytest.raises(ReferralError, match=r"^referral date: "):
        require_valid(Referral(referral_date=day), birth_date=BORN, today=TODAY)
