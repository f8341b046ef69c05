"""New kernels forked from a process that has imported what a briefing needs, and nothing run.

A kernel started the usual way (``python -m ipykernel_launcher``) spends most of its start on
imports: ipykernel, pandas, matplotlib and seaborn take about 0.8 s of CPU time, more than a
briefing's sentences and data. ``ForkingKernelManager`` starts papermill's new kernels from
multiprocessing's fork server instead, which imported ``SERVER_PRELOAD`` once. Each kernel is
still a new process in its own session, with the environment, folder and arguments the kernel
spec gives it, that has run no notebook before.

The server ends with the process that started it; a kernel ends itself when the server is gone
(ipykernel's parent poller), so none outlives the batch that made it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
import uuid

from jupyter_client.provisioning import LocalProvisioner

from .. import scratch
from .kernel import PollingKernelManager, private_sockets

SERVER_PRELOAD = ["ipykernel.kernelapp", "analysis.briefing.content", "analysis.charts", "IPython.display"]
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # ipykernel's default for matplotlib
LAUNCHER = ["-m", "ipykernel_launcher"]  # the kernel spec's command after the interpreter
FORKING_MANAGER = "analysis.briefing.forked.ForkingKernelManager"  # for papermill's kernel_manager_class


def forkable(cmd: list[str], **launch) -> bool:
    """Whether the kernel command ``cmd`` (with jupyter_client's launch arguments) can be forked
    from the server: this interpreter (a link to it may be another environment) running
    ipykernel_launcher, with no pipe to its input or output."""
    return ("forkserver" in multiprocessing.get_all_start_methods()  # not on Windows
            and len(cmd) > 3 and os.path.abspath(cmd[0]) == os.path.abspath(sys.executable)
            and cmd[1:3] == LAUNCHER and all(launch.get(pipe) is None for pipe in ("stdin", "stdout", "stderr")))


def _run_kernel(arguments: list[str], env: dict, cwd: str) -> None:
    """In the forked process: become the kernel ``python -m ipykernel_launcher arguments`` would
    have started, in its own session, with ``env`` and in ``cwd``."""
    # One started by jupyter_client inherits no descriptor but its standard streams. This one holds
    # the server's and its owner's ends of pipes: kept, they would keep the server alive.
    sys.stdin.close()  # multiprocessing's /dev/null, closed before its number is another's
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    sys.stdin = open(os.devnull, encoding="utf-8")
    os.setsid()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    from ipykernel import kernelapp

    # The parent to outlive no more is the server, which ends with its owner (ipykernel read
    # JPY_PARENT_PID in the server, before this kernel's environment was set).
    kernelapp.launch_new_instance(argv=[*arguments, f"--IPKernelApp.parent_handle={os.getppid()}"])


@contextlib.contextmanager
def _server_environment():
    """The environment the fork server starts in: this process's, with the matplotlib backend a
    new kernel sets before anything imports matplotlib (the server imports it)."""
    default = "MPLBACKEND" not in os.environ
    if default:
        os.environ["MPLBACKEND"] = INLINE_BACKEND
    try:
        yield
    finally:
        if default:
            del os.environ["MPLBACKEND"]


class ForkedProcess:
    """The part of ``subprocess.Popen`` that ``LocalProvisioner`` uses, for a forked kernel."""

    stdin = stdout = stderr = None

    def __init__(self, process: multiprocessing.Process):
        self._process = process
        self.pid = process.pid

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
        return self._process.exitcode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:  # as Popen: an ended kernel's number may be another process's
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self._process.kill()

    def terminate(self) -> None:
        self._process.terminate()


class ForkingProvisioner(LocalProvisioner):
    """Launches the kernel spec's ``python -m ipykernel_launcher`` as a fork of the fork server
    when the spec's interpreter is this one and no pipe is asked for; as a new process otherwise."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        if not forkable(cmd, **kwargs):
            return await super().launch_kernel(cmd, **kwargs)
        self.cwd = str(kwargs.get("cwd") or os.getcwd())
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(SERVER_PRELOAD)
        process = context.Process(target=_run_kernel, daemon=True, name="kernel",
                                  args=(cmd[3:], kwargs.get("env") or dict(os.environ), self.cwd))
        with _server_environment():  # read if this start starts the server
            process.start()
        self.process = ForkedProcess(process)
        self.pid = self.pgid = process.pid  # its own session: the group LocalProvisioner signals
        return self.connection_info


class ForkingKernelManager(PollingKernelManager):
    """A ``PollingKernelManager`` whose kernels are forked (see ``ForkingProvisioner``) and, as a
    warm kernel, talk over IPC sockets in a private folder (see ``scratch``): no TCP port two
    kernels could both pick, no warning about unencrypted TCP, and the connection file in a
    folder that the next run removes if this process is killed."""

    _folder = None  # the kernel's private folder, while it has one

    async def _async_pre_start_kernel(self, **kwargs):
        if self.provisioner is None:  # not None on restarts
            self.kernel_id = self.kernel_id or kwargs.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkingProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                  parent=self)
            self._folder = scratch.make("kernel")
            for name, value in private_sockets(self._folder).items():
                self.set_trait(name, value)
        return await super()._async_pre_start_kernel(**kwargs)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._folder is not None:
            scratch.remove(self._folder)
            self._folder = None

    cleanup_resources = _async_cleanup_resources  # what papermill calls (the base class binds its own)
