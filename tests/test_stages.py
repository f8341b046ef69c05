"""stages: the stage at a date, stage entries with time in stage, snapshots.

The miniature dataset (tests/factory.py): Messenger enters stages 1, 2, 3 on 2011-01-01,
2015-01-01, 2017-01-01; WhatsApp stages 1, 2 on 2009-01-01, 2018-01-01; Instagram 1, 2, 3 on
2010-01-01, 2013-06-01, 2013-11-01; Telegram only stage 1 on 2013-01-01. The data ends on
2020-01-01 (the last WhatsApp figure). Messenger mau: 100, 400, 1600 on 2014/2016/2018-01-01.
"""

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from factory import BASE, make_dataset

from analysis import stages
from analysis.schema import STAGE_NAMES


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("stages") / "d")


# --- stage_at ----------------------------------------------------------------------------------


@pytest.mark.parametrize("day, stage", [
    ("2011-01-01", 1), ("2014-12-31", 1), ("2015-01-01", 2), ("2016-12-31", 2), ("2017-01-01", 3),
    ("2020-01-01", 3),
])
def test_stage_at_counts_a_stage_from_its_first_day(mini, day, stage):
    assert stages.stage_at(mini, "Messenger", day) == stage


def test_stage_at_stays_in_stage_1_without_later_entries(mini):
    assert stages.stage_at(mini, "Telegram", "2019-06-01") == 1


@pytest.mark.parametrize("day", [dt.date(2015, 1, 1), pd.Timestamp("2015-01-01")])
def test_stage_at_accepts_dates_and_timestamps(mini, day):
    assert stages.stage_at(mini, "Messenger", day) == 2


def test_stage_at_returns_a_plain_int(mini):
    assert type(stages.stage_at(mini, "Messenger", "2015-01-01")) is int


def test_stage_at_refuses_a_date_before_the_first_stage(mini):
    message = ("date 2010-12-31 is outside the data for Messenger's stages: "
               "covered from 2011-01-01 to 2020-01-01")
    with pytest.raises(ValueError, match=re.escape(message)):
        stages.stage_at(mini, "Messenger", "2010-12-31")


def test_stage_at_refuses_a_date_after_the_data_ends(mini):
    message = ("date 2020-01-02 is outside the data for WhatsApp's stages: "
               "covered from 2009-01-01 to 2020-01-01")
    with pytest.raises(ValueError, match=re.escape(message)):
        stages.stage_at(mini, "WhatsApp", "2020-01-02")


def test_stage_at_refuses_an_unknown_platform_listing_the_valid_ones(mini):
    message = "unknown platform 'Signal'; valid values: Instagram, Messenger, WhatsApp, Telegram"
    with pytest.raises(ValueError, match=message):
        stages.stage_at(mini, "Signal", "2015-01-01")


def test_stage_at_refuses_a_platform_without_stage_rows(tmp_path):
    rows = [r for r in BASE["stages"] if r[0] != "Telegram"]
    ds = make_dataset(tmp_path / "d", stages=rows)
    message = "unknown platform 'Telegram'; valid values: Instagram, Messenger, WhatsApp$"
    with pytest.raises(ValueError, match=message):
        stages.stage_at(ds, "Telegram", "2015-01-01")


def test_stage_at_refuses_text_that_is_not_a_date(mini):
    with pytest.raises(ValueError, match="date 'Q3 2016' is not a date"):
        stages.stage_at(mini, "Messenger", "Q3 2016")


# --- stage_entries -----------------------------------------------------------------------------


def test_stage_entries_lists_every_stage_entered_in_platform_order(mini):
    entries = stages.stage_entries(mini)
    assert list(zip(entries["platform"].astype(str), entries["stage"].astype(int))) == [
        ("Instagram", 1), ("Instagram", 2), ("Instagram", 3),
        ("Messenger", 1), ("Messenger", 2), ("Messenger", 3),
        ("WhatsApp", 1), ("WhatsApp", 2),
        ("Telegram", 1),
    ]


