"""The look of every chart: one colour per platform, stage colours, number and date formats, source notes."""

from __future__ import annotations

import contextlib
import functools
import textwrap
import warnings

import matplotlib as mpl
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path
from matplotlib.ticker import FuncFormatter

from .formats import amount, quarter, when
from .labels import label

PLATFORM_COLORS = {
    "Facebook": "#1877F2",
    "Instagram": "#C13584",
    "Messenger": "#8E44AD",
    "WhatsApp": "#25D366",
    "Threads": "#000000",
    "WeChat": "#1B5E20",
    "LINE": "#7CB342",
    "KakaoTalk": "#6D4C41",
    "Viber": "#E64A19",
    "Snapchat": "#E6B800",
    "iMessage": "#7F8C8D",
    "Telegram": "#229ED9",
}
NO_PLATFORM_COLOR = "#9E9E9E"  # figures about messaging apps in general
STAGE_COLORS = {1: "#D7DEE2", 2: "#7FB8C9", 3: "#1F5F7A"}
KIND_MARKERS = {"announcement": "D", "test": "o", "launch": "^", "expansion": "s", "shelved": "X"}
SOURCE_NOTE_GID = "source-note"


# Fonts for the names in the data that DejaVu Sans cannot draw (Japanese publishers, say), in the
# order they are tried; the theme lists the ones installed (Linux, macOS, Windows) after it.
CJK_FONTS = ["Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", "IPAexGothic", "IPAGothic",
             "TakaoGothic", "WenQuanYi Zen Hei", "Droid Sans Fallback", "Hiragino Sans", "PingFang SC",
             "Apple SD Gothic Neo", "Yu Gothic", "Meiryo", "Microsoft YaHei", "Malgun Gothic"]
_HOUSE_RC = {  # on top of seaborn's theme
    "figure.figsize": (10, 5),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "savefig.bbox": "tight",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E6E6E6",
    "axes.titleweight": "bold",
    "axes.titlesize": 13,
    "axes.titlelocation": "left",
    "font.size": 10,
    "font.sans-serif": ["DejaVu Sans"],  # matplotlib's own font: the same charts on every machine
    "legend.frameon": False,
    "svg.hashsalt": "analysis",
}


def theme_rc() -> dict:
    """The project's chart theme as matplotlib settings, without applying them.

    seaborn's "whitegrid" style and "notebook" context (fonts scaled to 10 points), with the
    house's figure size, title, grid colour and fonts on top: DejaVu Sans, then the fonts of
    ``CJK_FONTS`` installed here for the characters it lacks.

    Returns
    -------
    dict
        rcParams names and values, for ``matplotlib.rc_context`` or ``rcParams.update``.
    """
    import seaborn as sns  # here, not at the top: the number and date formats need no seaborn

    context = sns.plotting_context("notebook", font_scale=10 / 12)
    # Only installed fonts: matplotlib warns of a missing family at every text it draws.
    fallback = [name for name in CJK_FONTS if name in _installed_fonts()]
    return {**sns.axes_style("whitegrid"), **context, **_HOUSE_RC, "font.family": ["sans-serif", *fallback]}


@functools.cache
def _installed_fonts() -> frozenset:
    from matplotlib import font_manager

    return frozenset(font.name for font in font_manager.fontManager.ttflist)


def use_theme():
    """Apply the project's chart theme to matplotlib for the rest of the session (a notebook's setup
    cell); ``theme()`` applies it to a block of code only."""
    mpl.rcParams.update(theme_rc())


@contextlib.contextmanager
def theme():
    """The project's chart theme inside a ``with`` block; matplotlib's settings are restored after it.

    Figures and Axes take the theme when they are made, so make them inside the block::

        with style.theme():
            fig, ax = plt.subplots()
            charts.user_growth(ds, ax=ax)
    """
    with mpl.rc_context(theme_rc()):
        yield


def platform_color(platform) -> str:
    """The fixed colour of a platform (grey where the figure is about no single platform)."""
    return PLATFORM_COLORS.get(str(platform), NO_PLATFORM_COLOR) if pd.notna(platform) else NO_PLATFORM_COLOR


def format_users(millions: float, *, suffix: str = " users", short: bool = False) -> str:
    """1200 -> '1.2 billion users', 850 -> '850 million users'; ``short``: '1.2B', '850M'."""
    return "not reported" if pd.isna(millions) else amount(millions, "millions", short=short) + suffix


format_value = amount  # a figure with its unit: '84 %', '120 million', '$10.6 billion'
format_date = when  # '2 Nov 2016'
format_quarter = quarter  # 'Q3 2025'


