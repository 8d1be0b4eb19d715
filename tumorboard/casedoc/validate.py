"""Check a case document against the v1 schema and the cross-field rules the schema cannot express.

Every problem carries a JSON pointer and a sentence, so the CLI can print
``error: FILE: /tumour/er_percent: 140 is greater than the maximum of 100`` and the GUI can mark
the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from tumorboard.domain.dates import parse_iso_date
from tumorboard.resources import load_json_resource


@dataclass(frozen=True, slots=True)
class DocumentProblem:
    """One reason a case document is refused: where (a JSON pointer) and what."""

    pointer: str  # JSON pointer, "" for the whole document
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


class InvalidCaseDocument(ValueError):
    """A case document that was refused; ``problems`` says every reason found."""

    def __init__(self, problems: list[DocumentProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@cache
def _validator() -> Any:
    # Imported lazily: jsonschema is the slowest import on the `recommend` path.
    from jsonschema import Draft202012Validator

    schema = load_json_resource("schemas", "case-v1.schema.json")
    return Draft202012Validator(schema)


def prepare_validators() -> None:
    """Load the fast validator now so that the first case opened or imported does not pay for
    it; the app calls this while the window is being shown. The reference validator (jsonschema,
    the slowest import) is loaded only when a document is refused, to explain why."""
    _fast_check()


@cache
def _fast_check() -> Any:
    """A compiled validator for the common case of a valid document (about 10x faster).

    The case schema uses only keywords whose meaning is the same in draft 7 and 2020-12, so it
    is compiled as draft 7; a test checks both validators agree. Refusals are always explained
    by the reference validator (jsonschema), which reports every problem with its path.
    """
    from tumorboard.casedoc.fast_check import load_validator, nullable_dates_as_one_type

    schema = load_json_resource("schemas", "case-v1.schema.json")
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema.pop("$id", None)
    return load_validator(nullable_dates_as_one_type(schema, schema["$defs"]["date"]), "case_v1_check")


def _schema_problems(doc: Any) -> list[DocumentProblem]:
    import fastjsonschema

    try:
        _fast_check()(doc)
        return []
    except fastjsonschema.JsonSchemaException as fast_error:
        problems = [DocumentProblem(_pointer(err.absolute_path), _describe(err))
                    for err in _validator().iter_errors(doc)]
        if not problems:  # the two disagree: refuse rather than let a doubtful document in
            problems = [DocumentProblem("", str(fast_error))]
    problems.sort(key=lambda p: (p.pointer, p.message))
    return problems


def _describe(err: Any) -> str:
    message: str = err.message
    if err.validator == "pattern" and err.absolute_path and err.absolute_path[-1] != "mrn":
        # Only dates use patterns besides the MRN: say what is wanted, not the regex.
        return f"{err.instance!r} is not a date in the form YYYY-MM-DD"
    if err.validator == "pattern":
        return (f"{err.instance!r} is not a valid record number (letters, digits and '-', "
                "starting with a letter or digit, at most 32 characters)")
    if err.validator == "oneOf" and isinstance(err.instance, str):
        return f"{err.instance!r} is not a date in the form YYYY-MM-DD"
    if len(message) > 300:
        message = message[:297] + "..."
    return message


def _date_at(doc: Any, parts: tuple[Any, ...], problems: list[DocumentProblem]) -> Any:
    """The date at ``parts`` if present and real; records a problem for impossible dates."""
    node = doc
    for p in parts:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            return None
    if not isinstance(node, str):
        return None
    try:
        return parse_iso_date(node)
    except ValueError as exc:
        problems.append(DocumentProblem(_pointer(parts), str(exc)))
        return False


def _list(node: Any, key: str) -> list[Any]:
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, list) else []


NUL_MESSAGE = "contains a NUL character (\\0), which cannot be stored; remove it"


def _nul_problems(node: Any, parts: tuple[Any, ...], problems: list[DocumentProblem]) -> None:
    """PostgreSQL cannot store a NUL character in text or JSON: refuse it on every database alike,
    naming the field, instead of letting the database fail the save with its own message."""
    if isinstance(node, str):
        if "\x00" in node:
            problems.append(DocumentProblem(_pointer(parts), NUL_MESSAGE))
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and "\x00" in key:
                key = key.replace("\x00", "\\0")  # shown, never printed raw to a terminal
                problems.append(DocumentProblem(_pointer((*parts, key)), "the field name " + NUL_MESSAGE))
            _nul_problems(value, (*parts, key), problems)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _nul_problems(value, (*parts, i), problems)


def _cross_field_problems(doc: Any, *, nul_free: bool = False) -> list[DocumentProblem]:
    """Rules the schema cannot express. Defensive about shapes: it also runs on documents the
    schema refused, so that every problem is reported at once. ``nul_free``: the caller read the
    document's JSON text and it holds no NUL escape, so no value can hold one (``_may_hold_nul``)."""
    problems: list[DocumentProblem] = []
    if not nul_free:
        _nul_problems(doc, (), problems)
    if not isinstance(doc, dict):
        return problems
    d = _date_at
    d(doc, ("patient", "birth_date"), problems)
    d(doc, ("tumour", "diagnosis_date"), problems)
    d(doc, ("metastatic", "diagnosis_date"), problems)
    d(doc, ("metastatic", "current_state_date"), problems)
    d(doc, ("dental_evaluation_date",), problems)
    metastatic = doc.get("metastatic")
    lesions = _list(metastatic, "lesions")
    for i in range(len(lesions)):
        d(doc, ("metastatic", "lesions", i, "detected"), problems)
    if lesions and isinstance(metastatic, dict) and "diagnosis_date" not in metastatic:
        problems.append(DocumentProblem(
            "/metastatic/diagnosis_date",
            "is required when metastatic lesions are listed (date of metastatic diagnosis)"))
    for i, therapy in enumerate(_list(doc, "therapies")):
        start = d(doc, ("therapies", i, "start"), problems)
        end = d(doc, ("therapies", i, "end"), problems)
        if start and end and end < start:
            problems.append(DocumentProblem(
                _pointer(("therapies", i, "end")),
                f"{therapy['end']} is before the start date {therapy['start']}"))
    for i in range(len(_list(doc, "mdt_discussions"))):
        d(doc, ("mdt_discussions", i), problems)
    recist = doc.get("recist")
    if isinstance(recist, dict):
        d(doc, ("recist", "baseline_date"), problems)
        n_targets = len(_list(recist, "targets"))
        for i, assessment in enumerate(_list(recist, "assessments")):
            d(doc, ("recist", "assessments", i, "date"), problems)
            values = _list(assessment, "target_mm")
            if isinstance(assessment, dict) and isinstance(assessment.get("target_mm"), list) \
                    and len(values) != n_targets:
                got = len(values)
                problems.append(DocumentProblem(
                    _pointer(("recist", "assessments", i, "target_mm")),
                    f"has {got} value{'s' if got != 1 else ''} but the baseline has "
                    f"{n_targets} target{'s' if n_targets != 1 else ''} (one value per target, "
                    "same order; null for a target not evaluated)"))
    return problems


