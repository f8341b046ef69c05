"""The three-stage model: the stage at a date, stage entries with time in stage, snapshots."""

from __future__ import annotations

import pandas as pd

from . import checks, growth
from .data import Dataset
from .schema import STAGE_NAMES


def platforms_with_stages(ds: Dataset) -> list[str]:
    """The platforms that have stage entries, in the schema's order."""
    have = set(ds.stages["platform"].astype(str))
    return [p for p in ds.platform_names if p in have]


def stage_at(ds: Dataset, platform: str, date) -> int:
    """The stage (1, 2 or 3) ``platform`` was in on ``date``.

    Parameters
    ----------
    ds : Dataset
    platform : str
    date : str, date or Timestamp
        From the platform's launch to the end of the data (``ds.latest``).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        Unknown platform, or a date before launch or after the data ends.
    """
    checks.choice("platform", platform, platforms_with_stages(ds))
    when = checks.timestamp("date", date)
    rows = ds.stages[ds.stages["platform"] == platform]
    checks.within("date", when, rows["started"].min(), ds.latest, f"{platform}'s stages")
    return int(rows.loc[rows["started"] <= when, "stage"].astype(int).max())


def stage_entries(ds: Dataset, platforms=None, as_of=None) -> pd.DataFrame:
    """One row per stage a platform entered, with how long it stayed and its users then.

    Parameters
    ----------
    ds : Dataset
    platforms : str or list of str, optional
        All platforms with stage data by default.
    as_of : date, optional
        Only stages entered by this date count, and open stages run until it
        (default: the end of the data).

    Returns
    -------
    pandas.DataFrame
        ``platform``, ``stage``, ``stage_name``, ``started``, ``year``, ``ended`` (next stage
        entry, NaT while open), ``days_in_stage`` (to ``as_of`` while open), ``mau_at_entry``
        (millions, NaN where no figures cover the date), ``evidence``, ``source_id``.
    """
    selected = checks.choices("platform", platforms, platforms_with_stages(ds))
    end = _as_of(ds, as_of)
    rows = ds.stages[ds.stages["platform"].isin(selected) & (ds.stages["started"] <= end)]
    rows = rows.sort_values(["platform", "stage"]).reset_index(drop=True)
    if rows.empty:
        raise ValueError(f"none of {', '.join(selected)} had launched by {end.date()}")
    ended = rows.groupby("platform", observed=True)["started"].shift(-1)
    result = pd.DataFrame({
        "platform": rows["platform"],
        "stage": rows["stage"],
        "stage_name": rows["stage"].astype(int).map(STAGE_NAMES),
        "started": rows["started"],
        "year": rows["started"].dt.year,
        "ended": ended,
        "days_in_stage": (ended.fillna(end) - rows["started"]).dt.days,
        "mau_at_entry": growth.mau_on(ds, rows["platform"], rows["started"]),
        "evidence": rows["evidence"],
        "source_id": rows["source_id"],
    })
    return result


def snapshot(ds: Dataset, as_of=None, platforms=None) -> pd.DataFrame:
    """Where each platform stood on ``as_of``: its stage and since when.

    Returns
    -------
    pandas.DataFrame
        ``platform``, ``stage``, ``stage_name``, ``since``, ``days_in_stage``, ``mau``
        (millions on ``as_of``, NaN if not covered), one row per platform launched by then.
    """
    end = _as_of(ds, as_of)
    entries = stage_entries(ds, platforms, as_of=end)
    current = entries.groupby("platform", observed=True).tail(1)
    return pd.DataFrame({
        "platform": current["platform"],
        "stage": current["stage"],
        "stage_name": current["stage_name"],
        "since": current["started"],
        "days_in_stage": current["days_in_stage"],
        "mau": growth.mau_on(ds, current["platform"], [end] * len(current)),
    }).reset_index(drop=True)


def _as_of(ds: Dataset, as_of) -> pd.Timestamp:
    if as_of is None:
        return ds.latest
    when = checks.timestamp("as_of", as_of)
    checks.within("as_of", when, ds.earliest, ds.latest, "the stages")
    return when

