"""Briefings: parameters, the `briefing` command, the HTML page, escaping, determinism, the batch.

Rendering one briefing starts a kernel and takes seconds, so the renders happen once, in
module-scoped fixtures, and many tests assert on each:

* ``real`` / ``real_cli``: one real-data briefing (Messenger, Asia-Pacific, 11 Jul 2017), rendered
  by ``render_briefing`` and again by ``main([...])`` into another folder (determinism, CLI run);
* ``hostile``: a briefing of a miniature dataset whose texts carry HTML/JS payloads;
* ``batch``: ``render_all`` on that miniature dataset (ONE platform with stages, so 6 briefings in each language),
  then a rerun (all skipped) and a forced rerun;
* ``failing_batch``: ``main(["--all", ...])`` with a template whose Europe briefing raises.
"""

import ast
import datetime
import json
import os
import re
import subprocess
import sys
from html import escape, unescape
from pathlib import Path

import markupsafe
import nbformat
import pandas as pd
import papermill
import psutil
import pytest
from factory import BASE, make_dataset, run_main, template_with

import analysis
from analysis import files, labels, stages, words
from analysis.briefing import batch as briefing_batch, cli, command, run
from analysis.briefing.chartcache import ChartCache
from analysis.briefing.content import Briefing
from analysis.params import PARAMETERS, BriefingParameterError, validate
from analysis.files import LOCK_NAME
from analysis.data import DataValidationError
from analysis.schema import REGIONS
from analysis.style import format_date

# It renders batches and real briefings: a parallel run starts it before the quick modules.
pytestmark = pytest.mark.early(2)

BATCH_SIZE = 12  # the miniature grid: one platform, six region focuses, two languages
REAL = {"platform": "Messenger", "region": "Asia-Pacific", "country": None, "as_of": "2017-07-11", "lang": "en",
        "reading": None}
REAL_ARGV = ["--platform", "Messenger", "--region", "Asia-Pacific", "--as-of", "2017-07-11"]

# Payloads carried by the miniature dataset's texts; each must reach the page escaped, never raw.
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
PUBLISHER = "Evil & <b>Co</b>"
EVIDENCE = '"><svg onload=alert(2)>Ads.'
PAYLOADS = (SCRIPT, IMG, PUBLISHER, EVIDENCE)

MINI_LATEST = "2020-01-01"  # the newest date in the miniature dataset (a WhatsApp user count)
FAILING_REGION = "Europe"


# --- helpers ---------------------------------------------------------------------------------


def hostile_tables():
    """factory.BASE with stages for Messenger only (a 6-briefing grid) and payloads in its texts."""
    sources = BASE["sources"] + [
        ("src-x", PUBLISHER, f"Headline {SCRIPT}", "2017-01-20", "https://example.org/x", "en", ""),
    ]
    messenger = [row for row in BASE["stages"] if row[0] == "Messenger"]
    messenger[-1] = ("Messenger", "3", "2017-01-01", EVIDENCE, "src-x")
    rollouts = BASE["rollouts"] + [
        ("2017-02-01", "Messenger", f"Inbox ads test {IMG}", "test", "Inbox ads", "3", "Asia-Pacific",
         "TH", "src-x", ""),
    ]
    return {"sources": sources, "stages": messenger, "rollouts": rollouts}


def text_of(path):
    return Path(path).read_text(encoding="utf-8")


def citations(html):
    """The <li> items of the ol.citations list: [(number, inner html)]."""
    block = re.search(r'<ol class="citations">(.*?)</ol>', html, re.S)
    assert block, "no ol.citations in the page"
    return [(int(n), item) for n, item in re.findall(r'<li id="source-(\d+)">(.*?)</li>', block.group(1), re.S)]


def citation_marks(html):
    """Every number cited in the text, from <sup class="cite">[1, 3]</sup>."""
    return {int(n) for mark in re.findall(r'<sup class="cite">\[([\d, ]+)\]</sup>', html)
            for n in mark.split(",")}


def index_links(html):
    return re.findall(r'<a href="([^"]+)"', html)


def mtimes(folder):
    return {p.name: p.stat().st_mtime_ns for p in sorted(folder.glob("*.html")) if p.name != "index.html"}


def temporaries(folder):
    return [p for p in Path(folder).rglob(f"{files.TEMPORARY_PREFIX}*")]


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail loudly if anything tries to run a notebook."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append((args, kwargs))
        raise AssertionError("papermill.execute_notebook was called: a kernel would have started")

    monkeypatch.setattr(papermill, "execute_notebook", refuse)
    return calls


# --- module-scoped renders -------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """One real-data briefing rendered with render_briefing: (html path, html text)."""
    out = tmp_path_factory.mktemp("real") / "reports"
    path = run.render_briefing(REAL["platform"], REAL["region"], REAL["as_of"], out=out)
    return path, text_of(path)


