"""Department settings: the readiness freshness windows and the implementation-check delay.

Kept in the database so every workstation of a department applies the same policy; changed only
through this service, audited like clinical data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace

from tumorboard.domain.users import Permission
from tumorboard.recommend.readiness import ReadinessSettings
from tumorboard.services.acting import Acting
from tumorboard.store import Database

# (lowest, highest) accepted for each setting, and what it means, for messages and the dialog.
LIMITS: dict[str, tuple[int, int, str]] = {
    "staging_max_age_days": (1, 365, "staging imaging older than this many days before the meeting is stale"),
    "recist_baseline_max_age_days": (1, 365, "a RECIST baseline older than this many days before the "
                                             "start of systemic therapy is stale"),
    "follow_up_weeks": (1, 52, "weeks after the meeting when a decision's implementation is checked"),
}


class SettingsError(ValueError):
    """A setting outside its accepted range; the message names it."""


@dataclass(frozen=True, slots=True)
class DepartmentSettings:
    staging_max_age_days: int = 28  # the same defaults as ReadinessSettings
    recist_baseline_max_age_days: int = 28
    follow_up_weeks: int = 6
    # The version read with the settings (optimistic locking); None when made up in code.
    version: int | None = field(default=None, compare=False)

    @property
    def readiness(self) -> ReadinessSettings:
        return ReadinessSettings(self.staging_max_age_days, self.recist_baseline_max_age_days)

    def problems(self) -> list[str]:
        out = []
        for f in fields(self):
            if f.name == "version":
                continue
            value = getattr(self, f.name)
            low, high, meaning = LIMITS[f.name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                out.append(f"{f.name}: {value!r} is outside {low} to {high} ({meaning})")
        return out


def settings_from(stored: dict[str, str]) -> DepartmentSettings:
    """Stored text -> settings; a value that does not read as a whole number keeps the default."""
    settings = DepartmentSettings()
    for f in fields(settings):
        if f.name == "version":
            continue
        text = stored.get(f.name)
        if text is not None and text.strip().lstrip("-").isdigit():
            settings = replace(settings, **{f.name: int(text)})
    return settings


class SettingsService(Acting):
    def load(self) -> DepartmentSettings:
        with self.db.reading() as uow:
            return replace(settings_from(uow.settings.all()), version=uow.settings.version())

    def save(self, settings: DepartmentSettings) -> DepartmentSettings:
        """Store the settings; refused if someone saved them since ``settings.version`` was read
        (None: over whatever is current)."""
        problems = settings.problems()
        if problems:
            raise SettingsError("; ".join(problems))
        with self._action(Permission.CHANGE_SETTINGS) as uow:
            version = uow.settings.claim(settings.version, self.actor)
            changes = []
            for f in fields(settings):
                if f.name == "version":
                    continue
                value = str(getattr(settings, f.name))
                before = uow.settings.put(f.name, value)
                if before != value:  # audited as numbers, as they are meant
                    old = int(before) if before and before.lstrip("-").isdigit() else before
                    changes.append((f.name, old, getattr(settings, f.name)))
            uow.audit("settings", "department", "settings", changes)
        return replace(settings, version=version)


def loader(db: Database) -> Callable[[], DepartmentSettings]:
    return lambda: SettingsService(db).load()
