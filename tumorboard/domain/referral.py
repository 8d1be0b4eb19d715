"""Who referred the case and who looks after the patient at home: the addressees of the outcome
letter, and the date the waiting time to the first MDT discussion counts from.

Administrative facts of the referral, not clinical input: they are not part of the case document
the recommendation module reads (the contract's ``tumorboard.case/1`` stays as it is), and every
field is optional (absent = not recorded).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

# Lengths a letter's address block can print; longer is a paste gone wrong, refused by its field.
NAME_MAX = 200
ADDRESS_MAX = 500


class ReferralError(ValueError):
    """A referral field that cannot be recorded; the message starts with the field's name."""


@dataclass(frozen=True, slots=True)
class Referral:
    referral_date: date | None = None
    referring_clinician: str | None = None
    gp_name: str | None = None
    gp_address: str | None = None

    @property
    def recorded(self) -> bool:
        return any(v is not None for v in (self.referral_date, self.referring_clinician,
                                           self.gp_name, self.gp_address))


# Nothing recorded yet (frozen, so one shared value is safe as a default).
NOT_RECORDED = Referral()

FIELD_LABELS = {
    "referral_date": "referral date",
    "referring_clinician": "referring clinician",
    "gp_name": "GP name",
    "gp_address": "GP address",
}


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def cleaned(referral: Referral) -> Referral:
    """Blank texts are "not recorded"; surrounding spaces are not part of a name."""
    return replace(referral, referring_clinician=_text(referral.referring_clinician),
                   gp_name=_text(referral.gp_name), gp_address=_text(referral.gp_address))


def check_referral(referral: Referral, *, birth_date: date, today: date) -> list[tuple[str, str]]:
    """What is wrong with ``referral``, as (field, message) pairs; empty when it can be recorded."""
    problems: list[tuple[str, str]] = []
    when = referral.referral_date
    if when is not None:
        if when > today:
            problems.append(("referral_date", f"{when.isoformat()} is in the future (today is "
                                              f"{today.isoformat()})"))
        elif when < birth_date:
            problems.append(("referral_date", f"{when.isoformat()} is before the patient's birth date "
                                              f"{birth_date.isoformat()}"))
    for name, limit in (("referring_clinician", NAME_MAX), ("gp_name", NAME_MAX),
                        ("gp_address", ADDRESS_MAX)):
        value = getattr(referral, name)
        if value is not None and len(value) > limit:
            problems.append((name, f"{len(value)} characters; at most {limit}"))
        if value is not None and any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
            problems.append((name, "holds control characters"))
    for name in ("referring_clinician", "gp_name"):
        value = getattr(referral, name)
        if value is not None and "\n" in value:
            problems.append((name, "one line only (the address may have several)"))
    return problems


def require_valid(referral: Referral, *, birth_date: date, today: date) -> Referral:
    """``referral`` cleaned, or ReferralError naming every field that is wrong."""
    referral = cleaned(referral)
    problems = check_referral(referral, birth_date=birth_date, today=today)
    if problems:
        raise ReferralError("; ".join(f"{FIELD_LABELS[f]}: {m}" for f, m in problems))
    return referral


def referral_document(referral: Referral) -> dict[str, str]:
    """The recorded fields as JSON (the case export's "referral", the audit trail)."""
    out: dict[str, str] = {}
    if referral.referral_date is not None:
        out["referral_date"] = referral.referral_date.isoformat()
    for name in ("referring_clinician", "gp_name", "gp_address"):
        value = getattr(referral, name)
        if value is not None:
            out[name] = value
    return out
