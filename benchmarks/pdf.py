"""What a PDF costs: one briefing with and without --pdf, and a batch's printing per page.

    python benchmarks/pdf.py [--repeat 3] [--data FOLDER]

1. single: `briefing --platform WhatsApp --region Europe --lang de` from the shell, without and
   with `--pdf` (the browser starts while the notebook runs); medians of --repeat runs each.
2. batch: `briefing --all --lang de --workers 2`, then the same with `--pdf` into the same folder,
   so the second run prints every page and renders none; the time of the second run divided by
   the number of pages is what a PDF adds per briefing in a batch.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SINGLE_SECONDS = 1.0  # --pdf adds at most this to one briefing
GOAL_BATCH_SECONDS = 1.0  # and at most this per briefing in a batch
BIN = Path(sys.executable).parent
RUN_TIMEOUT = 1800  # seconds one command may take before the benchmark stops


def seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "briefing"), *argv], capture_output=True, check=True, timeout=RUN_TIMEOUT)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each single briefing; the median counts")
    parser.add_argument("--data", default=None, help="data folder (default: the project's)")
    args = parser.parse_args(argv)
    data = ["--data", args.data] if args.data else []
    one = ["--platform", "WhatsApp", "--region", "Europe", "--lang", "de", *data]
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as folder:
        out = ["--out", folder]
        without = statistics.median(seconds([*one, *out]) for _ in range(args.repeat))
        with_pdf = statistics.median(seconds([*one, *out, "--pdf"]) for _ in range(args.repeat))
    with tempfile.TemporaryDirectory(prefix="bench-pdf-batch-") as folder:
        batch = ["--all", "--lang", "de", "--workers", "2", "--out", folder, *data]
        rendering = seconds(batch)
        printing = seconds([*batch, "--pdf"])
        pages = len(list(Path(folder).glob("*.pdf")))
    single_cost, page_cost = with_pdf - without, printing / pages
    single_met, batch_met = single_cost <= GOAL_SINGLE_SECONDS, page_cost <= GOAL_BATCH_SECONDS
    print(f"one briefing        {without:.2f} s;  with --pdf {with_pdf:.2f} s: +{single_cost:.2f} s "
          f"(goal <= {GOAL_SINGLE_SECONDS:g} s: {'met' if single_met else 'NOT met'})")
    print(f"batch of {pages} pages  rendered in {rendering:.1f} s; printed in {printing:.1f} s: "
          f"+{page_cost:.2f} s per page (goal <= {GOAL_BATCH_SECONDS:g} s: {'met' if batch_met else 'NOT met'})")
    return 0 if single_met and batch_met else 1


if __name__ == "__main__":
    sys.exit(main())
