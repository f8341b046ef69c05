"""charts: every plot function draws the right artists on the right Axes, with a source note.

Assertions are on the returned Axes (artists, gids, colours, ticks, legend, title, note), never on
pixels. Most tests use a small hand-made dataset whose expected values can be worked out by hand.
"""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.text  # noqa: E402
import matplotlib.ticker  # noqa: E402

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from factory import BASE, make_dataset  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.markers import MarkerStyle  # noqa: E402

import analysis  # noqa: E402
from analysis import charts, style  # noqa: E402
from analysis.schema import REGIONS, STAGE_NAMES, WORLDWIDE  # noqa: E402

# The miniature dataset of factory.py, plus: a third publisher whose only fact is a Messenger
# event (so a note can be seen to follow the events shown), a regional figure from a second
# source, and a regional metric with a region-wide figure.
SOURCES = [
    *BASE["sources"],
    ("src-c", "Event Wire", "Gamma headline", "2019-03-01", "https://example.org/c", "en", ""),
]
ROLLOUTS = [
    *BASE["rollouts"],
    ("2019-03-01", "Messenger", "Lead ads test", "test", "Lead ads", "3", "Europe", "DE", "src-c", ""),
]
REGION_ROWS = [
    ("Asia-Pacific", "IN", "WhatsApp", "users", "200", "millions", "2017", "src-b", ""),
    ("Asia-Pacific", "IN", "WhatsApp", "users", "400", "millions", "2019", "src-a", ""),
    ("Latin America", "BR", "WhatsApp", "users", "120", "millions", "2018", "src-b", ""),
    ("Asia-Pacific", "IN", "WhatsApp", "smb_say_helps_grow", "84", "percent", "2018", "src-b", ""),
    ("Latin America", "BR", "", "enterprises_with_profile", "72", "percent", "2021", "src-b", ""),
    ("Europe", "", "WhatsApp", "business_users", "15", "millions", "2020", "src-b", ""),
    ("Latin America", "BR", "WhatsApp", "business_users", "30", "millions", "2020", "src-b", ""),
]

C = style.PLATFORM_COLORS


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("charts") / "data", sources=SOURCES, rollouts=ROLLOUTS,
                        regions=REGION_ROWS)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax():
    _, axes = plt.subplots()
    return axes


# --- helpers ---------------------------------------------------------------------------------


def day(date) -> float:
    return float(mdates.date2num(pd.Timestamp(date)))


def as_num(value) -> float:
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return day(value)


def hexes(colours) -> list[str]:
    return [to_hex(c) for c in colours]


def patches(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def lines(ax, gid):
    return [line for line in ax.lines if line.get_gid() == gid]


def collections(ax, gid):
    return [c for c in ax.collections if c.get_gid() == gid]


def only(items):
    assert len(items) == 1, items
    return items[0]


def tick_texts(labels):
    return [t.get_text() for t in labels]


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def note_text(ax) -> str:
    note = style.find_source_note(ax)
    assert note is not None, "chart has no source note"
    return note.get_text()


def other_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_gid() != style.SOURCE_NOTE_GID]


def offsets(collection) -> list[tuple[float, float]]:
    points = np.ma.filled(np.ma.asarray(collection.get_offsets(), dtype=float), np.nan)
    return [tuple(map(float, xy)) for xy in points]


def line_dates(line) -> pd.DatetimeIndex:
    """A line's x values as dates: seaborn draws dates as matplotlib's day numbers."""
    x = np.asarray(line.get_xdata())
    if np.issubdtype(x.dtype, np.number):
        return pd.DatetimeIndex(mdates.num2date(x)).tz_localize(None)
    return pd.to_datetime(x)


def as_of_x(ax) -> float:
    line = only(lines(ax, "as-of"))
    xs = {as_num(x) for x in line.get_xdata()}
    assert len(xs) == 1
    return xs.pop()


def marker_vertices(marker):
    style_ = MarkerStyle(marker)
    return style_.get_path().transformed(style_.get_transform()).vertices


def loglinear(v0, d0, v1, d1, date):
    """The log-linear interpolation the package promises, worked out independently."""
    d0, d1, date = pd.Timestamp(d0), pd.Timestamp(d1), pd.Timestamp(date)
    return v0 * (v1 / v0) ** ((date - d0).days / (d1 - d0).days)


def is_empty(ax) -> bool:
    return (not ax.patches and not ax.lines and not ax.collections and not ax.texts
            and ax.get_legend() is None and ax.get_title() == "")


# --- every chart: ax=, the current Axes, a source note, the real data ------------------------

CHARTS = [
    pytest.param(charts.stage_progression, {}, id="stage_progression"),
    pytest.param(charts.user_growth, {}, id="user_growth"),
    pytest.param(charts.users_at_stage_entry, {}, id="users_at_stage_entry"),
    pytest.param(charts.rollout_timeline, {}, id="rollout_timeline"),
    pytest.param(charts.regional_comparison, {"metric": "users"}, id="regional_comparison"),
    pytest.param(charts.peer_comparison, {}, id="peer_comparison"),
]


@pytest.mark.parametrize("draw, kwargs", CHARTS)
def test_chart_draws_on_the_given_axes_only(mini, draw, kwargs):
    _, (left, right) = plt.subplots(1, 2)  # right is the current Axes: left must be honoured
    result = draw(mini, ax=left, **kwargs)
    assert result is left
    assert left.patches or left.lines or left.collections
    assert left.get_title()
    assert style.find_source_note(left) is not None
    assert is_empty(right)
    assert style.find_source_note(right) is None


@pytest.mark.parametrize("draw, kwargs", CHARTS)
def test_chart_without_ax_uses_the_current_axes(mini, draw, kwargs):
    _, (left, right) = plt.subplots(1, 2)
    plt.sca(left)
    result = draw(mini, **kwargs)
    assert result is left
    assert style.find_source_note(left) is not None
    assert is_empty(right)


REFUSED = [
    pytest.param(charts.stage_progression, {"as_of": "2030-01-01"}, id="stage_progression"),
    pytest.param(charts.user_growth, {"as_of": "2030-01-01"}, id="user_growth"),
    pytest.param(charts.users_at_stage_entry, {"platforms": "Telegram"}, id="users_at_stage_entry"),
    pytest.param(charts.rollout_timeline, {"as_of": "2000-01-01"}, id="rollout_timeline"),
    pytest.param(charts.regional_comparison, {"metric": "users", "year": 1990}, id="regional_comparison"),
    pytest.param(charts.peer_comparison, {"as_of": "2030-01-01"}, id="peer_comparison"),
]


@pytest.mark.parametrize("draw, kwargs", REFUSED)
def test_refused_chart_leaves_the_axes_untouched(mini, ax, draw, kwargs):
    """Bad input is refused before anything is drawn: no half-finished chart without a note."""
    with pytest.raises(ValueError):
        draw(mini, ax=ax, **kwargs)
    assert is_empty(ax)


