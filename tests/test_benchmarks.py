"""The benchmark scripts run and print their figures (on a tiny grid; the real runs are by hand)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from factory import BASE, make_dataset

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def run(script, *args):
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *map(str, args)],
                          capture_output=True, text=True, timeout=900)
    # 0: every goal met, 1: a goal not met (expected on a tiny grid); anything else is a crash.
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A dataset whose grid is one platform times the six region foci."""
    folder = tmp_path_factory.mktemp("tiny") / "data"
    make_dataset(folder, stages=[row for row in BASE["stages"] if row[0] == "Telegram"])
    return folder


def test_batch_benchmark_times_the_three_ways_and_prints_the_ratios(tiny):
    out = run("batch.py", "--data", tiny, "--repeat", "1", "--workers", "2")
    assert "grid: 6 briefings; 2 workers" in out
    for way in ("shell loop", "pool of in-process papermill", "briefing --all"):
        assert re.search(rf"{re.escape(way)}.* [0-9.]+ s +[0-9.]+ s/briefing", out), out
    assert re.search(r"is +[0-9.]+ x faster than the shell loop \(goal >= 20: (met|NOT met)\)", out)
    assert re.search(r"is +[0-9.]+ x faster than the pool \(goal >= 3: (met|NOT met)\)", out)


def test_startup_benchmark_compares_the_imports_and_times_the_help():
    out = run("startup.py", "--repeat", "1")
    assert re.search(r"import pandas +[0-9.]+ s", out)
    assert re.search(r"import analysis +[0-9.]+ s += [0-9.]+ x pandas", out)
    assert re.search(r"briefing --help +[0-9.]+ s", out)


def test_load_benchmark_scales_synthetic_tables_that_pass_validation():
    out = run("load.py", "--scales", "2", "3", "--repeat", "1")
    assert re.search(r"real data: \d+ rows, load [0-9.]+ s", out)
    rows = {int(m.group(1)): int(m.group(2)) for m in re.finditer(r"^ +(\d+) +(\d+) +[0-9.]+", out, re.M)}
    assert set(rows) == {1, 2, 3}
    assert rows[1] < rows[2] < rows[3]
