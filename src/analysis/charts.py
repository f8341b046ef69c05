"""Plot functions, seaborn-shaped: ``f(data, *, ..., ax=None, **kwargs) -> Axes``, each with a source note.

``data`` is a Dataset, or the DataFrame an analysis function returned (the table just shown);
with a DataFrame, ``sources=`` takes the Dataset it was made from, whose sources.csv the note
cites. ``**kwargs`` go to each chart's main artists and win over the chart's own settings.

The plain bar and line charts are drawn by seaborn, in the fixed colour of each platform (or
stage); the lanes, timelines and paths are drawn with matplotlib. Every text that comes from the
data is drawn as written (``parse_math=False``): a ``$`` in a name is a dollar sign, not mathtext.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from babel.numbers import format_decimal
from matplotlib import cbook
from matplotlib.collections import Collection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import checks, growth, labels, peers, regions, revenue, rollouts, stages, style
from .data import Dataset
from .facts import Names
from .labels import label, region_name, stage_name
from .schema import METRICS, MULTIPLE_REGIONS, REGIONS, WORLDWIDE

_EVENT_KINDS_SHOWN = ("test", "launch", "expansion", "shelved")
_AS_OF_COLOR = "#C62828"


def stage_progression(data, *, as_of=None, platforms=None, region=None, show_events: bool = True,
                      events=None, sources=None, reading=None, lang: str = "en", ax=None, **kwargs):
    """One lane per platform across time, coloured by stage, with key events and an as-of line.

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset, or a frame of ``analysis.stage_entries``: a bar per row, the open stages
        running to the as-of line.
    as_of : date, optional
        With a Dataset: stages and events after this date are not drawn (default: the end of the data).
    platforms : str or list of str, optional
        With a Dataset: the lanes.
    region : str, optional
        With a Dataset: mark only the events in this region (and worldwide ones).
    show_events : bool, default True
        Mark the events on each lane.
    events : DataFrame, optional
        A frame of ``analysis.events`` to mark. By default, with a Dataset: its tests, launches,
        expansions and shelved plans; with a DataFrame: none.
    sources : Dataset, optional
        With a DataFrame: the Dataset it came from. The note cites the ``source_id`` of the
        stages and events drawn.
    reading : str, optional
        The rule the stages are called by (readings.csv); the data's default if not given.
    lang : {"en", "de"}
        The language of the chart's words.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.barh`` for the stage bars.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ds = _dataset(data, sources, as_of=as_of, platforms=platforms, region=region)
    entries = (stages.stage_entries(ds, platforms, as_of=as_of, reading=reading) if isinstance(data, Dataset)
               else data)
    lanes = _names(entries["platform"])
    ends = entries["started"] + pd.to_timedelta(entries["days_in_stage"], unit="D")
    until = ends.max()  # open stages run to the as-of date
    if events is None and isinstance(data, Dataset):
        events = rollouts.events(ds, platforms=lanes, kinds=_EVENT_KINDS_SHOWN, region=region, as_of=until)
    shown = events[events["platform"].astype(str).isin(lanes)] if show_events and events is not None else None
    ax = ax if ax is not None else plt.gca()
    lane_of = {p: i for i, p in enumerate(lanes)}
    _stage_bars(ax, entries, ends, lane_of, kwargs)
    if shown is not None:
        _event_marks(ax, shown, lane_of)
    _as_of_line(ax, until, label=True, lang=lang)
    _platform_ticks(ax, "y", lanes)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.xaxis_date()
    style.year_axis(ax)
    ax.grid(axis="y", visible=False)
    title = label("chart:stages_title", lang)
    if region:
        title = label("chart:stages_region", lang, title=title, region=region_name(region, lang))
    _title(ax, title)
    _stage_legend(ax, shown, lang)
    cited = [*entries["source_id"], *(shown["source_id"] if shown is not None else [])]
    style.add_source_note(ax, style.source_note(ds, cited, lang=lang))
    return ax


def _stage_bars(ax, entries: pd.DataFrame, ends: pd.Series, lane_of: dict, kwargs: dict):
    """A bar per stage entry on its platform's lane, in the stage's colour, found by its gid,
    'stage-<platform>-<stage>'."""
    for row, left, right in zip(entries.itertuples(), mdates.date2num(entries["started"]), mdates.date2num(ends)):
        stage = int(row.stage)
        ax.barh(lane_of[str(row.platform)], max(right - left, 2), left=left, height=0.6,
                **_options(kwargs, Patch, color=style.STAGE_COLORS[stage], edgecolor="white", linewidth=0.5,
                           gid=f"stage-{row.platform}-{stage}"))


