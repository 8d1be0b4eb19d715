"""The whole record copied out or put back (``tumorboard db backup`` / ``db restore``).

Both copy or replace every patient's record at once: once a database has accounts they need an
administrator's sign-in (``Permission.COPY_RECORD``), and both are audited. A restore is audited
twice: in the database it replaces, before the swap (that row stays in the copy kept aside), and
in the restored database, after the swap, so the record in use says it was put back, when and by
whom.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tumorboard.domain.users import Permission, User, require
from tumorboard.services.acting import Acting
from tumorboard.store import Database, StoreError
from tumorboard.store.encryption import key_for
from tumorboard.store.restore import RestoreResult, check_backup, restore_sqlite


class RecordCopies(Acting):
    """Backups and restores of the database ``db``, for ``user`` (None before the first account)."""

    def may_copy(self) -> None:
        """AccessDenied unless the user may back up or restore (an administrator, once accounts exist)."""
        with self.db.reading() as uow:
            accounts = uow.users.count() > 0
        if self.user is not None and self.user.can(Permission.COPY_RECORD):
            return
        require(self.user, Permission.COPY_RECORD, accounts)

    def backup(self, destination: Path) -> Path:
        """A consistent copy of the SQLite database at ``destination``, audited. If the audit row
        cannot be written (a full disk, say), the copy is removed and the backup refused: no copy
        of the record leaves without its row."""
        self.may_copy()
        path = self.db.backup(destination)
        try:
            with self._action(Permission.COPY_RECORD) as uow:
                uow.audit("backup", "database", "record", [("backup", None, "copy of the whole database")])
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

    def record_encryption(self) -> None:
        """``db encrypt`` rewrites the whole file: the same sign-in, and a row before it is done."""
        self.may_copy()
        with self._action(Permission.COPY_RECORD) as uow:
            uow.audit("encrypt", "database", "record", [("encrypted", False, True)])

    def record_restore_ahead(self, backup: Path, revision: str) -> None:
        """The row in the database about to be replaced (kept aside with it)."""
        self.may_copy()
        with self._action(Permission.COPY_RECORD) as uow:
            uow.audit("restore", "database", "record", [
                ("replaced_by", None, f"a backup at schema {revision}"), ("backup_file", None, backup.name)])


@dataclass(frozen=True, slots=True)
class Restored:
    result: RestoreResult
    audit_problem: str | None  # why the row in the restored database could not be written


def restore(target: Path, backup: Path, *, user: User | None, actor: str,
            current: Database | None) -> Restored:
    """Put ``backup`` in place of the SQLite database ``target``.

    ``current`` is the database being replaced, opened by the caller (who signed ``user`` in to
    it), or None when there is none or it cannot be opened (damaged): then nobody can sign in to
    it, and the file's own permissions are what guards it. The caller's handle is closed here,
    before the swap (a database in use cannot be replaced). After the swap the restored database
    is opened (upgraded if older, with its before-upgrade backup) and the restore audited in it.
    """
    revision = check_backup(backup, key_for(target))
    if current is not None:
        try:
            RecordCopies(current, actor, user=user).record_restore_ahead(backup, revision)
        finally:
            current.close()
    result = restore_sqlite(backup, target)
    name = user.username if user else actor
    try:
        restored = Database.open(str(target))
        try:
            with restored.unit_of_work(name) as uow:
                uow.audit("restore", "database", "record", [
                    ("restored_from", None, backup.name), ("schema", None, revision),
                    ("replaced", None, result.replaced.name if result.replaced else None)])
                uow.commit()
        finally:
            restored.close()
    except StoreError as exc:
        return Restored(result, str(exc))
    return Restored(result, None)
