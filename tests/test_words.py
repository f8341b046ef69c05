"""The words a client reads: one sentence per section in HTML and Markdown, and no hindsight."""

import re
from dataclasses import replace

import jinja2
import pandas as pd
import pytest

import analysis
from analysis import facts, labels, products, rollouts, stages, style, words
from analysis.briefing.content import Briefing

# It writes every section of dozens of briefings: a parallel run starts it before the quick modules.
pytestmark = pytest.mark.early(2)

T = pd.Timestamp
AS_OF = T("2019-06-30")


def html_words():
    return words.Words(words.Html(words.Citations()), AS_OF)


def md_words():
    return words.Words(words.Md(words.Citations()), AS_OF)


def figure(value=1500, label="monthly active users", date="2018-02-01", age=1.4, unit="millions"):
    metric = {"monthly active users": "mau", "daily active users": "dau"}.get(label, "users")
    return facts.Figure(value, unit, label, T(date), "src-a", age, metric)


def offer(product="Business API", kind="paid_messaging", state="available", since="2018-08-01", **more):
    values = dict(precision="day", age_years=0.9, first_announced=None, shelved_before=None, replaced_by=None,
                  where=None, source_id="src-b")
    values.update(more)
    return facts.Offer(product, kind, state, T(since), **values)


STANDING = facts.Standing("WhatsApp", 2, "Organic business interaction", T("2018-01-01"), "day", 1.5, (
    facts.StageEntry(2, "Organic business interaction", T("2018-01-01"), "day", figure(1300, age=1.5),
                     "Business app <b>launched</b>.", "src-a"),), "paid tools", "Stage 3 begins with <paid> reach.")


def test_standing_in_html_and_markdown():
    html = str(html_words().standing(STANDING))
    assert html.startswith("<p><strong>WhatsApp</strong> has been in <strong>stage 2</strong> (organic business "
                           "interaction) since 1 Jan 2018: 1.5 years by 30 Jun 2019. Stages follow the reading "
                           "“paid tools”. Stage 3 begins with &lt;paid&gt; reach.</p>")
    assert ("<li>Stage 2 (organic business interaction) from 1 Jan 2018, with about 1.3 billion monthly active users: "
            'Business app &lt;b&gt;launched&lt;/b&gt;.<sup class="cite">[1]</sup></li>') in html
    md = str(md_words().standing(STANDING))
    assert md.startswith("**WhatsApp** has been in **stage 2** (organic business interaction) since 1 Jan 2018")
    assert "- Stage 2 (organic business interaction) from 1 Jan 2018, with about 1.3 billion monthly active users" in md


@pytest.mark.parametrize("lang, standing, entry, first", [
    ("en", "since June 2012:", "from June 2012", "in Asia-Pacific (worldwide ones not counted), June 2012: "),
    ("de", "seit Juni 2012 in", "ab Juni 2012", "in Asien-Pazifik (weltweite nicht gezählt), Juni 2012: "),
])
def test_a_date_known_only_to_the_month_is_written_as_the_month(lang, standing, entry, first):
    known_by_month = replace(STANDING, since=T("2012-06-01"), precision="month", entries=(
        replace(STANDING.entries[0], started=T("2012-06-01"), precision="month"),))
    w = words.Words(words.Md(words.Citations()), AS_OF, lang)
    text = str(w.standing(known_by_month))
    assert standing in text and entry in text and "1" not in text.split("2012")[0][-12:]
    region = facts.Region("Asien-Pazifik" if lang == "de" else "Asia-Pacific",
                          (facts.FirstLocal("LINE", T("2012-06-01"), "month", "Official accounts", "src-a"),), (), ())
    assert first in str(w.region("LINE", region))


def test_users_sentence_states_unit_date_age_and_growth():
    found = facts.Users("Viber", figure(800, date="2014-03-01", age=5.3), facts.Growth(
        T("2013-01-01"), T("2014-03-01"), 0.6, ("src-a", "src-b")))
    html = str(html_words().users(found))
    assert "Viber's latest reported figure: <strong>800 million monthly active users</strong> (1 Mar 2014)" in html
    assert "The figure is over 5 years old on 30 Jun 2019: no newer figure for the whole app is on record." in html
    assert "Between 1 Jan 2013 and 1 Mar 2014, monthly users grew by 60% a year" in html
    assert str(md_words().users(facts.Users("Viber", None, None))) == (
        "Viber had reported no user figure by 30 Jun 2019.\n\n")