def _stage_legend(ax, events, lang: str):
    """The stage colours and, when ``events`` are marked, the markers of their kinds."""
    handles = [Patch(color=style.STAGE_COLORS[s], label=f"{s}. {stage_name(s, lang)}") for s in (1, 2, 3)]
    if events is not None:
        drawn = set(events["kind"].astype(str))
        kinds = [k for k in style.KIND_MARKERS if k in _EVENT_KINDS_SHOWN or k in drawn]
        handles += [Line2D([], [], marker=style.KIND_MARKERS[k], linestyle="", color="#212121",
                           label=label(f"event:{k}", lang)) for k in kinds]
    _legend(ax, handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)


def _event_marks(ax, events: pd.DataFrame, lane_of: dict):
    """The events on their platforms' lanes, one scatter per kind, found by its gid, 'events-<kind>'."""
    for kind, group in events.groupby("kind", observed=True):
        ax.scatter(mdates.date2num(group["date"]), group["platform"].astype(str).map(lane_of),
                   marker=style.KIND_MARKERS[str(kind)], s=28, color="#212121",
                   edgecolor="white", linewidth=0.6, zorder=3, gid=f"events-{kind}")


def user_growth(data, *, platforms=None, metric: str = "mau", log: bool = False,
                mark_stages: bool = True, as_of=None, sources=None, reading=None, lang: str = "en", ax=None,
                **kwargs):
    """One line per platform of interpolated users, reported figures as dots, stage entries marked.

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset, or a frame of ``analysis.monthly_series``: a line per platform.
    platforms : str or list of str, optional
        With a Dataset: platforms with figures for ``metric`` by default.
    metric : {"mau", "dau", "registered"}
        The users counted; with a DataFrame, the metric its series count.
    log : bool, default False
        Log scale for users.
    mark_stages : bool, default True
        Mark where each line entered stages 2 and 3.
    as_of : date, optional
        Draw the lines and dots only up to this date, with a marker line.
    sources : Dataset, optional
        With a DataFrame: the Dataset it came from. Its reported figures of ``metric`` for the
        platforms drawn are the dots; the note cites them and the stage entries marked.
    reading : str, optional
        The rule the stages are called by (readings.csv); the data's default if not given.
    lang : {"en", "de"}
        The language of the chart's words.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot`` for the lines (through ``seaborn.lineplot``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ds = _dataset(data, sources, platforms=platforms)
    checks.choice("metric", metric, METRICS)
    series = growth.monthly_series(ds, platforms, metric) if isinstance(data, Dataset) else data
    limit = checks.timestamp("as_of", as_of) if as_of is not None else None
    if limit is not None:
        checks.within("as_of", limit, ds.earliest, ds.latest, "the data")
        series = series[series["date"] <= limit]
        if series.empty:
            raise ValueError(f"no {metric} figures on or before as_of {limit.date()}")
    ax = ax if ax is not None else plt.gca()
    shown = _names(series["platform"])
    _lines(series.assign(platform=series["platform"].astype(str)), shown, ax, kwargs)
    cited = []
    for platform in shown:
        cited += _reported_dots(ax, ds, platform, metric, limit)
        if mark_stages and metric == "mau" and platform in stages.platforms_with_stages(ds):
            cited += _stage_marks(ax, ds, platform, limit, reading)
    if limit is not None:
        _as_of_line(ax, limit)
    if log:
        ax.set_yscale("log")
    style.users_axis(ax, lang=lang)
    style.year_axis(ax)
    name = _capitalized(Names(ds, lang).metric(metric))
    ax.set_ylabel(name, parse_math=False)
    title = label("chart:as_announced", lang, metric=name)
    _title(ax, label("chart:log_scale", lang, title=title) if log else title)
    _legend(ax, loc="upper left", fontsize=8)
    style.add_source_note(ax, style.source_note(ds, cited, lang=lang))
    return ax


def _reported_dots(ax, ds: Dataset, platform: str, metric: str, limit) -> list:
    """The reported figures of a platform (up to ``limit``) as dots; returns their source ids."""
    counts = ds.user_counts
    points = counts[(counts["platform"] == platform) & (counts["metric"] == metric)]
    if limit is not None:
        points = points[points["date"] <= limit]
    ax.scatter(points["date"], points["users_millions"], color=style.platform_color(platform), s=14, zorder=3)
    return list(points["source_id"])


def _stage_marks(ax, ds: Dataset, platform: str, limit, reading) -> list:
    """Numbered rings where a platform's users line entered stages 2 and 3; returns their source ids."""
    color = style.platform_color(platform)
    entries = stages.stage_entries(ds, platform, as_of=limit, reading=reading)
    entries = entries[(entries["stage"].astype(int) >= 2) & entries["mau_at_entry"].notna()]
    for entry in entries.itertuples():
        ax.scatter([entry.started], [entry.mau_at_entry], s=90, marker="o", zorder=4,
                   facecolor="white", edgecolor=color, linewidth=2, gid="stage-entry")
        ax.annotate(str(int(entry.stage)), (mdates.date2num(entry.started), entry.mau_at_entry),
                    ha="center", va="center", fontsize=7, fontweight="bold", color=color, zorder=5,
                    parse_math=False)
    return list(entries["source_id"])


