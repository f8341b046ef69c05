"""Shared fixtures: the real data folder and writable copies of it, a one-platform dataset,
temporary folders with short paths; the order in which a parallel run starts the modules."""

import csv
import shutil
import tempfile
from pathlib import Path

import pytest

import analysis
from factory import BASE, make_dataset

DATA = Path(__file__).resolve().parents[1] / "data"


def pytest_configure(config):
    config.addinivalue_line("markers", "early(rank): a module that a parallel run (pytest -n) starts "
                                       "before the quick ones, lowest rank first (see EARLY)")


EARLY = {
    0: "renders the real grid twice: it sets the length of the run, so it starts at once",
    1: "mostly waits (time limits, processes ending): started beside rank 0, whose work fills the waits",
    2: "takes ten seconds or more: started before the quick modules, which even out the workers' ends",
}


def pytest_collection_modifyitems(items):
    """Order the modules by their ``early`` rank, unmarked ones last, otherwise keeping the order.

    pytest-xdist hands out whole modules in this order (with ``--no-loadscope-reorder``, as
    ``make test`` runs it; without, by their number of tests)."""
    def rank(item) -> int:
        marker = item.get_closest_marker("early")
        if marker is None:
            return len(EARLY)
        if marker.args[0] not in EARLY:
            raise pytest.UsageError(f"{item.path.name}: pytest.mark.early({marker.args[0]!r}): "
                                    f"the rank must be one of {sorted(EARLY)}")
        return marker.args[0]

    items.sort(key=rank)


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


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A dataset whose grid is one platform times the six region foci."""
    folder = tmp_path_factory.mktemp("tiny") / "data"
    make_dataset(folder, stages=[row for row in BASE["stages"] if row[0] == "Telegram"])
    return folder


@pytest.fixture(scope="session")
def short_tmp_factory():
    """Makes new folders in /tmp (removed at the end), for a process to use as its temporary folder
    and make sockets in: a socket's path has 107 bytes at most, and pytest's ``tmp_path`` in a
    parallel run is 60 or more."""
    made = []

    def make() -> Path:
        made.append(Path(tempfile.mkdtemp(prefix="t-", dir="/tmp")))
        return made[-1]

    yield make
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
