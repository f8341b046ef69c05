"""How long the full suite takes in a fresh clone, as `make test` runs it, against its floor: the
CPU time the suite used, shared over the machine's cores.

    python benchmarks/suite.py [--repeat 1]

It clones this repository into a new temporary folder and installs its environment there (`make
.venv/.installed`, not timed: setup.py times it), then runs `make test` --repeat times in that
clone. Each run's wall time and the CPU time the machine spent meanwhile (user and system time
of all its cores, from Linux's /proc/stat: pytest, its workers, the kernels and browsers they
start, also the kernels a fork server forked, whose time no waiting parent collects; nothing else
should run on the machine) are measured; the medians count. No schedule can bring a run below its
floor, so the ratio of the two says how much of the machine the run left idle.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 180
ROOT = Path(__file__).resolve().parents[1]
INSTALL_TIMEOUT = 900  # seconds the clone and the install may take
SUITE_TIMEOUT = 1800  # seconds one run of the suite may take before the benchmark stops
SUMMARY = re.compile(r"=+ (\d+ passed.*) in [\d.]+s")


def machine_cpu(stat: Path = Path("/proc/stat")) -> float:
    """Seconds the machine's cores have been busy since it started: user, nice, system, irq and
    softirq time of the first line of ``stat`` (not idle, I/O wait or time stolen by a hypervisor)."""
    fields = stat.read_text(encoding="ascii").splitlines()[0].split()
    user, nice, system, _idle, _iowait, irq, softirq = map(int, fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def run_suite(clone: Path) -> tuple[float, float, str]:
    """One `make test` in ``clone``: (wall seconds, CPU seconds, pytest's summary of the tests)."""
    cpu, start = machine_cpu(), time.perf_counter()
    done = subprocess.run(["make", "test"], cwd=clone, capture_output=True, text=True, timeout=SUITE_TIMEOUT)
    seconds, used = time.perf_counter() - start, machine_cpu() - cpu
    found = SUMMARY.search(done.stdout)
    if done.returncode != 0 or found is None or "failed" in found.group(1) or "error" in found.group(1):
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise SystemExit(f"the suite did not pass (make test exited {done.returncode}):\n{tail}")
    return seconds, used, found.group(1)


def installed_clone(folder: Path) -> Path:
    """A clone of this repository in ``folder``, with its environment installed."""
    clone = folder / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=INSTALL_TIMEOUT)
    subprocess.run(["make", ".venv/.installed"], cwd=clone, check=True, capture_output=True,
                   timeout=INSTALL_TIMEOUT)
    return clone


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of the suite; the medians count")
    args = parser.parse_args(argv)
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as folder:
        clone = installed_clone(Path(folder))
        runs = [run_suite(clone) for _ in range(args.repeat)]
    seconds = statistics.median(wall for wall, _, _ in runs)
    cpu = statistics.median(used for _, used, _ in runs)
    floor = cpu / cores
    met = seconds < GOAL_SECONDS
    print(f"tests     {runs[-1][2]}")
    print(f"suite     median {seconds:.1f} s  (runs: {', '.join(f'{wall:.1f}' for wall, _, _ in runs)})")
    print(f"floor     {floor:.1f} s  ({cpu:.1f} s of CPU time over {cores} cores)")
    print(f"the suite takes {seconds / floor:.2f} x its floor (goal < {GOAL_SECONDS} s: "
          f"{'met' if met else 'NOT met'})")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
