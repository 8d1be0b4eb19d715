"""A safety net for pseudonymised minutes: free text that names a patient is redacted.

The caller replaces each case's label by a pseudonym, but a question, a decision or an amendment
is typed by a clinician and may still say "discussed with Mrs Demo" or quote the record number.
Before rendering, every printed string of pseudonymised minutes is searched for the name, record
number and birth date of every patient on the agenda.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from tumorboard.domain.case import Case
from tumorboard.domain.minutes import Minutes

REDACTED = "[redacted]"
T = TypeVar("T")


def _date_forms(day: date) -> list[str]:
    return [day.isoformat(), f"{day:%d.%m.%Y}", f"{day:%d/%m/%Y}", f"{day.day}.{day.month}.{day.year}"]


def patient_identifiers(names: Iterable[str | None], mrns: Iterable[str | None],
                        births: Iterable[date | None]) -> set[str]:
    """The strings that would name a patient: names, record numbers, birth dates in every form."""
    found: set[str] = set()
    # A one- or two-letter "name" would redact ordinary words; record numbers are exact.
    found.update(n.strip() for n in names if n and len(n.strip()) >= 3)
    found.update(m.strip() for m in mrns if m and m.strip())
    for b in births:
        if b is not None:
            found.update(_date_forms(b))
    return found


def identifiers(minutes: Minutes) -> set[str]:
    found: set[str] = set()
    for c in minutes.cases:
        found |= patient_identifiers(
            [c.identity.name, c.case.patient.name if c.case else None],
            [c.identity.mrn, c.case.patient.mrn if c.case else None],
            [c.identity.birth_date, c.case.patient.birth_date if c.case else None])
    return found


def _walk(value: Any, pattern: re.Pattern[str]) -> Any:
    """``value`` with every string in it redacted: strings, tuples and (nested) dataclasses."""
    # type() is str, not isinstance: the domain's StrEnum members are strings and must stay enums.
    if type(value) is str:
        return pattern.sub(REDACTED, value)
    if isinstance(value, tuple):
        return tuple(_walk(v, pattern) for v in value)
    # The case is drawn (therapies, dates) but its patient is never printed; the engine's document
    # carries no identity. Both are left as they are.
    if dataclasses.is_dataclass(value) and not isinstance(value, type | Case):
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = _walk(old, pattern)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def redact_values(value: T, needles: set[str]) -> T:
    """``value`` (a document's data) with every identifier in ``needles`` removed from its texts."""
    if not needles:
        return value
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=lambda n: (-len(n), n))),
                         re.IGNORECASE)
    redacted: T = _walk(value, pattern)
    return redacted


def redact(minutes: Minutes) -> Minutes:
    """The same minutes with patient identifiers removed from every printed text, if pseudonymised."""
    if not minutes.pseudonymised:
        return minutes
    needles = identifiers(minutes)
    if not needles:
        return minutes
    # Longest first, so "Ada Demo" is removed whole before a shorter identifier could split it.
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=lambda n: (-len(n), n))),
                         re.IGNORECASE)
    redacted: Minutes = _walk(minutes, pattern)
    return redacted
