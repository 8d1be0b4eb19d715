"""The recommendation module: guideline logic for oligometastatic breast cancer.

Pure and deterministic: no Qt, no database, no I/O beyond reading the shipped ruleset once.
It informs the MDT; it never decides for it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tumorboard.recommend.engine import case_facts, evaluate
from tumorboard.recommend.output import FORMAT, recommendation_to_document
from tumorboard.recommend.result import Recommendation
from tumorboard.recommend.ruleset import Ruleset, default_ruleset
from tumorboard.resources import load_json_resource

__all__ = [
    "FORMAT",
    "Recommendation",
    "Ruleset",
    "case_facts",
    "default_ruleset",
    "evaluate",
    "output_schema",
    "recommend_document",
    "recommendation_to_document",
]


def recommend_document(doc: dict[str, Any], as_of: date) -> dict[str, Any]:
    """Recommendation document for a case document that already passed validation."""
    from tumorboard.casedoc.codec import case_from_document

    return recommendation_to_document(evaluate(case_from_document(doc), as_of))


def output_schema() -> dict[str, Any]:
    """JSON Schema of the recommendation document this project writes."""
    schema: dict[str, Any] = load_json_resource("schemas", "recommendation-v1.schema.json")
    return schema
