"""Sentences with numbers, computed from the data and returned as Markdown for the notebooks."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from . import checks, facts, peers, regions, rollouts, stages, words
from .data import Dataset
from .labels import label
from .schema import REGIONS
from .style import format_date, format_users, format_value


def growth_summaries(ds: Dataset, platforms=None, as_of=None, lang: str = "en") -> str:
    """Each platform's newest user figure by ``as_of``, its age and growth, with sources: the
    briefing's words, in Markdown, in ``lang``."""
    selected = checks.choices("platform", platforms, ds.platform_names)
    when = _date(ds, as_of)
    return _told(ds, when, lang, lambda text: Markup().join(text.users(facts.users(ds, p, when, lang))
                                                            for p in selected))


def snapshot_list(ds: Dataset, as_of=None, platforms=None, reading: str | None = None) -> str:
    """A Markdown list: each platform's stage on ``as_of`` under ``reading`` and since when."""
    table = stages.snapshot(ds, as_of, platforms, reading)
    when = format_date(as_of if as_of is not None else ds.latest)
    lines = [f"On **{when}**:"]
    for row in table.itertuples():
        users = f", {format_users(row.mau, suffix=' monthly users')}" if pd.notna(row.mau) else ""
        lines.append(f"- **{row.platform}**: stage {int(row.stage)} ({row.stage_name.lower()}) "
                     f"since {format_date(row.since)}{users}")
    return "\n".join(lines)


def announced_vs_actual(ds: Dataset, platform: str = "WhatsApp", announced_year: int = 2017,
                        reading: str | None = None) -> str:
    """Whether ``platform`` entered stage 2 in the year Facebook announced for it."""
    entries = stages.stage_entries(ds, platform, reading=reading)
    stage2 = entries[entries["stage"].astype(int) == 2]
    if stage2.empty:
        return f"**{platform}** had not entered stage 2 by {format_date(ds.latest)}."
    row = stage2.iloc[0]
    verdict = "as announced" if row["year"] == announced_year else f"not in {announced_year} as announced"
    return (f"**{platform}** entered stage 2 on {format_date(row['started'])}, {verdict}: "
            f"{row['evidence']}")


def stage_durations(ds: Dataset, platform: str, reading: str | None = None) -> str:
    """How long a platform spent in each stage it has left, and the users at each entry."""
    entries = stages.stage_entries(ds, platform, reading=reading)
    parts = []
    for row in entries.itertuples():
        users = f" with {format_users(row.mau_at_entry)}" if pd.notna(row.mau_at_entry) else ""
        span = (f"{row.days_in_stage / 365.25:.1f} years" if pd.notna(row.ended)
                else f"still there after {row.days_in_stage / 365.25:.1f} years")
        parts.append(f"stage {int(row.stage)} from {format_date(row.started)}{users} ({span})")
    return f"**{platform}**: " + "; ".join(parts) + "."


def lag_sentence(ds: Dataset, product: str) -> str:
    """When a product was first tested or launched, and when it went worldwide."""
    lags = rollouts.launch_lags(ds)
    checks.choice("product", product, list(lags["product"]))
    row = lags[lags["product"] == product].iloc[0]
    where = row["first_where"]
    text = (f"**{product}** ({row['platform']}): first {row['first_kind']} on "
            f"{format_date(row['first_date'])} in {where}")
    if pd.notna(row["worldwide_date"]):
        text += f", worldwide on {format_date(row['worldwide_date'])}, {row['lag_days']} days later."
    else:
        text += "; the data records no worldwide launch."
    return text


def stage3_by_reading(ds: Dataset, platforms=None) -> str:
    """A Markdown list: when each platform entered stage 3 under each reading, and the years between."""
    selected = checks.choices("platform", platforms, stages.platforms_with_stages(ds))
    names = stages.reading_names(ds)
    lines = []
    for platform in selected:
        entered = {}
        for name in names:
            rows = stages.stage_rows(ds, name)
            third = rows[(rows["platform"] == platform) & (rows["stage"].astype(int) == 3)]
            entered[stages.reading(ds, name).name] = third["started"].iloc[0] if len(third) else None
        dates = [d for d in entered.values() if d is not None]
        if not dates:
            text = f"no stage 3 under any reading by {format_date(ds.latest)}"
        elif len(set(entered.values())) == 1:
            text = f"stage 3 on {format_date(dates[0])} under every reading"
        else:
            first = min(dates)
            text = "; ".join(
                f"“{name}”: " + ("not yet" if day is None else format_date(day)
                                 + (f" ({(day - first).days / 365.25:.1f} years later)" if day > first else ""))
                for name, day in entered.items())
            text = "stage 3 under " + text
        lines.append(f"- **{platform}**: {text}")
    return "\n".join(lines)


