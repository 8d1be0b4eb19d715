"""Filled databases built once per test session and copied, byte for byte, for every test.

Filling a database (the demo's thirty cases, a board, a meeting signed with its PDF, accounts)
takes seconds; copying the file takes milliseconds. A ``Template`` says how one is filled; the
session fixture ``prepared`` (tests/conftest.py) builds each template the first time a test asks
for it (once per pytest-xdist worker) and gives every test its own copy, so tests stay
independent and a template is never opened by a test. The tests about filling a database (the
demo's build, ``tumorboard demo``, the migrations) still fill their own.
"""

from __future__ import annotations

import copy
import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

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


T = TypeVar("T")


@dataclass(frozen=True)
class Template(Generic[T]):
    """A filled database by name; ``build`` makes it at the path it is given and may return what
    the tests need to know of it (ids, dates: ``PreparedDatabases.made``)."""

    name: str
    build: Callable[[Path], T]


def filled(fill: Callable[[Database], T]) -> Callable[[Path], T]:
    """A template's build: a new database at the path (migrated as every new one), then ``fill``;
    what ``fill`` returns is what the template made."""
    def build(path: Path) -> T:
        db = Database.open(str(path))
        try:
            return fill(db)
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


@dataclass(frozen=True)
class _Built:
    template: Template[Any]
    path: Path
    stamp: tuple[int, int]
    digest: str
    made: object

    def written(self) -> AssertionError:
        return AssertionError(f"a test wrote to the template {self.template.name!r} instead of a copy of it")


class PreparedDatabases:
    """The templates built so far in this session, in one folder of the session's tmp dir."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._built: dict[str, _Built] = {}

    def _get(self, template: Template[Any]) -> _Built:
        built = self._built.get(template.name)
        if built is None:
            path = self._folder / template.name / "template.sqlite3"
            path.parent.mkdir(parents=True)
            made = template.build(path)
            built = self._built[template.name] = _Built(template, path, _stamp(path), _digest(path), made)
            return built
        if built.template != template:
            raise ValueError(f"two different templates are named {template.name!r}")
        if _stamp(built.path) != built.stamp:  # tests may run as root: file modes cannot keep it as built
            raise built.written()
        return built

    def template(self, template: Template[Any]) -> Path:
        """The template's file, built the first time it is asked for (never to be opened)."""
        return self._get(template).path

    def made(self, template: Template[T]) -> T:
        """What the template's build returned (the same for every copy; each test its own, so
        that one test changing it cannot change another's)."""
        return cast(T, copy.deepcopy(self._get(template).made))

    def copy(self, template: Template[Any], target: Path) -> Path:
        """A copy of the template at ``target``, for one test."""
        return copy_database(self._get(template).path, target)

    def check_unchanged(self) -> None:
        """Every template still holds the bytes it was built with (the session's end checks)."""
        for built in self._built.values():
            if _digest(built.path) != built.digest:
                raise built.written()
