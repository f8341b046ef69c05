"""User counts: the value at a date, monthly series, growth rates, milestone dates.

Between two reported figures the user count is interpolated log-linearly: the platform is
assumed to grow at a constant rate between two announcements, which is how user bases grow
more nearly than in a straight line. No figure is guessed before the first or after the last
reported one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import checks
from .data import Dataset
from .schema import METRICS


def reported(ds: Dataset, platform: str, metric: str = "mau") -> pd.Series:
    """The reported figures of one platform and metric.

    Parameters
    ----------
    ds : Dataset
    platform : str
    metric : {"mau", "dau", "registered"}

    Returns
    -------
    pandas.Series
        Users in millions, indexed by announcement date, oldest first.
    """
    checks.choice("platform", platform, ds.platform_names)
    checks.choice("metric", metric, METRICS)
    counts = ds.user_counts
    rows = counts[(counts["platform"] == platform) & (counts["metric"] == metric)]
    if rows.empty:
        have = sorted(counts.loc[counts["metric"] == metric, "platform"].astype(str).unique())
        raise ValueError(f"no {metric} figures for {platform}; platforms with {metric} figures: "
                         f"{', '.join(have)}")
    return rows.set_index("date")["users_millions"].sort_index()


def _interpolate(series: pd.Series, dates) -> np.ndarray:
    """Log-linear interpolation of ``series`` (indexed by date) at ``dates``."""
    return np.exp(np.interp(_microseconds(dates), _microseconds(series.index), np.log(series.to_numpy(float))))


def _microseconds(dates) -> np.ndarray:
    """Dates as float microseconds, whatever their unit (exact in a float up to the year 2255)."""
    return pd.DatetimeIndex(dates).as_unit("us").asi8.astype(float)


def mau_on(ds: Dataset, platforms, dates) -> np.ndarray:
    """Monthly active users (millions) of ``platforms[i]`` on ``dates[i]``, as ``mau_at`` gives them.

    NaN where the platform has no figures covering the date (or none at all). Dates given as
    text must be ``YYYY-MM-DD``; anything else raises ValueError.
    """
    platforms = np.asarray([str(p) for p in platforms], dtype=object)
    dates = [checks.timestamp("date", d) if isinstance(d, str) else d for d in dates]
    when = _microseconds(dates)
    result = np.full(len(when), np.nan)
    counts = ds.user_counts[ds.user_counts["metric"] == "mau"].sort_values("date", kind="stable")
    names = counts["platform"].astype(str).to_numpy()
    known, users = _microseconds(counts["date"]), np.log(counts["users_millions"].to_numpy(float))
    for platform in set(platforms) & set(names):
        mine, rows = platforms == platform, names == platform
        x = known[rows]
        covered = (when[mine] >= x[0]) & (when[mine] <= x[-1])
        result[mine] = np.where(covered, np.exp(np.interp(when[mine], x, users[rows])), np.nan)
    return result


def mau_at(ds: Dataset, platform: str, date, metric: str = "mau") -> float:
    """Monthly active users (millions) of ``platform`` on ``date``, interpolated.

    Parameters
    ----------
    ds : Dataset
    platform : str
    date : str, date or Timestamp
        Between the first and the last reported figure, inclusive.
    metric : str, default "mau"

    Returns
    -------
    float
        Users in millions.

    Raises
    ------
    ValueError
        Unknown platform, no figures, or a date outside the reported range (the message gives it).
    """
    series = reported(ds, platform, metric)
    when = checks.timestamp("date", date)
    checks.within("date", when, series.index[0], series.index[-1], f"{platform} {metric}")
    return float(_interpolate(series, pd.DatetimeIndex([when]))[0])


def monthly_series(ds: Dataset, platforms=None, metric: str = "mau") -> pd.DataFrame:
    """Interpolated month-start values for plotting, within each platform's reported range.

    Returns
    -------
    pandas.DataFrame
        Long format: ``platform``, ``date``, ``users_millions``.
    """
    checks.choice("metric", metric, METRICS)
    with_figures = _platforms_with(ds, metric)
    if not with_figures:
        raise ValueError(f"no platform has {metric!r} figures in the data")
    frames = []
    for platform in checks.choices("platform", platforms, with_figures):
        series = reported(ds, platform, metric)
        months = pd.date_range(series.index[0], series.index[-1], freq="MS")
        dates = months.union(series.index[[0, -1]].unique())
        frames.append(pd.DataFrame({"platform": platform, "date": dates,
                                    "users_millions": _interpolate(series, dates)}))
    result = pd.concat(frames, ignore_index=True)
    result["platform"] = pd.Categorical(result["platform"], ds.user_counts["platform"].cat.categories,
                                        ordered=True)
    return result


def growth_rates(ds: Dataset, platform: str, metric: str = "mau") -> pd.DataFrame:
    """Growth between consecutive reported figures.

    Returns
    -------
    pandas.DataFrame
        ``start``, ``end``, ``users_start``, ``users_end``, ``added_millions``, ``months`` and
        ``annual_growth`` (compound, as a fraction: 0.5 = +50 % a year).
    """
    series = reported(ds, platform, metric)
    if len(series) < 2:
        raise ValueError(f"{platform} has a single {metric} figure; growth needs two")
    start, end = series.index[:-1], series.index[1:]
    years = (end - start).days / 365.25
    before, after = series.to_numpy()[:-1], series.to_numpy()[1:]
    return pd.DataFrame({
        "start": start, "end": end, "users_start": before, "users_end": after,
        "added_millions": after - before, "months": np.round(years * 12, 1),
        "annual_growth": (after / before) ** (1 / years) - 1,
    })


def date_reached(ds: Dataset, platform: str, users_millions: float, metric: str = "mau") -> pd.Timestamp:
    """The first date the interpolated user count reaches ``users_millions``.

    Raises
    ------
    ValueError
        If the reported figures never reach that size, or it was passed before the first figure.
    """
    series = reported(ds, platform, metric)
    if users_millions <= 0:
        raise ValueError(f"users_millions must be positive, got {users_millions}")
    values = series.to_numpy(float)
    if values[0] >= users_millions:
        if values[0] == users_millions:
            return series.index[0]
        raise ValueError(f"{platform} already had {values[0]:g} M {metric} at its first figure "
                         f"({series.index[0].date()}); the date it reached {users_millions:g} M "
                         "is not in the data")
    above = np.flatnonzero(values >= users_millions)
    if not above.size:
        raise ValueError(f"{platform} never reached {users_millions:g} M {metric} in the data "
                         f"(largest figure: {values.max():g} M on {series.idxmax().date()})")
    i = above[0]
    t0, t1 = series.index[i - 1].value, series.index[i].value
    share = np.log(users_millions / values[i - 1]) / np.log(values[i] / values[i - 1])
    return pd.Timestamp(int(t0 + share * (t1 - t0))).normalize()


def _platforms_with(ds: Dataset, metric: str) -> list[str]:
    counts = ds.user_counts
    have = set(counts.loc[counts["metric"] == metric, "platform"].astype(str))
    return [p for p in ds.platform_names if p in have]


def milestones(ds: Dataset, users_millions: float, platforms=None, metric: str = "mau") -> pd.DataFrame:
    """When each platform first reached ``users_millions`` (NaT where the data does not show it).

    Returns
    -------
    pandas.DataFrame
        ``platform``, ``reached`` (date or NaT), ``note`` (why a date is missing).
    """
    rows = []
    have = _platforms_with(ds, metric)
    for platform in checks.choices("platform", platforms, have if platforms is None else ds.platform_names):
        if platform not in have:
            rows.append((platform, pd.NaT, f"no {metric} figures published"))
            continue
        try:
            rows.append((platform, date_reached(ds, platform, users_millions, metric), ""))
        except ValueError as error:
            rows.append((platform, pd.NaT, str(error)))
    return pd.DataFrame(rows, columns=["platform", "reached", "note"])
