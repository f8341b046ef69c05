"""The briefing's answers as small typed facts, each with its sources, known on the briefing's date.

Nothing dated after ``as_of`` reaches a fact: not an event, a figure, a year of a regional figure,
nor a sentence of evidence that mentions a later year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pandas as pd
from babel import Locale

from . import labels, peers, products, regions, revenue, rollouts, stages
from .data import Dataset
from .schema import MULTIPLE_REGIONS, REGIONS, WORLDWIDE

STALE_YEARS = 2  # a figure older than this on the briefing's date says its age
MIN_GROWTH_DAYS = 365  # growth is annualised only over at least a year
_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
# A sentence ends at '.' or ';' before a capital or '(': not after a German day ('am 6. Oktober').
_SENTENCE_END = re.compile(r"(?<=[.;])(?<!\b[0-9]\.)(?<!\b[0-9][0-9]\.)\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Figure:
    """A reported number: its value, unit and label, the date it refers to, and its age then."""

    value: float
    unit: str  # millions, percent, usd_billions
    label: str  # what is counted: "monthly active users"
    date: pd.Timestamp
    source_id: str
    age_years: float  # on the briefing's date
    metric: str = ""  # its name in metrics.csv: "mau"
    kind: str = "company_reported"  # or third_party_estimate, survey

    @property
    def stale(self) -> bool:
        return self.age_years > STALE_YEARS

    @property
    def monthly(self) -> bool:
        """Whether it counts monthly active users."""
        return self.metric == "mau"


@dataclass(frozen=True)
class StageEntry:
    stage: int
    name: str
    started: pd.Timestamp
    precision: str  # day or month
    users: Figure | None  # monthly users then, where figures known by as_of bracket the date
    evidence: str | None  # what was known on as_of; None if every sentence mentions a later year
    source_id: str


@dataclass(frozen=True)
class Standing:
    platform: str
    stage: int
    name: str
    since: pd.Timestamp
    precision: str  # day or month
    years: float
    entries: tuple[StageEntry, ...]
    reading: str  # the reading's name, in the briefing's language
    rule: str  # its rule for stage 3, in the briefing's language


@dataclass(frozen=True)
class Growth:
    start: pd.Timestamp
    end: pd.Timestamp
    annual_rate: float  # 0.25 for 25 % a year
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Users:
    platform: str
    latest: Figure | None  # monthly users if any, else the newest figure of another metric
    growth: Growth | None


@dataclass(frozen=True)
class Event:
    date: pd.Timestamp
    precision: str  # day or month
    text: str
    kind: str
    product: str
    regions: str
    local: bool  # in the briefing's region or country
    source_id: str


@dataclass(frozen=True)
class Offer:
    """A product's state in the market, for 'what businesses can buy here now' and the outlook."""

    product: str
    kind: str
    state: str
    since: pd.Timestamp
    precision: str
    age_years: float
    first_announced: pd.Timestamp | None
    shelved_before: pd.Timestamp | None
    replaced_by: str | None
    where: str
    source_id: str


@dataclass(frozen=True)
class Market:
    """What a business could use on the platform in the market on the date."""

    market: str | None  # a region, a country code, or None for everywhere
    paid: tuple[Offer, ...]  # available, and businesses pay the platform for it
    testing: tuple[Offer, ...]
    free: tuple[Offer, ...]  # available free business tools
    blocked: Offer | None = None  # the app itself, where it is blocked in the market


@dataclass(frozen=True)
class Outlook:
    open_plans: tuple[Offer, ...]  # announced, not yet tested or launched here
    returned: tuple[Offer, ...]  # back (announced, tested or launched) after a shelving
    replaced: tuple[Offer, ...]
    shelved: tuple[Offer, ...]
    next_stage: int | None


@dataclass(frozen=True)
class RegionalFigure:
    place: str
    platform: str | None
    figure: Figure


@dataclass(frozen=True)
class Orientation:
    platform: str
    orientation: str
    year: int
    source_id: str


@dataclass(frozen=True)
class FirstLocal:
    platform: str
    date: pd.Timestamp
    precision: str  # day or month
    event: str
    source_id: str


@dataclass(frozen=True)
class Region:
    region: str | None
    first_local: tuple[FirstLocal, ...]
    orientations: tuple[Orientation, ...]
    figures: tuple[RegionalFigure, ...]


