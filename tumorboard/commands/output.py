"""How a command prints records: ``--format text`` (for people, the default), ``json`` (for
scripts) or ``csv`` (for spreadsheets and registries), written once for every command.

JSON: one document on standard output, UTF-8, dates as ISO 8601, enumerations as their stored
words, absent values as ``null``. A listing is a JSON array of objects; one record is an object.
CSV: RFC 4180 (comma, double quotes, CRLF line ends) with a header row of the same keys as JSON;
lists inside a cell are joined with "; ".
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tumorboard.interop.tabular import csv_text, jsonable

TEXT, JSON, CSV = "text", "json", "csv"


def add_format_option(parser: argparse.ArgumentParser, *, csv_too: bool = False,
                      extra: Sequence[str] = ()) -> None:
    choices = [TEXT, JSON, *([CSV] if csv_too else []), *extra]
    parser.add_argument("--format", choices=choices, default=TEXT,
                        help="text for people (default), json for scripts"
                             + (", csv for spreadsheets" if csv_too else "")
                             + "".join(f", {e}" for e in extra))


def json_text(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, indent=2) + "\n"


def print_json(value: Any) -> None:
    sys.stdout.write(json_text(value))


def print_records(args: argparse.Namespace, records: Sequence[Mapping[str, Any]],
                  columns: Sequence[str], text: Callable[[Mapping[str, Any]], str]) -> None:
    """A listing in the format asked: ``text`` renders one record as the line people read."""
    fmt = getattr(args, "format", TEXT)
    if fmt == JSON:
        print_json([{c: r.get(c) for c in columns} for r in records])
    elif fmt == CSV:
        sys.stdout.write(csv_text(records, columns))
    else:
        for r in records:
            print(text(r))
