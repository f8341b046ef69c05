"""Briefings rendered in warm kernels: the same pages as with a new kernel each."""

import pytest

import analysis
from analysis import stages
from analysis.briefing import batch, run

# The grid rendered twice takes the longest of any module: a parallel run starts it first.
pytestmark = pytest.mark.early(0)


def _platforms() -> list[str]:
    """The real data's platforms; where the data does not load, a placeholder, so that this
    module's tests fail on the data's error instead of stopping the collection of every module."""
    try:
        return stages.platforms_with_stages(analysis.load())
    except analysis.DataValidationError:
        return ["(the data does not load)"]


PLATFORMS = _platforms()


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    """The real grid, in German (English pages of the real data are rendered elsewhere), with warm
    kernels and with a new kernel per briefing."""
    root = tmp_path_factory.mktemp("both-ways")
    warm = batch.render_all(root / "warm", workers=2, progress=False, languages=["de"])
    fresh = batch.render_all(root / "fresh", workers=2, progress=False, fresh_kernels=True, languages=["de"])
    return root, warm, fresh


# Its set-up renders the whole grid twice, once with a new kernel per briefing: about 100 s on a
# quiet 2-core machine, so the suite's 300 s guard could stop it on a slow and busy one.
@pytest.mark.timeout(900)
def test_warm_and_fresh_kernels_render_the_same_grid(both_ways, ds):
    _, warm, fresh = both_ways
    expected = sorted(run.output_name(values) for values in batch.grid(ds, ["de"]))
    assert {values["platform"] for values in batch.grid(ds, ["de"])} == set(PLATFORMS)
    for result in (warm, fresh):
        assert sorted(entry["output"] for entry in result.manifest) == expected
        assert {entry["status"] for entry in result.manifest} == {"ok"}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_warm_kernel_pages_are_byte_identical_to_fresh_kernel_pages(both_ways, platform):
    root, warm, _ = both_ways
    names = [entry["output"] for entry in warm.manifest if entry["parameters"]["platform"] == platform]
    assert names
    different = [name for name in names
                 if (root / "warm" / name).read_bytes() != (root / "fresh" / name).read_bytes()]
    assert different == []


def test_the_index_pages_are_byte_identical(both_ways):
    root, _, _ = both_ways
    assert (root / "warm" / "index.html").read_bytes() == (root / "fresh" / "index.html").read_bytes()
