"""style: colours, number and date formats, axis formatters and source notes."""

import datetime as dt
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from factory import BASE, make_dataset  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from analysis import style  # noqa: E402
from analysis.schema import PLATFORMS  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- format_users ----------------------------------------------------------------------------


@pytest.mark.parametrize("millions, expected", [
    (1200, "1.2 billion users"),
    (850, "850 million users"),
    (4.7, "4.7 million users"),
    (1000, "1 billion users"),
    (1234, "1.23 billion users"),
    (2000, "2 billion users"),
    (10, "10 million users"),
    (12.4, "12 million users"),
    (5, "5 million users"),
    (0.5, "500 thousand users"),
])
def test_format_users(millions, expected):
    assert style.format_users(millions) == expected


@pytest.mark.parametrize("missing", [np.nan, None, pd.NA, float("nan")])
def test_format_users_missing_is_not_reported(missing):
    assert style.format_users(missing) == "not reported"


def test_format_users_suffix():
    assert style.format_users(850, suffix="") == "850 million"
    assert style.format_users(1234, suffix="", short=True) == "1.23B"
    assert style.format_users(1500, suffix=" MAU") == "1.5 billion MAU"


def test_format_users_just_under_a_billion_rounds_to_billions():
    # 999.6 million rounds to 1000 million: it must read as a billion
    assert style.format_users(999.6) == "1 billion users"


# --- format_value ----------------------------------------------------------------------------


@pytest.mark.parametrize("value, unit, expected", [
    (84, "percent", "84%"),
    (12.5, "percent", "12.5%"),
    (120, "millions", "120 million"),
    (1500, "millions", "1.5 billion"),
    (4.7, "millions", "4.7 million"),
    (10.6, "usd_billions", "$10.6 billion"),
    (3, "usd_billions", "$3 billion"),
    (7, "stores", "7 stores"),
])
def test_format_value_per_unit(value, unit, expected):
    assert style.format_value(value, unit) == expected


# --- format_date -----------------------------------------------------------------------------


@pytest.mark.parametrize("date, expected", [
    ("2016-11-02", "2 Nov 2016"),
    (pd.Timestamp("2020-01-31"), "31 Jan 2020"),
    (dt.date(2009, 2, 24), "24 Feb 2009"),
    (dt.datetime(2021, 12, 5, 14, 30), "5 Dec 2021"),
])
def test_format_date(date, expected):
    assert style.format_date(date) == expected


# --- colours ---------------------------------------------------------------------------------


def test_platform_color_known_platform():
    assert style.platform_color("WhatsApp") == "#25D366"
    assert style.platform_color("Messenger") == style.PLATFORM_COLORS["Messenger"]


def test_platform_color_of_categorical_value():
    value = pd.Categorical(["Telegram"], categories=list(PLATFORMS))[0]
    assert style.platform_color(value) == style.PLATFORM_COLORS["Telegram"]


@pytest.mark.parametrize("value", [None, np.nan, pd.NA, "Unknown app"])
def test_platform_color_falls_back_to_grey(value):
    assert style.platform_color(value) == style.NO_PLATFORM_COLOR


def test_every_platform_has_its_own_colour():
    colours = [style.PLATFORM_COLORS[p] for p in PLATFORMS]
    normalized = {to_hex(c) for c in colours}
    assert len(normalized) == len(PLATFORMS)
    assert to_hex(style.NO_PLATFORM_COLOR) not in normalized
    assert set(style.PLATFORM_COLORS) == set(PLATFORMS)


def test_stage_colours_are_distinct_and_cover_every_stage():
    assert set(style.STAGE_COLORS) == {1, 2, 3}
    assert len({to_hex(c) for c in style.STAGE_COLORS.values()}) == 3


# --- axes helpers ----------------------------------------------------------------------------


def test_users_axis_formats_millions():
    _, ax = plt.subplots()
    style.users_axis(ax)
    formatter = ax.yaxis.get_major_formatter()
    assert formatter(500, 0) == "500M"
    assert formatter(1500, 0) == "1.5B"
    assert formatter(2.5, 0) == "2.5M"
    assert formatter(0, 0) == "0"
    assert formatter(-100, 0) == "0"


def test_users_axis_on_x_leaves_y_alone():
    _, ax = plt.subplots()
    before = ax.yaxis.get_major_formatter()
    style.users_axis(ax, "x")
    assert ax.xaxis.get_major_formatter()(1000, 0) == "1B"
    assert ax.yaxis.get_major_formatter() is before


@pytest.mark.parametrize("start, end, step", [
    ("2014-01-01", "2019-01-01", 1),
    ("2005-01-01", "2020-01-01", 2),
    ("1990-01-01", "2020-01-01", 5),
])
def test_year_axis_labels_plain_years(start, end, step):
    _, ax = plt.subplots()
    ax.plot(pd.to_datetime([start, end]), [0, 1])
    ax.set_xlim(pd.Timestamp(start), pd.Timestamp(end))
    style.year_axis(ax)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(label.isdigit() and len(label) == 4 for label in labels)
    years = [int(label) for label in labels]
    assert all(b - a == step for a, b in zip(years, years[1:]))