def test_users_of_another_metric_say_which():
    found = facts.Users("Threads", figure(150, label="daily active users", date="2019-01-01", age=0.5), None)
    assert ("Threads had reported no monthly active users by 30 Jun 2019; its newest figure then was "
            "**150 million daily active users** (1 Jan 2019)") in str(md_words().users(found))


def test_events_table_shows_month_only_dates_as_months():
    found = (facts.Event(T("2018-01-01"), "month", "Business app", "launch", "Business app", "Latin America",
                         True, "src-a"),)
    html = str(html_words().events("WhatsApp", found, "Latin America"))
    assert "<td>January 2018</td><td>Business app</td><td>launch</td>" in html
    assert '<tr class="in-region">' in html
    md = str(md_words().events("WhatsApp", found, "Latin America"))
    assert "| January 2018 | Business app | launch | Business app | Latin America |  [1] |" in md


def test_market_lists_what_can_be_bought_tested_and_used_free():
    found = facts.Market("BR", (offer(where="Brazil"),), (offer("Verified", "paid_business_tools", "in test"),),
                         (offer("Business app", "business_tools"),))
    html = str(html_words().market("WhatsApp", found, "Brazil"))
    assert "<strong>Brazil</strong>, 30 Jun 2019: businesses can pay WhatsApp for:" in html
    assert "Paid messages to customers: <strong>Business API</strong>, since 1 Aug 2018 (first: Brazil)" in html
    assert "<strong>Verified</strong> (paid business features) in test since 1 Aug 2018" in html
    assert "Free tools for businesses: Business app (since 1 Aug 2018)" in html
    empty = str(md_words().market("WhatsApp", facts.Market(None, (), (), ()), "all markets"))
    assert empty == "**All markets**, 30 Jun 2019: no paid tool of WhatsApp for businesses is on record.\n\n"


def test_outlook_says_age_return_replacement_and_shelving():
    found = facts.Outlook(
        open_plans=(offer("Channels", "business_tools", "announced", "2016-04-01", age_years=3.2),),
        returned=(offer("Status ads", "in_app_ads", "announced", "2019-06-01", shelved_before=T("2017-01-01")),),
        replaced=(offer("Sponsored", state="replaced", replaced_by="Marketing"),),
        shelved=(offer("Desktop app", "other", "shelved", "2019-01-01"),),
        next_stage=3)
    md = str(md_words().outlook(found))
    assert "- **Channels**: announced 1 Apr 2016, over 3 years before 30 Jun 2019; no test or launch on record since" in md
    # a product's name may be plural ("Status ads"): the sentences name it, then say what became of it
    assert "- **Status ads**: shelved on 1 Jan 2017; announced again since 1 Jun 2019" in md
    assert "- **Sponsored**: replaced by Marketing (1 Aug 2018)" in md
    assert "- **Desktop app**: shelved on 1 Jan 2019; nothing on record says it is coming back" in md
    assert "- Next on the path: stage 3, paid tools for businesses." in md
    assert "watch for its return" not in md
    german = str(words.Words(words.Md(words.Citations()), AS_OF, "de").outlook(found))
    assert "- **Status ads**: am 1. Januar 2017 eingestellt; erneut angekündigt seit dem 1. Juni 2019" in german
    assert "- **Sponsored**: durch Marketing ersetzt (1. August 2018)" in german
    assert "- **Desktop app**: am 1. Januar 2019 eingestellt; nichts Belegtes deutet auf eine Rückkehr hin" in german


def test_a_long_test_says_no_launch_is_on_record():
    found = facts.Market("DE", (), (offer("Profiles", "business_tools", "in test", "2016-01-01", age_years=3.5),), ())
    assert "in test since 1 Jan 2016; no launch is on record, over 3 years later" in str(md_words().market("X", found, "Germany"))
    german = words.Words(words.Md(words.Citations()), AS_OF, "de").market("X", found, "Deutschland")
    assert "im Test seit dem 1. Januar 2016; ein Start ist auch über 3 Jahre später nicht belegt" in str(german)
    recent = facts.Market("DE", (), (offer("Profiles", "business_tools", "in test", "2019-01-01", age_years=0.5),), ())
    assert "no launch" not in str(md_words().market("X", recent, "Germany"))


def test_an_outlook_for_a_market_says_a_plan_is_open_there():
    found = facts.Outlook(open_plans=(offer("Verified", "paid_business_tools", "announced", "2018-01-01",
                                            age_years=1.5),), returned=(), replaced=(), shelved=(), next_stage=None)
    md = str(md_words().outlook(found, "Germany"))
    assert md.startswith("**Germany**, 30 Jun 2019:\n\n- **Verified**: announced 1 Jan 2018")
    assert "no test or launch here on record since" in md
    german = str(words.Words(words.Md(words.Citations()), AS_OF, "de").outlook(found, "Deutschland"))
    assert german.startswith("**Deutschland**, 30. Juni 2019:") and "seither ist hier kein Test" in german
    assert "here" not in str(md_words().outlook(found))  # everywhere: no market to be open in


