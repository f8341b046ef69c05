"""The whole briefing grid rendered three ways, in one run, on the same grid and machine.

    python benchmarks/batch.py [--workers N] [--data FOLDER] [--repeat N]

1. shell loop: for each briefing, `papermill` then `jupyter nbconvert --to html --no-input`,
   one after another (the usual way);
2. pool: `papermill.execute_notebook` then nbconvert's `HTMLExporter` in a pool of worker
   processes, a fresh kernel for each briefing;
3. `briefing --all --force`: a warm kernel per worker.

Every way must write one HTML page per briefing of the grid. The figures are wall-clock
seconds and the ratios of the first two to the third. The first two run once: each is already
minutes of work over the whole grid. `briefing --all` takes seconds, so a single run is at the
mercy of a noisy neighbour; it runs --repeat times (default 3) and its median counts.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import analysis
from analysis.briefing import batch, run

GOAL_SHELL_RATIO = 20
GOAL_POOL_RATIO = 3
BIN = Path(sys.executable).parent


def stem(values: dict) -> str:
    return run.output_name(values).removesuffix(".html")


WAY_TIMEOUT = 3600  # seconds one way may take for the whole grid before the benchmark stops


def shell_loop(grid: list[dict], out: Path, data, workers: int) -> None:
    """One `papermill` and one `jupyter nbconvert` command per briefing, from a shell script."""
    lines = ["set -e"]
    for values in grid:
        executed = shlex.quote(str(out / f"{stem(values)}.ipynb"))
        parameters = [f"-p {name} {shlex.quote(str(value))}"
                      for name, value in {**values, "data": data}.items() if value is not None]
        lines.append(f"papermill {shlex.quote(str(run.TEMPLATE))} {executed} -k python3 "
                     f"--cwd {shlex.quote(str(run.TEMPLATE.parent))} --no-progress-bar "
                     f"--execution-timeout {run.TIMEOUT} --start-timeout {run.START_TIMEOUT} "
                     + " ".join(parameters))
        lines.append(f"jupyter nbconvert --to html --no-input {executed}")
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(["bash", "-c", "\n".join(lines)], env=environment, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=WAY_TIMEOUT)


def papermill_then_nbconvert(values: dict, out: Path, data) -> None:
    """One briefing the in-process way: papermill with a new kernel, then HTMLExporter."""
    import papermill
    from nbconvert import HTMLExporter

    notebook = papermill.execute_notebook(
        str(run.TEMPLATE), str(out / f"{stem(values)}.ipynb"), parameters={**values, "data": data},
        kernel_name="python3", progress_bar=False, cwd=str(run.TEMPLATE.parent),
        execution_timeout=run.TIMEOUT, start_timeout=run.START_TIMEOUT)
    html, _ = HTMLExporter(exclude_input=True).from_notebook_node(notebook)
    (out / f"{stem(values)}.html").write_text(html, encoding="utf-8")


def quiet() -> None:
    """Send a pool worker's stderr (and its kernels') to /dev/null, as the other ways do."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)


def pool(grid: list[dict], out: Path, data, workers: int) -> None:
    with ProcessPoolExecutor(max_workers=workers, initializer=quiet) as executor:
        for future in [executor.submit(papermill_then_nbconvert, values, out, data) for values in grid]:
            future.result(timeout=WAY_TIMEOUT)


def briefing_all(grid: list[dict], out: Path, data, workers: int) -> None:
    argv = [str(BIN / "briefing"), "--all", "--force", "--out", str(out), "--workers", str(workers)]
    subprocess.run(argv + (["--data", str(data)] if data else []), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=WAY_TIMEOUT)


WAYS = {
    "shell loop (papermill + jupyter nbconvert)": shell_loop,
    "pool of in-process papermill, fresh kernels": pool,
    "briefing --all (warm kernels)": briefing_all,
}


def timed(way, grid, data, workers: int, repeat: int) -> float:
    seconds = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch)
            start = time.perf_counter()
            way(grid, out, data, workers)
            seconds.append(time.perf_counter() - start)
            pages = sorted(p.name for p in out.glob("*.html") if p.name != "index.html")
            expected = sorted(f"{stem(values)}.html" for values in grid)
            if pages != expected:
                sys.exit(f"{way.__name__} wrote {len(pages)} pages, not the {len(expected)} of the grid")
    return statistics.median(seconds)


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--data", default=None, help="data folder (default: the project's)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of briefing --all; the median is shown (default 3)")
    args = parser.parse_args(argv)

    grid = batch.grid(analysis.load(args.data))
    print(f"grid: {len(grid)} briefings; {args.workers} workers; {machine()}")
    results = {}
    for label, way in WAYS.items():
        results[label] = timed(way, grid, args.data, args.workers, args.repeat if way is briefing_all else 1)
        print(f"{label:<46} {results[label]:8.1f} s  {results[label] / len(grid):6.2f} s/briefing",
              flush=True)
    shell, in_process, warm = results.values()
    checks = [("shell loop", shell / warm, GOAL_SHELL_RATIO), ("pool", in_process / warm, GOAL_POOL_RATIO)]
    for label, ratio, goal in checks:
        print(f"briefing --all is {ratio:5.1f} x faster than the {label} "
              f"(goal >= {goal}: {'met' if ratio >= goal else 'NOT met'})")
    return 0 if all(ratio >= goal for _, ratio, goal in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
