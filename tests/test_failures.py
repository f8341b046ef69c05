"""Every way the command can fail: fast, one clear line, the right exit status, nothing lost.

The first table runs the command in this process with papermill refused (no kernel may start);
the later tests run it as a separate process and kill it, its workers, or its disk space.
"""

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import papermill
import psutil
import pytest
from factory import make_dataset, run_main, template_with

from analysis import scratch
from analysis.briefing import run
from analysis.files import LOCK_NAME

# Most of its time is spent waiting for processes to end: a parallel run starts it early.
pytestmark = pytest.mark.early(1)

SLOW = "import time\ntime.sleep(2)"  # a template cell that keeps a briefing running for a while


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail loudly if anything tries to start a kernel."""
    from analysis.briefing import kernel

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel would have started")

    monkeypatch.setattr(papermill, "execute_notebook", refuse)
    monkeypatch.setattr(kernel.WarmKernel, "__init__", refuse)


def snapshot(folder: Path) -> dict:
    """Every file below ``folder`` with its bytes."""
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


@pytest.fixture
def existing(tmp_path):
    """An output folder that already holds a good briefing (as bytes that must survive)."""
    out = tmp_path / "reports"
    (out / run.EXECUTED).mkdir(parents=True)
    (out / "whatsapp--all-regions--2020-01-01.html").write_text("<p>good</p>")
    (out / run.EXECUTED / "whatsapp--all-regions--2020-01-01.ipynb").write_text("{}")
    return out


def _a_file(tmp_path):
    path = tmp_path / "a-file"
    path.write_text("x")
    return path


BAD = [  # (argv builder, message); every one exits 2 with one line, before any kernel
    (lambda out, tmp: ["--all", "--workers", "100", "--out", out], "--workers must be a whole number from 1 to"),
    (lambda out, tmp: ["--all", "--workers", "0", "--out", out], "--workers must be a whole number from 1 to"),
    (lambda out, tmp: ["--all", "--workers", "two", "--out", out], "invalid int value: 'two'"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--timeout", "inf", "--out", out],
     "--timeout must be a finite number of seconds above 0"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--timeout", "-1", "--out", out],
     "--timeout must be a finite number of seconds above 0"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--as-of", "02.11.2016", "--out", out],
     "did you mean 2016-11-02?"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--as-of", "13.11.2016", "--out", out],
     "did you mean 2016-11-13?"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--as-of", "2016", "--out", out], "a bare year is not a date"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--platform", "Messenger", "--out", out],
     "--platform is given twice"),
    (lambda out, tmp: ["--all", "--all", "--out", out], "--all is given twice"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--out", out, "--out", out], "--out is given twice"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--workers", "2", "--out", out], "--workers works with --all only"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--out", _a_file(tmp)], "is not a folder"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--out", _a_file(tmp) / "reports"], "which is not a folder"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--out", tmp / ("x" * 300)], "is longer than the 255 bytes"),
    (lambda out, tmp: ["--all", "--out", tmp / ("x" * 300)], "is longer than the 255 bytes"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--out", tmp / "/".join(["y" * 250] * 17)],
     "the path is too long"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--lang", "fr", "--out", out],
     "parameter 'lang': unknown language 'fr'; valid values: en, de"),
    (lambda out, tmp: ["--all", "--lang", "fr", "--out", out], "--lang: unknown language 'fr'; valid values: en, de"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--country", "XX", "--out", out],
     "parameter 'country': unknown country 'XX'; valid values: AE, AR, AT, AU"),
    (lambda out, tmp: ["--all", "--country", "DE", "--out", out], "--all renders the whole grid; drop"),
    (lambda out, tmp: ["--platform", "WhatsApp", "--reading", "ads", "--out", out],
     "parameter 'reading': unknown reading 'ads'; valid values: paid_tools, in_app_ads"),
    (lambda out, tmp: ["--all", "--reading", "in_app_ads", "--out", out], "--all renders the whole grid; drop"),
]


@pytest.mark.parametrize("argv", [["--platform", "WhatsApp", "--pdf"], ["--all", "--pdf"]])
def test_pdf_without_chromium_says_how_to_install_it_and_writes_nothing(argv, tmp_path, existing, no_kernel,
                                                                         monkeypatch):
    from analysis.briefing import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    before = snapshot(tmp_path)
    status, _, stderr = run_main([*argv, "--out", existing])
    assert status == 2
    assert stderr == ("briefing: --pdf needs Chromium and chromedriver, which is not installed here; "
                      "install it with: apt-get install chromium chromium-driver (Debian/Ubuntu)\n")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("build, message", BAD, ids=[m for _, m in BAD])
def test_bad_input_exits_2_with_one_line_before_any_kernel_and_writes_nothing(
        build, message, tmp_path, existing, no_kernel):
    argv = build(existing, tmp_path)
    before = snapshot(tmp_path)
    status, _, stderr = run_main(argv)
    assert status == 2
    assert message in stderr
    assert stderr.startswith("briefing: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    assert snapshot(tmp_path) == before


def test_a_table_with_only_its_header_is_refused_before_any_kernel(tmp_path, existing, no_kernel):
    data = tmp_path / "data"
    make_dataset(data)
    (data / "stages.csv").write_text((data / "stages.csv").read_text().splitlines()[0] + "\n")
    before = snapshot(tmp_path)
    status, _, stderr = run_main(["--all", "--data", data, "--out", existing])
    assert status == 2
    assert "stages.csv, line 2" in stderr and "table has no rows" in stderr
    assert snapshot(tmp_path) == before


def test_a_read_only_output_folder_is_refused_before_any_kernel(tmp_path, monkeypatch, no_kernel):
    out = tmp_path / "reports"
    out.mkdir()
    out.chmod(0o555)
    if os.geteuid() == 0:  # root may write anywhere: let the check see what another user would
        monkeypatch.setattr(run.os, "access", lambda path, mode: Path(path) != out)
    status, _, stderr = run_main(["--platform", "WhatsApp", "--out", out])
    assert status == 2
    assert stderr == f"briefing: --out {out}: {out} is not writable\n"
    assert list(out.iterdir()) == []


# --- the command as a separate process ---------------------------------------------------------


@pytest.fixture(scope="module")
def slow_template(tmp_path_factory):
    return template_with(SLOW, tmp_path_factory.mktemp("slow") / "briefing.ipynb")


def start(template, *argv, **popen):
    """The command in a new process, rendering with ``template``."""
    code = ("import sys; from pathlib import Path; from analysis.briefing import cli, run; "
            "run.TEMPLATE = Path(sys.argv[1]); sys.exit(cli.main(sys.argv[2:]))")
    return subprocess.Popen([sys.executable, "-c", code, str(template), *map(str, argv)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def launched_kernels(tree) -> list:
    """The kernels in a process tree that were started as ``python -m ipykernel_launcher``."""
    return [p for p in tree if "ipykernel_launcher" in " ".join(_cmdline(p))]


def forked_kernels(tree) -> list:
    """The kernels in a process tree that a fork server forked (``briefing --all --fresh-kernels``)."""
    servers = {p.pid for p in tree if "multiprocessing.forkserver" in " ".join(_cmdline(p))}
    return [p for p in tree if _parent(p) in servers]


def wait_for_kernels(process, count, seconds=90, find=launched_kernels):
    """The command's process tree once ``count`` kernels (as ``find`` finds them) run in it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tree = psutil.Process(process.pid).children(recursive=True)
        if len(find(tree)) >= count:
            return tree
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"fewer than {count} kernels started in {seconds} s")