@pytest.mark.parametrize("draw, kwargs", CHARTS)
def test_chart_on_the_real_data(ds, ax, draw, kwargs):
    result = draw(ds, ax=ax, **kwargs)
    assert result is ax
    assert ax.patches or ax.lines or ax.collections
    assert ax.get_title()
    text = note_text(ax)
    assert text.startswith("Sources: ") and "data/sources.csv" not in text  # a reader's words, not a path
    publishers = set(ds.sources["publisher"])
    first = text.removeprefix("Sources: ").split(";")[0].rsplit(" ", 1)[0]
    assert first in publishers


@pytest.mark.parametrize("draw, kwargs", [*CHARTS, pytest.param(charts.revenue_by_geography, {}, id="revenue")])
def test_chart_title_sits_above_the_axes_and_overlaps_no_text(ds, draw, kwargs):
    """Titles are placed right above the axes without matplotlib's search for what they must avoid."""
    with style.theme():
        figure, ax = plt.subplots(figsize=(10, 4.8))
        draw(ds, ax=ax, **kwargs)
        figure.canvas.draw()
    texts = [t for t in figure.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]
    title, = (t for t in texts if t.get_text() in {ax.get_title(loc) for loc in ("left", "center", "right")})
    box = title.get_window_extent()
    assert box.ymin >= ax.get_window_extent().ymax
    assert [t.get_text() for t in texts if t is not title and box.overlaps(t.get_window_extent())] == []


def _settings():
    return {name: repr(value) for name, value in matplotlib.rcParams.items()}


@pytest.mark.parametrize("draw, kwargs", CHARTS)
def test_chart_leaves_matplotlib_settings_alone(mini, ax, draw, kwargs):
    before = _settings()
    draw(mini, ax=ax, **kwargs)
    assert _settings() == before


# A publisher whose name mathtext would read as a formula; every chart cites src-a.
DOLLAR_SOURCES = [("src-a", "Cost $5$ Media", "Alpha headline", "2017-01-25", "https://example.org/a", "en", ""),
                  *SOURCES[1:]]


@pytest.fixture(scope="module")
def dollar(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("dollar") / "data", sources=DOLLAR_SOURCES, rollouts=ROLLOUTS,
                        regions=[*REGION_ROWS[:1], ("Asia-Pacific", "IN", "WhatsApp", "users", "400", "millions",
                                                    "2019", "src-a", "")])


def chart_texts(ax):
    """Every text on a chart with its text, but the tick labels a number or date formatter writes."""
    formatted = set()
    for axis in (ax.xaxis, ax.yaxis):
        formatted.add(axis.offsetText)
        ticks = axis.get_minor_ticks()
        if not isinstance(axis.get_major_locator(), matplotlib.ticker.FixedLocator):  # not set_ticks(labels)
            ticks += axis.get_major_ticks()
        formatted.update(label for tick in ticks for label in (tick.label1, tick.label2))
    return [t for t in ax.findobj(matplotlib.text.Text) if t.get_text() and t not in formatted]


@pytest.mark.parametrize("draw, kwargs", CHARTS)
def test_chart_draws_the_texts_of_the_data_as_written(dollar, ax, draw, kwargs):
    draw(dollar, ax=ax, **kwargs)
    assert "Cost $5$ Media 2017" in note_text(ax)
    texts = chart_texts(ax)
    assert len(texts) >= 4
    assert [t.get_text() for t in texts if t.get_parse_math()] == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax.figure.canvas.draw()


def test_regional_comparison_colours_and_labels_each_bar_by_its_own_row(ds, ax):
    charts.regional_comparison(ds, "users", ax=ax)
    table = analysis.compare(ds, "users")
    assert table["platform"].nunique() > 2  # several platforms: bars grouped by platform
    bars = patches(ax, "bars")
    assert len(bars) == len(table)
    labels = {round(t.xy[1]): t.get_text() for t in ax.texts if t.get_gid() != style.SOURCE_NOTE_GID}
    for bar in bars:
        row = table.iloc[round(bar.get_y() + bar.get_height() / 2)]
        assert to_hex(bar.get_facecolor()) == to_hex(style.platform_color(row["platform"]))
        assert bar.get_width() == pytest.approx(row["value"])
    assert [labels[i] for i in range(len(table))] == [style.format_value(v, u, short=True)
                                                       for v, u in zip(table["value"], table["unit"])]


# --- every chart: the DataFrame of its analysis function, with sources= ----------------------

SHOWN_KINDS = ["test", "launch", "expansion", "shelved"]  # the events stage_progression marks

# (chart, its options with the Dataset, the frame of the analysis function and the options with it)
AS_FRAMES = [
    pytest.param(charts.stage_progression, {},
                 lambda ds: (analysis.stage_entries(ds), {"events": analysis.events(ds, kinds=SHOWN_KINDS)}),
                 id="stage_progression"),
    pytest.param(charts.stage_progression, {"as_of": "2017-06-01"},
                 lambda ds: (analysis.stage_entries(ds, as_of="2017-06-01"),
                             {"events": analysis.events(ds, kinds=SHOWN_KINDS, as_of="2017-06-01")}),
                 id="stage_progression-as_of"),
    pytest.param(charts.stage_progression, {"platforms": "Messenger", "show_events": False},
                 lambda ds: (analysis.stage_entries(ds, "Messenger"), {}), id="stage_progression-no-events"),
    pytest.param(charts.user_growth, {}, lambda ds: (analysis.monthly_series(ds), {}), id="user_growth"),
    pytest.param(charts.user_growth, {"metric": "dau"},
                 lambda ds: (analysis.monthly_series(ds, metric="dau"), {"metric": "dau"}), id="user_growth-dau"),
    pytest.param(charts.user_growth, {"as_of": "2016-06-01", "log": True},
                 lambda ds: (analysis.monthly_series(ds), {"as_of": "2016-06-01", "log": True}),
                 id="user_growth-as_of"),
    pytest.param(charts.users_at_stage_entry, {}, lambda ds: (analysis.stage_entries(ds), {}),
                 id="users_at_stage_entry"),
    pytest.param(charts.rollout_timeline, {}, lambda ds: (analysis.events(ds), {}), id="rollout_timeline"),
    pytest.param(charts.rollout_timeline, {"kinds": "launch", "as_of": "2019-01-01"},
                 lambda ds: (analysis.events(ds, kinds="launch", as_of="2019-01-01"), {}),
                 id="rollout_timeline-selected"),
    pytest.param(charts.regional_comparison, {"metric": "users"}, lambda ds: (analysis.compare(ds, "users"), {}),
                 id="regional_comparison"),
    pytest.param(charts.regional_comparison, {"metric": "users"},  # the miniature's users are WhatsApp's
                 lambda ds: (analysis.users_by_country(ds), {}), id="regional_comparison-users_by_country"),
    pytest.param(charts.peer_comparison, {}, lambda ds: (analysis.monetization_paths(ds), {}),
                 id="peer_comparison"),
    pytest.param(charts.peer_comparison, {"as_of": "2014-01-01"},
                 lambda ds: (analysis.monetization_paths(ds, as_of="2014-01-01"), {}), id="peer_comparison-as_of"),
]


