"""The money: a company's revenue by its own geographies per quarter, known from its results day."""

from __future__ import annotations

import pandas as pd

from . import checks
from .data import Dataset
from .schema import REGIONS, REVENUE_ITEMS, WORLDWIDE


def revenue(ds: Dataset, item: str = "ad_revenue", company: str = "Meta", as_of=None) -> pd.DataFrame:
    """The figures of one item, oldest quarter first, as known on ``as_of``.

    Parameters
    ----------
    ds : Dataset
    item : str
        ``ad_revenue``, ``revenue`` (all revenue), ``other_revenue``, ``click_to_message_ads_run_rate``
        or ``click_to_whatsapp_ads_run_rate``.
    company : str
    as_of : date, optional
        Only figures known on this day: their quarter's results were out (releases.csv) and their
        source was published (one dated by its month only, by the month's end; an undated one
        counts from the results day); all by default.

    Returns
    -------
    pandas.DataFrame
        ``company``, ``period``, ``period_end``, ``reported``, ``published_as`` (the company's name
        on that quarter's results), ``geography``, ``value`` (float),
        ``unit``, ``figure_kind``, ``source_id``, and ``share``: the geography's part of the
        quarter's worldwide figure (1.0 for the worldwide row; NaN where the quarter has none).
    """
    checks.choice("item", item, REVENUE_ITEMS)
    checks.choice("company", company, sorted(set(ds.revenue["company"])))
    rows = ds.revenue[(ds.revenue["item"] == item) & (ds.revenue["company"] == company)]
    rows = rows.merge(ds.releases[["company", "period", "reported", "published_as"]], on=["company", "period"],
                      how="left")
    if as_of is not None:
        day = checks.timestamp("as_of", as_of)
        since = rows["source_id"].map(ds.known_from)
        rows = rows[(rows["reported"] <= day) & (since.isna() | (since <= day)).to_numpy()]
    worldwide = rows[rows["geography"] == WORLDWIDE].set_index("period")["value"].astype(float)
    table = pd.DataFrame({
        "company": rows["company"].astype(str),
        "period": rows["period"].astype(str),
        "period_end": pd.PeriodIndex(rows["period"].astype(str), freq="Q").end_time.normalize(),
        "reported": rows["reported"],
        "published_as": rows["published_as"].astype(str),
        "geography": rows["geography"].astype(str),
        "value": rows["value"].astype(float),
        "unit": rows["unit"].astype(str),
        "figure_kind": rows["figure_kind"].astype(str),
        "source_id": rows["source_id"].astype(str),
    })
    table["share"] = table["value"] / table["period"].map(worldwide)
    order = {g: i for i, g in enumerate(geographies(ds, company))}
    return (table.assign(_order=table["geography"].map(order).fillna(len(order)))
            .sort_values(["period", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True))


def split_item(ds: Dataset, company: str = "Meta") -> str:
    """The item the company reports by its own geographies: ``ad_revenue`` (Meta) or, where it splits
    only its whole revenue, ``revenue`` (Snap Inc.)."""
    checks.choice("company", company, sorted(set(ds.revenue["company"])))
    mine = ds.revenue[(ds.revenue["company"] == company) & (ds.revenue["geography"] != WORLDWIDE)]
    return next(item for item in ("ad_revenue", "revenue") if (mine["item"] == item).any())


def has_split(ds: Dataset, company: str = "Meta", as_of=None) -> bool:
    """Whether a figure of the company's revenue by one of its geographies was known on ``as_of``."""
    table = revenue(ds, split_item(ds, company), company, as_of)
    return bool((table["geography"] != WORLDWIDE).any())


def geographies(ds: Dataset, company: str = "Meta") -> list[str]:
    """The company's own geographies, in the order of geographies.csv (the company's own order)."""
    return list(dict.fromkeys(ds.geographies.loc[ds.geographies["company"] == company, "geography"].astype(str)))


def geography_of(ds: Dataset, region: str, company: str = "Meta") -> str | None:
    """The company's geography that covers one of this dataset's regions; None where geographies.csv
    maps none to it."""
    checks.choice("region", region, REGIONS)
    table = ds.geographies[(ds.geographies["company"] == company) & (ds.geographies["region"] == region)]
    return str(table["geography"].iloc[0]) if len(table) else None


def regions_in(ds: Dataset, geography: str, company: str = "Meta") -> list[str]:
    """This dataset's regions a company's geography covers, in order."""
    table = ds.geographies[(ds.geographies["company"] == company) & (ds.geographies["geography"] == geography)]
    return [str(r) for r in table["region"].sort_values()]