@dataclass(frozen=True)
class Family:
    """People across all of a company's apps on its newest figure by the date."""

    company: str
    figure: Figure
    change: float | None  # against the figure of about a year earlier; None where there is none
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Amount:
    """A revenue figure of one quarter, with its change on the same quarter a year earlier."""

    value: float  # US$ millions
    change: float | None  # the rate against a year earlier; None where that quarter is not known
    share: float | None  # of the company's worldwide figure
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Money:
    """Where the platform owner's money came from in its newest quarter known on the date."""

    company: str
    name: str  # the company's name on the quarter's results ('Facebook' before October 2021)
    item: str  # what the company splits by geography: ad_revenue, or revenue (all of it)
    quarter: str  # '2025-Q3'
    reported: pd.Timestamp
    total: Amount  # the item worldwide
    geography: str | None  # the company's own geography holding the briefing's region, in the language
    shared_with: tuple[str, ...]  # the other regions of that geography, in the language
    in_geography: Amount | None  # in geography_quarter
    geography_quarter: str | None  # the newest quarter with a figure for the geography: quarter or earlier
    other: Amount | None  # revenue outside advertising, in its own newest quarter known (other_quarter)
    other_quarter: str | None


@dataclass(frozen=True)
class PeerPosition:
    platform: str
    years_to_paid: float | None
    place: int | None  # 1 = fastest
    of: int  # platforms with paid tools by then


@dataclass(frozen=True)
class Source:
    """A cited source as a client sees it; ``weak`` says why a reader should take care."""

    publisher: str
    title: str | None
    published: pd.Timestamp | None
    precision: str | None  # of published: "day", or "month" where only the month is known
    url: str
    weak: tuple[str, ...]  # "undated", "untitled", "copy"


class Names:
    """The data's names and texts in one language: German texts from the ``*_de`` columns,
    German country names from Babel, region and stage names from the labels."""

    def __init__(self, ds: Dataset, lang: str = "en"):
        self.ds, self.lang = ds, lang
        self._countries = dict(zip(ds.countries["country"], ds.countries["name"]))
        if lang != "en":
            territories = Locale.parse(lang).territories
            self._countries = {code: territories.get(code, name) for code, name in self._countries.items()}
        column = "product" if lang == "en" else f"product_{lang}"
        products = ds.products
        self._products = dict(zip(zip(products["platform"].astype(str), products["product"]), products[column]))
        self._metrics = ds.metrics.set_index("metric")
        self._with_the = set(ds.countries.loc[ds.countries["the"], "country"]) if lang == "en" else set()

    def text(self, row, column: str) -> str:
        """A row's text (``event``, ``evidence``) in the language."""
        return str(getattr(row, column if self.lang == "en" else f"{column}_{self.lang}"))

    def product(self, platform: str, product: str) -> str:
        return self._products.get((str(platform), product), product)

    def country(self, code: str) -> str:
        return self._countries.get(code, code)

    def region(self, region: str) -> str:
        return labels.region_name(region, self.lang)

    def geography(self, geography: str) -> str:
        """A company's own reporting region (geographies.csv) by its name in the language: 'Übrige Welt'."""
        table = self.ds.geographies
        names = dict(zip(table["geography"], table["geography" if self.lang == "en" else f"geography_{self.lang}"]))
        return names.get(geography, geography)

    def stage(self, stage: int) -> str:
        return labels.stage_name(stage, self.lang)

    def place(self, where: str) -> str | None:
        """'AU TH' -> 'Australia, Thailand'; a region by its name; None for worldwide or several regions."""
        if where in (WORLDWIDE, MULTIPLE_REGIONS):
            return None
        return self.region(where) if where in REGIONS else ", ".join(self.country(c) for c in where.split(" "))

    def in_text(self, where: str) -> str:
        """A region or country as a sentence names it: 'the Middle East & Africa', 'the United States'
        (English puts 'the' before some names; German sentences are built without a preposition)."""
        if where in REGIONS:
            return labels.region_in_text(where, self.lang)
        return ("the " if where in self._with_the else "") + self.country(where)

    def metric(self, metric: str) -> str:
        """A metric's label: 'monthly active users'."""
        return str(self._metrics.at[str(metric), "label" if self.lang == "en" else f"label_{self.lang}"])

    def unit(self, metric: str) -> str:
        """A metric's unit: 'millions'."""
        return str(self._metrics.at[str(metric), "unit"])


TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")
_COPY = re.compile(r"^(aggregator |syndicated )?cop(y|ied)\b", re.IGNORECASE)


def known_text(text: str, as_of) -> str | None:
    """``text`` without the sentences that mention a year after ``as_of``; None if none is left."""
    year = pd.Timestamp(as_of).year
    kept = [s for s in _SENTENCE_END.split(str(text)) if all(int(y) <= year for y in _YEAR.findall(s))]
    return " ".join(kept) if kept else None


def standing(ds: Dataset, platform: str, as_of, lang: str = "en", reading: str | None = None) -> Standing:
    """The platform's stage on ``as_of`` under a reading (the data's default if None), since when,
    and each stage entered so far."""
    as_of, names = pd.Timestamp(as_of), Names(ds, lang)
    table = stages.stage_entries(ds, platform, as_of=as_of, reading=reading)
    rows = stages.stage_rows(ds, reading)
    evidence = {int(r.stage): names.text(r, "evidence") for r in rows[rows["platform"] == platform].itertuples()}
    entries = tuple(
        StageEntry(int(r.stage), names.stage(r.stage), r.started, r.precision,
                   _users_at(ds, platform, r.started, as_of, names), known_text(evidence[int(r.stage)], as_of),
                   r.source_id)
        for r in table.itertuples())
    current, rule = table.iloc[-1], stages.reading(ds, reading)
    return Standing(platform, int(current["stage"]), names.stage(current["stage"]), current["started"],
                    current["precision"], current["days_in_stage"] / 365.25, entries, names.text(rule, "name"),
                    names.text(rule, "stage3_rule"))


def family(ds: Dataset, company: str, as_of, lang: str = "en") -> Family | None:
    """The company's newest count of daily active people across its apps by ``as_of``, and its change
    on the figure of about a year earlier (11 to 13 months); None where it has none by then."""
    as_of = pd.Timestamp(as_of)
    table = ds.family_counts
    mine = table[(table["company"] == company) & (table["metric"] == "dap") & (table["date"] <= as_of)]
    if mine.empty:
        return None
    mine = mine.sort_values("date")
    latest = mine.iloc[-1]
    gap = (latest["date"] - mine["date"]).dt.days
    earlier = mine[gap.between(335, 395)]
    change = float(latest["users_millions"] / earlier["users_millions"].iloc[-1] - 1) if len(earlier) else None
    cited = (latest["source_id"], *earlier["source_id"].iloc[-1:])
    return Family(company, _figure(Names(ds, lang), latest["users_millions"], "dap", latest["date"],
                                   latest["source_id"], as_of), change, tuple(dict.fromkeys(cited)))


def users(ds: Dataset, platform: str, as_of, lang: str = "en") -> Users:
    """The newest user figure by ``as_of`` (monthly users first) and growth over the last year or more."""
    as_of, names = pd.Timestamp(as_of), Names(ds, lang)
    mine = ds.user_counts[(ds.user_counts["platform"] == platform) & (ds.user_counts["date"] <= as_of)]
    if mine.empty:
        return Users(platform, None, None)
    monthly = mine[mine["metric"] == "mau"].sort_values("date")
    rows = monthly if len(monthly) else mine.sort_values("date")
    latest = rows.iloc[-1]
    return Users(platform, _figure(names, latest["users_millions"], latest["metric"], latest["date"],
                                   latest["source_id"], as_of),
                 _growth(monthly) if len(monthly) else None)


def events(ds: Dataset, platform: str, as_of, region=None, country=None, lang: str = "en") -> tuple[Event, ...]:
    """The platform's monetization events by ``as_of``, oldest first, local ones marked."""
    table, names = rollouts.events(ds, platforms=platform, as_of=as_of), Names(ds, lang)
    return tuple(
        Event(r.date, r.date_precision, names.text(r, "event"), r.kind, names.product(platform, r.product),
              _where(ds, r, as_of, names), _local(r, region, country), r.source_id)
        for r in table.itertuples())


