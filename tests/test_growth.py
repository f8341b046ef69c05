"""growth: reported figures, log-linear interpolation, monthly series, growth rates, milestones.

The miniature dataset (tests/factory.py) has Messenger mau 100 (2014-01-01), 400 (2016-01-01),
1600 (2018-01-01): it quadruples every two years, so it doubles every year and the log-linear
midpoint of 100 and 400 is 200. WhatsApp has one dau figure (1000 on 2019-01-01) and no platform
has registered-account figures.
"""

import re

import numpy as np
import pandas as pd
import pytest
from factory import make_dataset

from analysis import growth


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("growth") / "d")


# --- reported ----------------------------------------------------------------------------------


def test_reported_returns_the_figures_oldest_first(mini):
    series = growth.reported(mini, "Messenger")
    assert list(series.index) == [pd.Timestamp(d) for d in ("2014-01-01", "2016-01-01", "2018-01-01")]
    assert list(series) == [100, 400, 1600]


def test_reported_sorts_figures_given_out_of_order(tmp_path):
    counts = [("Messenger", "2018-01-01", "mau", "1600", "src-a", ""),
              ("Messenger", "2014-01-01", "mau", "100", "src-a", "")]
    ds = make_dataset(tmp_path / "d", user_counts=counts)
    assert list(growth.reported(ds, "Messenger")) == [100, 1600]


def test_reported_selects_the_metric(mini):
    assert list(growth.reported(mini, "WhatsApp", "dau")) == [1000]


def test_reported_refuses_an_unknown_platform_listing_the_platforms(mini):
    message = "unknown platform 'Signal'.*valid values: Instagram, Messenger, WhatsApp, Telegram"
    with pytest.raises(ValueError, match=message):
        growth.reported(mini, "Signal")


def test_reported_refuses_an_unknown_metric_listing_the_metrics(mini):
    with pytest.raises(ValueError, match="unknown metric 'wau'.*valid values: mau, dau, registered"):
        growth.reported(mini, "Messenger", "wau")


def test_reported_says_which_platforms_have_figures_when_one_has_none(mini):
    with pytest.raises(ValueError, match="no mau figures for Telegram; platforms with mau figures: "
                                         "Instagram, Messenger, WhatsApp"):
        growth.reported(mini, "Telegram")


# --- mau_at ------------------------------------------------------------------------------------


def test_mau_at_a_reported_date_is_the_reported_figure(mini):
    assert growth.mau_at(mini, "Messenger", "2016-01-01") == pytest.approx(400)


def test_mau_at_is_log_linear_between_figures(mini):
    # 2015-01-01 is 365 of the 730 days from 100 to 400: the geometric midpoint, 200.
    assert growth.mau_at(mini, "Messenger", "2015-01-01") == pytest.approx(200)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_mau_at_and_mau_on_read_a_date_in_any_unit(mini, unit):
    day = pd.Timestamp("2015-01-01").as_unit(unit)
    assert growth.mau_at(mini, "Messenger", day) == pytest.approx(200)
    assert growth.mau_on(mini, ["Messenger"], [day]) == pytest.approx([200])


def test_mau_at_includes_the_first_and_last_figure(mini):
    assert growth.mau_at(mini, "Messenger", "2014-01-01") == pytest.approx(100)
    assert growth.mau_at(mini, "Messenger", "2018-01-01") == pytest.approx(1600)


def test_mau_at_uses_the_chosen_metric(mini):
    assert growth.mau_at(mini, "WhatsApp", "2019-01-01", metric="dau") == pytest.approx(1000)


@pytest.mark.parametrize("day", ["2013-12-31", "2018-01-02"])
def test_mau_at_refuses_a_date_outside_the_figures_and_gives_the_range(mini, day):
    message = f"date {day} is outside the data for Messenger mau: covered from 2014-01-01 to 2018-01-01"
    with pytest.raises(ValueError, match=re.escape(message)):
        growth.mau_at(mini, "Messenger", day)


def test_mau_at_refuses_text_that_is_not_a_date(mini):
    with pytest.raises(ValueError, match="date 'mid-2015' is not a date"):
        growth.mau_at(mini, "Messenger", "mid-2015")


def test_mau_at_refuses_an_unknown_platform(mini):
    with pytest.raises(ValueError, match="unknown platform 'Messanger'"):
        growth.mau_at(mini, "Messanger", "2015-01-01")


# --- monthly_series ----------------------------------------------------------------------------


