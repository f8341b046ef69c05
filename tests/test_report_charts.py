"""Briefing charts: drawn once for the same inputs, again when the data or the settings change."""

import fcntl
import json
import subprocess
import sys
import threading
import time

import matplotlib as mpl
import numpy as np
import pytest

import analysis
from analysis import growth, report, style
from factory import make_dataset


@pytest.fixture
def mini(tmp_path):
    """The miniature dataset, loaded afresh for each test (some tests change it)."""
    return make_dataset(tmp_path / "data")


@pytest.fixture(autouse=True)
def no_kept_charts(monkeypatch):
    monkeypatch.setattr(report, "_CHARTS", {})
    monkeypatch.setattr(report, "_SHARED", [])


def test_a_chart_is_a_png_with_a_text_alternative(mini):
    ds = mini
    chart = report.Briefing(ds, "Messenger").plot_peers()
    bundle = chart._repr_mimebundle_()
    assert chart.png.startswith(b"\x89PNG")
    assert bundle["text/plain"].startswith("Chart: From launch to business tools")
    assert "Sources:" in bundle["text/plain"]


def test_the_same_chart_is_drawn_once(mini):
    ds = mini
    first = report.Briefing(ds, "Messenger", "Europe").plot_stages()
    again = report.Briefing(ds, "Instagram", "Europe").plot_stages()
    other = report.Briefing(ds, "Instagram", "Asia-Pacific").plot_stages()
    assert again is first
    assert other is not first


def test_changed_data_or_settings_draw_the_chart_again(mini):
    ds = mini
    first = report.Briefing(ds, "Messenger").plot_peers()
    ds.platforms.loc[ds.platforms["platform"] == "Messenger", "launched"] -= np.timedelta64(365, "D")
    changed = report.Briefing(ds, "Messenger").plot_peers()
    assert changed.png != first.png
    with mpl.rc_context({"lines.linewidth": 7}):
        assert report.Briefing(ds, "Messenger").plot_peers() is not changed


def test_the_data_fingerprint_follows_the_content_not_the_process(mini, tmp_path):
    before = report._fingerprint(mini)
    report.Briefing(mini, "Messenger", "Europe").plot_stages()  # pandas may reorganise frames inside
    assert report._fingerprint(mini) == before
    assert report._fingerprint(analysis.load(tmp_path / "data")) == before
    other_process = subprocess.run(
        [sys.executable, "-c", "import sys, analysis; from analysis import report; "
                               "print(report._fingerprint(analysis.load(sys.argv[1])))", str(tmp_path / "data")],
        capture_output=True, text=True, check=True).stdout.strip()
    assert other_process == before
    mini.sources.loc[0, "publisher"] = "Another publisher"
    assert report._fingerprint(mini) != before


def test_workers_share_charts_through_the_folder(mini, tmp_path):
    ds = mini
    report.share_charts(tmp_path)
    drawn = report.Briefing(ds, "Messenger").plot_peers()
    assert len(list(tmp_path.glob("*.json"))) == 1
    report._CHARTS.clear()  # as in another process
    shared = report.Briefing(ds, "Messenger").plot_peers()
    assert shared is not drawn
    assert (shared.png, shared.alt) == (drawn.png, drawn.alt)


@pytest.fixture
def held_chart(mini, tmp_path, monkeypatch):
    """The peers chart's shared file and its lock, held as if another process were drawing it."""
    report.share_charts(tmp_path)
    report.Briefing(mini, "Messenger").plot_peers()
    (path,) = tmp_path.glob("*.json")
    stored = json.loads(path.read_text())
    path.unlink()
    report._CHARTS.clear()  # as in another process
    renders = []
    render = report.Briefing._render
    monkeypatch.setattr(report.Briefing, "_render", lambda *args: renders.append(args) or render(*args))
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield path, stored, lock, renders


def test_a_chart_another_process_is_drawing_is_waited_for(mini, held_chart):
    path, stored, lock, renders = held_chart

    def finish_drawing():
        time.sleep(0.3)
        path.write_text(json.dumps({**stored, "alt": "drawn by the other process"}))
        fcntl.flock(lock, fcntl.LOCK_UN)

    threading.Thread(target=finish_drawing).start()
    assert report.Briefing(mini, "Messenger").plot_peers().alt == "drawn by the other process"
    assert renders == []


def test_a_chart_whose_drawer_gave_up_is_drawn_here(mini, held_chart):
    path, stored, lock, renders = held_chart
    threading.Timer(0.2, fcntl.flock, (lock, fcntl.LOCK_UN)).start()  # released, nothing written
    chart = report.Briefing(mini, "Messenger").plot_peers()
    assert (chart.alt, len(renders)) == (stored["alt"], 1)
    assert json.loads(path.read_text())["alt"] == stored["alt"]


def test_a_chart_whose_drawer_hangs_is_drawn_here_after_the_wait(mini, held_chart, monkeypatch):
    path, stored, lock, renders = held_chart
    monkeypatch.setattr(report, "_SHARED_WAIT", 0.3)
    start = time.monotonic()
    chart = report.Briefing(mini, "Messenger").plot_peers()
    assert 0.3 <= time.monotonic() - start < 10
    assert (chart.alt, len(renders)) == (stored["alt"], 1)


def test_mau_on_gives_what_mau_at_gives(ds):
    platforms, dates, expected = [], [], []
    for platform in ds.platform_names:
        for date in ds.user_counts["date"].drop_duplicates().sort_values()[::7]:
            platforms.append(platform)
            dates.append(date)
            try:
                expected.append(growth.mau_at(ds, platform, date))
            except ValueError:
                expected.append(np.nan)
    np.testing.assert_array_equal(growth.mau_on(ds, platforms, dates), np.array(expected))


def test_the_theme_keeps_source_notes_findable(mini):
    ds = mini
    style.use_theme()
    alt = report.Briefing(ds, "Messenger").plot_users().alt
    assert alt.startswith("Chart: Monthly active users") and "Sources: Example News 2017" in alt
