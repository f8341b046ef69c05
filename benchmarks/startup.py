"""What a new process pays before it does anything: `import analysis` against `import pandas`, and `briefing --help`.

    python benchmarks/startup.py [--repeat 9]

Each figure is the median over new Python processes; imports are timed inside the process
(interpreter start excluded), the command from outside (everything included).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL_IMPORT_RATIO = 1.5
GOAL_HELP_SECONDS = 1.0
BIN = Path(sys.executable).parent


# `import analysis` loads its modules on first use: its figure includes the first use of a
# function from each module the public names come from (pandas with them; not the charts).
IMPORTS = {"pandas": "import pandas",
           "analysis": "import analysis; analysis.load, analysis.stage_at, analysis.mau_at, analysis.events, "
                       "analysis.compare, analysis.monetization_paths, analysis.product_states"}


def import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); {IMPORTS[module]}; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    return float(done.stdout)


def command_seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True, timeout=120)
    return time.perf_counter() - start


def median(function, *args, repeat: int) -> float:
    return statistics.median(function(*args) for _ in range(repeat))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="processes per figure; the median is shown")
    args = parser.parse_args(argv)

    pandas = median(import_seconds, "pandas", repeat=args.repeat)
    analysis = median(import_seconds, "analysis", repeat=args.repeat)
    ratio = analysis / pandas
    help_seconds = median(command_seconds, [str(BIN / "briefing"), "--help"], repeat=args.repeat)
    import_met = ratio <= GOAL_IMPORT_RATIO
    help_met = help_seconds < GOAL_HELP_SECONDS
    print(f"import pandas    {pandas:.3f} s")
    print(f"import analysis  {analysis:.3f} s  = {ratio:.2f} x pandas "
          f"(goal <= {GOAL_IMPORT_RATIO}: {'met' if import_met else 'NOT met'})")
    print(f"briefing --help  {help_seconds:.3f} s  (goal < {GOAL_HELP_SECONDS:g} s: "
          f"{'met' if help_met else 'NOT met'})")
    return 0 if import_met and help_met else 1


if __name__ == "__main__":
    sys.exit(main())
