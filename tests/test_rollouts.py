"""rollouts: filtered event lists, the regions events touched, test-to-worldwide lags, first markets.

The miniature dataset's rollouts (tests/factory.py), oldest first:
  2013-11-01 Instagram launch      'Instagram ads'  North America     US
  2015-09-01 Instagram expansion   'Instagram ads'  Worldwide
  2017-01-01 Messenger test        'Home ads'       Asia-Pacific      AU TH
  2017-07-01 Messenger expansion   'Home ads'       Worldwide
  2018-01-01 WhatsApp  launch      'Business app'   Multiple regions  US BR   (stage 2)
  2018-06-01 WhatsApp  announcement 'Status ads'    Worldwide
"""

import pandas as pd
import pytest
from factory import BASE, make_dataset

from analysis import rollouts


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("rollouts") / "d")


def rollout(date, platform, event, kind, product, region, countries="", stage="3"):
    return (date, platform, event, kind, product, stage, region, countries, "src-b", "")


# --- events ------------------------------------------------------------------------------------


def test_events_lists_every_event_oldest_first(mini):
    table = rollouts.events(mini)
    assert list(table["event"]) == ["First ads", "Ads everywhere", "Home ads test", "Home ads worldwide",
                                    "Business app", "Status ads plan"]


def test_events_sorts_rows_given_out_of_order_by_date_then_platform(tmp_path):
    rows = [rollout("2018-01-01", "WhatsApp", "W", "launch", "W", "Worldwide"),
            rollout("2014-01-01", "Messenger", "M", "launch", "M", "Worldwide"),
            rollout("2018-01-01", "Instagram", "I", "launch", "I", "Worldwide")]
    table = rollouts.events(make_dataset(tmp_path / "d", rollouts=rows))
    assert list(table["event"]) == ["M", "I", "W"]


def test_events_filters_by_platform(mini):
    table = rollouts.events(mini, platforms="Messenger")
    assert list(table["event"]) == ["Home ads test", "Home ads worldwide"]


def test_events_filters_by_kinds(mini):
    assert list(rollouts.events(mini, kinds="test")["event"]) == ["Home ads test"]
    assert list(rollouts.events(mini, kinds=["launch", "announcement"])["event"]) == [
        "First ads", "Business app", "Status ads plan"]


def test_events_filters_by_stage(mini):
    assert list(rollouts.events(mini, stage=2)["event"]) == ["Business app"]
    assert len(rollouts.events(mini, stage=3)) == 5


def test_events_as_of_keeps_events_on_or_before_the_date(mini):
    assert list(rollouts.events(mini, as_of="2017-01-01")["event"]) == ["First ads", "Ads everywhere",
                                                                        "Home ads test"]


def test_events_in_a_region_include_worldwide_events(mini):
    assert list(rollouts.events(mini, region="Asia-Pacific")["event"]) == [
        "Ads everywhere", "Home ads test", "Home ads worldwide", "Status ads plan"]


def test_events_in_a_region_can_leave_out_worldwide_events(mini):
    table = rollouts.events(mini, region="Asia-Pacific", include_worldwide=False)
    assert list(table["event"]) == ["Home ads test"]


def test_events_in_a_region_match_by_any_of_their_countries(mini):
    table = rollouts.events(mini, region="Latin America", include_worldwide=False)
    assert list(table["event"]) == ["Business app"]  # US BR: Brazil is in Latin America


def test_events_regions_column_names_the_regions_touched(mini):
    regions = rollouts.events(mini).set_index("event")["regions"]
    assert regions["Home ads test"] == "Asia-Pacific"
    assert regions["Business app"] == "North America, Latin America"
    assert regions["Home ads worldwide"] == ""


def test_events_filters_combine(mini):
    table = rollouts.events(mini, platforms=["Instagram", "Messenger"], kinds="expansion", as_of="2016-12-31")
    assert list(table["event"]) == ["Ads everywhere"]


def test_events_refuses_an_unknown_platform(mini):
    message = "unknown platform 'Signal'; valid values: Instagram, Messenger, WhatsApp, Telegram"
    with pytest.raises(ValueError, match=message):
        rollouts.events(mini, platforms="Signal")


def test_events_refuses_an_unknown_kind(mini):
    message = "unknown kind 'pilot'; valid values: announcement, test, launch, expansion, shelved"
    with pytest.raises(ValueError, match=message):
        rollouts.events(mini, kinds="pilot")


