"""The database handle: engine with the right SQLite settings, safe opening, error translation."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tumorboard.store import checksums as _checksums  # noqa: F401  (the checksum events)
from tumorboard.store import daily_chores, encryption, schema
from tumorboard.store.backup import backup_sqlite, daily_backup, fsync_folder
from tumorboard.store.errors import (
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DiskFailure,
    DiskFull,
    NotATumorboardDatabase,
    RecordExists,
    SignedRecord,
    StateRefused,
    StoreError,
)
from tumorboard.store.location import describe, resolve_database_url, sqlite_path
from tumorboard.store.models import MetaRow

FULL_CHECK_KEY = "full_check_passed"  # the day the full check last found nothing (ISO date)

if TYPE_CHECKING:
    from tumorboard.store.unit_of_work import UnitOfWork

BUSY_TIMEOUT_MS = 5000


# One lock serialises the writers of a PostgreSQL database, as SQLite's RESERVED lock does for a
# file: every write unit of work takes it first, so what it reads cannot change before it commits.
WRITE_LOCK_KEY = 0x74756D6F72  # "tumor"
WRITE = "tumorboard_write"  # execution option: this transaction writes (BEGIN IMMEDIATE / the lock)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling starts a transaction only before DML and never before
    # DDL or a read; tumorboard begins every transaction itself (``_sqlite_begin``).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    # Decisions must not be lost: every commit reaches the disk before it is reported.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    """BEGIN IMMEDIATE for a unit of work that writes: the write lock is taken before the first
    read, so two processes cannot both read "open" and both write. Reads take a snapshot."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def _postgresql_begin(conn: Any) -> None:
    if conn.get_execution_options().get(WRITE):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def _sqlite_pragmas_for_reading(dbapi_connection: Any, _record: Any) -> None:
    """As above, but the journal mode is left as the file has it: switching it writes the file."""
    dbapi_connection.isolation_level = None  # tumorboard begins every transaction (_sqlite_begin)
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _read_only(path: Path) -> bool:
    """The SQLite file (or its folder, for the journal) cannot be written now."""
    folder = path.parent
    try:
        if os.name == "posix" and os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def translate(exc: SQLAlchemyError, where: str) -> StoreError:
    """A user-facing StoreError for a driver error."""
    text = str(getattr(exc, "orig", exc) or exc).lower()
    if "read-only record:" in text:  # the signed-meeting triggers' own words (migration 0003)
        message = str(getattr(exc, "orig", exc)).split("read-only record:", 1)[1].strip().splitlines()[0]
        return SignedRecord(message)
    if "meeting state:" in text:  # the meeting state machine's triggers (migration 0005)
        message = str(getattr(exc, "orig", exc)).split("meeting state:", 1)[1].strip().splitlines()[0]
        return StateRefused(message)
    if "duplicate meeting:" in text:  # one meeting of a board per date and time (migration 0005)
        message = str(getattr(exc, "orig", exc)).split("duplicate meeting:", 1)[1].strip().splitlines()[0]
        return RecordExists(message)
    # The disk: full (SQLite's SQLITE_FULL, PostgreSQL's "could not extend file ... No space left on
    # device") or failing (SQLITE_IOERR, an EIO reported by the server). The unit of work was rolled
    # back whole, so the words say that nothing of the action was kept, and what to do.
    if "disk is full" in text or "no space left" in text or "could not extend file" in text \
            or "disk full" in text:
        return DiskFull(f"{where}: the disk is full, so this change was not saved (nothing of it was "
                        "kept; what was saved before is intact); free some space on the disk, then try "
                        "again")
    if "disk i/o error" in text or "input/output error" in text or "i/o error" in text:
        return DiskFailure(f"{where}: the disk reported an error while saving, so this change was not "
                           "saved (nothing of it was kept); check the disk or network share and try "
                           "again; if it happens again, stop and run `tumorboard db verify`")
    if "unique constraint" in text or "duplicate key" in text:
        return RecordExists(f"{where}: this record was written by someone else a moment ago; reload "
                            "and check before trying again")
    if "locked" in text or "busy" in text:
        return DatabaseLocked(f"{where} is locked by another program or user; try again in a moment")
    if "readonly" in text or "read-only" in text:
        return DatabaseReadOnly(f"{where} is read-only (the file, its folder or the disk), so this change "
                                "was not saved (nothing of it was kept); make it writable again, or "
                                "ask your IT department, then try again")
    if "file is not a database" in text or "malformed" in text:
        return NotATumorboardDatabase(f"{where} is damaged or not a tumorboard database")
    if "unable to open" in text or "could not connect" in text or "connection" in text:
        return DatabaseUnavailable(f"cannot open {where}: {getattr(exc, 'orig', exc)}")
    return StoreError(f"database error at {where}: {getattr(exc, 'orig', exc)}")


