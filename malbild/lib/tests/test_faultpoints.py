"""The fault points that let a fault test, not the clock, decide when a fault strikes."""

import fcntl
import threading

import pytest

from malbild.lib import faultpoints


def test_a_point_does_nothing_unless_a_test_asks_for_it(monkeypatch, tmp_path):
    monkeypatch.delenv(faultpoints.ENVIRONMENT, raising=False)
    faultpoints.pause("imports.written")
    monkeypatch.setenv(faultpoints.ENVIRONMENT, f"imports.elsewhere:{tmp_path / 'lock'}")
    faultpoints.pause("imports.written")
    assert list(tmp_path.iterdir()) == []


def test_an_undeclared_point_is_a_mistake():
    with pytest.raises(ValueError, match="not a declared fault point"):
        faultpoints.pause("imports.nowhere")


def test_a_point_holds_still_until_the_test_lets_go(monkeypatch, tmp_path):
    lock_file = tmp_path / "lock"
    lock_file.touch()
    monkeypatch.setenv(faultpoints.ENVIRONMENT, f"imports.written:{lock_file}")
    reached = tmp_path / "lock.reached"
    with lock_file.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        paused = threading.Thread(target=faultpoints.pause, args=["imports.written"])
        paused.start()
        for _ in range(200):  # the thread says so as it reaches the point
            if reached.exists():
                break
            paused.join(0.05)
        assert reached.exists()
        paused.join(0.2)
        assert paused.is_alive(), "the point let go while the test still held its lock"
    paused.join(10)  # closing the file let go of the lock
    assert not paused.is_alive()
