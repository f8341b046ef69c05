"""The warm kernel: every run starts as in a new kernel; failures, hangs and crashes are contained."""

import asyncio
import contextlib
import json
import time
from pathlib import Path

import nbformat
import papermill
import pytest
import zmq
import zmq.asyncio
from jupyter_client.session import Session
from jupyter_core.utils import ensure_event_loop, run_sync

from analysis.briefing.kernel import KERNEL_MANAGER, KernelFailure, PollingChannel, WarmKernel

# Most of its time is spent waiting for time limits: a parallel run starts it early.
pytestmark = pytest.mark.early(1)


def notebook(folder, name, *cells, parameters="value = None"):
    """A notebook file whose first cell is tagged parameters."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def printed(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.output_type == "stream")


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kernel")
    with WarmKernel(folder, preload=["matplotlib.pyplot"]) as warm:
        yield warm


@pytest.fixture
def folder(tmp_path):
    return tmp_path


MESS = """
import os, sys, warnings
import matplotlib, matplotlib.pyplot as plt
import numpy, pandas
leftover = 42
pandas.set_option("display.precision", 1)
numpy.set_printoptions(precision=2)
matplotlib.rcParams["lines.linewidth"] = 9.5
plt.figure()
os.environ["LEFTOVER_VARIABLE"] = "1"
sys.path.append("/leftover/path")
warnings.simplefilter("error")
os.chdir("/")
"""

CHECK = """
import os, sys, warnings, json
import matplotlib, matplotlib.pyplot as plt
import numpy, pandas
print(json.dumps({
    "leftover": "leftover" in globals(),
    "linewidth": matplotlib.rcParams["lines.linewidth"],
    "pandas_precision": pandas.get_option("display.precision"),
    "numpy_precision": numpy.get_printoptions()["precision"],
    "figures": len(plt.get_fignums()),
    "environ": "LEFTOVER_VARIABLE" in os.environ,
    "path": "/leftover/path" in sys.path,
    "error_filter": any(f[0] == "error" for f in warnings.filters),
    "cwd": os.getcwd(),
    "value": value,
}))
"""


def check(kernel, folder, name="check", value="x"):
    nb = kernel.run(notebook(folder, name, CHECK), folder / f"{name}-out.ipynb", {"value": value})
    return json.loads(printed(nb)), nb


def test_a_run_gets_its_parameters_and_keeps_its_outputs(kernel, folder):
    state, nb = check(kernel, folder, value="hello")
    assert state["value"] == "hello"
    assert (folder / "check-out.ipynb").is_file()
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3]


def test_a_run_starts_as_in_a_new_kernel(kernel, folder):
    fresh, _ = check(kernel, folder, "before")
    kernel.run(notebook(folder, "mess", MESS), folder / "mess-out.ipynb", {})
    after, _ = check(kernel, folder, "after")
    assert after == fresh
    assert after["leftover"] is False and after["figures"] == 0 and after["environ"] is False
    assert after["cwd"] == kernel.cwd


def test_a_failing_run_is_reported_and_the_next_run_gets_a_new_kernel(kernel, folder):
    starts = kernel.starts
    failing = notebook(folder, "fails", "poisoned = True", "raise ValueError('deliberate')")
    with pytest.raises(papermill.PapermillExecutionError, match="deliberate"):
        kernel.run(failing, folder / "fails-out.ipynb", {})
    assert kernel.starts == starts + 1
    assert "deliberate" in (folder / "fails-out.ipynb").read_text()
    nb = kernel.run(notebook(folder, "next", "print('poisoned' in globals())"), folder / "next-out.ipynb", {})
    assert printed(nb).strip() == "False"


def test_a_hanging_run_is_stopped_at_its_timeout(kernel, folder):
    starts = kernel.starts
    hanging = notebook(folder, "hangs", "print('started', flush=True)", "import time\ntime.sleep(600)")
    began = time.monotonic()
    with pytest.raises(KernelFailure, match="timed out after 3 s"):
        kernel.run(hanging, folder / "hangs-out.ipynb", {}, timeout=3)
    assert time.monotonic() - began < 30
    assert kernel.starts == starts + 1
    kept = nbformat.read(folder / "hangs-out.ipynb", as_version=4)
    assert "started" in printed(kept)
    assert check(kernel, folder, "after-hang")[0]["value"] == "x"


def test_a_run_that_kills_its_kernel_is_reported_and_the_kernel_replaced(kernel, folder):
    starts = kernel.starts
    with pytest.raises(KernelFailure, match="kernel failed"):
        kernel.run(notebook(folder, "dies", "import os\nos._exit(3)"), folder / "dies-out.ipynb", {},
                   timeout=60)
    assert kernel.starts == starts + 1
    assert check(kernel, folder, "after-death")[0]["value"] == "x"


def test_the_kernel_talks_over_ipc_sockets_in_its_own_folder(kernel):
    connection = json.loads(open(kernel._km.connection_file).read())
    assert connection["transport"] == "ipc"
    assert connection["ip"].startswith(kernel._folder)


def test_close_stops_the_kernel_and_removes_its_folder(tmp_path):
    warm = WarmKernel(tmp_path)
    manager, folder = warm._km, warm._folder
    warm.close()
    assert not manager.has_kernel
    assert not (tmp_path / folder).exists()


def test_a_kernel_launched_without_waiting_is_ready_at_its_first_run(tmp_path):
    with WarmKernel(tmp_path, preload=["json"], wait=False) as warm:
        assert warm.starts == 0 and warm._km.has_kernel  # launched, not yet waited for
        state, _ = check(warm, tmp_path, value="first")
        assert state["value"] == "first" and not state["leftover"]
        assert warm.starts == 1


def test_a_kernel_imports_its_preload_as_it_starts_without_being_asked(tmp_path):
    marker = tmp_path / "imported"
    (tmp_path / "announce.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    with WarmKernel(tmp_path, preload=["announce"], wait=False) as warm:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists() and warm.starts == 0  # imported before anything was asked of it


def test_a_kernel_launched_without_waiting_reports_a_failed_start_at_its_first_run(tmp_path):
    warm = WarmKernel(tmp_path, preload=["no_such_module_here"], wait=False)
    process, folder = warm._km.provisioner.process, warm._folder
    with pytest.raises(KernelFailure, match="ModuleNotFoundError: No module named 'no_such_module_here'"):
        check(warm, tmp_path)
    assert process.poll() is not None and not Path(folder).exists()


def test_closing_a_kernel_that_is_still_starting_ends_it(tmp_path):
    warm = WarmKernel(tmp_path, preload=["matplotlib.pyplot"], wait=False)
    process, folder = warm._km.provisioner.process, warm._folder
    warm.close()
    assert process.poll() is not None and not Path(folder).exists()


def test_a_polling_channel_reads_a_message_whose_wake_up_was_missed():
    """A poll without a time limit never returns if the loop misses its wake-up (here the
    socket is taken off the loop, as a stale task did); the channel's polls have a limit, and
    look at the socket once more when it is up."""
    context = zmq.asyncio.Context()
    reader, writer = context.socket(zmq.PAIR), context.socket(zmq.PAIR)
    reader.bind("inproc://missed"), writer.connect("inproc://missed")
    session = Session()
    channel = PollingChannel(reader, session, ensure_event_loop())

    async def missed_wake_up():
        waiting = asyncio.ensure_future(channel.get_msg())
        await asyncio.sleep(0.1)
        asyncio.get_running_loop().remove_reader(reader.FD)
        writer.send_multipart(session.serialize(session.msg("kernel_info_request")))
        return await asyncio.wait_for(waiting, timeout=5)

    try:
        message = run_sync(missed_wake_up)()
    finally:
        reader.close(), writer.close(), context.term()
    assert message["header"]["msg_type"] == "kernel_info_request"


EXPLORE = Path(__file__).resolve().parents[1] / "notebooks" / "00-explore.ipynb"


def test_the_sequence_that_hung_runs_many_times_in_one_process(kernel, folder):
    """Warm runs (one stopped at its time limit) and then a notebook with widgets in a new
    kernel, as the suite runs them: each new-kernel run ends well before its time limit."""
    for attempt in range(4):
        with contextlib.suppress(KernelFailure):
            kernel.run(notebook(folder, "stuck", "import time\ntime.sleep(600)"),
                       folder / "stuck-out.ipynb", {}, timeout=1)
        began = time.monotonic()
        papermill.execute_notebook(str(EXPLORE), str(folder / "explore.ipynb"), kernel_name="python3",
                                   kernel_manager_class=KERNEL_MANAGER, cwd=str(EXPLORE.parent),
                                   progress_bar=False, execution_timeout=60, start_timeout=60)
        assert time.monotonic() - began < 30, f"attempt {attempt}: a reply was waited for"
