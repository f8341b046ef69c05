"""Runs inside a warm kernel: import the heavy modules once, then give every notebook a fresh start.

``prepare`` is called once, after the kernel starts; ``reset`` before each notebook. Between the
two calls, a notebook may change anything; ``reset`` puts back what a new kernel would have:
an empty namespace and execution count 1, no figures, pandas' options at their defaults, and the
matplotlib settings, numpy print options, working folder, environment, import path and warning
filters of the moment ``prepare`` finished.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import warnings

from ..garbage import collection_paused

_saved: dict = {}


def prepare(modules=()) -> None:
    """Import ``modules`` and remember the state that ``reset`` restores."""
    with collection_paused():
        for name in modules:
            importlib.import_module(name)
    _saved.update(cwd=os.getcwd(), environ=dict(os.environ), path=list(sys.path),
                  warnings=list(warnings.filters), rc=_rc_params(),
                  numpy=sys.modules["numpy"].get_printoptions() if "numpy" in sys.modules else None)
    # What is imported now lives as long as the kernel: keep the garbage collector, which
    # IPython's reset runs in full, from scanning it again before every notebook.
    gc.freeze()


def reset() -> None:
    """Restore the state remembered by ``prepare`` and clear the user namespace."""
    if not _saved:
        raise RuntimeError("kernelstate.prepare() has not run in this kernel")
    from IPython import get_ipython

    get_ipython().reset(new_session=True)  # namespace, history, Out, execution count
    os.chdir(_saved["cwd"])
    os.environ.clear()
    os.environ.update(_saved["environ"])
    sys.path[:] = _saved["path"]
    warnings.filters[:] = _saved["warnings"]
    warnings._filters_mutated()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if _saved["numpy"] is not None:
        sys.modules["numpy"].set_printoptions(**_saved["numpy"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # setting deprecated pandas options or rc keys warns
        if "pandas" in sys.modules:
            sys.modules["pandas"].reset_option("all")
        if _saved["rc"] is not None:
            sys.modules["matplotlib"].rcParams.update(_saved["rc"])  # the set of keys is fixed


def _rc_params():
    if "matplotlib" not in sys.modules:
        return None
    rc = dict(sys.modules["matplotlib"].rcParams)
    # The backend sets these two when it first draws; restoring them would undo that.
    del rc["backend"], rc["interactive"]
    return rc
