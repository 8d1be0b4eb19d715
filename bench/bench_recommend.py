"""Benchmark of the recommendation module (run by hand; results go to bench/RESULTS.md).

    python bench/bench_recommend.py [--cases 10000] [--repeats 5]

Measures, each as the median of --repeats runs:
  1. in-process evaluation (engine only) of typical cases, cases per second on one core;
  2. document validation + parsing (jsonschema, JSON -> domain) separately;
  3. wall time of `tumorboard recommend` for one case, and for a batch of 1,000 case files.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tumorboard.casedoc import case_from_document, validate_case_document
from tumorboard.recommend import evaluate, recommendation_to_document

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT.parent / "shared" / "examples"
AS_OF = date(2025, 6, 10)


def typical_documents(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Variations of a typical oligometastatic case: lesion counts, biology, dates, assessments."""
    rng = random.Random(seed)
    base = json.loads((EXAMPLES / "v01.case.json").read_text()) if EXAMPLES.is_dir() else None
    if base is None:
        raise SystemExit("the worked examples are needed next to the project (../shared/examples)")
    organs = ["bone", "bone", "bone", "liver", "lung", "distant_lymph_node"]
    sites = ["vertebra", "femur", "rib", "pelvis", "sternum", "humerus", None]
    docs = []
    for i in range(n):
        doc = copy.deepcopy(base)
        doc["patient"]["mrn"] = f"BENCH-{i:06d}"
        doc["patient"]["birth_date"] = (date(1950, 1, 1) + timedelta(days=rng.randrange(15000))).isoformat()
        doc["tumour"]["er_percent"] = rng.choice([0, 0.5, 1, 10, 90])
        doc["tumour"]["her2_ihc"] = rng.choice(["0", "1+", "2+", "3+", None])
        lesions = []
        for _ in range(rng.randint(1, 7)):
            organ = rng.choice(organs)
            les: dict[str, Any] = {"organ": organ}
            if organ == "bone":
                les["bone_site"] = rng.choice(sites)
            lesions.append(les)
        doc["metastatic"]["lesions"] = lesions
        start = date(2024, 9, 1) + timedelta(days=rng.randrange(200))
        doc["therapies"][0]["start"] = start.isoformat()
        doc["recist"]["assessments"] = [
            {"date": (start + timedelta(days=60 * (k + 1))).isoformat(),
             "target_mm": [rng.randint(0, 40), rng.randint(0, 25)],
             "non_target": rng.choice(["non-CR/non-PD", "CR", "PD", "NE", "none"]),
             "new_lesions": rng.random() < 0.1}
            for k in range(rng.randint(0, 3))
        ]
        docs.append(doc)
    return docs


def _median_rate(fn: Any, count: int, repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    return count / med, med


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    docs = typical_documents(args.cases)
    cases = [case_from_document(d) for d in docs]
    evaluate(cases[0], AS_OF)  # load the ruleset once, as the app does

    def evaluate_each() -> None:
        # As the app and the CLI use it: evaluate a case, use the result, let it go.
        for c in cases:
            evaluate(c, AS_OF)

    rate, med = _median_rate(evaluate_each, len(cases), args.repeats)
    print(f"engine evaluate():            {rate:10.0f} cases/s  (median {med:.3f} s for {len(cases)})")
    # Keeping every result alive makes the cyclic GC rescan a growing heap: shown for honesty.
    rate, med = _median_rate(lambda: [evaluate(c, AS_OF) for c in cases], len(cases), args.repeats)
    print(f"  ... all results retained:   {rate:10.0f} cases/s  (median {med:.3f} s)")

    def document_each() -> None:
        for c in cases:
            recommendation_to_document(evaluate(c, AS_OF))

    rate, med = _median_rate(document_each, len(cases), args.repeats)
    print(f"evaluate + output document:   {rate:10.0f} cases/s  (median {med:.3f} s)")
    texts = [json.dumps(d) for d in docs]
    rate, med = _median_rate(lambda: [validate_case_document(json.loads(t)) for t in texts],
                             len(texts), args.repeats)
    print(f"JSON parse + validation:      {rate:10.0f} cases/s  (median {med:.3f} s)")
    rate, med = _median_rate(lambda: [case_from_document(d) for d in docs], len(docs), args.repeats)
    print(f"document -> domain:           {rate:10.0f} cases/s  (median {med:.3f} s)")

    exe = shutil.which("tumorboard") or str(Path(sys.executable).with_name("tumorboard"))
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.json"
        one.write_text(texts[0])
        walls = []
        for _ in range(max(args.repeats, 5)):
            t0 = time.perf_counter()
            subprocess.run([exe, "recommend", str(one), "--as-of", AS_OF.isoformat()],
                           check=True, capture_output=True)
            walls.append(time.perf_counter() - t0)
        print(f"CLI, one case:                {statistics.median(walls):10.3f} s wall (median)")
        files = []
        for i, t in enumerate(texts[:1000]):
            p = Path(tmp) / f"c{i:04d}.json"
            p.write_text(t)
            files.append(str(p))
        walls = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            subprocess.run([exe, "recommend", *files, "--as-of", AS_OF.isoformat()],
                           check=True, capture_output=True)
            walls.append(time.perf_counter() - t0)
        print(f"CLI, batch of {len(files)} cases:     {statistics.median(walls):10.3f} s wall (median)")


if __name__ == "__main__":
    main()