def test_stage_entries_end_when_the_next_stage_starts(mini):
    messenger = stages.stage_entries(mini, "Messenger")
    assert list(messenger["ended"]) == [pd.Timestamp("2015-01-01"), pd.Timestamp("2017-01-01"), pd.NaT]
    # 2011-01-01 -> 2015-01-01 is 4 years with one leap day; 2015 -> 2017 holds 2016-02-29
    assert list(messenger["days_in_stage"]) == [1461, 731, 1095]


def test_stage_entries_name_the_stage_and_give_its_year(mini):
    messenger = stages.stage_entries(mini, "Messenger")
    assert list(messenger["stage_name"]) == [STAGE_NAMES[1], STAGE_NAMES[2], STAGE_NAMES[3]]
    assert list(messenger["year"]) == [2011, 2015, 2017]
    assert list(messenger["evidence"]) == ["Launch.", "Bots.", "Ads."]


def test_stage_entries_give_users_at_entry_where_figures_cover_it(mini):
    mau = stages.stage_entries(mini, "Messenger")["mau_at_entry"].tolist()
    assert np.isnan(mau[0])  # 2011: before the first figure (2014)
    assert mau[1] == pytest.approx(200)  # 2015-01-01: log-midpoint of 100 and 400


def test_stage_entries_as_of_drops_later_stages_and_runs_open_stages_to_it(mini):
    messenger = stages.stage_entries(mini, "Messenger", as_of="2016-01-01")
    assert list(messenger["stage"].astype(int)) == [1, 2]
    assert pd.isna(messenger["ended"].iloc[-1])
    assert messenger["days_in_stage"].iloc[-1] == 365


def test_stage_entries_accepts_a_list_of_platforms(mini):
    entries = stages.stage_entries(mini, ["WhatsApp", "Telegram"])
    assert set(entries["platform"].astype(str)) == {"WhatsApp", "Telegram"}
    assert len(entries) == 3


def test_stage_entries_refuses_an_unknown_platform(mini):
    message = "unknown platform 'Viber'; valid values: Instagram, Messenger, WhatsApp, Telegram"
    with pytest.raises(ValueError, match=message):
        stages.stage_entries(mini, "Viber")


def test_stage_entries_refuses_an_empty_selection(mini):
    with pytest.raises(ValueError, match="no platform selected"):
        stages.stage_entries(mini, [])


def test_stage_entries_refuses_as_of_outside_the_stages(mini):
    with pytest.raises(ValueError, match=re.escape("as_of 2008-12-31 is outside the data for the stages: "
                                                   "covered from 2009-01-01 to 2020-01-01")):
        stages.stage_entries(mini, as_of="2008-12-31")


# --- snapshot ----------------------------------------------------------------------------------


def test_snapshot_gives_each_platforms_stage_on_the_date(mini):
    snap = stages.snapshot(mini, "2016-01-01").set_index("platform")
    assert snap["stage"].astype(int).to_dict() == {
        "Instagram": 3, "Messenger": 2, "WhatsApp": 1, "Telegram": 1}
    assert snap.loc["Messenger", "since"] == pd.Timestamp("2015-01-01")
    assert snap.loc["Messenger", "days_in_stage"] == 365
    assert snap.loc["Messenger", "stage_name"] == STAGE_NAMES[2]


def test_snapshot_gives_users_on_the_date_or_nan(mini):
    snap = stages.snapshot(mini, "2016-01-01").set_index("platform")
    assert snap.loc["Messenger", "mau"] == pytest.approx(400)
    assert np.isnan(snap.loc["Telegram", "mau"])  # Telegram has no figures


def test_snapshot_defaults_to_the_end_of_the_data(mini):
    snap = stages.snapshot(mini).set_index("platform")
    assert snap["stage"].astype(int).to_dict() == {
        "Instagram": 3, "Messenger": 3, "WhatsApp": 2, "Telegram": 1}
    assert snap.loc["WhatsApp", "days_in_stage"] == 730  # 2018-01-01 -> 2020-01-01


def test_snapshot_leaves_out_platforms_not_launched_yet(mini):
    snap = stages.snapshot(mini, "2010-06-01")
    assert list(snap["platform"].astype(str)) == ["Instagram", "WhatsApp"]


