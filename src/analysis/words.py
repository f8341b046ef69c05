"""The briefing's words: sentences from one Jinja template, in HTML (the page) or Markdown (notebooks).

Every data text is escaped by Jinja's autoescape; the markups add only emphasis, citations,
paragraphs, lists and tables around it.
"""

from __future__ import annotations

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from . import facts
from .formats import age, amount, duration, ordinal, percent, when

KIND_LABELS = {
    "in_app_ads": "ads shown in the app",
    "paid_messaging": "paid messages to customers",
    "paid_business_tools": "paid business features",
    "click_to_chat_ads": "ads elsewhere that open a chat",
    "business_tools": "free business tools",
    "other": "other",
}
EVENT_KIND_LABELS = {"announcement": "announced", "test": "test", "launch": "launch",
                     "expansion": "expansion", "shelved": "shelved"}
RETURN_LABELS = {"announced": "announced again", "in test": "in test again", "available": "available again"}


def title(platform: str, region: str | None, as_of) -> str:
    """'WhatsApp in Latin America: monetization briefing, 28 Jan 2026'."""
    focus = f" in {region}" if region else ""
    return f"{platform}{focus}: monetization briefing, {when(as_of)}"


def figure(f: facts.Figure) -> str:
    """'1.2 B monthly active users'; '84 %' (the label is said elsewhere for a share)."""
    return amount(f.value, f.unit) if f.unit == "percent" else f"{amount(f.value, f.unit)} {f.label}"


ENV = jinja2.Environment(loader=jinja2.PackageLoader("analysis", "templates/words"), autoescape=True,
                         undefined=jinja2.StrictUndefined)
ENV.filters.update(when=when, duration=duration, age=age, figure=figure, percent=percent, ordinal=ordinal,
                   kind_label=KIND_LABELS.get, return_label=RETURN_LABELS.get)


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
    """The sections' words for one briefing date, in one markup."""

    def __init__(self, markup: Html, as_of):
        self.m, self.as_of = markup, pd.Timestamp(as_of)
        self.s = ENV.get_template("sentences.j2").make_module({"m": markup})

    def standing(self, f: facts.Standing) -> Markup:
        return (self.m.paragraph(self.s.standing(f, self.as_of))
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
        rows = [(when(e.date, e.precision), e.text, EVENT_KIND_LABELS[e.kind], e.product, e.regions, self.m.cite([e.source_id]))
                for e in events]
        table = self.m.table(("Date", "Event", "Kind", "Product", "Where", "Source"), rows, css="events",
                             row_css=["in-region" if e.local else "" for e in events])
        return note + table

    def market(self, platform: str, f: facts.Market, place: str) -> Markup:
        text = self.m.paragraph(self.s.market_intro(platform, place, self.as_of, bool(f.paid)))
        if f.paid:
            text += self.m.bullets([self.s.offer(o) for o in f.paid])
        if f.testing:
            text += self.m.paragraph(Markup("Being tested:")) + self.m.bullets([self.s.testing(o) for o in f.testing])
        if f.free:
            text += self.m.paragraph(self.s.free_tools(f.free))
        return text

    def outlook(self, f: facts.Outlook) -> Markup:
        items = [self.s.open_plan(o, self.as_of) for o in f.open_plans if o.shelved_before is None]
        items += [self.s.returned(o) for o in f.returned]
        items += [self.s.replaced(o) for o in f.replaced]
        items += [self.s.shelved(o) for o in f.shelved]
        if f.next_stage is not None:
            items.append(self.s.next_stage(f.next_stage, facts.STAGE_NAMES[f.next_stage]))
        return self.m.bullets(items) if items else self.m.paragraph(self.s.nothing_open())

    def region_overview(self, f: facts.Region) -> Markup:
        """The region's first local events and stated B2B/B2C use; says so when it has none."""
        items = [self.s.first_local(x, f.region) for x in f.first_local]
        items += [self.s.orientation(o) for o in f.orientations]
        if not items:
            return self.m.paragraph(self.s.no_local(f.region, self.as_of))
        return self.m.paragraph(Markup("In {}:").format(self.m.strong(f.region))) + self.m.bullets(items)

    def region(self, platform: str, f: facts.Region) -> Markup:
        intro = self.m.paragraph(self.s.no_region(platform)) if f.region is None else self.region_overview(f)
        if not f.figures:
            return intro + self.m.paragraph(self.s.no_figures(platform, f.region, self.as_of))
        rows = [(r.place, r.platform or "messaging apps", r.figure.label, amount(r.figure.value, r.figure.unit),
                 str(r.figure.date.year) + (f" ({age(r.figure.age_years)} old)" if r.figure.stale else ""),
                 self.m.cite([r.figure.source_id])) for r in f.figures]
        return intro + self.m.table(("Place", "Platform", "Measure", "Value", "Year", "Source"), rows,
                                    css="figures")

    def no_country_users(self, platform: str) -> Markup:
        return self.m.paragraph(self.s.no_country_users(platform, self.as_of))

    def peers(self, f: facts.PeerPosition) -> Markup:
        return self.m.paragraph(self.s.peers(f, self.as_of))

    def sources(self, found: tuple[facts.Source, ...]) -> Markup:
        """The numbered source list; weak sources say why."""
        return self.m.numbered([self.s.source(x) for x in found], css="citations")
