"""FHIR export tests: the generated case documents of the recommendation properties are reused."""

import sys
from pathlib import Path

RECOMMEND_TESTS = Path(__file__).resolve().parents[1] / "recommend"
if str(RECOMMEND_TESTS) not in sys.path:
    sys.path.insert(0, str(RECOMMEND_TESTS))