def _cmdline(process):
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def _parent(process) -> int | None:
    try:
        return process.ppid()
    except psutil.Error:  # it has ended
        return None


def kernel_folders(tree) -> set[Path]:
    """The private folders of the kernels in a process tree (their connection files are there)."""
    return {Path(arg).parent for p in tree for arg in _cmdline(p) if arg.endswith("connection.json")}


def assert_all_ended(tree, seconds=15):
    gone, alive = psutil.wait_procs(tree, timeout=seconds)
    assert not alive, [(p.pid, _cmdline(p)) for p in alive]


def test_kill_9_of_a_batch_ends_its_workers_and_kernels_and_leaves_no_folder(tiny, slow_template, tmp_path):
    process = start(slow_template, "--all", "--data", tiny, "--out", tmp_path / "out", "--workers", "2")
    tree = wait_for_kernels(process, 2)
    kernels = kernel_folders(tree)
    assert len(kernels) == 2 and all(folder.is_dir() for folder in kernels)
    process.kill()
    process.communicate(timeout=30)
    assert_all_ended(tree)
    assert not any(folder.exists() for folder in kernels), "the workers remove their kernels' folders"
    assert [f for f in scratch.remove_stale() if f.name.startswith(f"{scratch.PREFIX}batch-")] == [], \
        "the workers remove the batch's folder"


def test_kill_9_of_a_batch_in_new_kernels_ends_its_workers_fork_servers_and_kernels(tiny, slow_template, tmp_path,
                                                                                   short_tmp_factory):
    # Its own temporary folder: killed, the batch leaves its kernels' connection files and its servers' folders.
    process = start(slow_template, "--all", "--fresh-kernels", "--data", tiny, "--out", tmp_path / "out",
                    "--workers", "2", env={**os.environ, "TMPDIR": str(short_tmp_factory())})
    tree = wait_for_kernels(process, 2, find=forked_kernels)
    process.kill()
    process.communicate(timeout=30)
    assert_all_ended(tree)


