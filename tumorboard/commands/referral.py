"""``tumorboard referral MRN [--referral-date D] [--referrer TEXT] [--gp-name TEXT] [--gp-address TEXT]``:
record who referred the case and the patient's GP (the outcome letter's addressees); without an
option it shows what is recorded."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.common import add_database_option, open_database, open_for_reading, signed_in_user
from tumorboard.commands.output import JSON, add_format_option, print_json
from tumorboard.domain.referral import FIELD_LABELS, Referral, ReferralError, referral_document
from tumorboard.services.cases import CaseService
from tumorboard.store import RecordNotFound, StoreError

# option dest -> Referral field; an empty value ("") clears the field.
_OPTIONS = {"referral_date": "--referral-date", "referring_clinician": "--referrer",
            "gp_name": "--gp-name", "gp_address": "--gp-address"}


def register(sub: Any) -> None:
    p = sub.add_parser("referral", help="show or record a case's referral: date, referrer, GP",
                       description="Who referred the case and the patient's GP (name and address): "
                                   "the addressees of the outcome letter; the referral date is where "
                                   "the wait to the first MDT discussion starts (else the date the "
                                   "case was registered). Give an empty value to clear a field.")
    p.add_argument("mrn", metavar="MRN")
    p.add_argument("--referral-date", dest="referral_date", metavar="YYYY-MM-DD")
    p.add_argument("--referrer", dest="referring_clinician", metavar="NAME")
    p.add_argument("--gp-name", dest="gp_name", metavar="NAME")
    p.add_argument("--gp-address", dest="gp_address", metavar="TEXT",
                   help="the GP practice's postal address (lines separated by newlines or '; ')")
    add_format_option(p)
    add_database_option(p)
    p.set_defaults(handler=run_referral)


def _given(args: argparse.Namespace) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for dest, option in _OPTIONS.items():
        value = getattr(args, dest)
        if value is None:
            continue
        if dest == "referral_date" and value.strip():
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                raise CliError(f"{option} {value}: not a date (YYYY-MM-DD)") from None
        elif dest == "gp_address":
            value = value.replace("; ", "\n")
        given[dest] = value if value != "" else None
    return given


def _show(args: argparse.Namespace, referral: Referral) -> None:
    recorded = referral_document(referral)
    if args.format == JSON:  # every field, null where not recorded
        print_json({"mrn": args.mrn, **{name: recorded.get(name) for name in FIELD_LABELS}})
        return
    for name, label in FIELD_LABELS.items():
        value = recorded.get(name, "not recorded").replace("\n", "; ")
        print(f"{label}: {value}")


def run_referral(args: argparse.Namespace) -> int:
    given = _given(args)
    if not given:
        db, user = open_for_reading(args)
    else:
        db = open_database(args)
        user = None
    try:
        if not given:
            record = CaseService(db, actor="cli", user=user).get(args.mrn)
        else:
            service = CaseService(db, actor="cli", user=signed_in_user(args, db))
            current = service.get(args.mrn)
            record = service.save_referral(args.mrn, replace(current.referral, **given), current.version)
    except RecordNotFound as exc:
        raise CliError(f"MRN {args.mrn}: {exc}") from None
    except ReferralError as exc:
        raise CliError(str(exc)) from None
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()
    _show(args, record.referral)
    return EXIT_OK
