"""Rendered charts kept by everything they are drawn from, so that briefings sharing a chart draw it once."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import time
from pathlib import Path

import matplotlib as mpl
import pandas as pd

from ..data import Dataset
from ..files import write_atomic
from ..schema import TABLES


class Chart:
    """A rendered chart: PNG bytes and a text alternative; Jupyter shows it as an image."""

    def __init__(self, png: bytes, alt: str):
        self.png, self.alt = png, alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}

    def __repr__(self):
        return f"<Chart: {self.alt}>"


class ChartCache:
    """Charts by key, the oldest dropped beyond ``kept``; optionally shared with other processes.

    Parameters
    ----------
    kept : int
        The most charts kept in memory.
    shared : str or Path, optional
        A folder where processes drawing the same charts (the workers of a batch) leave them for
        each other.
    wait : float
        Seconds to wait for a chart another process is rendering before rendering it here.
    """

    def __init__(self, kept: int = 64, shared=None, wait: float = 30):
        self.kept, self.wait = kept, wait
        self.shared = Path(shared) if shared is not None else None
        self._charts: dict[tuple, Chart] = {}

    def share(self, folder) -> None:
        """Also keep rendered charts in ``folder``, for the other processes drawing the same charts."""
        self.shared = Path(folder)

    def clear(self) -> None:
        """Forget the charts kept in memory (the shared folder keeps its own)."""
        self._charts.clear()

    def get(self, key: tuple, render) -> Chart:
        """The chart kept under ``key``, else ``render()``'s, kept from now on."""
        chart = self._charts.get(key)
        if chart is None:
            chart = self._from_shared(key, render) if self.shared is not None else render()
            if len(self._charts) >= self.kept:
                del self._charts[next(iter(self._charts))]
            self._charts[key] = chart
        return chart

    def _from_shared(self, key: tuple, render) -> Chart:
        """The chart in the shared folder, or ``render()``'s, left there for the other processes.

        The process that renders a chart holds a lock on it; the others wait for its result, for
        at most ``wait`` seconds before they render it themselves. The lock is released when its
        holder finishes or dies. A chart that cannot be written to the folder is still returned.
        """
        import fcntl  # POSIX only, like the IPC kernels

        path = self.shared / f"{hashlib.sha256(repr(key).encode()).hexdigest()}.json"
        with open(path.with_suffix(".lock"), "a") as lock:
            deadline = time.monotonic() + self.wait
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.01)
            if path.exists():
                stored = json.loads(path.read_text(encoding="utf-8"))
                return Chart(base64.b64decode(stored["png"]), stored["alt"])
            chart = render()
            with contextlib.suppress(OSError):  # a full disk, say: the others draw it themselves
                write_atomic(path, json.dumps({"alt": chart.alt,
                                               "png": base64.b64encode(chart.png).decode("ascii")}))
            return chart


CHARTS = ChartCache()  # the charts of this process; a batch worker's kernel shares it with the others


def fingerprint(ds: Dataset) -> str:
    """A digest of every table as it is now (not as it was read): its columns, their types, and
    a hash of every value and index label.

    It depends on the values only, not on how the tables were made: tables read in two
    processes, or passed from one to another in a pickle, give the same digest.
    """
    digest = hashlib.sha256()
    for table in TABLES:
        frame = getattr(ds, table.name)
        digest.update(repr([(name, str(dtype)) for name, dtype in frame.dtypes.items()]).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


_BACKEND_SETTINGS = ("backend", "backend_fallback", "interactive")


def settings() -> str:
    """The matplotlib settings a chart is drawn with, as one digest (the same in every process).

    The backend settings are left out: the backend shows figures, and a chart saved to PNG is
    drawn by Agg whatever it is (a kernel's inline backend and a command's Agg draw the same chart)."""
    text = repr(sorted((key, repr(value)) for key, value in mpl.rcParams.items() if key not in _BACKEND_SETTINGS))
    return hashlib.sha256(text.encode()).hexdigest()
