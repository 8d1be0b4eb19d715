"""Persistence: the only package that imports SQLAlchemy and Alembic.

Services act through ``Database.unit_of_work(actor)`` (one write transaction per user action,
audited, versions checked by the statement) and read through ``Database.reading()``; repositories
never commit.
"""

from tumorboard.store.database import Database
from tumorboard.store.errors import (
    ConcurrentEdit,
    DamagedRecord,
    DatabaseDamaged,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseOutdated,
    DatabaseReadOnly,
    DatabaseTooNew,
    DatabaseUnavailable,
    DiskFailure,
    DiskFull,
    NotATumorboardDatabase,
    RecordExists,
    RecordNotFound,
    SchemaNotOwned,
    SignedRecord,
    StateRefused,
    StoreError,
)

__all__ = [
    "ConcurrentEdit",
    "DamagedRecord",
    "Database",
    "DatabaseDamaged",
    "DatabaseLocked",
    "DatabaseMissing",
    "DatabaseOutdated",
    "DatabaseReadOnly",
    "DatabaseTooNew",
    "DatabaseUnavailable",
    "DiskFailure",
    "DiskFull",
    "NotATumorboardDatabase",
    "RecordExists",
    "RecordNotFound",
    "SchemaNotOwned",
    "SignedRecord",
    "StateRefused",
    "StoreError",
]