def numbers(values) -> list:
    """Numbers (dates as matplotlib's day numbers) rounded, NaN as None: comparable with ==."""
    array = np.asarray(values)
    if not np.issubdtype(array.dtype, np.number):
        array = mdates.date2num(array)
    return [None if np.isnan(v) else round(float(v), 6) for v in np.asarray(array, dtype=float).ravel()]


def drawing(ax) -> list:
    """What an Axes shows, artist by artist, in drawing order."""
    shown = [("patch", p.get_gid(), to_hex(p.get_facecolor()), to_hex(p.get_edgecolor()),
              numbers([p.get_x(), p.get_y(), p.get_width(), p.get_height()])) for p in ax.patches]
    shown += [("line", line.get_gid(), line.get_label(), to_hex(line.get_color()),
               numbers(line.get_xdata()), numbers(line.get_ydata())) for line in ax.lines]
    shown += [("collection", c.get_gid(), hexes(c.get_facecolor()), hexes(c.get_edgecolor()),
               numbers(c.get_offsets())) for c in ax.collections]
    shown += [("text", t.get_text(), numbers(getattr(t, "xy", t.get_position()))) for t in ax.texts]
    shown += [("ticks", tick_texts(ax.get_xticklabels()), tick_texts(ax.get_yticklabels()),
               numbers(ax.get_xticks()), numbers(ax.get_yticks()), ax.get_xscale(), ax.get_yscale())]
    legend = legend_texts(ax) if ax.get_legend() else None
    return [*shown, ("labels", ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), legend)]


@pytest.mark.parametrize("draw, kwargs, frame", AS_FRAMES)
def test_chart_of_the_analysis_frame_draws_what_the_dataset_chart_draws(mini, draw, kwargs, frame):
    expected = draw(mini, ax=plt.figure().gca(), **kwargs)
    data, options = frame(mini)
    ax = plt.figure().gca()
    assert draw(data, sources=mini, ax=ax, **options) is ax
    assert drawing(ax) == drawing(expected)


def test_chart_of_a_frame_cites_the_rows_drawn(mini, ax):
    events = analysis.events(mini)
    charts.rollout_timeline(events[events["platform"] == "Messenger"], sources=mini, ax=ax)
    assert note_text(ax) == "Sources: Example News 2017; Event Wire 2019"


def test_chart_of_a_frame_without_platforms_cites_the_dataset_behind_it(mini, ax):
    paths = analysis.monetization_paths(mini)
    charts.peer_comparison(paths[paths["platform"] == "Messenger"], sources=mini, ax=ax)
    assert note_text(ax) == "Sources: Example News 2017"
    ax.clear()
    charts.user_growth(analysis.monthly_series(mini, "WhatsApp"), sources=mini, ax=ax)
    assert note_text(ax) == "Sources: Example Blog 2018"


def test_stage_progression_of_a_frame_marks_only_the_events_given(mini, ax):
    charts.stage_progression(analysis.stage_entries(mini), sources=mini, ax=ax)
    assert not ax.collections
    assert legend_texts(ax) == [f"{s}. {STAGE_NAMES[s]}" for s in (1, 2, 3)]
    ax.clear()
    charts.stage_progression(analysis.stage_entries(mini, "WhatsApp"), events=analysis.events(mini),
                             sources=mini, ax=ax)
    assert sorted(c.get_gid() for c in ax.collections) == ["events-announcement", "events-launch"]
    assert legend_texts(ax)[3:] == ["announced", *SHOWN_KINDS]


@pytest.mark.parametrize("draw, kwargs, frame", AS_FRAMES)
def test_chart_of_a_frame_needs_the_dataset_as_sources(mini, ax, draw, kwargs, frame):
    data, options = frame(mini)
    with pytest.raises(TypeError, match="sources="):
        draw(data, ax=ax, **options)
    with pytest.raises(TypeError, match="sources="):
        draw(data, sources=mini.sources, ax=ax, **options)
    with pytest.raises(TypeError, match="sources="):
        draw(mini, sources=mini, ax=ax, **kwargs)
    assert is_empty(ax)


@pytest.mark.parametrize("draw, selection", [
    (charts.stage_progression, {"region": "Europe"}),
    (charts.user_growth, {"platforms": "Messenger"}),
    (charts.users_at_stage_entry, {"platforms": "Messenger"}),
    (charts.rollout_timeline, {"kinds": "test", "as_of": "2018-01-01"}),
    (charts.regional_comparison, {"platform": "WhatsApp"}),
    (charts.peer_comparison, {"as_of": "2018-01-01"}),
])
def test_chart_of_a_frame_refuses_the_options_that_pick_rows(mini, ax, draw, selection):
    with pytest.raises(TypeError, match=", ".join(f"{name}=" for name in selection)):
        draw(analysis.stage_entries(mini), sources=mini, ax=ax, **selection)
    assert is_empty(ax)


def test_chart_of_an_empty_frame_is_refused(mini, ax):
    events = analysis.events(mini)
    with pytest.raises(ValueError, match="no rows"):
        charts.rollout_timeline(events[events["platform"] == "Telegram"], sources=mini, ax=ax)
    assert is_empty(ax)


def test_regional_comparison_of_several_metrics_is_refused(mini, ax):
    with pytest.raises(ValueError, match="one metric"):
        charts.regional_comparison(analysis.business_adoption(mini), sources=mini, ax=ax)
    assert is_empty(ax)


def test_chart_data_must_be_a_dataset_or_a_frame(ax):
    with pytest.raises(TypeError, match="Dataset or a DataFrame"):
        charts.user_growth([1, 2, 3], ax=ax)


# --- stage_progression -----------------------------------------------------------------------

LANES = ["Instagram", "Messenger", "WhatsApp", "Telegram"]
STAGE_ROWS = {  # (platform, stage): (started, ended) with ds.latest = 2020-01-01
    ("Instagram", 1): ("2010-01-01", "2013-06-01"),
    ("Instagram", 2): ("2013-06-01", "2013-11-01"),
    ("Instagram", 3): ("2013-11-01", "2020-01-01"),
    ("Messenger", 1): ("2011-01-01", "2015-01-01"),
    ("Messenger", 2): ("2015-01-01", "2017-01-01"),
    ("Messenger", 3): ("2017-01-01", "2020-01-01"),
    ("WhatsApp", 1): ("2009-01-01", "2018-01-01"),
    ("WhatsApp", 2): ("2018-01-01", "2020-01-01"),
    ("Telegram", 1): ("2013-01-01", "2020-01-01"),
}


def stage_bars(ax):
    return [p for p in ax.patches if str(p.get_gid()).startswith("stage-")]


