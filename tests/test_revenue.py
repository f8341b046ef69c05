"""revenue: a company's revenue by its geographies per quarter, known from its results day; the
money part of a briefing (facts.money, its words) and its chart.

The miniature dataset (tests/factory.py): Meta's ad revenue for Q4 2018 (reported 2019-01-30,
source src-a of 2017) and Q4 2019 (reported 2020-01-01, src-b of 2018): US & Canada 100 and 120,
Europe 50 and 40, Rest of World (Latin America and Asia-Pacific) 50 and 80, worldwide 200 and 240;
other revenue 10 in Q4 2019.
"""

import dataclasses
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from factory import BASE, make_dataset  # noqa: E402
from markupsafe import Markup  # noqa: E402

import analysis  # noqa: E402
from analysis import charts, facts, revenue, style, words  # noqa: E402
from analysis.briefing.chartcache import Chart, ChartCache  # noqa: E402
from analysis.briefing.content import Briefing  # noqa: E402


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("revenue") / "d")


@pytest.fixture(scope="module")
def late_source(tmp_path_factory):
    """Q4 2019 read from a source published after the results day (2020-03-01)."""
    sources = [*BASE["sources"], ("src-late", "Later Copy", "A later copy", "2020-03-01", "https://example.org/c",
                                  "en", "")]
    rows = [r if r[1] != "2019-Q4" else (*r[:7], "src-late", "") for r in BASE["revenue"]]
    return make_dataset(tmp_path_factory.mktemp("late") / "d", sources=sources, revenue=rows)


def test_revenue_gives_each_geography_its_share_of_the_worldwide_figure(mini):
    table = revenue.revenue(mini)
    assert list(table["period"].unique()) == ["2018-Q4", "2019-Q4"]
    q4 = table[table["period"] == "2019-Q4"]
    assert list(q4["geography"]) == ["US & Canada", "Europe", "Rest of World", "Worldwide"]
    assert list(q4["share"]) == pytest.approx([0.5, 40 / 240, 80 / 240, 1.0])
    assert list(q4["reported"].dt.strftime("%Y-%m-%d").unique()) == ["2020-01-01"]
    assert list(q4["period_end"].dt.strftime("%Y-%m-%d").unique()) == ["2019-12-31"]


@pytest.mark.parametrize("as_of, periods", [
    ("2019-01-29", []), ("2019-01-30", ["2018-Q4"]), ("2019-12-31", ["2018-Q4"]),
    ("2020-01-01", ["2018-Q4", "2019-Q4"]),
])
def test_a_quarter_is_known_from_its_results_day(mini, as_of, periods):
    assert list(revenue.revenue(mini, as_of=as_of)["period"].unique()) == periods


def test_a_figure_read_from_a_later_source_is_known_from_that_source_on(late_source):
    assert list(revenue.revenue(late_source, as_of="2020-02-01")["period"].unique()) == ["2018-Q4"]
    assert list(revenue.revenue(late_source, as_of="2020-03-01")["period"].unique()) == ["2018-Q4", "2019-Q4"]


@pytest.mark.parametrize("call, message", [
    (lambda ds: revenue.revenue(ds, "profit"), "unknown item 'profit'; valid values: ad_revenue, revenue, other_revenue"),
    (lambda ds: revenue.revenue(ds, company="Tencent"), "unknown company 'Tencent'; valid values: Meta"),
    (lambda ds: revenue.geography_of(ds, "Europa"), "unknown region 'Europa'"),
])
def test_bad_arguments_are_refused_naming_what_is_valid(mini, call, message):
    with pytest.raises(ValueError, match=message):
        call(mini)


def test_geographies_map_to_the_datasets_regions(mini):
    assert revenue.geographies(mini) == ["US & Canada", "Europe", "Rest of World"]
    assert revenue.geography_of(mini, "Asia-Pacific") == "Rest of World"
    assert revenue.regions_in(mini, "Rest of World") == ["Latin America", "Asia-Pacific"]
    assert revenue.geography_of(mini, "Middle East & Africa") is None  # the miniature maps none to it


