"""The deck (python-pptx) and the chart files beside a page: slides, pictures, source lines, sizes."""

import io
import math

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from analysis import labels, style
from analysis.briefing.content import Briefing
from analysis.briefing.deck import CHARTED, SECTIONS, SOURCES_PER_SLIDE, chart_folder, write_deck


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """A German and an English deck of real data: {lang: (path, Presentation, values)}."""
    import analysis

    ds, out = analysis.load(), tmp_path_factory.mktemp("decks")
    result = {}
    for values in ({"platform": "WhatsApp", "region": "Europe", "as_of": "2026-06-03", "lang": "de"},
                   {"platform": "iMessage", "region": None, "as_of": "2014-01-01", "lang": "en"}):
        page = out / f"{values['platform']}-{values['lang']}.html"
        path = write_deck(ds, values, page)
        result[values["lang"]] = (path, Presentation(path), values, ds)
    return result


def _texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def _sections(b: Briefing) -> list[str]:
    """The sections a deck has: the money part only where the briefing has one."""
    return [s for s in SECTIONS if s != "money" or b.money_heading()]


def _title(b: Briefing, section: str) -> str:
    return b.money_heading() if section == "money" else labels.label(f"section:{section}", b.lang)


def _pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_deck_has_a_title_a_slide_per_section_and_the_sources(decks, lang):
    path, deck, values, ds = decks[lang]
    assert path.suffix == ".pptx" and (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 16:9
    slides = list(deck.slides)
    b = Briefing(ds, values["platform"], values["region"], values["as_of"], lang)
    assert _texts(slides[0])[0] == b.title
    shown = _sections(b)
    assert ("money" in shown) == (lang == "de")  # Meta's revenue for WhatsApp in 2026; none for iMessage
    for slide, section in zip(slides[1:], shown):
        assert _texts(slide)[0] == _title(b, section)
        assert _texts(slide)[1].strip(), section  # its key sentences
    sources = slides[1 + len(shown):]
    assert sources and all(_texts(s)[0] == labels.label("section:sources", lang) for s in sources)
    cited = sum(len(_texts(s)[1].splitlines()) for s in sources)
    assert len(sources) == math.ceil(cited / SOURCES_PER_SLIDE)


def test_each_charted_section_has_its_picture_and_a_source_line(decks):
    _, deck, values, ds = decks["de"]
    slides = dict(zip(SECTIONS, list(deck.slides)[1:]))  # WhatsApp in 2026 has every section
    assert _texts(slides["money"])[1].startswith("Im 1. Quartal 2026, gemeldet am 29. April 2026, erzielte Meta")
    assert "Die neuesten Zahlen nach Nutzerregion gelten für das 3. Quartal 2025" in _texts(slides["money"])[1]
    for section in SECTIONS:
        pictures, texts = _pictures(slides[section]), _texts(slides[section])
        assert len(pictures) == (1 if section in CHARTED else 0), section
        if section in CHARTED or "[" in texts[1]:
            assert texts[-1].startswith("Quellen: "), section


def test_a_source_line_gives_a_month_only_date_as_its_month(decks):
    _, deck, _, _ = decks["de"]  # cites the Meta Newsroom post on the Updates tab, of June 2025 (no day)
    lines = " ".join(_texts(slide)[-1] for slide in deck.slides if _texts(slide)[-1].startswith("Quellen: "))
    assert "Meta Newsroom, Juni 2025" in lines and "Meta Newsroom, 1. Juni 2025" not in lines


def test_a_section_without_a_chart_has_no_picture(decks):
    _, deck, _, _ = decks["en"]  # iMessage in 2014: no users, no figures by country, no Meta revenue
    slides = dict(zip([s for s in SECTIONS if s != "money"], list(deck.slides)[1:]))
    assert _pictures(slides["region"]) == []
    assert "iMessage had reported no user figure by 1 Jan 2014." in _texts(slides["users"])[1]


def test_a_country_deck_is_about_the_country(decks, tmp_path):
    _, _, _, ds = decks["de"]
    values = {"platform": "WhatsApp", "region": "Europe", "country": "DE", "as_of": "2026-06-03", "lang": "de"}
    deck = Presentation(write_deck(ds, values, tmp_path / "whatsapp-de.html"))
    slides = list(deck.slides)
    assert _texts(slides[0])[0].startswith("WhatsApp – Deutschland: ")
    market = dict(zip(SECTIONS, slides[1:]))["market"]
    assert _texts(market)[1].startswith("Deutschland, 3. Juni 2026: Unternehmen können bei WhatsApp Folgendes buchen:")


def test_charts_are_saved_as_png_at_twice_the_size_and_as_svg(decks):
    path, _, values, ds = decks["de"]
    folder = chart_folder(path.with_suffix(".html"))
    b = Briefing(ds, values["platform"], values["region"], values["as_of"], "de")
    with style.theme():  # as in the briefing notebook
        drawn = (("standing", b.plot_stages()), ("peers", b.plot_peers()))
    for section, chart in drawn:
        page_width, _ = Image.open(io.BytesIO(chart.png)).size
        saved_width, _ = Image.open(folder / f"{section}.png").size
        assert saved_width == pytest.approx(2 * page_width, rel=0.05)
        assert (folder / f"{section}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{s}.{x}" for s in CHARTED for x in ("png", "svg"))
