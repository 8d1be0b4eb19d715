"""``tumorboard recommend CASE.json... [--as-of DATE]``: the recommend-v1 contract.

Reads case documents, prints one recommendation document (or JSON Lines for several files).
Any invalid file: exit 2, nothing on standard output, one ``error:`` line per problem.
``--with-source`` wraps each document with its file name and record number (outside the contract's
document, which is unchanged; without the option the output is exactly the contract's).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from typing import Any

from tumorboard.casedoc.validate import InvalidCaseDocument, load_case_document
from tumorboard.domain.dates import parse_iso_date

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "recommend",
        help="guideline recommendation for case documents (JSON); '-' reads standard input",
        description="Evaluate case documents (tumorboard.case/1) against the guideline ruleset. "
                    "Decision support: it does not replace the board's judgement.")
    p.add_argument("files", nargs="+", metavar="CASE.json")
    p.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="evaluation date, normally the MDT meeting date (default: today)")
    p.add_argument("--with-source", action="store_true",
                   help="wrap each recommendation as {\"source\": FILE, \"mrn\": record number, "
                        "\"recommendation\": ...} (one per line with several files); without it the "
                        "output is the plain recommend-v1 document, as the contract says")
    p.set_defaults(handler=run)


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as fh:
        return fh.read()


def run(args: argparse.Namespace) -> int:
    from tumorboard import quick_exit
    from tumorboard.collection_pause import collection_after_batch

    quick_exit.after_this_command()  # no database, no file of its own: only its output and the log

    # One batch of documents: the engine's import and the evaluations make many small objects
    # and no garbage worth a collector's pass (30 passes, a twentieth of the command).
    with collection_after_batch():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    errors: list[str] = []
    as_of = date.today()
    if args.as_of is not None:
        try:
            as_of = parse_iso_date(args.as_of)
        except ValueError as exc:
            errors.append(f"error: --as-of: {exc}")
    docs: list[dict[str, Any]] = []
    labels: list[str] = []
    for name in args.files:
        label = "<stdin>" if name == "-" else name
        try:
            docs.append(load_case_document(_read(name)))
            labels.append(label)
        except OSError as exc:
            errors.append(f"error: {label}: cannot read the file ({exc.strerror or exc})")
        except InvalidCaseDocument as exc:
            errors.extend(f"error: {label}: {problem}" for problem in exc.problems)
    if errors:
        log.info("recommend: %d input(s) refused", len(args.files))
        # Nothing on standard output when any input is refused (contract).
        sys.stderr.write("\n".join(errors) + "\n")
        return 2
    from tumorboard.casedoc.codec import case_from_document
    from tumorboard.recommend import evaluate, recommendation_to_document

    outputs: list[Any] = [recommendation_to_document(evaluate(case_from_document(doc), as_of))
                          for doc in docs]
    if args.with_source:  # beside the document, never inside it: the v1 document stays as it is
        outputs = [{"source": label, "mrn": doc["patient"]["mrn"], "recommendation": out}
                   for label, doc, out in zip(labels, docs, outputs, strict=True)]
    lines = [json.dumps(out, ensure_ascii=False, indent=None if len(docs) > 1 else 2) for out in outputs]
    sys.stdout.write("\n".join(lines) + "\n")
    log.info("recommend: %d document(s) evaluated as of %s", len(docs), as_of.isoformat())
    return 0
