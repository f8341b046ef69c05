"""Python's garbage collector paused while a step makes many objects that last and no garbage."""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def collection_paused():
    """No garbage collection inside the block, and the collector as it was after it.

    Reading a table makes an object for every cell, importing a package one for every function,
    and each collection would walk them all again (half the time of a large read, a sixth of
    the imports of a briefing's kernel).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
