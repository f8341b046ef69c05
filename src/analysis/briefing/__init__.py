"""Briefings: one platform, region and date as a page a client reads; the run, the batch and the command.

One job per module: ``content`` (each section's facts in words, and its charts), ``chartcache``,
``export`` (the page), ``kernel``, ``engine`` and ``kernelstate`` (the warm kernel), ``notebook``
(the template and its kernel's launch), ``run`` (one briefing), ``batch`` (the grid, its manifest
and index), ``cli`` (the ``briefing`` command's options) and ``command`` (the console command).
A kernel rendering a briefing imports ``content`` only: none of the run, batch or command code.
"""

import importlib

_EXPORTS = {"render_briefing": "run", "BriefingFailed": "run", "output_name": "run",
            "render_all": "batch", "BatchResult": "batch", "grid": "batch", "main": "cli"}

__all__ = list(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'analysis.briefing' has no attribute {name!r}")
