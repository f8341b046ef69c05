"""``python -m analysis.briefing``: the ``briefing`` command."""

from .cli import run

run()
