"""peers: launch to first business tools (stage 2) and first paid tools (stage 3), side by side.

The miniature dataset (tests/factory.py): Messenger launched 2011-01-01, stage 2 on 2015-01-01,
stage 3 on 2017-01-01; WhatsApp launched 2009-01-01, stage 2 on 2018-01-01; Instagram launched
2010-01-01, stages 2 and 3 on 2013-06-01 and 2013-11-01; Telegram (a peer) launched 2013-01-01,
stage 1 only.
"""

import re

import numpy as np
import pandas as pd
import pytest
from factory import make_dataset

from analysis import peers


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("peers") / "d")


def paths_by_platform(ds, **options):
    table = peers.monetization_paths(ds, **options)
    return table.set_index(table["platform"].astype(str))


def test_monetization_paths_has_one_row_per_platform_with_stages(mini):
    table = peers.monetization_paths(mini)
    assert list(table["platform"].astype(str)) == ["Instagram", "Messenger", "WhatsApp", "Telegram"]


def test_monetization_paths_dates_and_years_to_each_stage(mini):
    messenger = paths_by_platform(mini).loc["Messenger"]
    assert messenger["launched"] == pd.Timestamp("2011-01-01")
    assert messenger["stage2"] == pd.Timestamp("2015-01-01")
    assert messenger["stage3"] == pd.Timestamp("2017-01-01")
    assert messenger["years_to_stage2"] == 4.0  # 1461 days
    assert messenger["years_to_stage3"] == 6.0  # 2192 days
    assert messenger["stage_now"] == 3


def test_monetization_paths_round_years_to_one_decimal(mini):
    instagram = paths_by_platform(mini).loc["Instagram"]
    assert instagram["years_to_stage2"] == 3.4  # 1247 days / 365.25 = 3.41
    assert instagram["years_to_stage3"] == 3.8  # 1400 days / 365.25 = 3.83


def test_monetization_paths_leave_unreached_stages_empty(mini):
    table = paths_by_platform(mini)
    whatsapp, telegram = table.loc["WhatsApp"], table.loc["Telegram"]
    assert whatsapp["years_to_stage2"] == 9.0
    assert pd.isna(whatsapp["stage3"]) and np.isnan(whatsapp["years_to_stage3"])
    assert whatsapp["stage_now"] == 2
    assert pd.isna(telegram["stage2"]) and np.isnan(telegram["years_to_stage2"])
    assert telegram["stage_now"] == 1


def test_monetization_paths_mark_peers_and_owners(mini):
    table = paths_by_platform(mini)
    assert table["peer"].to_dict() == {
        "Instagram": False, "Messenger": False, "WhatsApp": False, "Telegram": True}
    assert table.loc["Telegram", "owner"] == "Telegram"
    assert table.loc["Messenger", "owner"] == "Meta"


def test_monetization_paths_give_users_at_stage_3(tmp_path):
    counts = [("Messenger", "2016-01-01", "mau", "400", "src-a", ""),
              ("Messenger", "2017-01-01", "mau", "800", "src-a", "")]
    table = paths_by_platform(make_dataset(tmp_path / "d", user_counts=counts))
    assert table.loc["Messenger", "mau_at_stage3"] == pytest.approx(800)
    assert np.isnan(table.loc["Instagram", "mau_at_stage3"])  # no Instagram figures any more


def test_monetization_paths_as_of_ignores_later_stage_entries(mini):
    table = paths_by_platform(mini, as_of="2016-01-01")
    assert pd.isna(table.loc["Messenger", "stage3"])
    assert table.loc["Messenger", "stage_now"] == 2
    assert pd.isna(table.loc["WhatsApp", "stage2"])


def test_monetization_paths_select_platforms(mini):
    table = peers.monetization_paths(mini, platforms=["Telegram", "Messenger"])
    assert set(table["platform"].astype(str)) == {"Messenger", "Telegram"}


def test_monetization_paths_platform_is_an_ordered_categorical(mini):
    dtype = peers.monetization_paths(mini)["platform"].dtype
    assert isinstance(dtype, pd.CategoricalDtype) and dtype.ordered
    assert list(dtype.categories[:3]) == ["Facebook", "Instagram", "Messenger"]


def test_monetization_paths_refuse_an_unknown_platform(mini):
    message = "unknown platform 'Signal'; valid values: Instagram, Messenger, WhatsApp, Telegram"
    with pytest.raises(ValueError, match=message):
        peers.monetization_paths(mini, "Signal")


def test_monetization_paths_refuse_an_empty_selection(mini):
    with pytest.raises(ValueError, match="no platform selected"):
        peers.monetization_paths(mini, [])


def test_monetization_paths_refuse_as_of_outside_the_data(mini):
    with pytest.raises(ValueError, match=re.escape("as_of 2021-06-01 is outside the data for the stages: "
                                                   "covered from 2009-01-01 to 2020-01-01")):
        peers.monetization_paths(mini, as_of="2021-06-01")


def test_monetization_paths_before_a_platform_launched_is_a_clear_error(mini):
    # BUG: no stage entries by as_of leaves rows == [], pd.DataFrame([]) has no columns and
    # result["platform"] raises KeyError('platform').
    with pytest.raises(ValueError, match="Telegram"):
        peers.monetization_paths(mini, "Telegram", as_of="2010-01-01")


# --- the real data -----------------------------------------------------------------------------


def test_real_messenger_took_5_3_years_from_launch_to_paid_tools(ds):
    messenger = paths_by_platform(ds).loc["Messenger"]
    assert messenger["stage3"] == pd.Timestamp("2016-11-08")
    assert messenger["years_to_stage3"] == 5.3  # 2011-08-09 -> 2016-11-08: 1918 days


def test_real_meta_apps_are_not_peers_and_the_others_are(ds):
    table = paths_by_platform(ds)
    assert set(table.index[~table["peer"]]) == {"Instagram", "Messenger", "WhatsApp", "Threads"}
    assert len(table) == 11


def test_real_imessage_has_no_paid_tools_yet(ds):
    imessage = paths_by_platform(ds).loc["iMessage"]
    assert pd.isna(imessage["stage3"])
    assert imessage["stage_now"] == 2


def test_real_facebook_is_not_compared(ds):
    with pytest.raises(ValueError, match="unknown platform 'Facebook'"):
        peers.monetization_paths(ds, "Facebook")