def test_stage_progression_one_bar_per_stage_entered(mini, ax):
    charts.stage_progression(mini, ax=ax)
    bars = stage_bars(ax)
    assert sorted(p.get_gid() for p in bars) == sorted(f"stage-{p}-{s}" for p, s in STAGE_ROWS)
    for (platform, stage), (start, end) in STAGE_ROWS.items():
        bar = only(patches(ax, f"stage-{platform}-{stage}"))
        assert to_hex(bar.get_facecolor()) == to_hex(style.STAGE_COLORS[stage])
        assert bar.get_x() == pytest.approx(day(start))
        assert bar.get_x() + bar.get_width() == pytest.approx(day(end))
        assert bar.get_y() + bar.get_height() / 2 == pytest.approx(LANES.index(platform))


def test_stage_progression_lanes_are_platforms_in_schema_order(mini, ax):
    charts.stage_progression(mini, ax=ax)
    labels = ax.get_yticklabels()
    assert tick_texts(labels) == LANES
    assert list(ax.get_yticks()) == [0, 1, 2, 3]
    assert hexes(t.get_color() for t in labels) == [to_hex(C[p]) for p in LANES]
    low, high = ax.get_ylim()
    assert high < low  # first platform on top


def test_stage_progression_title_legend_and_as_of_line(mini, ax):
    charts.stage_progression(mini, ax=ax)
    assert ax.get_title() == "Where each platform stood on the three-stage path"
    assert legend_texts(ax) == [f"{s}. {STAGE_NAMES[s]}" for s in (1, 2, 3)] + [
        "test", "launch", "expansion", "shelved"]
    handles = ax.get_legend().legend_handles
    assert hexes(h.get_facecolor() for h in handles[:3]) == [to_hex(style.STAGE_COLORS[s]) for s in (1, 2, 3)]
    assert as_of_x(ax) == pytest.approx(day("2020-01-01"))
    assert "as of 1 Jan 2020" in other_texts(ax)


def test_stage_progression_marks_events_but_not_announcements(mini, ax):
    charts.stage_progression(mini, ax=ax)
    gids = sorted(c.get_gid() for c in ax.collections)
    assert gids == ["events-expansion", "events-launch", "events-test"]
    assert sorted(offsets(only(collections(ax, "events-test")))) == [
        (day("2017-01-01"), 1.0), (day("2019-03-01"), 1.0)]
    assert sorted(offsets(only(collections(ax, "events-launch")))) == [
        (day("2013-11-01"), 0.0), (day("2018-01-01"), 2.0)]
    assert sorted(offsets(only(collections(ax, "events-expansion")))) == [
        (day("2015-09-01"), 0.0), (day("2017-07-01"), 1.0)]
    for kind in ("test", "launch", "expansion"):
        path = only(collections(ax, f"events-{kind}")).get_paths()[0]
        assert np.allclose(path.vertices, marker_vertices(style.KIND_MARKERS[kind]))


def test_stage_progression_without_events(mini, ax):
    charts.stage_progression(mini, platforms="Messenger", show_events=False, ax=ax)
    assert not ax.collections
    assert legend_texts(ax) == [f"{s}. {STAGE_NAMES[s]}" for s in (1, 2, 3)]
    assert "Event Wire" not in note_text(ax)  # its only fact is an event, not drawn here


def test_stage_progression_note_follows_the_events_shown(mini, ax):
    charts.stage_progression(mini, platforms="Messenger", ax=ax)
    assert note_text(ax) == "Sources: Example News 2017; Event Wire 2019"


def test_stage_progression_selected_platforms(mini, ax):
    charts.stage_progression(mini, platforms=["WhatsApp"], ax=ax)
    assert tick_texts(ax.get_yticklabels()) == ["WhatsApp"]
    assert sorted(p.get_gid() for p in stage_bars(ax)) == ["stage-WhatsApp-1", "stage-WhatsApp-2"]
    assert all(p.get_y() + p.get_height() / 2 == pytest.approx(0) for p in stage_bars(ax))
    assert offsets(only(collections(ax, "events-launch"))) == [(day("2018-01-01"), 0.0)]
    text = note_text(ax)
    assert "Example Blog" in text and "Example News" not in text


def test_stage_progression_as_of_cuts_stages_and_events(mini, ax):
    charts.stage_progression(mini, as_of="2017-06-01", ax=ax)
    gids = {p.get_gid() for p in stage_bars(ax)}
    assert "stage-WhatsApp-2" not in gids
    assert "stage-Messenger-3" in gids
    for gid in ("stage-Messenger-3", "stage-Instagram-3", "stage-WhatsApp-1", "stage-Telegram-1"):
        bar = only(patches(ax, gid))
        assert bar.get_x() + bar.get_width() == pytest.approx(day("2017-06-01"))
    assert as_of_x(ax) == pytest.approx(day("2017-06-01"))
    assert "as of 1 Jun 2017" in other_texts(ax)
    shown = [x for c in ax.collections for x, _ in offsets(c)]
    assert shown and max(shown) <= day("2017-06-01")
    assert offsets(only(collections(ax, "events-test"))) == [(day("2017-01-01"), 1.0)]
    assert "Event Wire" not in note_text(ax)


def test_stage_progression_kwargs_reach_the_bars(mini, ax):
    charts.stage_progression(mini, alpha=0.3, ax=ax)
    bars = stage_bars(ax)
    assert len(bars) == len(STAGE_ROWS)
    assert all(p.get_alpha() == 0.3 for p in bars)


@pytest.mark.parametrize("kwargs, match", [
    ({"platforms": "Bogus"}, "Bogus"),
    ({"platforms": ["Messenger", "Snapchat"]}, "Snapchat"),  # no stage rows in the miniature
    ({"platforms": []}, "no platform selected"),
    ({"as_of": "2000-01-01"}, "2000-01-01"),
    ({"as_of": "2030-01-01"}, "2030-01-01"),
    ({"as_of": "not a date"}, "not a date"),
    ({"as_of": 2017}, "2017"),  # a bare number is not a date
])
def test_stage_progression_bad_input(mini, ax, kwargs, match):
    with pytest.raises(ValueError, match=match):
        charts.stage_progression(mini, ax=ax, **kwargs)


# --- user_growth -----------------------------------------------------------------------------


def reported_points(ax, platform):
    """The scatter of reported figures: small dots in the platform's colour."""
    return only([c for c in ax.collections if c.get_gid() is None
                 and hexes(c.get_facecolor()) == [to_hex(C[platform])]])


def test_user_growth_one_line_per_platform_in_its_colour(mini, ax):
    charts.user_growth(mini, ax=ax)
    drawn = [line.get_gid() for line in ax.lines]
    assert drawn == ["line-Instagram", "line-Messenger", "line-WhatsApp"]
    for platform in ("Instagram", "Messenger", "WhatsApp"):
        assert to_hex(only(lines(ax, f"line-{platform}")).get_color()) == to_hex(C[platform])
    assert legend_texts(ax) == ["Instagram", "Messenger", "WhatsApp"]
    assert not lines(ax, "as-of")


