"""Store failures in words a user can act on; services and the CLI never see SQLAlchemy errors."""

from __future__ import annotations


class StoreError(Exception):
    """A database problem the user can understand; ``str()`` is the message to show."""


class DatabaseLocked(StoreError):
    pass


class DatabaseReadOnly(StoreError):
    pass


class DiskFull(StoreError):
    """The disk (or the database's size limit) is full: the action was refused whole."""


class DiskFailure(StoreError):
    """The disk or file system reported an I/O error: the action was refused whole."""


class NotATumorboardDatabase(StoreError):
    pass


class DatabaseTooNew(StoreError):
    def __init__(self, message: str, required_version: str | None) -> None:
        super().__init__(message)
        self.required_version = required_version


class DatabaseUnavailable(StoreError):
    pass


class DatabaseMissing(StoreError):
    """Opened for reading only, but there is no tumorboard database there (no file, or empty)."""


class DatabaseOutdated(StoreError):
    """Opened for reading only, but its schema is older than this app's; it needs an upgrade."""

    def __init__(self, message: str, revision: str) -> None:
        super().__init__(message)
        self.revision = revision


class RecordNotFound(StoreError):
    pass


class RecordExists(StoreError):
    pass


class ConcurrentEdit(StoreError):
    """Someone else saved the record since it was opened (optimistic locking)."""


class SignedRecord(StoreError):
    """The database refused to change a signed meeting, its attendance, agenda or decisions."""


class StateRefused(StoreError):
    """The database refused a change the meeting's state does not allow (its state machine)."""


class DatabaseDamaged(StoreError):
    """Damage was found in this database: changes are refused until it is restored."""


class DamagedRecord(StoreError):
    """A row read back is not what was written (its checksum does not match): the file was damaged."""


class SchemaNotOwned(StoreError):
    """The schema must be created or upgraded, and the database role connected may not change it
    (PostgreSQL: the app's role does not own the tables; the owner runs ``db upgrade``)."""
