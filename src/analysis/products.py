"""Products' lifecycle: announced, in test, available, shelved or replaced, on a date and in a market."""

from __future__ import annotations

import pandas as pd

from . import checks
from .data import Dataset
from .schema import REGIONS, WORLDWIDE

STATES = ("announced", "in test", "available", "shelved", "replaced")
# Kinds of product a business pays the platform for (the rest are free tools or not for businesses).
PAID_KINDS = ("in_app_ads", "paid_messaging", "paid_business_tools", "click_to_chat_ads")
# Kinds that are no product a business uses: the app itself in a market, and rules or user features.
NOT_OFFERED = ("market_access", "other")

# What each kind of event makes of a product's state: (the states it changes, the new state).
# An announcement does not take back a test or a launch; a test does not take back a launch.
_STEPS = {
    "announcement": ((None, "shelved"), "announced"),
    "test": ((None, "announced", "shelved"), "in test"),
    "launch": ((None, "announced", "in test", "shelved"), "available"),
    "expansion": ((None, "announced", "in test", "shelved"), "available"),
    "shelved": ((None, "announced", "in test", "available"), "shelved"),
}

_COLUMNS = ["platform", "product", "kind", "state", "since", "since_precision", "first_announced",
            "shelved_before", "replaced_by", "where", "event", "source_id"]


def product_states(ds: Dataset, *, platforms=None, as_of=None, market=None) -> pd.DataFrame:
    """Each product's state on a date, in a market.

    A product is "announced", "in test", "available", "shelved", or "replaced" (not available, and
    the product products.csv names as its replacement is). Where the app itself is blocked (its
    ``market_access`` product shelved), all its products there are shelved from the block on.
    Tests, launches and announcements count in a market when they touch it (a launch in Brazil
    counts for Latin America); a shelving counts only where it covers the whole market (a stop in
    Myanmar does not shelve a product in Asia-Pacific).
    An event does not touch a country it left out (``excluded``, a country or a group of groups.csv
    such as the EU) before the day that country was reached (``excluded_until``), and then does not
    cover that country's region as a whole.

    Parameters
    ----------
    ds : Dataset
    platforms : str or list of str, optional
    as_of : date, optional
        Only events on or before this date; the data's newest date by default.
    market : str, optional
        A region name or an ISO country code from countries.csv; everywhere by default (then
        only worldwide shelvings count).

    Returns
    -------
    pandas.DataFrame
        One row per product with events in the market: ``platform``, ``product``, ``kind`` (from
        products.csv), ``state``, ``since`` (the event that set the state, or the first of a run of
        the same state), ``since_precision`` (day or month), ``first_announced`` (NaT if never),
        ``shelved_before`` (the shelving a product came back from, NaT if none), ``replaced_by``,
        ``where`` (the countries or region of the state's event), ``event`` and ``source_id``.
    """
    selected = checks.choices("platform", platforms, ds.platform_names)
    when = checks.timestamp("as_of", as_of) if as_of is not None else ds.latest
    covers = _covering(ds, market, when)
    table = ds.rollouts
    mask = table["platform"].isin(selected) & (table["date"] <= when)
    events = table[mask].sort_values("date", kind="stable")
    by_product: dict[tuple, list] = {}  # each product's event rows, oldest first (one pass: itertuples is slow)
    for row in events.itertuples(index=False):
        by_product.setdefault((row.platform, row.product), []).append(row)
    rows = [_state(product_events, covers) for product_events in by_product.values()]
    found = pd.DataFrame([r for r in rows if r is not None],
                         columns=[c for c in _COLUMNS if c not in ("kind", "replaced_by")])
    products = ds.products.assign(platform=ds.products["platform"].astype(str))
    result = _blocked(_mark_replaced(found.assign(platform=found["platform"].astype(str)).merge(
        products[["platform", "product", "kind", "replaced_by"]], on=["platform", "product"], how="left")))
    result["platform"] = pd.Categorical(result["platform"], categories=ds.platforms["platform"].cat.categories,
                                        ordered=True)
    result["state"] = pd.Categorical(result["state"], categories=STATES, ordered=True)
    return result[_COLUMNS].sort_values(["platform", "since"], kind="stable").reset_index(drop=True)