def test_kill_9_of_one_briefing_ends_its_kernel_and_the_next_run_removes_its_folder(slow_template, tmp_path,
                                                                                      monkeypatch):
    # Its own temporary folder: the runs of other tests beside this one remove what they find stale.
    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    process = start(slow_template, "--platform", "WhatsApp", "--out", tmp_path / "out",
                    env={**os.environ, "TMPDIR": str(scratch_root)})
    tree = wait_for_kernels(process, 1)
    kernels = kernel_folders(tree)
    process.kill()
    process.communicate(timeout=30)
    assert_all_ended(tree)
    assert len(kernels) == 1 and all(folder.is_dir() for folder in kernels), \
        "the killed command could not remove its kernel's folder"
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))
    assert set(scratch.remove_stale()) >= kernels
    assert not any(folder.exists() for folder in kernels)


def driver_and_browser(tree) -> list:
    """The chromedriver and Chromium processes in a process tree, once both run."""
    found = [(p, name) for p in tree if (name := os.path.basename((_cmdline(p) or [""])[0]))
             in ("chromedriver", "chromium")]
    return [p for p, _ in found] if {name for _, name in found} == {"chromedriver", "chromium"} else []


@pytest.mark.skipif(shutil.which("chromium") is None or shutil.which("chromedriver") is None,
                    reason="needs chromium and chromedriver")
def test_kill_9_of_one_briefing_with_pdf_ends_its_browser(slow_template, tmp_path, short_tmp_factory):
    """The browser starts while the notebook runs; killed then, the command leaves no driver or browser."""
    process = start(slow_template, "--platform", "WhatsApp", "--out", tmp_path / "out", "--pdf",
                    env={**os.environ, "TMPDIR": str(short_tmp_factory())})
    tree = wait_for_kernels(process, 2, find=driver_and_browser)
    process.kill()
    process.communicate(timeout=30)
    assert_all_ended(tree)


def test_a_dead_worker_fails_its_briefing_and_the_others_finish(tiny, slow_template, tmp_path):
    out = tmp_path / "out"
    process = start(slow_template, "--all", "--lang", "en", "--data", tiny, "--out", out, "--workers", "2")
    tree = wait_for_kernels(process, 2)
    worker = next(p for p in tree if p.ppid() == process.pid)
    worker.kill()
    stdout, stderr = process.communicate(timeout=240)
    assert process.returncode == 1, stderr
    failed = [line for line in stderr.splitlines() if line.startswith("briefing: failed: ")]
    assert len(failed) == 1 and failed[0].endswith(": the worker rendering it died"), stderr
    assert "Traceback" not in stderr
    assert len(list(out.glob("telegram--*.html"))) == 5
    assert_all_ended(tree)


def test_a_second_batch_into_the_same_folder_is_refused_while_the_first_runs(tiny, slow_template, tmp_path):
    out = tmp_path / "out"
    first = start(slow_template, "--all", "--lang", "en", "--data", tiny, "--out", out, "--workers", "2")
    wait_for_kernels(first, 1)
    second = start(slow_template, "--all", "--lang", "en", "--data", tiny, "--out", out, "--workers", "2")
    _, stderr = second.communicate(timeout=60)
    assert second.returncode == 2
    assert stderr == f"briefing: another briefing run is writing to {out}; wait until it has finished, " \
                     "or choose another --out\n"
    _, stderr = first.communicate(timeout=240)
    assert first.returncode == 0, stderr
    assert len(list(out.glob("telegram--*.html"))) == 6
    assert not list(out.rglob(".tmp-*"))


def _small_files(limit):
    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_file_size


@pytest.mark.parametrize("limit", [40_000, 200_000])  # the executed notebook or the page cannot be written
def test_a_full_disk_keeps_the_earlier_files_and_leaves_no_partial_one(limit, tmp_path):
    """A file size limit stands in for a full disk: every write past it fails."""
    out = tmp_path / "out"
    name = "messenger--asia-pacific--2017-07-11"
    (out / run.EXECUTED).mkdir(parents=True)
    (out / f"{name}.html").write_text("<p>the earlier page</p>")
    (out / run.EXECUTED / f"{name}.ipynb").write_text('{"earlier": true}')
    before = snapshot(out)
    process = start(run.TEMPLATE, "--platform", "Messenger", "--region", "Asia-Pacific",
                    "--as-of", "2017-07-11", "--out", out, preexec_fn=_small_files(limit))
    _, stderr = process.communicate(timeout=240)
    assert process.returncode == 1, stderr
    assert stderr.startswith("briefing: could not write the briefing: [Errno 27] File too large")
    assert "Traceback" not in stderr
    assert snapshot(out) == {**before, out / LOCK_NAME: b""}
