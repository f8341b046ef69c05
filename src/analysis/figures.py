"""Render the README's pictures from the real data: ``python -m analysis.figures docs``."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from . import charts, style  # noqa: E402
from .data import load  # noqa: E402


def render(folder: str | Path) -> list[Path]:
    """Write the README's charts as PNG files into ``folder``; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    style.use_theme()
    ds = load()
    written = []
    for name, draw in (
        ("stage-progression.png", lambda ax: charts.stage_progression(ds, ax=ax)),
        ("user-growth.png", lambda ax: charts.user_growth(ds, log=True, ax=ax)),
    ):
        fig, ax = plt.subplots(figsize=(11, 5.5))
        draw(ax)
        path = folder / name
        temporary = path.with_suffix(".tmp.png")
        fig.savefig(temporary, metadata={"Software": None})
        plt.close(fig)
        temporary.replace(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in render(sys.argv[1] if len(sys.argv) > 1 else "docs"):
        print(path)
