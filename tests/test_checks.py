"""checks: argument checks that raise ValueErrors naming the bad value and the valid ones."""

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import checks, params

PLATFORMS = ("Instagram", "Messenger", "WhatsApp")


# --- choice ------------------------------------------------------------------------------------


def test_choice_returns_a_valid_value():
    assert checks.choice("platform", "Messenger", PLATFORMS) == "Messenger"


def test_choice_refuses_an_unknown_value_and_lists_the_valid_ones():
    message = "unknown platform 'Signal'; valid values: Instagram, Messenger, WhatsApp"
    with pytest.raises(ValueError, match=message):
        checks.choice("platform", "Signal", PLATFORMS)


def test_choice_suggests_a_close_match():
    with pytest.raises(ValueError, match=r"did you mean 'Messenger'\?"):
        checks.choice("platform", "Mesenger", PLATFORMS)


def test_choice_is_case_sensitive():
    with pytest.raises(ValueError, match="unknown platform 'whatsapp'"):
        checks.choice("platform", "whatsapp", PLATFORMS)


def test_choice_works_for_numbers():
    assert checks.choice("stage", 3, (2, 3)) == 3
    with pytest.raises(ValueError, match="unknown stage 1; valid values: 2, 3"):
        checks.choice("stage", 1, (2, 3))


# --- choices -----------------------------------------------------------------------------------


def test_choices_none_means_every_valid_value():
    assert checks.choices("platform", None, PLATFORMS) == list(PLATFORMS)


def test_choices_wraps_a_single_string():
    assert checks.choices("platform", "WhatsApp", PLATFORMS) == ["WhatsApp"]


def test_choices_wraps_a_single_number():
    assert checks.choices("stage", 2, (2, 3)) == [2]


def test_choices_keeps_the_given_order():
    assert checks.choices("platform", ("WhatsApp", "Instagram"), PLATFORMS) == ["WhatsApp", "Instagram"]


def test_choices_names_the_first_unknown_item():
    with pytest.raises(ValueError, match="unknown platform 'Line'"):
        checks.choices("platform", ["WhatsApp", "Line"], PLATFORMS)


def test_choices_refuses_an_empty_selection_and_lists_the_valid_values():
    message = "no platform selected; valid values: Instagram, Messenger, WhatsApp"
    with pytest.raises(ValueError, match=message):
        checks.choices("platform", [], PLATFORMS)


# --- timestamp ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2017-01-25", dt.date(2017, 1, 25), pd.Timestamp("2017-01-25"),
                                   dt.datetime(2017, 1, 25, 15, 30)])
def test_timestamp_accepts_text_dates_and_timestamps_and_drops_the_time(value):
    assert checks.timestamp("date", value) == pd.Timestamp("2017-01-25")


@pytest.mark.parametrize("value", ["soon", "2017-02-30", None, ""])
def test_timestamp_refuses_what_is_not_a_date_and_names_it(value):
    with pytest.raises(ValueError, match=re.escape(f"date {value!r} is not a date; expected YYYY-MM-DD")):
        checks.timestamp("date", value)


@pytest.mark.parametrize("value", [2017, 2017.0, np.int64(2017)])
def test_timestamp_refuses_a_bare_year_number(value):
    # pd.Timestamp(2017) is 2017 nanoseconds after 1970-01-01: a year (also a numpy integer,
    # as taken from a DataFrame column) must be refused, not read as 1970-01-01.
    with pytest.raises(ValueError, match=r"date .*2017.* is not a date"):
        checks.timestamp("date", value)


