"""The notebooks: conventions, and each one run top to bottom under papermill, offline."""

import ast
import re
from pathlib import Path

import nbformat
import papermill
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
ALLOWED_IMPORTS = {"analysis", "IPython", "matplotlib", "pandas", "numpy", "seaborn", "ipywidgets"}
MAX_CODE_LINES = 12

OTHER_PARAMETERS = {
    "00-explore.ipynb": {"platforms": ["WeChat", "LINE"], "region": "Asia-Pacific", "as_of": "2015-06-30"},
    "01-user-growth.ipynb": {"as_of": "2016-11-02", "platforms": ["Messenger", "WhatsApp"], "log_scale": False},
    "02-monetization-stages.ipynb": {"as_of": "2019-03-06", "platforms": ["WhatsApp", "Telegram", "iMessage"]},
    "03-ad-rollouts.ipynb": {"platforms": ["WeChat", "LINE", "KakaoTalk"], "region": "Asia-Pacific",
                             "as_of": "2020-01-01", "product": "LINE@"},
    "04-regional-comparison.ipynb": {"region": "Europe", "metric": "population_share_using", "platform": None},
    "05-peers.ipynb": {"as_of": "2016-11-02", "platforms": ["Instagram", "Messenger", "WhatsApp", "WeChat"]},
}


def _read(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _run(name, tmp_path, parameters=None):
    return papermill.execute_notebook(
        str(NOTEBOOKS / name), str(tmp_path / name), parameters=parameters or {},
        kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False,
    )


def test_every_analysis_notebook_has_a_second_parameter_set():
    assert set(OTHER_PARAMETERS) == {n for n in NAMES if n != "briefing.ipynb"}


@pytest.mark.parametrize("name", NAMES)
def test_notebook_follows_the_conventions(name):
    assert re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb|briefing\.ipynb", name)
    book = _read(name)
    assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith("# ")
    tagged = [i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [1], "exactly one parameters cell, right after the title"
    assert "analysis.load(" in book.cells[2].source, "the setup cell follows the parameters"
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        assert not cell.get("outputs") and cell.get("execution_count") is None, "stored output"
        assert len(cell.source.splitlines()) <= MAX_CODE_LINES, cell.source
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module]
            else:
                continue
            assert {m.split(".")[0] for m in modules} <= ALLOWED_IMPORTS, cell.source


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_with_its_defaults(name, tmp_path):
    executed = _run(name, tmp_path)
    assert all(c.get("outputs") is not None for c in executed.cells if c.cell_type == "code")
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


@pytest.mark.parametrize("name", sorted(OTHER_PARAMETERS))
def test_notebook_runs_with_other_parameters(name, tmp_path):
    executed = _run(name, tmp_path, OTHER_PARAMETERS[name])
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"platforms": ["Whatsap"]}, r"did you mean 'WhatsApp'"),
        ({"as_of": "2001-01-01"}, r"covered from 2009-05-03"),
        ({"as_of": "last spring"}, r"not a date"),
    ],
)
def test_bad_parameter_stops_the_notebook_in_its_setup_cell(parameters, message, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        _run("01-user-growth.ipynb", tmp_path, parameters)
    assert re.search(message, str(caught.value))
    assert "ParameterError" in caught.value.ename
    assert caught.value.cell_index <= 3  # title, parameters, injected parameters, setup
