"""Department settings kept in the database (``tumorboard_meta``), shared by everyone who uses it."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tumorboard.store.errors import ConcurrentEdit
from tumorboard.store.models import AuditRow, MetaRow

PREFIX = "setting."
VERSION_KEY = "settings_version"  # one version for the department's settings (revision 0005)


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

    def version(self) -> int:
        value = self.session.scalar(select(MetaRow.value).where(MetaRow.key == VERSION_KEY))
        return int(value) if value is not None else 1

    def claim(self, seen: int | None, actor: str) -> int:
        """Take the next version of the settings in one conditional UPDATE, or ConcurrentEdit."""
        seen = self.version() if seen is None else seen
        result = self.session.connection().execute(
            update(MetaRow).where(MetaRow.key == VERSION_KEY, MetaRow.value == str(seen))
            .values(value=str(seen + 1)))
        if result.rowcount != 1:
            last = self.session.execute(select(AuditRow.actor, AuditRow.at).where(
                AuditRow.entity == "department").order_by(AuditRow.id.desc()).limit(1)).first()
            who = f" by {last[0]} at {last[1]:%Y-%m-%d %H:%M} UTC" if last else ""
            raise ConcurrentEdit(f"the department settings were changed{who} after you opened them "
                                 f"(version {self.version()}, yours {seen}); reload them to see their "
                                 "changes")
        return seen + 1
