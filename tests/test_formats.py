"""Numbers and dates in English and German, from Babel's locale data."""

import pandas as pd
import pytest

from analysis.formats import age, amount, dated, duration, percent, when

NBSP = "\u00a0"


@pytest.mark.parametrize("precision, en, de", [
    ("day", "4 Mar 2019", "4. März 2019"),
    ("month", "March 2019", "März 2019"),
    ("year", "2019", "2019"),
])
def test_dates(precision, en, de):
    assert when("2019-03-04", precision) == en
    assert when(pd.Timestamp("2019-03-04"), precision, "de") == de


@pytest.mark.parametrize("value, unit, en, de", [
    (1500, "millions", "1.5 billion", f"1,5{NBSP}Mrd."),
    (250, "millions", "250 million", f"250{NBSP}Mio."),
    (999.6, "millions", "1 billion", f"1{NBSP}Mrd."),
    (4.74, "millions", "4.7 million", f"4,7{NBSP}Mio."),
    (43.5, "percent", "43.5%", f"43,5{NBSP}%"),
    (0.94, "millions", "940 thousand", "940.000"),  # under a million: two digits, German in full
    (1.5, "usd_billions", "$1.5 billion", f"1,5{NBSP}Mrd. US-Dollar"),
])
def test_amounts(value, unit, en, de):
    assert amount(value, unit) == en
    assert amount(value, unit, "de") == de


def test_short_amounts_for_chart_ticks():
    assert amount(1234, "millions", short=True) == "1.23B"
    assert amount(850, "millions", "de", short=True) == f"850{NBSP}Mio."


@pytest.mark.parametrize("years, en, de", [
    (0.55, "7 months", "7 Monate"),
    (1.0, "1 year", "1 Jahr"),
    (3.44, "3.4 years", "3,4 Jahre"),
])
def test_durations(years, en, de):
    assert (duration(years), duration(years, "de")) == (en, de)


def test_ages_and_percentages():
    assert (age(2.05), age(10.4, "de")) == ("2 years", "über 10 Jahre")
    assert (percent(0.261), percent(0.261, "de")) == ("26%", f"26{NBSP}%")


@pytest.mark.parametrize("preposition, precision, en, de", [
    ("since", "day", "since 2 Nov 2016", "seit dem 2. November 2016"),
    ("since", "month", "since November 2016", "seit November 2016"),
    ("from", "day", "from 2 Nov 2016", "ab dem 2. November 2016"),
    ("on", "day", "on 2 Nov 2016", "am 2. November 2016"),
    ("on", "month", "in November 2016", "im November 2016"),
    ("on", "year", "in 2016", "im Jahr 2016"),
])
def test_a_date_after_a_preposition_takes_the_article_german_wants_before_a_day(preposition, precision, en, de):
    assert dated("2016-11-02", preposition, precision) == en
    assert dated("2016-11-02", preposition, precision, "de") == de