def test_user_growth_line_data(mini, ax):
    charts.user_growth(mini, ax=ax)
    line = only(lines(ax, "line-Messenger"))
    dates = line_dates(line)
    values = pd.Series(np.asarray(line.get_ydata(), dtype=float), index=dates)
    assert dates[0] == pd.Timestamp("2014-01-01") and dates[-1] == pd.Timestamp("2018-01-01")
    assert len(values) == 49  # month starts from Jan 2014 to Jan 2018
    assert values["2014-01-01"] == pytest.approx(100)
    assert values["2016-01-01"] == pytest.approx(400)
    assert values["2018-01-01"] == pytest.approx(1600)
    assert values["2015-01-01"] == pytest.approx(200)  # log-linear: the geometric mean
    assert values["2017-01-01"] == pytest.approx(loglinear(400, "2016-01-01", 1600, "2018-01-01",
                                                           "2017-01-01"))
    assert values.is_monotonic_increasing


def test_user_growth_reported_figures_as_dots(mini, ax):
    charts.user_growth(mini, ax=ax)
    assert sorted(offsets(reported_points(ax, "Messenger"))) == [
        (day("2014-01-01"), 100.0), (day("2016-01-01"), 400.0), (day("2018-01-01"), 1600.0)]
    assert sorted(offsets(reported_points(ax, "WhatsApp"))) == [  # the dau figure is not a mau dot
        (day("2014-01-01"), 500.0), (day("2020-01-01"), 2000.0)]


def test_user_growth_marks_stage_entries(mini, ax):
    charts.user_growth(mini, ax=ax)
    markers = collections(ax, "stage-entry")
    assert len(markers) == 5  # Instagram 2 and 3, Messenger 2 and 3, WhatsApp 2
    by_colour = {}
    for marker in markers:
        assert hexes(marker.get_facecolor()) == ["#ffffff"]
        by_colour.setdefault(to_hex(marker.get_edgecolor()[0]), []).extend(offsets(marker))
    assert sorted(by_colour[to_hex(C["Messenger"])]) == [
        (day("2015-01-01"), pytest.approx(200.0)),
        (day("2017-01-01"), pytest.approx(loglinear(400, "2016-01-01", 1600, "2018-01-01", "2017-01-01")))]
    assert by_colour[to_hex(C["WhatsApp"])] == [
        (day("2018-01-01"), pytest.approx(loglinear(500, "2014-01-01", 2000, "2020-01-01", "2018-01-01")))]
    assert sorted(other_texts(ax)) == ["2", "2", "2", "3", "3"]


def test_user_growth_without_stage_marks(mini, ax):
    charts.user_growth(mini, mark_stages=False, ax=ax)
    assert not collections(ax, "stage-entry")
    assert other_texts(ax) == []


def test_user_growth_title_labels_and_axis(mini, ax):
    charts.user_growth(mini, ax=ax)
    assert ax.get_title() == "Monthly active users, as announced"
    assert ax.get_ylabel() == "Monthly active users"
    assert ax.get_yscale() == "linear"
    formatter = ax.yaxis.get_major_formatter()
    assert formatter(1000, 0) == "1B" and formatter(500, 0) == "500M"


def test_user_growth_log_scale(mini, ax):
    charts.user_growth(mini, log=True, ax=ax)
    assert ax.get_yscale() == "log"
    assert ax.get_title() == "Monthly active users, as announced (log scale)"


def test_user_growth_other_metric(mini, ax):
    charts.user_growth(mini, metric="dau", ax=ax)
    line = only(ax.lines)
    assert line.get_gid() == "line-WhatsApp"
    assert set(line_dates(line)) == {pd.Timestamp("2019-01-01")}  # a single figure
    assert np.asarray(line.get_ydata(), dtype=float) == pytest.approx(1000.0)
    assert not collections(ax, "stage-entry")  # stages are marked on mau lines only
    assert ax.get_ylabel() == "Daily active users"
    assert ax.get_title() == "Daily active users, as announced"
    assert legend_texts(ax) == ["WhatsApp"]
    assert note_text(ax) == "Sources: Example Blog 2018"


def test_user_growth_as_of(mini, ax):
    charts.user_growth(mini, as_of="2016-06-01", ax=ax)
    assert as_of_x(ax) == pytest.approx(day("2016-06-01"))
    for platform in ("Instagram", "Messenger", "WhatsApp"):
        dates = line_dates(only(lines(ax, f"line-{platform}")))
        assert dates.max() == pd.Timestamp("2016-06-01")
    assert sorted(offsets(reported_points(ax, "Messenger"))) == [
        (day("2014-01-01"), 100.0), (day("2016-01-01"), 400.0)]
    entries = sorted(x for c in collections(ax, "stage-entry") for x, _ in offsets(c))
    assert entries == [day("2013-06-01"), day("2013-11-01"), day("2015-01-01")]


def test_user_growth_selected_platform_and_note(mini, ax):
    charts.user_growth(mini, platforms="Messenger", ax=ax)
    assert [line.get_gid() for line in ax.lines] == ["line-Messenger"]
    assert note_text(ax) == "Sources: Example News 2017"


def test_user_growth_kwargs_reach_the_lines(mini, ax):
    charts.user_growth(mini, alpha=0.3, linestyle=":", ax=ax)
    drawn = [line for line in ax.lines if str(line.get_gid()).startswith("line-")]
    assert len(drawn) == 3
    assert all(line.get_alpha() == 0.3 and line.get_linestyle() == ":" for line in drawn)


def test_user_growth_linewidth_passes_through(mini, ax):
    # documented: **kwargs are passed to Axes.plot for the lines
    charts.user_growth(mini, linewidth=1, ax=ax)
    assert all(line.get_linewidth() == 1 for line in ax.lines if str(line.get_gid()).startswith("line-"))


def test_user_growth_platform_with_figures_but_no_stage_rows(tmp_path, ax):
    stages = [row for row in BASE["stages"] if row[0] != "WhatsApp"]
    rollouts = [row for row in BASE["rollouts"] if row[1] != "WhatsApp"]
    ds = make_dataset(tmp_path / "data", stages=stages, rollouts=rollouts)
    charts.user_growth(ds, platforms="WhatsApp", ax=ax)
    assert [line.get_gid() for line in ax.lines] == ["line-WhatsApp"]
    assert not collections(ax, "stage-entry")


@pytest.mark.parametrize("kwargs, match", [
    ({"platforms": "Bogus"}, "Bogus"),
    ({"platforms": "Telegram"}, "Telegram"),  # no mau figures
    ({"platforms": []}, "no platform selected"),
    ({"metric": "wau"}, "wau"),
    ({"as_of": "2000-01-01"}, "2000-01-01"),
    ({"as_of": "2030-01-01"}, "2030-01-01"),
    ({"as_of": "2030-01-01", "mark_stages": False}, "2030-01-01"),
    ({"as_of": "2030-01-01", "metric": "dau"}, "2030-01-01"),
    ({"as_of": "someday"}, "someday"),
])
def test_user_growth_bad_input(mini, ax, kwargs, match):
    with pytest.raises(ValueError, match=match):
        charts.user_growth(mini, ax=ax, **kwargs)


