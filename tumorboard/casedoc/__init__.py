"""The case document, version 1 (``tumorboard.case/1``): validation, reading and writing.

It is the interchange format for import, export and the recommendation command.
"""

from tumorboard.casedoc.codec import case_from_document, case_to_document
from tumorboard.casedoc.validate import (
    DocumentProblem,
    InvalidCaseDocument,
    load_case_document,
    parse_case_text,
    validate_case_document,
)

FORMAT = "tumorboard.case/1"

__all__ = [
    "FORMAT",
    "DocumentProblem",
    "InvalidCaseDocument",
    "case_from_document",
    "case_to_document",
    "load_case_document",
    "parse_case_text",
    "validate_case_document",
]