def _where(ds: Dataset, row, as_of, names: Names) -> str:
    """The regions an event touched, in the language, with what it left out and had not reached on ``as_of``."""
    where = ", ".join(names.region(x) for x in (row.regions or str(row.region)).split(", "))
    if not products.left_out_on(ds, row, pd.Timestamp(as_of)):
        return where
    groups = dict(zip(ds.groups["group"], ds.groups["name" if names.lang == "en" else "name_de"]))
    left_out = ", ".join(groups.get(name) or names.country(name) for name in row.excluded.split(" "))
    return labels.label("except", names.lang, where=where, excluded=left_out)


def market(ds: Dataset, platform: str, as_of, where=None, lang: str = "en", *, offers=None) -> Market:
    """What businesses could pay for, test or use free on the platform in ``where`` on ``as_of``
    (``offers``: its ``platform_offers``, if already known)."""
    offers = offers if offers is not None else platform_offers(ds, platform, as_of, where, lang)
    paid = tuple(o for o in offers if o.state == "available" and o.kind in products.PAID_KINDS)
    free = tuple(o for o in offers if o.state == "available" and o.kind == "business_tools")
    testing = tuple(o for o in offers if o.state == "in test" and o.kind not in products.NOT_OFFERED)
    blocked = next((o for o in offers if _is_block(o)), None)
    return Market(where, paid, testing, free, blocked)


def outlook(ds: Dataset, platform: str, as_of, where=None, lang: str = "en", reading: str | None = None, *,
            offers=None) -> Outlook:
    """Open plans (with their age), products back after a shelving, replaced ones (in the last
    ``STALE_YEARS``) and shelved ones, of the products for businesses (not the app itself, rules or
    features for users: ``products.NOT_OFFERED``), and the next stage if the platform has not
    reached stage 3 under ``reading`` (``offers``: its ``platform_offers``, if already known)."""
    every = offers if offers is not None else platform_offers(ds, platform, as_of, where, lang)
    blocks = {o.source_id for o in every if _is_block(o)}
    # business products only, and not those a block of the whole app shelved (the market section says so)
    business = [o for o in every if o.kind not in products.NOT_OFFERED
                and not (o.state == "shelved" and o.source_id in blocks)]
    stage = stages.stage_at(ds, platform, as_of, reading)
    return Outlook(
        open_plans=tuple(o for o in business if o.state == "announced"),
        returned=tuple(o for o in business if o.shelved_before is not None
                       and o.state in ("announced", "in test", "available")),
        replaced=tuple(o for o in business if o.state == "replaced" and o.age_years <= STALE_YEARS),  # recent
        shelved=tuple(o for o in business if o.state == "shelved"),
        next_stage=stage + 1 if stage < 3 else None)


def region_overview(ds: Dataset, region_name: str, as_of, lang: str = "en") -> Region:
    """The region's first events aimed at it alone and its stated B2B/B2C use, by ``as_of``; no figures."""
    as_of, names = pd.Timestamp(as_of), Names(ds, lang)
    firsts = rollouts.first_markets(ds)
    firsts = firsts[(firsts["region"] == region_name) & (firsts["first_date"] <= as_of)]
    texts = {(r.date, str(r.platform), r.event): names.text(r, "event") for r in ds.rollouts.itertuples()}
    first_local = tuple(FirstLocal(str(r.platform), r.first_date, r.first_precision,
                                   texts[(r.first_date, str(r.platform), str(r.first_event))], r.source_id)
                        for r in firsts.itertuples())
    stated = regions.orientation(ds)
    stated = stated[(stated["region"] == region_name) & (stated["year"] <= as_of.year)]
    orientations = tuple(Orientation(str(r.platform), str(r.orientation), int(r.year), r.source_id)
                         for r in stated.itertuples())
    return Region(names.in_text(region_name), first_local, orientations, ())


def region(ds: Dataset, platform: str, as_of, region_name=None, lang: str = "en") -> Region:
    """The region's overview (see ``region_overview``), with the stated B2B/B2C use of this platform
    only, and the platform's newest figures in it, by ``as_of``; without a region, the platform's
    figures in every place."""
    as_of = pd.Timestamp(as_of)
    figures = _regional_figures(Names(ds, lang), platform, region_name, as_of)
    if region_name is None:
        return Region(None, (), (), figures)
    overview = region_overview(ds, region_name, as_of, lang)
    return replace(overview, figures=figures,
                   orientations=tuple(o for o in overview.orientations if o.platform == platform))