# --- users_at_stage_entry --------------------------------------------------------------------

MESSENGER_3 = loglinear(400, "2016-01-01", 1600, "2018-01-01", "2017-01-01")
ENTRY_USERS = {  # (platform, stage): users in millions at entry
    ("Instagram", 2): loglinear(100, "2013-01-01", 1000, "2019-01-01", "2013-06-01"),
    ("Instagram", 3): loglinear(100, "2013-01-01", 1000, "2019-01-01", "2013-11-01"),
    ("Messenger", 2): 200.0,
    ("Messenger", 3): MESSENGER_3,
    ("WhatsApp", 2): loglinear(500, "2014-01-01", 2000, "2020-01-01", "2018-01-01"),
}


def test_users_at_stage_entry_bars(mini, ax):
    charts.users_at_stage_entry(mini, ax=ax)
    shown = ["Instagram", "Messenger", "WhatsApp"]  # Telegram never left stage 1
    assert tick_texts(ax.get_xticklabels()) == shown
    assert hexes(t.get_color() for t in ax.get_xticklabels()) == [to_hex(C[p]) for p in shown]
    for stage, platforms, shift in ((2, shown, -0.19), (3, shown[:2], 0.19)):
        bars = patches(ax, f"stage-{stage}")
        assert len(bars) == len(platforms)
        for bar, platform in zip(bars, platforms):
            assert bar.get_x() + bar.get_width() / 2 == pytest.approx(shown.index(platform) + shift)
            assert bar.get_height() == pytest.approx(ENTRY_USERS[(platform, stage)])
            assert to_hex(bar.get_facecolor()) == to_hex(style.STAGE_COLORS[stage])
            assert to_hex(bar.get_edgecolor()) == to_hex(C[platform])
    assert len(ax.patches) == 5


def test_users_at_stage_entry_labels_legend_title(mini, ax):
    charts.users_at_stage_entry(mini, ax=ax)
    assert sorted(other_texts(ax)) == sorted(["117M", "200M", "1.26B", "138M", "801M"])
    assert legend_texts(ax) == ["entering stage 2", "entering stage 3"]
    assert ax.get_title() == "Users when each platform entered stages 2 and 3"
    assert ax.get_ylabel() == "Monthly active users"
    assert ax.yaxis.get_major_formatter()(1500, 0) == "1.5B"


def test_users_at_stage_entry_selection_and_note(mini, ax):
    charts.users_at_stage_entry(mini, platforms=["Messenger", "Telegram"], ax=ax)
    assert tick_texts(ax.get_xticklabels()) == ["Messenger"]
    assert [p.get_gid() for p in ax.patches] == ["stage-2", "stage-3"]
    assert [p.get_height() for p in ax.patches] == [pytest.approx(200.0), pytest.approx(MESSENGER_3)]
    assert note_text(ax) == "Sources: Example News 2017"
    ax.clear()
    charts.users_at_stage_entry(mini, platforms="WhatsApp", ax=ax)
    assert note_text(ax) == "Sources: Example Blog 2018"


def test_users_at_stage_entry_kwargs_reach_the_bars(mini, ax):
    charts.users_at_stage_entry(mini, alpha=0.3, ax=ax)
    assert len(ax.patches) == 5
    assert all(p.get_alpha() == 0.3 for p in ax.patches)


@pytest.mark.parametrize("kwargs, match", [
    ({"platforms": "Bogus"}, "Bogus"),
    ({"platforms": []}, "no platform selected"),
    ({"platforms": "Telegram"}, "Telegram"),  # no stage 2 or 3: nothing to draw, and say for whom
])
def test_users_at_stage_entry_bad_input(mini, ax, kwargs, match):
    with pytest.raises(ValueError, match=match):
        charts.users_at_stage_entry(mini, ax=ax, **kwargs)


# --- rollout_timeline ------------------------------------------------------------------------

ROWS = [WORLDWIDE, *REGIONS]
EVENT_POINTS = {  # (platform, kind): [(date, lane)]
    ("Instagram", "launch"): [("2013-11-01", "North America")],
    ("Instagram", "expansion"): [("2015-09-01", WORLDWIDE)],
    ("Messenger", "test"): [("2017-01-01", "Asia-Pacific"), ("2019-03-01", "Europe")],
    ("Messenger", "expansion"): [("2017-07-01", WORLDWIDE)],
    ("WhatsApp", "launch"): [("2018-01-01", "North America"), ("2018-01-01", "Latin America")],
    ("WhatsApp", "announcement"): [("2018-06-01", WORLDWIDE)],
}


def event_lanes(collection):
    """(date, lane name) of each point; the jitter keeps a point within 0.16 of its lane."""
    points = []
    for x, y in offsets(collection):
        lane = round(y)
        assert abs(y - lane) <= 0.16 + 1e-9
        points.append((mdates.num2date(x).strftime("%Y-%m-%d"), ROWS[lane]))
    return sorted(points)


def test_rollout_timeline_one_row_per_region(mini, ax):
    charts.rollout_timeline(mini, ax=ax)
    assert tick_texts(ax.get_yticklabels()) == ROWS
    low, high = ax.get_ylim()
    assert high < low  # worldwide on top


def test_rollout_timeline_points(mini, ax):
    charts.rollout_timeline(mini, ax=ax)
    assert sorted(c.get_gid() for c in ax.collections) == sorted(
        f"events-{p}-{k}" for p, k in EVENT_POINTS)
    for (platform, kind), expected in EVENT_POINTS.items():
        collection = only(collections(ax, f"events-{platform}-{kind}"))
        assert event_lanes(collection) == sorted(expected)
        assert set(hexes(collection.get_facecolor())) == {to_hex(C[platform])}
        assert np.allclose(collection.get_paths()[0].vertices, marker_vertices(style.KIND_MARKERS[kind]))


def test_rollout_timeline_legend_title_note(mini, ax):
    charts.rollout_timeline(mini, ax=ax)
    assert legend_texts(ax) == ["Instagram", "Messenger", "WhatsApp",
                                "announcement", "test", "launch", "expansion"]
    handles = ax.get_legend().legend_handles
    assert hexes(h.get_facecolor() for h in handles[:3]) == [to_hex(C[p]) for p in
                                                            ("Instagram", "Messenger", "WhatsApp")]
    assert ax.get_title() == "Ad and business-messaging rollouts by region"
    text = note_text(ax)
    assert all(name in text for name in ("Example News", "Example Blog", "Event Wire"))