def validate_case_document(doc: Any, *, nul_free: bool = False) -> list[DocumentProblem]:
    """All problems with ``doc``; an empty list means it is a valid case document."""
    problems = _schema_problems(doc)
    seen = {(p.pointer, p.message) for p in problems}
    problems.extend(p for p in _cross_field_problems(doc, nul_free=nul_free)
                    if (p.pointer, p.message) not in seen)
    return problems


def _may_hold_nul(text: str) -> bool:
    """Whether JSON ``text`` can decode to a NUL character anywhere. The decoder refuses a raw
    control character inside a string (and outside one it is no JSON), so a NUL can only come
    from the escape ``\\u0000``; a text without it needs no walk over every value. (A false
    alarm, such as an escaped backslash before "u0000", only costs the walk.)"""
    return "\\u0000" in text


class _NonFiniteNumber(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity, which would slip past every range check.
    raise _NonFiniteNumber(name)


# No value of a case document needs more digits than this; longer numbers are refused by field
# (Python's own limit, 4,300 digits, would otherwise surface as an internal error).
MAX_NUMBER_DIGITS = 30


class _DuplicateKeys(dict[str, Any]):
    """An object of the document whose text gave a key twice (JSON allows it; a case must not:
    the last one would silently win, "m": "M1", "m": "M0" staged as M0)."""

    duplicates: list[str]


class _LongNumber:
    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("-").split(".")[0].split("e")[0].split("E")[0])