def money(ds: Dataset, company: str, as_of, region=None, lang: str = "en") -> Money | None:
    """The company's advertising revenue (or, where it splits only that by geography, its whole
    revenue) in the newest quarter known on ``as_of``, worldwide; in its geography holding
    ``region``, in the newest quarter with a figure for it (which may be older); and its revenue
    outside advertising (of the same quarter where known, else its newest); None where the company
    reports no revenue in the data, or none was known by then."""
    if company not in set(ds.revenue["company"]):
        return None
    item = revenue.split_item(ds, company)
    figures = revenue.revenue(ds, item, company, as_of)
    worldwide = figures[figures["geography"] == WORLDWIDE]
    if worldwide.empty:
        return None
    geography = revenue.geography_of(ds, region, company) if region else None
    split = set(figures.loc[figures["geography"] == geography, "period"])
    quarter = worldwide["period"].max()
    geography_quarter = max(split) if split else None
    others = (tuple(labels.region_in_text(r, lang) for r in revenue.regions_in(ds, geography, company)
                    if r != region) if geography else ())
    other = revenue.revenue(ds, "other_revenue", company, as_of)
    other_quarter = quarter if quarter in set(other["period"]) else (other["period"].iloc[-1] if len(other) else None)
    known = worldwide.set_index("period")
    return Money(company, known.loc[quarter, "published_as"], item, quarter, known.loc[quarter, "reported"],
                 _amount(figures, quarter, WORLDWIDE),
                 Names(ds, lang).geography(geography) if geography else None, others,
                 _amount(figures, geography_quarter, geography) if geography_quarter else None, geography_quarter,
                 _amount(other, other_quarter, WORLDWIDE) if other_quarter else None, other_quarter)


def _is_block(offer: Offer) -> bool:
    """Whether the offer is the app itself, shelved in the market: a block of the whole app."""
    return offer.kind == "market_access" and offer.state == "shelved"


def _amount(table: pd.DataFrame, quarter: str, geography: str) -> Amount | None:
    """One geography's figure of a quarter, and its change on the same quarter a year earlier."""
    mine = table[table["geography"] == geography].set_index("period")
    if quarter not in mine.index:
        return None
    row = mine.loc[quarter]
    before = f"{int(quarter[:4]) - 1}{quarter[4:]}"
    change = float(row["value"] / mine.loc[before, "value"] - 1) if before in mine.index else None
    cited = (row["source_id"], *((mine.loc[before, "source_id"],) if before in mine.index else ()))
    return Amount(float(row["value"]), change, None if pd.isna(row["share"]) else float(row["share"]),
                  tuple(dict.fromkeys(cited)))


def peer_position(ds: Dataset, platform: str, as_of, reading: str | None = None) -> PeerPosition:
    """How many years the platform took from launch to paid tools (stage 3 under ``reading``), and its
    rank among peers."""
    paths = peers.monetization_paths(ds, as_of=as_of, reading=reading)
    mine = paths[paths["platform"] == platform].iloc[0]
    ranked = paths.dropna(subset=["years_to_stage3"]).sort_values("years_to_stage3", kind="stable")
    if pd.isna(mine["years_to_stage3"]):
        return PeerPosition(platform, None, None, len(ranked))
    place = list(ranked["platform"].astype(str)).index(platform) + 1
    return PeerPosition(platform, float(mine["years_to_stage3"]), place, len(ranked))


def sources(ds: Dataset, source_ids) -> tuple[Source, ...]:
    """The sources, in the order given, with tracking parameters taken out of their URLs."""
    table = ds.sources.set_index("source_id")
    result = []
    for source_id in source_ids:
        row = table.loc[source_id]
        title, published = _or_none(row["title"]), _or_none(row["published"])
        copy = "copy" in str(row["publisher"]).lower() or bool(_COPY.match(str(_or_none(row["note"]) or "")))
        weak = tuple(w for w, flag in (("undated", published is None), ("untitled", title is None),
                                       ("copy", copy)) if flag)
        result.append(Source(str(row["publisher"]), title, published, _or_none(row["published_precision"]),
                             clean_url(str(row["url"])), weak))
    return tuple(result)