def test_rollout_timeline_filters(mini, ax):
    charts.rollout_timeline(mini, kinds="launch", ax=ax)
    assert sorted(c.get_gid() for c in ax.collections) == ["events-Instagram-launch", "events-WhatsApp-launch"]
    assert legend_texts(ax) == ["Instagram", "WhatsApp", "launch"]
    ax.clear()
    charts.rollout_timeline(mini, platforms="Instagram", ax=ax)
    assert sorted(c.get_gid() for c in ax.collections) == ["events-Instagram-expansion",
                                                           "events-Instagram-launch"]
    assert note_text(ax) == "Sources: Example News 2017"


def test_rollout_timeline_as_of(mini, ax):
    charts.rollout_timeline(mini, as_of="2017-01-01", ax=ax)
    points = [x for c in ax.collections for x, _ in offsets(c)]
    assert max(points) == day("2017-01-01")  # on the day counts
    assert len(points) == 3
    assert "WhatsApp" not in legend_texts(ax)
    assert "Event Wire" not in note_text(ax) and "Example Blog" not in note_text(ax)


def test_rollout_timeline_kwargs_reach_the_points(mini, ax):
    charts.rollout_timeline(mini, alpha=0.3, ax=ax)
    assert len(ax.collections) == len(EVENT_POINTS)
    assert all(c.get_alpha() == 0.3 for c in ax.collections)


def test_rollout_timeline_draws_every_event_it_cites(tmp_path, ax):
    # 'Multiple regions' without a country list is valid data (the real data has four such
    # events); the chart lists the event's platform in its legend and its source in the note,
    # so the event itself must be drawn too.
    sources = [*BASE["sources"], ("src-c", "Event Wire", "C", "2019-03-01", "https://example.org/c", "en", "")]
    rollouts = [("2019-03-01", "Telegram", "Ads in several markets", "launch", "Telegram ads", "3",
                 "Multiple regions", "", "src-c", "")]
    ds = make_dataset(tmp_path / "data", sources=sources, rollouts=rollouts)
    charts.rollout_timeline(ds, ax=ax)
    assert "Telegram" in legend_texts(ax) and "Event Wire" in note_text(ax)
    assert sum(len(c.get_offsets()) for c in ax.collections) >= 1


@pytest.mark.parametrize("kwargs, match", [
    ({"platforms": "Bogus"}, "Bogus"),
    ({"platforms": "Telegram"}, "Telegram"),  # no events
    ({"platforms": []}, "no platform selected"),
    ({"kinds": "rumour"}, "rumour"),
    ({"kinds": []}, "no kind selected"),
    ({"as_of": "2000-01-01"}, "2000-01-01"),
    ({"as_of": "2030-01-01"}, "2030-01-01"),
    ({"as_of": "soon"}, "soon"),
])
def test_rollout_timeline_bad_input(mini, ax, kwargs, match):
    with pytest.raises(ValueError, match=match):
        charts.rollout_timeline(mini, ax=ax, **kwargs)


# --- regional_comparison ---------------------------------------------------------------------


def test_regional_comparison_bars(mini, ax):
    charts.regional_comparison(mini, "users", ax=ax)
    bars = patches(ax, "bars")
    assert len(bars) == len(ax.patches) == 2  # India's 2017 figure gives way to its 2019 one
    assert [b.get_width() for b in bars] == [400, 120]
    assert [b.get_y() + b.get_height() / 2 for b in bars] == [pytest.approx(0), pytest.approx(1)]
    assert hexes(b.get_facecolor() for b in bars) == [to_hex(C["WhatsApp"])] * 2
    assert tick_texts(ax.get_yticklabels()) == ["India (2019)", "Brazil (2018)"]  # one platform: in the title
    assert other_texts(ax) == ["400M", "120M"]
    assert ax.get_xlabel() == "users (millions)"
    assert ax.get_title() == "Users: WhatsApp"
    assert ax.get_legend() is None
    assert note_text(ax) == "Sources: Example News 2017; Example Blog 2018"


def test_regional_comparison_one_platform(mini, ax):
    charts.regional_comparison(mini, "users", platform="WhatsApp", ax=ax)
    assert tick_texts(ax.get_yticklabels()) == ["India (2019)", "Brazil (2018)"]
    assert ax.get_title() == "Users: WhatsApp"


def test_regional_comparison_region_and_year(mini, ax):
    charts.regional_comparison(mini, "users", region="Latin America", ax=ax)
    assert tick_texts(ax.get_yticklabels()) == ["Brazil (2018)"]
    assert note_text(ax) == "Sources: Example Blog 2018"
    ax.clear()
    charts.regional_comparison(mini, "users", year=2017, ax=ax)
    assert [b.get_width() for b in patches(ax, "bars")] == [200]
    assert tick_texts(ax.get_yticklabels()) == ["India (2017)"]
    assert "Example News" not in note_text(ax)


def test_regional_comparison_figure_about_no_platform(mini, ax):
    charts.regional_comparison(mini, "enterprises_with_profile", ax=ax)
    bar = only(patches(ax, "bars"))
    assert to_hex(bar.get_facecolor()) == to_hex(style.NO_PLATFORM_COLOR)
    assert tick_texts(ax.get_yticklabels()) == ["Brazil (2021)"]
    assert other_texts(ax) == ["72%"]
    assert ax.get_xlabel() == "share of companies with a profile (percent)"  # the label from metrics.csv
    assert ax.get_title() == "Share of companies with a profile"


def test_regional_comparison_region_wide_figure(mini, ax):
    charts.regional_comparison(mini, "business_users", ax=ax)
    assert ax.get_xlabel() == "business users (millions)"
    assert tick_texts(ax.get_yticklabels()) == ["Brazil (2020)", "Europe (2020)"]
    assert other_texts(ax) == ["30M", "15M"]


def test_regional_comparison_kwargs_reach_the_bars(mini, ax):
    charts.regional_comparison(mini, "users", alpha=0.3, ax=ax)
    assert len(ax.patches) == 2
    assert all(p.get_alpha() == 0.3 for p in ax.patches)


@pytest.mark.parametrize("metric, kwargs, match", [
    ("downloads", {}, "downloads"),
    ("users", {"platform": "Bogus"}, "Bogus"),
    ("users", {"platform": "Telegram"}, "Telegram"),
    ("users", {"region": "Mars"}, "Mars"),
    ("users", {"region": "Europe"}, "Europe"),  # valid region, no figures
    ("users", {"year": 1990}, "1990"),
])
def test_regional_comparison_bad_input(mini, ax, metric, kwargs, match):
    with pytest.raises(ValueError, match=match):
        charts.regional_comparison(mini, metric, ax=ax, **kwargs)


# --- peer_comparison -------------------------------------------------------------------------

PEER_ORDER = ["Instagram", "Messenger", "WhatsApp", "Telegram"]  # Meta by years to stage 3, then peers


