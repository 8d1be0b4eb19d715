"""Benchmark of the PDF minutes (run by hand; results go to bench/RESULTS.md).

    python bench/bench_minutes.py [--cases 40] [--repeats 5] [--distinct]
    python bench/bench_minutes.py --render-only N | --floor-only N   (whole-process timing)

Builds a meeting of --cases discussed cases from the shared worked examples (plus two listed and
two carried over, as tests/unit/reports/minutes_samples.py does), then renders it --repeats times
and prints the median wall and CPU time and the PDF size. The first render in a process also
registers and parses the fonts; it is reported apart ("cold") and not part of the median.

Beside each render, in turn, its floor: a plain ReportLab document of the same text (every
paragraph's and every table cell's text of the minutes, in order, one Paragraph each in the same
embedded font, one frame, no tables, no drawings), and the signing of the rendered PDF (PAdES,
the chair's key already unlocked: the password's key derivation is deliberately slow and is not
the document's). Ratios are taken pair by pair. The render holds the cycle collector back until
the PDF is built (tumorboard.collection_pause); the floor is timed as plain ReportLab runs it,
and again with the same pause ("floor, paused"), so that both comparisons are in the output.

The sample repeats the five worked examples, so each case's texts come back every fifth case; a
real meeting repeats its headings, labels and the ruleset's criteria, not each case's details.
``--distinct`` makes every discussed case's own texts its own (the question, the decision, the
patient's preferences, and every detail, warning and counselling text of its recommendation get
the case's number), so that what is measured is not helped by the sample's repeats.

``--render-only N`` builds the sample and renders it N times, the first with the fonts, and prints
nothing else; ``--floor-only N`` builds the same sample and its floor document N times: the two as
whole processes, timed from outside (``/usr/bin/time``), compare the render with its floor, or one
version of the code with another, start-up and the sample's engine runs included.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "reports"))

from minutes_samples import examples_available, sample_minutes  # noqa: E402  (path set just above)
from pypdf import PdfReader  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table  # noqa: E402

from tumorboard.collection_pause import collection_after_batch  # noqa: E402
from tumorboard.reports import render_minutes  # noqa: E402
from tumorboard.reports.minutes_pdf import minutes_flowables  # noqa: E402
from tumorboard.reports.redaction import redact  # noqa: E402
from tumorboard.reports.styles import styles  # noqa: E402


def _texts(flowables: list[Any]) -> Iterator[str]:
    """Every text the flowables print, in order (markup kept: bold stays bold in the floor)."""
    for f in flowables:
        if isinstance(f, Paragraph):
            yield f.text
        elif isinstance(f, Table):
            for row in f._cellvalues:
                for cell in row:
                    if isinstance(cell, str):
                        yield cell
                    elif isinstance(cell, Flowable):
                        yield from _texts([cell])
                    elif isinstance(cell, list | tuple):
                        yield from _texts(list(cell))
        elif hasattr(f, "_content"):  # KeepTogether and the like
            yield from _texts(list(f._content))
        elif hasattr(f, "_flowables"):
            yield from _texts(list(f._flowables))


def _numbered(value: Any, n: int) -> Any:
    """The recommendation document with its case-specific texts marked as case ``n``'s."""
    if isinstance(value, dict):
        return {k: (f"{v} (case {n})" if k in ("detail", "message", "text") and isinstance(v, str) and v
                    else _numbered(v, n)) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbered(v, n) for v in value]
    return value


def distinct(minutes: Any) -> Any:
    """Every discussed case's own texts made its own (see ``--distinct``)."""
    cases = []
    for c in minutes.cases:
        if c.discussed:
            n = c.position
            d = c.decision and replace(c.decision, text=f"{c.decision.text} (case {n})",
                                       patient_preferences=_numbered({"text": c.decision.patient_preferences},
                                                                     n)["text"])
            c = replace(c, question=_numbered({"text": c.question}, n)["text"], decision=d,
                        recommendation=_numbered(c.recommendation, n))
        cases.append(c)
    return replace(minutes, cases=tuple(cases))


