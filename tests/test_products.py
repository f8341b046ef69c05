"""Products' lifecycle: state on a date and in a market, from hand-built events."""

import pandas as pd
import pytest

import analysis
from analysis import products
from factory import make_dataset

# (date, platform, event, kind, product, stage, region, countries, source_id, note)
EVENTS = [
    ("2016-01-01", "WhatsApp", "Plan for ads", "announcement", "Status ads", "3", "Worldwide", "", "src-a", ""),
    ("2017-01-01", "WhatsApp", "Ads dropped", "shelved", "Status ads", "3", "Worldwide", "", "src-a", ""),
    ("2018-06-01", "WhatsApp", "Ads again", "announcement", "Status ads", "3", "Worldwide", "", "src-b", ""),
    ("2017-01-01", "Messenger", "Sponsored test", "test", "Sponsored", "3", "Asia-Pacific", "AU TH", "src-a", ""),
    ("2017-07-01", "Messenger", "Sponsored for all", "expansion", "Sponsored", "3", "Worldwide", "", "src-a", ""),
    ("2018-01-01", "Messenger", "Sponsored stopped", "shelved", "Sponsored", "3", "Worldwide", "", "src-b", ""),
    ("2018-03-01", "Messenger", "Marketing messages", "launch", "Marketing", "3", "Latin America", "BR", "src-b", ""),
    ("2015-09-01", "Instagram", "Ads everywhere", "expansion", "Feed ads", "3", "Worldwide", "", "src-a", ""),
    ("2017-02-01", "Instagram", "Ads stop in Thailand", "shelved", "Feed ads", "3", "Asia-Pacific", "TH", "src-a", ""),
    ("2016-03-01", "Instagram", "Ads plan update", "announcement", "Feed ads", "3", "Worldwide", "", "src-a", ""),
    ("2018-05-01", "Instagram", "Profiles in Germany", "launch", "Profiles", "2", "Europe", "DE", "src-b", ""),
]
PRODUCTS = [
    ("WhatsApp", "Status ads", "in_app_ads", "", "", ""),
    ("Messenger", "Sponsored", "paid_messaging", "Marketing", "src-b", ""),
    ("Messenger", "Marketing", "paid_messaging", "", "", ""),
    ("Instagram", "Feed ads", "in_app_ads", "", "", ""),
    ("Instagram", "Profiles", "business_tools", "", "", ""),
]


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("products") / "data", rollouts=EVENTS, products=PRODUCTS)


def state(ds, product, **options):
    table = products.product_states(ds, **options).set_index("product")
    return table.loc[product] if product in table.index else None


def test_a_shelved_product_announced_again_is_announced_not_shelved(ds):
    row = state(ds, "Status ads")
    assert row["state"] == "announced"
    assert row["since"] == pd.Timestamp("2018-06-01")
    assert row["shelved_before"] == pd.Timestamp("2017-01-01")
    assert row["first_announced"] == pd.Timestamp("2016-01-01")


def test_before_its_return_the_product_is_shelved(ds):
    row = state(ds, "Status ads", as_of="2017-06-30")
    assert (row["state"], row["since"]) == ("shelved", pd.Timestamp("2017-01-01"))
    assert pd.isna(row["shelved_before"])


def test_nothing_after_as_of_counts(ds):
    assert state(ds, "Status ads", as_of="2015-12-31") is None
    assert state(ds, "Sponsored", as_of="2017-06-30")["state"] == "in test"


def test_a_product_replaced_by_an_available_one_says_so(ds):
    row = state(ds, "Sponsored", market="BR")
    assert (row["state"], row["replaced_by"]) == ("replaced", "Marketing")
    assert row["since"] == pd.Timestamp("2018-03-01")  # when the replacement arrived


def test_where_the_replacement_is_missing_the_product_is_only_shelved(ds):
    row = state(ds, "Sponsored", market="DE")
    assert row["state"] == "shelved" and pd.isna(row["replaced_by"])
    assert row["since"] == pd.Timestamp("2018-01-01")


def test_an_announcement_does_not_take_back_a_launch(ds):
    row = state(ds, "Feed ads", market="Europe")
    assert (row["state"], row["since"]) == ("available", pd.Timestamp("2015-09-01"))


