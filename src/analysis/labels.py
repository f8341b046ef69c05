"""The fixed words of every page (headings, table headers, stage, region and kind names) in English
and German, from ``templates/words/labels.csv``."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files

from .schema import LANGUAGES

LABELS = files("analysis") / "templates" / "words" / "labels.csv"


@cache
def _labels() -> dict[str, dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as handle:
        return {row["key"]: {lang: row[lang] for lang in LANGUAGES} for row in csv.DictReader(handle)}


def label(key: str, lang: str = "en", **values) -> str:
    """The words for ``key`` in ``lang``, with ``values`` filled in: label("in_place", "de", place="Europa")."""
    return _labels()[key][lang].format(**values) if values else _labels()[key][lang]


def region_name(region: str, lang: str = "en") -> str:
    """'Asia-Pacific' in ``lang`` ('Asien-Pazifik')."""
    return label(f"region:{region}", lang)


def region_in_text(region: str, lang: str = "en") -> str:
    """A region's name inside a sentence: 'the Middle East & Africa' (English needs the article there)."""
    return label(f"in_text:{region}", lang) if f"in_text:{region}" in _labels() else region_name(region, lang)


def stage_name(stage: int, lang: str = "en") -> str:
    """'Paid tools for businesses' in ``lang``."""
    return label(f"stage:{int(stage)}", lang)