def test_snapshot_agrees_with_stage_at(mini):
    snap = stages.snapshot(mini, "2013-08-01")
    for platform, stage in zip(snap["platform"].astype(str), snap["stage"].astype(int)):
        assert stages.stage_at(mini, platform, "2013-08-01") == stage


def test_snapshot_can_select_platforms(mini):
    assert list(stages.snapshot(mini, platforms="Telegram")["platform"].astype(str)) == ["Telegram"]


def test_snapshot_refuses_as_of_after_the_data(mini):
    with pytest.raises(ValueError, match=re.escape("as_of 2021-01-01 is outside the data for the stages: "
                                                   "covered from 2009-01-01 to 2020-01-01")):
        stages.snapshot(mini, "2021-01-01")


def test_snapshot_refuses_an_unknown_platform(mini):
    with pytest.raises(ValueError, match="unknown platform 'Facebook'"):
        stages.snapshot(mini, platforms="Facebook")


# --- the real data -----------------------------------------------------------------------------


def test_real_messenger_enters_stage_3_on_8_november_2016(ds):
    assert stages.stage_at(ds, "Messenger", "2016-11-07") == 2
    assert stages.stage_at(ds, "Messenger", "2016-11-08") == 3


def test_real_facebook_has_no_stages(ds):
    with pytest.raises(ValueError, match="unknown platform 'Facebook'; valid values: Instagram, Messenger"):
        stages.stage_at(ds, "Facebook", "2016-01-01")


def test_real_line_enters_stages_2_and_3_on_the_same_day(ds):
    entries = stages.stage_entries(ds, "LINE")
    line = entries.set_index(entries["stage"].astype(int))
    assert line.loc[2, "started"] == line.loc[3, "started"] == pd.Timestamp("2012-06-01")
    assert line.loc[2, "days_in_stage"] == 0


def test_real_snapshot_today_has_one_row_per_platform_with_stages(ds):
    snap = stages.snapshot(ds)
    assert len(snap) == 11  # every platform except Facebook
    assert snap.set_index("platform").loc["iMessage", "stage"] == 2


def test_real_threads_ran_the_path_in_a_year_and_a_half(ds):
    """Meta's newest run of the path: businesses from launch day, first ads 19 months later."""
    assert stages.stage_at(ds, "Threads", "2023-07-05") == 2
    assert stages.stage_at(ds, "Threads", "2025-01-23") == 2
    assert stages.stage_at(ds, "Threads", "2025-01-24") == 3


# --- readings: stage 3 called by stated rules -------------------------------------------------

MESSENGER_BY_READING = [  # Messenger: paid messages in 2016 (paid_tools), its first in-app ads in 2017
    *BASE["stages"][:4],
    ("Messenger", "2", "2015-01-01", "Bots.", "src-a"),
    ("Messenger", "3", "paid_tools", "2016-06-01", "Sponsored messages.", "src-a"),
    ("Messenger", "3", "in_app_ads", "2017-01-01", "Home ads.", "src-a"),
    *BASE["stages"][6:],
]


@pytest.fixture(scope="module")
def readings_mini(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("readings") / "d", stages=MESSENGER_BY_READING)


@pytest.mark.parametrize("reading, day, stage", [
    (None, "2016-06-01", 3), ("paid_tools", "2016-12-31", 3), ("in_app_ads", "2016-12-31", 2),
    ("in_app_ads", "2017-01-01", 3),
])
def test_stage_at_follows_the_reading_and_defaults_to_the_data_default(readings_mini, reading, day, stage):
    assert stages.stage_at(readings_mini, "Messenger", day, reading=reading) == stage


def test_stage_entries_and_snapshot_take_the_reading(readings_mini):
    entries = stages.stage_entries(readings_mini, "Messenger", reading="in_app_ads")
    assert list(entries["started"].dt.strftime("%Y-%m-%d")) == ["2011-01-01", "2015-01-01", "2017-01-01"]
    assert entries["evidence"].iloc[-1] == "Home ads."
    table = stages.snapshot(readings_mini, "2016-12-31", "Messenger", reading="in_app_ads")
    assert int(table["stage"].iloc[0]) == 2
    assert int(stages.snapshot(readings_mini, "2016-12-31", "Messenger")["stage"].iloc[0]) == 3