def test_region_and_peers_sentences():
    region = facts.Region("Europe", (facts.FirstLocal("WhatsApp", T("2018-01-01"), "day", "Business app", "src-a"),),
                          (facts.Orientation("Facebook", "B2C", 2019, "src-b"),),
                          (facts.RegionalFigure("Germany", "WhatsApp", figure(40, "users", "2015-12-31", 3.5)),))
    html = str(html_words().region("WhatsApp", region))
    assert "WhatsApp: first event on record naming a market in Europe (worldwide ones not counted), 1 Jan 2018: Business app" in html
    assert "Business use of Facebook is mainly <strong>B2C</strong> (a statement of 2019)" in html
    assert "<td>Germany</td><td>WhatsApp</td><td>users</td><td>40 million</td><td>2015 (over 3 years old)</td>" in html
    peers = str(md_words().peers(facts.PeerPosition("Instagram", 3.1, 1, 8)))
    assert peers.startswith("Instagram took 3.1 years from launch to its first paid tools for businesses, "
                            "the fastest of the 8 platforms")


@pytest.mark.parametrize("kind, english, german", [
    ("company_reported", "<td>users</td>", "<td>users</td>"),
    ("third_party_estimate", "<td>users (estimate)</td>", "<td>users (Schätzung)</td>"),
    ("survey", "<td>users (survey)</td>", "<td>users (Umfrage)</td>"),
])
def test_a_regional_figure_says_whether_it_is_an_estimate_or_a_survey(kind, english, german):
    found = replace(figure(40, "users", "2015-12-31", 3.5), kind=kind)
    region = facts.Region("Europe", (), (), (facts.RegionalFigure("Germany", "WhatsApp", found),))
    assert english in str(html_words().region("WhatsApp", region))
    assert german in str(words.Words(words.Html(words.Citations()), "2019-06-30", "de").region("WhatsApp", region))


def test_a_name_ending_in_s_takes_an_apostrophe_only():
    threads = facts.Users("Threads", figure(400, date="2025-08-12", age=0.8), None)
    assert "Threads' latest reported figure: " in str(md_words().users(threads))
    assert "Viber's latest reported figure: " in str(md_words().users(facts.Users("Viber", figure(), None)))


def test_a_region_with_no_local_event_says_so():
    empty = facts.Region("Europe", (), (), ())
    assert str(md_words().region_overview(empty)) == "No event on record by 30 Jun 2019 names a market in Europe.\n\n"


def test_sources_in_markdown_are_markdown():
    found = (facts.Source("Pub <x>", "A *title*", T("2019-01-02"), "day", "https://example.org/a?b=1", ()),)
    assert str(md_words().sources(found)) == "1. Pub &lt;x&gt;: *A \\*title\\**, 2 Jan 2019. <https://example.org/a?b=1>\n"


def test_a_source_known_by_its_month_only_shows_the_month():
    found = (facts.Source("Pub", "T", T("2018-02-01"), "month", "https://example.org/a", ()),)
    assert str(md_words().sources(found)) == "1. Pub: *T*, February 2018. <https://example.org/a>\n"
    german = words.Words(words.Md(words.Citations()), "2019-06-30", "de")
    assert str(german.sources(found)) == "1. Pub: *T*, Februar 2018. <https://example.org/a>\n"


def test_citations_number_sources_in_order_of_first_use():
    w = html_words()
    w.m.cite(["b", "a"])
    assert str(w.m.cite(["a", "c"])) == '<sup class="cite">[2, 3]</sup>'
    assert w.m.citations.cited == ["b", "a", "c"]


def test_source_line_flags_weak_sources():
    found = (facts.Source("Copy <Site>", None, None, None, "https://copy.example/x", ("undated", "untitled", "copy")),)
    html = str(html_words().sources(found))
    assert ("Copy &lt;Site&gt;: no headline, undated. A copy of another publisher's report. "
            '<a href="https://copy.example/x"') in html


# --- no hindsight: a property over a grid of real briefings ------------------------------------------

YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
SECTIONS = ("header", "standing", "users", "events", "market", "region_comparison", "peers_section", "watch_next")
GRID_DATES = ("2011-06-30", "2012-06-30", "2013-06-30", "2014-03-31", "2016-11-02", "2018-06-30", "2021-01-01",
              "2022-12-31", "2024-06-30")