def test_monthly_series_has_one_row_per_month_start_between_the_figures(mini):
    series = growth.monthly_series(mini, "Messenger")
    assert len(series) == 49  # 2014-01 .. 2018-01
    assert series["date"].iloc[0] == pd.Timestamp("2014-01-01")
    assert series["date"].iloc[-1] == pd.Timestamp("2018-01-01")
    at = series.set_index("date")["users_millions"]
    assert at[pd.Timestamp("2015-01-01")] == pytest.approx(200)
    assert at[pd.Timestamp("2016-01-01")] == pytest.approx(400)


def test_monthly_series_keeps_first_and_last_figure_when_not_on_a_month_start(tmp_path):
    counts = [("Messenger", "2014-01-15", "mau", "100", "src-a", ""),
              ("Messenger", "2014-03-15", "mau", "200", "src-a", "")]
    series = growth.monthly_series(make_dataset(tmp_path / "d", user_counts=counts), "Messenger")
    assert list(series["date"]) == [pd.Timestamp(d) for d in
                                    ("2014-01-15", "2014-02-01", "2014-03-01", "2014-03-15")]
    assert series["users_millions"].iloc[0] == pytest.approx(100)
    assert series["users_millions"].iloc[-1] == pytest.approx(200)


def test_monthly_series_covers_every_platform_with_figures_by_default(mini):
    series = growth.monthly_series(mini)
    assert list(series["platform"].unique()) == ["Instagram", "Messenger", "WhatsApp"]
    assert list(series["platform"].cat.categories[:4]) == ["Facebook", "Instagram", "Messenger", "WhatsApp"]


def test_monthly_series_of_a_single_figure_is_one_row(mini):
    # BUG: with one figure, series.index[[0, -1]] holds the same date twice and the union keeps
    # both, so the date appears twice (real data: Viber 'registered').
    series = growth.monthly_series(mini, "WhatsApp", metric="dau")
    assert list(series["date"]) == [pd.Timestamp("2019-01-01")]


def test_monthly_series_refuses_a_platform_without_figures_listing_those_with(mini):
    message = "unknown platform 'Telegram'; valid values: Instagram, Messenger, WhatsApp"
    with pytest.raises(ValueError, match=message):
        growth.monthly_series(mini, "Telegram")


def test_monthly_series_refuses_an_empty_selection(mini):
    with pytest.raises(ValueError, match="no platform selected"):
        growth.monthly_series(mini, [])


def test_monthly_series_refuses_an_unknown_metric(mini):
    with pytest.raises(ValueError, match="unknown metric 'weekly'.*valid values: mau, dau, registered"):
        growth.monthly_series(mini, metric="weekly")


def test_monthly_series_names_a_metric_no_platform_has(mini):
    # BUG: with no platform having the metric, pd.concat([]) raises "No objects to concatenate",
    # which does not name the metric.
    with pytest.raises(ValueError, match="registered"):
        growth.monthly_series(mini, metric="registered")


# --- growth_rates ------------------------------------------------------------------------------


def test_growth_rates_between_consecutive_figures(mini):
    rates = growth.growth_rates(mini, "Messenger")
    assert list(rates["start"]) == [pd.Timestamp("2014-01-01"), pd.Timestamp("2016-01-01")]
    assert list(rates["end"]) == [pd.Timestamp("2016-01-01"), pd.Timestamp("2018-01-01")]
    assert list(rates["users_start"]) == [100, 400]
    assert list(rates["users_end"]) == [400, 1600]
    assert list(rates["added_millions"]) == [300, 1200]
    assert list(rates["months"]) == [24.0, 24.0]
    # x4 in two years is +100 % a year (730 and 731 days are not exactly two years)
    assert list(rates["annual_growth"]) == [pytest.approx(1.0, abs=0.002)] * 2


def test_growth_rates_can_be_negative(tmp_path):
    counts = [("Messenger", "2014-01-01", "mau", "400", "src-a", ""),
              ("Messenger", "2016-01-01", "mau", "100", "src-a", "")]
    rates = growth.growth_rates(make_dataset(tmp_path / "d", user_counts=counts), "Messenger")
    assert rates["added_millions"].tolist() == [-300]
    assert rates["annual_growth"].iloc[0] == pytest.approx(-0.5, abs=0.001)


def test_growth_rates_needs_two_figures(mini):
    with pytest.raises(ValueError, match="WhatsApp has a single dau figure; growth needs two"):
        growth.growth_rates(mini, "WhatsApp", "dau")


