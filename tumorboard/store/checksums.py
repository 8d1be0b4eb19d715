"""A SHA-256 checksum in every row that holds clinical content, checked whenever the row is read.

SQLite's page checks find a damaged page structure, not a flipped bit inside a text: "letrozole"
read back as "letrozola" passes ``integrity_check``. Each row of ``patients``, ``cases``, its child
tables (``lesions``, ``therapies``, ``recist_targets``, ``recist_assessments``,
``mdt_discussions``) and ``decisions`` therefore carries ``checksum``: the SHA-256 of its columns
(canonical JSON, each value spelled by its column type), written with the row and compared when
the store turns the row into what the app shows. A mismatch is a ``DamagedRecord`` naming the
record, never altered data on screen.

What is hashed: every column but ``id``, ``checksum`` and the bookkeeping that ``claim`` writes
(``version``, ``updated_at``, ``updated_by``); a child row's ``case_id`` and ``position`` are in
it, so a row moved to another case is caught too. A row removed whole is not (the audit trail and
``db verify`` are for that). A migration that adds a column to one of these tables must recompute
the checksums of the rows it changes (revision 0009 wrote the first ones).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, LargeBinary, event, select, update
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import set_committed_value

from tumorboard.store.audit_chain import utc_text
from tumorboard.store.errors import DamagedRecord
from tumorboard.store.models import (
    CaseRow,
    DecisionRow,
    LesionRow,
    MdtDiscussionRow,
    PatientRow,
    RecistAssessmentRow,
    RecistTargetRow,
    TherapyRow,
)

COLUMN = "checksum"
NOT_HASHED = frozenset({"id", COLUMN, "version", "updated_at", "updated_by"})
CHECKED_MODELS: tuple[type[Any], ...] = (PatientRow, CaseRow, LesionRow, TherapyRow, RecistTargetRow,
                                         RecistAssessmentRow, MdtDiscussionRow, DecisionRow)
CHECKED_TABLES = tuple(m.__tablename__ for m in CHECKED_MODELS)


def hashed_columns(columns: Iterable[Column[Any]]) -> list[Column[Any]]:
    return sorted((c for c in columns if c.name not in NOT_HASHED), key=lambda c: c.name)


# How each column's value is spelled in the hashed text, by its type.
_TEXT, _FLOAT, _INT, _BOOL, _DATETIME, _DATE, _BYTES = range(7)
Plan = tuple[str, tuple[tuple[str, int, Any], ...]]  # (header, ((name, kind, default), ...))


def _kind(column: Column[Any]) -> int:
    kind = column.type
    if isinstance(kind, Boolean):
        return _BOOL
    if isinstance(kind, Integer):
        return _INT
    if isinstance(kind, Float):
        return _FLOAT
    if isinstance(kind, DateTime):
        return _DATETIME
    if isinstance(kind, Date):
        return _DATE
    if isinstance(kind, LargeBinary):
        return _BYTES
    return _TEXT


def _default(column: Column[Any]) -> Any:
    default = column.default
    return getattr(default, "arg", None) if default is not None and default.is_scalar else None


def plan(table: str, columns: Iterable[Column[Any]]) -> Plan:
    hashed = hashed_columns(columns)
    header = f"{table}({','.join(c.name for c in hashed)})"
    return header, tuple((c.name, _kind(c), _default(c)) for c in hashed)


_PLANS: dict[str, Plan] = {}


def _model_plan(table: Any) -> Plan:
    found = _PLANS.get(table.name)
    if found is None:
        found = _PLANS[table.name] = plan(table.name, table.columns)
    return found


def _float(value: Any) -> str:
    return repr(float(value))  # the exact double, whatever spelling the driver gave


def _int(value: Any) -> str:
    return str(int(value))


def _bool(value: Any) -> str:
    return "1" if value else "0"


def _date(value: Any) -> str:
    return str(value.isoformat())


def _bytes(value: Any) -> str:
    return hashlib.sha256(bytes(value)).hexdigest()


# The spelling of a value of each kind (indexed by _TEXT, _FLOAT, ...): the one definition.
SPELLING: tuple[Callable[[Any], str], ...] = (str, _float, _int, _bool, utc_text, _date, _bytes)


def _spelled(kind: int, value: Any) -> str:
    return SPELLING[kind](value)


def _digest(steps: Plan, value: Callable[[str], Any]) -> str:
    """SHA-256 of the header and each value, length-prefixed ("~" for NULL): unambiguous.

    The definition, column by column; ``_compiled`` gives the same digest faster."""
    header, columns = steps
    parts = [header]
    for name, kind, default in columns:
        v = value(name)
        if v is None:
            v = default
        if v is None:
            parts.append("~")
        else:
            text = _spelled(kind, v)
            parts.append(f"{len(text)}:{text}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


Digest = Callable[[Callable[[str], Any]], str]
_COMPILED: dict[Plan, Digest] = {}


def _compiled(steps: Plan) -> Digest:
    """``_digest`` for one plan as a function with its columns written out, one statement each.

    Why: every row read is checked (a worklist page is 400 rows of up to 60 columns) and the
    loop's per-column work (unpacking the plan, the dispatch on the kind, the default test of
    columns that have none) was most of the cost. The generated text calls the same SPELLING
    functions in the same order, so the digest is the same string (tests compare the two on
    every kind, NULL and default)."""
    found = _COMPILED.get(steps)
    if found is not None:
        return found
    header, columns = steps
    scope: dict[str, Any] = {"_sha256": hashlib.sha256, "_header": header}
    lines = ["def digest(value):"]
    names = []
    for i, (name, kind, default) in enumerate(columns):
        scope[f"_s{i}"], scope[f"_d{i}"] = SPELLING[kind], default
        lines.append(f"    v = value({name!r})")
        if default is not None:
            lines.append(f"    if v is None: v = _d{i}")
        lines.append(f"    t{i} = '~' if v is None else f'{{len(t := _s{i}(v))}}:{{t}}'")
        names.append(f"t{i}")
    lines.append(f"    return _sha256('\\n'.join((_header, {', '.join(names)})).encode('utf-8')).hexdigest()")
    exec("\n".join(lines), scope)  # text made here from the models' own column names
    made: Digest = scope["digest"]
    _COMPILED[steps] = made
    return made


def checksum(table: str, columns: Iterable[Column[Any]], value: Callable[[str], Any]) -> str:
    """The SHA-256 of one row of ``table``: ``value(name)`` gives each column's value."""
    return _compiled(plan(table, columns))(value)