def test_a_local_stop_shelves_the_country_not_its_region(ds):
    assert state(ds, "Feed ads", market="TH")["state"] == "shelved"
    assert state(ds, "Feed ads", market="Asia-Pacific")["state"] == "available"
    assert state(ds, "Feed ads")["state"] == "available"


def test_availability_follows_the_markets_an_event_touches(ds):
    assert state(ds, "Profiles", market="DE")["state"] == "available"
    assert state(ds, "Profiles", market="Europe")["state"] == "available"
    assert state(ds, "Profiles", market="North America") is None
    test = state(ds, "Sponsored", market="Asia-Pacific", as_of="2017-03-01")
    assert (test["state"], test["where"]) == ("in test", "AU TH")
    assert state(ds, "Sponsored", market="US", as_of="2017-03-01") is None


def test_kinds_come_from_the_products_table(ds):
    table = products.product_states(ds).set_index("product")
    assert table.loc["Profiles", "kind"] == "business_tools"
    assert table.loc["Marketing", "kind"] == "paid_messaging"


def test_an_unknown_market_is_refused_with_the_valid_ones(ds):
    with pytest.raises(ValueError, match="market.*'XX'.*Asia-Pacific"):
        products.product_states(ds, market="XX")


def test_real_data_whatsapp_status_ads_came_back_after_being_shelved():
    ds = analysis.load()
    row = state(ds, "WhatsApp Status ads", platforms="WhatsApp", as_of="2025-06-30")
    assert (row["state"], row["since"]) == ("available", pd.Timestamp("2025-06-16"))  # outside the EU
    assert row["shelved_before"] == pd.Timestamp("2020-01-16")
    germany = state(ds, "WhatsApp Status ads", platforms="WhatsApp", as_of="2025-06-30", market="DE")
    assert germany["state"] == "announced"  # the EU was left out until February 2026
    germany = state(ds, "WhatsApp Status ads", platforms="WhatsApp", as_of="2026-03-31", market="DE")
    assert (germany["state"], germany["since"]) == ("available", pd.Timestamp("2026-02-27"))


# A product merged into another that was renamed later: the first stays replaced.
MERGED = [
    ("2015-01-01", "Messenger", "Shop pages open", "launch", "Shop pages", "2", "Asia-Pacific", "TH", "src-a", ""),
    ("2015-06-01", "Messenger", "Brand accounts open", "launch", "Brand accounts", "3", "Asia-Pacific", "TH", "src-a", ""),
    ("2017-05-24", "Messenger", "Shop pages merged into brand accounts", "shelved", "Shop pages", "2", "Worldwide", "",
     "src-a", ""),
    ("2019-08-01", "Messenger", "Brand accounts renamed", "shelved", "Brand accounts", "3", "Worldwide", "", "src-b", ""),
    ("2019-08-01", "Messenger", "Channels open", "launch", "Channels", "3", "Asia-Pacific", "TH", "src-b", ""),
]
MERGED_PRODUCTS = [
    ("Messenger", "Shop pages", "business_tools", "Brand accounts", "src-a", ""),
    ("Messenger", "Brand accounts", "paid_messaging", "Channels", "src-b", ""),
    ("Messenger", "Channels", "paid_messaging", "", "", ""),
]


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("merged") / "data", rollouts=MERGED, products=MERGED_PRODUCTS)


@pytest.mark.parametrize("as_of", ["2018-06-30", "2020-06-30"])
def test_a_product_merged_into_one_renamed_later_stays_replaced(merged, as_of):
    row = state(merged, "Shop pages", market="TH", as_of=as_of)
    assert (row["state"], row["replaced_by"], row["since"]) == ("replaced", "Brand accounts", pd.Timestamp("2017-05-24"))


def test_the_renamed_product_is_replaced_by_its_new_name(merged):
    row = state(merged, "Brand accounts", market="TH", as_of="2020-06-30")
    assert (row["state"], row["replaced_by"], row["since"]) == ("replaced", "Channels", pd.Timestamp("2019-08-01"))
    assert state(merged, "Brand accounts", market="TH", as_of="2018-06-30")["state"] == "available"


