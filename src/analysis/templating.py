"""Compiled Jinja templates kept on disk between processes, so that a process loads them instead
of compiling them again (about 0.1 s for a briefing's sentences and page)."""

from __future__ import annotations

import contextlib
from functools import cache

import jinja2


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """Jinja's cache in the user's private folder in the system's temporary folder. A template
    that cannot be written there (a full disk) is still rendered, and compiled again next time."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The cache of compiled templates, or None where no private folder can be made for it (then
    each process compiles its templates)."""
    try:
        return _QuietCache()
    except (OSError, RuntimeError):  # RuntimeError: the folder is not this user's alone
        return None
