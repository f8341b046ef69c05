"""Writing files so that nothing is ever half-written (temporary file, then rename), and the
output folder's lock."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMPORARY_PREFIX = ".tmp-"
LOCK_NAME = ".briefing.lock"


class FolderBusy(RuntimeError):
    """Another process holds the lock of an output folder."""


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8, or bytes) to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX, suffix=path.suffix)
    try:
        with (os.fdopen(handle, "wb") if isinstance(content, bytes) else
              os.fdopen(handle, "w", encoding="utf-8")) as out:
            out.write(content)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the result is to be shared
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path


def remove_temporaries(folder: str | Path) -> list[Path]:
    """Delete temporary files an interrupted run left in ``folder``; return what was removed."""
    removed = sorted(Path(folder).glob(f"{TEMPORARY_PREFIX}*")) if Path(folder).is_dir() else []
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


@contextmanager
def replaced_atomically(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` for a writer that writes in place (papermill).

    When the block ends, the temporary file is renamed to ``path``; also when the block raises
    an error after the writer finished its file (a failed notebook is kept for inspection). On
    an ``OSError`` (a full disk, say) or an interruption it is removed and ``path`` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX, suffix=path.suffix)
    os.close(handle)
    try:
        yield Path(temporary)
    except Exception as error:
        if isinstance(error, OSError) or not os.path.getsize(temporary):
            os.unlink(temporary)
        else:
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        raise
    except BaseException:
        os.unlink(temporary)
        raise
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


@contextmanager
def folder_lock(folder: str | Path) -> Iterator[None]:
    """Hold the lock of an output folder for the block; raise ``FolderBusy`` if another holds it."""
    import fcntl  # POSIX only: the command's output folders

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / LOCK_NAME, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            raise FolderBusy(f"another briefing run is writing to {folder}; wait until it has "
                             "finished, or choose another --out") from None
        yield
    finally:
        os.close(descriptor)