def test_the_real_data_holds_meta_quarters_whose_regions_add_up_to_the_world():
    ds = analysis.load()
    table = revenue.revenue(ds)
    assert {"2021-Q4", "2025-Q3"} <= set(table["period"])
    parts = table[table["geography"] != "Worldwide"].groupby("period")["value"].sum()
    world = table[table["geography"] == "Worldwide"].set_index("period")["value"]
    assert (parts - world).abs().max() == 0


def test_the_real_data_holds_snaps_quarters_whose_regions_add_up_to_its_release_total():
    ds = analysis.load()
    table = revenue.revenue(ds, "revenue", "Snap Inc.")
    assert {"2023-Q1", "2025-Q4"} <= set(table["period"])
    parts = table[table["geography"] != "Worldwide"].groupby("period")["value"].agg(["sum", "count"])
    world = table[table["geography"] == "Worldwide"].set_index("period")["value"]
    whole = parts[parts["count"] == 3]
    assert len(whole) >= 10
    # the reports round the regions (to $0.01 billion at worst): within 0.5 % of the release's total
    assert ((whole["sum"] / world[whole.index] - 1).abs() < 0.005).all()


# --- facts.money and its words ---------------------------------------------------------------


def test_money_takes_the_newest_quarter_known_and_the_regions_geography(mini):
    found = facts.money(mini, "Meta", "2020-01-01", "Latin America")
    assert (found.company, found.quarter, found.geography) == ("Meta", "2019-Q4", "Rest of World")
    assert found.total == facts.Amount(240.0, pytest.approx(0.2), 1.0, ("src-b", "src-a"))
    assert found.in_geography.value == 80 and found.in_geography.change == pytest.approx(0.6)
    assert found.in_geography.share == pytest.approx(1 / 3)
    assert found.shared_with == ("Asia-Pacific",)
    assert found.other == facts.Amount(10.0, None, 1.0, ("src-b",)) and found.other_quarter == "2019-Q4"


def test_money_of_a_region_no_geography_holds_is_the_worldwide_figure(mini):
    found = facts.money(mini, "Meta", "2020-01-01", "Middle East & Africa")
    assert found.total.value == 240 and (found.geography, found.in_geography, found.shared_with) == (None, None, ())
    b = Briefing(mini, "Messenger", "Middle East & Africa", "2020-01-01", cache=ChartCache())
    assert b.chart_spec("money")[2][2] is None  # nothing highlighted


def test_money_a_year_before_has_no_change_and_before_the_first_results_day_nothing(mini):
    earlier = facts.money(mini, "Meta", "2019-06-01", "Europe", "de")
    assert (earlier.quarter, earlier.total.change, earlier.geography, earlier.other) == ("2018-Q4", None, "Europa",
                                                                                        None)
    assert facts.money(mini, "Meta", "2019-01-29") is None
    assert facts.money(mini, "Telegram", "2020-01-01") is None  # no revenue of it in the data


def test_money_in_words_english_and_german(mini):
    found = facts.money(mini, "Meta", "2020-01-01", "Latin America")
    english = str(words.Words(words.Html(words.Citations()), "2020-01-01").money(found))
    assert english == (
        "<p>In Q4 2019, reported on 1 Jan 2020, Meta earned <strong>$240 million</strong> from advertising, "
        '20% more than a year earlier<sup class="cite">[1, 2]</sup>. Users in what Meta reports as '
        "“Rest of World” brought <strong>$80 million</strong>, 33% of it, 60% more than a year earlier"
        "<sup class=\"cite\">[1, 2]</sup>. Meta's “Rest of World” also holds Asia-Pacific. Its revenue "
        "outside "
        'advertising was $10 million in Q4 2019<sup class="cite">[1]</sup>.</p>')
    german = facts.money(mini, "Meta", "2020-01-01", "Latin America", "de")
    text = str(words.Words(words.Html(words.Citations()), "2020-01-01", "de").money(german))
    assert ("Im 4. Quartal 2019, gemeldet am 1. Januar 2020, erzielte Meta <strong>240\xa0Mio. US-Dollar</strong>"
            in text)
    assert "„Übrige Welt“ umfasst bei Meta auch Asien-Pazifik." in text
    assert str(words.Words(words.Html(words.Citations()), "2020-01-01").money(None)) == ""


