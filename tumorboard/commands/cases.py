"""``tumorboard import FILE... [--update]`` and ``tumorboard export MRN [-o FILE]``."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tumorboard.cli import EXIT_INVALID, EXIT_OK, CliError
from tumorboard.commands.common import (
    add_database_option,
    open_database,
    open_for_reading,
    signed_in_user,
)
from tumorboard.private_files import write_private
from tumorboard.services.case_import import IMPORT_BATCH, ImportOutcome
from tumorboard.services.cases import CaseService
from tumorboard.store import RecordNotFound, StoreError

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser("import", help="validate and store case documents (all of a file or nothing)",
                       description="Import case documents (tumorboard.case/1). Each file is stored "
                                   "whole or not at all; refusals name the file and JSON path.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--update", action="store_true",
                   help="replace the clinical content of cases whose record number exists (MDT "
                        "discussions that meetings recorded are kept)")
    p.add_argument("--replace", action="store_true",
                   help="with --update: also remove what the file no longer holds (without it, an "
                        "update that would remove anything is refused and lists what)")
    add_database_option(p)
    p.set_defaults(handler=run_import)

    e = sub.add_parser("export", help="write a case document for a record number (or FHIR: --format fhir)")
    e.add_argument("mrns", nargs="+", metavar="MRN",
                   help="the record number (several with --format fhir: one Bundle of them all)")
    e.add_argument("--format", choices=["case", "fhir"], default="case",
                   help="case: the tumorboard case document (default); fhir: a FHIR R4 Bundle "
                        "(mCODE-shaped) with the MDT decisions as CarePlans")
    e.add_argument("-o", "--output", metavar="FILE", help="file to write (default: standard output)")
    e.add_argument("--with-history", action="store_true",
                   help="include the case's audit history (who changed what and when); the file "
                        "still imports as the case")
    add_database_option(e)
    e.set_defaults(handler=run_export)


def _read_in_batches(names: list[str], unreadable: list[str]) -> Iterator[list[tuple[str, bytes]]]:
    """The files, a batch at a time: memory stays flat however many files are given."""
    for start in range(0, len(names), IMPORT_BATCH):
        batch: list[tuple[str, bytes]] = []
        for name in names[start:start + IMPORT_BATCH]:
            try:
                batch.append((name, Path(name).read_bytes()))
            except OSError as exc:
                unreadable.append(f"error: {name}: cannot read the file ({exc.strerror or exc})")
        yield batch


def run_import(args: argparse.Namespace) -> int:
    # What start-up built (modules, the schema's metadata) outlives the import: set apart from
    # the cycle collector while it runs, which then walks only what the import itself holds.
    gc.freeze()
    try:
        return _import_files(args)
    finally:
        gc.unfreeze()


def _import_files(args: argparse.Namespace) -> int:
    unreadable: list[str] = []
    if args.replace and not args.update:
        raise CliError("--replace: give it with --update (it says what an update may remove)")
    db = open_database(args)
    outcomes: list[ImportOutcome] = []
    try:
        service = CaseService(db, actor="cli", user=signed_in_user(args, db))
        for sources in _read_in_batches(args.files, unreadable):
            outcomes.extend(service.import_documents(sources, update=args.update, replace=args.replace))
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()
    for line in unreadable:
        print(line, file=sys.stderr)
    refused = len(unreadable)
    for o in outcomes:
        if o.action == "refused":
            refused += 1
            for problem in o.problems:
                print(f"error: {o.source}: {problem}", file=sys.stderr)
        else:
            print(f"{o.action}: {o.mrn} from {o.source}")
    stored = sum(1 for o in outcomes if o.action != "refused")
    log.info("import: %d file(s), %d stored, %d refused", len(args.files), stored, refused)  # counts only
    print(f"imported {stored} case{'s' if stored != 1 else ''}, refused {refused}", file=sys.stderr)
    return EXIT_INVALID if refused else EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    if args.format == "fhir":
        if args.with_history:
            raise CliError("--with-history: the FHIR bundle has no audit history; drop one of the two")
        from tumorboard.commands.fhir_export import run_case_fhir

        return run_case_fhir(args)
    if len(args.mrns) > 1:
        raise CliError("MRN: a case document holds one case; give one MRN (or --format fhir for several)")
    args.mrn = args.mrns[0]
    db, user = open_for_reading(args)
    try:
        service = CaseService(db, actor="cli", user=user)
        doc = service.export_document(args.mrn, with_history=args.with_history)
    except RecordNotFound as exc:
        raise CliError(f"MRN {args.mrn}: {exc}") from None
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        try:
            write_private(Path(args.output), text)
        except OSError as exc:
            raise CliError(f"-o {args.output}: cannot write the file ({exc.strerror or exc})",
                           code=1) from None
    else:
        sys.stdout.write(text)
    # Neither the record number nor the file name: users name export files after the patient.
    log.info("export: one case written to %s", "a file" if args.output else "standard output")
    return EXIT_OK
