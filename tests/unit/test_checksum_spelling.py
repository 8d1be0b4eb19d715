"""The text a row checksum hashes, spelled out by hand: rows written by earlier versions (revision
0009 onwards) must keep verifying, so the spelling of every column type may never change."""

from __future__ import annotations

import enum
import hashlib
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, LargeBinary, String

from tumorboard.store import checksums
from tumorboard.store.models import PatientRow

COLUMNS = [Column("id", Integer), Column("checksum", String), Column("version", Integer),
           Column("t", String), Column("f", Float), Column("i", Integer), Column("b", Boolean),
           Column("at", DateTime(timezone=True)), Column("d", Date), Column("raw", LargeBinary),
           Column("missing", String), Column("zdefault", String, default="kept")]


RAW = b"\x00\x01"


class Colour(str, enum.Enum):  # noqa: UP042  (a str whose str() is not its value)
    RED = "red"


def _sha(*lines: str) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def test_every_kind_is_spelled_as_it_always_was() -> None:
    values = {"id": 7, "checksum": "x", "version": 3, "t": "Bergér", "f": 1, "i": True, "b": 2,
              "at": datetime(2025, 6, 10, 12, 0, 1, 5, tzinfo=timezone(timedelta(hours=2))),
              "d": date(2025, 1, 2), "raw": RAW, "missing": None, "zdefault": None}
    expected = _sha("t(at,b,d,f,i,missing,raw,t,zdefault)", "27:2025-06-10T10:00:01.000005Z", "1:1",
                    "10:2025-01-02", "3:1.0", "1:1", "~", "64:" + hashlib.sha256(RAW).hexdigest(),
                    "6:Bergér", "4:kept")
    assert checksums.checksum("t", COLUMNS, values.get) == expected


def test_a_text_column_given_something_else_is_spelled_by_str() -> None:
    values = {"t": Colour.RED, "f": "2.50", "i": "12", "b": 0, "at": datetime(2025, 1, 1, tzinfo=UTC),
              "d": date(1999, 12, 31), "raw": bytearray(b"a"), "missing": "", "zdefault": "given"}
    expected = _sha("t(at,b,d,f,i,missing,raw,t,zdefault)", "27:2025-01-01T00:00:00.000000Z", "1:0",
                    "10:1999-12-31", "3:2.5", "2:12", "0:", f"64:{hashlib.sha256(b'a').hexdigest()}",
                    f"{len(str(Colour.RED))}:{Colour.RED}", "5:given")
    assert checksums.checksum("t", COLUMNS, values.get) == expected


def test_a_patient_row_to_be_inserted() -> None:
    values = {"mrn": "MRN1", "name": None, "birth_date": date(1960, 3, 4), "sex": "female",
              "menopausal_status": "post", "ecog": 1}
    expected = _sha("patients(birth_date,ecog,menopausal_status,mrn,name,sex)", "10:1960-03-04", "1:1",
                    "4:post", "4:MRN1", "~", "6:female")
    assert checksums.of_values(PatientRow, values) == expected
