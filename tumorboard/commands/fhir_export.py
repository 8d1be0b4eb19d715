"""``tumorboard export MRN... --format fhir`` and ``tumorboard minutes ID --format fhir``: FHIR R4
Bundles (mCODE-shaped, one CarePlan per MDT decision) on standard output or to -o FILE."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tumorboard.cli import EXIT_FAILURE, EXIT_OK, CliError
from tumorboard.commands.common import open_for_reading
from tumorboard.private_files import write_private
from tumorboard.services.interop import InteropService
from tumorboard.store import RecordNotFound, StoreError

log = logging.getLogger(__name__)


def _write(args: argparse.Namespace, doc: dict[str, Any]) -> None:
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        try:
            write_private(Path(args.output), text)
        except OSError as exc:
            raise CliError(f"-o {args.output}: cannot write the file ({exc.strerror or exc})",
                           code=EXIT_FAILURE) from None
    else:
        sys.stdout.write(text)


def _export(args: argparse.Namespace, what: str, make: Callable[[InteropService], dict[str, Any]]) -> int:
    db, user = open_for_reading(args)
    try:
        doc = make(InteropService(db, actor="cli", user=user))
    except RecordNotFound as exc:
        raise CliError(f"{what}: {exc}") from None
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()
    _write(args, doc)
    log.info("export: FHIR bundle of %d resource(s) written to %s", len(doc["entry"]),
             "a file" if args.output else "standard output")
    return EXIT_OK


def run_case_fhir(args: argparse.Namespace) -> int:
    return _export(args, "MRN", lambda service: service.case_bundle(args.mrns))


def run_meeting_fhir(args: argparse.Namespace, meeting_id: int) -> int:
    return _export(args, "MEETING_ID", lambda service: service.meeting_bundle(meeting_id))
