"""Argument checks shared by the analysis functions: clear ValueErrors naming the valid values."""

from __future__ import annotations

import datetime as dt
import difflib
import numbers
import re
from collections.abc import Iterable

import pandas as pd


def choice(name: str, value, valid: Iterable):
    """Return ``value`` if it is one of ``valid``; else raise ValueError listing the valid values."""
    valid = list(valid)
    if value in valid:
        return value
    message = f"unknown {name} {value!r}"
    close = difflib.get_close_matches(str(value), [str(v) for v in valid], n=1)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    raise ValueError(f"{message}; valid values: {', '.join(map(str, valid))}")


def choices(name: str, values, valid: Iterable) -> list:
    """Check every item of ``values`` (a single value is accepted too); return them as a list."""
    valid = list(valid)
    if values is None:
        return valid
    if isinstance(values, str) or not isinstance(values, Iterable):
        values = [values]
    values = [choice(name, v, valid) for v in values]
    if not values:
        raise ValueError(f"no {name} selected; valid values: {', '.join(map(str, valid))}")
    return values


def timestamp(name: str, value) -> pd.Timestamp:
    """A date, datetime or Timestamp, or text exactly YYYY-MM-DD, as a Timestamp; else ValueError."""
    day = None
    if isinstance(value, dt.date) and value is not pd.NaT:
        day = value
    elif isinstance(value, str) and ISO_DATE.fullmatch(value):
        day = _calendar_day(*value.split("-"))
    if day is None:
        raise ValueError(_not_a_date(name, value))
    try:
        return pd.Timestamp(day.year, day.month, day.day)
    except ValueError:  # pandas holds only the years 1677 to 2262
        raise ValueError(f"{name} {value!r} is outside the dates pandas can hold "
                         f"({pd.Timestamp.min.date()} to {pd.Timestamp.max.date()})") from None


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # YYYY-MM-DD, the one date format taken
_YEAR_FIRST = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")  # 2016/11/02, 2016-11-2
_DAY_FIRST = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")  # German: 02.11.2016, 2.11.2016


def _calendar_day(year: str, month: str, day: str) -> dt.date | None:
    """The date, or None where there is no such day (2017-02-30)."""
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _not_a_date(name: str, value) -> str:
    """Why ``value`` is refused, with the ISO date it may have meant."""
    text = str(value).strip()
    if isinstance(value, (str, numbers.Integral)) and re.fullmatch(r"[0-9]{4}", text):
        return f"{name} {value!r}: a bare year is not a date; expected YYYY-MM-DD"
    message = f"{name} {value!r} is not a date; expected YYYY-MM-DD"
    meant = None
    if isinstance(value, str):
        if match := _YEAR_FIRST.fullmatch(text):
            meant = _calendar_day(*match.groups())
        elif match := _DAY_FIRST.fullmatch(text):
            meant = _calendar_day(*reversed(match.groups()))
    return message + (f" (did you mean {meant.isoformat()}?)" if meant else "")


def within(name: str, date: pd.Timestamp, start: pd.Timestamp, end: pd.Timestamp, what: str):
    """Raise ValueError unless start <= date <= end; the message states the covered range."""
    if not start <= date <= end:
        raise ValueError(
            f"{name} {date.date()} is outside the data for {what}: "
            f"covered from {start.date()} to {end.date()}"
        )
