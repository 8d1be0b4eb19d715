"""The worklist's text filter on an index: record number or name, any part of either.

SQLite: an FTS5 table with the trigram tokenizer over ``patients`` (``patients_text``, kept by
triggers), whose ``LIKE '%...%'`` is answered from the trigram index (three characters or more).
PostgreSQL: ``pg_trgm`` GIN indexes on ``patients.mrn`` and ``patients.name`` answer ``ILIKE``.
On SQLite, revision 0015 replaced that table with ``case_text`` (store/case_text.py), a trigram
index over the cases in the worklist's order; the ways below remain for PostgreSQL, for one or
two characters and for an SQLite without FTS5. One or two characters: the record number's
prefix (its unique index) and the name's prefix (an index on ``lower(name)``). Built by
revision 0011; a database where the trigram index could not be made (an SQLite without FTS5, a
server without ``pg_trgm``) falls back to a plain ``LIKE`` over the patients table, which is
correct, only slower.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, column, func, literal_column, or_, select, table, text
from sqlalchemy.orm import Session

from tumorboard.store.models import PatientRow

FTS_TABLE = "patients_text"
TRIGRAM = 3  # the trigram index answers a pattern of at least this many characters
NAME_PREFIX_INDEX = "ix_patients_name_lower"
PG_TRIGRAM_INDEXES = ("ix_patients_mrn_trgm", "ix_patients_name_trgm")

# Objects of revision 0011 that the models do not describe (a virtual table and its shadow
# tables, expression and GIN indexes): the schema comparison leaves them out.
UNMODELLED_INDEXES = frozenset({NAME_PREFIX_INDEX, *PG_TRIGRAM_INDEXES})
_FTS = table(FTS_TABLE, column("rowid"))


def include_object(_object: object, name: str | None, type_: str, _reflected: bool,
                   _compare_to: object) -> bool:
    """Alembic's ``include_object``: leave out what the models do not describe."""
    if name is None:
        return True
    if type_ == "table":  # the virtual tables of revisions 0011 and 0015, and their shadow tables
        return not any(name == fts or name.startswith(f"{fts}_") for fts in (FTS_TABLE, "case_text"))
    return not (type_ == "index" and name in UNMODELLED_INDEXES)


_FORGET = (f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, mrn, name) "
           "VALUES ('delete', OLD.id, OLD.mrn, OLD.name)")
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(mrn, name, content='patients', content_rowid='id', "
    "tokenize='trigram')",
    f"CREATE TRIGGER patients_text_insert AFTER INSERT ON patients BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, mrn, name) VALUES (NEW.id, NEW.mrn, NEW.name); END",
    f"CREATE TRIGGER patients_text_delete AFTER DELETE ON patients BEGIN "
    f"{_FORGET}; END",
    f"CREATE TRIGGER patients_text_update AFTER UPDATE OF mrn, name ON patients BEGIN "
    f"{_FORGET}; "
    f"INSERT INTO {FTS_TABLE}(rowid, mrn, name) VALUES (NEW.id, NEW.mrn, NEW.name); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS patients_text_insert", "DROP TRIGGER IF EXISTS patients_text_delete",
               "DROP TRIGGER IF EXISTS patients_text_update", f"DROP TABLE IF EXISTS {FTS_TABLE}")
POSTGRESQL_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_patients_mrn_trgm ON patients USING gin (mrn gin_trgm_ops)",
    "CREATE INDEX ix_patients_name_trgm ON patients USING gin (name gin_trgm_ops)",
)


def has_trigram_index(conn: Connection | Session) -> bool:
    """Whether revision 0011 could build the trigram index on this database."""
    if _dialect(conn) == "sqlite":
        found = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": FTS_TABLE})
    else:
        found = conn.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = :n "
                                  "AND schemaname = current_schema()"), {"n": PG_TRIGRAM_INDEXES[1]})
    return found.first() is not None


def _dialect(conn: Connection | Session) -> str:
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    return str(bind.dialect.name)


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def patient_condition(session: Session, typed: str) -> Any:
    """The same match as ``matching_patients``, as a condition on the patients' columns: for a
    read that walks the cases in order and looks at each one's patient (by primary key)."""
    value = typed.strip()
    if len(value) < TRIGRAM:
        low = value.lower()
        return or_(PatientRow.mrn.between(value, value + "\uffff"),
                   PatientRow.mrn.between(value.upper(), value.upper() + "\uffff"),
                   func.lower(PatientRow.name).between(low, low + "\uffff"))
    like = f"%{_escaped(value)}%"
    if _dialect(session) == "sqlite":
        return or_(PatientRow.mrn.like(like, escape="\\"), PatientRow.name.like(like, escape="\\"))
    return or_(PatientRow.mrn.ilike(like, escape="\\"), PatientRow.name.ilike(like, escape="\\"))


def matching_patients(session: Session, typed: str, *, trigram: bool) -> Select[Any]:
    """A SELECT of the ids of the patients whose record number or name contains ``typed``
    (ignoring case), answered from an index (see the module's words)."""
    value = typed.strip()
    like = f"%{_escaped(value)}%"
    sqlite = _dialect(session) == "sqlite"
    if len(value) < TRIGRAM:
        # Too short for trigrams: the start of the record number (as typed or in capitals) or of
        # the name (its lower-case index).
        low = value.lower()
        return select(PatientRow.id).where(or_(
            PatientRow.mrn.between(value, value + "\uffff"),
            PatientRow.mrn.between(value.upper(), value.upper() + "\uffff"),
            func.lower(PatientRow.name).between(low, low + "\uffff")))
    if sqlite and trigram:
        # A trigram phrase matches any part of either column, ignoring case: LIKE '%value%'.
        phrase = '"' + value.replace('"', '""') + '"'
        return select(_FTS.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(phrase))
    if sqlite:
        return select(PatientRow.id).where(or_(PatientRow.mrn.like(like, escape="\\"),
                                               PatientRow.name.like(like, escape="\\")))
    return select(PatientRow.id).where(or_(PatientRow.mrn.ilike(like, escape="\\"),
                                           PatientRow.name.ilike(like, escape="\\")))