def test_use_theme_sets_rcparams():
    with mpl.rc_context():
        style.use_theme()
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["axes.titlelocation"] == "left"
        assert mpl.rcParams["legend.frameon"] is False


def test_the_theme_is_seaborns_whitegrid_with_the_house_settings_on_top():
    import seaborn as sns

    rc = style.theme_rc()
    whitegrid = sns.axes_style("whitegrid")
    for name in ("axes.edgecolor", "axes.facecolor", "text.color", "xtick.bottom", "patch.force_edgecolor"):
        assert rc[name] == whitegrid[name], name
    assert rc["axes.linewidth"] == sns.plotting_context("notebook")["axes.linewidth"]
    assert rc["font.size"] == 10 and rc["axes.titlesize"] == 13 and rc["grid.color"] == "#E6E6E6"
    assert rc["axes.spines.top"] is False and rc["axes.titlelocation"] == "left"
    assert rc["font.sans-serif"] == ["DejaVu Sans"]  # matplotlib's own font: charts alike on every machine


def test_the_theme_falls_back_to_the_installed_fonts_of_the_list(monkeypatch):
    # DejaVu Serif comes with matplotlib; the other is installed nowhere
    monkeypatch.setattr(style, "CJK_FONTS", ["No Such Font JP", "DejaVu Serif"])
    assert style.theme_rc()["font.family"] == ["sans-serif", "DejaVu Serif"]


def test_a_chart_text_under_the_theme_names_no_missing_font(caplog):
    with style.theme():
        figure, ax = plt.subplots()
        ax.set_title("Business Media \u8aa0 (ITmedia)")
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Glyph .* missing", UserWarning)  # where no font has it
            figure.canvas.draw()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("matplotlib")] == []


def _settings():
    return {name: repr(value) for name, value in mpl.rcParams.items()}


def test_theme_rc_applies_nothing():
    with mpl.rc_context():
        mpl.rcdefaults()  # whatever ran before, start from matplotlib's own settings
        before = _settings()
        style.theme_rc()
        assert _settings() == before


def test_theme_applies_inside_the_block_only():
    before = _settings()
    with style.theme():
        assert mpl.rcParams["axes.edgecolor"] == style.theme_rc()["axes.edgecolor"]
        assert mpl.rcParams["axes.titlelocation"] == "left"
        _, ax = plt.subplots()
        assert ax.title.get_fontsize() == 13 and not ax.spines["top"].get_visible()
    assert _settings() == before
    _, later = plt.subplots()
    assert later.spines["top"].get_visible() == before["axes.spines.top"].startswith("True")


def test_theme_restores_the_settings_after_an_error():
    before = _settings()
    with pytest.raises(RuntimeError), style.theme():
        raise RuntimeError("a chart failed")
    assert _settings() == before


# --- source notes ----------------------------------------------------------------------------

SOURCES = [
    *BASE["sources"],
    ("alpha-2019", "Alpha Times", "A1", "2019-03-01", "https://example.org/1", "en", ""),
    ("alpha-2015", "Alpha Times", "A2", "2015-05-01", "https://example.org/2", "en", ""),
    ("beta-2010", "Beta Daily", "B", "2010-01-01", "https://example.org/3", "en", ""),
    ("gamma-2012", "Gamma Wire", "G", "2012-01-01", "https://example.org/4", "en", ""),
    ("delta-nd", "Delta Post", "D", "", "https://example.org/5", "en", ""),
    ("eps-2020", "Epsilon Blog", "E", "2020-01-01", "https://example.org/6", "en", ""),
    ("gamma-2016", "Gamma Wire", "G2", "2016-01-01", "https://example.org/7", "en", ""),
    ("gamma-2018", "Gamma Wire", "G3", "2018-01-01", "https://example.org/8", "en", ""),
]


@pytest.fixture(scope="module")
def notes_ds(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("style") / "data", sources=SOURCES)


def test_source_note_single_source(notes_ds):
    assert style.source_note(notes_ds, ["src-a"]) == "Sources: Example News 2017"


def test_source_note_most_cited_publisher_first_then_earliest_year(notes_ds):
    ids = ["eps-2020", "beta-2010", "alpha-2019", "alpha-2015"]
    assert style.source_note(notes_ds, ids) == (
        "Sources: Alpha Times 2015; Beta Daily 2010; Epsilon Blog 2020")


def test_source_note_counts_sources_per_publisher(notes_ds):
    ids = ["alpha-2019", "alpha-2015", "gamma-2012", "gamma-2016", "gamma-2018", "beta-2010"]
    note = style.source_note(notes_ds, ids)
    assert note == "Sources: Gamma Wire 2012; Alpha Times 2015; Beta Daily 2010"


def test_source_note_repeated_ids_counted_once(notes_ds):
    note = style.source_note(notes_ds, ["src-a", "src-a", "src-a", "src-b"])
    assert note.count("Example News") == 1
    assert note == "Sources: Example News 2017; Example Blog 2018"


