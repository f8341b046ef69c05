"""How long analysis.load() takes on the real data, and on synthetic data 10, 100 and 1000 times larger.

    python benchmarks/load.py [--scales 10 100 1000] [--repeat 5]

The synthetic tables copy the real rows with fresh keys: sources get new ids, user counts new
dates (spread between launch and the end of the data), rollouts new event names, regional
facts new metric names (each listed in metrics.csv). Countries, platforms, products, stages and
B2B/B2C statements keep their size:
their keys are closed sets (ISO codes, the platform list, three stages, one statement per
region and year). Every synthetic dataset passes the same validation as the real one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import analysis
from analysis import data
from analysis.schema import METRICS, TABLES

GOAL_REAL_SECONDS = 0.2
GOAL_1000X_SECONDS = 10.0


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {t.name: pd.read_csv(folder / t.filename, dtype=str, keep_default_na=False) for t in TABLES}


def scaled(tables: dict[str, pd.DataFrame], factor: int) -> dict[str, pd.DataFrame]:
    """The tables with the open-keyed ones ``factor`` times as long, every key still unique."""
    result = dict(tables)

    def repeat(frame):
        """``factor`` copies of ``frame`` and, for each row, the number of its copy (0 = the original)."""
        return pd.concat([frame] * factor, ignore_index=True), np.repeat(np.arange(factor), len(frame))

    sources, copy = repeat(tables["sources"])
    sources["source_id"] = sources["source_id"] + np.where(copy == 0, "", "-x" + copy.astype(str))
    result["sources"] = sources

    rollouts, copy = repeat(tables["rollouts"])
    rollouts["event"] = rollouts["event"] + np.where(copy == 0, "", " #" + copy.astype(str))
    result["rollouts"] = rollouts

    regions, copy = repeat(tables["regions"])
    regions["metric"] = regions["metric"] + np.where(copy == 0, "", "_x" + copy.astype(str))
    result["regions"] = regions

    used = tables["metrics"][tables["metrics"]["metric"].isin(tables["regions"]["metric"])]
    copies = [used.assign(metric=used["metric"] + f"_x{n}") for n in range(1, factor)]
    result["metrics"] = pd.concat([tables["metrics"], *copies], ignore_index=True)

    result["user_counts"] = _user_counts(tables, factor)
    return result


def _user_counts(tables, factor: int) -> pd.DataFrame:
    """Real rows, plus copies of them spread over every platform and metric, on days still free."""
    counts = tables["user_counts"]
    if factor == 1:
        return counts
    end = pd.to_datetime(counts["date"]).max()
    free = {}  # (platform, metric) -> days between launch and the end that have no row yet
    for platform, launched in zip(tables["platforms"]["platform"], tables["platforms"]["launched"]):
        for metric in METRICS:
            taken = set(counts.loc[(counts["platform"] == platform) & (counts["metric"] == metric), "date"])
            days = pd.date_range(launched, end, freq="D").strftime("%Y-%m-%d")
            free[platform, metric] = [d for d in days if d not in taken]
    slots = [(platform, metric, day) for (platform, metric), days in free.items() for day in days]
    wanted = len(counts) * (factor - 1)
    if wanted > len(slots):
        sys.exit(f"{wanted} synthetic user counts need more free days than the {len(slots)} there are")
    # Evenly spaced over all free slots: a step of at least 1, so no slot is taken twice.
    picked = [slots[i] for i in np.linspace(0, len(slots), wanted, endpoint=False).astype(int)]
    extra = counts.sample(wanted, replace=True, random_state=0).reset_index(drop=True)
    extra["platform"], extra["metric"], extra["date"] = zip(*picked)
    return pd.concat([counts, extra], ignore_index=True)


def write_tables(tables: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        tables[table.name].to_csv(folder / table.filename, index=False, lineterminator="\n")
    return folder


def timed_load(folder, repeat: int) -> float:
    """Median seconds of a cold load (the cache of the last validated dataset emptied first)."""
    seconds = []
    for _ in range(repeat):
        data._VALIDATED.clear()
        start = time.perf_counter()
        analysis.load(folder)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=5, help="loads per size; the median is shown")
    args = parser.parse_args(argv)

    real = read_tables(data.DATA_DIR)
    base_rows = sum(len(frame) for frame in real.values())
    real_seconds = timed_load(None, args.repeat)
    print(f"real data: {base_rows} rows, load {real_seconds:.3f} s "
          f"(goal < {GOAL_REAL_SECONDS} s: {'met' if real_seconds < GOAL_REAL_SECONDS else 'NOT met'})")
    print(f"{'scale':>6} {'rows':>9} {'load s':>8} {'us/row':>7} {'x previous':>11}")
    print(f"{1:>6} {base_rows:>9} {real_seconds:>8.3f} {real_seconds / base_rows * 1e6:>7.1f} {'':>11}")
    previous = (1, real_seconds)
    status = 0
    with tempfile.TemporaryDirectory() as scratch:
        for factor in args.scales:
            tables = scaled(real, factor)
            folder = write_tables(tables, Path(scratch) / f"x{factor}")
            rows = sum(len(frame) for frame in tables.values())
            seconds = timed_load(folder, args.repeat if factor < 1000 else max(1, args.repeat // 2))
            growth = seconds / previous[1]
            print(f"{factor:>6} {rows:>9} {seconds:>8.3f} {seconds / rows * 1e6:>7.1f} "
                  f"{growth:>6.1f} for {factor // previous[0]}x")
            previous = (factor, seconds)
            if factor == 1000:
                met = seconds < GOAL_1000X_SECONDS
                status = status or (0 if met else 1)
                print(f"1000x loads and validates in {seconds:.2f} s "
                      f"(goal < {GOAL_1000X_SECONDS:g} s: {'met' if met else 'NOT met'})")
    return status


if __name__ == "__main__":
    sys.exit(main())
