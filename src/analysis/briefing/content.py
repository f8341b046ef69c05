"""The briefing for one platform, region or country, date and language: each section's facts in
words, and its charts."""

from __future__ import annotations

import functools
import io

import pandas as pd
from IPython.display import HTML
from markupsafe import Markup
from matplotlib.figure import Figure

from .. import __version__, charts, facts, regions, revenue, stages, style, words
from ..data import Dataset
from ..formats import when
from ..labels import label, region_name
from ..params import validate
from .chartcache import CHARTS, Chart, ChartCache, fingerprint, settings


CHART_SECTIONS = ("standing", "users", "region", "money", "peers")  # the sections with a chart, in page order


class Briefing:
    """Computes each section of a briefing and keeps the sources it cites, in order."""

    def __init__(self, ds: Dataset, platform: str, region: str | None = None, as_of=None, lang: str = "en",
                 country: str | None = None, reading: str | None = None, *, cache: ChartCache = CHARTS):
        checked = validate(ds, {"platform": platform, "region": region, "country": country, "as_of": as_of,
                                "lang": lang, "reading": reading})
        self.ds, self.platform, self.region = ds, checked["platform"], checked["region"]
        self.country = checked["country"]  # with a country, region is the country's
        self.as_of, self.lang = pd.Timestamp(checked["as_of"]), checked["lang"]
        self.reading = checked["reading"]  # None: the data's default reading
        self.words = words.Words(words.Html(words.Citations()), self.as_of, self.lang)
        self.cache = cache

    # --- helpers -------------------------------------------------------------------------

    @functools.cached_property
    def data_digest(self) -> str:
        """The data's fingerprint, taken when the first chart needs it (text alone does not)."""
        return fingerprint(self.ds)

    @property
    def cited(self) -> list[str]:
        """The source ids cited so far, in the order of their numbers."""
        return self.words.m.citations.cited

    @property
    def title(self) -> str:
        focus = self.country or self.region
        return words.title(self.platform, facts.Names(self.ds, self.lang).in_text(focus) if focus else None,
                           self.as_of, self.lang)

    @property
    def place(self) -> str:
        """The country's or region's name in the briefing's language, or 'all markets'."""
        focus = self.country or self.region
        return facts.Names(self.ds, self.lang).place(focus) if focus else label("all_markets", self.lang)

    def _chart(self, size: tuple, draw, inputs: tuple) -> Chart:
        """Draw ``draw(ds, *inputs, ax=...)`` on a new figure, or reuse the identical chart drawn before.

        A chart is identified by the data's content, the drawing function, its inputs, the
        figure size and the matplotlib settings, and kept in ``cache`` (by default the process's
        ``chartcache.CHARTS``); the figure is not pyplot's, so nothing is left open.
        """
        key = (self.data_digest, draw.__qualname__, inputs, size, settings())
        return self.cache.get(key, functools.partial(self._render, size, draw, inputs))

    def _render(self, size: tuple, draw, inputs: tuple) -> Chart:
        """The chart drawn on a new figure, as PNG, with its title and source note as text alternative."""
        figure = self._draw(size, draw, inputs)
        ax = figure.axes[0]
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        note = style.find_source_note(ax)
        title = ax.get_title("left") or ax.get_title()
        alt = f"{label('chart', self.lang)}: {title}. {note.get_text() if note else ''}"
        return Chart(buffer.getvalue(), alt.strip())

    def _draw(self, size: tuple, draw, inputs: tuple) -> Figure:
        figure = Figure(figsize=size)
        draw(self.ds, *inputs, ax=figure.add_subplot())
        return figure

    def chart_spec(self, section: str) -> tuple | None:
        """(size, draw, inputs) of a section's chart (``standing``, ``users``, ``region``, ``money``, ``peers``);
        None where the section has none."""
        if section == "standing":
            return (10, 4.8), _stages_chart, (self.as_of, self.region, self.reading, self.lang)
        if section == "users":
            counts = self.ds.user_counts
            monthly = counts[(counts["metric"] == "mau") & (counts["date"] <= self.as_of)]
            early = set(monthly["platform"].astype(str))
            meta = set(self.ds.platforms.loc[~self.ds.platforms["peer"], "platform"].astype(str))
            shown = tuple(p for p in self.ds.platform_names if p in early and (p == self.platform or p in meta))
            return (10, 4.2), _users_chart, (shown, self.as_of, self.lang)
        if section == "region" and self.has_country_users():
            in_region = bool(self.region) and bool((self._users_figures()["region"] == self.region).any())
            return (10, 4.2), _region_chart, (self.platform, self.region if in_region else None, self.as_of,
                                              self.lang)
        if section == "peers":
            return (10, 4.8), _peers_chart, (self.as_of, self.reading, self.lang)
        money = self._money if section == "money" else None
        if money is not None and revenue.has_split(self.ds, money.company, self.as_of):
            highlight = revenue.geography_of(self.ds, self.region, money.company) if self.region else None
            return (10, 4.2), _money_chart, (money.company, self.as_of, highlight, self.lang)
        return None

    def chart(self, section: str) -> Chart | None:
        """The chart of a section as the page shows it (kept in ``cache``); None where it has none."""
        spec = self.chart_spec(section)
        return self._chart(*spec) if spec else None

    def figure(self, section: str) -> Figure | None:
        """The chart of a section (``standing``, ``users``, ``region``, ``peers``) drawn anew, for
        saving at another size or format; None where the section has no chart."""
        chart = self.chart_spec(section)
        return self._draw(*chart) if chart else None

    # --- sections ------------------------------------------------------------------------

    def header(self) -> str:
        """The briefing's title and the 'Parameters used' block."""
        say = self.words.label
        region = region_name(self.region, self.lang) if self.region else say("all_regions")
        rows = [(say("platform"), self.platform), (say("region"), region),
                *([(say("country"), self.place)] if self.country else []),
                (say("as_of"), when(self.as_of, lang=self.lang)),
                (say("reading"), facts.Names(self.ds, self.lang).text(stages.reading(self.ds, self.reading), "name"))]
        return (Markup('<h1 class="title">{}</h1>').format(self.title)
                + Markup('<div class="parameters"><h4>{}</h4>{}</div>').format(
                    say("parameters"), self.words.m.pairs(rows, css="parameters")))

    def heading(self, section: str) -> str:
        """A section's heading: ``standing``, ``users``, ``events``, ``market``, ``region``, ``peers``,
        ``outlook`` or ``sources``; its anchor is the same in every language."""
        return Markup('<h2 id="{}">{}</h2>').format(section, self.words.label(f"section:{section}"))

    def standing(self) -> str:
        """Where the platform stands on the three-stage path, and since when."""
        return self.words.standing(facts.standing(self.ds, self.platform, self.as_of, self.lang, self.reading))

    def plot_stages(self) -> Chart:
        """The stage lanes of the platform and its peers up to the date, events of the region."""
        return self.chart("standing")

    def users(self) -> str:
        """The newest user figure by the date, its age, and growth over at least a year."""
        return (self.words.users(facts.users(self.ds, self.platform, self.as_of, self.lang))
                + self.words.family(facts.family(self.ds, self.owner, self.as_of, self.lang)))

    def plot_users(self) -> Chart:
        """The platform's user line beside Meta's apps (the non-peers in platforms.csv), up to the date."""
        return self.chart("users")

    def events(self) -> str:
        """The platform's monetization events so far, rows in the region highlighted."""
        found = facts.events(self.ds, self.platform, self.as_of, region=self.region, country=self.country,
                             lang=self.lang)
        return self.words.events(self.platform, found, self.region and self.place)

    def market(self) -> str:
        """What businesses can buy, test or use free on the platform in the region now."""
        found = facts.market(self.ds, self.platform, self.as_of, self.country or self.region, self.lang,
                             offers=self._offers)
        return self.words.market(self.platform, found, self.place)

    @functools.cached_property
    def _offers(self) -> tuple[facts.Offer, ...]:
        """The platform's products and their states in the country or region (for ``market`` and ``watch_next``)."""
        return facts.platform_offers(self.ds, self.platform, self.as_of, self.country or self.region, self.lang)

    def region_comparison(self) -> str:
        """The region's first events, stated B2B/B2C use and newest figures (or the platform's everywhere)."""
        found = facts.region(self.ds, self.platform, self.as_of, self.region, self.lang)
        return self.words.region(self.platform, found, highlight=self.place if self.country else None)

    def _users_figures(self) -> pd.DataFrame:
        """The platform's regional user figures known by the date."""
        table = regions.known_by(self.ds, self.as_of)
        return table[(table["platform"] == self.platform) & (table["metric"] == "users")]

    def has_country_users(self) -> bool:
        """Whether the platform has user figures by country by the date (else the chart is left out)."""
        return bool(self._users_figures()["country"].notna().any())

    def plot_region(self):
        """Users of the platform by country up to the date, in the region if it has figures there
        (else everywhere); a sentence if it has none."""
        return self.chart("region") or HTML(self.words.no_country_users(self.platform))

    @property
    def owner(self) -> str:
        """The company that owns the platform (platforms.csv)."""
        return str(self.ds.platforms.set_index("platform").loc[self.platform, "owner"])

    @functools.cached_property
    def _money(self) -> facts.Money | None:
        return facts.money(self.ds, self.owner, self.as_of, self.region, self.lang)

    def money(self) -> str:
        """Where the platform owner's money (its advertising revenue, or its whole revenue where it
        splits only that by region) came from in the newest quarter known, worldwide and in the
        region's part of its reporting; empty where the owner's revenue is not in the data."""
        found = self._money
        if found is None:
            return Markup()
        return Markup('<h3 id="money">{}</h3>').format(self.money_heading()) + self.words.money(found)

    def money_heading(self) -> str:
        """The heading of the money part ('Where Meta's advertising money comes from'); empty without one."""
        found = self._money
        return self.words.label(f"money_heading_{found.item}", company=found.name) if found is not None else ""

    def plot_money(self):
        """The owner's advertising revenue (or whole revenue, as in ``money``) by its geographies per
        quarter, the region's highlighted; nothing where there is no money section."""
        return self.chart("money") or HTML("")

    def peers_section(self) -> str:
        """Launch to first paid tools, this platform beside the others."""
        return self.words.peers(facts.peer_position(self.ds, self.platform, self.as_of, self.reading))

    def plot_peers(self) -> Chart:
        """The peer comparison chart up to the date."""
        return self.chart("peers")

    def watch_next(self) -> str:
        """Open plans with their age, products back or replaced, shelved ones, and the next stage."""
        focus = self.country or self.region
        return self.words.outlook(facts.outlook(self.ds, self.platform, self.as_of, focus, self.lang, self.reading,
                                                offers=self._offers), self.place if focus else None)

    def citations(self) -> str:
        """The numbered list of every source cited above, weak ones flagged."""
        return self.words.sources(facts.sources(self.ds, self.cited))

    def footer(self) -> str:
        """Where the figures come from, the date they were known on and how far the data reaches."""
        return Markup('<footer class="provenance">{}</footer>').format(self.words.label(
            "footer", as_of=when(self.as_of, lang=self.lang), date=when(self.ds.latest, lang=self.lang),
            version=__version__))


def _stages_chart(ds, as_of, region, reading, lang, *, ax):
    charts.stage_progression(ds, as_of=as_of, region=region, reading=reading, lang=lang, ax=ax)


def _users_chart(ds, platforms, as_of, lang, *, ax):
    if platforms:
        charts.user_growth(ds, platforms=list(platforms), as_of=as_of, log=True, lang=lang, ax=ax)
    else:
        ax.set_axis_off()
        ax.text(0.5, 0.5, label("no_user_chart", lang), ha="center", va="center")


def _region_chart(ds, platform, region, as_of, lang, *, ax):
    charts.regional_comparison(regions.compare(ds, "users", platform=platform, region=region, as_of=as_of),
                               sources=ds, lang=lang, ax=ax)


def _money_chart(ds, company, as_of, highlight, lang, *, ax):
    charts.revenue_by_geography(ds, company=company, as_of=as_of, highlight=highlight, lang=lang, ax=ax)


def _peers_chart(ds, as_of, reading, lang, *, ax):
    charts.peer_comparison(ds, as_of=as_of, reading=reading, lang=lang, ax=ax)
