"""Kernels that never leave a notebook run waiting for ever, and the warm kernel.

The warm kernel is one IPython kernel, started once, that runs many notebooks through papermill.
The kernel start and the heavy imports are paid once; before each notebook the kernel is put
back into the state of a new one (see ``kernelstate``). A notebook that fails, hangs past its
time limit or kills its kernel is reported, and the kernel is replaced before the next run.

Every kernel started here, warm or new (``KERNEL_MANAGER`` for papermill), reads its replies in
short polls: jupyter_client waits for a reply on a socket with one poll without a time limit, and
now and then the event loop misses the wake-up of that poll (one run in three of the notebook
with widgets, on a busy machine here); the reply has arrived, but the run waits for ever. A poll
with a time limit looks at the socket once more when its time is up, so a short one reads the
reply within ``POLL_SECONDS``.
"""

from __future__ import annotations

import os
import time
import weakref
from queue import Empty

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets import Type

from .. import scratch
from ..files import write_atomic

KERNEL_NAME = "python3"
KERNEL_MANAGER = "analysis.briefing.kernel.PollingKernelManager"  # for papermill's kernel_manager_class
POLL_SECONDS = 0.5  # the longest single wait for a kernel message
KILL_TIMEOUT = 5  # seconds a killed kernel may take to end


class PollingChannel(AsyncZMQSocketChannel):
    """A kernel channel that waits for a message in polls of at most ``POLL_SECONDS``."""

    async def get_msg(self, timeout: float | None = None) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SECONDS if deadline is None else max(deadline - time.monotonic(), 0)
            try:
                return await super().get_msg(timeout=min(left, POLL_SECONDS))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class PollingKernelClient(AsyncKernelClient):
    """A kernel client whose shell, iopub, stdin and control channels are ``PollingChannel``s."""

    shell_channel_class = Type(PollingChannel)
    iopub_channel_class = Type(PollingChannel)
    stdin_channel_class = Type(PollingChannel)
    control_channel_class = Type(PollingChannel)


class PollingKernelManager(AsyncKernelManager):
    """A kernel manager whose clients are ``PollingKernelClient``s, and that ends a kernel shut
    down ``now`` without delay."""

    client_factory = Type(PollingKernelClient)

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        """Stop the kernel; with ``now``, kill and reap it here first (jupyter_client would look for
        its end only every 0.1 s)."""
        if now and self.has_kernel:
            await self.provisioner.kill(restart=restart)
            self.provisioner.process.wait(timeout=KILL_TIMEOUT)
        await super().shutdown_kernel(now=now, restart=restart)


def private_sockets(folder) -> dict:
    """A kernel manager's settings for IPC sockets and a connection file in ``folder``: no TCP port
    two kernels could both pick, and no warning about unencrypted TCP."""
    return {"transport": "ipc", "ip": os.path.join(folder, "k"),
            "connection_file": os.path.join(folder, "connection.json")}


class KernelFailure(RuntimeError):
    """A run did not finish: it passed its time limit or its kernel died (the kernel was replaced)."""


_LIVE: weakref.WeakSet = weakref.WeakSet()  # the warm kernels of this process, from their start on


def abandon_all() -> None:
    """Kill every warm kernel of this process, also one still starting (see ``WarmKernel.abandon``)."""
    for kernel in list(_LIVE):
        kernel.abandon()