def test_growth_rates_refuses_an_unknown_platform(mini):
    with pytest.raises(ValueError, match="unknown platform 'Skype'"):
        growth.growth_rates(mini, "Skype")


# --- date_reached ------------------------------------------------------------------------------


def test_date_reached_interpolates_between_figures(mini):
    # 200 is the log-midpoint of 100 (2014-01-01) and 400 (2016-01-01): 365 of 730 days.
    assert growth.date_reached(mini, "Messenger", 200) == pd.Timestamp("2015-01-01")


def test_date_reached_gives_the_day_the_crossing_falls_on(mini):
    # 800 is the log-midpoint of 400 (2016-01-01) and 1600 (2018-01-01): 365.5 of 731 days,
    # i.e. noon on 2016-12-31.
    assert growth.date_reached(mini, "Messenger", 800) == pd.Timestamp("2016-12-31")


def test_date_reached_of_a_reported_figure_is_its_date(mini):
    assert growth.date_reached(mini, "Messenger", 100) == pd.Timestamp("2014-01-01")
    assert growth.date_reached(mini, "Messenger", 400) == pd.Timestamp("2016-01-01")
    assert growth.date_reached(mini, "Messenger", 1600) == pd.Timestamp("2018-01-01")


def test_date_reached_refuses_a_size_never_reached(mini):
    with pytest.raises(ValueError, match=r"Messenger never reached 2000 M mau in the data "
                                         r"\(largest figure: 1600 M on 2018-01-01\)"):
        growth.date_reached(mini, "Messenger", 2000)


def test_date_reached_refuses_a_size_passed_before_the_first_figure(mini):
    message = "Messenger already had 100 M mau at its first figure (2014-01-01)"
    with pytest.raises(ValueError, match=re.escape(message)):
        growth.date_reached(mini, "Messenger", 50)


@pytest.mark.parametrize("size", [0, -5])
def test_date_reached_refuses_a_size_that_is_not_positive(mini, size):
    with pytest.raises(ValueError, match=f"users_millions must be positive, got {size}"):
        growth.date_reached(mini, "Messenger", size)


def test_date_reached_refuses_an_unknown_metric(mini):
    with pytest.raises(ValueError, match="unknown metric 'users'"):
        growth.date_reached(mini, "Messenger", 200, metric="users")


# --- the real data -----------------------------------------------------------------------------


def test_real_messenger_reached_one_billion_on_its_announcement_day(ds):
    assert growth.date_reached(ds, "Messenger", 1000) == pd.Timestamp("2016-07-20")


def test_real_messenger_figures_run_from_april_2014_to_september_2017(ds):
    message = "covered from 2014-04-01 to 2017-09-14"
    with pytest.raises(ValueError, match=message):
        growth.mau_at(ds, "Messenger", "2014-03-31")
    with pytest.raises(ValueError, match=message):
        growth.mau_at(ds, "Messenger", "2017-09-15")


def test_real_messenger_grew_between_every_pair_of_figures(ds):
    rates = growth.growth_rates(ds, "Messenger")
    assert len(rates) == 8
    assert (rates["added_millions"] > 0).all()


def test_real_monthly_series_stays_within_each_platforms_figures(ds):
    series = growth.monthly_series(ds)
    for platform, rows in series.groupby("platform", observed=True):
        figures = growth.reported(ds, str(platform))
        assert rows["date"].min() == figures.index[0]
        assert rows["date"].max() == figures.index[-1]


def test_mau_on_refuses_dates_not_written_yyyy_mm_dd(ds):
    with pytest.raises(ValueError, match=r"did you mean 2017-02-01\?"):
        growth.mau_on(ds, ["Messenger"], ["01.02.2017"])
    assert growth.mau_on(ds, ["Messenger"], ["2017-02-01"])[0] == pytest.approx(
        growth.mau_at(ds, "Messenger", "2017-02-01"))


def test_mau_on_gives_what_mau_at_gives(ds):
    platforms, dates, expected = [], [], []
    for platform in ds.platform_names:
        for date in ds.user_counts["date"].drop_duplicates().sort_values()[::7]:
            platforms.append(platform)
            dates.append(date)
            try:
                expected.append(growth.mau_at(ds, platform, date))
            except ValueError:
                expected.append(np.nan)
    np.testing.assert_array_equal(growth.mau_on(ds, platforms, dates), np.array(expected))
