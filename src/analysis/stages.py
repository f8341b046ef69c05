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


def reading_names(ds: Dataset) -> list[str]:
    """The readings in the data (readings.csv), the default first."""
    table = ds.readings.sort_values("default", ascending=False, kind="stable")
    return [str(r) for r in table["reading"]]


def reading(ds: Dataset, name: str | None = None):
    """The row of readings.csv for ``name`` (None: the default reading), as a named tuple: its names
    and rules.

    Raises
    ------
    ValueError
        An unknown reading, naming the valid ones.
    """
    names = reading_names(ds)
    name = names[0] if name is None else checks.choice("reading", name, names)
    return next(ds.readings[ds.readings["reading"] == name].itertuples(index=False))


def stage_rows(ds: Dataset, reading_name: str | None = None) -> pd.DataFrame:
    """The rows of ``ds.stages`` that hold under a reading (None: the default), one per platform and stage."""
    name = reading(ds, reading_name).reading
    return ds.stages[ds.stages["readings"].str.split(" ").map(lambda names: name in names)]


def stage_at(ds: Dataset, platform: str, date, reading: str | None = None) -> int:
    """The stage (1, 2 or 3) ``platform`` was in on ``date``, under a reading of the stages.

    Parameters
    ----------
    ds : Dataset
    platform : str
    date : str, date or Timestamp
        From the platform's launch to the end of the data (``ds.latest``).
    reading : str, optional
        The rule the stages are called by (readings.csv): ``paid_tools`` or ``in_app_ads``;
        the data's default (``paid_tools``) if not given.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        Unknown platform or reading, or a date before launch or after the data ends.
    """
    checks.choice("platform", platform, platforms_with_stages(ds))
    when = checks.timestamp("date", date)
    table = stage_rows(ds, reading)
    rows = table[table["platform"] == platform]
    checks.within("date", when, rows["started"].min(), ds.latest, f"{platform}'s stages")
    return int(rows.loc[rows["started"] <= when, "stage"].astype(int).max())


def stage_entries(ds: Dataset, platforms=None, as_of=None, reading: str | None = None) -> pd.DataFrame:
    """One row per stage a platform entered, with how long it stayed and its users then.

    Parameters
    ----------
    ds : Dataset
    platforms : str or list of str, optional
        All platforms with stage data by default.
    as_of : date, optional
        Only stages entered by this date count, and open stages run until it
        (default: the end of the data).
    reading : str, optional
        The rule the stages are called by (see ``stage_at``).

    Returns
    -------
    pandas.DataFrame
        ``platform``, ``stage``, ``stage_name``, ``started``, ``precision`` of that date ("day",
        or "month" where the sources give only the month), ``year``, ``ended`` (next stage
        entry, NaT while open), ``days_in_stage`` (to ``as_of`` while open), ``mau_at_entry``
        (millions, NaN where no figures cover the date), ``evidence``, ``source_id``.
    """
    selected = checks.choices("platform", platforms, platforms_with_stages(ds))
    end = _as_of(ds, as_of)
    table = stage_rows(ds, reading)
    rows = table[table["platform"].isin(selected) & (table["started"] <= end)]
    rows = rows.sort_values(["platform", "stage"]).reset_index(drop=True)
    if rows.empty:
        raise ValueError(f"none of {', '.join(selected)} had launched by {end.date()}")
    ended = rows.groupby("platform", observed=True)["started"].shift(-1)
    result = pd.DataFrame({
        "platform": rows["platform"],
        "stage": rows["stage"],
        "stage_name": rows["stage"].astype(int).map(STAGE_NAMES),
        "started": rows["started"],
        "precision": rows["date_kind"].map(lambda kind: "month" if kind == "month" else "day"),
        "year": rows["started"].dt.year,
        "ended": ended,
        "days_in_stage": (ended.fillna(end) - rows["started"]).dt.days,
        "mau_at_entry": growth.mau_on(ds, rows["platform"], rows["started"]),
        "evidence": rows["evidence"],
        "source_id": rows["source_id"],
    })
    return result


def snapshot(ds: Dataset, as_of=None, platforms=None, reading: str | None = None) -> pd.DataFrame:
    """Where each platform stood on ``as_of``: its stage and since when, under a reading (see ``stage_at``).

    Returns
    -------
    pandas.DataFrame
        ``platform``, ``stage``, ``stage_name``, ``since``, ``days_in_stage``, ``mau``
        (millions on ``as_of``, NaN if not covered), one row per platform launched by then.
    """
    end = _as_of(ds, as_of)
    entries = stage_entries(ds, platforms, as_of=end, reading=reading)
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



EVIDENT_KINDS = ("test", "launch", "expansion")  # events that show a tool in use, not only planned


def stage_calls(ds: Dataset, reading_name: str | None = None) -> pd.DataFrame:
    """Each platform's stage 2 and 3 calls under a reading (None: the default) beside the reading's
    rule applied to the events.

    The rule names product kinds (readings.csv); the first test, launch or expansion of a product
    of those kinds (products.csv) in the events is where the rule alone would put the entry.

    Returns
    -------
    pandas.DataFrame
        ``platform``, ``stage``, ``called`` (the entry in stages.csv, NaT if none),
        ``first_event`` (the date the rule gives from the events, NaT if none), ``event``,
        ``product``, ``event_source_id``, ``evidence``; one row per platform with stages and stage 2 or 3.
    """
    rule = reading(ds, reading_name)
    rows = stage_rows(ds, rule.reading)
    kind_of = {(p, name): k for p, name, k in zip(ds.products["platform"], ds.products["product"],
                                                  ds.products["kind"])}
    events = ds.rollouts[ds.rollouts["kind"].isin(EVIDENT_KINDS)].sort_values("date", kind="stable")
    kinds = events.apply(lambda e: kind_of.get((e["platform"], e["product"])), axis=1)
    result = []
    for platform in platforms_with_stages(ds):
        for stage in (2, 3):
            wanted = getattr(rule, f"stage{stage}_kinds").split(" ")
            matching = events[(events["platform"] == platform) & kinds.isin(wanted)]
            call = rows[(rows["platform"] == platform) & (rows["stage"] == stage)]
            first = matching.iloc[0] if len(matching) else None
            result.append({
                "platform": platform, "stage": stage,
                "called": call["started"].iloc[0] if len(call) else pd.NaT,
                "first_event": first["date"] if first is not None else pd.NaT,
                "event": first["event"] if first is not None else None,
                "product": first["product"] if first is not None else None,
                "event_source_id": first["source_id"] if first is not None else None,
                "evidence": call["evidence"].iloc[0] if len(call) else None,
            })
    return pd.DataFrame(result)
