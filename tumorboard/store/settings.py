"""Department settings kept in the database (``tumorboard_meta``), shared by everyone who uses it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tumorboard.store.models import MetaRow

PREFIX = "setting."


class SettingsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> dict[str, str]:
        rows = self.session.scalars(select(MetaRow).where(MetaRow.key.startswith(PREFIX)))
        return {row.key.removeprefix(PREFIX): row.value for row in rows}

    def put(self, key: str, value: str) -> str | None:
        """Store one setting; returns its previous value."""
        row = self.session.get(MetaRow, PREFIX + key)
        if row is None:
            self.session.add(MetaRow(key=PREFIX + key, value=value))
            self.session.flush()
            return None
        before = row.value
        row.value = value
        self.session.flush()
        return before
