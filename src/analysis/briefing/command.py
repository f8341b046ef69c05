"""The ``briefing`` console command: ``cli.main``, with the kernel of a single briefing launched first.

A kernel takes about a second to start and import pandas and matplotlib, and the command about
half of that to import them, load the data and check its parameters. So, for a single briefing,
the kernel is launched before anything else (this module imports neither), and starts while the
command works; parameters that turn out bad stop it before anything is written.
"""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys
import threading
from typing import NoReturn

from .notebook import launch_kernel


def run() -> NoReturn:
    """The console command: ``cli.main``, then an exit that skips tearing down the interpreter's
    objects (a quarter of a second with pandas and matplotlib loaded). By then every file is
    written and closed and every kernel has ended; the exit handlers still run. A thread still
    running gets the usual exit, which waits for it."""
    argv = sys.argv[1:]
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # ends the kernel as Ctrl-C does
    single = one_briefing(argv)
    if single:
        gc.disable()  # a run of a few seconds: what it makes lasts to its end, collecting it is wasted
    try:
        kernel = launch_kernel() if single else None
        try:
            from .cli import main
            status = main(argv, kernel=kernel)
        finally:
            if kernel is not None:
                kernel.close()
    except KeyboardInterrupt:
        print("briefing: interrupted; nothing written", file=sys.stderr)
        status = 130
    if threading.active_count() > 1:
        sys.exit(status)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def one_briefing(argv) -> bool:
    """Whether ``argv`` asks for a single briefing (``--platform``, without ``--all`` or ``--help``)."""
    options = {arg.split("=", 1)[0] for arg in argv if arg.startswith("-")}
    return "--platform" in options and not options & {"--all", "-h", "--help"}
