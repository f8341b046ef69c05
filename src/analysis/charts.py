"""Plot functions, seaborn-shaped: ``f(ds, *, ..., ax=None, **kwargs) -> Axes``, each with a source note.

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
from matplotlib import cbook
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import checks, growth, peers, regions, rollouts, stages, style
from .data import Dataset
from .schema import MULTIPLE_REGIONS, REGIONS, STAGE_NAMES, WORLDWIDE

_EVENT_KINDS_SHOWN = ("test", "launch", "expansion", "shelved")


def stage_progression(ds: Dataset, *, as_of=None, platforms=None, region=None,
                      show_events: bool = True, ax=None, **kwargs):
    """One lane per platform across time, coloured by stage, with key events and an as-of line.

    Parameters
    ----------
    ds : Dataset
    as_of : date, optional
        Stages and events after this date are not drawn (default: the end of the data).
    platforms : str or list of str, optional
    region : str, optional
        Mark only the events in this region (and worldwide ones).
    show_events : bool, default True
        Mark tests, launches, expansions and shelved plans on each lane.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.barh`` for the stage bars.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = ax if ax is not None else plt.gca()
    entries = stages.stage_entries(ds, platforms, as_of=as_of)
    end = entries["ended"].fillna(pd.Timestamp(as_of) if as_of is not None else ds.latest)
    lanes = [str(p) for p in entries["platform"].cat.remove_unused_categories().cat.categories]
    lane_of = {p: i for i, p in enumerate(lanes)}
    start_num = mdates.date2num(entries["started"])
    for row, left, right in zip(entries.itertuples(), start_num, mdates.date2num(end)):
        stage = int(row.stage)
        ax.barh(lane_of[str(row.platform)], max(right - left, 2), left=left, height=0.6,
                color=style.STAGE_COLORS[stage], edgecolor="white", linewidth=0.5,
                gid=f"stage-{row.platform}-{stage}", **kwargs)
    source_ids = list(entries["source_id"])
    if show_events:
        shown = rollouts.events(ds, platforms=lanes, kinds=_EVENT_KINDS_SHOWN, region=region,
                                as_of=as_of if as_of is not None else ds.latest)
        for kind, group in shown.groupby("kind", observed=True):
            ax.scatter(mdates.date2num(group["date"]), group["platform"].astype(str).map(lane_of),
                       marker=style.KIND_MARKERS[str(kind)], s=28, color="#212121",
                       edgecolor="white", linewidth=0.6, zorder=3, gid=f"events-{kind}")
        source_ids += list(shown["source_id"])
    marker = pd.Timestamp(as_of) if as_of is not None else ds.latest
    ax.axvline(mdates.date2num(marker), color="#C62828", linestyle="--", linewidth=1.2, gid="as-of")
    ax.annotate(f"as of {style.format_date(marker)}", xy=(mdates.date2num(marker), 0.0),
                xycoords=("data", "axes fraction"), xytext=(-3, 3), textcoords="offset points",
                color="#C62828", fontsize=8, ha="right", va="bottom", parse_math=False,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})
    ax.set_yticks(range(len(lanes)), lanes, parse_math=False)
    for label in ax.get_yticklabels():
        label.set_color(style.platform_color(label.get_text()))
        label.set_fontweight("bold")
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.xaxis_date()
    style.year_axis(ax)
    ax.grid(axis="y", visible=False)
    ax.set_title("Where each platform stood on the three-stage path"
                 + (f" (events in {region} and worldwide)" if region else ""), parse_math=False)
    handles = [Patch(color=style.STAGE_COLORS[s], label=f"{s}. {STAGE_NAMES[s]}") for s in (1, 2, 3)]
    if show_events:
        handles += [Line2D([], [], marker=style.KIND_MARKERS[k], linestyle="", color="#212121",
                           label=k) for k in _EVENT_KINDS_SHOWN]
    _legend(ax, handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    style.add_source_note(ax, style.source_note(ds, source_ids))
    return ax


def user_growth(ds: Dataset, *, platforms=None, metric: str = "mau", log: bool = False,
                mark_stages: bool = True, as_of=None, ax=None, **kwargs):
    """One line per platform of interpolated users, reported figures as dots, stage entries marked.

    Parameters
    ----------
    ds : Dataset
    platforms : str or list of str, optional
        Platforms with figures for ``metric`` by default.
    metric : {"mau", "dau", "registered"}
    log : bool, default False
        Log scale for users.
    mark_stages : bool, default True
        Mark where each line entered stages 2 and 3.
    as_of : date, optional
        Draw the lines only up to this date, with a marker line.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot`` for the lines (through ``seaborn.lineplot``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = ax if ax is not None else plt.gca()
    series = growth.monthly_series(ds, platforms, metric)
    limit = checks.timestamp("as_of", as_of) if as_of is not None else None
    if limit is not None:
        checks.within("as_of", limit, ds.earliest, ds.latest, "the data")
        series = series[series["date"] <= limit]
        if series.empty:
            raise ValueError(f"no {metric} figures on or before as_of {limit.date()}")
    counts = ds.user_counts
    shown = [str(p) for p, _ in series.groupby("platform", observed=True)]
    _lines(series.assign(platform=series["platform"].astype(str)), shown, ax, kwargs)
    source_ids = []
    for platform in shown:
        color = style.platform_color(platform)
        points = counts[(counts["platform"] == platform) & (counts["metric"] == metric)]
        if limit is not None:
            points = points[points["date"] <= limit]
        ax.scatter(points["date"], points["users_millions"], color=color, s=14, zorder=3)
        source_ids += list(points["source_id"])
        if mark_stages and metric == "mau" and str(platform) in stages.platforms_with_stages(ds):
            entries = stages.stage_entries(ds, str(platform), as_of=limit)
            entries = entries[(entries["stage"].astype(int) >= 2) & entries["mau_at_entry"].notna()]
            for entry in entries.itertuples():
                ax.scatter([entry.started], [entry.mau_at_entry], s=90, marker="o", zorder=4,
                           facecolor="white", edgecolor=color, linewidth=2, gid="stage-entry")
                ax.annotate(str(int(entry.stage)), (mdates.date2num(entry.started), entry.mau_at_entry),
                            ha="center", va="center", fontsize=7, fontweight="bold", color=color, zorder=5,
                            parse_math=False)
            source_ids += list(entries["source_id"])
    if limit is not None:
        ax.axvline(limit, color="#C62828", linestyle="--", linewidth=1.2, gid="as-of")
    if log:
        ax.set_yscale("log")
    style.users_axis(ax)
    style.year_axis(ax)
    names = {"mau": "Monthly active users", "dau": "Daily active users", "registered": "Registered users"}
    ax.set_ylabel(names[metric], parse_math=False)
    ax.set_title(f"{names[metric]}, as announced" + (" (log scale)" if log else ""), parse_math=False)
    _legend(ax, loc="upper left", fontsize=8)
    style.add_source_note(ax, style.source_note(ds, source_ids))
    return ax


def users_at_stage_entry(ds: Dataset, *, platforms=None, ax=None, **kwargs):
    """Monthly users when each platform entered stages 2 and 3, side by side per platform.

    Platforms without figures covering an entry date are left out (their users then are not
    reported).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = ax if ax is not None else plt.gca()
    entries = stages.stage_entries(ds, platforms)
    entries = entries[(entries["stage"].astype(int) >= 2) & entries["mau_at_entry"].notna()]
    if entries.empty:
        raise ValueError(f"none of platforms={platforms!r} has user figures at a stage 2 or 3 entry")
    shown = [str(p) for p in entries["platform"].cat.remove_unused_categories().cat.categories]
    bars = pd.DataFrame({"platform": entries["platform"].astype(str).to_numpy(),
                         "stage": entries["stage"].astype(int).to_numpy(),
                         "users": entries["mau_at_entry"].to_numpy(dtype=float)})
    xlabel, drawn = ax.get_xlabel(), len(ax.containers)
    # Per platform, two bars of 0.38 side by side; a stage not entered leaves a gap.
    sns.barplot(bars, x="platform", y="users", hue="stage", order=shown, hue_order=[2, 3],
                palette={stage: style.STAGE_COLORS[stage] for stage in (2, 3)}, width=0.76, dodge=True,
                saturation=1, errorbar=None, legend=False, ax=ax, **{"linewidth": 1.5, **kwargs})
    ax.set_xlabel(xlabel)
    for container, stage in zip(ax.containers[drawn:], (2, 3)):  # one container per stage
        container.set_label(f"entering stage {stage}")
        for bar in container:
            bar.set_edgecolor(style.platform_color(shown[round(bar.get_x() + bar.get_width() / 2)]))
            bar.set_gid(f"stage-{stage}")
        ax.bar_label(container, labels=[style.format_users(v, suffix="") for v in container.datavalues],
                     fontsize=7, padding=2, parse_math=False)
    ax.set_xticks(range(len(shown)), shown, parse_math=False)
    for label in ax.get_xticklabels():
        label.set_color(style.platform_color(label.get_text()))
    style.users_axis(ax)
    ax.set_ylabel("Monthly active users", parse_math=False)
    ax.set_title("Users when each platform entered stages 2 and 3", parse_math=False)
    _legend(ax, loc="upper left", fontsize=8)
    style.add_source_note(ax, style.source_note(ds, entries["source_id"]))
    return ax


def rollout_timeline(ds: Dataset, *, platforms=None, kinds=None, as_of=None, ax=None, **kwargs):
    """Monetization events over time, one row per region (and one for worldwide events).

    Marker shape is the kind of event, colour the platform. An event in several regions
    appears in each.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = ax if ax is not None else plt.gca()
    shown = rollouts.events(ds, platforms=platforms, kinds=kinds, as_of=as_of)
    if shown.empty:
        raise ValueError(f"no events for platforms={platforms!r}, kinds={kinds!r}, as_of={as_of!r}")
    # An event without country codes sits on the lane of its region column.
    lane = shown["regions"].where(shown["regions"] != "", shown["region"].astype(str))
    lanes = shown.assign(lane=lane.where(shown["region"] != WORLDWIDE, WORLDWIDE).str.split(", "))
    lanes = lanes.explode("lane")
    rows = [WORLDWIDE, *REGIONS] + ([MULTIPLE_REGIONS] if (lanes["lane"] == MULTIPLE_REGIONS).any() else [])
    lanes = lanes[lanes["lane"].isin(rows)]
    for (platform, kind), group in lanes.groupby(["platform", "kind"], observed=True):
        jitter = (group["platform"].cat.codes % 5 - 2) * 0.08
        ax.scatter(mdates.date2num(group["date"]), group["lane"].map(rows.index) + jitter,
                   marker=style.KIND_MARKERS[str(kind)], s=46, color=style.platform_color(platform),
                   edgecolor="white", linewidth=0.6, zorder=3, gid=f"events-{platform}-{kind}",
                   **kwargs)
    ax.set_yticks(range(len(rows)), rows, parse_math=False)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.xaxis_date()
    style.year_axis(ax)
    ax.set_title("Ad and business-messaging rollouts by region", parse_math=False)
    platforms_shown = [str(p) for p in shown["platform"].cat.remove_unused_categories().cat.categories]
    kinds_shown = [str(k) for k in shown["kind"].cat.remove_unused_categories().cat.categories]
    handles = [Patch(color=style.platform_color(p), label=p) for p in platforms_shown]
    handles += [Line2D([], [], marker=style.KIND_MARKERS[k], linestyle="", color="#424242", label=k)
                for k in kinds_shown]
    _legend(ax, handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    style.add_source_note(ax, style.source_note(ds, shown["source_id"]))
    return ax


def regional_comparison(ds: Dataset, metric: str, *, platform=None, region=None, year=None,
                        ax=None, **kwargs):
    """Horizontal bars of one regional metric, newest figure per place, coloured by platform.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = ax if ax is not None else plt.gca()
    table = regions.compare(ds, metric, platform=platform, region=region, year=year)
    labels = [f"{row.label} ({row.year})" + ("" if pd.isna(row.platform) or platform else f", {row.platform}")
              for row in table.itertuples()]
    y = np.arange(len(table))
    names = [str(p) if pd.notna(p) else "" for p in table["platform"]]  # "": a figure about no platform
    texts = [style.format_value(v, u) for v, u in zip(table["value"], table["unit"])]
    ylabel, drawn = ax.get_ylabel(), len(ax.containers)
    # One bar per row (the row number is the category: two rows may share a label), coloured by platform.
    sns.barplot(pd.DataFrame({"row": y, "value": table["value"].to_numpy(dtype=float), "platform": names}),
                x="value", y="row", hue="platform", hue_order=list(dict.fromkeys(names)),
                palette={p: style.platform_color(p) for p in names}, dodge=False, orient="h", saturation=1,
                errorbar=None, legend=False, ax=ax, gid="bars", **kwargs)
    ax.set_ylabel(ylabel)
    for container in ax.containers[drawn:]:  # one container per platform
        rows = [round(bar.get_y() + bar.get_height() / 2) for bar in container]
        ax.bar_label(container, labels=[texts[row] for row in rows], fontsize=8, padding=3, parse_math=False)
    ax.set_yticks(y, labels, parse_math=False)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    units, name = set(table["unit"]), metric.replace("_", " ")
    ax.set_xlabel(name + (f" ({units.pop()})" if len(units) == 1 else ""), parse_math=False)
    ax.set_title(name.capitalize() + (f": {platform}" if platform else ""), parse_math=False)
    style.add_source_note(ax, style.source_note(ds, table["source_id"]))
    return ax


def peer_comparison(ds: Dataset, *, platforms=None, as_of=None, ax=None, **kwargs):
    """Years from launch to business tools (stage 2, hollow) and paid tools (stage 3, filled).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = ax if ax is not None else plt.gca()
    paths = peers.monetization_paths(ds, platforms, as_of=as_of)
    paths = paths.sort_values(["peer", "years_to_stage3"], na_position="last").reset_index(drop=True)
    for y, row in paths.iterrows():
        color = style.platform_color(row["platform"])
        reach = row["years_to_stage3"] if pd.notna(row["years_to_stage3"]) else row["years_to_stage2"]
        ax.plot([0, reach], [y, y], **{"color": color, "linewidth": 2, "alpha": 0.5,
                                         "gid": f"path-{row['platform']}", **kwargs})
        ax.scatter([row["years_to_stage2"]], [y], s=60, facecolor="white", edgecolor=color,
                   linewidth=2, zorder=3, gid="stage-2")
        if pd.notna(row["years_to_stage3"]):
            ax.scatter([row["years_to_stage3"]], [y], s=60, color=color, zorder=3, gid="stage-3")
            ax.annotate(f"{row['years_to_stage3']:g} y", (row["years_to_stage3"], y), xytext=(6, 0),
                        textcoords="offset points", va="center", fontsize=8, parse_math=False)
    ax.set_yticks(range(len(paths)), [str(p) for p in paths["platform"]], parse_math=False)
    for label in ax.get_yticklabels():
        label.set_color(style.platform_color(label.get_text()))
        label.set_fontweight("bold")
    ax.set_ylim(len(paths) - 0.5, -0.5)
    ax.set_xlabel("Years after launch", parse_math=False)
    ax.set_title("From launch to business tools and to paid tools: Meta's apps and peers", parse_math=False)
    handles = [Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#424242",
                      label="stage 2: business tools"),
               Line2D([], [], marker="o", linestyle="", color="#424242", label="stage 3: paid tools")]
    _legend(ax, handles=handles, loc="lower right", fontsize=8)
    shown = [str(p) for p in paths["platform"]]
    entries = stages.stage_entries(ds, shown, as_of=as_of)
    launches = ds.platforms.loc[ds.platforms["platform"].isin(shown), "source_id"]
    cited = [*launches, *entries.loc[entries["stage"].astype(int) >= 2, "source_id"]]
    style.add_source_note(ax, style.source_note(ds, cited))
    return ax


def _lines(data: pd.DataFrame, platforms: list[str], ax, kwargs: dict):
    """``users_millions`` over ``date``, one line per platform in its colour, labelled and found by
    its gid, 'line-<platform>'; ``kwargs`` go to ``Axes.plot`` (a ``color`` paints every line)."""
    kwargs = cbook.normalize_kwargs(kwargs, Line2D)
    color = kwargs.pop("color", None)
    xlabel, drawn = ax.get_xlabel(), len(ax.lines)
    sns.lineplot(data, x="date", y="users_millions", hue="platform", hue_order=platforms,
                 palette={p: color or style.platform_color(p) for p in platforms}, estimator=None,
                 errorbar=None, sort=False, legend=False, ax=ax, **{"linewidth": 2, **kwargs})
    ax.set_xlabel(xlabel)
    for line, platform in zip(ax.lines[drawn:], platforms):
        line.set_label(platform)
        line.set_gid(f"line-{platform}")


def _legend(ax, **kwargs):
    """``Axes.legend``, its labels drawn as written."""
    legend = ax.legend(**kwargs)
    style.literal(legend.get_texts())
    return legend