def _damaged(path: Path, problem: str) -> str:
    return (f"{path} failed the integrity check ({problem}); it was left untouched - restore it from "
            f"a backup (`tumorboard db restore BACKUP`; the automatic backups are in "
            f"{path.parent / 'backups'}), or run `tumorboard db check` to check it again")


class Database:
    """One database (SQLite file or server URL) with a session factory for units of work."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.location = describe(url)
        self.damaged: str | None = None  # set by refuse_writes: why writing is refused
        self.daily_chores: object = None  # the process running today's chores, if this open started it
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(engine.execution_options(**{WRITE: True}),
                                            expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, check_integrity: bool = True,
             read_only: bool = False, allow_older: bool = False, app_role: str | None = None) -> Database:
        """Open (creating or upgrading as needed) the database at ``url``.

        A new SQLite database is created only where no file exists, built aside and moved into
        place whole (``_create_sqlite``); an existing file that is empty or not a tumorboard
        database is refused (NotATumorboardDatabase), never re-created.
        Raises a StoreError subclass with a clear message; the file is untouched when refused.
        ``check_integrity=True`` (the command line) starts the day's chores of an SQLite file
        once a day in another process (store/daily_chores.py: ``quick_check`` of every page,
        then the daily backup); a file that check found damaged is refused at every open after.
        ``check_integrity=False`` (the desktop app) leaves both to the caller, which runs them
        once its window is up. Before a migration every page is read here, always.

        ``read_only=True`` is for commands that only read: nothing is created, migrated or backed
        up (``migrate`` is ignored). A missing SQLite file or an empty server database is refused
        with DatabaseMissing, a schema older than this app's with DatabaseOutdated (unless
        ``allow_older``, for reporting or copying it as it is), before a byte is written.

        ``app_role`` (PostgreSQL, opened as the schema's owner): the role the app connects as,
        granted its data rights after the migration (default: TUMORBOARD_APP_ROLE).
        """
        resolved = resolve_database_url(url)
        path = sqlite_path(resolved)
        migrate = migrate and not read_only
        chores: object = None
        if path is not None:
            if read_only and not path.exists():
                raise DatabaseMissing(f"there is no database at {path} (nothing was created)")
            # Every page is read before a migration; otherwise once a day, off the way (below).
            revision = schema.precheck_sqlite_file(path, full_check=False)
            found = daily_chores.recorded_problem(path) if check_integrity and path.exists() else None
            if found is not None:
                raise NotATumorboardDatabase(_damaged(path, found))
            if check_integrity and migrate and revision is not None:
                chores = daily_chores.start(path)  # once a day, in another process
                if isinstance(chores, str):  # run here (TUMORBOARD_DAILY_CHORES=now): damage found
                    raise NotATumorboardDatabase(_damaged(path, chores))
            if read_only:
                schema.check_for_reading(revision, str(path), allow_older=allow_older)
                if check_integrity and revision is not None and daily_chores.due(path):
                    # A reading command writes nothing (no backup, no record of the check), so
                    # until a writing open has checked the file today it reads every page here,
                    # as every command did before the daily chores: checked no less.
                    problem = schema.sqlite_integrity_problem(path)
                    if problem is not None:
                        raise NotATumorboardDatabase(_damaged(path, problem))
            elif not path.exists():
                if not migrate:
                    raise DatabaseMissing(f"there is no database at {path} (nothing was created)")
                cls._create_sqlite(path)
        engine = cls._make_engine(resolved, read_only=read_only)
        db = cls(resolved, engine)
        try:
            if migrate:
                if path is None and schema.has_tables(engine) and schema.current_revision(engine) is None:
                    raise NotATumorboardDatabase(
                        f"{db.location} holds tables of another program; it was left untouched")
                schema.upgrade(engine, resolved, app_role=app_role)
            else:
                revision = schema.current_revision(engine)
                if read_only and path is None:  # a server database: only now can it be read
                    if revision is None and schema.has_tables(engine):
                        raise NotATumorboardDatabase(
                            f"{db.location} holds tables of another program; it was left untouched")
                    schema.check_for_reading(revision, db.location, allow_older=allow_older)
                schema.check_not_newer(engine, revision)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise translate(exc, db.location) from None
        except StoreError:
            engine.dispose()
            raise
        db.daily_chores = chores
        return db

    @classmethod
    def _create_sqlite(cls, path: Path) -> bool:
        """Build a new database under a temporary name beside ``path`` and move it into place
        whole, never over a file: ``path`` never holds an empty or half-built database (one a
        later open would have to take for a lost one). False if another process put a database
        there first (that one is used)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.new-{os.getpid()}")
        for suffix in ("", "-wal", "-shm", "-journal"):  # left by a crash while creating
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)  # patient data: owner only
            os.close(fd)
            url = "sqlite:///" + str(tmp)
            engine = cls._make_engine(url)
            try:
                schema.upgrade(engine, url)
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the file
            except SQLAlchemyError as exc:
                raise translate(exc, str(path)) from None
            finally:
                engine.dispose()
            try:
                os.link(tmp, path)  # fails if a file appeared there meanwhile: never replaces one
            except FileExistsError:
                return False
            except OSError:  # a file system without hard links
                if path.exists():
                    return False
                os.replace(tmp, path)
            fsync_folder(path.parent)
            return True
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot create the database {path}: {exc.strerror or exc}") from None
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{tmp}{suffix}").unlink(missing_ok=True)

    @staticmethod
    def _make_engine(url: str, *, read_only: bool = False) -> Engine:
        if url.startswith("sqlite"):
            path = sqlite_path(url)
            key = encryption.key_for(path) if path is not None else None
            pragmas = _sqlite_pragmas_for_reading if read_only else _sqlite_pragmas
            if key is None:
                engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
                event.listen(engine, "connect", pragmas)
            else:  # SQLCipher: the key is the first statement on every connection
                engine = create_engine(url, module=encryption.module(),
                                       connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

                def keyed(dbapi_connection: Any, record: Any) -> None:
                    encryption.apply_key(dbapi_connection, key)
                    pragmas(dbapi_connection, record)
                event.listen(engine, "connect", keyed)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        try:
            engine = create_engine(url, pool_pre_ping=True)
            event.listen(engine, "begin", _postgresql_begin)
            return engine
        except ImportError as exc:
            raise DatabaseUnavailable(
                f"the database driver for this URL is not installed ({exc.name}); for PostgreSQL "
                "install tumorboard with its extra: pip install 'tumorboard[postgresql]'") from None
        except ArgumentError as exc:
            raise DatabaseUnavailable(f"not a database URL tumorboard understands: {exc}") from None

    @contextlib.contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session in one transaction; translated errors, always closed.

        ``write=True`` begins the transaction with the write lock held (SQLite ``BEGIN IMMEDIATE``,
        PostgreSQL the department-wide advisory lock): everything read in it is current until it
        commits. Services use it through ``unit_of_work`` / ``reading``, never directly."""
        session = (self._write_sessions if write else self._sessions)()
        try:
            if write:
                session.connection()  # begin now: the lock before the first read
            yield session
        except (OperationalError, DatabaseError) as exc:
            session.rollback()
            raise self._translate(exc) from None
        finally:
            session.close()

    def _translate(self, exc: SQLAlchemyError) -> StoreError:
        """``translate``, and for a SQLite file SQLite "cannot open" the reason when it is that the
        file, its folder or its file system became read-only under the running app."""
        error = translate(exc, self.location)
        path = sqlite_path(self.url)
        if isinstance(error, DatabaseUnavailable) and path is not None and _read_only(path):
            return translate(OperationalError("", None, Exception("read-only")), self.location)
        return error

    def unit_of_work(self, actor: str) -> UnitOfWork:
        """One user action that writes: see ``tumorboard.store.unit_of_work``."""
        from tumorboard.store.unit_of_work import UnitOfWork

        return UnitOfWork(self, actor)

    def reading(self) -> UnitOfWork:
        """A consistent read (one snapshot) through the same repositories; it cannot commit."""
        from tumorboard.store.unit_of_work import UnitOfWork

        return UnitOfWork(self, None)

    def revision(self) -> str | None:
        try:
            return schema.current_revision(self.engine)
        except SQLAlchemyError as exc:
            raise translate(exc, self.location) from None

    def daily_backup(self) -> Path | None:
        """The first backup of the day of an SQLite file (store/backup.py ``daily_backup``); None
        if taken already, turned off, failed (logged) or for a server database."""
        path = sqlite_path(self.url)
        return None if path is None else daily_backup(path)

    def start_daily_chores(self) -> None:
        """Today's ``quick_check`` and backup of an SQLite file, if not done yet, in a process of
        its own (store/daily_chores.py); what the check finds refuses the file at later opens."""
        path = sqlite_path(self.url)
        if path is not None and path.exists():
            self.daily_chores = daily_chores.start(path)

    def backup(self, destination: Path) -> Path:
        path = sqlite_path(self.url)
        if path is None:
            raise StoreError("online backup is for the SQLite database; back up a PostgreSQL "
                             "database with pg_dump")
        return backup_sqlite(path, destination)

    # -- damage ----------------------------------------------------------------------------
    def file_problem(self, *, full: bool = True) -> str | None:
        """SQLite's check of every page of the file (``integrity_check``, or ``quick_check`` with
        ``full=False``): None when healthy or for a server database (its server checks pages)."""
        path = sqlite_path(self.url)
        return None if path is None else schema.sqlite_integrity_problem(path, full=full)

    def damaged_rows(self, limit: int = 20) -> list[str]:
        """Rows holding clinical content whose checksum does not match (store/checksums.py)."""
        from tumorboard.store.checksums import damaged_rows

        with self.session() as session:
            return damaged_rows(session, limit)

    def last_full_check(self) -> date | None:
        """The day the full check (``services.integrity.full_check``) last found nothing."""
        try:
            with self.session() as session:
                value = session.scalar(select(MetaRow.value).where(MetaRow.key == FULL_CHECK_KEY))
        except StoreError:
            return None
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    def record_full_check(self, day: date) -> None:
        """Remember that the full check passed on ``day`` (once a day per database, every
        workstation)."""
        with self.session(write=True) as session:
            session.merge(MetaRow(key=FULL_CHECK_KEY, value=day.isoformat()))
            session.commit()

    def note(self, key: str, value: str) -> None:
        """Keep a fact about the database itself (``tumorboard_meta``), e.g. the day a demo
        database was built for."""
        with self.session(write=True) as session:
            session.merge(MetaRow(key=key, value=value))
            session.commit()

    def refuse_writes(self, reason: str) -> None:
        """From now on every unit of work that writes is refused with ``reason`` (damage found:
        nothing more is written into a file that must be restored)."""
        self.damaged = reason

    def close(self) -> None:
        self.engine.dispose()
