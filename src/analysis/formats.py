"""How numbers and dates read in every text, in English or German, from Babel's locale data.

English: '1.2 billion', '84%', '2 Nov 2016', 'November 2016', '3.4 years', 'since 2 Nov 2016'.
German: '1,2 Mrd.', '84 %', '2. November 2016', 'November 2016', '3,4 Jahre', 'seit dem 2. November 2016'.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from babel.units import format_unit

_DAY = {"en": "d MMM y", "de": "d. MMMM y"}
_OVER = {"en": "over", "de": "über"}
_QUARTER = {"en": "QQQ y", "de": "QQQQ y"}
_DOLLARS = {"usd_millions": 1e6, "usd_billions": 1e9}  # US dollars in these units
# A preposition before a day, and before a month or a year: German takes the article before a day.
_PREPOSITIONS = {
    ("since", "en"): ("since", "since", "since"), ("since", "de"): ("seit dem", "seit", "seit"),
    ("from", "en"): ("from", "from", "from"), ("from", "de"): ("ab dem", "ab", "ab"),
    ("on", "en"): ("on", "in", "in"), ("on", "de"): ("am", "im", "im Jahr"),
}


def when(date, precision: str = "day", lang: str = "en") -> str:
    """'2 Nov 2016' ('2. November 2016'); 'November 2016' for a month-only date; '2019' for a year."""
    date = pd.Timestamp(date)
    if precision == "year":
        return str(date.year)
    pattern = "MMMM y" if precision == "month" else _DAY[lang]
    return format_date(date.date(), pattern, locale=lang)


def dated(date, preposition: str, precision: str = "day", lang: str = "en") -> str:
    """A date after a preposition ("since", "from" or "on"), as the language writes it before a day
    or a month: 'since 2 Nov 2016', 'seit dem 2. November 2016', 'seit Juni 2012', 'am 2. Mai
    2024', 'im Mai 2024', 'in May 2024'."""
    before_day, before_month, before_year = _PREPOSITIONS[(preposition, lang)]
    word = {"day": before_day, "month": before_month, "year": before_year}[precision]
    return f"{word} {when(date, precision, lang)}"


def amount(value: float, unit: str, lang: str = "en", *, short: bool = False) -> str:
    """A figure in its unit: '1.14 billion', '250 million' (millions; German '1,14 Mrd.', '250 Mio.'),
    '84%' ('84 %'), '$10.6 billion' ('10,6 Mrd. US-Dollar', from usd_billions or usd_millions),
    940 thousand ('940.000'). ``short`` gives '1.14B' for chart ticks."""
    if unit == "percent":
        return format_percent(Decimal(str(value)) / 100, locale=lang, decimal_quantization=False)
    if unit in _DOLLARS:
        figure = _compact(value * _DOLLARS[unit], lang, short)
        return f"{figure} US-Dollar" if lang == "de" else f"${figure}"
    if unit != "millions":
        return f"{format_decimal(value, locale=lang)} {unit}"
    # 999.6 million reads as 1 billion; under a million, two significant digits (0.94 -> 940 thousand)
    rounded = round(value) if value >= 10 else round(value, 1) if value >= 1 else float(f"{value:.2g}")
    return _compact(rounded * 1e6, lang, short)


def _compact(number: float, lang: str, short: bool) -> str:
    if lang == "de" and abs(number) < 1e6:  # German has no short form for thousands: '940.000'
        return format_decimal(round(number), locale=lang)
    form = "short" if short or lang == "de" else "long"
    return format_compact_decimal(number, format_type=form, locale=lang, fraction_digits=2)


def quarter(period: str, lang: str = "en", *, short: bool = False) -> str:
    """'Q3 2025' ('3. Quartal 2025') for the period '2025-Q3'; ``short`` gives 'Q3 2025' in German too."""
    return format_date(pd.Period(period, freq="Q").start_time.date(), "QQQ y" if short else _QUARTER[lang],
                       locale=lang)


def duration(years: float, lang: str = "en") -> str:
    """'7 months', '1 year', '3.4 years' ('7 Monate', '3,4 Jahre')."""
    if years < 1:
        return format_unit(max(1, round(years * 12)), "duration-month", length="long", locale=lang)
    return format_unit(round(years, 1), "duration-year", length="long", locale=lang)


def age(years: float, lang: str = "en") -> str:
    """'2 years', 'over 10 years' ('über 10 Jahre')."""
    whole = int(years)
    text = format_unit(whole, "duration-year", length="long", locale=lang)
    return f"{_OVER[lang]} {text}" if years - whole >= 0.1 else text


def percent(rate: float, lang: str = "en") -> str:
    """0.26 -> '26%' ('26 %')."""
    return format_percent(round(rate, 2), locale=lang)


def ordinal(n: int) -> str:
    """'1st', '22nd' (English; German sentences say 'Platz 3')."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
