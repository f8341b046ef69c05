"""regions: regional comparisons, users by country, business adoption, B2B/B2C orientation.

The miniature dataset's regions table (tests/factory.py):
  Asia-Pacific  IN WhatsApp users                     200 millions 2017
  Asia-Pacific  IN WhatsApp users                     400 millions 2019
  Latin America BR WhatsApp users                     120 millions 2018
  Asia-Pacific  IN WhatsApp smb_say_helps_grow         84 percent  2018   (hand-made, not real data)
  Latin America BR (none)   enterprises_with_profile   72 percent  2021
and orientations: Europe WhatsApp B2C 2019, Latin America WhatsApp B2B 2019.
"""

import re

import pandas as pd
import pytest
from factory import BASE, make_dataset

from analysis import regions


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("regions") / "d")


def fact(region, country, platform, metric, value, year, unit="millions"):
    return (region, country, platform, metric, str(value), unit, str(year), "src-b", "")


# --- metrics -----------------------------------------------------------------------------------


def test_metrics_lists_the_most_common_first(mini):
    names = regions.metrics(mini)
    assert names[0] == "users"
    assert sorted(names[1:]) == ["enterprises_with_profile", "smb_say_helps_grow"]


# --- compare -----------------------------------------------------------------------------------


def test_compare_keeps_the_newest_figure_per_place_largest_first(mini):
    table = regions.compare(mini, "users")
    assert list(zip(table["label"], table["value"], table["year"])) == [
        ("India", 400, 2019), ("Brazil", 120, 2018)]


def test_compare_can_keep_every_year(mini):
    table = regions.compare(mini, "users", latest=False)
    assert list(table["value"]) == [400, 200, 120]


def test_compare_filters_by_year(mini):
    table = regions.compare(mini, "users", year=2017)
    assert list(zip(table["label"], table["value"])) == [("India", 200)]


def test_compare_filters_by_region(mini):
    assert list(regions.compare(mini, "users", region="Latin America")["label"]) == ["Brazil"]


def test_compare_filters_by_platform(tmp_path):
    rows = [*BASE["regions"], fact("Asia-Pacific", "IN", "Instagram", "users", 210, 2021)]
    table = regions.compare(make_dataset(tmp_path / "d", regions=rows), "users", platform="Instagram")
    assert list(zip(table["label"], table["value"])) == [("India", 210)]


def test_compare_labels_a_region_wide_figure_with_the_region(tmp_path):
    rows = [*BASE["regions"], fact("Latin America", "", "WhatsApp", "users", 300, 2018)]
    table = regions.compare(make_dataset(tmp_path / "d", regions=rows), "users")
    assert list(table["label"]) == ["India", "Latin America", "Brazil"]


def test_compare_returns_the_documented_columns(mini):
    table = regions.compare(mini, "enterprises_with_profile")
    documented = {"label", "region", "country", "platform", "value", "unit", "year", "source_id", "note"}
    assert documented <= set(table.columns)
    assert (table["unit"] == "percent").all()
    assert pd.isna(table["platform"].iloc[0])  # a fact about messaging apps in general


def test_compare_refuses_an_unknown_metric_listing_the_metrics(mini):
    with pytest.raises(ValueError, match="unknown metric 'user'.*valid values: users, "):
        regions.compare(mini, "user")


def test_compare_refuses_a_platform_without_figures_for_the_metric(mini):
    with pytest.raises(ValueError, match="unknown platform 'Telegram'; valid values: WhatsApp$"):
        regions.compare(mini, "users", platform="Telegram")


def test_compare_refuses_an_unknown_region_listing_the_regions(mini):
    message = "unknown region 'Worldwide'; valid values: North America, Latin America"
    with pytest.raises(ValueError, match=message):
        regions.compare(mini, "users", region="Worldwide")


def test_compare_says_which_years_have_figures_when_none_match(mini):
    message = ("no 'users' figures for platform=None, region=None, year=2030, until=None; "
               "years with figures: [2017, 2018, 2019]")
    with pytest.raises(ValueError, match=re.escape(message)):
        regions.compare(mini, "users", year=2030)


def test_compare_refuses_a_region_without_figures(mini):
    with pytest.raises(ValueError, match="no 'users' figures for platform=None, region='Europe'"):
        regions.compare(mini, "users", region="Europe")


# --- users_by_country --------------------------------------------------------------------------


def test_users_by_country_is_whatsapp_by_default(mini):
    table = regions.users_by_country(mini)
    assert list(zip(table["label"], table["value"])) == [("India", 400), ("Brazil", 120)]


def test_users_by_country_refuses_a_platform_without_user_figures(mini):
    with pytest.raises(ValueError, match="unknown platform 'Messenger'; valid values: WhatsApp"):
        regions.users_by_country(mini, "Messenger")


# --- business metrics and adoption -------------------------------------------------------------


def test_business_metrics_pick_metrics_about_business_use(mini):
    assert sorted(regions.business_metrics(mini)) == ["enterprises_with_profile", "smb_say_helps_grow"]


def test_business_adoption_stacks_every_business_metric(mini):
    table = regions.business_adoption(mini)
    assert sorted(zip(table["metric"], table["label"], table["value"])) == [
        ("enterprises_with_profile", "Brazil", 72), ("smb_say_helps_grow", "India", 84)]


# --- orientation -------------------------------------------------------------------------------


