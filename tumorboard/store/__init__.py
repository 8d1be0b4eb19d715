"""Persistence: the only package that imports SQLAlchemy and Alembic.

Services open units of work through ``Database.session()``; repositories never commit.
"""

from tumorboard.store.database import Database
from tumorboard.store.errors import (
    ConcurrentEdit,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseOutdated,
    DatabaseReadOnly,
    DatabaseTooNew,
    DatabaseUnavailable,
    NotATumorboardDatabase,
    RecordExists,
    RecordNotFound,
    SignedRecord,
    StoreError,
)

__all__ = [
    "ConcurrentEdit",
    "Database",
    "DatabaseLocked",
    "DatabaseMissing",
    "DatabaseOutdated",
    "DatabaseReadOnly",
    "DatabaseTooNew",
    "DatabaseUnavailable",
    "NotATumorboardDatabase",
    "RecordExists",
    "RecordNotFound",
    "SignedRecord",
    "StoreError",
]
