"""The garbage collector paused for a block, and as it was after it."""

import contextlib
import gc

import pytest

from analysis.garbage import collection_paused


@pytest.mark.parametrize("collecting", [True, False])
@pytest.mark.parametrize("fails", [False, True])
def test_collection_is_paused_in_the_block_and_as_it_was_after_it(collecting, fails):
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        with pytest.raises(ValueError) if fails else contextlib.nullcontext():
            with collection_paused():
                assert not gc.isenabled()
                if fails:
                    raise ValueError("a step failed")
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()
