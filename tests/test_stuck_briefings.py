"""Briefings that hang: stopped at their time limit and reported, in a warm kernel and in a new one."""

import json

import nbformat
import pytest

from analysis.briefing import batch, cli, run
from factory import make_dataset, template_with

# Most of its time is spent waiting for time limits: a parallel run starts it early.
pytestmark = pytest.mark.early(1)

HANGING_REGION = "Europe"


@pytest.fixture(scope="module")
def hanging_batch(tmp_path_factory):
    """A batch whose Europe briefings hang, with a 5 s timeout."""
    root = tmp_path_factory.mktemp("hanging")
    folder = root / "data"
    make_dataset(folder)
    stuck = template_with(f'if region == "{HANGING_REGION}":\n    import time\n    time.sleep(600)',
                          root / "template" / "briefing.ipynb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "TEMPLATE", stuck)
        result = batch.render_all(root / "reports", workers=2, data=folder, progress=False, timeout=5,
                                  languages=["en"])
    return result


def test_a_stuck_briefing_is_stopped_and_reported(hanging_batch):
    failed = hanging_batch.failed
    assert failed and {entry["parameters"]["region"] for entry in failed} == {HANGING_REGION}
    for entry in failed:
        assert "timed out after 5 s" in entry["error"]
        assert entry["seconds"] < 60
        kept = nbformat.read(entry["executed_notebook"], as_version=4)
        assert any("time.sleep(600)" in cell.source for cell in kept.cells)


def test_the_briefings_after_a_stuck_one_still_render(hanging_batch):
    others = [entry for entry in hanging_batch.manifest if entry["parameters"]["region"] != HANGING_REGION]
    assert others and {entry["status"] for entry in others} == {"ok"}
    manifest = json.loads((hanging_batch.index.parent / "manifest.json").read_text())
    assert len(manifest) == len(hanging_batch.manifest)


@pytest.mark.parametrize("value", ["0", "-3", "nan", "inf"])
def test_command_refuses_a_timeout_that_is_not_positive(tmp_path, capsys, value):
    out = tmp_path / "reports"
    assert cli.main(["--platform", "WhatsApp", "--timeout", value, "--out", str(out)]) == 2
    assert "--timeout must be a finite number of seconds above 0" in capsys.readouterr().err
    assert not out.exists()


def test_a_stuck_briefing_in_a_new_kernel_is_stopped_too(tmp_path, monkeypatch):
    stuck = template_with("import time\ntime.sleep(600)", tmp_path / "briefing.ipynb")
    monkeypatch.setattr(run, "TEMPLATE", stuck)
    values = {"platform": "WhatsApp", "region": None, "as_of": "2020-01-01"}
    with pytest.raises(run.BriefingFailed, match="a cell timed out after 4 s"):
        run.render_in(values, tmp_path / "out", None, None, timeout=4)
    assert not (tmp_path / "out" / run.output_name(values)).exists()