class WarmKernel:
    """An IPython kernel reused for many papermill runs, each starting as in a new kernel.

    Parameters
    ----------
    cwd : str or Path
        The working folder of the notebooks.
    preload : sequence of str
        Modules imported once, when the kernel starts.
    setup : str
        Code run once in each kernel after ``preload`` (its effects on modules last); read when the
        kernel is ready, so a kernel launched with ``wait=False`` may be given it until its first run.
    startup_timeout : float
        Seconds to wait for the kernel to start and import ``preload``.
    wait : bool
        Wait here until the kernel is ready; if False, the kernel starts while the caller goes on,
        and the first ``run`` waits for it (and raises what a start here would have raised).

    Use it as a context manager, or call ``close``.
    """

    def __init__(self, cwd, *, preload=(), setup: str = "", startup_timeout: float = 60, wait: bool = True):
        self.cwd = str(cwd)
        self.preload = list(preload)
        self.setup = setup
        self.startup_timeout = startup_timeout
        self.starts = 0  # how many kernels this object has made ready
        self.notebook = None  # the notebook of the current run, as far as it got
        self._km = self._kc = self._folder = None
        self._launch()
        if wait:
            self._ready()

    def run(self, notebook, output, parameters: dict, *, timeout: float | None = None):
        """Execute ``notebook`` with ``parameters``; write and return the executed notebook.

        Raises
        ------
        papermill.PapermillExecutionError
            A cell raised; the executed notebook with the traceback is at ``output``.
        KernelFailure
            The run passed ``timeout`` seconds or the kernel died; what ran is at ``output``.
        """
        import nbformat
        import papermill  # heavy: imported while a kernel launched with wait=False starts

        from .engine import ENGINE

        if self._kc is None:
            self._ready()
        deadline = time.monotonic() + timeout if timeout else None
        self.notebook = None
        try:
            self._call("import analysis.briefing.kernelstate; analysis.briefing.kernelstate.reset()",
                       self.startup_timeout)
            return papermill.execute_notebook(
                str(notebook), str(output), parameters=parameters, engine_name=ENGINE,
                kernel_name=KERNEL_NAME, progress_bar=False, request_save_on_cell_execute=False,
                warm_kernel=self, deadline=deadline)
        except papermill.PapermillExecutionError:
            self.restart()
            raise
        except Exception as error:
            reason = (f"timed out after {timeout:g} s" if deadline and time.monotonic() >= deadline
                      else f"the kernel failed: {type(error).__name__}: {error}")
            if self.notebook is not None:
                write_atomic(output, nbformat.writes(self.notebook))
            self.restart()
            raise KernelFailure(reason) from None
        except BaseException:
            self.close()
            raise

    def restart(self) -> None:
        """Replace the kernel by a new one (with ``preload`` imported)."""
        self.close()
        self._launch()
        self._ready()

    def close(self) -> None:
        """Stop the kernel at once and remove its sockets."""
        if self._kc is not None:
            self._kc.stop_channels()
            self._kc = None
        if self._km is not None:
            try:
                if self._km.has_kernel:
                    run_sync(self._km.shutdown_kernel)(now=True)
            finally:
                run_sync(self._km.cleanup_resources)()
                self._km = None
        if self._folder is not None:
            scratch.remove(self._folder)
            self._folder = None
        _LIVE.discard(self)

    def abandon(self) -> None:
        """Kill the kernel process and remove its folder, touching no socket: for a process
        that is about to exit from a signal handler or another thread."""
        process = getattr(self._km.provisioner, "process", None) if self._km is not None else None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=KILL_TIMEOUT)
        if self._folder is not None:
            scratch.remove(self._folder)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _launch(self) -> None:
        """Start the kernel process; it imports and listens while this process goes on."""
        _LIVE.add(self)
        self._folder = str(scratch.make("kernel"))
        self._km = PollingKernelManager(kernel_name=KERNEL_NAME, **private_sockets(self._folder))
        # The kernel imports ``preload`` as it starts, without waiting for this process to ask.
        preparing = f"__import__('analysis.briefing.kernelstate').briefing.kernelstate.prepare({self.preload!r})"
        try:
            run_sync(self._km.start_kernel)(
                cwd=self.cwd, extra_arguments=["--HistoryManager.hist_file=:memory:",
                                               f"--IPKernelApp.exec_lines={preparing}"])
        except BaseException:
            self.close()
            raise

    def _ready(self) -> None:
        """Wait for the launched kernel to answer, then check that it imported ``preload`` and run
        ``setup`` in it."""
        try:
            self._kc = self._km.client()
            self._kc.start_channels()
            run_sync(self._kc.wait_for_ready)(timeout=self.startup_timeout)
            # Done as the kernel started, so instant here, unless it failed there: then it fails
            # again, and says why.
            self._call(f"import analysis.briefing.kernelstate; analysis.briefing.kernelstate.prepare({self.preload!r})",
                       self.startup_timeout)
            if self.setup:
                self._call(self.setup, self.startup_timeout)
        except BaseException:
            self.close()
            raise
        self.starts += 1

    def _call(self, code: str, timeout: float) -> None:
        """Run code silently (no output, no execution count); raise KernelFailure if it fails."""
        reply = run_sync(self._kc.execute_interactive)(
            code, silent=True, store_history=False, timeout=timeout, output_hook=lambda msg: None)
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelFailure(f"{code!r} failed in the kernel: {content.get('ename')}: "
                                f"{content.get('evalue')}")