def clean_url(url: str) -> str:
    """The URL without tracking parameters (utm_*, fbclid, ...)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith(TRACKING)]
    return urlunsplit(parts._replace(query=urlencode(query)))


# --- helpers ------------------------------------------------------------------------------

def _figure(names: Names, value, metric, date, source_id, as_of) -> Figure:
    """A figure in its metric's unit and label; its age on ``as_of`` (0 for a year not yet over)."""
    age = max(0.0, (pd.Timestamp(as_of) - pd.Timestamp(date)).days / 365.25)
    return Figure(float(value), names.unit(metric), names.metric(metric), pd.Timestamp(date), str(source_id), age,
                  str(metric))


def _users_at(ds: Dataset, platform: str, date, as_of, names: Names) -> Figure | None:
    """Monthly users on ``date``, interpolated between figures both reported by ``as_of``."""
    known = ds.user_counts[(ds.user_counts["platform"] == platform) & (ds.user_counts["metric"] == "mau")
                           & (ds.user_counts["date"] <= as_of)].sort_values("date")
    before, after = known[known["date"] <= date], known[known["date"] >= date]
    if before.empty or after.empty:
        return None
    low, high = before.iloc[-1], after.iloc[0]
    span = (high["date"] - low["date"]).days
    share = (date - low["date"]).days / span if span else 0.0
    value = low["users_millions"] + share * (high["users_millions"] - low["users_millions"])
    return _figure(names, value, "mau", date, high["source_id"], as_of)


def _growth(monthly: pd.DataFrame) -> Growth | None:
    """Yearly growth from the newest figure back to the newest one at least a year older."""
    end = monthly.iloc[-1]
    earlier = monthly[monthly["date"] <= end["date"] - pd.Timedelta(days=MIN_GROWTH_DAYS)]
    if earlier.empty:
        return None
    start = earlier.iloc[-1]
    years = (end["date"] - start["date"]).days / 365.25
    rate = (end["users_millions"] / start["users_millions"]) ** (1 / years) - 1
    return Growth(start["date"], end["date"], rate, (str(start["source_id"]), str(end["source_id"])))


def _local(row, region, country) -> bool:
    if country is not None:
        return isinstance(row.countries, str) and country in row.countries.split(" ")
    return region is not None and region in row.regions.split(", ")


def platform_offers(ds: Dataset, platform: str, as_of, where=None, lang: str = "en") -> tuple[Offer, ...]:
    """Each product of the platform with its state in ``where`` on ``as_of`` (``products.product_states``),
    named in ``lang``: what ``market`` and ``outlook`` select from."""
    as_of, names = pd.Timestamp(as_of), Names(ds, lang)
    table = products.product_states(ds, platforms=platform, as_of=as_of, market=where)
    return tuple(
        Offer(names.product(platform, r.product), r.kind, str(r.state), r.since, r.since_precision,
              (as_of - r.since).days / 365.25, _or_none(r.first_announced), _or_none(r.shelved_before),
              names.product(platform, r.replaced_by) if _or_none(r.replaced_by) else None,
              names.place(r.where) if r.where != where else None, r.source_id)  # not 'first: Germany' in Germany
        for r in table.itertuples())


def _regional_figures(names: Names, platform: str, region_name, as_of) -> tuple[RegionalFigure, ...]:
    """The newest figure per place and metric by ``as_of``: about the platform, or about messaging
    apps in general within the region."""
    table = regions.known_by(names.ds, as_of)
    about_platform = table["platform"] == platform
    if region_name is None:
        table = table[about_platform]
    else:
        table = table[(table["region"] == region_name) & (about_platform | table["platform"].isna())]
    keys = [table[c].astype("string").fillna("") for c in ("region", "country", "platform", "metric")]
    newest = table.sort_values("year").groupby(keys).tail(1)
    result = []
    for r in newest.sort_values(["region", "country", "metric"]).itertuples():
        place = names.country(r.country) if pd.notna(r.country) else names.region(str(r.region))
        figure = replace(_figure(names, r.value, r.metric, pd.Timestamp(year=int(r.year), month=12, day=31),
                                 r.source_id, as_of), kind=str(r.figure_kind))
        result.append(RegionalFigure(place, None if pd.isna(r.platform) else str(r.platform), figure))
    return tuple(result)


def _or_none(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value
