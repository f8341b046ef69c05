"""Private temporary folders: kept while their owner lives, removed as stale once it is gone."""

import multiprocessing
import os
import signal
import time

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


def test_a_folder_left_without_its_lock_file_is_removed_once_it_is_old(tmp_path, monkeypatch):
    """A process killed while it removed its folder can leave files but not the lock file."""
    monkeypatch.setattr(scratch.tempfile, "gettempdir", lambda: str(tmp_path))
    old, new = tmp_path / f"{scratch.PREFIX}kernel-old", tmp_path / f"{scratch.PREFIX}kernel-new"
    for folder in (old, new):
        folder.mkdir()
        (folder / "connection.json").write_text("{}")
    long_ago = time.time() - scratch.UNLOCKED_SECONDS - 1
    os.utime(old, (long_ago, long_ago))
    assert scratch.remove_stale() == [old]
    assert not old.exists() and new.is_dir()
