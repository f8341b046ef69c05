"""Kernels forked from the preloaded server: each as new as one the kernel spec starts, and none
outlives its owner."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import papermill
import psutil
import pytest

from analysis import scratch
from analysis.briefing import forked
from analysis.briefing.kernel import KERNEL_MANAGER

# What a kernel reports about itself; it also leaves a mark on a module, for the next kernel to find.
PROBE = """\
import json, os, sys
from ipykernel.connect import get_connection_file, get_connection_info
preloaded = sorted(name for name in ("pandas", "matplotlib", "seaborn") if name in sys.modules)
import matplotlib.pyplot
print(json.dumps({"preloaded": preloaded, "cwd": os.getcwd(), "own_session": os.getsid(0) == os.getpid(),
                  "transport": get_connection_info(unpack=True)["transport"], "connection": get_connection_file(),
                  "backend": matplotlib.get_backend(), "pid": os.getpid(), "variable": os.environ.get("PROBE_VARIABLE"),
                  "marked": hasattr(json, "marked_by_a_kernel"), "names": sorted(n for n in globals() if n[0] != "_")}))
json.marked_by_a_kernel = True
"""
LAUNCH = [sys.executable, "-m", "ipykernel_launcher", "-f", "connection.json"]


def probe(folder, manager) -> dict:
    """What a kernel started by ``manager`` (papermill's kernel_manager_class) in ``folder`` reports."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(PROBE)]
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    done = papermill.execute_notebook(str(path), str(path), kernel_name="python3", kernel_manager_class=manager,
                                      cwd=str(folder), progress_bar=False, start_timeout=60, execution_timeout=60,
                                      shutdown_kernel="immediate")
    return json.loads(done.cells[0].outputs[0]["text"])


def test_a_forked_kernel_starts_as_the_kernel_spec_would_start_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBE_VARIABLE", "set before the start")
    new, fork = probe(tmp_path, KERNEL_MANAGER), probe(tmp_path, forked.FORKING_MANAGER)
    assert new["preloaded"] == [] and fork["preloaded"] == ["matplotlib", "pandas", "seaborn"], \
        "the forked kernel has the server's imports; a new one has none"
    for key in ("cwd", "own_session", "backend", "variable", "marked", "names"):
        assert fork[key] == new[key], key
    assert fork["cwd"] == str(tmp_path) and fork["own_session"] and fork["variable"] == "set before the start"
    assert fork["backend"] == "module://matplotlib_inline.backend_inline"


def test_kernels_forked_one_after_another_share_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBE_VARIABLE", "first")
    first = probe(tmp_path, forked.FORKING_MANAGER)
    monkeypatch.setenv("PROBE_VARIABLE", "second")  # the server started with the first value
    second = probe(tmp_path, forked.FORKING_MANAGER)
    assert first["pid"] != second["pid"]
    assert not first["marked"] and not second["marked"], "a module changed by one kernel is new in the next"
    assert (first["variable"], second["variable"]) == ("first", "second")


def test_a_forked_kernel_talks_over_ipc_in_a_private_folder_removed_after_its_run(tmp_path):
    fork = probe(tmp_path, forked.FORKING_MANAGER)
    folder = Path(fork["connection"]).parent
    assert fork["transport"] == "ipc"
    assert folder.name.startswith(f"{scratch.PREFIX}kernel-") and not folder.exists()


def test_the_folder_of_a_forked_kernel_that_died_is_removed_too(tmp_path, monkeypatch):
    made = []

    def make(kind, make=scratch.make):
        made.append(make(kind))
        return made[-1]

    monkeypatch.setattr(scratch, "make", make)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; os._exit(1)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    with pytest.raises(Exception, match="[Kk]ernel died"):
        papermill.execute_notebook(nb, str(tmp_path / "out.ipynb"), kernel_name="python3", progress_bar=False,
                                   kernel_manager_class=forked.FORKING_MANAGER, start_timeout=60,
                                   execution_timeout=60)
    assert len(made) == 1 and not made[0].exists()


@pytest.mark.parametrize("cmd, launch, expected", [
    (LAUNCH, {}, True),
    (LAUNCH, {"stdout": None, "cwd": "/tmp", "env": {}}, True),
    (LAUNCH, {"stdout": subprocess.PIPE}, False),
    (LAUNCH, {"stdin": subprocess.PIPE}, False),
    (["/opt/another-environment/bin/python", *LAUNCH[1:]], {}, False),
    ([sys.executable, "-m", "other_kernel", "-f", "connection.json"], {}, False),
    ([sys.executable, "-m", "ipykernel_launcher"], {}, False),
])
def test_only_this_interpreters_ipykernel_without_pipes_is_forked(cmd, launch, expected):
    assert forked.forkable(cmd, **launch) is expected


def test_the_server_and_its_kernels_end_with_the_process_that_started_them(tmp_path, short_tmp_factory):
    """A process that ran a forked kernel, killed with the kernel still running: nothing is left."""
    cell = "open('started', 'w').close(); import time; time.sleep(600)"
    code = ("import sys, nbformat, papermill; from analysis.briefing import forked\n"
            f"nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell({cell!r})])\n"
            "nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}\n"
            "papermill.execute_notebook(nb, sys.argv[1], kernel_name='python3', progress_bar=False,\n"
            "                           kernel_manager_class=forked.FORKING_MANAGER)\n")
    # Its own temporary folder: killed, the owner leaves its kernel's connection file and its server's folder.
    owner = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "out.ipynb")], cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**os.environ, "TMPDIR": str(short_tmp_factory())})
    try:
        wait_for(tmp_path / "started", owner)
        tree = psutil.Process(owner.pid).children(recursive=True)
        # The server, multiprocessing's resource tracker, and the kernel the server forked.
        kernel, = (p for p in tree if p.ppid() != owner.pid)
        assert kernel.cwd() == str(tmp_path) and os.getsid(kernel.pid) == kernel.pid
    finally:
        owner.kill()
        owner.wait(timeout=30)
    gone, alive = psutil.wait_procs(tree, timeout=15)
    assert not alive, [(p.pid, p.cmdline()) for p in alive]


def wait_for(path, owner, seconds=90) -> None:
    """Return once ``path`` exists; kill ``owner`` and fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline or owner.poll() is not None:
            owner.kill()
            raise AssertionError(f"{path.name} was not written in {seconds} s")
        time.sleep(0.2)
