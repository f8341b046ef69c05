"""``python -m analysis.briefing``: the ``briefing`` command."""

from .command import run

run()
