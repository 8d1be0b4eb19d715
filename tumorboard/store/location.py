"""Which database to open: --database, TUMORBOARD_DATABASE_URL, or the default SQLite file."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

ENV_VAR = "TUMORBOARD_DATABASE_URL"
APP_NAME = "tumorboard"


def data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "tumorboard.sqlite3"


def demo_database_path() -> Path:
    return data_dir() / "demo.sqlite3"


def resolve_database_url(explicit: str | None = None) -> str:
    """A SQLAlchemy URL. A plain path (no ``://``) is taken as a SQLite file."""
    value = explicit or os.environ.get(ENV_VAR) or str(default_database_path())
    if "://" in value:
        if value.startswith("postgres://"):  # the spelling many hosting tools print
            value = "postgresql://" + value[len("postgres://"):]
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value[len("postgresql://"):]
        return value
    return "sqlite:///" + str(Path(value).expanduser().absolute())


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    path = path.split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)


def describe(url: str) -> str:
    """Where the data is, for the status bar and messages (never the password)."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def database_user(url: str) -> str | None:
    """The role name of a server URL (PostgreSQL), None for SQLite or a URL without one."""
    if sqlite_path(url) is not None or url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    return make_url(url).username or None