def test_events_refuses_an_empty_selection_of_kinds(mini):
    with pytest.raises(ValueError, match="no kind selected"):
        rollouts.events(mini, kinds=[])


@pytest.mark.parametrize("stage", [1, 4])
def test_events_refuses_a_stage_other_than_2_or_3(mini, stage):
    with pytest.raises(ValueError, match=f"unknown stage {stage}; valid values: 2, 3"):
        rollouts.events(mini, stage=stage)


def test_events_refuses_worldwide_as_a_region(mini):
    message = ("unknown region 'Worldwide'; valid values: "
               "North America, Latin America, Europe, Middle East & Africa, Asia-Pacific")
    with pytest.raises(ValueError, match=message):
        rollouts.events(mini, region="Worldwide")


def test_events_refuses_as_of_that_is_not_a_date(mini):
    with pytest.raises(ValueError, match="as_of 'last year' is not a date"):
        rollouts.events(mini, as_of="last year")


def test_events_refuses_as_of_before_the_data(mini):
    # GAP: as_of is not checked against the data; a date before the first event silently gives
    # an empty table, where stages.snapshot refuses it and states the covered range.
    with pytest.raises(ValueError, match="1990-01-01.*covered from 2009-01-01"):
        rollouts.events(mini, as_of="1990-01-01")


# --- event_regions -----------------------------------------------------------------------------


def test_event_regions_follow_the_countries_in_region_order(tmp_path):
    rows = [rollout("2019-01-01", "Telegram", "Ads test", "test", "Ads", "Multiple regions", "AU DE"),
            rollout("2019-02-01", "Telegram", "EU launch", "launch", "Ads", "Europe"),
            rollout("2019-03-01", "Telegram", "World launch", "launch", "Ads", "Worldwide")]
    touched = rollouts.event_regions(make_dataset(tmp_path / "d", rollouts=rows))
    # Europe comes before Asia-Pacific in the schema, whatever the order of the codes
    assert list(touched) == [("Europe", "Asia-Pacific"), ("Europe",), ()]


def test_event_regions_align_with_the_rollouts_table(mini):
    touched = rollouts.event_regions(mini)
    assert touched.index.equals(mini.rollouts.index)
    assert touched[2] == ("Asia-Pacific",)


# --- launch_lags -------------------------------------------------------------------------------


def test_launch_lags_measure_first_test_to_worldwide(mini):
    lags = rollouts.launch_lags(mini).set_index("product")
    assert lags.loc["Home ads", "first_date"] == pd.Timestamp("2017-01-01")
    assert lags.loc["Home ads", "first_kind"] == "test"
    assert lags.loc["Home ads", "first_where"] == "AU TH"
    assert lags.loc["Home ads", "worldwide_date"] == pd.Timestamp("2017-07-01")
    assert lags.loc["Home ads", "lag_days"] == 181  # 31+28+31+30+31+30


def test_launch_lags_from_a_launch(mini):
    lags = rollouts.launch_lags(mini).set_index("product")
    # 2013-11-01 -> 2014-11-01 is 365 days, -> 2015-09-01 another 304
    assert lags.loc["Instagram ads", "lag_days"] == 669
    assert lags.loc["Instagram ads", "first_where"] == "US"


def test_launch_lags_leave_the_lag_empty_when_never_worldwide(mini):
    row = rollouts.launch_lags(mini).set_index("product").loc["Business app"]
    assert pd.isna(row["worldwide_date"])
    assert pd.isna(row["lag_days"])


def test_launch_lags_skip_products_only_announced(mini):
    assert list(rollouts.launch_lags(mini)["product"]) == ["Instagram ads", "Home ads", "Business app"]


def test_launch_lags_of_a_worldwide_launch_is_zero_and_names_the_region(tmp_path):
    rows = [rollout("2019-02-01", "Telegram", "EU launch", "launch", "EU ads", "Europe"),
            rollout("2019-03-01", "Telegram", "Bots", "launch", "Bots", "Worldwide", stage="2")]
    lags = rollouts.launch_lags(make_dataset(tmp_path / "d", rollouts=rows)).set_index("product")
    assert lags.loc["Bots", "lag_days"] == 0
    assert lags.loc["Bots", "first_where"] == "Worldwide"
    assert lags.loc["EU ads", "first_where"] == "Europe"