def _state(events: list, covers) -> dict | None:
    """Walk one product's event rows (oldest first) that apply to the market."""
    state = since = precision = first_announced = shelved_before = None
    last = None
    # by the day each event reached the market: a country an event left out is reached when it ends
    for (touched, whole, day), row in sorted(((covers(row), row) for row in events),
                                             key=lambda pair: pair[0][2]):
        if not (whole if row.kind == "shelved" else touched):
            continue
        if row.kind == "announcement" and first_announced is None:
            first_announced = day
        changes, new_state = _STEPS[str(row.kind)]
        if state in changes:
            if state == "shelved":
                shelved_before = since
            state, since, precision, last = new_state, day, row.date_precision if day == row.date else "day", row
        elif new_state == state and day == since == row.date != last.date:
            last = row  # reported on the day an earlier event reached the market late: its better source
    if state is None:
        return None
    return {"platform": last.platform, "product": last.product, "state": state, "since": since,
            "since_precision": precision, "first_announced": first_announced or pd.NaT,
            "shelved_before": shelved_before or pd.NaT,
            "where": last.countries if isinstance(last.countries, str) else str(last.region),
            "event": last.event, "source_id": last.source_id}


def _mark_replaced(table: pd.DataFrame) -> pd.DataFrame:
    """A product not available whose replacement is available is "replaced", since the later of
    its own state and the replacement's launch. So is one whose replacement was replaced in turn
    (merged into a product that was renamed later), since its own state; the others keep no
    replacement."""
    available = table[table["state"] == "available"].set_index(["platform", "product"])
    keys = list(zip(table["platform"], table["replaced_by"]))
    direct = (table["state"] != "available") & pd.Series([k in available.index for k in keys], index=table.index)
    replaced = direct.copy()
    while True:  # along a chain of replacements, one step a round
        gone = set(zip(table.loc[replaced, "platform"], table.loc[replaced, "product"]))
        chained = (table["state"] != "available") & ~replaced & pd.Series([k in gone for k in keys], index=table.index)
        if not chained.any():
            break
        replaced |= chained
    table.loc[replaced, "state"] = "replaced"
    for row, key in zip(table.index[direct], [k for k, r in zip(keys, direct) if r]):
        if available.at[key, "since"] > table.at[row, "since"]:
            table.loc[row, ["since", "since_precision"]] = available.loc[key, ["since", "since_precision"]].to_list()
    table.loc[~replaced, "replaced_by"] = pd.NA
    return table


def _blocked(table: pd.DataFrame) -> pd.DataFrame:
    """Where the app itself (its ``market_access`` product) is shelved in the market, a block, every
    other product of it there is shelved too, from the block on: a later event elsewhere does not
    bring it back, only the block's lifting does."""
    blocks = table[(table["kind"] == "market_access") & (table["state"] == "shelved")].set_index("platform")
    hit = table["platform"].isin(blocks.index) & (table["kind"] != "market_access") & ~table["state"].isin(
        ["shelved", "replaced"])
    for row in table.index[hit]:
        block = blocks.loc[table.at[row, "platform"]]
        table.loc[row, ["state", "since", "since_precision", "where", "event", "source_id"]] = [
            "shelved", block["since"], block["since_precision"], block["where"], block["event"], block["source_id"]]
    return table


def _covering(ds: Dataset, market, when: pd.Timestamp):
    """A function telling, for an event row, whether it touches the market and covers all of it on ``when``,
    and the day it reached the market: the event's day, or for a country it left out, the day that
    country was reached (``excluded_until``)."""
    region_of = dict(zip(ds.countries["country"], ds.countries["region"].astype(str)))
    if market is not None and market not in region_of:
        checks.choice("market", market, [*REGIONS, *sorted(region_of)])

    def covers(row) -> tuple[bool, bool, pd.Timestamp]:
        left_out = left_out_on(ds, row, when)
        if market in left_out:
            return False, False, row.date
        if market in REGIONS and any(region_of.get(c) == market for c in left_out):
            touched, _ = _reach(row, market, region_of)
            return touched, False, row.date
        reached_later = market is not None and market in left_out_on(ds, row, row.date)
        return (*_reach(row, market, region_of), row.excluded_until if reached_later else row.date)

    return covers


def _reach(row, market, region_of: dict) -> tuple[bool, bool]:
    """Whether an event row touches the market, and covers all of it, by its region and countries."""
    if row.region == WORLDWIDE:
        return True, True
    countries = row.countries.split(" ") if isinstance(row.countries, str) else []
    if market is None:
        return True, False
    if market in REGIONS:
        touched = str(row.region) == market or any(region_of[c] == market for c in countries)
        return touched, str(row.region) == market and not countries
    local = market in countries or (not countries and str(row.region) == region_of[market])
    return local, local


def left_out_on(ds: Dataset, row, when) -> set[str]:
    """The countries an event row left out (its groups resolved to their members) and had not reached on ``when``."""
    if not isinstance(row.excluded, str) or (pd.notna(row.excluded_until) and row.excluded_until <= when):
        return set()
    members = ds.groups.groupby("group")["country"].apply(set).to_dict()
    return set().union(*(members.get(name, {name}) for name in row.excluded.split(" ")))
