"""Department settings: the readiness freshness windows and the implementation-check delay.

Kept in the database so every workstation of a department applies the same policy; changed only
through this service, audited like clinical data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace

from tumorboard.domain.users import Permission, User
from tumorboard.recommend.readiness import ReadinessSettings
from tumorboard.services.access import check
from tumorboard.store import Database
from tumorboard.store.repositories import AuditRepository
from tumorboard.store.settings import SettingsRepository

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

    @property
    def readiness(self) -> ReadinessSettings:
        return ReadinessSettings(self.staging_max_age_days, self.recist_baseline_max_age_days)

    def problems(self) -> list[str]:
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            low, high, meaning = LIMITS[f.name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                out.append(f"{f.name}: {value!r} is outside {low} to {high} ({meaning})")
        return out


def settings_from(stored: dict[str, str]) -> DepartmentSettings:
    """Stored text -> settings; a value that does not read as a whole number keeps the default."""
    settings = DepartmentSettings()
    for f in fields(settings):
        text = stored.get(f.name)
        if text is not None and text.strip().lstrip("-").isdigit():
            settings = replace(settings, **{f.name: int(text)})
    return settings


class SettingsService:
    def __init__(self, db: Database, actor: str = "local user", user: User | None = None) -> None:
        self.db = db
        self.user = user
        self.actor = user.username if user else actor

    def load(self) -> DepartmentSettings:
        with self.db.session() as s:
            return settings_from(SettingsRepository(s).all())

    def save(self, settings: DepartmentSettings) -> DepartmentSettings:
        check(self.db, self.user, Permission.CHANGE_SETTINGS)
        problems = settings.problems()
        if problems:
            raise SettingsError("; ".join(problems))
        with self.db.session() as s:
            repo = SettingsRepository(s)
            changes = []
            for key, value in asdict(settings).items():
                before = repo.put(key, str(value))
                if before != str(value):
                    changes.append((key, before, str(value)))
            AuditRepository(s).record(self.actor, "settings", "department", "settings", changes)
            s.commit()
        return settings


def loader(db: Database) -> Callable[[], DepartmentSettings]:
    return lambda: SettingsService(db).load()
