"""``python -m analysis.briefing``: the ``briefing`` command."""

import sys

from .cli import main

sys.exit(main())
