"""One briefing: the command draws the charts while the kernel starts, and hands it the data; the
kernel shows them, and the page is the same as when the kernel draws every chart itself."""

import html
import json
import re
import threading
from pathlib import Path

import matplotlib as mpl
import pytest

from analysis import scratch
from analysis.briefing import run
from analysis.briefing.kernel import WarmKernel
from analysis.briefing.content import Briefing

VALUES = {"platform": "Messenger", "region": "Asia-Pacific", "as_of": "2017-07-11"}
CHARTS = 3  # stages, users, peers: Messenger has no country figures and Meta no regional revenue in 2017


def images(page: Path) -> list[str]:
    """The text alternatives of the page's images."""
    return [html.unescape(alt) for alt in
            re.findall(r'<img src="data:image/png;base64,[^"]*"\s+alt="([^"]*)"', page.read_text(encoding="utf-8"))]


@pytest.fixture
def drawn_first(monkeypatch):
    """The command draws every chart ahead before the kernel runs, and marks each one's text
    alternative, so that the page shows whose chart it is. Returns the folders drawn into."""
    drawn, draw_ahead, render_in, folders = threading.Event(), run.draw_ahead, run.render_in, []

    def draw_all_and_mark(ds, values, folder, done):
        folders.append(Path(folder))
        draw_ahead(ds, values, folder, done)
        for path in Path(folder).glob("*.json"):
            stored = json.loads(path.read_text(encoding="utf-8"))
            path.write_text(json.dumps({**stored, "alt": "Drawn ahead. " + stored["alt"]}), encoding="utf-8")
        drawn.set()

    def render_when_drawn(*args, **kwargs):
        assert drawn.wait(timeout=120), "the charts were not drawn ahead"
        return render_in(*args, **kwargs)

    monkeypatch.setattr(run, "draw_ahead", draw_all_and_mark)
    monkeypatch.setattr(run, "render_in", render_when_drawn)
    return folders


def test_the_kernel_shows_the_charts_the_command_drew_ahead(tmp_path, drawn_first, monkeypatch):
    # Set in this process, not in the kernel: a setting of charts, and one of how a backend is picked.
    monkeypatch.setitem(mpl.rcParams, "axes.xmargin", 0.2)
    monkeypatch.setitem(mpl.rcParams, "backend_fallback", not mpl.rcParams["backend_fallback"])
    page = run.render_briefing(**VALUES, out=tmp_path)
    shown = images(page)
    assert len(shown) == CHARTS
    assert all(alt.startswith("Drawn ahead. Chart: ") for alt in shown), shown
    (folder,) = drawn_first
    assert folder.name.startswith(f"{scratch.PREFIX}charts-") and not folder.exists()  # removed after the run


def test_a_page_is_the_same_whoever_draws_its_charts(tmp_path, monkeypatch):
    ahead = run.render_briefing(**VALUES, out=tmp_path / "ahead")
    monkeypatch.setattr(run, "draw_ahead", lambda *args: None)
    kernel_only = run.render_briefing(**VALUES, out=tmp_path / "kernel")
    assert len(images(ahead)) == CHARTS
    assert ahead.read_bytes() == kernel_only.read_bytes()


def test_a_chart_that_fails_ahead_is_drawn_by_the_kernel(tmp_path, monkeypatch):
    def fail(self, section):
        raise RuntimeError("deliberate failure ahead")

    monkeypatch.setattr(Briefing, "chart", fail)  # in this process only, not in the kernel
    page = run.render_briefing(**VALUES, out=tmp_path)
    assert [alt.split(":")[0] for alt in images(page)] == ["Chart"] * CHARTS


def test_drawing_ahead_stops_when_the_briefing_is_done(ds, tmp_path):
    done = threading.Event()
    done.set()
    run.draw_ahead(ds, run.validate(ds, VALUES), tmp_path, done)
    assert list(tmp_path.iterdir()) == []


def test_a_kernel_handed_the_dataset_neither_reads_nor_checks_the_files(tmp_path, ds):
    folder = scratch.make("charts")
    try:
        with WarmKernel(tmp_path, setup=run.share_with_kernel(folder, ds)) as kernel:
            kernel._call("import analysis.data\n"
                         "analysis.data._validated_tables = None  # reading and checking the files fails\n"
                         f"assert analysis.data.load({str(ds.path)!r}).checksum == {ds.checksum!r}", 60)
    finally:
        scratch.remove(folder)


def test_a_dataset_that_cannot_be_handed_over_is_loaded_by_the_kernel(tmp_path, ds):
    (tmp_path / "full").write_text("")  # a folder that cannot be made stands in for a full disk
    code = run.share_with_kernel(tmp_path / "full" / "charts", ds)
    assert code == run.share_with_kernel(tmp_path / "full" / "charts")
    assert "CHARTS.share(" in code and "remember" not in code


def test_the_browser_for_the_pdf_starts_once_the_charts_are_drawn_ahead(tmp_path, monkeypatch):
    """Chromium starting beside the drawing would take a core from it and from the kernel."""
    from analysis.briefing import pdf

    order, draw_ahead = [], run.draw_ahead

    def drawing(*args):
        draw_ahead(*args)
        order.append("drawn")

    class Browser:
        def __init__(self):
            order.append("browser started")

        def print(self, page, target, title):
            order.append("printed")
            Path(target).write_bytes(b"%PDF-")
            return target

        def close(self):
            order.append("browser closed")

    monkeypatch.setattr(run, "draw_ahead", drawing)
    monkeypatch.setattr(pdf, "Printer", Browser)
    page = run.render_briefing(**VALUES, out=tmp_path, pdf=True)
    assert order == ["drawn", "browser started", "printed", "browser closed"]
    assert page.with_suffix(".pdf").read_bytes() == b"%PDF-"
