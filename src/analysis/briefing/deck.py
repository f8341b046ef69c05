"""A briefing as a 16:9 PowerPoint deck (python-pptx), and its charts as PNG (twice the page's size) and SVG.

The deck has a title slide, one slide per section with its key sentences, its chart and its
source line, and the numbered sources; in the briefing's language. Everything is computed here
from the same facts and words as the page, without a kernel.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pandas as pd

from .. import style
from ..data import Dataset
from ..files import write_atomic
from ..formats import when
from ..labels import label, region_name
from .chartcache import ChartCache
from .content import Briefing

SECTIONS = ("standing", "users", "events", "market", "region", "money", "peers", "outlook")
CHARTED = ("standing", "users", "region", "money", "peers")
EXPORTS = ChartCache(kept=32)  # exported chart files by what they are drawn from, per process
SOURCES_PER_SLIDE = 12
MOST_BULLETS = 6
WIDE, TALL = 40 / 3, 7.5  # inches: 16:9


def chart_folder(page: Path) -> Path:
    """Where a page's charts are saved: 'whatsapp--europe--2026-06-03-charts' beside it."""
    return page.with_name(f"{page.stem}-charts")


def write_deck(ds: Dataset, values: dict, page: Path) -> Path:
    """Write ``<page>.pptx`` and the page's charts (``<page>-charts/<section>.png`` and ``.svg``).

    Parameters
    ----------
    ds : Dataset
    values : dict
        The briefing's checked parameters (``platform``, ``region``, ``country``, ``as_of``, ``lang``).
    page : Path
        The briefing's HTML file; the deck and the chart folder go beside it.

    Returns
    -------
    Path
        The deck.
    """
    from pptx import Presentation
    from pptx.util import Inches

    b = Briefing(ds, values["platform"], values["region"], values["as_of"], values["lang"], values.get("country"),
                 values.get("reading"))
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDE), Inches(TALL)
    _title_slide(deck, b)
    with style.theme():  # the charts look as on the page
        charts = save_charts(b, chart_folder(page))
    for section in SECTIONS:
        text, bullets = _section_text(b, section)
        if not text and not bullets and section not in charts:
            continue  # a part the briefing does not have (the owner's revenue of a peer platform)
        marks = re.findall(r"\[([\d, ]+)\]", " ".join([text, *bullets]))
        cited = sorted({int(number) for mark in marks for number in mark.split(",")})
        picture, note = charts.get(section, (None, ""))
        title = b.money_heading() if section == "money" else label(f"section:{section}", b.lang)
        _section_slide(deck, title, text, bullets, picture,
                       _source_line(b, cited) or note)
    _source_slides(deck, b)
    buffer = io.BytesIO()
    deck.save(buffer)
    return write_atomic(page.with_suffix(".pptx"), buffer.getvalue())


def save_charts(b: Briefing, folder: Path) -> dict[str, tuple[Path, str]]:
    """The briefing's charts as PNG at twice the page's resolution and as SVG in ``folder``; for each
    section that has a chart, its PNG and its source note."""
    saved = {}
    for section in CHARTED:
        chart = b.chart_spec(section)
        if chart is None:
            continue
        png, svg, note = EXPORTS.get((b.data_digest, section, chart[1].__qualname__, chart[2], chart[0]),
                                     lambda: _exported(b, section))
        saved[section] = write_atomic(folder / f"{section}.png", png), note
        write_atomic(folder / f"{section}.svg", svg)
    return saved


def _exported(b: Briefing, section: str) -> tuple[bytes, bytes, str]:
    """A section's chart drawn once: as PNG, as SVG, and its source note."""
    figure = b.figure(section)
    png, svg = io.BytesIO(), io.BytesIO()
    figure.savefig(png, format="png", dpi=2 * figure.dpi, bbox_inches="tight")
    figure.savefig(svg, format="svg", bbox_inches="tight")
    note = style.find_source_note(figure.axes[0])
    return png.getvalue(), svg.getvalue(), note.get_text() if note else ""