def region_summary(ds: Dataset, region: str, as_of=None, lang: str = "en") -> str:
    """The first events on record naming a market in ``region`` and its stated B2B/B2C use by
    ``as_of``, with sources: the briefing's words, in Markdown, in ``lang``."""
    checks.choice("region", region, REGIONS)
    when = _date(ds, as_of)
    return _told(ds, when, lang, lambda text: text.region_overview(facts.region_overview(ds, region, when, lang)))


def family_summary(ds: Dataset, company: str = "Meta", as_of=None, lang: str = "en") -> str:
    """The company's newest count of people across all its apps by ``as_of``, with its change and
    sources: the briefing's words, in Markdown, in ``lang``."""
    when = _date(ds, as_of)
    found = facts.family(ds, company, when, lang)
    if found is None:
        return label("no_family", lang, company=company, date=format_date(when, lang=lang))
    return _told(ds, when, lang, lambda text: text.family(found))


def money_summary(ds: Dataset, region: str | None = None, as_of=None, lang: str = "en", company: str = "Meta") -> str:
    """Where the company's money (see ``facts.money``) came from in the newest quarter known on ``as_of``, the
    region's part of its reporting first, with sources: the briefing's words, in Markdown, in ``lang``."""
    if region is not None:
        checks.choice("region", region, REGIONS)
    when = _date(ds, as_of)
    found = facts.money(ds, company, when, region, lang)
    if found is None:
        return label("no_money", lang, company=company, date=format_date(when, lang=lang))
    return _told(ds, when, lang, lambda text: text.money(found))


def largest_figure(ds: Dataset, metric: str, platform=None) -> str:
    """The place with the largest newest figure of a regional metric."""
    table = regions.compare(ds, metric, platform=platform)
    top = table.iloc[0]
    who = f"{top['platform']} " if pd.notna(top["platform"]) else ""
    return (f"The largest figure for *{metric.replace('_', ' ')}* is {top['label']}: "
            f"{who}{format_value(top['value'], top['unit'])} ({top['year']}), "
            f"of {len(table)} places with figures.")


def peer_summary(ds: Dataset, as_of=None, reading: str | None = None) -> str:
    """Fastest and slowest to paid tools (stage 3 under ``reading``), and where Meta's apps stand among the peers."""
    paths = peers.monetization_paths(ds, as_of=as_of, reading=reading).dropna(subset=["years_to_stage3"])
    paths = paths.sort_values("years_to_stage3")
    fastest, slowest = paths.iloc[0], paths.iloc[-1]
    meta = paths[~paths["peer"]]
    lines = [
        f"Fastest from launch to paid tools: **{fastest['platform']}** "
        f"({fastest['years_to_stage3']:g} years); slowest: **{slowest['platform']}** "
        f"({slowest['years_to_stage3']:g} years).",
        "Meta's apps: " + ", ".join(f"{r.platform} {r.years_to_stage3:g} years"
                                    for r in meta.itertuples()) + ".",
    ]
    never = peers.monetization_paths(ds, as_of=as_of, reading=reading)
    never = never[never["stage3"].isna()]
    if len(never):
        lines.append("No paid tools yet: " + ", ".join(map(str, never["platform"])) + ".")
    return " ".join(lines)



def market_now(ds: Dataset, platform: str, market=None, as_of=None, lang: str = "en") -> str:
    """What businesses can pay for, test and use free on ``platform`` in ``market`` (a region or a
    country code; everywhere by default) on ``as_of``, with what is announced or gone, and sources.

    The same sentences as the briefing's sections, in Markdown, in ``lang``.
    """
    checks.choice("platform", platform, stages.platforms_with_stages(ds))
    when = _date(ds, as_of)
    place = facts.Names(ds, lang).place(market) if market else label("all_markets", lang)
    offers = facts.platform_offers(ds, platform, when, market, lang)
    return _told(ds, when, lang, lambda text: text.market(platform, facts.market(ds, platform, when, market, lang,
                                                                                 offers=offers), place)
                 + text.outlook(facts.outlook(ds, platform, when, market, lang, offers=offers)))


def _date(ds: Dataset, as_of) -> pd.Timestamp:
    return checks.timestamp("as_of", as_of) if as_of is not None else ds.latest


def _told(ds: Dataset, as_of, lang: str, tell) -> str:
    """``tell(words)`` in Markdown for the date and language, followed by the sources it cited."""
    text = words.Words(words.Md(words.Citations()), as_of, lang)
    body, cited = tell(text), text.m.citations.cited
    sources = Markup("{}:\n\n").format(label("section:sources", lang)) + text.sources(facts.sources(ds, cited))
    return str(body + sources if cited else body).rstrip() + "\n"
