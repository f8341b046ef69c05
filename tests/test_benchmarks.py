"""The benchmark scripts' own logic, in-process and with known numbers: their verdicts on the goals,
the check that every way wrote the whole grid, and the synthetic data the load benchmark times.

The timed runs themselves are by hand (see the README); here nothing is timed.
"""

import importlib.util
import os
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import analysis
import analysis.data
from analysis.briefing import batch as briefing_batch

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def script(name):
    """A benchmark script imported as a module (its main() does not run)."""
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def batch():
    return script("batch")


@pytest.fixture(scope="module")
def startup():
    return script("startup")


@pytest.fixture(scope="module")
def load():
    return script("load")


# --- batch.py --------------------------------------------------------------------------------


def run_batch(batch, tiny, monkeypatch, capsys, seconds):
    """batch.main on the tiny grid, each way 'taking' the given seconds; (exit status, output, calls)."""
    calls = []

    def timed(way, grid, data, workers, repeat):
        calls.append((way.__name__, len(grid), workers, repeat))
        return seconds[way.__name__]

    monkeypatch.setattr(batch, "timed", timed)
    monkeypatch.setattr(batch, "machine", lambda: "a test machine")
    status = batch.main(["--data", str(tiny), "--workers", "2", "--repeat", "5"])
    return status, capsys.readouterr().out, calls


def test_batch_goals_met(batch, tiny, monkeypatch, capsys):
    status, out, calls = run_batch(batch, tiny, monkeypatch, capsys,
                                   {"shell_loop": 100.0, "pool": 15.0, "briefing_all": 4.0})
    assert status == 0
    assert "grid: 12 briefings; 2 workers; a test machine" in out
    assert re.search(r"shell loop \(papermill \+ jupyter nbconvert\) +100\.0 s +8\.33 s/briefing", out)
    assert re.search(r"briefing --all \(warm kernels\) +4\.0 s +0\.33 s/briefing", out)
    assert "briefing --all is  25.0 x faster than the shell loop (goal >= 20: met)" in out
    assert "briefing --all is   3.8 x faster than the pool (goal >= 3: met)" in out
    # the slow ways run once, the warm one --repeat times (its median counts)
    assert calls == [("shell_loop", 12, 2, 1), ("pool", 12, 2, 1), ("briefing_all", 12, 2, 5)]


def test_batch_a_ratio_on_the_goal_meets_it(batch, tiny, monkeypatch, capsys):
    status, out, _ = run_batch(batch, tiny, monkeypatch, capsys,
                               {"shell_loop": 80.0, "pool": 12.0, "briefing_all": 4.0})
    assert status == 0
    assert "20.0 x faster than the shell loop (goal >= 20: met)" in out
    assert "3.0 x faster than the pool (goal >= 3: met)" in out


@pytest.mark.parametrize("seconds, missed", [
    ({"shell_loop": 60.0, "pool": 15.0, "briefing_all": 4.0},
     "15.0 x faster than the shell loop (goal >= 20: NOT met)"),
    ({"shell_loop": 100.0, "pool": 10.0, "briefing_all": 4.0},
     "2.5 x faster than the pool (goal >= 3: NOT met)"),
])
def test_batch_a_missed_goal_is_said_and_exits_1(batch, tiny, monkeypatch, capsys, seconds, missed):
    status, out, _ = run_batch(batch, tiny, monkeypatch, capsys, seconds)
    assert status == 1
    assert missed in out
    assert out.count("NOT met") == 1


def pages(batch, grid, out, missing=0):
    for values in grid[missing:]:
        (out / f"{batch.stem(values)}.html").write_text("<p>page</p>")
    (out / "index.html").write_text("<p>index</p>")  # the index is not a briefing


def test_timed_runs_a_way_repeat_times_on_the_whole_grid(batch, tiny):
    grid = briefing_batch.grid(analysis.load(tiny))
    runs = []

    def way(grid, out, data, workers):
        runs.append((len(grid), data, workers))
        pages(batch, grid, out)

    seconds = batch.timed(way, grid, tiny, 2, 3)
    assert runs == [(12, tiny, 2)] * 3
    assert 0 <= seconds < 5