@pytest.mark.parametrize("call", [
    lambda ds: stages.stage_at(ds, "Messenger", "2016-01-01", reading="ads"),
    lambda ds: stages.stage_entries(ds, reading="paid tools"),
    lambda ds: stages.snapshot(ds, reading="in_app"),
])
def test_an_unknown_reading_is_refused_naming_the_valid_ones(readings_mini, call):
    with pytest.raises(ValueError, match=r"unknown reading .*; valid values: paid_tools, in_app_ads$"):
        call(readings_mini)


def test_reading_names_put_the_default_first_and_reading_gives_its_rule(readings_mini):
    assert stages.reading_names(readings_mini) == ["paid_tools", "in_app_ads"]
    assert stages.reading(readings_mini).stage3_kinds == "in_app_ads paid_messaging"
    assert stages.reading(readings_mini, "in_app_ads").stage3_rule == "Ads in the app."


def test_stage_calls_set_each_call_beside_the_rule_applied_to_the_events(readings_mini):
    calls = stages.stage_calls(readings_mini, "in_app_ads").set_index(["platform", "stage"])
    # the miniature's Messenger "Home ads" are a stage 3 product, listed as in-app ads
    assert calls.loc[("Messenger", 3), "first_event"] == pd.Timestamp("2017-01-01")
    assert calls.loc[("Messenger", 3), "called"] == pd.Timestamp("2017-01-01")
    assert calls.loc[("Messenger", 3), "product"] == "Home ads"
    assert pd.isna(calls.loc[("WhatsApp", 3), "called"]) and pd.isna(calls.loc[("WhatsApp", 3), "first_event"])
    assert calls.loc[("WhatsApp", 2), "first_event"] == pd.Timestamp("2018-01-01")  # the Business app


# --- the real data: the seeds' claims under both readings, and every judgement explained ----------


@pytest.fixture(scope="module")
def real():
    import analysis
    return analysis.load()


@pytest.mark.parametrize("reading", ["paid_tools", "in_app_ads"])
def test_the_seed_claims_hold_under_both_readings(real, reading):
    on = "2016-11-02"  # Facebook's Q3 2016 results
    assert [stages.stage_at(real, p, on, reading=reading) for p in ("Instagram", "Messenger", "WhatsApp")] == [3, 2, 1]


@pytest.mark.parametrize("reading, day, stage", [
    ("paid_tools", "2017-12-20", 2),  # click-to-WhatsApp ads are ads on Facebook: an event, not stage 3
    ("paid_tools", "2018-08-01", 3),  # paid messages in WhatsApp itself
    ("in_app_ads", "2025-06-15", 2),
    ("in_app_ads", "2025-06-16", 3),  # Status ads and promoted channels
])
def test_whatsapp_enters_stage_3_by_each_rule(real, reading, day, stage):
    assert stages.stage_at(real, "WhatsApp", day, reading=reading) == stage


def _spelled(day: pd.Timestamp, precision: str) -> str:
    return f"{day:%B %Y}" if precision == "month" else f"{day.day} {day:%B %Y}"


@pytest.mark.parametrize("reading", ["paid_tools", "in_app_ads"])
def test_every_call_the_events_contradict_explains_the_alternative_date(real, reading):
    """Where the rule applied to the events gives an earlier date than the call (or a call where
    there is none), the evidence names that date and says why it was not taken."""
    precision = dict(zip(zip(real.rollouts["platform"], real.rollouts["date"], real.rollouts["event"]),
                         real.rollouts["date_precision"]))
    calls = stages.stage_calls(real, reading)
    contradicted = calls[calls["first_event"].notna()
                         & (calls["called"].isna() | (calls["first_event"] < calls["called"]))]
    for row in contradicted.itertuples():
        assert pd.notna(row.called), f"{row.platform} has a stage {row.stage} event but no call under {reading}"
        alternative = _spelled(row.first_event, precision[row.platform, row.first_event, row.event])
        assert alternative in row.evidence, (row.platform, row.stage, alternative)
    # the one judgement of today's data is there, so this test looks at something
    assert ("WhatsApp", 3) in set(zip(contradicted["platform"], contradicted["stage"])) or reading != "paid_tools"