def users_at_stage_entry(data, *, platforms=None, sources=None, reading=None, ax=None, **kwargs):
    """Monthly users when each platform entered stages 2 and 3, side by side per platform.

    Platforms without figures covering an entry date are left out (their users then are not
    reported).

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset, or a frame of ``analysis.stage_entries``: a bar per stage 2 or 3 entry with
        ``mau_at_entry``.
    platforms : str or list of str, optional
        With a Dataset: all platforms with stages by default.
    sources : Dataset, optional
        With a DataFrame: the Dataset it came from. The note cites the ``source_id`` of the
        entries drawn.
    reading : str, optional
        The rule the stages are called by (readings.csv); the data's default if not given.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.bar`` for the bars (through ``seaborn.barplot``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ds = _dataset(data, sources, platforms=platforms)
    entries = stages.stage_entries(ds, platforms, reading=reading) if isinstance(data, Dataset) else data
    drawn = entries[(entries["stage"].astype(int) >= 2) & entries["mau_at_entry"].notna()]
    if drawn.empty:
        raise ValueError(f"none of {', '.join(_names(entries['platform']))} has user figures at a stage 2 "
                         "or 3 entry")
    ax = ax if ax is not None else plt.gca()
    shown = _names(drawn["platform"])
    bars = pd.DataFrame({"platform": drawn["platform"].astype(str).to_numpy(),
                         "stage": drawn["stage"].astype(int).to_numpy(),
                         "users": drawn["mau_at_entry"].to_numpy(dtype=float)})
    options = _options(kwargs, Patch, linewidth=1.5)
    color = options.pop("color", None)
    xlabel, before = ax.get_xlabel(), len(ax.containers)
    # Per platform, two bars of 0.38 side by side; a stage not entered leaves a gap.
    sns.barplot(bars, x="platform", y="users", hue="stage", order=shown, hue_order=[2, 3],
                palette=_palette((2, 3), style.STAGE_COLORS.get, color), width=0.76, dodge=True,
                saturation=1, errorbar=None, legend=False, ax=ax, **options)
    ax.set_xlabel(xlabel)
    for container, stage in zip(ax.containers[before:], (2, 3)):  # one container per stage
        if "label" not in options:
            container.set_label(f"entering stage {stage}")
        for bar in container:
            if "edgecolor" not in options:
                bar.set_edgecolor(style.platform_color(shown[round(bar.get_x() + bar.get_width() / 2)]))
            bar.set_gid(f"stage-{stage}")
        ax.bar_label(container, labels=[style.format_users(v, suffix="", short=True) for v in container.datavalues],
                     fontsize=7, padding=2, parse_math=False)
    _platform_ticks(ax, "x", shown, bold=False)
    style.users_axis(ax)
    ax.set_ylabel("Monthly active users", parse_math=False)
    _title(ax, "Users when each platform entered stages 2 and 3")
    _legend(ax, loc="upper left", fontsize=8)
    style.add_source_note(ax, style.source_note(ds, drawn["source_id"]))
    return ax


def rollout_timeline(data, *, platforms=None, kinds=None, as_of=None, sources=None, ax=None, **kwargs):
    """Monetization events over time, one row per region (and one for worldwide events).

    Marker shape is the kind of event, colour the platform. An event in several regions
    appears in each.

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset, or a frame of ``analysis.events``: a point per event and region.
    platforms, kinds : str or list of str, optional
        With a Dataset: the events drawn (all by default).
    as_of : date, optional
        With a Dataset: only events on or before this date.
    sources : Dataset, optional
        With a DataFrame: the Dataset it came from. The note cites the ``source_id`` of the
        events drawn.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.scatter`` for the events.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ds = _dataset(data, sources, platforms=platforms, kinds=kinds, as_of=as_of)
    shown = rollouts.events(ds, platforms=platforms, kinds=kinds, as_of=as_of) if isinstance(data, Dataset) else data
    if shown.empty:
        raise ValueError(f"no events for platforms={platforms!r}, kinds={kinds!r}, as_of={as_of!r}")
    ax = ax if ax is not None else plt.gca()
    # An event without country codes sits on the lane of its region column.
    lane = shown["regions"].where(shown["regions"] != "", shown["region"].astype(str))
    lanes = shown.assign(lane=lane.where(shown["region"] != WORLDWIDE, WORLDWIDE).str.split(", "))
    lanes = lanes.explode("lane")
    rows = [WORLDWIDE, *REGIONS] + ([MULTIPLE_REGIONS] if (lanes["lane"] == MULTIPLE_REGIONS).any() else [])
    lanes = lanes[lanes["lane"].isin(rows)]
    for (platform, kind), group in lanes.groupby(["platform", "kind"], observed=True):
        jitter = (group["platform"].cat.codes % 5 - 2) * 0.08
        ax.scatter(mdates.date2num(group["date"]), group["lane"].map(rows.index) + jitter,
                   **_options(kwargs, Collection, marker=style.KIND_MARKERS[str(kind)], s=46,
                              color=style.platform_color(platform), edgecolor="white", linewidth=0.6,
                              zorder=3, gid=f"events-{platform}-{kind}"))
    ax.set_yticks(range(len(rows)), rows, parse_math=False)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.xaxis_date()
    style.year_axis(ax)
    _title(ax, "Ad and business-messaging rollouts by region")
    handles = [Patch(color=style.platform_color(p), label=p) for p in _names(shown["platform"])]
    handles += [Line2D([], [], marker=style.KIND_MARKERS[k], linestyle="", color="#424242", label=k)
                for k in _names(shown["kind"])]
    _legend(ax, handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    style.add_source_note(ax, style.source_note(ds, shown["source_id"]))
    return ax


def regional_comparison(data, metric: str | None = None, *, platform=None, region=None, year=None,
                        sources=None, lang: str = "en", ax=None, **kwargs):
    """Horizontal bars of one regional metric, newest figure per place, coloured by platform.

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset, or a frame of ``analysis.compare`` (or ``analysis.users_by_country``) for
        one metric: a bar per row.
    metric : str, optional
        With a Dataset, required: the metric compared.
    platform, region : str, optional
        With a Dataset: keep only this platform or region.
    year : int, optional
        With a Dataset: keep only figures for this year.
    sources : Dataset, optional
        With a DataFrame: the Dataset it came from. The note cites the ``source_id`` of the
        rows drawn.
    lang : {"en", "de"}
        The language of the chart's words and numbers.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.barh`` for the bars (through ``seaborn.barplot``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ds = _dataset(data, sources, metric=metric, platform=platform, region=region, year=year)
    table = (regions.compare(ds, metric, platform=platform, region=region, year=year)
             if isinstance(data, Dataset) else data)
    metrics = table["metric"].unique()
    if len(metrics) != 1:
        raise ValueError(f"a regional comparison shows one metric; data has {', '.join(map(str, metrics))}")
    ax = ax if ax is not None else plt.gca()
    shown = table["platform"].astype("string").unique()
    single = platform or (str(shown[0]) if len(shown) == 1 and pd.notna(shown[0]) else None)
    named = Names(ds, lang)
    labels = [f"{_place(named, row)} ({row.year})" + ("" if pd.isna(row.platform) or single else f", {row.platform}")
              for row in table.itertuples()]
    y = np.arange(len(table))
    names = [str(p) if pd.notna(p) else "" for p in table["platform"]]  # "": a figure about no platform
    texts = [style.format_value(v, u, lang, short=True) for v, u in zip(table["value"], table["unit"])]
    options = _options(kwargs, Patch, gid="bars")
    color = options.pop("color", None)
    ylabel, before = ax.get_ylabel(), len(ax.containers)
    # One bar per row (the row number is the category: two rows may share a label), coloured by platform.
    sns.barplot(pd.DataFrame({"row": y, "value": table["value"].to_numpy(dtype=float), "platform": names}),
                x="value", y="row", hue="platform", hue_order=list(dict.fromkeys(names)),
                palette=_palette(names, style.platform_color, color), dodge=False, orient="h", saturation=1,
                errorbar=None, legend=False, ax=ax, **options)
    ax.set_ylabel(ylabel)
    for container in ax.containers[before:]:  # one container per platform
        rows = [round(bar.get_y() + bar.get_height() / 2) for bar in container]
        ax.bar_label(container, labels=[texts[row] for row in rows], fontsize=8, padding=3, parse_math=False)
    ax.set_yticks(y, labels, parse_math=False)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    units, name = set(table["unit"]), named.metric(metrics[0])
    ax.set_xlabel(name + (f" ({label('unit:' + units.pop(), lang)})" if len(units) == 1 else ""), parse_math=False)
    _title(ax, _capitalized(name) + (f": {single}" if single else ""))
    style.add_source_note(ax, style.source_note(ds, table["source_id"], lang=lang))
    return ax


def peer_comparison(data, *, platforms=None, as_of=None, sources=None, reading=None, lang: str = "en", ax=None,
                    **kwargs):
    """Years from launch to business tools (stage 2, hollow) and paid tools (stage 3, filled).

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset, or a frame of ``analysis.monetization_paths``: a path per platform, Meta's
        apps first and then the peers, each by years to paid tools.
    platforms : str or list of str, optional
        With a Dataset: all platforms with stages by default.
    as_of : date, optional
        With a Dataset: stage entries after this date do not count.
    sources : Dataset, optional
        With a DataFrame: the Dataset it came from. The note cites its sources of the launch
        dates and stage entries on the paths.
    reading : str, optional
        The rule the stages are called by (readings.csv); the data's default if not given.
    lang : {"en", "de"}
        The language of the chart's words and numbers.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot`` for the paths.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ds = _dataset(data, sources, platforms=platforms, as_of=as_of)
    paths = (peers.monetization_paths(ds, platforms, as_of=as_of, reading=reading) if isinstance(data, Dataset)
             else data)
    paths = paths.sort_values(["peer", "years_to_stage3"], na_position="last").reset_index(drop=True)
    ax = ax if ax is not None else plt.gca()
    for y, row in paths.iterrows():
        color = style.platform_color(row["platform"])
        reach = row["years_to_stage3"] if pd.notna(row["years_to_stage3"]) else row["years_to_stage2"]
        ax.plot([0, reach], [y, y], **_options(kwargs, Line2D, color=color, linewidth=2, alpha=0.5,
                                               gid=f"path-{row['platform']}"))
        ax.scatter([row["years_to_stage2"]], [y], s=60, facecolor="white", edgecolor=color,
                   linewidth=2, zorder=3, gid="stage-2")
        if pd.notna(row["years_to_stage3"]):
            ax.scatter([row["years_to_stage3"]], [y], s=60, color=color, zorder=3, gid="stage-3")
            years = label("chart:years_short", lang, years=format_decimal(row["years_to_stage3"], locale=lang))
            ax.annotate(years, (row["years_to_stage3"], y), xytext=(6, 0),
                        textcoords="offset points", va="center", fontsize=8, parse_math=False)
    _platform_ticks(ax, "y", [str(p) for p in paths["platform"]])
    ax.set_ylim(len(paths) - 0.5, -0.5)
    ax.set_xlabel(label("chart:years_after_launch", lang), parse_math=False)
    _title(ax, label("chart:peers_title", lang))
    handles = [Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#424242",
                      label=label("chart:stage2_legend", lang)),
               Line2D([], [], marker="o", linestyle="", color="#424242", label=label("chart:stage3_legend", lang))]
    _legend(ax, handles=handles, loc="lower right", fontsize=8)
    style.add_source_note(ax, style.source_note(ds, _path_sources(ds, paths), lang=lang))
    return ax


