"""Argument checks shared by the analysis functions: clear ValueErrors naming the valid values."""

from __future__ import annotations

import difflib
import numbers
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
    """Parse a date given as text, date or Timestamp; raise ValueError saying what is accepted."""
    result = None
    if not isinstance(value, numbers.Number):  # pandas reads a bare number as nanoseconds since 1970
        try:
            result = pd.Timestamp(value)
        except (TypeError, ValueError):
            pass
    if result is None or result is pd.NaT:
        raise ValueError(f"{name} {value!r} is not a date; expected YYYY-MM-DD") from None
    return result.normalize()


def within(name: str, date: pd.Timestamp, start: pd.Timestamp, end: pd.Timestamp, what: str):
    """Raise ValueError unless start <= date <= end; the message states the covered range."""
    if not start <= date <= end:
        raise ValueError(
            f"{name} {date.date()} is outside the data for {what}: "
            f"covered from {start.date()} to {end.date()}"
        )