def test_timed_refuses_a_way_that_missed_a_page(batch, tiny):
    grid = briefing_batch.grid(analysis.load(tiny))

    def way(grid, out, data, workers):
        pages(batch, grid, out, missing=1)

    with pytest.raises(SystemExit, match="wrote 11 pages, not the 12 of the grid"):
        batch.timed(way, grid, tiny, 2, 1)


# --- startup.py ------------------------------------------------------------------------------


def run_startup(startup, monkeypatch, capsys, pandas, package, help_seconds):
    figures = {"pandas": pandas, "analysis": package}

    def median(function, *args, repeat):
        assert repeat == 4
        return figures[args[0]] if function is startup.import_seconds else help_seconds

    monkeypatch.setattr(startup, "median", median)
    status = startup.main(["--repeat", "4"])
    return status, capsys.readouterr().out


def test_startup_goals_met(startup, monkeypatch, capsys):
    status, out = run_startup(startup, monkeypatch, capsys, 0.5, 0.6, 0.4)
    assert status == 0
    assert out.splitlines() == [
        "import pandas    0.500 s",
        "import analysis  0.600 s  = 1.20 x pandas (goal <= 1.5: met)",
        "briefing --help  0.400 s  (goal < 1 s: met)",
    ]


@pytest.mark.parametrize("package, help_seconds, status, verdicts", [
    (0.75, 0.4, 0, ["1.50 x pandas (goal <= 1.5: met)", "(goal < 1 s: met)"]),  # on the goal
    (0.8, 0.4, 1, ["1.60 x pandas (goal <= 1.5: NOT met)", "(goal < 1 s: met)"]),
    (0.6, 1.0, 1, ["1.20 x pandas (goal <= 1.5: met)", "(goal < 1 s: NOT met)"]),  # 1 s is not < 1 s
])
def test_startup_verdicts(startup, monkeypatch, capsys, package, help_seconds, status, verdicts):
    result, out = run_startup(startup, monkeypatch, capsys, 0.5, package, help_seconds)
    assert result == status
    assert all(verdict in out for verdict in verdicts), out


def test_startup_median_of_the_runs(startup):
    values = iter([3.0, 1.0, 2.0, 9.0, 0.5])
    assert startup.median(lambda: next(values), repeat=5) == 2.0


# --- load.py ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_tables(load):
    return load.read_tables(analysis.data.DATA_DIR)


def test_scaled_tables_grow_where_keys_are_open_and_stay_unique(load, real_tables):
    tables = load.scaled(real_tables, 3)
    for name, frame in real_tables.items():
        grows = name in ("sources", "rollouts", "regions", "user_counts")
        if name == "metrics":  # each regional metric once more per copy; user count metrics stay
            regional = frame["metric"].isin(real_tables["regions"]["metric"]).sum()
            assert len(tables[name]) == len(frame) + 2 * regional
            assert tables[name]["metric"].is_unique
            continue
        assert len(tables[name]) == len(frame) * (3 if grows else 1), name
    assert tables["sources"]["source_id"].is_unique
    assert not tables["user_counts"].duplicated(["platform", "metric", "date"]).any()
    assert set(tables["rollouts"]["event"]) > set(real_tables["rollouts"]["event"])
    assert set(tables["regions"]["metric"]) > set(real_tables["regions"]["metric"])
    pd.testing.assert_frame_equal(tables["user_counts"].head(len(real_tables["user_counts"])),
                                  real_tables["user_counts"])  # the real rows first, unchanged


def test_scaled_tables_pass_the_validation(load, real_tables, tmp_path):
    folder = load.write_tables(load.scaled(real_tables, 2), tmp_path / "x2")
    ds = analysis.load(folder)
    assert len(ds.sources) == 2 * len(real_tables["sources"])
    assert len(ds.user_counts) == 2 * len(real_tables["user_counts"])