# Table-driven: each way of writing a date that is not YYYY-MM-DD, and what the message says.
NOT_ISO = {
    "02.11.2016": "is not a date; expected YYYY-MM-DD (did you mean 2016-11-02?)",  # German
    "2.11.2016": "(did you mean 2016-11-02?)",
    "02.1.2016": "(did you mean 2016-01-02?)",
    "13.11.2016": "(did you mean 2016-11-13?)",
    "01.02.2017": "(did you mean 2017-02-01?)",
    "2016/11/02": "(did you mean 2016-11-02?)",
    "2016.11.02": "(did you mean 2016-11-02?)",
    "2016-11-2": "(did you mean 2016-11-02?)",
    " 2016-11-02": "(did you mean 2016-11-02?)",
    "2016-11-02\n": "(did you mean 2016-11-02?)",
    "2016": ": a bare year is not a date; expected YYYY-MM-DD",
    "31.02.2016": "is not a date; expected YYYY-MM-DD",  # no such day: nothing to suggest
    "02/11/2016": "is not a date; expected YYYY-MM-DD",  # day or month first? no guess
    "11/02/2016": "is not a date; expected YYYY-MM-DD",
    "20161102": "is not a date; expected YYYY-MM-DD",
    "2016-11-02T10:00": "is not a date; expected YYYY-MM-DD",
    "2016-11-02 10:00:00": "is not a date; expected YYYY-MM-DD",
    "Nov 2, 2016": "is not a date; expected YYYY-MM-DD",
    "2016-11": "is not a date; expected YYYY-MM-DD",
    "\uff12\uff10\uff11\uff16-11-02": "is not a date; expected YYYY-MM-DD",  # full-width digits
    "2017-02-29": "is not a date; expected YYYY-MM-DD",
}


@pytest.mark.parametrize("value", sorted(NOT_ISO))
def test_timestamp_accepts_only_iso_text_and_suggests_the_iso_date(value):
    with pytest.raises(ValueError) as caught:
        checks.timestamp("as_of", value)
    message = str(caught.value)
    assert message.startswith(f"as_of {value!r}")
    assert message.endswith(NOT_ISO[value])
    if "did you mean" not in NOT_ISO[value]:
        assert "did you mean" not in message


@pytest.mark.parametrize("value", [pd.NaT, np.datetime64("2017-01-25"), True, [2017, 1, 25]])
def test_timestamp_refuses_other_objects(value):
    with pytest.raises(ValueError, match="is not a date; expected YYYY-MM-DD"):
        checks.timestamp("date", value)


@pytest.mark.parametrize("value", ["2016-02-29", "1990-01-01", "2262-04-11"])
def test_timestamp_accepts_every_real_calendar_day(value):
    assert checks.timestamp("date", value) == pd.Timestamp(value)


def test_timestamp_drops_the_time_zone():
    aware = dt.datetime(2017, 1, 25, 23, 30, tzinfo=dt.timezone.utc)
    assert checks.timestamp("date", aware) == pd.Timestamp("2017-01-25")


@pytest.mark.parametrize("call", [
    lambda ds: analysis.mau_at(ds, "Messenger", "01.02.2017"),
    lambda ds: analysis.stage_at(ds, "WhatsApp", "01.02.2017"),
    lambda ds: params.check(ds, as_of="01.02.2017"),
])
def test_the_helpers_and_notebook_parameters_refuse_a_german_date(ds, call):
    with pytest.raises(ValueError, match=re.escape("did you mean 2017-02-01?")):
        call(ds)


# --- within ------------------------------------------------------------------------------------

START, END = pd.Timestamp("2014-01-01"), pd.Timestamp("2018-01-01")


@pytest.mark.parametrize("day", ["2014-01-01", "2016-06-15", "2018-01-01"])
def test_within_accepts_dates_in_the_range_ends_included(day):
    assert checks.within("date", pd.Timestamp(day), START, END, "Messenger mau") is None


@pytest.mark.parametrize("day", ["2013-12-31", "2018-01-02"])
def test_within_refuses_a_date_outside_and_states_the_range(day):
    expected = f"date {day} is outside the data for Messenger mau: covered from 2014-01-01 to 2018-01-01"
    with pytest.raises(ValueError, match=re.escape(expected)):
        checks.within("date", pd.Timestamp(day), START, END, "Messenger mau")
