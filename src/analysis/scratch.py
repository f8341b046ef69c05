"""Private temporary folders that outlive no process: removed on close, or by the next run if
their owner was killed.

Each folder holds a lock file that its owner keeps locked (``flock``) while it lives. The
operating system releases the lock when the owner ends, however it ends (``kill -9``
included), so a folder whose lock can be taken belongs to nobody and is removed by
``remove_stale``; so is one that has had no lock file for ``UNLOCKED_SECONDS`` (its owner
ended while it removed it).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "analysis-"
LOCK = ".owner"
UNLOCKED_SECONDS = 60  # a folder without its lock file this long is the rest of an interrupted removal

_held: dict[Path, tuple[int, int]] = {}  # folder -> (the process that made it, its locked lock file)


def make(kind: str) -> Path:
    """A new private folder ``<tmp>/analysis-<kind>-XXXX``, locked by this process."""
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-"))
    descriptor = os.open(folder / LOCK, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    _held[folder] = (os.getpid(), descriptor)
    return folder


def remove(folder: str | Path) -> None:
    """Delete a folder made by ``make`` and release its lock."""
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    _, descriptor = _held.pop(folder, (None, None))
    if descriptor is not None:
        os.close(descriptor)


def remove_own() -> None:
    """Delete every folder this process made (not those a forked process inherited)."""
    for folder, (owner, _) in list(_held.items()):
        if owner == os.getpid():
            remove(folder)


def remove_stale() -> list[Path]:
    """Delete the folders whose owner has ended; return them."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        if folder in _held or not folder.is_dir():
            continue
        if not (folder / LOCK).is_file():  # being made, or left half-removed by a process that ended
            if time.time() - folder.stat().st_mtime > UNLOCKED_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
            continue
        try:
            descriptor = os.open(folder / LOCK, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # its owner is alive
        else:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            os.close(descriptor)
    return removed
