"""Regional comparison: users by country, business adoption, B2B/B2C orientation."""

from __future__ import annotations

import pandas as pd

from . import checks
from .data import Dataset
from .schema import REGIONS

def metrics(ds: Dataset) -> list[str]:
    """The metric names in ``ds.regions``, most common first."""
    return list(ds.regions["metric"].value_counts().index)


def known_by(ds: Dataset, as_of) -> pd.DataFrame:
    """The regional figures known on ``as_of``: of its year or earlier, and from a source published by
    then (a source dated by its month only, by the month's end; an undated one counts from the year
    after the figure's: a survey of the year may end after the date)."""
    when = checks.timestamp("as_of", as_of)
    table = ds.regions
    since = table["source_id"].map(ds.known_from)
    known = (since <= when) | (since.isna() & (table["year"] < when.year))
    return table[(table["year"] <= when.year) & known.to_numpy()]


def compare(ds: Dataset, metric: str, *, platform=None, region=None, year=None, until=None, as_of=None,
            latest: bool = True) -> pd.DataFrame:
    """The figures behind a regional chart for one metric.

    Parameters
    ----------
    ds : Dataset
    metric : str
        One of ``metrics(ds)``.
    platform, region : str, optional
        Keep only this platform or region.
    year : int, optional
        Keep only figures for this year (else all years).
    until : int, optional
        Keep only figures for this year or earlier.
    as_of : date, optional
        Keep only the figures known on this day (see ``known_by``): what a briefing of that day shows.
    latest : bool, default True
        Keep only the newest figure per region, country and platform.

    Returns
    -------
    pandas.DataFrame
        ``label`` (country name, or the region for a region-wide figure), ``region``,
        ``country``, ``platform``, ``value``, ``unit``, ``year``, ``source_id``, ``note``;
        largest value first.

    Raises
    ------
    ValueError
        Unknown metric, platform or region, or nothing left after filtering.
    """
    table = ds.regions
    checks.choice("metric", metric, metrics(ds))
    rows = table[table["metric"] == metric]
    if platform is not None:
        checks.choice("platform", platform, sorted(rows["platform"].dropna().astype(str).unique()))
        rows = rows[rows["platform"] == platform]
    if region is not None:
        checks.choice("region", region, REGIONS)
        rows = rows[rows["region"] == region]
    if year is not None:
        rows = rows[rows["year"] == year]
    if until is not None:
        rows = rows[rows["year"] <= until]
    if as_of is not None:
        rows = rows[rows.index.isin(known_by(ds, as_of).index)]
    if rows.empty:
        raise ValueError(f"no {metric!r} figures for platform={platform!r}, region={region!r}, "
                         f"year={year!r}, until={until!r}; years with figures: "
                         f"{sorted(table.loc[table['metric'] == metric, 'year'].unique().tolist())}")
    if latest:
        keys = [rows[c].astype("string").fillna("") for c in ("region", "country", "platform")]
        rows = rows.sort_values("year").groupby(keys).tail(1)
    names = ds.countries.set_index("country")["name"]
    labels = rows["country"].map(names).fillna(rows["region"].astype(str))
    result = rows.assign(label=labels)[["label", "region", "country", "platform", "metric", "value",
                                        "unit", "year", "source_id", "note"]]
    return result.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)


def users_by_country(ds: Dataset, platform: str = "WhatsApp") -> pd.DataFrame:
    """The newest reported user count (millions) of ``platform`` in each country."""
    return compare(ds, "users", platform=platform)


def business_metrics(ds: Dataset) -> list[str]:
    """The regional metrics about business use (``about`` is "business" in metrics.csv)."""
    about = ds.metrics.set_index("metric")["about"]
    return [m for m in metrics(ds) if about[m] == "business"]


def business_adoption(ds: Dataset) -> pd.DataFrame:
    """Every business-use figure, newest per place, with its metric; for tables and charts."""
    return pd.concat([compare(ds, m) for m in business_metrics(ds)], ignore_index=True)


def orientation(ds: Dataset) -> pd.DataFrame:
    """Whether business use is mainly B2B or B2C, per region (and country where stated).

    Returns
    -------
    pandas.DataFrame
        ``region``, ``country``, ``platform``, ``orientation``, ``year``, ``source_id``, in the
        regions' order.
    """
    columns = ["region", "country", "platform", "orientation", "year", "source_id"]
    return ds.orientations[columns].sort_values(["region", "country"]).reset_index(drop=True)