def test_source_note_undated_source(notes_ds):
    assert style.source_note(notes_ds, ["delta-nd"]) == "Sources: Delta Post n.d."


def test_source_note_limit_and_more(notes_ds):
    ids = ["src-a", "src-b", "alpha-2015", "beta-2010", "gamma-2012", "delta-nd", "eps-2020"]
    note = style.source_note(notes_ds, ids)
    assert note.startswith("Sources: ")
    assert note.endswith("; and 3 more")
    assert note.count(";") == 4  # four publishers, then "and 3 more"
    shorter = style.source_note(notes_ds, ids, limit=2)
    assert shorter.endswith("; and 5 more")
    assert shorter.count(";") == 2


def test_source_note_exactly_at_limit_has_no_more(notes_ds):
    note = style.source_note(notes_ds, ["src-a", "src-b", "beta-2010", "gamma-2012"])
    assert "more" not in note
    assert note.count(";") == 3


def test_source_note_ignores_missing_ids(notes_ds):
    note = style.source_note(notes_ds, pd.Series(["src-a", None, pd.NA], dtype="string"))
    assert note == "Sources: Example News 2017"


@pytest.mark.parametrize("ids", [[], [None], pd.Series([], dtype="string")])
def test_source_note_needs_an_id(notes_ds, ids):
    with pytest.raises(ValueError, match="at least one source id"):
        style.source_note(notes_ds, ids)


def test_source_note_unknown_id_raises(notes_ds):
    with pytest.raises((KeyError, ValueError), match="no-such-source"):
        style.source_note(notes_ds, ["src-a", "no-such-source"])


def test_add_and_find_source_note_round_trip():
    _, (ax, other) = plt.subplots(1, 2)
    assert style.find_source_note(ax) is None
    ax.set_title("A title")
    ax.annotate("not a note", (0.5, 0.5))
    note = style.add_source_note(ax, "Sources: Example News 2017")
    assert note.get_gid() == style.SOURCE_NOTE_GID == "source-note"
    found = style.find_source_note(ax)
    assert found is note
    assert found.get_text() == "Sources: Example News 2017"
    assert style.find_source_note(other) is None


def test_a_long_source_note_is_broken_into_lines_that_end_inside_the_figure():
    figure, ax = plt.subplots(figsize=(4, 3))
    text = "Sources: " + "; ".join(f"Publisher number {n} 2017" for n in range(8)) + ""
    note = style.add_source_note(ax, text)
    lines = note.get_text().split("\n")
    assert len(lines) > 1 and " ".join(lines) == text
    renderer = figure.canvas.get_renderer()
    note.draw(renderer)
    assert note.get_window_extent(renderer).x1 <= figure.bbox.x1
    assert ax.get_window_extent(renderer).x0 == pytest.approx(note.get_window_extent(renderer).x0, abs=1)


def test_a_short_source_note_stays_on_one_line():
    _, ax = plt.subplots(figsize=(10, 4))
    text = "Sources: Reuters 2016; TechCrunch 2017; The Verge 2018; Bloomberg 2019; and 12 more"
    assert style.add_source_note(ax, text).get_text() == text


def test_source_note_sits_below_the_axes_and_clears_an_axis_label():
    _, (bare, labelled) = plt.subplots(1, 2)
    labelled.set_xlabel("Years")
    low = style.add_source_note(labelled, "x")
    high = style.add_source_note(bare, "x")
    assert high.xyann[1] < 0 and low.xyann[1] < high.xyann[1]
    assert low.xycoords == "axes fraction"


# --- text from the data is drawn as written ---------------------------------------------------


def test_literal_turns_mathtext_off():
    _, ax = plt.subplots()
    texts = [ax.text(0, 0, "$x$"), ax.text(0, 1, "plain")]
    assert style.literal(texts) is texts
    assert [t.get_parse_math() for t in texts] == [False, False]


@pytest.fixture(scope="module")
def dollar_ds(tmp_path_factory):
    sources = [*BASE["sources"], ("src-d", "Cost $5$ Media", "D", "2019-01-01", "https://example.org/d", "en", "")]
    return make_dataset(tmp_path_factory.mktemp("dollar") / "data", sources=sources)


def test_a_dollar_sign_in_a_publisher_is_drawn_as_a_dollar_sign(dollar_ds):
    figure, ax = plt.subplots()
    note = style.add_source_note(ax, style.source_note(dollar_ds, ["src-d"]))
    assert note.get_text() == "Sources: Cost $5$ Media 2019"
    assert note.get_parse_math() is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure.canvas.draw()
    # drawn as plain text: as wide as the text with its dollar signs, not as the mathtext "5"
    renderer = figure.canvas.get_renderer()
    width = note.get_window_extent(renderer).width
    plain, _, _ = renderer.get_text_width_height_descent(note.get_text(), note.get_fontproperties(), ismath=False)
    as_math, _, _ = renderer.get_text_width_height_descent(note.get_text(), note.get_fontproperties(), ismath=True)
    assert abs(plain - as_math) > 1  # the two readings differ...
    assert width == pytest.approx(plain, abs=0.5)  # ...and the note is drawn as plain text
