"""Filled databases built once per test session and copied, byte for byte, for every test.

Filling a database (the demo's thirty cases, a board, a meeting signed with its PDF, accounts)
takes seconds; copying the file takes milliseconds. A ``Template`` says how one is filled; the
session fixture ``prepared`` (tests/conftest.py) builds each template the first time a test asks
for it (once per pytest-xdist worker) and gives every test its own copy, so tests stay
independent and a template is never opened by a test. The tests about filling a database (the
demo's build, ``tumorboard demo``, the migrations) still fill their own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tumorboard.services.demo import ensure_demo_database
from tumorboard.store import Database


def copy_database(template: Path, target: Path) -> Path:
    """A private copy of an SQLite database file (and its write-ahead log, if one is left)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, Path(f"{target}{suffix}"))
    os.chmod(target, 0o600)  # as the app makes its database files: patient data, private
    return target


@dataclass(frozen=True)
class Template:
    """A filled database by name; ``build`` makes it at the path it is given."""

    name: str
    build: Callable[[Path], object]


def filled(fill: Callable[[Database], object]) -> Callable[[Path], None]:
    """A template's build: a new database at the path (migrated as every new one), then ``fill``."""
    def build(path: Path) -> None:
        db = Database.open(str(path))
        try:
            fill(db)
        finally:
            db.close()
    return build


# The demo database as `tumorboard demo` builds it today: thirty cases, the demo board with a
# signed and an open meeting, the demo chair and administrator (services/demo.py).
DEMO = Template("demo", ensure_demo_database)


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _written(template: Template) -> AssertionError:
    return AssertionError(f"a test wrote to the template {template.name!r} instead of a copy of it")


class PreparedDatabases:
    """The templates built so far in this session, in one folder of the session's tmp dir."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._built: dict[str, tuple[Template, Path, tuple[int, int], str]] = {}

    def template(self, template: Template) -> Path:
        """The template's file, built the first time it is asked for (never to be opened)."""
        known = self._built.get(template.name)
        if known is None:
            path = self._folder / template.name / "template.sqlite3"
            path.parent.mkdir(parents=True)
            template.build(path)
            self._built[template.name] = (template, path, _stamp(path), _digest(path))
            return path
        built, path, stamp, _ = known
        if built != template:
            raise ValueError(f"two different templates are named {template.name!r}")
        if _stamp(path) != stamp:  # tests may run as root: file modes cannot keep the template as built
            raise _written(template)
        return path

    def check_unchanged(self) -> None:
        """Every template still holds the bytes it was built with (the session's end checks)."""
        for template, path, _, digest in self._built.values():
            if _digest(path) != digest:
                raise _written(template)

    def copy(self, template: Template, target: Path) -> Path:
        """A copy of the template at ``target``, for one test."""
        return copy_database(self.template(template), target)