def revenue_by_geography(data, *, company: str | None = None, as_of=None, highlight=None, sources=None,
                         lang: str = "en", ax=None, **kwargs):
    """Stacked bars of a company's advertising revenue per quarter, one colour per geography of its own
    (its whole revenue where it splits only that: ``revenue.split_item``). A quarter that lacks a
    geography's figure keeps its place on the axis but gets no bar, so every bar drawn is whole.

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset, or a frame of ``analysis.revenue.revenue``: a bar segment per row (the
        worldwide rows are left out, as the segments add up to them).
    company : str, optional
        With a Dataset: the company (default: the first in revenue.csv).
    as_of : date, optional
        With a Dataset: only the figures known on this day (see ``revenue.revenue``).
    highlight : str, optional
        A geography drawn in full colour, the others faded.
    sources : Dataset, optional
        With a DataFrame: the Dataset it came from. The note cites the ``source_id`` of the rows drawn.
    lang : {"en", "de"}
        The language of the chart's words and numbers.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.bar`` for the segments.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ds = _dataset(data, sources, company=company, as_of=as_of)
    if isinstance(data, Dataset):
        company = company or str(ds.revenue["company"].iloc[0])
    else:
        company = str(data["company"].iloc[0])
    item = revenue.split_item(ds, company)
    table = revenue.revenue(ds, item, company, as_of) if isinstance(data, Dataset) else data
    table = table[table["geography"] != WORLDWIDE]
    periods = sorted(set(table["period"]))
    whole = table.groupby("period")["geography"].transform("nunique") == table["geography"].nunique()
    table = table[whole]
    if table.empty:
        raise ValueError(f"no revenue of {company} by geography"
                         + (f" was reported by {checks.timestamp('as_of', as_of).date()}" if as_of is not None else ""))
    order = [g for g in revenue.geographies(ds, company) if g in set(table["geography"])]
    if highlight is not None:
        checks.choice("highlight", highlight, order)
    ax = ax if ax is not None else plt.gca()
    names = Names(ds, lang)
    colors = dict(zip(order, sns.color_palette("colorblind", len(order))))
    x = np.arange(len(periods))
    bottom = np.zeros(len(periods))
    for geography in order:
        rows = table[table["geography"] == geography].set_index("period")["value"].reindex(periods).fillna(0)
        options = _options(kwargs, Patch, width=0.75, color=colors[geography], gid=f"revenue-{geography}",
                           alpha=1 if highlight in (None, geography) else 0.3)
        ax.bar(x, rows.to_numpy(), bottom=bottom, label=names.geography(geography), **options)
        bottom += rows.to_numpy()
    step = max(1, len(periods) // 8)
    ax.set_xticks(x[::step], [style.format_quarter(p, lang, short=True) for p in periods[::step]], parse_math=False)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(
        lambda value, _: style.format_value(value, "usd_millions", lang, short=True) if value > 0 else "0"))
    ax.grid(axis="x", visible=False)
    newest = table.loc[table["period"] == table["period"].max(), "published_as"].iloc[0]  # its name then
    _title(ax, label(f"chart:revenue_title_{item}", lang, company=newest))
    _legend(ax, loc="upper left", fontsize=8, ncols=len(order))
    ax.set_ylim(0, bottom.max() * 1.18)  # room for the legend above the bars
    style.add_source_note(ax, style.source_note(ds, table["source_id"], lang=lang))
    return ax


def _path_sources(ds: Dataset, paths: pd.DataFrame) -> list:
    """The source ids of the launch dates and the stage 2 and 3 entries the paths run between."""
    shown = paths["platform"].astype(str)
    launches = ds.platforms.loc[ds.platforms["platform"].astype(str).isin(shown), "source_id"]
    reached = {(p, s, d) for s in (2, 3) for p, d in zip(shown, paths[f"stage{s}"]) if pd.notna(d)}
    table = ds.stages
    keys = zip(table["platform"].astype(str), table["stage"].astype(int), table["started"])
    return [*launches, *table.loc[[key in reached for key in keys], "source_id"]]


def _dataset(data, sources, **selection) -> Dataset:
    """The Dataset behind a chart: ``data`` itself, or ``sources`` when ``data`` is a DataFrame.

    The ``selection`` options pick rows of a Dataset; a DataFrame comes with its rows picked by
    the analysis function that made it, so with one they must be left out.
    """
    if isinstance(data, Dataset):
        if sources is not None:
            raise TypeError("sources= goes with a DataFrame; a Dataset cites its own sources")
        return data
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a Dataset or a DataFrame, not {type(data).__name__}")
    if not isinstance(sources, Dataset):
        raise TypeError("a chart of a DataFrame needs sources=, the Dataset the frame was made from")
    given = [f"{name}=" for name, value in selection.items() if value is not None]
    if given:
        raise TypeError(f"{', '.join(given)}: options that pick rows of a Dataset; a DataFrame comes "
                        "with its rows picked by the analysis function that made it")
    if data.empty:
        raise ValueError("data has no rows to draw")
    return sources


def _options(kwargs: dict, artist: type, **defaults) -> dict:
    """The chart's ``defaults`` for one type of ``artist``, overridden by the user's ``kwargs``.

    Aliases are resolved first: ``lw`` is ``linewidth``, and ``c`` is ``color`` for every artist
    (as in ``Axes.plot``).
    """
    given = cbook.normalize_kwargs(kwargs, artist)
    if "c" in given:
        if "color" in given:
            raise TypeError("got both 'c' and 'color', which are aliases of one another")
        given["color"] = given.pop("c")
    return {**defaults, **given}


def _palette(levels, color_of, color=None) -> dict:
    """Each level in its own colour, ``color_of(level)``, or all in ``color`` when one is given."""
    return {level: color_of(level) if color is None else color for level in levels}


def _names(column: pd.Series) -> list[str]:
    """The values a categorical column holds, in the order of its categories."""
    return [str(v) for v in column.cat.remove_unused_categories().cat.categories]


def _platform_ticks(ax, axis: str, platforms: list[str], *, bold: bool = True):
    """One tick per platform along ``axis``, labelled with its name in its colour."""
    getattr(ax, f"set_{axis}ticks")(range(len(platforms)), platforms, parse_math=False)
    for label in getattr(ax, f"get_{axis}ticklabels")():
        label.set_color(style.platform_color(label.get_text()))
        if bold:
            label.set_fontweight("bold")


def _as_of_line(ax, date, *, label: bool = False, lang: str = "en"):
    """A dashed line at ``date``, found by its gid, 'as-of'; ``label`` writes 'as of <date>' at its foot."""
    x = mdates.date2num(date)
    ax.axvline(x, color=_AS_OF_COLOR, linestyle="--", linewidth=1.2, gid="as-of")
    if label:
        text = labels.label("chart:as_of", lang, date=style.format_date(date, lang=lang))
        ax.annotate(text, xy=(x, 0.0), xycoords=("data", "axes fraction"),
                    xytext=(-3, 3), textcoords="offset points", color=_AS_OF_COLOR, fontsize=8, ha="right",
                    va="bottom", parse_math=False,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})


def _lines(data: pd.DataFrame, platforms: list[str], ax, kwargs: dict):
    """``users_millions`` over ``date``, one line per platform in its colour, labelled and found by
    its gid, 'line-<platform>'; ``kwargs`` go to ``Axes.plot`` (a ``color`` paints every line, a
    ``label`` names every line)."""
    options = _options(kwargs, Line2D, linewidth=2)
    color, label = options.pop("color", None), options.pop("label", None)
    xlabel, before = ax.get_xlabel(), len(ax.lines)
    sns.lineplot(data, x="date", y="users_millions", hue="platform", hue_order=platforms,
                 palette=_palette(platforms, style.platform_color, color), estimator=None,
                 errorbar=None, sort=False, legend=False, ax=ax, **options)
    ax.set_xlabel(xlabel)
    for line, platform in zip(ax.lines[before:], platforms):
        line.set_label(platform if label is None else label)
        line.set_gid(f"line-{platform}")


def _place(names, row) -> str:
    """A row's place in the names' language: its country, else its region."""
    return names.country(row.country) if pd.notna(row.country) else names.region(str(row.region))


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(ax, text: str) -> None:
    """The chart's title, drawn as written, right above the axes: nothing is drawn above them, and
    matplotlib's search for something to avoid there measures the tick labels at every draw (about
    a tenth of a chart's time)."""
    ax.set_title(text, parse_math=False, y=1.0)


def _legend(ax, **kwargs):
    """``Axes.legend``, its labels drawn as written."""
    legend = ax.legend(**kwargs)
    style.literal(legend.get_texts())
    return legend