def test_the_largest_scale_fits_the_file_size_limit(load, real_tables, tmp_path):
    """The real tables at 1000 times their rows (the benchmark's largest scale) stay under the
    limit load() holds every file to; the largest table, sources.csv, grows with every source."""
    largest = max(path.stat().st_size for path in load.write_tables(real_tables, tmp_path).glob("*.csv"))
    assert largest * 1000 < analysis.data.MAX_FILE_BYTES


def test_scaled_by_one_is_the_real_data(load, real_tables):
    tables = load.scaled(real_tables, 1)
    for name, frame in real_tables.items():
        pd.testing.assert_frame_equal(tables[name].reset_index(drop=True), frame, obj=name)


def run_load(load, monkeypatch, capsys, seconds, scales):
    """load.main with made-up load times per folder (None: the real data) and no real scaling."""
    monkeypatch.setattr(load, "scaled", lambda tables, factor: tables)
    monkeypatch.setattr(load, "write_tables", lambda tables, folder: folder)
    monkeypatch.setattr(load, "timed_load",
                        lambda folder, repeat: seconds[None if folder is None else folder.name])
    status = load.main(["--scales", *map(str, scales), "--repeat", "1"])
    return status, capsys.readouterr().out


def test_load_prints_each_scale_and_its_growth(load, monkeypatch, capsys, real_tables):
    rows = sum(len(frame) for frame in real_tables.values())
    status, out = run_load(load, monkeypatch, capsys, {None: 0.1, "x10": 0.5, "x100": 4.0}, [10, 100])
    assert status == 0
    assert f"real data: {rows} rows, load 0.100 s (goal < 0.2 s: met)" in out
    assert re.search(rf"^ +10 +{rows} +0\.500 +[0-9.]+ +5\.0 for 10x$", out, re.M), out
    assert re.search(rf"^ +100 +{rows} +4\.000 +[0-9.]+ +8\.0 for 10x$", out, re.M), out
    assert "1000x" not in out  # the verdict on 1000x is said only when 1000x ran


@pytest.mark.parametrize("seconds, status, verdict", [
    (8.0, 0, "1000x loads and validates in 8.00 s (goal < 10 s: met)"),
    (12.0, 1, "1000x loads and validates in 12.00 s (goal < 10 s: NOT met)"),
])
def test_load_verdict_on_1000x(load, monkeypatch, capsys, seconds, status, verdict):
    result, out = run_load(load, monkeypatch, capsys, {None: 0.1, "x1000": seconds}, [1000])
    assert result == status
    assert verdict in out


# --- pdf and setup --------------------------------------------------------------------------------

@pytest.mark.parametrize("single, batch_pages, status, verdicts", [
    ((3.0, 3.8), (10.0, 19.8), 0, ("+0.80 s (goal <= 1 s: met)", "+0.30 s per page (goal <= 1 s: met)")),
    ((3.0, 4.2), (10.0, 19.8), 1, ("+1.20 s (goal <= 1 s: NOT met)", "+0.30 s per page (goal <= 1 s: met)")),
    ((3.0, 3.8), (10.0, 72.6), 1, ("+0.80 s (goal <= 1 s: met)", "+1.10 s per page (goal <= 1 s: NOT met)")),
])
def test_pdf_verdicts(monkeypatch, capsys, tmp_path, single, batch_pages, status, verdicts):
    pdf = script("pdf")
    times = iter([single[0]] * 3 + [single[1]] * 3 + list(batch_pages))

    def seconds(argv):
        if "--pdf" in argv and "--all" in argv:  # the printing run leaves its PDFs
            folder = Path(argv[argv.index("--out") + 1])
            for n in range(66):
                (folder / f"page-{n}.pdf").write_bytes(b"%PDF-")
        return next(times)

    monkeypatch.setattr(pdf, "seconds", seconds)
    assert pdf.main([]) == status
    out = capsys.readouterr().out
    for verdict in verdicts:
        assert verdict in out
    assert "batch of 66 pages" in out