def of_values(model: type[Any], values: dict[str, Any]) -> str:
    """The checksum of a row about to be inserted from ``values`` (a bulk INSERT)."""
    return _compiled(_model_plan(model.__table__))(values.get)


def of_row(row: Any) -> str:
    loaded = row.__dict__  # the loaded values, without the ORM's attribute machinery

    def value(name: str) -> Any:
        return loaded[name] if name in loaded else getattr(row, name)

    return _compiled(_model_plan(row.__table__))(value)


def check(row: Any, what: str) -> None:
    """Refuse a row whose content is not what was written (DamagedRecord names ``what``)."""
    if row.checksum != of_row(row):
        _refuse(what)


def check_values(model: type[Any], values: Any, what: str) -> None:
    """``check`` for a row read as plain values (a Core result's mapping), not as an object."""
    if values[COLUMN] != _compiled(_model_plan(model.__table__))(values.get):
        _refuse(what)


def _refuse(what: str) -> NoReturn:
    raise DamagedRecord(f"the stored {what} does not match its checksum: the file was damaged (or "
                        "changed outside tumorboard); restore a backup (`tumorboard db restore "
                        "BACKUP`) and run `tumorboard db check`")


def after_claim(session: Session, model: type[Any], row_id: int, values: dict[str, Any]) -> None:
    """``claim`` changed a row with one UPDATE statement: give it its new checksum (only when a
    hashed column changed)."""
    if model not in CHECKED_MODELS or not set(values) - NOT_HASHED:
        return
    row = session.get(model, row_id)
    if row is None:
        return
    digest = of_row(row)
    session.connection().execute(update(model.__table__).where(model.__table__.c.id == row_id)
                                 .values(checksum=digest))
    set_committed_value(row, COLUMN, digest)


def _stamp(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    target.checksum = of_row(target)


for _model in CHECKED_MODELS:
    event.listen(_model, "before_insert", _stamp)
    event.listen(_model, "before_update", _stamp)


def damaged_rows(session: Session, limit: int = 20) -> list[str]:
    """Checked rows whose checksum does not match, at most ``limit`` (the daily check and ``db
    check``): reads every row of those tables once (plain rows, no ORM objects)."""
    out: list[str] = []
    for model in CHECKED_MODELS:
        table = model.__table__
        digest = _compiled(_model_plan(table))
        result = session.execute(select(table).execution_options(yield_per=5000))
        for row in result.mappings():
            if row[COLUMN] != digest(row.__getitem__):
                out.append(f"{table.name} row id {row['id']}")
                if len(out) >= limit:
                    return out
    return out
    return out
