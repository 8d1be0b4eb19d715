"""The shared worked examples (../shared/examples/*.case.json + *.expected.json), in process and on the
command line, compared exactly as ../shared/tools/check_examples.py compares them: only the fields each
expected file lists; warnings as the set of the contract's codes; response_window on the listed keys."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from command_line import run_in_process
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
EXAMPLES = SHARED / "examples"
CHECKER = SHARED / "tools" / "check_examples.py"

CONTRACT_CODES = {
    "CHEMO_FIRST_LINE_HR_POSITIVE", "NO_MDT_DISCUSSION", "METASTASIS_NOT_BIOPSIED", "NO_PET_STAGING",
    "BMA_NOT_STARTED", "DENTAL_EVALUATION_PENDING", "ORTHOPAEDIC_EVALUATION", "ASSESSMENT_TOO_EARLY",
    "RESPONSE_ASSESSMENT_OVERDUE", "LATE_ASSESSMENT", "PROGRESSIVE_DISEASE", "NON_MEASURABLE_DISEASE",
    "PALLIATIVE_SURGERY_NOT_FEASIBLE", "VISCERAL_CRISIS", "NOT_OLIGOMETASTATIC", "OS_BENEFIT_UNPROVEN"}

needs_examples = pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"worked examples not found at {EXAMPLES}")


def expected_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.expected.json")) if EXAMPLES.is_dir() else []


def case_file(expected: Path) -> Path:
    return expected.with_name(expected.name.replace(".expected.json", ".case.json"))


def dig(doc: Any, path: str) -> Any:
    """check_examples.py's dig: a dotted path; 'a.b[].c' collects c from every item of list a.b."""
    head, _, rest = path.partition("[].")
    for key in head.split("."):
        if not isinstance(doc, dict) or key not in doc:
            return "<missing>"
        doc = doc[key]
    if rest:
        if doc is None:
            return None
        if not isinstance(doc, list):
            return "<not a list>"
        return [item.get(rest) if isinstance(item, dict) else "<bad item>" for item in doc]
    return doc


def differences(out: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    diffs = []
    for path, want in expected.items():
        if path.startswith("warnings"):
            got = sorted({w.get("code") for w in out.get("warnings", [])} & CONTRACT_CODES)
            if got != sorted(want):
                diffs.append(f"warnings: want {sorted(want)} got {got}")
            continue
        got = dig(out, path)
        if path == "response_window" and isinstance(got, dict):
            got = {k: got.get(k) for k in want}
        if got != want:
            diffs.append(f"{path}: want {want!r} got {got!r}")
    return diffs


def schema_errors(out: Any) -> list[str]:
    from tumorboard.recommend import output_schema

    return [e.message for e in Draft202012Validator(output_schema()).iter_errors(out)]


@needs_examples
def test_examples_exist_in_pairs() -> None:
    assert expected_files(), "no *.expected.json"
    for expected in expected_files():
        assert case_file(expected).is_file(), expected.name


@needs_examples
@pytest.mark.parametrize("expected", expected_files(), ids=lambda p: p.name.split(".")[0])
def test_example_in_process(expected: Path) -> None:
    from tumorboard.casedoc import validate_case_document
    from tumorboard.recommend import recommend_document

    spec = json.loads(expected.read_text(encoding="utf-8"))
    doc = json.loads(case_file(expected).read_text(encoding="utf-8"))
    assert validate_case_document(doc) == []
    out = recommend_document(doc, date.fromisoformat(spec["as_of"]))
    assert json.loads(json.dumps(out)) == out
    assert schema_errors(out) == []
    assert out["as_of"] == spec["as_of"]
    assert differences(out, spec["expected"]) == []


@needs_examples
@pytest.mark.parametrize("expected", expected_files(), ids=lambda p: p.name.split(".")[0])
def test_example_on_the_command_line(expected: Path) -> None:
    """The command's answer (tests/command_line.py: in this process; the batch below and the
    shared checker run real processes)."""
    spec = json.loads(expected.read_text(encoding="utf-8"))
    proc = run_in_process("recommend", str(case_file(expected)), "--as-of", spec["as_of"])
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert schema_errors(out) == []
    assert differences(out, spec["expected"]) == []


@needs_examples
def test_examples_as_one_batch_match_one_by_one() -> None:
    """All examples at one as-of in one call: JSON Lines in order, each line the single-file answer."""
    cases = [case_file(p) for p in expected_files()]
    as_of = "2025-06-10"
    proc = subprocess.run([sys.executable, "-m", "tumorboard", "recommend", *map(str, cases), "--as-of", as_of],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(cases)
    from tumorboard.recommend import recommend_document

    for line, case in zip(lines, cases, strict=True):
        doc = json.loads(case.read_text(encoding="utf-8"))
        assert json.loads(line) == recommend_document(doc, date.fromisoformat(as_of)), case.name


@needs_examples
def test_shared_checker_agrees() -> None:
    """The shared tool itself, pointed at this interpreter's tumorboard script when there is one."""
    exe = Path(sys.executable).with_name("tumorboard")
    if not exe.exists():
        found = shutil.which("tumorboard")
        if found is None:
            pytest.skip("no tumorboard script installed beside this interpreter")
        exe = Path(found)
    if not CHECKER.is_file():
        pytest.skip(f"{CHECKER} not found")
    proc = subprocess.run([sys.executable, str(CHECKER), str(exe)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@needs_examples
def test_v01_shows_its_primary_is_not_controlled() -> None:
    """Ruleset 1.1 on v01: the PR comes from the intact, untreated primary and the axillary node, so the
    metastasis-directed option falls outside NRG-BR002/SABR-COMET (contract additions, section 2)."""
    from tumorboard.recommend import recommend_document

    spec = json.loads((EXAMPLES / "v01.expected.json").read_text())
    out = recommend_document(json.loads((EXAMPLES / "v01.case.json").read_text()),
                             date.fromisoformat(spec["as_of"]))
    assert out["ruleset"]["version"] == "1.1.0"
    checklist = {c["id"]: c["met"] for c in out["metastasis_directed_therapy"]["eligibility"]}
    assert checklist["primary_controlled"] is False
    assert checklist["metastases_responding"] is None  # the targets' sites are not recorded in v01
    codes = {w["code"] for w in out["warnings"]}
    assert "PRIMARY_NOT_CONTROLLED" in codes
    assert codes & CONTRACT_CODES == set(spec["expected"]["warnings[].code (contract codes)"])
    # Telling the engine where v01's targets are makes the answer definite: not the metastases.
    sited = json.loads((EXAMPLES / "v01.case.json").read_text())
    for target, site in zip(sited["recist"]["targets"], ("primary", "regional_node"), strict=True):
        target["site"] = site
    out = recommend_document(sited, date.fromisoformat(spec["as_of"]))
    checklist = {c["id"]: c["met"] for c in out["metastasis_directed_therapy"]["eligibility"]}
    assert checklist["metastases_responding"] is False
    assert "RESPONSE_NOT_IN_METASTASES" in {w["code"] for w in out["warnings"]}
    assert differences(out, spec["expected"]) == []  # and every v1 field as expected
