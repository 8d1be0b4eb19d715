"""What the agenda, letters, send and attendance commands share: one way to open the database and
sign in, and one mapping of the services' refusals to a one-line error with exit status 2."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from tumorboard.cli import EXIT_FAILURE, CliError
from tumorboard.commands.common import open_database, signed_in_user
from tumorboard.domain.dates import parse_iso_date
from tumorboard.domain.meeting import MeetingError
from tumorboard.domain.users import User
from tumorboard.private_files import write_private
from tumorboard.services.settings import SettingsError
from tumorboard.store import Database, RecordExists, RecordNotFound, StoreError

ACTOR = "cli"


@contextmanager
def signed_in(args: argparse.Namespace, *, writes: bool = False) -> Iterator[tuple[Database, User | None]]:
    """The database (read-only unless ``writes``) and the signed-in user; every refusal of the
    services below becomes a CliError naming the field (exit 2)."""
    db = open_database(args, read_only=not writes)
    try:
        yield db, signed_in_user(args, db)
    except (MeetingError, SettingsError) as exc:
        raise CliError(str(exc)) from None
    except (RecordNotFound, RecordExists) as exc:
        raise CliError(str(exc)) from None
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()


def day(text: str, name: str) -> date:
    try:
        return parse_iso_date(text)
    except ValueError:
        raise CliError(f"{name}: {text!r} is not a date as YYYY-MM-DD") from None


def write_file(path: Path, data: bytes, option: str = "-o") -> None:
    try:
        write_private(path, data)
    except OSError as exc:
        raise CliError(f"{option} {path}: cannot write the file ({exc.strerror or exc})",
                       code=EXIT_FAILURE) from None


def output_folder(text: str, option: str) -> Path:
    """A folder to write into: made if missing; refused (exit 2) if it is a file or cannot be made."""
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise CliError(f"{option} {text}: is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"{option} {text}: cannot make the folder ({exc.strerror or exc})") from None
    return folder
