"""The briefing's words: sentences from one Jinja template per language (en.j2, de.j2), in HTML (the
page) or Markdown (notebooks).

Every data text is escaped by Jinja's autoescape; the markups add only emphasis, citations,
paragraphs, lists and tables around it.
"""

from __future__ import annotations

from functools import cache

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from . import facts
from .formats import age, amount, dated, duration, ordinal, percent, quarter, when
from .labels import label, stage_name
from .templating import bytecode_cache


def title(platform: str, place: str | None, as_of, lang: str = "en") -> str:
    """'WhatsApp in Latin America: monetization briefing, 28 Jan 2026' (or in German); ``place`` is the
    region or country in focus as a sentence names it, in ``lang`` ('the United States'), or None."""
    focus = label("title_focus", lang, place=place) if place else ""
    return f"{label('title', lang, platform=platform, focus=focus)}, {when(as_of, lang=lang)}"


@cache
def environment(lang: str) -> jinja2.Environment:
    """The sentences' Jinja environment for ``lang``: autoescape, and filters that format in it."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("analysis", "templates/words"), autoescape=True,
                             undefined=jinja2.StrictUndefined, bytecode_cache=bytecode_cache())

    def figure(f: facts.Figure) -> str:
        """'1.2 billion monthly active users'; '84 %' (the label is said elsewhere for a share)."""
        value = amount(f.value, f.unit, lang)
        return value if f.unit == "percent" else f"{value} {f.label}"

    env.filters.update(
        when=lambda date, precision="day": when(date, precision, lang),
        dated=lambda date, preposition, precision="day": dated(date, preposition, precision, lang),
        duration=lambda years: duration(years, lang), age=lambda years: age(years, lang),
        percent=lambda rate: percent(rate, lang), ordinal=ordinal, figure=figure,
        dollars=lambda millions: amount(millions, "usd_millions", lang), quarter=lambda q: quarter(q, lang),
        capitalize_first=lambda text: text[:1].upper() + text[1:],
        possessive=lambda name: Markup("{}'" if name.endswith("s") else "{}'s").format(name),
        kind_label=lambda kind: label(f"kind:{kind}", lang),
        return_label=lambda state: label(f"return:{state}", lang))
    return env


class Citations:
    """The sources cited so far, numbered in order of first citation."""

    def __init__(self):
        self.cited: list[str] = []

    def numbers(self, source_ids) -> list[int]:
        for source_id in source_ids:
            if source_id not in self.cited:
                self.cited.append(source_id)
        return sorted({self.cited.index(s) + 1 for s in source_ids})


class Html:
    """HTML markup; citations are numbered marks."""

    def __init__(self, citations: Citations):
        self.citations = citations

    def strong(self, text) -> Markup:
        return Markup("<strong>{}</strong>").format(text)

    def cite(self, source_ids) -> Markup:
        numbers = self.citations.numbers(source_ids)
        return Markup('<sup class="cite">[{}]</sup>').format(", ".join(map(str, numbers))) if numbers else Markup()

    def emphasis(self, text) -> Markup:
        return Markup("<em>{}</em>").format(text)

    def link(self, url) -> Markup:
        return Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(url)

    def paragraph(self, text) -> Markup:
        return Markup("<p>{}</p>").format(text)

    def bullets(self, items) -> Markup:
        return Markup("<ul>{}</ul>").format(Markup().join(Markup("<li>{}</li>").format(i) for i in items))

    def pairs(self, rows, *, css: str) -> Markup:
        """A two-column table of labels and values."""
        return Markup('<table class="{}">{}</table>').format(css, Markup().join(
            Markup("<tr><th>{}</th><td>{}</td></tr>").format(k, v) for k, v in rows))

    def numbered(self, items, *, css: str) -> Markup:
        return Markup('<ol class="{}">{}</ol>').format(css, Markup().join(
            Markup('<li id="source-{}">{}</li>').format(n, i) for n, i in enumerate(items, 1)))

    def table(self, header, rows, *, css: str, row_css=()) -> Markup:
        head = Markup().join(Markup("<th>{}</th>").format(h) for h in header)
        row_css = list(row_css) or [""] * len(rows)
        body = Markup().join(
            Markup('<tr class="{}">{}</tr>').format(c, Markup().join(Markup("<td>{}</td>").format(v) for v in r))
            for c, r in zip(row_css, rows))
        return Markup('<table class="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>').format(
            css, head, body)


class Md(Html):
    """Markdown markup for notebook cells; citations are numbered marks too."""

    def strong(self, text) -> Markup:
        return Markup("**{}**").format(_emphasis_safe(text))

    def cite(self, source_ids) -> Markup:
        numbers = self.citations.numbers(source_ids)
        return Markup(" [{}]").format(", ".join(map(str, numbers))) if numbers else Markup()

    def emphasis(self, text) -> Markup:
        return Markup("*{}*").format(_emphasis_safe(text))

    def link(self, url) -> Markup:
        return Markup("<{}>").format(url)

    def paragraph(self, text) -> Markup:
        return Markup("{}\n\n").format(text)

    def bullets(self, items) -> Markup:
        return Markup().join(Markup("- {}\n").format(i) for i in items) + Markup("\n")

    def pairs(self, rows, *, css: str) -> Markup:
        return self.table(("", ""), rows, css=css)

    def numbered(self, items, *, css: str) -> Markup:
        return Markup().join(Markup("{}. {}\n").format(n, i) for n, i in enumerate(items, 1))

    def table(self, header, rows, *, css: str, row_css=()) -> Markup:
        line = Markup("| {} |\n")
        text = line.format(Markup(" | ").join(escape(h) for h in header))
        text += Markup("|{}|\n").format("|".join("---" for _ in header))
        return text + Markup().join(line.format(Markup(" | ").join(escape(v) for v in r)) for r in rows)


def _emphasis_safe(text) -> Markup:
    """``text`` escaped, its Markdown emphasis marks too, so a title's '*' cannot end the emphasis."""
    return Markup(str(escape(text)).replace("*", "\\*").replace("_", "\\_"))