def plain_document(texts: list[str]) -> bytes:
    out = io.BytesIO()
    body = styles().body
    SimpleDocTemplate(out, pagesize=A4, invariant=1, pageCompression=1).build(
        [Paragraph(t, body) for t in texts if t.strip()])
    return out.getvalue()


def plain_document_paused(texts: list[str]) -> bytes:
    with collection_after_batch():
        return plain_document(texts)


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _signer() -> Callable[[bytes], bytes]:
    from tumorboard.signing.keys import create_key, unlock
    from tumorboard.signing.pades import sign_pdf

    key = create_key("Dr. Chair", "chair", "bench-password", datetime.now(UTC))
    der = unlock(key, "bench-password")
    return lambda pdf: sign_pdf(pdf, certificate_pem=key.certificate_pem, private_key_der=der,
                                signer_name="Dr. Chair", reason="MDT minutes signed by the chair")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--distinct", action="store_true", help="no case's own texts repeated (see above)")
    parser.add_argument("--render-only", type=int, metavar="N", help="render N times, nothing else")
    parser.add_argument("--floor-only", type=int, metavar="N", help="make the floor document N times")
    args = parser.parse_args()
    if not examples_available():
        raise SystemExit("the worked examples are needed next to the project (../shared/examples)")

    minutes = sample_minutes(args.cases, pseudonymised=True)
    if args.distinct:
        minutes = distinct(minutes)
    if args.render_only:
        for _ in range(args.render_only):
            render_minutes(minutes)
        return
    texts = list(_texts(minutes_flowables(redact(minutes))))
    if args.floor_only:
        for _ in range(args.floor_only):
            plain_document(texts)
        return
    cold, _, pdf = _timed(lambda: render_minutes(minutes))
    plain_document(texts)  # warm, as the render was
    sign = _signer()
    sign(pdf)
    rows: dict[str, list[float]] = {k: [] for k in ("wall", "cpu", "floor_wall", "floor_cpu",
                                                      "sign_wall", "sign_cpu", "paused_wall", "paused_cpu")}
    for _ in range(args.repeats):
        wall, cpu, again = _timed(lambda: render_minutes(minutes))
        assert again == pdf, "rendering is not deterministic"
        floor_wall, floor_cpu, _ = _timed(lambda: plain_document(texts))
        sign_wall, sign_cpu, _ = _timed(lambda: sign(pdf))
        paused_wall, paused_cpu, _ = _timed(lambda: plain_document_paused(texts))
        taken = (wall, cpu, floor_wall, floor_cpu, sign_wall, sign_cpu, paused_wall, paused_cpu)
        for k, v in zip(rows, taken, strict=True):
            rows[k].append(v)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    floor_pages = len(PdfReader(io.BytesIO(plain_document(texts))).pages)
    med = {k: statistics.median(v) for k, v in rows.items()}
    ratio = statistics.median(a / b for a, b in zip(rows["cpu"], rows["floor_cpu"], strict=True))
    kind = ", distinct texts" if args.distinct else ""
    print(f"{args.cases} discussed cases (+2 listed, +2 carried over){kind}: {pages} pages, "
          f"{len(pdf) / 1024:.0f} KiB ({len(pdf)} bytes); {len(texts)} texts")
    print(f"render_minutes median of {args.repeats}: {med['wall']:.3f} s wall, {med['cpu']:.3f} s CPU "
          f"(wall runs {' / '.join(f'{t:.3f}' for t in rows['wall'])}; cold first render {cold:.3f} s)")
    print(f"floor, a plain document of the same text ({floor_pages} pages): {med['floor_wall']:.3f} s wall, "
          f"{med['floor_cpu']:.3f} s CPU; render/floor CPU, median of pairs: {ratio:.2f}x")
    paused = statistics.median(a / b for a, b in zip(rows["cpu"], rows["paused_cpu"], strict=True))
    print(f"floor, paused as the render is: {med['paused_wall']:.3f} s wall, {med['paused_cpu']:.3f} s CPU; "
          f"render/paused floor CPU, median of pairs: {paused:.2f}x")
    print(f"signing the rendered PDF: {med['sign_wall']:.3f} s wall, {med['sign_cpu']:.3f} s CPU")


if __name__ == "__main__":
    main()
