"""Shared fixtures: the real data folder and writable copies of it; long modules scheduled first."""

import csv
import shutil
from pathlib import Path

import pytest

import analysis

DATA = Path(__file__).resolve().parents[1] / "data"


def pytest_configure(config):
    config.addinivalue_line("markers", "long: a module that takes a minute or more; a parallel run "
                                       "(pytest -n) starts it before the others")


def pytest_collection_modifyitems(items):
    """Put the tests of long modules first, otherwise keeping the order: pytest-xdist hands out
    modules in this order (with ``--no-loadscope-reorder``, as ``make test`` runs it; without, by
    their number of tests), so the longest start at once instead of ending the run alone."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


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
