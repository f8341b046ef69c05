"""The notebooks: conventions (on what git tracks), and each one run top to bottom under papermill,
offline, with its defaults and with a second parameter set, checking what it shows: its charts, the
sentences and tables it computes (against the same figures computed here), and no error or warning.
"""

import ast
import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

import nbformat
import pandas as pd
import papermill
import pytest

import analysis
from analysis import labels, narrative, regions, revenue, stages, words
from analysis.briefing.kernel import KERNEL_MANAGER
from analysis.style import format_date, format_users

# It runs every notebook twice: a parallel run starts it before the quick modules.
pytestmark = pytest.mark.early(2)

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOKS = PROJECT / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
ALLOWED_IMPORTS = {"analysis", "IPython", "matplotlib", "pandas", "numpy", "seaborn", "ipywidgets"}
MAX_CODE_LINES = 12

OTHER_PARAMETERS = {
    "00-explore.ipynb": {"platforms": ["WeChat", "LINE"], "region": "Asia-Pacific", "as_of": "2015-06-30"},
    "01-user-growth.ipynb": {"as_of": "2016-11-02", "platforms": ["Messenger", "WhatsApp"], "log_scale": False},
    "02-monetization-stages.ipynb": {"as_of": "2019-03-06", "platforms": ["WhatsApp", "Telegram", "iMessage"],
                                     "reading": "in_app_ads"},
    "03-ad-rollouts.ipynb": {"platforms": ["WeChat", "LINE", "KakaoTalk", "WhatsApp"], "region": "Asia-Pacific",
                             "as_of": "2020-01-01", "product": "LINE@"},  # WhatsApp: an event outside the region
    "04-regional-comparison.ipynb": {"region": "Europe", "metric": "population_share_using", "platform": None,
                                     "lang": "de"},
    "05-peers.ipynb": {"as_of": "2016-11-02", "platforms": ["Instagram", "Messenger", "WhatsApp", "WeChat"]},
}


def _read(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _run(name, tmp_path, parameters=None):
    return papermill.execute_notebook(
        str(NOTEBOOKS / name), str(tmp_path / name), parameters=parameters or {},
        kernel_name="python3", kernel_manager_class=KERNEL_MANAGER, cwd=str(NOTEBOOKS), progress_bar=False,
        execution_timeout=120, start_timeout=60,  # seconds per cell, and for the kernel to start
    )


def _defaults(name) -> dict:
    """The values of a notebook's parameters cell."""
    cell = next(c for c in _read(name).cells if "parameters" in c.metadata.get("tags", []))
    return {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body}


# --- conventions, on the notebook as git tracks it -------------------------------------------


def _tracked(path: Path) -> str:
    """A notebook as git tracks it: its content in the index, what the next commit holds (with
    the lab's nbstripout filter, without outputs, whatever the file on disk holds). The file on
    disk where git does not track it: no git, no checkout (an unpacked sdist), a new notebook."""
    try:
        shown = subprocess.run(["git", "show", f":./{path.name}"], cwd=path.parent, capture_output=True,
                               timeout=60)
    except FileNotFoundError:
        shown = None
    if shown is not None and shown.returncode == 0:
        return shown.stdout.decode("utf-8")
    return path.read_text(encoding="utf-8")


def _check_conventions(name, book, *, outputs=True):
    """The house rules; ``outputs=False`` leaves stored outputs alone (a notebook run in the lab)."""
    assert re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb|briefing\.ipynb", name)
    assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith("# ")
    tagged = [i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [1], "exactly one parameters cell, right after the title"
    assert "analysis.load(" in book.cells[2].source, "the setup cell follows the parameters"
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        if outputs:
            assert not cell.get("outputs") and cell.get("execution_count") is None, "stored output"
        assert len(cell.source.splitlines()) <= MAX_CODE_LINES, cell.source
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module]
            else:
                continue
            assert {m.split(".")[0] for m in modules} <= ALLOWED_IMPORTS, cell.source


@pytest.mark.parametrize("name", NAMES)
def test_notebook_follows_the_conventions(name):
    _check_conventions(name, _read(name), outputs=False)  # as edited and run, outputs or not
    _check_conventions(name, nbformat.reads(_tracked(NOTEBOOKS / name), as_version=4))  # as committed


# The test repositories see none of the user's git settings (a filter installed globally, say).
GIT_ALONE = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _git(folder, *args):
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args],
                          cwd=folder, env=GIT_ALONE, capture_output=True, text=True, check=True,
                          timeout=60).stdout


