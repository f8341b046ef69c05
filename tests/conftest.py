"""Shared fixtures: the real data folder and writable copies of it."""

import csv
import shutil
from pathlib import Path

import pytest

import analysis

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def ds():
    """The project's real dataset, loaded once."""
    return analysis.load()


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the real data folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
