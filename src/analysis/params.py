"""Parameters of the notebooks and of the briefing command, checked against the dataset before
anything is computed, drawn or started."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from . import checks, regions, stages
from .data import Dataset
from .schema import LANGUAGES, REGIONS


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
    lang: str = "en"
    reading: str | None = None  # None: the data's default reading


def check(ds: Dataset, *, as_of=None, platforms=None, region=None, platform=None,
          metric=None, lang="en", reading=None) -> Parameters:
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
    lang : {"en", "de"}
        The language of the sentences the notebook writes.
    reading : str, optional
        The rule the stages are called by (readings.csv); the data's default if not given.

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
        lang=_checked("lang", lambda: checks.choice("language", lang, LANGUAGES)),
        reading=None if reading is None else _checked("reading", lambda: stages.reading(ds, reading).reading),
    )


def _checked(name, compute):
    try:
        return compute()
    except ValueError as error:
        raise ParameterError(f"parameter {name!r}: {error}") from None


# --- the briefing's parameters (the notebook template and the command) ---------------------------


class BriefingParameterError(ValueError):
    """A parameter the briefing cannot be rendered with; nothing was started or written."""


@dataclass(frozen=True)
class Parameter:
    """One briefing parameter: its name, type, default and, given the data, its valid values."""

    name: str
    type: str  # "platform", "region", "country", "language", "reading" or "date"
    default: str | None
    help: str

    def valid(self, ds: Dataset) -> list[str] | tuple[str, str]:
        """Valid values (a list), or for a date the covered (first, last) range."""
        if self.type == "platform":
            return stages.platforms_with_stages(ds)
        if self.type == "region":
            return list(REGIONS)
        if self.type == "country":
            return sorted(ds.countries["country"])
        if self.type == "language":
            return list(LANGUAGES)
        if self.type == "reading":
            return stages.reading_names(ds)
        return str(ds.earliest.date()), str(ds.latest.date())


PARAMETERS = (
    Parameter("platform", "platform", "WhatsApp", "the platform the briefing is about"),
    Parameter("region", "region", None, "a region to highlight (default: none)"),
    Parameter("country", "country", None, "instead of a region, a country to focus on (ISO code) and "
                                          "compare with its region"),
    Parameter("as_of", "date", None, "the date of the briefing, YYYY-MM-DD (default: the end of the data)"),
    Parameter("lang", "language", "en", "the language of the briefing's words and formats"),
    Parameter("reading", "reading", None, "the rule the stages are called by (readings.csv; default: the "
                                          "data's default reading)"),
)
_BY_NAME = {p.name: p for p in PARAMETERS}


def validate(ds: Dataset, values: dict) -> dict:
    """Check briefing parameters against the data before any kernel starts.

    Parameters
    ----------
    ds : Dataset
    values : dict
        Parameter names to values; missing or None ones take their defaults.

    Returns
    -------
    dict
        ``platform``, ``region`` (or None), ``country`` (or None), ``as_of`` as ``YYYY-MM-DD`` and
        ``lang`` and ``reading`` (None for the data's default reading). With a country, ``region``
        is the country's region.

    Raises
    ------
    BriefingParameterError
        Unknown name, wrong type, a value not in the data (with a "did you mean"), a date
        outside the data or before the platform's launch, a region and a country together.
    """
    for name in values:
        if name not in _BY_NAME:
            close = difflib.get_close_matches(name, list(_BY_NAME), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise BriefingParameterError(f"unknown parameter {name!r}{hint}; parameters: "
                                         f"{', '.join(_BY_NAME)}")
    result = {}
    for parameter in PARAMETERS:
        value = values.get(parameter.name)
        if value is None:
            value = parameter.default
        if value is None:
            result[parameter.name] = None
            continue
        if not isinstance(value, str) and not (parameter.type == "date" and hasattr(value, "year")):
            raise BriefingParameterError(f"parameter {parameter.name!r} must be text, got "
                                         f"{type(value).__name__} {value!r}")
        try:
            if parameter.type == "date":
                first, last = parameter.valid(ds)
                when = checks.timestamp("date", value)
                checks.within("date", when, checks.timestamp("first", first),
                              checks.timestamp("last", last), "the briefings")
                result[parameter.name] = str(when.date())
            else:
                value = value.upper() if parameter.type == "country" else value
                result[parameter.name] = checks.choice(parameter.type, value, parameter.valid(ds))
        except ValueError as error:
            raise BriefingParameterError(f"parameter {parameter.name!r}: {error}") from None
    if result["country"] is not None:
        own = str(ds.countries.set_index("country").loc[result["country"], "region"])
        if result["region"] not in (None, own):
            raise BriefingParameterError(f"give a region or a country, not both: {result['country']} is in "
                                         f"{own}, and its briefing compares it with that region")
        result["region"] = own
    launched = ds.platforms.set_index("platform").loc[result["platform"], "launched"]
    as_of = result["as_of"] or str(ds.latest.date())
    if as_of < str(launched.date()):
        raise BriefingParameterError(f"parameter 'as_of': {as_of} is before {result['platform']} "
                                     f"launched ({launched.date()})")
    result["as_of"] = as_of
    if result["reading"] == stages.reading_names(ds)[0]:
        result["reading"] = None  # the default: the same briefing, and file, as without it
    return result
