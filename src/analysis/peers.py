"""Meta's apps and their peers side by side: launch to first business tools and first ads."""

from __future__ import annotations

import pandas as pd

from . import checks, stages
from .data import Dataset


def monetization_paths(ds: Dataset, platforms=None, as_of=None, reading: str | None = None) -> pd.DataFrame:
    """For each platform: when it entered stages 2 and 3 and how long after launch.

    Parameters
    ----------
    ds : Dataset
    platforms : str or list of str, optional
    as_of : date, optional
        Stage entries after this date do not count (default: the end of the data).
    reading : str, optional
        The rule the stages are called by (readings.csv); the data's default if not given.

    Returns
    -------
    pandas.DataFrame
        ``platform``, ``owner``, ``peer``, ``launched``, ``stage2``, ``stage3`` (NaT if not
        reached), ``years_to_stage2``, ``years_to_stage3`` (launch to first paid tools),
        ``mau_at_stage3`` (millions, NaN where no figures cover the date), ``stage_now``.
    """
    entries = stages.stage_entries(ds, platforms, as_of=as_of, reading=reading)
    selected = checks.choices("platform", platforms, ds.platform_names)
    info = ds.platforms[ds.platforms["platform"].isin(entries["platform"].unique())
                        & ds.platforms["platform"].isin(selected)]
    stage_of = list(zip(entries["platform"].astype(str), entries["stage"].astype(int)))
    started = dict(zip(stage_of, entries["started"]))
    mau_at_entry = dict(zip(stage_of, entries["mau_at_entry"]))
    rows = []
    for platform in info.itertuples():
        name = str(platform.platform)
        entry = {s: started.get((name, s), pd.NaT) for s in (2, 3)}
        rows.append({
            "platform": platform.platform, "owner": platform.owner, "peer": bool(platform.peer),
            "launched": platform.launched, "stage2": entry[2], "stage3": entry[3],
            "years_to_stage2": _years(platform.launched, entry[2]),
            "years_to_stage3": _years(platform.launched, entry[3]),
            "mau_at_stage3": mau_at_entry.get((name, 3), float("nan")),
            "stage_now": max(s for p, s in stage_of if p == name),
        })
    result = pd.DataFrame(rows)
    result["platform"] = pd.Categorical(result["platform"],
                                        ds.platforms["platform"].cat.categories, ordered=True)
    return result


def _years(start, end) -> float:
    return round((end - start).days / 365.25, 1) if pd.notna(end) else float("nan")