@pytest.mark.parametrize("uv, status, verdict", [(40.0, 0, "goal < 60 s: met"), (61.0, 1, "goal < 60 s: NOT met")])
def test_setup_verdicts(monkeypatch, capsys, uv, status, verdict):
    setup = script("setup")
    monkeypatch.setattr(setup, "to_first_test", lambda use_uv: uv if use_uv else 120.0)
    assert setup.main(["--repeat", "3"]) == status
    out = capsys.readouterr().out
    assert "pip only  120.0 s to the first test" in out
    assert f"uv        {uv:.1f} s to the first test = {120.0 / uv:.1f} x faster ({verdict})" in out


# --- single.py -----------------------------------------------------------------------------------


def run_single(monkeypatch, capsys, shell, briefing, write=("shell", "briefing")):
    """single.main with each way 'taking' the given seconds per run and writing its page if named
    in ``write``; (exit status, output, the commands run)."""
    single = script("single")
    runs = {"shell": iter(shell), "briefing": iter(briefing)}
    commands = []

    def seconds(argv_list):
        commands.append(argv_list)
        way = "briefing" if argv_list[0][0].endswith("briefing") else "shell"
        if way in write:
            if way == "shell":
                executed = Path(argv_list[1][-1])
                executed.with_suffix(".html").write_text("page")
            else:
                out = Path(argv_list[0][argv_list[0].index("--out") + 1])
                (out / "messenger--asia-pacific--2017-07-11.html").write_text("page")
        return next(runs[way])

    monkeypatch.setattr(single, "seconds", seconds)
    status = single.main(["--repeat", str(len(shell))])
    return status, capsys.readouterr().out, commands


def test_single_goal_met_on_the_medians(monkeypatch, capsys):
    status, out, commands = run_single(monkeypatch, capsys, shell=[4.0, 4.4, 9.0], briefing=[2.0, 1.9, 2.1])
    assert status == 0
    assert "shell     median 4.40 s  (runs: 4.00, 4.40, 9.00)" in out
    assert "briefing  median 2.00 s  (runs: 2.00, 1.90, 2.10)" in out
    assert "briefing is 2.20 x faster than papermill + nbconvert (goal >= 2: met)" in out
    # the ways take turns; the shell runs papermill, then nbconvert without the code
    assert [len(argv_list) for argv_list in commands] == [2, 1] * 3
    papermill, nbconvert = commands[0]
    assert papermill[0] == "papermill" and papermill[papermill.index("-p") + 1:][:2] == ["platform", "Messenger"]
    assert nbconvert[:5] == ["jupyter", "nbconvert", "--to", "html", "--no-input"]
    assert commands[1][0][1:7] == ["--platform", "Messenger", "--region", "Asia-Pacific", "--as-of", "2017-07-11"]


def test_single_goal_missed_exits_1(monkeypatch, capsys):
    status, out, _ = run_single(monkeypatch, capsys, shell=[4.2] * 3, briefing=[3.7] * 3)
    assert status == 1
    assert "briefing is 1.14 x faster than papermill + nbconvert (goal >= 2: NOT met)" in out


def test_single_refuses_a_way_that_wrote_no_page(monkeypatch, capsys):
    with pytest.raises(SystemExit, match=r"expected one page from each way, found \['shell.html'\]"):
        run_single(monkeypatch, capsys, shell=[4.0] * 3, briefing=[2.0] * 3, write=("shell",))


# --- suite.py ------------------------------------------------------------------------------------


@pytest.mark.parametrize("walls, status, verdict", [([175.0, 150.0, 190.0], 0, "goal < 180 s: met"),
                                                     ([181.0, 180.0, 200.0], 1, "goal < 180 s: NOT met")])
