"""A briefing in a new kernel: started the usual way (`python -m ipykernel_launcher`) against
forked from the server that has imported the libraries (`briefing --all --fresh-kernels`).

    python benchmarks/fresh.py [--repeat 7]

Both ways run the briefing notebook for `--platform Messenger --region Asia-Pacific --as-of
2017-07-11` through papermill in this process, one after the other, taking turns, each in a new
kernel. The figures are the medians of --repeat runs of each way (the server's own start, once,
is left out: a batch pays it once per worker) and their difference, the time each new kernel of a
`--fresh-kernels` batch saves.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import papermill

from analysis.briefing import forked, kernel, run

VALUES = {"platform": "Messenger", "region": "Asia-Pacific", "as_of": "2017-07-11"}
RUN_TIMEOUT = 600  # seconds a run may take before the benchmark stops
WAYS = {"usual": kernel.KERNEL_MANAGER, "forked": forked.FORKING_MANAGER}


def seconds(manager: str, out: Path) -> float:
    start = time.perf_counter()
    papermill.execute_notebook(str(run.TEMPLATE), str(out / "run.ipynb"), parameters=VALUES, kernel_name="python3",
                               kernel_manager_class=manager, progress_bar=False, cwd=str(run.TEMPLATE.parent),
                               request_save_on_cell_execute=False, execution_timeout=RUN_TIMEOUT,
                               start_timeout=RUN_TIMEOUT, shutdown_kernel="immediate")
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each way; the medians count")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-fresh-") as folder:
        out = Path(folder)
        first = seconds(forked.FORKING_MANAGER, out)  # starts the server
        times = {way: [] for way in WAYS}
        for _ in range(args.repeat):
            for way, manager in WAYS.items():
                times[way].append(seconds(manager, out))
    usual, fork = (statistics.median(times[way]) for way in WAYS)
    print(f"usual     median {usual:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times['usual'])})")
    print(f"forked    median {fork:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times['forked'])}); "
          f"the first, with the server's start: {first:.2f} s")
    print(f"a forked kernel saves {usual - fork:.2f} s per briefing ({usual / fork:.2f} x faster)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
