"""Notebook parameters, checked against the dataset before anything is computed or drawn."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import checks, regions
from .data import Dataset
from .schema import REGIONS


class ParameterError(ValueError):
    """A parameter value the data does not hold; the message names the parameter and valid values."""


@dataclass(frozen=True)
class Parameters:
    """Checked parameters: ``as_of`` as a Timestamp, ``platforms`` as a list (None: all)."""

    as_of: pd.Timestamp
    platforms: list[str] | None
    region: str | None
    platform: str | None
    metric: str | None


def check(ds: Dataset, *, as_of=None, platforms=None, region=None, platform=None,
          metric=None) -> Parameters:
    """Check notebook parameters against ``ds``; ``as_of`` defaults to the end of the data.

    Parameters
    ----------
    ds : Dataset
    as_of : str or date, optional
        Between the first stage entry in the data and ``ds.latest``.
    platforms : str or list of str, optional
    region : str, optional
        One of the regions.
    platform : str, optional
        One platform.
    metric : str, optional
        A regional metric (``regions.metrics(ds)``).

    Returns
    -------
    Parameters

    Raises
    ------
    ParameterError
        Naming the parameter, the bad value and the valid values or range.
    """
    try:
        when = ds.latest if as_of is None else checks.timestamp("date", as_of)
        checks.within("date", when, ds.earliest, ds.latest, "the stages")
    except ValueError as error:
        raise ParameterError(f"parameter 'as_of': {error}") from None
    return Parameters(
        as_of=when,
        platforms=None if platforms is None else _checked(
            "platforms", lambda: checks.choices("platform", platforms, ds.platform_names)),
        region=None if region is None else _checked("region", lambda: checks.choice("region", region, REGIONS)),
        platform=None if platform is None else _checked(
            "platform", lambda: checks.choice("platform", platform, ds.platform_names)),
        metric=None if metric is None else _checked(
            "metric", lambda: checks.choice("metric", metric, regions.metrics(ds))),
    )


def _checked(name, compute):
    try:
        return compute()
    except ValueError as error:
        raise ParameterError(f"parameter {name!r}: {error}") from None
