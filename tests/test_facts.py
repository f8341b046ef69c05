"""The briefing's facts, on small hand-built data: what each section knows on its date."""

import pandas as pd
import pytest

from analysis import facts
from factory import BASE, make_dataset

STAGES = [
    *[row for row in BASE["stages"] if row[0] != "WhatsApp"],
    ("WhatsApp", "1", "2009-01-01", "Launch.", "src-b"),
    ("WhatsApp", "2", "2018-01-01", "Business app launched. Ads followed in 2020.", "src-b"),
]
EVENTS = [
    ("2016-01-01", "WhatsApp", "Plan for ads", "announcement", "Status ads", "3", "Worldwide", "", "src-a", ""),
    ("2017-01-01", "WhatsApp", "Ads dropped", "shelved", "Status ads", "3", "Worldwide", "", "src-a", ""),
    ("2019-06-01", "WhatsApp", "Ads again", "announcement", "Status ads", "3", "Worldwide", "", "src-b", ""),
    ("2018-01-01", "WhatsApp", "Business app", "launch", "Business app", "2", "Multiple regions", "US BR",
     "src-b", ""),
    ("2018-08-01", "WhatsApp", "Paid API", "launch", "Business API", "3", "Worldwide", "", "src-b", ""),
    ("2019-02-01", "WhatsApp", "Verified test", "test", "Verified", "3", "Latin America", "BR", "src-b", ""),
    ("2016-04-01", "WhatsApp", "Channels plan", "announcement", "Channels", "2", "Worldwide", "", "src-a", ""),
]
PRODUCTS = [
    ("WhatsApp", "Status ads", "in_app_ads", "", "", ""),
    ("WhatsApp", "Business app", "business_tools", "", "", ""),
    ("WhatsApp", "Business API", "paid_messaging", "", "", ""),
    ("WhatsApp", "Verified", "paid_business_tools", "", "", ""),
    ("WhatsApp", "Channels", "business_tools", "", "", ""),
]
SOURCES = [
    *BASE["sources"],
    ("src-c", "Copy Site (copy of Example News)", "", "", "https://copy.example/x?utm_source=feed&id=7", "en",
     "Aggregator copy of a news report."),
]
REGION_ROWS = [
    *BASE["regions"],
    ("Europe", "DE", "WhatsApp", "users", "40", "millions", "2015", "src-c", ""),
]
ORIENTATIONS = [
    ("Latin America", "", "WhatsApp", "B2B", "2019", "src-b", ""),
    ("Latin America", "", "Messenger", "B2C", "2016", "src-a", ""),
]


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("facts") / "data", stages=STAGES, rollouts=EVENTS,
                        products=PRODUCTS, sources=SOURCES, regions=REGION_ROWS, orientations=ORIENTATIONS)


def test_known_text_drops_sentences_that_mention_a_later_year():
    text = "Launched in 2013. Business profiles came in 2016; ads followed. Brands were there."
    assert facts.known_text(text, "2014-01-01") == "Launched in 2013. Brands were there."
    assert facts.known_text("Ads came in 2016.", "2014-01-01") is None
    assert facts.known_text(text, "2016-06-30") == text


def test_standing_knows_only_what_was_known_on_its_date(ds):
    early = facts.standing(ds, "WhatsApp", "2018-06-30")
    assert (early.stage, early.since) == (2, pd.Timestamp("2018-01-01"))
    assert early.entries[-1].evidence == "Business app launched."
    assert facts.standing(ds, "WhatsApp", "2020-01-01").entries[-1].evidence == (
        "Business app launched. Ads followed in 2020.")
    assert early.years == pytest.approx(180 / 365.25)


def test_users_at_a_stage_entry_need_figures_known_by_the_date(ds):
    # WhatsApp's figures: 2014 and 2020 (mau); a 2018 entry is bracketed only once 2020 is known
    assert facts.standing(ds, "WhatsApp", "2019-06-30").entries[-1].users is None
    users = facts.standing(ds, "WhatsApp", "2020-01-01").entries[-1].users
    assert users.label == "monthly active users" and 500 < users.value < 2000


def test_users_latest_figure_its_age_and_growth_over_at_least_a_year(ds):
    found = facts.users(ds, "Messenger", "2018-06-30")
    assert (found.latest.value, found.latest.date) == (1600, pd.Timestamp("2018-01-01"))
    assert found.latest.unit == "millions" and not found.latest.stale
    assert found.growth.start == pd.Timestamp("2016-01-01")
    assert found.growth.annual_rate == pytest.approx(1.0, abs=0.01)  # 400 -> 1600 in two years
    assert facts.users(ds, "Messenger", "2021-06-30").latest.stale  # 3.5 years old by then


def test_users_without_monthly_figures_fall_back_to_another_metric(ds):
    found = facts.users(ds, "WhatsApp", "2019-06-30")
    assert found.latest.label == "monthly active users"  # 2014's monthly figure comes first
    assert facts.users(ds, "Telegram", "2019-06-30").latest is None


