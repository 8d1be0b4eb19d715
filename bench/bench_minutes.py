"""Benchmark of the PDF minutes (run by hand; results go to bench/RESULTS.md).

    python bench/bench_minutes.py [--cases 40] [--repeats 5]

Builds a meeting of --cases discussed cases from the shared worked examples (plus two listed and
two carried over, as tests/unit/reports/minutes_samples.py does), then renders it --repeats times
and prints the median wall time and the PDF size. The first render in a process also registers
and parses the fonts; it is reported apart ("cold") and not part of the median.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "reports"))

from minutes_samples import examples_available, sample_minutes  # noqa: E402  (path set just above)
from pypdf import PdfReader  # noqa: E402

from tumorboard.reports import render_minutes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not examples_available():
        raise SystemExit("the worked examples are needed next to the project (../shared/examples)")

    minutes = sample_minutes(args.cases, pseudonymised=True)
    start = time.perf_counter()
    pdf = render_minutes(minutes)
    cold = time.perf_counter() - start
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        again = render_minutes(minutes)
        times.append(time.perf_counter() - start)
        assert again == pdf, "rendering is not deterministic"
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"{args.cases} discussed cases (+2 listed, +2 carried over): {pages} pages, "
          f"{len(pdf) / 1024:.0f} KiB ({len(pdf)} bytes)")
    print(f"render_minutes median of {args.repeats}: {statistics.median(times):.3f} s "
          f"(runs {' / '.join(f'{t:.3f}' for t in times)}; cold first render {cold:.3f} s)")


if __name__ == "__main__":
    main()