def test_orientation_follows_the_regions_order_not_the_alphabet(mini):
    table = regions.orientation(mini)
    assert list(zip(table["region"], table["orientation"])) == [("Latin America", "B2B"), ("Europe", "B2C")]
    assert list(table.columns) == ["region", "country", "platform", "orientation", "year", "source_id"]


# --- the real data -----------------------------------------------------------------------------


def test_real_india_has_the_most_whatsapp_users(ds):
    top = regions.users_by_country(ds).iloc[0]
    assert (top["label"], top["value"], top["year"]) == ("India", 530, 2021)


def test_real_users_by_country_has_one_row_per_country(ds):
    table = regions.users_by_country(ds)
    assert table["country"].is_unique
    assert table.set_index("label").loc["Brazil", "year"] == 2018


def test_real_business_metrics(ds):
    assert set(regions.business_metrics(ds)) == {
        "smb_say_messaging_very_personal", "enterprises_with_profile", "business_app_mau",
        "digitized_smb_prefer_for_sales", "enterprises_selling_online_via_messaging_apps",
        "consumers_messaging_businesses_more_than_before_pandemic",
        "small_businesses_keeping_in_touch_with_customers"}


def test_real_orientation_regions_in_schema_order(ds):
    assert list(regions.orientation(ds)["region"]) == [
        "North America", "Latin America", "Europe", "Middle East & Africa"]


def test_compare_until_keeps_what_was_known_that_year(mini):
    table = regions.compare(mini, "users", platform="WhatsApp", until=2018)
    assert set(table["year"]) <= {2017, 2018}
    assert table.set_index("label").loc["India", "value"] == 200  # the 2019 figure is not known yet


# --- what a briefing of a date may know -------------------------------------------------------


@pytest.fixture(scope="module")
def late_report(tmp_path_factory):
    """India's 2019 figure read from a source published on 1 Mar 2020."""
    sources = [*BASE["sources"], ("src-late", "Later Study", "A later study", "2020-03-01", "https://example.org/l",
                                  "en", "")]
    rows = [(*r[:-2], "src-late", r[-1]) if r[6] == "2019" else r for r in BASE["regions"]]
    return make_dataset(tmp_path_factory.mktemp("late") / "d", sources=sources, regions=rows)


@pytest.mark.parametrize("as_of, years", [("2018-12-31", [2017]), ("2019-12-31", [2017]), ("2020-02-29", [2017]),
                                          ("2020-03-01", [2017, 2019])])
def test_a_figure_is_known_from_its_year_and_its_sources_publication(late_report, as_of, years):
    known = regions.known_by(late_report, as_of)
    india = known[(known["country"] == "IN") & (known["metric"] == "users")]
    assert sorted(india["year"].astype(int)) == years
    assert list(regions.compare(late_report, "users", platform="WhatsApp", region="Asia-Pacific",
                                as_of=as_of)["year"].astype(int)) == [years[-1]]


def test_a_figure_of_a_year_is_unknown_before_its_source_appeared(mini):
    # every miniature figure cites src-b, published 1 Jun 2018: India's 2017 figure is not known before
    assert regions.known_by(mini, "2018-05-31").empty
    assert list(regions.known_by(mini, "2018-06-01")["year"].astype(int)) == [2017, 2018, 2018]


@pytest.fixture(scope="module")
def undated_report(tmp_path_factory):
    """India's 2019 figure read from a source that shows no date."""
    sources = [*BASE["sources"], ("src-undated", "Some Study", "A study", "", "https://example.org/u", "en", "")]
    rows = [(*r[:-2], "src-undated", r[-1]) if r[6] == "2019" else r for r in BASE["regions"]]
    return make_dataset(tmp_path_factory.mktemp("undated") / "d", sources=sources, regions=rows)


@pytest.mark.parametrize("as_of, years", [("2019-12-31", [2017]), ("2020-01-01", [2017, 2019])])
def test_a_figure_from_an_undated_source_is_known_from_the_year_after_its_own(undated_report, as_of, years):
    # a survey of 2019 may have ended after a briefing dated in 2019
    known = regions.known_by(undated_report, as_of)
    india = known[(known["country"] == "IN") & (known["metric"] == "users")]
    assert sorted(india["year"].astype(int)) == years


@pytest.fixture(scope="module")
def month_report(tmp_path_factory):
    """India's 2019 figure read from a source of which only the month, March 2020, is known."""
    sources = [*BASE["sources"], ("src-month", "Monthly", "A study", "2020-03-01", "month", "https://example.org/m",
                                  "en", "2026-11-21", "")]
    rows = [(*r[:-2], "src-month", r[-1]) if r[6] == "2019" else r for r in BASE["regions"]]
    return make_dataset(tmp_path_factory.mktemp("month") / "d", sources=sources, regions=rows)


def test_a_source_dated_by_its_month_counts_as_known_from_the_months_end(month_report):
    known_from = month_report.known_from
    assert known_from["src-month"] == pd.Timestamp("2020-03-31")
    assert known_from["src-b"] == pd.Timestamp("2018-06-01")  # dated to the day: that day
    india = [regions.known_by(month_report, day) for day in ("2020-03-30", "2020-03-31")]
    assert [sorted(k.loc[(k["country"] == "IN") & (k["metric"] == "users"), "year"].astype(int)) for k in india] == [
        [2017], [2017, 2019]]


def test_an_undated_source_has_no_day_it_is_known_from(undated_report):
    assert pd.isna(undated_report.known_from["src-undated"])
