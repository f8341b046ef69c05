"""Briefing charts: drawn once for the same inputs, again when the data or the settings change."""

import errno
import fcntl
import json
import pickle
import subprocess
import sys
import threading
import time

import matplotlib as mpl
import numpy as np
import pytest

import analysis
from analysis import style
from analysis.briefing import chartcache
from analysis.briefing.chartcache import ChartCache, fingerprint
from analysis.briefing.content import Briefing
from factory import make_dataset


@pytest.fixture
def mini(tmp_path):
    """The miniature dataset, loaded afresh for each test (some tests change it)."""
    return make_dataset(tmp_path / "data")


@pytest.fixture
def cache():
    """A chart cache of the test's own, empty."""
    return ChartCache()


def test_the_oldest_chart_is_dropped_beyond_the_kept_number():
    cache = ChartCache(kept=2)
    charts = [cache.get((n,), lambda n=n: f"chart {n}") for n in range(3)]
    assert cache.get((2,), lambda: "drawn again") == charts[2]
    assert cache.get((1,), lambda: "drawn again") == charts[1]
    assert cache.get((0,), lambda: "drawn again") == "drawn again"


def test_a_kernel_rendering_a_briefing_loads_no_run_batch_or_command_code():
    from analysis.briefing.notebook import PRELOAD

    loaded = subprocess.run(
        [sys.executable, "-c", "import importlib, sys\n"
                               f"for name in {PRELOAD!r}: importlib.import_module(name)\n"
                               "print(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True, timeout=120).stdout.split()
    assert "analysis.briefing.content" in loaded
    unwanted = {"analysis.briefing.run", "analysis.briefing.batch", "analysis.briefing.cli",
                "analysis.briefing.kernel", "multiprocessing", "concurrent.futures.process", "papermill"}
    assert unwanted.isdisjoint(loaded)


def test_a_chart_is_a_png_with_a_text_alternative(mini, cache):
    ds = mini
    chart = Briefing(ds, "Messenger", cache=cache).plot_peers()
    bundle = chart._repr_mimebundle_()
    assert chart.png.startswith(b"\x89PNG")
    assert bundle["text/plain"].startswith("Chart: From launch to business tools")
    assert "Sources:" in bundle["text/plain"]


def test_the_same_chart_is_drawn_once(mini, cache):
    ds = mini
    first = Briefing(ds, "Messenger", "Europe", cache=cache).plot_stages()
    again = Briefing(ds, "Instagram", "Europe", cache=cache).plot_stages()
    other = Briefing(ds, "Instagram", "Asia-Pacific", cache=cache).plot_stages()
    assert again is first
    assert other is not first


def test_changed_data_or_settings_draw_the_chart_again(mini, cache):
    ds = mini
    first = Briefing(ds, "Messenger", cache=cache).plot_peers()
    ds.platforms.loc[ds.platforms["platform"] == "Messenger", "launched"] -= np.timedelta64(365, "D")
    changed = Briefing(ds, "Messenger", cache=cache).plot_peers()
    assert changed.png != first.png
    with mpl.rc_context({"lines.linewidth": 7}):
        assert Briefing(ds, "Messenger", cache=cache).plot_peers() is not changed


def test_the_data_fingerprint_follows_the_content_not_the_process(mini, tmp_path, cache):
    before = fingerprint(mini)
    Briefing(mini, "Messenger", "Europe", cache=cache).plot_stages()  # pandas may reorganise frames inside
    assert fingerprint(mini) == before
    assert fingerprint(analysis.load(tmp_path / "data")) == before
    other_process = subprocess.run(
        [sys.executable, "-c", "import sys, analysis; from analysis.briefing.chartcache import fingerprint; "
                               "print(fingerprint(analysis.load(sys.argv[1])))", str(tmp_path / "data")],
        capture_output=True, text=True, check=True).stdout.strip()
    assert other_process == before
    assert fingerprint(pickle.loads(pickle.dumps(mini))) == before  # as a kernel is handed it
    mini.sources.loc[0, "publisher"] = "Another publisher"
    assert fingerprint(mini) != before


def test_workers_share_charts_through_the_folder(mini, tmp_path, cache):
    ds = mini
    cache.share(tmp_path)
    drawn = Briefing(ds, "Messenger", cache=cache).plot_peers()
    assert len(list(tmp_path.glob("*.json"))) == 1
    cache.clear()  # as in another process
    shared = Briefing(ds, "Messenger", cache=cache).plot_peers()
    assert shared is not drawn
    assert (shared.png, shared.alt) == (drawn.png, drawn.alt)


def test_a_chart_that_cannot_be_shared_is_still_shown(mini, tmp_path, cache, monkeypatch):
    def full_disk(path, text):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(chartcache, "write_atomic", full_disk)
    cache.share(tmp_path)
    chart = Briefing(mini, "Messenger", cache=cache).plot_peers()
    assert chart.png.startswith(b"\x89PNG") and chart.alt.startswith("Chart: ")
    assert list(tmp_path.glob("*.json")) == []


@pytest.fixture
def held_chart(mini, tmp_path, monkeypatch, cache):
    """The peers chart's shared file and its lock, held as if another process were drawing it."""
    cache.share(tmp_path)
    Briefing(mini, "Messenger", cache=cache).plot_peers()
    (path,) = tmp_path.glob("*.json")
    stored = json.loads(path.read_text())
    path.unlink()
    cache.clear()  # as in another process
    renders = []
    render = Briefing._render
    monkeypatch.setattr(Briefing, "_render", lambda *args: renders.append(args) or render(*args))
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield path, stored, lock, renders


def test_a_chart_another_process_is_drawing_is_waited_for(mini, held_chart, cache):
    path, stored, lock, renders = held_chart

    def finish_drawing():
        time.sleep(0.3)
        path.write_text(json.dumps({**stored, "alt": "drawn by the other process"}))
        fcntl.flock(lock, fcntl.LOCK_UN)

    threading.Thread(target=finish_drawing).start()
    assert Briefing(mini, "Messenger", cache=cache).plot_peers().alt == "drawn by the other process"
    assert renders == []


def test_a_chart_whose_drawer_gave_up_is_drawn_here(mini, held_chart, cache):
    path, stored, lock, renders = held_chart
    threading.Timer(0.2, fcntl.flock, (lock, fcntl.LOCK_UN)).start()  # released, nothing written
    chart = Briefing(mini, "Messenger", cache=cache).plot_peers()
    assert (chart.alt, len(renders)) == (stored["alt"], 1)
    assert json.loads(path.read_text())["alt"] == stored["alt"]


def test_a_chart_whose_drawer_hangs_is_drawn_here_after_the_wait(mini, held_chart, monkeypatch, cache):
    path, stored, lock, renders = held_chart
    cache.wait = 0.3
    start = time.monotonic()
    chart = Briefing(mini, "Messenger", cache=cache).plot_peers()
    assert 0.3 <= time.monotonic() - start < 10
    assert (chart.alt, len(renders)) == (stored["alt"], 1)


def test_the_theme_keeps_source_notes_findable(mini, cache):
    with style.theme():  # the settings a briefing's setup cell applies, restored afterwards
        alt = Briefing(mini, "Messenger", cache=cache).plot_users().alt
    assert alt.startswith("Chart: Monthly active users") and "Sources: Example News 2017" in alt
