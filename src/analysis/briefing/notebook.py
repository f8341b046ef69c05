"""The briefing notebook: where it is, what its kernel imports, and that kernel's launch.

Light to import (no pandas, no matplotlib), so that the ``briefing`` command can launch the
kernel of a briefing before it imports them itself (see ``command``).
"""

from __future__ import annotations

from pathlib import Path

from .kernel import WarmKernel

TEMPLATE = Path(__file__).resolve().parents[3] / "notebooks" / "briefing.ipynb"
PRELOAD = ("analysis.briefing.content", "analysis.charts", "matplotlib.pyplot", "IPython.display")
START_TIMEOUT = 60  # seconds a new kernel may take to start


def launch_kernel(folder=TEMPLATE.parent) -> WarmKernel:
    """A kernel for briefings run in ``folder``, launched without waiting for it: it starts and
    imports ``PRELOAD`` while the caller goes on."""
    return WarmKernel(folder, preload=PRELOAD, startup_timeout=START_TIMEOUT, wait=False)
