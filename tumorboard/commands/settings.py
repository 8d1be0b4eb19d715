"""``tumorboard settings`` (show) and ``tumorboard settings set NAME VALUE``: department policy."""

from __future__ import annotations

import argparse
from dataclasses import asdict, fields, replace
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.common import add_database_option, open_database, signed_in_user
from tumorboard.commands.output import add_format_option, print_records
from tumorboard.services.cases import CaseService
from tumorboard.services.circulation_settings import MEANINGS, TEXT_SETTINGS, CirculationSettingsService
from tumorboard.services.settings import LIMITS, SettingsError, SettingsService
from tumorboard.store import StoreError


def register(sub: Any) -> None:
    p = sub.add_parser("settings", help="show or change department settings (freshness windows...)",
                       description="Department settings, shared by everyone using the database: "
                                   + "; ".join(f"{k}: {v[2]}" for k, v in LIMITS.items()))
    p.add_argument("action", nargs="?", choices=["show", "set"], default="show")
    p.add_argument("name", nargs="?", choices=[*LIMITS, *TEXT_SETTINGS])
    p.add_argument("value", nargs="?")
    add_database_option(p)
    add_format_option(p)
    p.set_defaults(handler=run_settings)


def run_settings(args: argparse.Namespace) -> int:
    # Department policy, no patient data: shown without signing in; changed by a signed-in user.
    # Showing reads only (the database is never created or upgraded for it).
    db = open_database(args, read_only=args.action != "set")
    try:
        current = SettingsService(db).load()
        if args.action == "set":
            service = SettingsService(db, actor="cli", user=signed_in_user(args, db))
            if args.name is None or args.value is None:
                raise CliError("settings set: give NAME and VALUE, e.g. "
                               "`tumorboard settings set staging_max_age_days 42`")
            if args.name in TEXT_SETTINGS:  # letterhead and SMTP: text, checked by their service
                CirculationSettingsService(db, actor="cli", user=service.user).set_one(args.name, args.value)
            elif not args.value.strip().lstrip("-").isdigit():
                raise CliError(f"{args.name}: {args.value!r} is not a whole number")
            else:
                current = service.save(replace(current, **{args.name: int(args.value)}))
                # The worklist follows the new policy at once.
                CaseService(db, actor="cli", user=service.user).refresh_derived()
        values = asdict(current)
        # The version read with the settings is not a setting.
        records: list[dict[str, Any]] = [
            {"name": f.name, "value": values[f.name], "meaning": LIMITS[f.name][2]}
            for f in fields(current) if f.name in LIMITS]
        # The letterhead and SMTP settings (never the SMTP password: it is not stored).
        records += [{"name": name, "value": value, "meaning": MEANINGS[name]}
                    for name, value in CirculationSettingsService(db).stored_text().items()]
    except SettingsError as exc:
        raise CliError(str(exc)) from None
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()
    print_records(args, records, ("name", "value", "meaning"),
                  lambda r: f"{r['name']}\t{r['value']}\t{r['meaning']}")
    return EXIT_OK