# --- the chart -------------------------------------------------------------------------------


@pytest.fixture
def ax():
    with style.theme():
        figure, axes = plt.subplots()
        yield axes
    plt.close(figure)


def test_the_chart_stacks_each_quarters_geographies_and_fades_all_but_the_highlight(mini, ax):
    charts.revenue_by_geography(mini, highlight="Europe", ax=ax)
    bars = {g: [p for p in ax.patches if p.get_gid() == f"revenue-{g}"]
            for g in ("US & Canada", "Europe", "Rest of World")}
    assert [b.get_height() for b in bars["Europe"]] == [50, 40]
    assert [b.get_y() for b in bars["Rest of World"]] == [150, 160]  # on top of the other two
    assert {b.get_alpha() for b in bars["Europe"]} == {1} and {b.get_alpha() for b in bars["US & Canada"]} == {0.3}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["US & Canada", "Europe", "Rest of World"]
    assert style.find_source_note(ax).get_text().startswith("Sources: Example")


def test_the_chart_speaks_german_and_refuses_an_empty_selection(mini, ax):
    charts.revenue_by_geography(mini, as_of="2019-06-01", lang="de", ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Q4 2018"]
    assert "Übrige Welt" in [t.get_text() for t in ax.get_legend().get_texts()]
    # the newest quarter drawn, Q4 2018, was published by Facebook (releases.csv); Q4 2019 by Meta
    assert ax.get_title("left") == "Werbeumsatz von Facebook nach Wohnort der Nutzer, je Quartal"
    with pytest.raises(ValueError, match="was reported by 2019-01-01"):
        charts.revenue_by_geography(mini, as_of="2019-01-01", ax=ax)
    with pytest.raises(ValueError, match="unknown highlight 'Asia'"):
        charts.revenue_by_geography(mini, highlight="Asia", ax=ax)


def test_money_names_the_company_as_it_published_its_newest_quarter(mini):
    assert facts.money(mini, "Meta", "2019-06-01").name == "Facebook"
    assert facts.money(mini, "Meta", "2020-06-01").name == "Meta"
    assert {facts.money(mini, "Meta", day).company for day in ("2019-06-01", "2020-06-01")} == {"Meta"}


def test_a_briefing_before_any_regional_figure_states_the_world_figure_under_its_old_name_and_draws_no_chart():
    real = analysis.load()
    for lang, sentence in (("en", "In Q3 2016, reported on 2 Nov 2016, Facebook earned $6.82 billion from advertising"),
                           ("de", "Im 3. Quartal 2016, gemeldet am 2. November 2016, erzielte Facebook 6,82\u00a0Mrd. "
                                  "US-Dollar mit Werbung")):
        b = Briefing(real, "Messenger", "Latin America", "2016-11-02", lang)
        assert sentence in re.sub("<[^>]+>", "", str(b.money()))
        assert "Meta" not in str(b.money()) and not revenue.has_split(real, "Meta", "2016-11-02")
        assert "Rest" not in str(b.money()) and "Übrige" not in str(b.money())  # no region without its figure
        assert str(b.plot_money().data) == ""


def test_the_chart_of_a_frame_needs_its_sources(mini, ax):
    table = revenue.revenue(mini)
    with pytest.raises(TypeError, match="needs sources="):
        charts.revenue_by_geography(table, ax=ax)
    charts.revenue_by_geography(table, sources=mini, ax=ax)
    assert len(ax.patches) == 6


# --- a company that splits only its whole revenue by geography (Snap) ---------------------------


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """Telegram's owner reporting its whole revenue by two geographies: Q4 2018 complete (60 + 40),
    Q4 2019 without Europe (70 of 110), ad revenue worldwide only (90 in Q4 2019)."""
    rows = [
        *[("Telegram", "2018-Q4", g, "revenue", v, "usd_millions", "company_reported", "src-a", "")
          for g, v in (("Americas", "60"), ("Europe", "40"), ("Worldwide", "100"))],
        *[("Telegram", "2019-Q4", g, "revenue", v, "usd_millions", "company_reported", "src-b", "")
          for g, v in (("Americas", "70"), ("Worldwide", "110"))],
        ("Telegram", "2019-Q4", "Worldwide", "ad_revenue", "90", "usd_millions", "company_reported", "src-b", ""),
    ]
    return make_dataset(
        tmp_path_factory.mktemp("whole") / "d", revenue=[*BASE["revenue"], *rows],
        releases=[*BASE["releases"], ("Telegram", "2018-Q4", "2019-02-01", "Telegram", "src-b", ""),
                  ("Telegram", "2019-Q4", "2020-02-01", "Telegram", "src-b", "")],
        geographies=[*BASE["geographies"], ("Telegram", "Americas", "Amerika", "North America", "src-b", ""),
                     ("Telegram", "Europe", "Europa", "Europe", "src-b", "")])


def test_the_split_item_is_what_a_company_reports_by_geography(whole):
    assert revenue.split_item(whole, "Meta") == "ad_revenue"
    assert revenue.split_item(whole, "Telegram") == "revenue"  # its ad revenue is worldwide only


def test_money_of_a_region_is_the_newest_quarter_worldwide_and_the_newest_of_its_geography(whole):
    europe = facts.money(whole, "Telegram", "2020-06-01", "Europe")  # Europe is missing from Q4 2019
    assert (europe.item, europe.quarter, europe.total.value) == ("revenue", "2019-Q4", 110)
    assert (europe.geography_quarter, europe.in_geography.value, europe.in_geography.share) == ("2018-Q4", 40, 0.4)
    americas = facts.money(whole, "Telegram", "2020-06-01", "North America")
    assert (americas.quarter, americas.geography_quarter, americas.in_geography.value) == ("2019-Q4", "2019-Q4", 70)
    assert facts.money(whole, "Telegram", "2020-06-01").geography_quarter is None
    english = str(words.Words(words.Html(words.Citations()), "2020-06-01").money(americas))
    assert "Telegram earned <strong>$110 million</strong> in revenue, 10% more than a year earlier" in english
    assert "Users in what Telegram reports as “Americas” brought <strong>$70 million</strong>, 64% of it" in english
    older = str(words.Words(words.Md(words.Citations()), "2020-06-01").money(europe))
    assert older.startswith("In Q4 2019, reported on 1 Feb 2020, Telegram earned **$110 million** in revenue")
    assert ("Its newest figures by user geography are for Q4 2018: users in what Telegram reports as “Europe” "
            "brought **$40 million** then, 40% of that quarter's revenue [2].") in older
    german = str(words.Words(words.Md(words.Citations()), "2020-06-01", "de").money(
        facts.money(whole, "Telegram", "2020-06-01", "Europe", "de")))
    assert "erzielte Telegram **110\xa0Mio. US-Dollar** Umsatz" in german
    assert ("Die neuesten Zahlen nach Nutzerregion gelten für das 4. Quartal 2018: Auf Nutzer in der Region "
            "„Europa“ von Telegram entfielen damals **40\xa0Mio. US-Dollar**, 40\xa0% des Umsatzes "
            "in diesem Quartal [2].") in german


def test_money_of_a_geography_in_a_quarter_without_a_worldwide_figure_gives_no_share(whole):
    found = facts.money(whole, "Telegram", "2020-06-01", "Europe")
    unshared = dataclasses.replace(found, in_geography=dataclasses.replace(found.in_geography, share=None))
    english = str(words.Words(words.Md(words.Citations()), "2020-06-01").money(unshared))
    assert "brought **$40 million** then [2]." in english and "of that quarter" not in english


def test_the_chart_of_a_whole_revenue_split_leaves_an_incomplete_quarter_empty(whole, ax):
    charts.revenue_by_geography(whole, company="Telegram", ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Q4 2018", "Q4 2019"]
    assert [p.get_height() for p in ax.patches if p.get_gid() == "revenue-Americas"] == [60, 0]
    assert ax.get_title("left") == "Telegram's revenue by user geography, per quarter"


def test_a_briefing_names_the_whole_revenue_in_its_heading(whole):
    b = Briefing(whole, "Telegram", "Europe", "2020-01-01", cache=ChartCache())  # Q4 2018 known
    assert str(b.money()).startswith('<h3 id="money">Where Telegram&#39;s money comes from</h3><p>In Q4 2018')


# --- in a briefing ---------------------------------------------------------------------------


def test_a_briefing_on_a_meta_app_shows_the_money_and_a_peer_briefing_does_not(mini):
    b = Briefing(mini, "Messenger", "Asia-Pacific", "2020-01-01", cache=ChartCache())
    assert str(b.money()).startswith('<h3 id="money">Where Meta&#39;s advertising money comes from</h3><p>In Q4 2019')
    assert isinstance(b.plot_money(), Chart)
    assert b.chart_spec("money")[2] == ("Meta", pd.Timestamp("2020-01-01"), "Rest of World", "en")
    early = Briefing(mini, "Messenger", None, "2018-12-31", cache=ChartCache())
    assert early.money() == Markup() and early.chart_spec("money") is None and early.money_heading() == ""


# --- people across a company's apps (family_counts.csv) ----------------------------------------


def test_family_gives_the_newest_daily_people_and_the_change_on_a_year_earlier(mini):
    found = facts.family(mini, "Meta", "2020-01-01")
    assert (found.figure.value, found.figure.date, found.figure.label) == (2000, pd.Timestamp("2019-06-01"),
                                                                           "daily active people")
    assert found.change == pytest.approx(2000 / 1800 - 1) and found.source_ids == ("src-b",)
    assert facts.family(mini, "Meta", "2018-12-31").change is None
    assert facts.family(mini, "Meta", "2018-05-31") is None
    assert facts.family(mini, "Telegram", "2020-01-01") is None


def test_family_in_words_and_in_a_briefing_on_a_meta_app_only(mini):
    found = facts.family(mini, "Meta", "2020-01-01")
    english = str(words.Words(words.Md(words.Citations()), "2020-01-01").family(found))
    assert english == ("Meta counted **2 billion daily active people** across all its apps (1 Jun 2019), "
                       "11% more than a year earlier [1].\n\n")
    in_german = facts.family(mini, "Meta", "2020-01-01", "de")
    german = str(words.Words(words.Md(words.Citations()), "2020-01-01", "de").family(in_german))
    assert german.startswith("Meta zählte über alle seine Apps hinweg **2\xa0Mrd. daily active people** "  # its label
                             "(1. Juni 2019), 11\u00a0% mehr als ein Jahr zuvor")
    assert "Meta counted" in str(Briefing(mini, "Messenger", None, "2020-01-01", cache=ChartCache()).users())
    assert "counted" not in str(Briefing(mini, "Telegram", None, "2020-01-01", cache=ChartCache()).users())


def test_money_gives_the_revenue_outside_advertising_of_its_own_quarter_where_known():
    real = analysis.load()
    snap = facts.money(real, "Snap Inc.", real.latest, "Europe")  # Europe's newest is Q4 2025; the rest runs to Q1 2026
    assert (snap.quarter, snap.geography_quarter, snap.other_quarter) == ("2026-Q1", "2025-Q4", "2026-Q1")
    meta = facts.money(real, "Meta", "2024-03-01")
    assert meta.other_quarter == meta.quarter == "2023-Q4"
