"""Ad and business-messaging rollouts: filtered event lists, test-to-worldwide lags, first markets."""

from __future__ import annotations

import pandas as pd

from . import checks
from .data import Dataset
from .schema import EVENT_KINDS, REGIONS, ROLLOUT_REGIONS, WORLDWIDE

_STARTS = ("test", "launch")  # kinds that put a product in front of real users
_REACH = ("launch", "expansion")  # kinds that can take a product worldwide


def events(ds: Dataset, *, platforms=None, region=None, kinds=None, stage=None, as_of=None,
           include_worldwide: bool = True) -> pd.DataFrame:
    """Monetization events, oldest first, filtered.

    Parameters
    ----------
    ds : Dataset
    platforms : str or list of str, optional
    region : str, optional
        A region name: events in that region (by their region or their countries), plus
        worldwide events unless ``include_worldwide`` is False.
    kinds : str or list of str, optional
        announcement, test, launch, expansion, shelved.
    stage : int, optional
        2 or 3.
    as_of : date, optional
        Only events on or before this date.

    Returns
    -------
    pandas.DataFrame
        The rows of ``ds.rollouts`` that match, with a ``regions`` column listing the regions
        each event touched.
    """
    table = ds.rollouts
    mask = table["platform"].isin(checks.choices("platform", platforms, ds.platform_names))
    mask &= table["kind"].isin(checks.choices("kind", kinds, EVENT_KINDS))
    if stage is not None:
        mask &= table["stage"] == checks.choice("stage", stage, (2, 3))
    if as_of is not None:
        when = checks.timestamp("as_of", as_of)
        checks.within("as_of", when, ds.earliest, ds.latest, "the rollouts")
        mask &= table["date"] <= when
    touched = event_regions(ds)
    if region is not None:
        checks.choice("region", region, REGIONS)
        in_region = touched.map(lambda regions: region in regions)
        if include_worldwide:
            in_region |= table["region"] == WORLDWIDE
        mask &= in_region
    result = table[mask].assign(regions=touched[mask].map(", ".join))
    return result.sort_values(["date", "platform"], kind="stable").reset_index(drop=True)


def event_regions(ds: Dataset) -> pd.Series:
    """For each rollout row, the tuple of regions it touched (from its countries or region)."""
    region_of = dict(zip(ds.countries["country"], ds.countries["region"].astype(str)))

    def regions(row) -> tuple:
        if isinstance(row.countries, str):
            found = {region_of[c] for c in row.countries.split(" ")}
            return tuple(r for r in REGIONS if r in found)
        return (str(row.region),) if row.region in REGIONS else ()

    return pd.Series([regions(r) for r in ds.rollouts.itertuples()], index=ds.rollouts.index)


def launch_lags(ds: Dataset, platforms=None) -> pd.DataFrame:
    """For each product: its first test or launch, its first worldwide launch, and the lag.

    Returns
    -------
    pandas.DataFrame
        ``platform``, ``product``, ``first_date``, ``first_kind``, ``first_where`` (countries or
        region), ``worldwide_date`` (NaT if never worldwide in the data), ``lag_days``; sorted
        by first date.
    """
    table = events(ds, platforms=platforms, kinds=_STARTS + ("expansion",))
    rows = []
    for (platform, product), group in table.groupby(["platform", "product"], observed=True, sort=False):
        first = group.iloc[0]
        worldwide = group[(group["region"] == WORLDWIDE) & group["kind"].isin(_REACH)]
        worldwide_date = worldwide["date"].iloc[0] if len(worldwide) else pd.NaT
        rows.append({
            "platform": platform, "product": product, "first_date": first["date"],
            "first_kind": first["kind"],
            "first_where": first["countries"] if isinstance(first["countries"], str) else first["region"],
            "worldwide_date": worldwide_date,
            "lag_days": (worldwide_date - first["date"]).days if len(worldwide) else pd.NA,
        })
    if not rows:
        raise ValueError(f"no tests, launches or expansions for platforms={platforms!r}")
    result = pd.DataFrame(rows)
    result["lag_days"] = result["lag_days"].astype("Int64")
    return result.sort_values("first_date", kind="stable").reset_index(drop=True)


def first_markets(ds: Dataset, platforms=None) -> pd.DataFrame:
    """Which regions saw each platform's monetization events first.

    Returns
    -------
    pandas.DataFrame
        ``platform``, ``region``, ``first_date``, ``first_precision`` (day or month),
        ``first_event``, ``source_id`` (of the first event), ``events`` (count); regions reached
        only through worldwide events are not listed.
    """
    table = events(ds, platforms=platforms, kinds=("test", "launch", "expansion"))  # oldest first
    firsts: dict[tuple, dict] = {}
    for row in table.itertuples():
        for region in row.regions.split(", "):
            if region in REGIONS:
                first = firsts.setdefault((row.platform, region), {
                    "platform": row.platform, "region": region, "first_date": row.date,
                    "first_precision": row.date_precision, "first_event": row.event, "source_id": row.source_id,
                    "events": 0})
                first["events"] += 1
    if not firsts:
        raise ValueError(f"no local (non-worldwide) events for platforms={platforms!r}")
    result = pd.DataFrame(list(firsts.values()))
    result["platform"] = result["platform"].astype(table["platform"].dtype)
    result["region"] = pd.Categorical(result["region"], categories=list(ROLLOUT_REGIONS), ordered=True)
    result["first_event"] = result["first_event"].astype(table["event"].dtype)
    return result.sort_values(["platform", "first_date"]).reset_index(drop=True)