def test_real_data_messenger_sponsored_messages_were_replaced():
    ds = analysis.load()
    row = state(ds, "Messenger sponsored messages", platforms="Messenger", market="US")
    assert (row["state"], row["replaced_by"]) == ("replaced", "Messenger marketing messages")


# --- events that left a place out ---------------------------------------------------------------

# (date, precision, platform, event, kind, product, stage, region, countries, excluded, excluded_until, source_id, note)
HELD_BACK = [
    ("2019-01-01", "day", "Instagram", "Shop ads outside the EU", "launch", "Shop ads", "3", "Worldwide", "", "EU",
     "2019-09-01", "src-a", ""),
    ("2019-02-01", "day", "Instagram", "Reels ads but not in Germany", "launch", "Reels ads", "3", "Europe", "", "DE",
     "", "src-a", ""),
    ("2019-09-01", "day", "Instagram", "Shop ads reach the EU", "expansion", "Shop ads", "3", "Europe", "", "",
     "", "src-b", ""),
]


@pytest.fixture(scope="module")
def held(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("held") / "data", rollouts=[*EVENTS, *HELD_BACK],
                        products=[*PRODUCTS, ("Instagram", "Shop ads", "in_app_ads", "", "", ""),
                                  ("Instagram", "Reels ads", "in_app_ads", "", "", "")])


@pytest.mark.parametrize("market, as_of, expected", [
    ("US", "2019-03-01", "available"), ("DE", "2019-03-01", None), ("DE", "2019-08-31", None),
    ("DE", "2019-09-01", "available"), ("Europe", "2019-03-01", "available"), (None, "2019-03-01", "available"),
])
def test_an_event_does_not_reach_a_group_it_left_out_until_the_day_it_did(held, market, as_of, expected):
    row = state(held, "Shop ads", market=market, as_of=as_of)
    assert (row["state"] if row is not None else None) == expected


def test_a_place_reached_late_cites_the_report_of_that_day_not_the_first_launch(held):
    germany = state(held, "Shop ads", market="DE", as_of="2019-10-01")
    assert (germany["since"], germany["event"], germany["source_id"]) == (
        pd.Timestamp("2019-09-01"), "Shop ads reach the EU", "src-b")
    assert state(held, "Shop ads", market="US", as_of="2019-10-01")["source_id"] == "src-a"


def test_a_country_left_out_of_a_regional_launch_stays_without_it(held):
    assert state(held, "Reels ads", market="DE") is None
    assert state(held, "Reels ads", market="Europe")["state"] == "available"


def test_an_event_list_says_what_was_left_out_while_it_was(held):
    from analysis import facts

    before = {e.text: e.regions for e in facts.events(held, "Instagram", "2019-03-01")}
    assert before["Shop ads outside the EU"] == "Worldwide (except the EU)"
    assert before["Reels ads but not in Germany"] == "Europe (except Germany)"
    german = {e.product: e.regions for e in facts.events(held, "Instagram", "2019-03-01", lang="de")}
    assert german["Shop ads"] == "Weltweit (ohne EU)"
    after = {e.text: e.regions for e in facts.events(held, "Instagram", "2019-10-01")}
    assert after["Shop ads outside the EU"] == "Worldwide"


def test_real_data_threads_ads_reached_germany_only_in_2026():
    ds = analysis.load()
    assert state(ds, "Threads ads", market="DE", as_of="2025-12-31")["state"] == "announced"
    assert state(ds, "Threads ads", market="US", as_of="2025-12-31")["state"] == "available"
    assert state(ds, "Threads ads", market="DE", as_of="2026-02-01")["state"] == "available"


def test_real_data_a_block_of_the_app_shelves_every_product_until_it_is_lifted():
    ds = analysis.load()
    russia = products.product_states(ds, platforms="Snapchat", market="RU").set_index("product")
    assert russia.loc["Snapchat app", "state"] == "shelved"
    others = russia.drop("Snapchat app")
    # Sponsored Snaps were tested worldwide in 2026: not in Russia, blocked since October 2025
    assert set(others["state"]) == {"shelved"} and set(others["since"]) == {pd.Timestamp("2025-10-10")}
    nepal = products.product_states(ds, platforms="WhatsApp", market="NP").set_index("product")
    assert nepal.loc["WhatsApp Business API", "state"] == "available"  # the ban of September 2025 was lifted