def test_suite_verdict_on_the_median_against_its_floor(monkeypatch, capsys, tmp_path, walls, status, verdict):
    suite = script("suite")
    runs = iter([(wall, 340.0, "1099 passed, 1 skipped") for wall in walls])
    monkeypatch.setattr(suite, "installed_clone", lambda folder: tmp_path)
    monkeypatch.setattr(suite, "run_suite", lambda clone: next(runs))
    monkeypatch.setattr(suite.os, "sched_getaffinity", lambda pid: {0, 1})
    assert suite.main(["--repeat", "3"]) == status
    out = capsys.readouterr().out
    median = sorted(walls)[1]
    assert "tests     1099 passed, 1 skipped" in out
    assert f"suite     median {median:.1f} s  (runs: {', '.join(f'{w:.1f}' for w in walls)})" in out
    assert "floor     170.0 s  (340.0 s of CPU time over 2 cores)" in out
    assert f"the suite takes {median / 170:.2f} x its floor ({verdict})" in out


def completed(returncode, stdout):
    return lambda *args, **kwargs: subprocess.CompletedProcess(args, returncode, stdout, "")


def test_suite_run_reads_pytests_summary(monkeypatch, tmp_path):
    suite = script("suite")
    monkeypatch.setattr(suite.subprocess, "run", completed(0, "...\n===== 12 passed, 1 skipped in 3.20s =====\n"))
    seconds, cpu, summary = suite.run_suite(tmp_path)
    assert summary == "12 passed, 1 skipped" and seconds >= 0 and cpu >= 0


def test_suite_counts_the_busy_time_of_the_whole_machine(tmp_path, monkeypatch):
    suite = script("suite")
    stat = tmp_path / "stat"
    # user nice system idle iowait irq softirq steal guest guest_nice, in ticks of 1/100 s
    stat.write_text("cpu  2000 100 300 9000 50 7 3 40 0 0\ncpu0 1000 50 150 4500 25 3 2 20 0 0\n")
    monkeypatch.setattr(suite.os, "sysconf", lambda name: 100 if name == "SC_CLK_TCK" else os.sysconf(name))
    assert suite.machine_cpu(stat) == pytest.approx(24.1)  # not the idle, I/O wait and stolen ticks


@pytest.mark.parametrize("returncode, stdout", [(2, "===== 1 failed, 11 passed in 3.20s =====\n"),
                                                (0, "===== 1 failed, 11 passed in 3.20s =====\n"),
                                                (0, "no summary\n")])
def test_suite_refuses_a_run_that_did_not_pass(monkeypatch, tmp_path, returncode, stdout):
    suite = script("suite")
    monkeypatch.setattr(suite.subprocess, "run", completed(returncode, stdout))
    with pytest.raises(SystemExit, match=rf"the suite did not pass \(make test exited {returncode}\)"):
        suite.run_suite(tmp_path)


# --- fresh.py ------------------------------------------------------------------------------------


def test_fresh_prints_the_medians_and_what_a_forked_kernel_saves(monkeypatch, capsys):
    fresh = script("fresh")
    runs = {fresh.WAYS["usual"]: iter([1.9, 2.0, 3.5]), fresh.WAYS["forked"]: iter([2.5, 1.1, 1.2, 1.0])}
    managers = []

    def seconds(manager, out):
        managers.append(manager)
        return next(runs[manager])

    monkeypatch.setattr(fresh, "seconds", seconds)
    assert fresh.main(["--repeat", "3"]) == 0
    out = capsys.readouterr().out
    # the server starts in the first run, which does not count; then the ways take turns
    assert managers == [fresh.WAYS["forked"], *[fresh.WAYS[way] for _ in range(3) for way in ("usual", "forked")]]
    assert "usual     median 2.00 s  (runs: 1.90, 2.00, 3.50)" in out
    assert "forked    median 1.10 s  (runs: 1.10, 1.20, 1.00); the first, with the server's start: 2.50 s" in out
    assert "a forked kernel saves 0.90 s per briefing (1.82 x faster)" in out