def _pairs(pairs: list[tuple[str, Any]], found: list[str]) -> dict[str, Any]:
    seen = dict(pairs)
    if len(seen) == len(pairs):  # no key given twice: the common case, at C speed
        return seen
    seen = {}
    duplicates = []
    for key, value in pairs:
        if key in seen and key not in duplicates:
            duplicates.append(key)
        seen[key] = value
    marked = _DuplicateKeys(seen)
    marked.duplicates = duplicates
    found.append("duplicate key")
    return marked


def _number(text: str, found: list[str]) -> Any:
    if len(text) > MAX_NUMBER_DIGITS:
        found.append("long number")
        return _LongNumber(text)
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _decoding_problems(value: Any, path: tuple[str | int, ...] = ()) -> list[DocumentProblem]:
    """Duplicate keys and over-long numbers, each at its JSON path."""
    out: list[DocumentProblem] = []
    if isinstance(value, _LongNumber):
        out.append(DocumentProblem(_pointer(path), f"a number of {value.digits:,} digits; no value of a "
                                   f"case document has more than {MAX_NUMBER_DIGITS}"))
    elif isinstance(value, dict):
        for key in getattr(value, "duplicates", []):
            out.append(DocumentProblem(_pointer((*path, key)), "the key appears more than once in this "
                                       "object; give it once (which value is meant cannot be guessed)"))
        for key, item in value.items():
            out.extend(_decoding_problems(item, (*path, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(_decoding_problems(item, (*path, i)))
    return out


def parse_case_text(text: str) -> dict[str, Any]:
    """Parse JSON text and validate it; raises InvalidCaseDocument with every problem."""
    if not text.strip():
        raise InvalidCaseDocument([DocumentProblem("", "the file is empty")])
    # What the decoder met that _decoding_problems must place: a document without any (nearly
    # all) is not walked again.
    found: list[str] = []
    number, pairs = partial(_number, found=found), partial(_pairs, found=found)
    try:
        doc = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=pairs,
                         parse_int=number, parse_float=number)
    except _NonFiniteNumber as exc:
        raise InvalidCaseDocument([DocumentProblem(
            "", f"not valid JSON: {exc} is not a number JSON allows")]) from None
    except RecursionError:
        raise InvalidCaseDocument([DocumentProblem(
            "", "not a case document: the JSON is nested far too deeply")]) from None
    except json.JSONDecodeError as exc:
        raise InvalidCaseDocument([DocumentProblem(
            "", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")]) from None
    decoding = _decoding_problems(doc) if found else []
    if decoding:
        raise InvalidCaseDocument(decoding)
    prefix = ""
    if isinstance(doc, dict) and doc.get("format") == CASE_EXPORT_FORMAT:
        # A case exported with its history: the case is inside; the history is for reading only
        # (an import never rewrites history, it starts its own).
        if not isinstance(doc.get("case"), dict):
            raise InvalidCaseDocument([DocumentProblem("/case", "an export with history holds the case "
                                                                "document under \"case\"")])
        doc, prefix = doc["case"], "/case"
    problems = validate_case_document(doc, nul_free=not _may_hold_nul(text))
    if problems:
        raise InvalidCaseDocument([DocumentProblem(prefix + p.pointer, p.message) for p in problems])
    result: dict[str, Any] = doc
    return result


# A case document wrapped with its audit history (``tumorboard export --with-history``).
CASE_EXPORT_FORMAT = "tumorboard.case-export/1"


def load_case_document(data: bytes) -> dict[str, Any]:
    """Decode UTF-8 bytes (a file's content) and validate them as a case document."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidCaseDocument([DocumentProblem(
            "", f"not UTF-8 text (byte {exc.start}); a case document is JSON in UTF-8")]) from None
    return parse_case_text(text)