def test_peer_comparison_paths(mini, ax):
    charts.peer_comparison(mini, ax=ax)
    assert [line.get_gid() for line in ax.lines] == [f"path-{p}" for p in PEER_ORDER]
    reach = {"Instagram": 3.8, "Messenger": 6.0, "WhatsApp": 9.0}  # WhatsApp: to stage 2
    for y, platform in enumerate(PEER_ORDER):
        line = only(lines(ax, f"path-{platform}"))
        assert to_hex(line.get_color()) == to_hex(C[platform])
        assert list(line.get_ydata()) == [y, y]
        xs = list(np.asarray(line.get_xdata(), dtype=float))
        assert xs[0] == 0
        if platform in reach:
            assert xs[1] == pytest.approx(reach[platform])
        else:
            assert np.isnan(xs[1])  # Telegram never left stage 1


def test_peer_comparison_stage_markers(mini, ax):
    charts.peer_comparison(mini, ax=ax)
    hollow = collections(ax, "stage-2")
    filled = collections(ax, "stage-3")
    assert [offsets(c)[0] for c in hollow[:3]] == [(3.4, 0.0), (4.0, 1.0), (9.0, 2.0)]
    assert len(hollow) == 4 and np.isnan(offsets(hollow[3])[0][0])
    for c, platform in zip(hollow, PEER_ORDER):
        assert hexes(c.get_facecolor()) == ["#ffffff"]
        assert hexes(c.get_edgecolor()) == [to_hex(C[platform])]
    assert [offsets(c)[0] for c in filled] == [(3.8, 0.0), (6.0, 1.0)]
    assert [hexes(c.get_facecolor()) for c in filled] == [[to_hex(C["Instagram"])], [to_hex(C["Messenger"])]]
    assert other_texts(ax) == ["3.8 y", "6 y"]


def test_peer_comparison_ticks_legend_title(mini, ax):
    charts.peer_comparison(mini, ax=ax)
    labels = ax.get_yticklabels()
    assert tick_texts(labels) == PEER_ORDER
    assert hexes(t.get_color() for t in labels) == [to_hex(C[p]) for p in PEER_ORDER]
    assert legend_texts(ax) == ["stage 2: business tools", "stage 3: paid tools"]
    assert ax.get_xlabel() == "Years after launch"
    # no company name: a chart dated before October 2021 would call Facebook's apps Meta's
    assert ax.get_title() == "From launch to business tools and to paid tools, platform by platform"
    assert note_text(ax) == "Sources: Example News 2017; Example Blog 2018"


def test_peer_comparison_orders_by_years_to_paid_tools_peers_last(tmp_path, ax):
    stages = [
        ("Instagram", "1", "2010-01-01", "Launch.", "src-a"),
        ("Instagram", "2", "2013-06-01", "Brands.", "src-a"),   # 3.4 y, then 3.8 y
        ("Instagram", "3", "2013-11-01", "Ads.", "src-a"),
        ("Messenger", "1", "2011-01-01", "Launch.", "src-a"),
        ("Messenger", "2", "2012-01-01", "Bots.", "src-a"),     # 1.0 y, then 8.0 y
        ("Messenger", "3", "2019-01-01", "Ads.", "src-a"),
        ("WhatsApp", "1", "2009-01-01", "Launch.", "src-b"),
        ("WhatsApp", "2", "2018-01-01", "Business app.", "src-b"),  # 9.0 y, then 9.1 y
        ("WhatsApp", "3", "2018-02-01", "Ads.", "src-b"),
        ("Telegram", "1", "2013-01-01", "Launch.", "src-b"),
        ("Telegram", "2", "2015-01-01", "Channels.", "src-b"),  # a peer, quickest to paid tools
        ("Telegram", "3", "2016-01-01", "Ads.", "src-b"),
    ]
    ds = make_dataset(tmp_path / "data", stages=stages)
    charts.peer_comparison(ds, ax=ax)
    assert tick_texts(ax.get_yticklabels()) == ["Instagram", "Messenger", "WhatsApp", "Telegram"]
    assert [offsets(c)[0] for c in collections(ax, "stage-3")] == [
        (3.8, 0.0), (8.0, 1.0), (9.1, 2.0), (3.0, 3.0)]


def test_peer_comparison_as_of(mini, ax):
    charts.peer_comparison(mini, as_of="2014-01-01", ax=ax)
    assert tick_texts(ax.get_yticklabels())[0] == "Instagram"
    assert tick_texts(ax.get_yticklabels())[-1] == "Telegram"
    assert [offsets(c)[0] for c in collections(ax, "stage-3")] == [(3.8, 0.0)]
    assert other_texts(ax) == ["3.8 y"]
    messenger = only(lines(ax, "path-Messenger"))
    assert np.isnan(float(messenger.get_xdata()[1]))  # its stage 2 came in 2015


def test_peer_comparison_selection_and_note(mini, ax):
    charts.peer_comparison(mini, platforms="Messenger", ax=ax)
    assert [line.get_gid() for line in ax.lines] == ["path-Messenger"]
    assert tick_texts(ax.get_yticklabels()) == ["Messenger"]
    assert note_text(ax) == "Sources: Example News 2017"


def test_peer_comparison_cites_the_launch_date_source(tmp_path, ax):
    # the years plotted run from the launch date in platforms.csv, so its source is cited
    sources = [*BASE["sources"], ("src-l", "Launch Weekly", "L", "2010-01-02", "https://example.org/l", "en", "")]
    platforms = [(*row[:5], "src-l" if row[0] == "Instagram" else row[5], row[6])
                 for row in BASE["platforms"]]
    ds = make_dataset(tmp_path / "data", sources=sources, platforms=platforms)
    charts.peer_comparison(ds, platforms="Instagram", ax=ax)
    assert "Launch Weekly" in note_text(ax)


def test_peer_comparison_kwargs_reach_the_lines(mini, ax):
    charts.peer_comparison(mini, alpha=0.3, ax=ax)
    drawn = [line for line in ax.lines if str(line.get_gid()).startswith("path-")]
    assert len(drawn) == 4
    assert all(line.get_alpha() == 0.3 for line in drawn)


def test_peer_comparison_other_kwargs_reach_the_lines(mini, ax):
    charts.peer_comparison(mini, linestyle=":", ax=ax)
    assert [line.get_linestyle() for line in ax.lines] == [":"] * 4


@pytest.mark.parametrize("kwargs, match", [
    ({"platforms": "Bogus"}, "Bogus"),
    ({"platforms": ["Messenger", "Snapchat"]}, "Snapchat"),
    ({"platforms": []}, "no platform selected"),
    ({"as_of": "2000-01-01"}, "2000-01-01"),
    ({"as_of": "2030-01-01"}, "2030-01-01"),
    ({"as_of": "yesterday-ish"}, "yesterday-ish"),
])
def test_peer_comparison_bad_input(mini, ax, kwargs, match):
    with pytest.raises(ValueError, match=match):
        charts.peer_comparison(mini, ax=ax, **kwargs)
