"""How long a fresh clone takes to reach its first test: with uv (the default) and with pip only.

    python benchmarks/setup.py [--repeat 1]

Each way clones this repository into a new temporary folder, runs `make` for the installed
environment (`.venv/.installed`: the virtual environment with the pinned dependencies), then
lets pytest collect the suite; the time to the end of collection is when the first test starts.
The two ways run one after the other on the same machine; --repeat runs each several times and
the median counts.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 60
ROOT = Path(__file__).resolve().parents[1]
STEP_TIMEOUT = 900  # seconds a step may take before the benchmark stops


def to_first_test(use_uv: bool) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=STEP_TIMEOUT)
        start = time.perf_counter()
        subprocess.run(["make", f"USE_UV={int(use_uv)}", ".venv/.installed"], cwd=clone, check=True,
                       capture_output=True, timeout=STEP_TIMEOUT)
        subprocess.run([".venv/bin/python", "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                       cwd=clone, check=True, capture_output=True, timeout=STEP_TIMEOUT)
        return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each way; the median counts")
    args = parser.parse_args(argv)
    pip = statistics.median(to_first_test(False) for _ in range(args.repeat))
    uv = statistics.median(to_first_test(True) for _ in range(args.repeat))
    met = uv < GOAL_SECONDS
    print(f"pip only  {pip:.1f} s to the first test")
    print(f"uv        {uv:.1f} s to the first test = {pip / uv:.1f} x faster "
          f"(goal < {GOAL_SECONDS} s: {'met' if met else 'NOT met'})")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