def _plain(markup: str) -> str:
    """Page HTML as text: tags dropped, citation marks kept as ' [1, 2]'."""
    text = re.sub(r'<sup class="cite">\[([^\]]*)\]</sup>', r" [\1]", str(markup))
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))).strip()


def _section_text(b: Briefing, section: str) -> tuple[str, list[str]]:
    """A section's key sentences (its first paragraph) and its first list items."""
    markup = str({"standing": b.standing, "users": b.users, "events": b.events, "market": b.market,
                  "region": b.region_comparison, "money": b.money, "peers": b.peers_section,
                  "outlook": b.watch_next}[section]())
    paragraphs = [_plain(p) for p in re.findall(r"<p>(.*?)</p>", markup, re.S)]
    items = [_plain(i) for i in re.findall(r"<li>(.*?)</li>", markup, re.S)]
    if section == "events":  # the newest events, newest first: date – event [source]
        rows = [[_plain(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
                for row in re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", markup, re.S)]
        items = [f"{cells[0]} – {cells[1]} {cells[-1]}" for cells in reversed(rows)]
    return (paragraphs[0] if paragraphs else ""), items[:MOST_BULLETS]


def _source_line(b: Briefing, numbers: list[int]) -> str:
    """'Sources: [1] Reuters, 11 Jul 2017; [2] ...' for the citation numbers on a slide."""
    if not numbers:
        return ""
    table = b.ds.sources.set_index("source_id")
    parts = []
    for number in numbers:
        row = table.loc[b.cited[number - 1]]
        date = (when(row["published"], row["published_precision"], b.lang) if pd.notna(row["published"])
                else label("chart:undated", b.lang))
        parts.append(f"[{number}] {row['publisher']}, {date}")
    return label("chart:sources", b.lang, sources="; ".join(parts))


def _text_box(slide, left, top, width, height, paragraphs, size, bold_first=False, color=None):
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height)).text_frame
    frame.word_wrap = True
    for i, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = text
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold_first and i == 0
        if color:
            paragraph.font.color.rgb = RGBColor.from_string(color)
        paragraph.space_after = Pt(size * 0.5)
    return frame


def _title_slide(deck, b: Briefing) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    region = region_name(b.region, b.lang) if b.region else label("all_regions", b.lang)
    _text_box(slide, 0.8, 2.3, WIDE - 1.6, 1.6, [b.title], 34, bold_first=True)
    _text_box(slide, 0.8, 4.0, WIDE - 1.6, 1.2,
              [f"{label('platform', b.lang)}: {b.platform} · {label('region', b.lang)}: {region} · "
               f"{label('as_of', b.lang)}: {when(b.as_of, lang=b.lang)}"], 16, color="555555")


def _section_slide(deck, heading: str, text: str, bullets: list[str], picture: Path | None, sources: str):
    from pptx.util import Inches

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text_box(slide, 0.5, 0.3, WIDE - 1.0, 0.8, [heading], 28, bold_first=True)
    width = 5.2 if picture else WIDE - 1.0
    _text_box(slide, 0.5, 1.2, width, 5.4, [p for p in [text, *(f"• {b}" for b in bullets)] if p],
              12 if picture else 14)
    if picture:
        slide.shapes.add_picture(str(picture), Inches(5.9), Inches(1.2), width=Inches(WIDE - 6.4))
    if sources:
        _text_box(slide, 0.5, TALL - 0.8, WIDE - 1.0, 0.6, [sources], 9, color="666666")


def _source_slides(deck, b: Briefing) -> None:
    items = [_plain(i) for i in re.findall(r"<li[^>]*>(.*?)</li>", str(b.citations()), re.S)]
    heading = label("section:sources", b.lang)
    for start in range(0, len(items), SOURCES_PER_SLIDE):
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        _text_box(slide, 0.5, 0.3, WIDE - 1.0, 0.8, [heading], 28, bold_first=True)
        _text_box(slide, 0.5, 1.1, WIDE - 1.0, 6.0,
                  [f"{n}. {item}" for n, item in enumerate(items[start:start + SOURCES_PER_SLIDE], start + 1)], 9)
