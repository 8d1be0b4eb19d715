"""The case schema's fast validator, generated once and kept.

fastjsonschema turns the schema into Python source (about 50 ms each time); that source is
written once per schema and fastjsonschema version into the user's cache folder
(TUMORBOARD_CACHE_DIR, else the platform's), and later processes import it. Its compiled form
is kept beside it too, whether or not Python writes bytecode itself (PYTHONDONTWRITEBYTECODE,
as in many containers, left the 145 KB source to be compiled again by every process: about
27 ms of a 0.1 s ``recommend``). If the folder cannot be written the validator is generated in
memory, as before: slower to start, the same answers.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tumorboard.cache_folder import CACHE_ENV, cache_folder, content_key, keep

__all__ = ["CACHE_ENV", "cache_folder", "load_validator"]

log = logging.getLogger(__name__)


def load_validator(schema: dict[str, Any], name: str) -> Callable[[Any], Any]:
    """``fastjsonschema.compile(schema)``, from the kept source when there is one."""
    import fastjsonschema

    key = content_key((json.dumps(schema, sort_keys=True) + fastjsonschema.VERSION).encode())
    path = cache_folder() / f"{name}_{key[:20]}.py"
    try:
        if not path.is_file():
            keep(path, fastjsonschema.compile_to_code(schema))
        keep_compiled(path)
        spec = importlib.util.spec_from_file_location(f"_tumorboard_{name}_{key[:20]}", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        validate: Callable[[Any], Any] = module.validate
        return validate
    except (OSError, ImportError, SyntaxError, AttributeError) as exc:
        log.info("the fast validator %s is generated in memory (%s)", name, exc)
        compiled: Callable[[Any], Any] = fastjsonschema.compile(schema)
        return compiled


def keep_compiled(source: Path) -> None:
    """Compile the kept source once into the place the import looks for it (``__pycache__``
    beside it); the import checks it against the source's size and time, as for any module.
    A compiled file that cannot be written only costs time: the import compiles the source."""
    try:
        compiled = importlib.util.cache_from_source(str(source))
    except NotImplementedError:  # an interpreter that keeps no compiled files
        return
    if os.path.isfile(compiled):
        return
    import py_compile

    try:
        py_compile.compile(str(source), cfile=compiled, doraise=True)
    except (OSError, py_compile.PyCompileError) as exc:
        log.info("the fast validator %s is compiled at each import (%s)", source.name, exc)


_NULLABLE_DATE = {"oneOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]}


def nullable_dates_as_one_type(node: Any, date: dict[str, Any]) -> Any:
    """The schema with each "a date or null" (``oneOf`` of the date and null) spelled as one
    type list with the date's pattern, which means the same: ``pattern`` constrains strings only,
    and a value is never both a string and null. The generated code tries every branch of a
    ``oneOf`` and builds an exception for each branch that fails, three per valid document (a
    third of its time); one type list raises nothing. Only for the fast validator: refusals are
    still explained from the schema as written."""
    if node == _NULLABLE_DATE and set(date) == {"type", "pattern"} and date["type"] == "string":
        return {"type": ["string", "null"], "pattern": date["pattern"]}
    if isinstance(node, dict):
        return {k: nullable_dates_as_one_type(v, date) for k, v in node.items()}
    if isinstance(node, list):
        return [nullable_dates_as_one_type(v, date) for v in node]
    return node