def users_axis(ax, axis: str = "y", lang: str = "en"):
    """Label an axis of user counts in millions as '500M', '1.5B' (German '500 Mio.', '1,5 Mrd.')."""
    formatter = FuncFormatter(lambda value, _: amount(value, "millions", lang, short=True) if value > 0 else "0")
    getattr(ax, f"{axis}axis").set_major_formatter(formatter)


def year_axis(ax, axis: str = "x"):
    """Label a date axis with plain years."""
    target = getattr(ax, f"{axis}axis")
    target.set_major_locator(mdates.YearLocator(base=_year_step(ax, axis)))
    target.set_major_formatter(mdates.DateFormatter("%Y"))


def _year_step(ax, axis: str) -> int:
    low, high = ax.get_xlim() if axis == "x" else ax.get_ylim()
    years = (high - low) / 365.25
    return 1 if years <= 8 else 2 if years <= 20 else 5


def source_note(ds, source_ids, *, limit: int = 4, lang: str = "en") -> str:
    """'Sources: Reuters 2016; TechCrunch 2017; ...; and 3 more' (or in German).

    Built from ``sources.csv`` for the ids a chart actually shows: the most cited publishers
    first, each with the year of its earliest publication cited.
    """
    ids = pd.unique(pd.Series(list(source_ids), dtype="string").dropna())
    if len(ids) == 0:
        raise ValueError("a chart needs at least one source id for its source note")
    known = set(ds.sources["source_id"])
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValueError(f"unknown source_id {unknown[0]!r}; it is not in sources.csv")
    table = ds.sources.set_index("source_id").loc[list(ids)]
    cited, first_year = {}, {}  # per publisher: sources cited, year of the earliest
    for publisher, published in zip(table["publisher"], table["published"]):
        year = label("chart:undated", lang) if pd.isna(published) else str(published.year)
        cited[publisher] = cited.get(publisher, 0) + 1
        first_year[publisher] = min(first_year.get(publisher, year), year)  # a year sorts before "n.d." and "o. J."
    ranked = sorted(sorted(cited), key=lambda publisher: (-cited[publisher], first_year[publisher]))
    labels = [f"{publisher} {first_year[publisher]}" for publisher in ranked]
    text = label("chart:sources", lang, sources="; ".join(labels[:limit]))
    if len(labels) > limit:
        text = label("chart:more_sources", lang, text=text, count=len(labels) - limit)
    return text


SOURCE_NOTE_SIZE = 7.5  # points


def literal(texts):
    """Draw matplotlib ``texts`` as written: a ``$`` from the data is a dollar sign, not mathtext.

    Returns
    -------
    the same texts
    """
    for text in texts:
        text.set_parse_math(False)
    return texts


def add_source_note(ax, text: str):
    """Write a source note under the axes, in lines that end at the figure's right edge;
    it is found again by its gid, 'source-note'. It is drawn as written: publishers' names are
    not mathtext."""
    below = -42 if ax.get_xlabel() else -28  # clear of the tick labels and the axis label
    note = ax.annotate(_wrap_to_figure(ax, text), xy=(0, 0), xycoords="axes fraction", xytext=(0, below),
                       textcoords="offset points", ha="left", va="top", fontsize=SOURCE_NOTE_SIZE,
                       color="#555555", annotation_clip=False, parse_math=False)
    note.set_gid(SOURCE_NOTE_GID)
    return note


def _wrap_to_figure(ax, text: str) -> str:
    """``text`` broken into lines that fit between the axes' left edge and the figure's right edge.

    The whole text is measured once. (matplotlib's own ``wrap=True`` measures every prefix of
    every line, again at every draw: a tenth of the time a chart takes to render.)
    """
    room = (1 - ax.get_position().x0) * ax.figure.get_figwidth() * 72  # points
    with warnings.catch_warnings():  # a glyph the font lacks is reported when the note is drawn
        warnings.filterwarnings("ignore", "Glyph .* missing", UserWarning)
        width, _, _ = text_to_path.get_text_width_height_descent(
            text, FontProperties(size=SOURCE_NOTE_SIZE), ismath=False)
    if width <= room:
        return text
    return textwrap.fill(text, width=max(int(len(text) * room / width), 20), break_on_hyphens=False)


def find_source_note(ax):
    """The source note annotation of an Axes, or None."""
    return next((t for t in ax.texts if t.get_gid() == SOURCE_NOTE_GID), None)