def test_launch_lags_ignore_a_worldwide_announcement(tmp_path):
    rows = [rollout("2019-01-01", "Telegram", "Test", "test", "Ads", "Europe", "DE"),
            rollout("2019-02-01", "Telegram", "Promise", "announcement", "Ads", "Worldwide"),
            rollout("2019-05-01", "Telegram", "Everywhere", "launch", "Ads", "Worldwide")]
    lags = rollouts.launch_lags(make_dataset(tmp_path / "d", rollouts=rows))
    assert lags["worldwide_date"].tolist() == [pd.Timestamp("2019-05-01")]
    assert lags["lag_days"].tolist() == [120]  # 31+28+31+30


def test_launch_lags_select_platforms(mini):
    assert list(rollouts.launch_lags(mini, "Messenger")["product"]) == ["Home ads"]


def test_launch_lags_refuse_an_unknown_platform(mini):
    with pytest.raises(ValueError, match="unknown platform 'Kik'"):
        rollouts.launch_lags(mini, "Kik")


def test_launch_lags_of_a_platform_without_events_is_a_clear_error(mini):
    # BUG: Telegram has no rollouts, so pd.DataFrame([]) has no columns and
    # result["lag_days"] raises KeyError('lag_days') (real data: Facebook).
    with pytest.raises(ValueError, match="Telegram"):
        rollouts.launch_lags(mini, "Telegram")


# --- first_markets -----------------------------------------------------------------------------


def test_first_markets_list_each_region_an_event_touched(mini):
    markets = rollouts.first_markets(mini)
    got = {(str(p), str(r)): (d, e, n) for p, r, d, e, n in markets[
        ["platform", "region", "first_date", "first_event", "events"]].itertuples(index=False)}
    assert got == {
        ("Instagram", "North America"): (pd.Timestamp("2013-11-01"), "First ads", 1),
        ("Messenger", "Asia-Pacific"): (pd.Timestamp("2017-01-01"), "Home ads test", 1),
        ("WhatsApp", "North America"): (pd.Timestamp("2018-01-01"), "Business app", 1),
        ("WhatsApp", "Latin America"): (pd.Timestamp("2018-01-01"), "Business app", 1),
    }


def test_first_markets_count_events_and_keep_the_earliest(tmp_path):
    rows = [*BASE["rollouts"], rollout("2017-03-01", "Messenger", "Home ads in AU", "expansion", "Home ads",
                                       "Asia-Pacific", "AU")]
    markets = rollouts.first_markets(make_dataset(tmp_path / "d", rollouts=rows))
    row = markets[markets["platform"] == "Messenger"].iloc[0]
    assert (row["region"], row["first_date"], row["first_event"], row["events"]) == (
        "Asia-Pacific", pd.Timestamp("2017-01-01"), "Home ads test", 2)
    assert row["source_id"] == "src-a"  # the first event's source, not the later expansion's (src-b)


def test_first_markets_leave_out_announcements_and_worldwide_only_reach(mini):
    markets = rollouts.first_markets(mini)
    assert "Worldwide" not in set(markets["region"].astype(str))
    assert len(markets) == 4


def test_first_markets_refuse_an_unknown_platform(mini):
    with pytest.raises(ValueError, match="unknown platform 'Kik'"):
        rollouts.first_markets(mini, "Kik")


# --- the real data -----------------------------------------------------------------------------


def test_real_messenger_home_screen_ads_took_167_days_to_go_worldwide(ds):
    row = rollouts.launch_lags(ds, "Messenger").set_index("product").loc["Messenger home-screen ads"]
    assert row["lag_days"] == 167  # 2017-01-25 -> 2017-07-11


def test_real_marketing_messages_touched_four_regions_but_not_europe(ds):
    table = rollouts.events(ds, platforms="Messenger").set_index("product")
    assert table.loc["Messenger marketing messages", "regions"] == (
        "North America, Latin America, Middle East & Africa, Asia-Pacific")


def test_real_instagram_first_market_is_north_america_in_2013(ds):
    markets = rollouts.first_markets(ds, "Instagram")
    first = markets.sort_values("first_date").iloc[0]
    assert (first["region"], first["first_date"]) == ("North America", pd.Timestamp("2013-11-01"))


def test_real_events_of_every_platform_come_oldest_first(ds):
    dates = rollouts.events(ds)["date"]
    assert dates.is_monotonic_increasing
    assert len(dates) == len(ds.rollouts)


def test_real_europe_only_events_do_not_include_worldwide_ones(ds):
    table = rollouts.events(ds, region="Europe", include_worldwide=False)
    assert len(table) > 0
    assert not (table["region"] == "Worldwide").any()
    assert all("Europe" in r for r in table["regions"])

