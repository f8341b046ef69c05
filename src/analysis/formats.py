"""How numbers and dates read in every text: '1.2 B', '84 %', '2 Nov 2016', 'Nov 2016', '3.4 years'."""

from __future__ import annotations

import pandas as pd


def when(date, precision: str = "day") -> str:
    """'2 Nov 2016'; 'Nov 2016' for a month-only date; '2019' for a year."""
    date = pd.Timestamp(date)
    if precision == "year":
        return str(date.year)
    if precision == "month":
        return f"{date:%b %Y}"
    return f"{date.day} {date:%b %Y}"


def amount(value: float, unit: str) -> str:
    """'1.2 B', '850 M', '4.7 M' (millions), '84 %', '$10.6 B', else the value and its unit."""
    if unit == "percent":
        return f"{value:g} %"
    if unit == "usd_billions":
        return f"${value:g} B"
    if unit != "millions":
        return f"{value:g} {unit}"
    if value >= 999.5:  # what would print as "1000 M" is a billion
        return f"{value / 1000:.2f}".rstrip("0").rstrip(".") + " B"
    return f"{value:.0f} M" if value >= 10 else f"{value:.1f}".rstrip("0").rstrip(".") + " M"


def duration(years: float) -> str:
    """'7 months', '1.0 year', '3.4 years'."""
    if years < 1:
        months = max(1, round(years * 12))
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{years:.1f} year{'s' if f'{years:.1f}' != '1.0' else ''}"


def age(years: float) -> str:
    """'2 years', 'over 10 years'."""
    whole = int(years)
    return f"{'over ' if years - whole >= 0.1 else ''}{whole} year{'s' if whole != 1 else ''}"


def percent(rate: float) -> str:
    return f"{rate:.0%}".replace("%", " %")


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
