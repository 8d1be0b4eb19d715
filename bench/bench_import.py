"""The case files an import benchmark reads (run by hand; results go to bench/RESULTS.md).

    python bench/bench_import.py files DIR --cases 5000

writes DIR/case000000.json ... as a user would hand them to `tumorboard import DIR/*.json`: the
documents of ``bench_scale.py`` (typical cases under new record numbers and names), indented
as people save them. ``python bench/bench_scale.py floor-import DB --files DIR`` is their floor.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import _documents


def write_files(folder: Path, cases: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, cases, 2000):  # a batch at a time: memory stays flat
        for i, doc in enumerate(_documents(start, min(2000, cases - start)), start):
            (folder / f"case{i:06d}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                                                     encoding="utf-8")
    print(f"wrote {cases:,} case files to {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["files"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cases", type=int, default=5000)
    args = parser.parse_args()
    write_files(args.folder, args.cases)


if __name__ == "__main__":
    main()
