"""Cold start: `import massage_evidence; massage_evidence.load()` next to `import pandas, plotly`.

Each measurement is a fresh Python process; the two are interleaved, run after run, so that both
see the same machine load. Prints the medians and their ratio (goal: at most 1.3).
The library's load reads the tables of validated evidence back from its cache when the evidence
files, the texts and the package are unchanged; the "first load" line shows the cost of a load
that reads the YAML and validates (a fresh cache each run).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
BASELINE = "import pandas, plotly"
LIBRARY = "import massage_evidence; massage_evidence.load()"


def timed(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        warm_env = {**os.environ, "MASSAGE_EVIDENCE_CACHE": cache}
        timed(LIBRARY, warm_env)  # leave a validation receipt, as any earlier load would
        baseline, library, first = [], [], []
        for run in range(RUNS):
            baseline.append(timed(BASELINE, os.environ.copy()))
            library.append(timed(LIBRARY, warm_env))
            fresh_env = {**os.environ, "MASSAGE_EVIDENCE_CACHE": os.path.join(cache, f"fresh{run}")}
            first.append(timed(LIBRARY, fresh_env))
    b, lib, f = (statistics.median(x) for x in (baseline, library, first))
    print(f"runs: {RUNS} of each, interleaved, medians of fresh processes")
    print(f"import pandas, plotly:                     {b:.3f} s")
    print(f"import massage_evidence; load():          {lib:.3f} s")
    print(f"same, first load (validates with pandera): {f:.3f} s")
    print(f"ratio: {lib / b:.2f} (goal <= 1.3); first load {f / b:.2f}")


if __name__ == "__main__":
    main()