def test_growth_is_not_annualised_over_less_than_a_year(ds, tmp_path):
    counts = [("Messenger", "2017-09-01", "mau", "100", "src-a", ""),
              ("Messenger", "2017-12-15", "mau", "120", "src-a", "")]
    small = make_dataset(tmp_path / "d", user_counts=counts)
    assert facts.users(small, "Messenger", "2018-01-01").growth is None


def test_events_mark_the_local_rows(ds):
    found = facts.events(ds, "WhatsApp", "2019-06-30", region="Latin America")
    assert [e.text for e in found if e.local] == ["Business app", "Verified test"]
    worldwide = next(e for e in found if e.text == "Paid API")
    assert worldwide.regions == "Worldwide" and not worldwide.local


def test_market_sorts_products_into_paid_testing_and_free(ds):
    brazil = facts.market(ds, "WhatsApp", "2019-06-30", "BR")
    assert [o.product for o in brazil.paid] == ["Business API"]
    assert [o.product for o in brazil.testing] == ["Verified"]
    assert [o.product for o in brazil.free] == ["Business app"]
    germany = facts.market(ds, "WhatsApp", "2019-06-30", "DE")
    assert [o.product for o in germany.free] == [] and not germany.testing
    assert facts.market(ds, "WhatsApp", "2018-06-30", "BR").paid == ()


def test_outlook_open_plans_returns_and_next_stage(ds):
    before = facts.outlook(ds, "WhatsApp", "2018-06-30")
    assert [o.product for o in before.open_plans] == ["Channels"]
    assert [o.product for o in before.shelved] == ["Status ads"]
    assert before.next_stage == 3
    after = facts.outlook(ds, "WhatsApp", "2019-12-31")
    assert [o.product for o in after.returned] == ["Status ads"]
    assert after.returned[0].shelved_before == pd.Timestamp("2017-01-01")
    assert after.shelved == ()
    assert facts.outlook(ds, "Instagram", "2019-12-31").next_stage is None


def test_market_and_outlook_select_from_the_offers_they_are_given(ds):
    brazil = facts.platform_offers(ds, "WhatsApp", "2019-06-30", "BR")
    assert {o.product for o in brazil} >= {"Business API", "Verified", "Business app"}
    given = ("WhatsApp", "2019-06-30", "BR")
    assert facts.market(ds, *given, offers=brazil) == facts.market(ds, *given)
    assert facts.outlook(ds, *given, offers=brazil) == facts.outlook(ds, *given)
    elsewhere = facts.platform_offers(ds, "WhatsApp", "2018-06-30", "BR")  # what the market is computed from
    assert facts.market(ds, "WhatsApp", "2019-06-30", "BR", offers=elsewhere).paid == ()


def test_region_keeps_only_what_was_stated_and_measured_by_the_date(ds):
    early = facts.region(ds, "WhatsApp", "2017-06-30", "Latin America")
    assert early.orientations == ()  # WhatsApp's use was stated in 2019; Messenger's (2016) is another app's
    assert [(o.platform, o.year) for o in facts.region(ds, "Messenger", "2017-06-30", "Latin America").orientations] \
        == [("Messenger", 2016)]
    assert early.figures == ()  # Brazil's figure is for 2018
    later = facts.region(ds, "WhatsApp", "2019-06-30", "Latin America")
    assert [(o.platform, o.year) for o in later.orientations] == [("WhatsApp", 2019)]
    assert [(f.place, f.figure.value, f.figure.label) for f in later.figures if f.platform] == [
        ("Brazil", 120, "users")]
    assert [(f.platform, f.date) for f in later.first_local] == [("WhatsApp", pd.Timestamp("2018-01-01"))]


def test_region_without_a_region_lists_the_platforms_figures_everywhere(ds):
    found = facts.region(ds, "WhatsApp", "2019-06-30")
    assert found.region is None
    places = [(f.place, f.figure.date.year) for f in found.figures if f.figure.label == "users"]
    assert sorted(places) == [("Brazil", 2018), ("Germany", 2015), ("India", 2019)]
    germany = next(f for f in found.figures if f.place == "Germany")
    assert germany.figure.stale and germany.figure.age_years == pytest.approx(3.5, abs=0.01)


def test_peer_position_ranks_by_years_to_paid_tools(ds):
    instagram = facts.peer_position(ds, "Instagram", "2019-06-30")
    assert (instagram.place, instagram.of) == (1, 2)  # Instagram 3.8 years, Messenger 6.0
    assert facts.peer_position(ds, "WhatsApp", "2019-06-30").years_to_paid is None


def test_sources_are_cleaned_and_weak_ones_flagged(ds):
    copy, news = facts.sources(ds, ["src-c", "src-a"])
    assert copy.url == "https://copy.example/x?id=7"
    assert copy.weak == ("undated", "untitled", "copy")
    assert news.weak == () and news.published == pd.Timestamp("2017-01-25")


@pytest.mark.parametrize("url, clean", [
    ("https://a.example/p?utm_source=x&utm_medium=y", "https://a.example/p"),
    ("https://a.example/p?id=1&fbclid=abc#top", "https://a.example/p?id=1#top"),
    ("https://a.example/p", "https://a.example/p"),
])
def test_clean_url_drops_tracking_parameters(url, clean):
    assert facts.clean_url(url) == clean
