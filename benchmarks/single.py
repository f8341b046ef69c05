"""One briefing from the shell: `briefing` against `papermill` then `jupyter nbconvert --no-input`.

    python benchmarks/single.py [--repeat 5] [--data FOLDER]

Both ways render `--platform Messenger --region Asia-Pacific --as-of 2017-07-11` to HTML, each
a new process from the shell, taking turns so a noisy neighbour slows both alike. The figures are
the medians of --repeat runs (default 5) of each way, and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.briefing import run

GOAL_RATIO = 2.0  # `briefing` at least this many times faster than the shell
BIN = Path(sys.executable).parent
RUN_TIMEOUT = 600  # seconds one command may take before the benchmark stops
VALUES = {"platform": "Messenger", "region": "Asia-Pacific", "as_of": "2017-07-11"}


def seconds(commands: list[list[str]]) -> float:
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    for argv in commands:
        subprocess.run(argv, capture_output=True, check=True, timeout=RUN_TIMEOUT, env=environment)
    return time.perf_counter() - start


def shell(out: Path, data: str | None) -> list[list[str]]:
    executed = str(out / "shell.ipynb")
    parameters = [part for name, value in {**VALUES, "data": data}.items() if value is not None
                  for part in ("-p", name, value)]
    return [["papermill", str(run.TEMPLATE), executed, "-k", "python3", "--cwd", str(run.TEMPLATE.parent),
             "--no-progress-bar", *parameters],
            ["jupyter", "nbconvert", "--to", "html", "--no-input", executed]]


def briefing(out: Path, data: str | None) -> list[list[str]]:
    options = [part for name, value in VALUES.items() for part in (f"--{name.replace('_', '-')}", value)]
    return [[str(BIN / "briefing"), *options, "--out", str(out), *(["--data", data] if data else [])]]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each way; the medians count")
    parser.add_argument("--data", default=None, help="data folder (default: the project's)")
    args = parser.parse_args(argv)
    times = {"shell": [], "briefing": []}
    with tempfile.TemporaryDirectory(prefix="bench-single-") as folder:
        out = Path(folder)
        for _ in range(args.repeat):
            times["shell"].append(seconds(shell(out, args.data)))
            times["briefing"].append(seconds(briefing(out, args.data)))
        pages = sorted(page.name for page in out.glob("*.html"))
    if pages != sorted(["shell.html", run.output_name({**VALUES, "lang": "en"})]):
        sys.exit(f"expected one page from each way, found {pages}")
    shell_median, briefing_median = (statistics.median(times[way]) for way in ("shell", "briefing"))
    ratio = shell_median / briefing_median
    met = ratio >= GOAL_RATIO
    for way, values in times.items():
        print(f"{way:<9} median {statistics.median(values):.2f} s  (runs: "
              f"{', '.join(f'{value:.2f}' for value in values)})")
    print(f"briefing is {ratio:.2f} x faster than papermill + nbconvert "
          f"(goal >= {GOAL_RATIO:g}: {'met' if met else 'NOT met'})")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