@pytest.fixture(scope="module")
def real():
    return analysis.load()


def _plans(ds, as_of):
    """Announcements known by the date: a plan may name a later year ('pricing change for June 2023')."""
    table = ds.rollouts
    return table.loc[(table["kind"] == "announcement") & (table["date"] <= as_of), "event"].tolist()


@pytest.mark.parametrize("as_of", GRID_DATES)
def test_no_section_states_a_year_after_its_date(real, as_of):
    checked = 0
    for platform in stages.platforms_with_stages(real):
        launched = real.platforms.set_index("platform").loc[platform, "launched"]
        if launched > T(as_of):
            continue
        for region in (None, "Europe", "Asia-Pacific", "Latin America"):
            briefing = Briefing(real, platform, region, as_of)
            for section in SECTIONS:
                text = re.sub(r"<[^>]+>", " ", str(getattr(briefing, section)()))
                for plan in _plans(real, T(as_of)):
                    text = text.replace(str(words.escape(plan)), "")
                later = [y for y in YEAR.findall(text) if int(y) > T(as_of).year]
                assert not later, (platform, region, as_of, section, later, text[:300])
                checked += 1
    assert checked >= 8 * len(SECTIONS)


# --- German --------------------------------------------------------------------------------------

def _macros(lang: str) -> dict:
    """The macros of a language's template: name -> argument names."""
    env = words.environment(lang)
    tree = env.parse(env.loader.get_source(env, f"{lang}.j2")[0])
    return {m.name: [a.name for a in m.args] for m in tree.find_all(jinja2.nodes.Macro)}


def _english_phrases() -> set[str]:
    """The fixed words of the English template: the text between its tags, 8 characters or more."""
    env = words.environment("en")
    source = env.loader.get_source(env, "en.j2")[0]
    text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", "\n", source, flags=re.S)
    return {p.strip(" .,:;()") for p in text.split("\n") if len(p.strip(" .,:;()")) >= 8}


def test_both_languages_have_the_same_sentences():
    assert _macros("de") == _macros("en")


def test_every_label_has_both_languages():
    for key in labels._labels():
        assert labels.label(key, "en") and labels.label(key, "de"), key


@pytest.mark.parametrize("platform, region, as_of", [
    ("WhatsApp", "Europe", None), ("Messenger", "Asia-Pacific", "2017-07-11"), ("iMessage", None, "2014-01-01"),
    ("Instagram", "North America", "2013-12-31")])
def test_a_german_briefing_has_no_english_words_left(real, platform, region, as_of):
    b = Briefing(real, platform, region, as_of, "de")
    with style.theme():  # as in the briefing notebook: with the fonts for every publisher's name
        region_chart, peers_chart = b.plot_region(), b.plot_peers()
    sections = [b.header(), b.standing(), b.users(), b.events(), b.market(), b.region_comparison(),
                getattr(region_chart, "data", None) or region_chart.alt, b.peers_section(), b.watch_next(),
                b.footer(), *(b.heading(s) for s in ("standing", "users", "events", "market", "region", "peers",
                                                     "outlook", "sources"))]
    page = " ".join(map(str, sections))
    found = sorted(p for p in _english_phrases() if p in page)
    assert not found, found
    for key, values in labels._labels().items():
        if key.startswith(("header:", "section:")) and values["en"] != values["de"]:
            assert f">{values['en']}<" not in page, key
    assert "Sources:" not in peers_chart.alt and peers_chart.alt.startswith("Grafik: ")


def test_german_sentences_read_german():
    w = words.Words(words.Html(words.Citations()), AS_OF, "de")
    latest = facts.Figure(800, "millions", "monatlich aktive Nutzer", T("2014-03-01"), "src-a", 5.3, "mau")
    html = str(w.users(facts.Users("Viber", latest, None)))
    assert html.startswith("<p>Neueste gemeldete Zahl von Viber: <strong>800\u00a0Mio. monatlich aktive Nutzer</strong> "
                           "(1. März 2014)")
    assert "Die Zahl ist am 30. Juni 2019 über 5 Jahre alt; eine neuere Zahl für die ganze App liegt nicht vor." in html
    peers = str(w.peers(facts.PeerPosition("WhatsApp", 8.6, 10, 10)))
    assert peers.startswith("<p>WhatsApp brauchte vom Start bis zu den ersten bezahlten Werkzeugen für Unternehmen "
                            "8,6 Jahre: am langsamsten unter den 10 Plattformen")


# --- a country focus ------------------------------------------------------------------------------

