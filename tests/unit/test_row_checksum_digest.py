"""The written-out digest (checksums._compiled) gives the same checksum as the definition
(checksums._digest), for every kind of column, NULLs and defaults: the values already stored
in every database must keep matching."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, LargeBinary, MetaData, String, Table

from tumorboard.store import checksums
from tumorboard.store.audit_chain import utc_text
from tumorboard.store.models import CaseRow, PatientRow, TherapyRow

_TABLE = Table(
    "every_kind", MetaData(),
    Column("id", Integer, primary_key=True), Column("checksum", String),
    Column("version", Integer), Column("updated_at", DateTime), Column("updated_by", String),
    Column("a_text", String), Column("b_float", Float), Column("c_int", Integer),
    Column("d_bool", Boolean), Column("e_at", DateTime(timezone=True)), Column("f_day", Date),
    Column("g_bytes", LargeBinary), Column("h_flag", Boolean, default=False),
    Column("i_word", String, default="none"))

_AT = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 1, 1))
_ZONE = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))])
_VALUES = st.fixed_dictionaries({
    "a_text": st.none() | st.text(), "b_float": st.none() | st.floats(allow_nan=False) | st.integers(-10**6, 10**6),
    "c_int": st.none() | st.integers(-10**12, 10**12) | st.booleans(), "d_bool": st.none() | st.booleans(),
    "e_at": st.none() | _AT | st.builds(lambda d, z: d.replace(tzinfo=z), _AT, _ZONE),
    "f_day": st.none() | st.dates(), "g_bytes": st.none() | st.binary(max_size=40),
    "h_flag": st.none() | st.booleans(), "i_word": st.none() | st.text(max_size=5),
    "version": st.integers(1, 9), "updated_by": st.text(max_size=3)})


@given(_VALUES)
def test_the_written_out_digest_is_the_definition(values: dict[str, Any]) -> None:
    steps = checksums.plan(_TABLE.name, _TABLE.columns)
    assert checksums._compiled(steps)(values.get) == checksums._digest(steps, values.get)
    assert checksums.checksum(_TABLE.name, _TABLE.columns, values.get) == checksums._digest(steps, values.get)


def test_a_change_in_any_hashed_column_changes_the_digest() -> None:
    values: dict[str, Any] = {"a_text": "letrozole", "b_float": 1.5, "c_int": 3, "d_bool": True,
                              "e_at": datetime(2025, 6, 10, 9, 30, tzinfo=UTC), "f_day": date(2025, 6, 10),
                              "g_bytes": b"\x00\x01", "h_flag": None, "i_word": None}
    digest = checksums._compiled(checksums.plan(_TABLE.name, _TABLE.columns))
    first = digest(values.get)
    changed = [{**values, "a_text": "letrozola"}, {**values, "b_float": 1.25}, {**values, "c_int": 4},
               {**values, "d_bool": False}, {**values, "e_at": datetime(2025, 6, 10, 9, 31, tzinfo=UTC)},
               {**values, "f_day": date(2025, 6, 11)}, {**values, "g_bytes": b"\x00\x02"},
               {**values, "h_flag": True}, {**values, "i_word": "x"}, {**values, "a_text": None}]
    assert len({digest(v.get) for v in changed} | {first}) == len(changed) + 1
    # Not hashed: the bookkeeping that claim writes.
    assert digest({**values, "version": 7, "updated_by": "someone"}.get) == first
    # A default counts as the value it stands for.
    assert digest({**values, "h_flag": False, "i_word": "none"}.get) == first


def test_naive_timestamps_are_spelled_as_utc() -> None:
    naive = datetime(2025, 6, 10, 9, 30, 1, 5)
    assert utc_text(naive) == "2025-06-10T09:30:01.000005Z" == utc_text(naive.replace(tzinfo=UTC))
    assert utc_text(datetime(2025, 6, 10, 11, 30, tzinfo=timezone(timedelta(hours=2)))) \
        == "2025-06-10T09:30:00.000000Z"


def test_the_models_digests_are_the_definition() -> None:
    for model, values in ((PatientRow, {"mrn": "MRN-1", "name": "Eva Marin", "birth_date": date(1960, 1, 2),
                                        "sex": "female", "ecog": 1}),
                          (CaseRow, {"patient_id": 4, "status": "referred", "grade": 2, "er_percent": 90.0,
                                     "created_at": datetime(2025, 1, 1, 8, 0), "next_due": date(2025, 7, 1)}),
                          (TherapyRow, {"case_id": 4, "position": 0, "kind": "endocrine"})):
        steps = checksums.plan(model.__tablename__, model.__table__.columns)
        assert checksums.of_values(model, values) == checksums._digest(steps, values.get)


@given(_AT)
def test_the_quick_utc_spelling_is_the_old_one(at: datetime) -> None:
    assert utc_text(at) == at.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
