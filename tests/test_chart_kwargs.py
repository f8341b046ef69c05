"""charts: ``**kwargs`` reach each chart's main artists and win over the chart's own settings."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from factory import make_dataset  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from analysis import charts  # noqa: E402


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("kwargs") / "data")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def gid_starts(prefix):
    return lambda artists: [a for a in artists if str(a.get_gid()).startswith(prefix)]


def every(artists):
    return list(artists)


def themselves(ax, artists):
    return artists


def containers(ax, artists):
    """A bar's label goes to its container, as in ``Axes.bar``."""
    return list(ax.containers)


# Per chart: its arguments, where its main artists are, and what carries their label.
CHARTS = [
    pytest.param(charts.stage_progression, {}, "patches", gid_starts("stage-"), containers, id="stage_progression"),
    pytest.param(charts.user_growth, {}, "lines", gid_starts("line-"), themselves, id="user_growth"),
    pytest.param(charts.users_at_stage_entry, {}, "patches", every, containers, id="users_at_stage_entry"),
    pytest.param(charts.rollout_timeline, {}, "collections", every, themselves, id="rollout_timeline"),
    pytest.param(charts.regional_comparison, {"metric": "users"}, "patches", every, containers,
                 id="regional_comparison"),
    pytest.param(charts.peer_comparison, {}, "lines", gid_starts("path-"), themselves, id="peer_comparison"),
]


def main_artists(ax, where, pick):
    artists = pick(getattr(ax, where))
    assert artists
    return artists


def colours(artist) -> set[str]:
    if isinstance(artist, Line2D):
        return {to_hex(artist.get_color())}
    return {to_hex(c) for c in np.atleast_2d(artist.get_facecolor())}


@pytest.mark.parametrize("name", ["color", "c"])
@pytest.mark.parametrize("draw, args, where, pick, _", CHARTS)
def test_color_paints_the_main_artists(mini, draw, args, where, pick, _, name):
    ax = draw(mini, **args, ax=plt.figure().gca(), **{name: "#123456"})
    assert all(colours(a) == {"#123456"} for a in main_artists(ax, where, pick))


@pytest.mark.parametrize("draw, args, where, pick, labelled", CHARTS)
def test_label_names_the_main_artists(mini, draw, args, where, pick, labelled):
    ax = draw(mini, **args, ax=plt.figure().gca(), label="mine")
    carriers = labelled(ax, main_artists(ax, where, pick))
    assert carriers
    assert [c.get_label() for c in carriers] == ["mine"] * len(carriers)


@pytest.mark.parametrize("draw, args, where, pick, _", CHARTS)
def test_zorder_lifts_the_main_artists(mini, draw, args, where, pick, _):
    ax = draw(mini, **args, ax=plt.figure().gca(), zorder=7)
    assert all(a.get_zorder() == 7 for a in main_artists(ax, where, pick))


@pytest.mark.parametrize("draw, args, where, pick, _", CHARTS)
def test_an_alias_wins_over_the_charts_own_setting(mini, draw, args, where, pick, _):
    ax = draw(mini, **args, ax=plt.figure().gca(), lw=4.5)  # most charts set a linewidth of their own
    for artist in main_artists(ax, where, pick):
        widths = artist.get_linewidth()
        assert set(np.atleast_1d(widths)) == {4.5}


@pytest.mark.parametrize("draw, args, where, pick, _", CHARTS)
def test_color_and_its_alias_together_are_refused(mini, draw, args, where, pick, _):
    ax = plt.figure().gca()
    with pytest.raises(TypeError, match="'c' and 'color'"):
        draw(mini, **args, ax=ax, c="red", color="blue")
    assert not ax.patches and not ax.lines and not ax.collections


def test_a_label_shows_in_the_legend(mini):
    ax = charts.user_growth(mini, platforms="Messenger", ax=plt.figure().gca(), label="Messenger, interpolated")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Messenger, interpolated"]


def test_an_edgecolor_wins_over_the_platform_edges(mini):
    ax = charts.users_at_stage_entry(mini, ax=plt.figure().gca(), ec="#654321")
    assert {to_hex(p.get_edgecolor()) for p in ax.patches} == {"#654321"}