def _with_outputs(path):
    """Write into ``path`` what JupyterLab saves after a run: outputs and execution counts."""
    book = nbformat.read(path, as_version=4)
    for count, cell in enumerate((c for c in book.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    nbformat.write(book, path)


NAME = "01-user-growth.ipynb"


@pytest.fixture
def repo(tmp_path):
    """A git repository holding the project's .gitattributes and one clean notebook, committed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(PROJECT / ".gitattributes", root / ".gitattributes")
    shutil.copy(NOTEBOOKS / NAME, root / "notebooks" / NAME)
    _git(root, "init", "--quiet")
    _git(root, "add", ".")
    _git(root, "commit", "--quiet", "-m", "clean notebook")
    return root


def test_outputs_saved_by_the_lab_do_not_fail_the_convention_check(repo):
    path = repo / "notebooks" / NAME
    _with_outputs(path)
    on_disk = nbformat.read(path, as_version=4)
    with pytest.raises(AssertionError, match="stored output"):  # the file on disk has outputs...
        _check_conventions(NAME, on_disk)
    _check_conventions(NAME, on_disk, outputs=False)  # ...and is a good notebook otherwise...
    _check_conventions(NAME, nbformat.reads(_tracked(path), as_version=4))  # ...what git tracks has none


def test_outputs_staged_for_a_commit_fail_the_convention_check(repo):
    path = repo / "notebooks" / NAME
    _with_outputs(path)
    # The attribute names the filter, but a fresh clone (CI) has not defined it: git ignores it
    assert _git(repo, "check-attr", "filter", f"notebooks/{NAME}").strip().endswith("filter: nbstripout")
    _git(repo, "add", ".")
    with pytest.raises(AssertionError, match="stored output"):
        _check_conventions(NAME, nbformat.reads(_tracked(path), as_version=4))


def test_a_notebook_git_does_not_track_is_checked_on_disk(repo, tmp_path):
    new = repo / "notebooks" / "06-new.ipynb"
    shutil.copy(NOTEBOOKS / NAME, new)
    _with_outputs(new)
    assert _tracked(new) == new.read_text(encoding="utf-8")
    outside = tmp_path / "sdist" / "notebooks" / NAME  # no git checkout at all
    outside.parent.mkdir(parents=True)
    shutil.copy(NOTEBOOKS / NAME, outside)
    _with_outputs(outside)
    assert _tracked(outside) == outside.read_text(encoding="utf-8")


def test_the_attributes_name_the_nbstripout_filter_for_notebooks():
    lines = (PROJECT / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert "*.ipynb filter=nbstripout" in lines


def test_make_git_filter_keeps_outputs_out_of_commits_and_leaves_clean_notebooks_alone(repo):
    pytest.importorskip("nbstripout")  # the lab extra
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    path = repo / "notebooks" / NAME
    committed = path.read_bytes()
    subprocess.run(["make", "--silent", "-f", str(PROJECT / "Makefile"), "-C", str(repo), "git-filter",
                    f"BIN={Path(sys.executable).parent}"], env=GIT_ALONE, check=True, capture_output=True,
                   timeout=120)
    assert _git(repo, "config", "filter.nbstripout.required").strip() == "true"
    _git(repo, "add", "--renormalize", ".")  # the committed notebook through the filter: unchanged
    assert _git(repo, "status", "--porcelain") == ""
    _with_outputs(path)
    _git(repo, "add", ".")
    staged = _tracked(path)
    _check_conventions(NAME, nbformat.reads(staged, as_version=4))
    assert staged.encode("utf-8") == committed  # cell ids and all


# --- runs: what each notebook shows ----------------------------------------------------------

CHART_CALL = re.compile(r"\bcharts\.\w+\(|\bexplore\.draw\(|\bb\.plot_\w+\(")
GLYPH_WARNING = re.compile(r"^.*: UserWarning: Glyph (\d+) \(.*\) missing from font\(s\) .*\n(?:  .*\n)?", re.M)


@functools.cache
def _drawable() -> frozenset:
    """Every character some installed font draws (matplotlib's placeholder font aside)."""
    from matplotlib import font_manager, ft2font

    characters = set()
    for font in font_manager.fontManager.ttflist:
        if not font.name.startswith("Last Resort"):
            try:
                characters.update(ft2font.FT2Font(font.fname).get_charmap())
            except (OSError, RuntimeError):
                pass
    return frozenset(characters)


def _unexpected(stderr: str) -> str:
    """``stderr`` less the warnings about a character no installed font has (a Japanese publisher on
    a machine without Japanese fonts): any other output to stderr is a fault."""
    return GLYPH_WARNING.sub(lambda m: "" if int(m.group(1)) not in _drawable() else m.group(0), stderr).strip()


class _Table(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _frame(html: str) -> pd.DataFrame:
    """The DataFrame a notebook showed as HTML, every cell as its text, without the index."""
    table = _Table()
    table.feed(html)
    header, *rows = table.rows
    return pd.DataFrame([row[1:] for row in rows], columns=header[1:])


class Shown:
    """What an executed notebook shows, cell by cell; a cell is found by a piece of its code."""

    def __init__(self, book):
        self.cells = [c for c in book.cells if c.cell_type == "code"]

    def cell(self, code):
        found = [c for c in self.cells if code in c.source]
        assert len(found) == 1, f"{len(found)} cells with {code!r}"
        return found[0]

    def data(self, code, kind) -> list:
        return [o["data"][kind] for o in self.cell(code).outputs if kind in o.get("data", {})]

    def one(self, code, kind):
        shown = self.data(code, kind)
        assert len(shown) == 1, f"{len(shown)} {kind} outputs in the cell with {code!r}"
        return shown[0]

    def markdown(self, code) -> str:
        return self.one(code, "text/markdown")

    def table(self, code) -> pd.DataFrame:
        return _frame(self.one(code, "text/html"))

    def images(self, cell) -> int:
        return sum("image/png" in o.get("data", {}) for o in cell.outputs)

    def faults(self) -> list[str]:
        faults = []
        for cell in self.cells:
            for output in cell.outputs:
                if output.output_type == "error":
                    faults.append(f"{output.ename}: {output.evalue}")
                elif output.output_type == "stream" and output.name == "stderr" and _unexpected(output.text):
                    faults.append(_unexpected(output.text))
        return faults


def _rows_shown(values: list) -> list:
    """A column as a notebook shows it: whole, or pandas' first and last rows around a '...' row."""
    if len(values) <= pd.get_option("display.max_rows"):
        return values
    half = pd.get_option("display.min_rows") // 2
    return [*values[:half], "...", *values[-half:]]


def _as_of(parameters, ds) -> pd.Timestamp:
    return pd.Timestamp(parameters["as_of"]) if parameters.get("as_of") else ds.latest


def _paragraph(text: str, platform: str) -> str:
    found = [p for p in text.split("\n\n") if p.startswith(f"{platform}'s latest reported figure: ")]
    assert len(found) == 1, (platform, text)
    return found[0]


def _dates(text: str) -> list[pd.Timestamp]:
    """Every date a sentence states, as '2 Nov 2016'."""
    return [pd.Timestamp(m) for m in re.findall(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b", text)]


def _explore(shown, p, ds):
    options = stages.platforms_with_stages(ds)
    widgets = shown.one("explore.dashboard(", "text/plain")
    assert f"index={tuple(options.index(x) for x in p['platforms'])!r}" in widgets  # the platforms chosen
    assert "with 2 Axes" in shown.one("explore.draw(", "text/plain")  # lanes and users


def _user_growth(shown, p, ds):
    as_of = _as_of(p, ds)
    text = shown.markdown("narrative.growth_summaries(")
    assert text == narrative.growth_summaries(ds, p["platforms"], as_of)
    family = shown.markdown("narrative.family_summary(")
    assert family == narrative.family_summary(ds, "Meta", as_of, p.get("lang", "en"))
    known = ds.family_counts[ds.family_counts["date"] <= as_of]
    assert ("Meta counted" in family) == (len(known) > 0)  # 2016 knows nothing of 2023
    mau = ds.user_counts[ds.user_counts["metric"] == "mau"]
    for platform in p["platforms"]:
        figures = mau[(mau["platform"] == platform) & (mau["date"] <= as_of)].sort_values("date")
        if figures.empty:
            assert f"{platform} had reported no user figure by {format_date(as_of)}." in text
            continue
        last = figures.iloc[-1]  # the latest figure announced by as_of, from the table itself
        paragraph = _paragraph(text, platform)
        assert format_users(last["users_millions"], suffix="") in paragraph
        assert f"({format_date(last['date'])})" in paragraph
    said = text.split("Sources:")[0]  # the sources list keeps each source's own date
    assert _dates(said) and max(_dates(said)) <= as_of
    milestones = shown.table("growth.milestones(")
    expected = analysis.growth.milestones(ds, 1000, p["platforms"])
    assert list(milestones["platform"]) == list(expected["platform"])
    assert list(milestones["reached"]) == [str(d.date()) if pd.notna(d) else "NaT" for d in expected["reached"]]
    assert len(shown.table('growth_rates(ds, "WhatsApp")')) == len(analysis.growth_rates(ds, "WhatsApp"))


def _monetization_stages(shown, p, ds):
    as_of = _as_of(p, ds)
    snapshot = shown.markdown("narrative.snapshot_list(")
    assert snapshot == narrative.snapshot_list(ds, as_of, p["platforms"], p["reading"])
    assert snapshot.splitlines()[0] == f"On **{format_date(as_of)}**:"
    stated = {m[1]: int(m[2]) for m in re.finditer(r"^- \*\*(.+?)\*\*: stage (\d)", snapshot, re.M)}
    assert stated == {x: analysis.stage_at(ds, x, as_of, reading=p["reading"]) for x in p["platforms"]}
    assert (shown.markdown("narrative.announced_vs_actual(")
            == narrative.announced_vs_actual(ds, "WhatsApp", 2017, p["reading"]))
    assert shown.markdown("narrative.stage3_by_reading(") == narrative.stage3_by_reading(ds, p["platforms"])
    durations = shown.markdown("narrative.stage_durations(").split("\n\n")
    assert sorted(durations) == sorted(narrative.stage_durations(ds, x, p["reading"]) for x in p["platforms"])
    entries = analysis.stage_entries(ds, p["platforms"], reading=p["reading"])
    table = shown.table('.drop(columns=["evidence"])')
    assert "evidence" not in table.columns
    assert list(zip(table["platform"], table["stage"])) == [(str(x), str(s)) for x, s in
                                                            zip(entries["platform"], entries["stage"])]
    evidence = shown.table('[["platform", "stage", "started", "evidence", "source_id"]]')
    assert list(evidence.columns) == ["platform", "stage", "started", "evidence", "source_id"]
    assert list(evidence["source_id"]) == list(entries["source_id"])
    calls = shown.table("stages.stage_calls(")
    assert list(calls.columns) == ["platform", "stage", "called", "first_event", "product"]
    expected = stages.stage_calls(ds, p["reading"])
    assert list(zip(calls["platform"], calls["stage"])) == [(str(x), str(s)) for x, s in
                                                            zip(expected["platform"], expected["stage"])]


def _ad_rollouts(shown, p, ds):
    as_of = _as_of(p, ds)
    lag = shown.markdown("narrative.lag_sentence(")
    assert lag == narrative.lag_sentence(ds, p["product"])
    first = analysis.launch_lags(ds).set_index("product").loc[p["product"]]
    assert lag.startswith(f"**{p['product']}** ({first['platform']}): first {first['first_kind']} on "
                          f"{format_date(first['first_date'])}")
    lags = shown.table("analysis.launch_lags(")
    assert list(lags["product"]) == list(analysis.launch_lags(ds, p["platforms"])["product"])
    assert set(lags["platform"]) <= set(p["platforms"])
    firsts, expected = shown.table("analysis.first_markets("), analysis.first_markets(ds, p["platforms"])
    assert list(zip(firsts["platform"], firsts["region"])) == list(zip(expected["platform"].astype(str),
                                                                       expected["region"].astype(str)))
    events = shown.table("events = analysis.events(")
    expected = analysis.events(ds, platforms=p["platforms"], region=p["region"], as_of=as_of)
    assert len(expected) > 0
    assert list(events["date"]) == _rows_shown([str(d.date()) for d in expected["date"]])
    assert list(events["platform"]) == _rows_shown(list(expected["platform"].astype(str)))
    assert set(expected["platform"]) <= set(p["platforms"])
    assert max(expected["date"]) <= as_of
    assert shown.markdown("narrative.stage3_by_reading(") == narrative.stage3_by_reading(ds, p["platforms"])
    market = shown.markdown("narrative.market_now(")
    assert market == narrative.market_now(ds, "WhatsApp", p["region"], as_of)
    place = p["region"] or "all markets"
    assert market.startswith(f"**{place[:1].upper() + place[1:]}**, {format_date(as_of)}: businesses can pay WhatsApp for:")


def _regional_comparison(shown, p, ds):
    largest = shown.markdown("narrative.largest_figure(")
    assert largest == narrative.largest_figure(ds, p["metric"], p["platform"])
    table = analysis.compare(ds, p["metric"], platform=p["platform"])
    assert f"*{p['metric'].replace('_', ' ')}* is {table.iloc[0]['label']}: " in largest
    assert largest.endswith(f"of {len(table)} places with figures.")
    summary = shown.markdown("narrative.region_summary(")
    as_of = _as_of(p, ds)
    lang = p.get("lang", "en")
    place = labels.region_name(p["region"], lang)
    assert summary == narrative.region_summary(ds, p["region"], as_of, lang)
    assert summary.startswith(f"In **{place}**:")
    firsts = analysis.first_markets(ds)
    firsts = firsts[(firsts["region"] == p["region"]) & (firsts["first_date"] <= as_of)]
    for platform in firsts["platform"].astype(str):
        first = {"en": "first event on record naming a market in", "de": "erstes belegtes Ereignis mit einem Markt in"}
        assert f"- {platform}: {first[lang]} {place} (" in summary  # then: worldwide events not counted
    said = summary.split(labels.label("section:sources", lang) + ":")[0]
    assert said.count("[") >= len(firsts)  # every line cites its source
    assert len(shown.table("analysis.orientation(ds)")) == len(analysis.orientation(ds))
    assert shown.markdown("narrative.money_summary(") == narrative.money_summary(ds, p["region"], as_of, lang)
    other = shown.table('revenue.revenue(ds, "other_revenue")')
    assert list(other["period"]) == list(revenue.revenue(ds, "other_revenue")["period"])
    adoption = shown.table("analysis.business_adoption(ds)")
    assert list(adoption.columns) == ["label", "platform", "metric", "value", "unit", "year", "note"]
    assert len(adoption) == len(analysis.business_adoption(ds))
    metrics = shown.one("analysis.regions.metrics(ds)", "text/plain")
    assert all(repr(metric) in metrics for metric in regions.metrics(ds))


def _peers(shown, p, ds):
    as_of = _as_of(p, ds)
    summary = shown.markdown("narrative.peer_summary(")
    assert summary == narrative.peer_summary(ds, as_of)
    shown_paths = [str(x) for x in analysis.monetization_paths(ds, as_of=as_of)["platform"]]
    unpaid = [x for x in shown_paths if analysis.stage_at(ds, x, as_of) < 3]  # from the stages themselves
    assert summary.endswith(f"No paid tools yet: {', '.join(unpaid)}." if unpaid else "years).")
    table = shown.table("analysis.monetization_paths(")
    assert list(table["platform"]) == [str(x) for x in analysis.monetization_paths(ds, p["platforms"], as_of=as_of)
                                       ["platform"]]


def _briefing(shown, p, ds):
    header = shown.one("Briefing(", "text/html")
    assert f"<h1 class=\"title\">{words.title(p['platform'], None, _as_of(p, ds))}</h1>" in header
    alts = [o["data"]["text/plain"] for c in shown.cells for o in c.outputs if "image/png" in o.get("data", {})]
    assert alts and all(a.startswith("Chart: ") and "data/sources.csv" not in a for a in alts)


@dataclass
class Expected:
    figures: int  # charts drawn, one in each cell that calls a chart function
    check: Callable  # (Shown, parameters, ds): the sentences, tables and widgets


EXPECTED = {
    "00-explore.ipynb": Expected(1, _explore),
    "01-user-growth.ipynb": Expected(2, _user_growth),
    "02-monetization-stages.ipynb": Expected(3, _monetization_stages),
    "03-ad-rollouts.ipynb": Expected(1, _ad_rollouts),
    "04-regional-comparison.ipynb": Expected(4, _regional_comparison),
    "05-peers.ipynb": Expected(3, _peers),
    "briefing.ipynb": Expected(5, _briefing),
}


def _check_run(name, executed, parameters, ds):
    shown = Shown(executed)
    assert shown.faults() == []
    for cell in shown.cells:
        assert shown.images(cell) == len(CHART_CALL.findall(cell.source)), cell.source
    assert sum(shown.images(cell) for cell in shown.cells) == EXPECTED[name].figures
    EXPECTED[name].check(shown, parameters, ds)


def test_every_notebook_has_its_checks():
    assert set(EXPECTED) == set(NAMES)


def test_every_analysis_notebook_has_a_second_parameter_set():
    assert set(OTHER_PARAMETERS) == {n for n in NAMES if n != "briefing.ipynb"}


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_with_its_defaults(name, tmp_path, ds):
    executed = _run(name, tmp_path)
    _check_run(name, executed, _defaults(name), ds)


@pytest.mark.parametrize("name", sorted(OTHER_PARAMETERS))
def test_notebook_runs_with_other_parameters(name, tmp_path, ds):
    executed = _run(name, tmp_path, OTHER_PARAMETERS[name])
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    _check_run(name, executed, {**_defaults(name), **OTHER_PARAMETERS[name]}, ds)


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"platforms": ["Whatsap"]}, r"did you mean 'WhatsApp'"),
        ({"as_of": "2001-01-01"}, r"covered from 2009-05-03"),
        ({"as_of": "last spring"}, r"not a date"),
    ],
)
def test_bad_parameter_stops_the_notebook_in_its_setup_cell(parameters, message, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        _run("01-user-growth.ipynb", tmp_path, parameters)
    assert re.search(message, str(caught.value))
    assert "ParameterError" in caught.value.ename
    assert caught.value.cell_index <= 3  # title, parameters, injected parameters, setup
