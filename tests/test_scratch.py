"""Private temporary folders: kept while their owner lives, removed as stale once it is gone."""

import multiprocessing
import os
import signal

from analysis import scratch


def _make_and_wait(kind, made):
    made.put(str(scratch.make(kind)))
    signal.pause()


def test_a_living_owners_folder_is_kept_and_a_dead_owners_folder_is_removed():
    mine = scratch.make("test")
    made = multiprocessing.get_context("fork").SimpleQueue()
    child = multiprocessing.get_context("fork").Process(target=_make_and_wait, args=("test", made))
    child.start()
    theirs = made.get()
    try:
        assert mine not in scratch.remove_stale()
        assert str(theirs) not in map(str, scratch.remove_stale()), "its owner is alive"
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert str(theirs) in map(str, scratch.remove_stale())
        assert mine.is_dir() and not os.path.exists(theirs)
    finally:
        scratch.remove(mine)
    assert not mine.exists()


def _remove_own_then_report(inherited, done):
    scratch.remove_own()
    done.put(inherited.is_dir())


def test_remove_own_leaves_the_folders_a_forked_process_inherited():
    inherited = scratch.make("test")
    done = multiprocessing.get_context("fork").SimpleQueue()
    child = multiprocessing.get_context("fork").Process(target=_remove_own_then_report, args=(inherited, done))
    child.start()
    try:
        assert done.get() is True
        child.join(10)
        assert inherited.is_dir()
    finally:
        scratch.remove(inherited)