class Words:
    """The sections' words for one briefing date, in one markup and language (``en`` or ``de``)."""

    def __init__(self, markup: Html, as_of, lang: str = "en"):
        self.m, self.as_of, self.lang = markup, pd.Timestamp(as_of), lang
        self.s = environment(lang).get_template(f"{lang}.j2").make_module({"m": markup})

    def label(self, key: str, **values) -> str:
        return label(key, self.lang, **values)

    def headers(self, *keys: str) -> tuple[str, ...]:
        return tuple(self.label(f"header:{key}") for key in keys)

    def standing(self, f: facts.Standing) -> Markup:
        return (self.m.paragraph(self.s.standing(f, self.as_of) + " " + self.s.reading(f))
                + self.m.bullets([self.s.stage_entry(e) for e in f.entries]))

    def users(self, f: facts.Users) -> Markup:
        if f.latest is None:
            return self.m.paragraph(self.s.no_users(f.platform, self.as_of))
        text = self.s.latest_users(f, self.as_of)
        if f.growth is not None:
            text += Markup(" ") + self.s.growth(f.growth)
        return self.m.paragraph(text)

    def events(self, platform: str, events: tuple[facts.Event, ...], place: str | None) -> Markup:
        if not events:
            return self.m.paragraph(self.s.no_events(platform, self.as_of))
        note = self.m.paragraph(self.s.local_rows(place)) if place else Markup()
        rows = [(when(e.date, e.precision, self.lang), e.text, self.label(f"event:{e.kind}"), e.product, e.regions,
                 self.m.cite([e.source_id])) for e in events]
        table = self.m.table(self.headers("date", "event", "kind", "product", "where", "source"), rows, css="events",
                             row_css=["in-region" if e.local else "" for e in events])
        return note + table

    def market(self, platform: str, f: facts.Market, place: str) -> Markup:
        if f.blocked is not None:  # every product of the app is shelved with it
            return self.m.paragraph(self.s.market_blocked(platform, place, self.as_of, f.blocked))
        text = self.m.paragraph(self.s.market_intro(platform, place, self.as_of, bool(f.paid)))
        if f.paid:
            text += self.m.bullets([self.s.offer(o) for o in f.paid])
        if f.testing:
            text += (self.m.paragraph(self.label("being_tested"))
                     + self.m.bullets([self.s.testing(o) for o in f.testing]))
        if f.free:
            text += self.m.paragraph(self.s.free_tools(f.free))
        return text

    def outlook(self, f: facts.Outlook, place: str | None = None) -> Markup:
        """What to watch next; with a ``place`` (a country or region), an open plan is open there."""
        items = [self.s.open_plan(o, self.as_of, place is not None) for o in f.open_plans if o.shelved_before is None]
        items += [self.s.returned(o) for o in f.returned]
        items += [self.s.replaced(o) for o in f.replaced]
        items += [self.s.shelved(o) for o in f.shelved]
        if f.next_stage is not None:
            items.append(self.s.next_stage(f.next_stage, stage_name(f.next_stage, self.lang)))
        if not items:
            return self.m.paragraph(self.s.nothing_open())
        intro = self.m.paragraph(self.s.outlook_intro(place, self.as_of)) if place is not None else Markup()
        return intro + self.m.bullets(items)

    def region_overview(self, f: facts.Region) -> Markup:
        """The region's first local events and stated B2B/B2C use; says so when it has none."""
        items = [self.s.first_local(x, f.region) for x in f.first_local]
        items += [self.s.orientation(o) for o in f.orientations]
        if not items:
            return self.m.paragraph(self.s.no_local(f.region, self.as_of))
        return self.m.paragraph(self.s.in_place(f.region)) + self.m.bullets(items)

    def region(self, platform: str, f: facts.Region, highlight: str | None = None) -> Markup:
        """The region's overview and figures; the rows of the place ``highlight`` (a country) first
        and highlighted."""
        intro = self.m.paragraph(self.s.no_region(platform)) if f.region is None else self.region_overview(f)
        if not f.figures:
            return intro + self.m.paragraph(self.s.no_figures(platform, f.region, self.as_of))
        figures = sorted(f.figures, key=lambda r: r.place != highlight)  # stable: the rest keep their order
        rows = [(r.place, r.platform or self.label("messaging_apps"), self._measure(r.figure),
                 amount(r.figure.value, r.figure.unit, self.lang), self.s.figure_year(r.figure),
                 self.m.cite([r.figure.source_id])) for r in figures]
        return intro + self.m.table(self.headers("place", "platform", "measure", "value", "year", "source"), rows,
                                    css="figures", row_css=["in-region" if r.place == highlight else ""
                                                            for r in figures])

    def family(self, f: facts.Family | None) -> Markup:
        """People across all of the owner's apps; nothing where unknown."""
        return self.m.paragraph(self.s.family(f)) if f is not None else Markup()

    def money(self, f: facts.Money | None) -> Markup:
        """Where the owner's advertising money came from in the newest quarter; nothing where unknown."""
        return self.m.paragraph(self.s.money(f)) if f is not None else Markup()

    def _measure(self, f: facts.Figure) -> str:
        """What a figure counts, with '(estimate)' or '(survey)' where the company did not report it."""
        return f.label if f.kind == "company_reported" else f"{f.label} ({self.label('figure:' + f.kind)})"

    def no_country_users(self, platform: str) -> Markup:
        return self.m.paragraph(self.s.no_country_users(platform, self.as_of))

    def peers(self, f: facts.PeerPosition) -> Markup:
        return self.m.paragraph(self.s.peers(f, self.as_of))

    def sources(self, found: tuple[facts.Source, ...]) -> Markup:
        """The numbered source list; weak sources say why."""
        return self.m.numbered([self.s.source(x) for x in found], css="citations")