def test_a_country_briefing_names_the_country_and_highlights_its_rows(real):
    b = Briefing(real, "WhatsApp", None, None, "en", "DE")
    assert b.title.startswith("WhatsApp in Germany: monetization briefing, ")
    assert "<tr><th>Country</th><td>Germany</td></tr>" in b.header()
    events = b.events()
    assert "Highlighted rows: <strong>Germany</strong>." in events
    local = re.findall(r'<tr class="in-region">(.*?)</tr>', events)
    german = real.rollouts[(real.rollouts["platform"] == "WhatsApp")
                           & real.rollouts["countries"].fillna("").str.split(" ").map(lambda c: "DE" in c)]
    assert len(local) == len(german) > 0
    figures = re.findall(r'<tr class="([^"]*)"><td>([^<]*)</td>', b.region_comparison())
    assert figures[0] == ("in-region", "Germany")
    assert [place for css, place in figures if css] == [place for css, place in figures if place == "Germany"]
    assert b.market().startswith("<p><strong>Germany</strong>, ")
    german_page = Briefing(real, "WhatsApp", None, None, "de", "DE")
    assert german_page.title.startswith("WhatsApp – Deutschland: Monetarisierungs-Briefing, ")
    assert "<tr><th>Land</th><td>Deutschland</td></tr>" in german_page.header()


def test_stage_dates_keep_the_precision_of_their_sources(real):
    line = facts.standing(real, "LINE", "2020-01-01")  # stages.csv gives LINE's entries by month only
    assert (line.since, line.precision) == (pd.Timestamp("2012-06-01"), "month")
    assert [e.precision for e in line.entries] == ["day", "month", "month"]
    firsts = rollouts.first_markets(real)
    month_only = set(zip(real.rollouts["date"], real.rollouts["event"])) - set(
        zip(real.rollouts.loc[real.rollouts["date_precision"] == "day", "date"],
            real.rollouts.loc[real.rollouts["date_precision"] == "day", "event"]))
    assert {p for d, e, p in zip(firsts["first_date"], firsts["first_event"], firsts["first_precision"])
            if (d, e) in month_only} == {"month"}


def test_the_outlook_speaks_of_products_for_businesses_only(real):
    states = products.product_states(real, platforms="WhatsApp", market="DE")
    others = set(states.loc[states["kind"] == "other", "product"])  # cross-app messaging, chats with other apps
    assert others
    outlook = facts.outlook(real, "WhatsApp", real.latest, "DE")
    shown = [o for group in (outlook.open_plans, outlook.returned, outlook.replaced, outlook.shelved) for o in group]
    assert shown and not {o.product for o in shown} & others and "other" not in {o.kind for o in shown}


def test_a_country_view_does_not_name_the_country_as_the_first_market(real):
    germany = facts.market(real, "Instagram", real.latest, "DE")
    europe = facts.market(real, "Instagram", real.latest, "Europe")
    assert germany.paid and all(o.where != "Germany" for o in germany.paid)
    assert "United Kingdom" in {o.where for o in europe.paid}  # sponsored posts came to Europe there first


@pytest.mark.parametrize("lang, sentence", [
    ("en", "has been blocked here since 10 Apr 2026, so businesses can book nothing in it"),
    ("de", "ist hier seit dem 10. April 2026 gesperrt; Unternehmen können darin nichts buchen"),
])
def test_a_block_of_the_whole_app_takes_every_product_out_of_the_market(real, lang, sentence):
    russia = facts.market(real, "Telegram", real.latest, "RU", lang)
    assert (russia.paid, russia.testing, russia.free) == ((), (), ()) and russia.blocked is not None
    assert sentence in str(words.Words(words.Html(words.Citations()), real.latest, lang).market("Telegram", russia, "Russia"))
    assert facts.outlook(real, "Telegram", real.latest, "RU").shelved == ()  # the block says it once
    before = facts.market(real, "Telegram", "2026-04-09", "RU")
    assert before.blocked is None and before.paid  # the slowdown of February was no block
    lifted = facts.market(real, "Instagram", real.latest, "TR")  # Turkey's nine-day block of 2024
    assert lifted.blocked is None and "Instagram ads" in {o.product for o in lifted.paid}


def test_the_outlook_names_a_replacement_while_it_is_recent(real):
    recent = facts.outlook(real, "KakaoTalk", "2020-12-31", "KR")
    assert [o.product for o in recent.replaced] == ["Kakao Plus Friend"]  # renamed Kakao Talk Channel in 2019
    assert facts.outlook(real, "KakaoTalk", real.latest, "KR").replaced == ()  # not news seven years on
