"""Writing files so that nothing is ever half-written: temporary file, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMPORARY_PREFIX = ".tmp-"


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
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