@pytest.fixture(scope="module")
def real_cli(tmp_path_factory):
    """The same briefing rendered by the console command, in a process of its own, into another
    folder: (status, stdout, stderr, out)."""
    out = tmp_path_factory.mktemp("real-cli") / "reports"
    done = subprocess.run([sys.executable, "-m", "analysis.briefing", *REAL_ARGV, "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr, out


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """The hostile miniature dataset: (folder, Dataset)."""
    folder = tmp_path_factory.mktemp("mini") / "data"
    return folder, make_dataset(folder, **hostile_tables())


@pytest.fixture(scope="module")
def hostile(mini, tmp_path_factory):
    """A briefing of the hostile dataset, region Asia-Pacific: (path, html)."""
    folder, _ = mini
    out = tmp_path_factory.mktemp("hostile")
    path = run.render_briefing("Messenger", "Asia-Pacific", out=out, data=folder)
    return path, text_of(path)


@pytest.fixture(scope="module")
def batch(mini, tmp_path_factory):
    """render_all three times on the same folder: first, rerun (skips), forced rerun."""
    folder, _ = mini
    out = tmp_path_factory.mktemp("batch") / "reports"
    out.mkdir()
    leftover = out / ".tmp-leftover.html"
    leftover.write_text("an interrupted run left this", encoding="utf-8")
    runs = {}
    for name, force in (("first", False), ("rerun", False), ("forced", True)):
        result = briefing_batch.render_all(out, workers=2, force=force, data=folder, progress=False)
        runs[name] = {"result": result, "mtimes": mtimes(out),
                      "manifest": json.loads(text_of(out / "manifest.json")),
                      "index": text_of(out / "index.html"),
                      "executed": {p.name: p.stat().st_mtime_ns
                                   for p in (out / run.EXECUTED).glob("*.ipynb")}}
    return {"out": out, "leftover": leftover, **runs}


@pytest.fixture(scope="module")
def failing_batch(mini, tmp_path_factory):
    """`briefing --all` with a template whose Europe briefing raises; an earlier good HTML exists."""
    folder, ds = mini
    root = tmp_path_factory.mktemp("failing")
    broken = template_with(f'if region == "{FAILING_REGION}":\n    raise RuntimeError("deliberate failure for the test")',
                           root / "template" / "briefing.ipynb")

    out = root / "reports"
    failed_name = run.output_name({"platform": "Messenger", "region": FAILING_REGION,
                                        "as_of": str(ds.latest.date())})
    out.mkdir()
    earlier = "<!DOCTYPE html><title>an earlier good briefing</title>\n"
    (out / failed_name).write_text(earlier, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "TEMPLATE", broken)
        status, stdout, stderr = run_main(["--all", "--lang", "en", "--data", folder, "--out", out,
                                           "--workers", "2"])
    return {"status": status, "stdout": stdout, "stderr": stderr, "out": out,
            "failed_name": failed_name, "earlier": earlier,
            "manifest": json.loads(text_of(out / "manifest.json"))}


# --- 1. parameters -----------------------------------------------------------------------------


def test_validate_fills_the_defaults(ds):
    assert validate(ds, {}) == {"platform": "WhatsApp", "region": None, "country": None,
                                "as_of": str(ds.latest.date()), "lang": "en", "reading": None}
    assert validate(ds, {"region": None, "as_of": None})["as_of"] == str(ds.latest.date())


def test_validate_returns_checked_values(ds):
    assert validate(ds, REAL) == REAL
    assert validate(ds, {**REAL, "as_of": datetime.date(2017, 7, 11)})["as_of"] == "2017-07-11"
    assert validate(ds, {**REAL, "as_of": pd.Timestamp("2017-07-11 15:30")})["as_of"] == "2017-07-11"
    # the launch day itself is allowed
    launched = str(ds.platforms.set_index("platform").loc["Telegram", "launched"].date())
    assert validate(ds, {"platform": "Telegram", "as_of": launched})["as_of"] == launched


@pytest.mark.parametrize("values, expected", [
    ({"platfrom": "WhatsApp"}, r"unknown parameter 'platfrom' \(did you mean 'platform'\?\)"),
    ({"asof": "2020-01-01"}, r"unknown parameter 'asof' \(did you mean 'as_of'\?\)"),
    ({"size": "big"}, r"unknown parameter 'size'; parameters: platform, region, country, as_of, lang"),
    ({"platform": 3}, r"parameter 'platform' must be text, got int 3"),
    ({"region": ["Europe"]}, r"parameter 'region' must be text, got list"),
    ({"as_of": 20200101}, r"parameter 'as_of' must be text"),
    ({"platform": "Whatsap"}, r"parameter 'platform': unknown platform 'Whatsap' \(did you mean 'WhatsApp'\?\)"),
    ({"platform": "Facebook"}, r"parameter 'platform': unknown platform 'Facebook'.*valid values: Instagram"),
    ({"region": "Asia Pacific"}, r"parameter 'region': unknown region 'Asia Pacific' \(did you mean 'Asia-Pacific'\?\)"),
    ({"region": "Mars"}, r"parameter 'region': unknown region 'Mars'; valid values: North America"),
    ({"as_of": "soon"}, r"parameter 'as_of': date 'soon' is not a date; expected YYYY-MM-DD"),
    ({"as_of": "2030-01-01"}, r"parameter 'as_of': date 2030-01-01 is outside the data .* covered from 2009-05-03 to "),
    ({"as_of": "2001-01-01"}, r"parameter 'as_of': date 2001-01-01 is outside the data"),
    ({"platform": "Telegram", "as_of": "2012-01-01"}, r"parameter 'as_of': 2012-01-01 is before Telegram launched \(2013-08-14\)"),
    ({"platform": "Messenger", "as_of": "2011-08-08"}, r"before Messenger launched \(2011-08-09\)"),
])
def test_validate_refuses_bad_parameters(ds, values, expected):
    with pytest.raises(BriefingParameterError, match=expected):
        validate(ds, values)


def test_a_parameter_error_is_a_value_error():
    assert issubclass(BriefingParameterError, ValueError)


def test_validate_with_no_platform_gives_the_default_or_a_parameter_error(ds):
    """platform=None (e.g. render_briefing(None)) must not escape as a bare KeyError."""
    try:
        result = validate(ds, {"platform": None})
    except BriefingParameterError:
        return
    assert result["platform"] == "WhatsApp"


def test_valid_values_come_from_the_data(ds, mini):
    _, small = mini
    by_name = {p.name: p for p in PARAMETERS}
    assert by_name["platform"].valid(ds) == stages.platforms_with_stages(ds)
    assert by_name["platform"].valid(small) == ["Messenger"]
    assert by_name["region"].valid(ds) == list(REGIONS)
    assert by_name["as_of"].valid(ds) == (str(ds.stages["started"].min().date()), str(ds.latest.date()))
    assert by_name["as_of"].valid(small) == ("2011-01-01", MINI_LATEST)


def test_grid_is_every_platform_with_stages_times_every_region_focus(ds, mini):
    _, small = mini
    assert briefing_batch.grid(small) == [{"platform": "Messenger", "region": r, "country": None, "as_of": MINI_LATEST,
                                           "lang": lang, "reading": None}
                                          for lang in ("en", "de") for r in (None, *REGIONS)]
    assert briefing_batch.grid(small, ["de"]) == briefing_batch.grid(small)[len(REGIONS) + 1:]
    full = briefing_batch.grid(ds)
    assert len(full) == 2 * len(stages.platforms_with_stages(ds)) * (len(REGIONS) + 1)
    assert len({run.output_name(v) for v in full}) == len(full), "two briefings share a file name"


def test_batch_order_changes_platform_and_region_from_one_briefing_to_the_next(ds):
    jobs = [{"parameters": values} for values in briefing_batch.grid(ds)]
    order = [job["parameters"] for job in briefing_batch._interleaved(jobs)]
    assert sorted(map(run.output_name, order)) == sorted(run.output_name(j["parameters"]) for j in jobs)
    for before, after in zip(order, order[1:]):
        assert before["platform"] != after["platform"] and before["region"] != after["region"]


def test_a_country_focus_takes_its_region_and_refuses_another(ds):
    values = validate(ds, {"platform": "WhatsApp", "country": "de"})
    assert (values["country"], values["region"]) == ("DE", "Europe")
    assert validate(ds, values) == values
    assert run.output_name({**values, "as_of": "2026-06-03"}) == "whatsapp--country-de--2026-06-03.html"
    with pytest.raises(BriefingParameterError, match="give a region or a country, not both: DE is in Europe"):
        validate(ds, {"platform": "WhatsApp", "country": "DE", "region": "Asia-Pacific"})
    with pytest.raises(BriefingParameterError, match="unknown country 'XX'; valid values: AE, AR, AT"):
        validate(ds, {"platform": "WhatsApp", "country": "XX"})


def test_a_reading_other_than_the_default_names_the_file_and_the_default_does_not(ds):
    assert validate(ds, {"platform": "WhatsApp", "reading": "paid_tools"})["reading"] is None
    values = validate(ds, {"platform": "WhatsApp", "country": "DE", "reading": "in_app_ads", "lang": "de"})
    assert values["reading"] == "in_app_ads"
    assert run.output_name(values) == f"whatsapp--country-de--{values['as_of']}--in-app-ads--de.html"
    with pytest.raises(BriefingParameterError, match="parameter 'reading': unknown reading 'ads'; valid values: "
                                                     "paid_tools, in_app_ads"):
        validate(ds, {"platform": "WhatsApp", "reading": "ads"})


@pytest.mark.parametrize("reading, lang, since, name, sentence", [
    (None, "en", "since 1 Aug 2018", "paid tools", "Stages follow the reading “paid tools”."),
    ("in_app_ads", "en", "since 16 Jun 2025", "in-app ads", "Stages follow the reading “in-app ads”."),
    ("in_app_ads", "de", "seit dem 16. Juni 2025", "Anzeigen in der App",
     "Die Stufen folgen der Lesart „Anzeigen in der App“."),
])
def test_the_briefing_calls_stages_by_its_reading_and_says_which(ds, reading, lang, since, name, sentence):
    b = Briefing(ds, "WhatsApp", None, "2025-12-31", lang, reading=reading, cache=ChartCache())
    standing = unescape(b.standing())
    rule = stages.reading(ds, reading)
    assert since in standing and sentence in standing
    assert getattr(rule, "stage3_rule" if lang == "en" else "stage3_rule_de") in standing
    assert f"<td>{name}</td>" in unescape(b.header())


def test_output_name():
    assert run.output_name(REAL) == "messenger--asia-pacific--2017-07-11.html"
    assert (run.output_name({"platform": "WhatsApp", "region": "Middle East & Africa", "as_of": "2020-01-01"})
            == "whatsapp--middle-east-africa--2020-01-01.html")
    assert (run.output_name({"platform": "LINE", "region": None, "as_of": "2020-01-01"})
            == "line--all-regions--2020-01-01.html")


def test_notebook_parameter_defaults_equal_the_parameters():
    found = papermill.inspect_notebook(str(run.TEMPLATE))
    assert set(found) == {p.name for p in PARAMETERS} | {"data"}
    for parameter in PARAMETERS:
        assert ast.literal_eval(found[parameter.name]["default"]) == parameter.default, parameter.name
    assert ast.literal_eval(found["data"]["default"]) is None


# --- 1. the command ------------------------------------------------------------------------------


@pytest.mark.parametrize("argv, message", [
    (["--platform", "Whatsap"], "did you mean 'WhatsApp'?"),
    (["--platform", "WhatsApp", "--region", "Mars"], "unknown region 'Mars'"),
    (["--platform", "WhatsApp", "--as-of", "2030-01-01"], "outside the data"),
    (["--platform", "WhatsApp", "--as-of", "yesterday"], "is not a date"),
    (["--platform", "Telegram", "--as-of", "2012-01-01"], "before Telegram launched"),
    (["--region", "Europe"], "give --platform"),
    (["--all", "--platform", "WhatsApp"], "--all renders the whole grid"),
    (["--all", "--region", "Europe"], "--all renders the whole grid"),
    (["--all", "--as-of", "2020-01-01"], "--all renders the whole grid"),
    (["--all", "--workers", "0"], "--workers must be a whole number from 1 to"),
    (["--platform", "WhatsApp", "--data", "/nonexistent/data-folder"], "data folder is missing"),
])
def test_command_refuses_bad_parameters_without_writing_or_starting_a_kernel(tmp_path, no_kernel, argv,
                                                                             message):
    out = tmp_path / "reports"
    status, stdout, stderr = run_main([*argv, "--out", out])
    assert status == 2
    assert message in stderr
    assert stderr.startswith("briefing: ") and "Traceback" not in stderr
    assert stdout == ""
    assert not out.exists(), f"something was written: {list(out.rglob('*'))}"
    assert no_kernel == []


def test_command_all_with_platform_returns_2(tmp_path, no_kernel):
    status, _, stderr = run_main(["--all", "--platform", "Messenger", "--out", tmp_path / "r"])
    assert status == 2
    assert "drop --platform" in stderr
    assert not (tmp_path / "r").exists()


def test_command_unknown_option_is_a_usage_error(tmp_path, no_kernel):
    status, _, stderr = run_main(["--platform", "WhatsApp", "--colour", "red", "--out", tmp_path / "r"])
    assert status == 2
    assert "unrecognized arguments: --colour red" in stderr
    assert not (tmp_path / "r").exists()


def test_command_data_option_is_never_silently_ignored(tmp_path, mini, no_kernel):
    """`--dat FOLDER` (argparse accepts unique prefixes) must use FOLDER or be refused.

    2025-06-01 is after the miniature data ends (2020-01-01), so with its data this is a bad
    parameter (2); with the project's data it is valid and a kernel would start.
    """
    folder, _ = mini
    status, _, stderr = run_main(["--dat", folder, "--platform", "Messenger", "--as-of", "2025-06-01",
                                  "--out", tmp_path / "r"])
    assert status == 2, stderr
    assert no_kernel == []


def test_command_help_lists_parameters_and_valid_values(capsys, ds):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for option in ("--platform", "--region", "--as-of", "--all", "--out", "--workers", "--force", "--data"):
        assert option in text
    for parameter in PARAMETERS:
        assert parameter.help in text
    assert "one of: " + ", ".join(stages.platforms_with_stages(ds)) in text
    assert "one of: " + ", ".join(REGIONS) in text
    assert f"from {ds.stages['started'].min().date()} to {ds.latest.date()}" in text
    assert "Facebook" not in text.split("one of: ", 1)[1].split(";")[0], "Facebook has no stage data"
    assert "Exit status: 0 done; 2 nothing written and no process left (bad parameters, or the" in text


def test_command_help_takes_valid_values_from_the_data_folder(capsys, mini):
    folder, _ = mini
    with pytest.raises(SystemExit) as stop:
        cli.main(["--data", str(folder), "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "the platform the briefing is about; one of: Messenger --region" in text
    assert f"from 2011-01-01 to {MINI_LATEST}" in text


def test_command_renders_one_briefing_and_prints_its_path(real_cli):
    status, stdout, stderr, out = real_cli
    assert status == 0, stderr
    path = Path(stdout.strip())
    assert path == out / "messenger--asia-pacific--2017-07-11.html"
    assert path.is_file()
    assert sorted(p.name for p in out.iterdir()) == sorted([run.EXECUTED, LOCK_NAME, path.name])
    assert (out / run.EXECUTED / "messenger--asia-pacific--2017-07-11.ipynb").is_file()


def test_console_command_exits_with_mains_status_and_its_message(tmp_path):
    done = subprocess.run([sys.executable, "-m", "analysis.briefing", "--platform", "Nope", "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("briefing: parameter 'platform': unknown platform 'Nope'")
    assert done.stderr.count("\n") == 1 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, message", [
    (["--platform", "Nope"], "unknown platform 'Nope'"),
    (["--platform", "WhatsApp", "--as-of", "2030-01-01"], "outside the data"),
])
def test_console_command_stops_the_kernel_it_launched_for_bad_parameters(tmp_path, argv, message):
    """The console command launches a single briefing's kernel before it checks the parameters;
    bad ones end that kernel and remove its folder before the command exits."""
    script = ("import sys; from analysis.briefing import command\n"
              "launch = command.launch_kernel\n"
              "def launch_and_tell():\n"
              "    kernel = launch()\n"
              "    print('kernel', kernel._km.provisioner.process.pid, kernel._folder, file=sys.stderr)\n"
              "    return kernel\n"
              "command.launch_kernel = launch_and_tell\n"
              "command.run()\n")
    done = subprocess.run([sys.executable, "-c", script, *argv, "--out", str(tmp_path / "r")],
                          capture_output=True, text=True, timeout=120)
    told, error = done.stderr.split("\n", 1)
    _, pid, folder = told.split()
    assert done.returncode == 2 and message in error
    assert not psutil.pid_exists(int(pid)) and not Path(folder).exists()
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("argv, single", [
    (["--platform", "WhatsApp"], True),
    (["--platform=WhatsApp", "--lang", "de", "--pdf"], True),
    (["--all"], False),
    (["--all", "--platform", "WhatsApp"], False),
    (["--platform", "WhatsApp", "--help"], False),
    (["-h"], False),
    (["--region", "Europe"], False),
    ([], False),
])
def test_the_console_command_launches_a_kernel_first_for_a_single_briefing_only(argv, single):
    assert command.one_briefing(argv) is single


def test_the_console_command_launches_its_kernel_before_it_imports_pandas_or_matplotlib():
    done = subprocess.run([sys.executable, "-c", "import sys, analysis.briefing.command; "
                           "print(sorted({'pandas', 'matplotlib', 'papermill'} & set(sys.modules)))"],
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


# --- 2. the page of one real briefing ----------------------------------------------------------------


def test_page_shows_no_code(real):
    _, html = real
    template = nbformat.read(run.TEMPLATE, as_version=4)
    for text in ("analysis.load(", "Briefing(", "import analysis", "style.use_theme", "HTML(b.",
                 "b.plot_", 'class="jp-InputArea-editor', 'class="jp-CodeMirrorEditor', 'class="highlight'):
        assert text not in html, text
    for cell in template.cells:
        if cell.cell_type == "code":
            for line in filter(None, map(str.strip, cell.source.splitlines())):
                assert line not in html, f"code in the page: {line!r}"


def test_page_shows_no_parameter_cells(real):
    _, html = real
    for text in ("# Parameters", 'platform = "Messenger"', 'region = "Asia-Pacific"', 'as_of = "2017-07-11"',
                 'platform = "WhatsApp"', "data = None", "injected-parameters"):
        assert text not in html, text


def test_page_shows_no_traceback_stderr_or_warning(real):
    path, html = real
    executed = nbformat.read(path.parent / run.EXECUTED / path.name.replace(".html", ".ipynb"),
                             as_version=4)
    noise = [line.strip() for cell in executed.cells if cell.cell_type == "code"
             for output in cell.outputs if output.output_type == "stream" and output.name == "stderr"
             for line in output.text.splitlines() if line.strip()]
    for line in noise:
        assert line not in html and escape(line) not in html, line
    for text in ("Traceback", "UserWarning", "DeprecationWarning", "FutureWarning", "Warning:",
                 "site-packages", "jp-OutputArea-stderr", 'data-mime-type="application/vnd.jupyter.stderr"'):
        assert text not in html, text


def test_page_is_self_contained(real):
    _, html = real
    assert not re.search(r"""\bsrc\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    for tag in re.findall(r"<(?:link|script)\b[^>]*>", html, re.I):
        assert not re.search(r"""href\s*=\s*["']?\s*(https?:)?//""", tag, re.I), tag
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"@import", html, re.I)
    assert not re.search(r"<script\b", html, re.I), "the page needs no script"
    assert not re.search(r"<(iframe|object|embed)\b", html, re.I)


def test_every_image_is_embedded(real):
    _, html = real
    images = re.findall(r"<img\b[^>]*>", html)
    template = nbformat.read(run.TEMPLATE, as_version=4)
    plots = sum("b.plot_" in c.source for c in template.cells)
    assert plots == 4
    # Messenger has no user figures by country: its region section says so instead of a chart
    assert len(images) == plots - 1
    assert "No user figures by country for Messenger are on record by 11 Jul 2017" in html
    for tag in images:
        assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=\s]{1000,}"', tag), tag[:120]


def test_page_has_the_title(real):
    _, html = real
    titles = re.findall(r"<title>(.*?)</title>", html, re.S)
    assert titles == [escape(words.title("Messenger", "Asia-Pacific", "2017-07-11"))]
    assert titles[0] == "Messenger in Asia-Pacific: monetization briefing, 11 Jul 2017"
    assert re.findall(r"<h1\b[^>]*>(.*?)</h1>", html) == [titles[0]]


def test_page_has_a_table_of_contents_to_its_sections(real):
    _, html = real
    nav = re.search(r'<nav class="toc">(.*?)</nav>', html, re.S)
    assert nav, "no table of contents"
    assert html.index("</h1>") < nav.start(), "the contents follow the title"
    targets = re.findall(r'<a href="#([^"]+)">', nav.group(1))
    sections = re.findall(r'<h2 id="([^"]+)"', html)
    assert targets == sections
    assert len(targets) >= 7
    ids = re.findall(r'\bid="([^"]+)"', html)
    for target in targets:
        assert ids.count(target) == 1, target
    assert targets == ["standing", "users", "events", "market", "region", "peers", "outlook", "sources"]


def test_page_shows_the_parameters_used(real):
    _, html = real
    block = re.search(r'<div class="parameters">(.*?)</div>', html, re.S)
    assert block, "no 'Parameters used' block"
    assert "<h4>Parameters used</h4>" in block.group(1)
    rows = dict(re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", block.group(1)))
    assert rows == {"Platform": "Messenger", "Region": "Asia-Pacific", "As of": "11 Jul 2017",
                    "Stage reading": "paid tools"}


def test_page_cites_numbered_sources(real, ds):
    _, html = real
    items = citations(html)
    assert len(items) >= 5
    assert [n for n, _ in items] == list(range(1, len(items) + 1))
    assert citation_marks(html) == set(range(1, len(items) + 1)), "every mark has a source and vice versa"
    sources = ds.sources.set_index("url")
    for number, item in items:
        hrefs = re.findall(r'<a href="([^"]+)"', item)
        assert len(hrefs) == 1 and re.match(r"https?://", hrefs[0]), item
        url = hrefs[0].replace("&amp;", "&")
        assert url in sources.index, url
        row = sources.loc[url]
        assert item.startswith(escaped(row["publisher"]) + ": "), item
        title = f"<em>{escaped(row['title'])}</em>" if pd.notna(row["title"]) else "no headline"
        date = format_date(row["published"]) if pd.notna(row["published"]) else "undated"
        assert f"{title}, {date}. " in item, item
        assert 'rel="noopener noreferrer"' in item


def test_page_footer_states_the_provenance(real, ds):
    _, html = real
    footer = re.search(r'<footer class="provenance">(.*?)</footer>', html, re.S)
    assert footer
    text = footer.group(1)
    # the date the briefing knows, then how far the data reaches: a 2017 page does not pass for 2026's
    assert text == (f"Compiled from the public reports listed above, as known on {format_date(REAL['as_of'])}; "
                    f"data collected to {format_date(ds.latest)}. Analysis version {analysis.__version__}.")


def test_page_is_small(real):
    path, _ = real
    assert os.path.getsize(path) < 2 * 1024 * 1024


def test_executed_notebook_is_kept(real):
    path, _ = real
    executed = path.parent / run.EXECUTED / path.name.replace(".html", ".ipynb")
    book = nbformat.read(executed, as_version=4)
    injected = [c for c in book.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'region = "Asia-Pacific"' in injected[0].source
    assert not temporaries(path.parent)


# --- 3. security --------------------------------------------------------------------------------------


def escaped(payload):
    """The payload as page text: < > & " ' escaped, as the words' templates write it."""
    return str(markupsafe.escape(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_data_texts_are_escaped(hostile, payload):
    _, html = hostile
    assert payload not in html
    assert escaped(payload) in html


def test_hostile_page_has_no_script_or_event_handler(hostile):
    _, html = hostile
    assert not re.search(r"<script\b", html, re.I)
    assert not re.search(r"<svg\b[^>]*onload", html, re.I)
    for tag in re.findall(r"<[a-z][^>]*>", html, re.I):
        assert not re.search(r"\son[a-z]+\s*=", tag, re.I), tag
    for tag in re.findall(r"<img\b[^>]*>", html):
        assert 'src="data:image/png;base64,' in tag


def test_hostile_briefing_cites_the_hostile_source_escaped(hostile):
    _, html = hostile
    items = [item for _, item in citations(html)]
    evil = [item for item in items if "example.org/x" in item]
    assert len(evil) == 1
    assert evil[0].startswith("Evil &amp; &lt;b&gt;Co&lt;/b&gt;: <em>Headline &lt;script&gt;")


def test_citation_links_are_http(hostile, real):
    for _, html in (hostile, real):
        for _, item in citations(html):
            for href in re.findall(r'href="([^"]*)"', item):
                assert href.startswith(("http://", "https://")), href


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "example.org/x",
                                 "https://example.org/a b"])
def test_a_source_without_an_http_url_cannot_be_loaded(tmp_path, url):
    sources = [BASE["sources"][0], ("src-b", "P", "T", "2018-06-01", url, "en", "")]
    with pytest.raises(DataValidationError, match="url"):
        make_dataset(tmp_path / "data", sources=sources)


# --- 4. determinism ------------------------------------------------------------------------------------


def test_same_briefing_twice_is_byte_identical(real, real_cli):
    path, _ = real
    status, stdout, stderr, _ = real_cli
    assert status == 0, stderr
    other = Path(stdout.strip())
    assert other.parent != path.parent and other.name == path.name
    assert path.read_bytes() == other.read_bytes()


# --- 5. the batch ------------------------------------------------------------------------------------


def test_batch_renders_the_whole_grid(batch, mini):
    _, ds = mini
    out, first = batch["out"], batch["first"]
    expected = sorted(run.output_name(v) for v in briefing_batch.grid(ds))
    assert len(expected) == BATCH_SIZE
    assert sorted(first["mtimes"]) == expected
    assert sorted(p.name for p in out.glob("*.html")) == sorted([*expected, "index.html"])
    assert [e["status"] for e in first["result"].manifest] == ["ok"] * BATCH_SIZE
    assert first["result"].failed == []
    assert sorted((out / run.EXECUTED).glob("*.ipynb")) == [
        out / run.EXECUTED / n.replace(".html", ".ipynb") for n in expected]


def test_batch_writes_a_manifest(batch, mini):
    _, ds = mini
    first = batch["first"]
    manifest = first["manifest"]
    assert manifest == first["result"].manifest
    assert [e["output"] for e in manifest] == sorted(e["output"] for e in manifest)
    for entry in manifest:
        assert {"parameters", "output", "status", "seconds", "input_checksum"} <= set(entry)
        assert entry["output"] == run.output_name(entry["parameters"])
        assert entry["parameters"] == validate(ds, entry["parameters"])
        assert entry["input_checksum"] == run.input_checksum(ds, entry["parameters"])
        assert re.fullmatch(r"[0-9a-f]{64}", entry["input_checksum"])
        assert entry["status"] == "ok" and entry["seconds"] > 0
    assert len({e["input_checksum"] for e in manifest}) == BATCH_SIZE


def test_batch_writes_an_index_linking_every_briefing(batch, mini):
    _, ds = mini
    out, first = batch["out"], batch["first"]
    html = first["index"]
    assert sorted(index_links(html)) == sorted(first["mtimes"])
    for link in index_links(html):
        assert (out / link).is_file()
    assert "<title>Briefings</title>" in html
    assert ds.checksum[:16] in html and analysis.__version__ in html
    assert f"{BATCH_SIZE} briefings" in html
    assert html.count("<td>German</td>") == html.count("<td>English</td>") == BATCH_SIZE // 2
    assert "<script" not in html and "http" not in html


def test_batch_briefings_are_escaped_and_state_their_parameters(batch):
    out = batch["out"]
    for name in batch["first"]["mtimes"]:
        html = text_of(out / name)
        for payload in PAYLOADS:
            assert payload not in html and escaped(payload) in html, (name, payload)
        block = re.search(r'<div class="parameters">(.*?)</div>', html, re.S).group(1)
        entry = next(e for e in batch["first"]["manifest"] if e["output"] == name)
        lang, region = entry["parameters"]["lang"], entry["parameters"]["region"]
        shown = labels.region_name(region, lang) if region else labels.label("all_regions", lang)
        assert f"<th>Region</th><td>{escape(shown)}</td>" in block, name
        assert f"<th>{labels.label('as_of', lang)}</th><td>{format_date(MINI_LATEST, lang=lang)}</td>" in block, name


def test_batch_removes_temporaries(batch):
    assert not batch["leftover"].exists()
    assert not temporaries(batch["out"])


def test_batch_rerun_skips_everything_and_rewrites_nothing(batch):
    first, rerun = batch["first"], batch["rerun"]
    assert [e["status"] for e in rerun["result"].manifest] == ["skipped"] * BATCH_SIZE
    assert [e["status"] for e in rerun["manifest"]] == ["skipped"] * BATCH_SIZE
    assert [e["input_checksum"] for e in rerun["manifest"]] == [e["input_checksum"] for e in first["manifest"]]
    assert rerun["mtimes"] == first["mtimes"], "a skipped briefing was rewritten"
    assert rerun["executed"] == first["executed"], "a skipped briefing's notebook was run again"
    assert sorted(index_links(rerun["index"])) == sorted(first["mtimes"])


def test_batch_force_renders_again(batch):
    rerun, forced = batch["rerun"], batch["forced"]
    assert [e["status"] for e in forced["result"].manifest] == ["ok"] * BATCH_SIZE
    assert sorted(forced["mtimes"]) == sorted(rerun["mtimes"])
    for name, mtime in forced["mtimes"].items():
        assert mtime > rerun["mtimes"][name], name
    for name, mtime in forced["executed"].items():
        assert mtime > rerun["executed"][name], name


def test_batch_failure_returns_1_and_reports_it(failing_batch):
    assert failing_batch["status"] == 1, failing_batch["stderr"]
    assert f"briefing: failed: {failing_batch['failed_name']}" in failing_batch["stderr"]
    assert "deliberate failure for the test" in failing_batch["stderr"]
    assert failing_batch["stdout"].strip() == str(failing_batch["out"] / "index.html")


def test_batch_failure_is_recorded_with_its_executed_notebook(failing_batch):
    manifest = failing_batch["manifest"]
    failed = [e for e in manifest if e["status"] == "failed"]
    assert [e["output"] for e in failed] == [failing_batch["failed_name"]]
    entry = failed[0]
    assert entry["parameters"]["region"] == FAILING_REGION
    assert "RuntimeError: deliberate failure for the test" in entry["error"]
    executed = Path(entry["executed_notebook"])
    assert executed == failing_batch["out"] / run.EXECUTED / entry["output"].replace(".html", ".ipynb")
    assert executed.is_file()
    book = nbformat.read(executed, as_version=4)
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "RuntimeError"


def test_batch_failure_does_not_stop_the_others(failing_batch):
    out, manifest = failing_batch["out"], failing_batch["manifest"]
    ok = [e for e in manifest if e["status"] == "ok"]
    assert len(manifest) == 6 and len(ok) == 5
    for entry in ok:
        html = text_of(out / entry["output"])
        assert "<h1" in html and 'class="citations"' in html


def test_batch_failure_keeps_the_earlier_html(failing_batch):
    out = failing_batch["out"]
    assert text_of(out / failing_batch["failed_name"]) == failing_batch["earlier"]
    assert not temporaries(out)


def test_batch_failure_shows_in_the_index(failing_batch):
    html = text_of(failing_batch["out"] / "index.html")
    links = index_links(html)
    assert failing_batch["failed_name"] not in links
    assert sorted(links) == sorted(e["output"] for e in failing_batch["manifest"] if e["status"] == "ok")
    failed = next(e for e in failing_batch["manifest"] if e["status"] == "failed")
    assert f'<span class="failed">failed</span>: {escape(failed["executed_notebook"])}' in html


# --- 6. nothing lost -----------------------------------------------------------------------------------


def test_write_atomic_writes_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "page.html"
    assert files.write_atomic(target, "héllo\n") == target
    assert target.read_text(encoding="utf-8") == "héllo\n"
    assert target.stat().st_mode & 0o777 == 0o644
    assert files.write_atomic(target, "second\n") == target
    assert target.read_text(encoding="utf-8") == "second\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.html"]


def test_write_atomic_keeps_the_old_file_when_the_rename_fails(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("old\n", encoding="utf-8")

    def fail(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="disk on fire"):
        files.write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_write_atomic_keeps_the_old_file_when_the_write_fails(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        files.write_atomic(target, "half written \ud800 text")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_remove_temporaries(tmp_path):
    for name in (".tmp-abc.html", ".tmp-x", "page.html", "tmp-page.html", ".tmpfile"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".tmp-nested.html").write_text("x", encoding="utf-8")
    removed = files.remove_temporaries(tmp_path)
    assert removed == [tmp_path / ".tmp-abc.html", tmp_path / ".tmp-x"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tmpfile", "page.html", "sub", "tmp-page.html"]
    assert files.remove_temporaries(tmp_path) == []
    assert files.remove_temporaries(tmp_path / "missing") == []


def test_a_corrupt_manifest_counts_as_none(tmp_path):
    """A corrupt manifest is treated as no manifest (everything is rendered), never a crash."""
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    assert briefing_batch._read_manifest(tmp_path) == {}
    (tmp_path / "manifest.json").write_text('[{"no": "output"}]', encoding="utf-8")
    assert briefing_batch._read_manifest(tmp_path) == {}
    assert briefing_batch._read_manifest(tmp_path / "missing") == {}


@pytest.mark.parametrize("country, region, lang, title, in_region", [
    ("US", None, "en", "WhatsApp in the United States: monetization briefing", "naming a market in North America ("),
    (None, "Middle East & Africa", "en", "WhatsApp in the Middle East & Africa: monetization briefing",
     "naming a market in the Middle East &amp; Africa ("),
    ("DE", None, "en", "WhatsApp in Germany: monetization briefing", "naming a market in Europe ("),
    ("US", None, "de", "WhatsApp – Vereinigte Staaten: Monetarisierungs-Briefing", "mit einem Markt in Nordamerika ("),
])
def test_english_sentences_put_the_before_the_names_that_take_it(ds, country, region, lang, title, in_region):
    b = Briefing(ds, "WhatsApp", region, "2026-06-01", lang, country, cache=ChartCache())
    assert b.title.startswith(title)
    assert in_region in str(b.region_comparison())
