"""The throttled event bridge between the training thread and the app."""

from __future__ import annotations

import sys
import threading
import time

import numpy as np

from nntui.training.boundary import BoundaryComputed
from nntui.training.control import RunControl
from nntui.training.events import EpochEnded, RunFailed, RunFinished, RunPaused
from nntui.tui.bridge import EventBridge
from nntui.tui.messages import BoundaryReady, RunEventsPosted


def epochs_in(posted: list) -> list[int]:
    """The epoch numbers posted, in order."""
    return [
        event.epoch
        for message in posted
        if isinstance(message, RunEventsPosted)
        for event in message.events
        if isinstance(event, EpochEnded)
    ]


def kinds_in(message: RunEventsPosted) -> list[str]:
    return [type(event).__name__ for event in message.events]


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_fast_epochs_are_batched_to_the_rate_limit(started, make_epoch) -> None:
    posted: list = []
    clock = FakeClock()
    bridge = EventBridge(
        posted.append, run_id=7, max_posts_per_second=10, show_timeout=0, clock=clock
    )
    bridge(started)
    for epoch in range(1, 1001):  # 1000 epochs in one simulated second
        clock.now = epoch / 1000
        bridge(make_epoch(epoch))
    assert len(posted) <= 12  # RunStarted, then ~10 per second, never one per epoch
    delivered = epochs_in(posted)
    assert bridge.pending + len(delivered) == 1000
    assert delivered == sorted(delivered)
    assert all(m.run_id == 7 for m in posted)


def test_the_final_epochs_are_flushed_before_the_run_ends(started, make_epoch) -> None:
    posted: list = []
    clock = FakeClock()
    bridge = EventBridge(
        posted.append, run_id=1, max_posts_per_second=15, show_timeout=0, clock=clock
    )
    bridge(started)
    for epoch in range(1, 51):  # all within one throttle interval after the first
        bridge(make_epoch(epoch))
    bridge(RunFinished(status="completed", stop_message="completed 50 epochs", results={}))
    assert kinds_in(posted[0]) == ["RunStarted"]
    assert kinds_in(posted[-1])[-1] == "RunFinished"
    assert epochs_in(posted) == list(range(1, 51))
    assert bridge.pending == 0


def test_a_failure_is_delivered_after_the_epochs_before_it(started, make_epoch) -> None:
    posted: list = []
    bridge = EventBridge(posted.append, run_id=1, show_timeout=0, clock=FakeClock())
    bridge(started)
    bridge(make_epoch(1))
    bridge(make_epoch(2))
    bridge(RunFailed(status="diverged", reason="diverged at epoch 3: loss is nan", results=None))
    kinds = [kind for message in posted for kind in kinds_in(message)]
    assert kinds == ["RunStarted", "EpochEnded", "EpochEnded", "RunFailed"]
    assert posted[-1].events[-1].reason.startswith("diverged at epoch 3")


def test_flush_if_due_respects_the_rate_and_flush_does_not(make_epoch) -> None:
    posted: list = []
    clock = FakeClock()
    bridge = EventBridge(posted.append, run_id=1, max_posts_per_second=10, clock=clock)
    bridge(make_epoch(1))  # posted at once: nothing was posted before
    bridge(make_epoch(2))  # buffered: within 0.1 s of the last post
    assert bridge.pending == 1
    assert bridge.flush_if_due() is False
    clock.now = 0.2
    assert bridge.flush_if_due() is True
    assert bridge.pending == 0
    bridge(make_epoch(3))
    assert bridge.flush() is True
    assert bridge.flush() is False
    assert epochs_in(posted) == [1, 2, 3]


def test_concurrent_flushes_deliver_every_epoch_once_in_order(make_epoch) -> None:
    posted: list = []
    bridge = EventBridge(posted.append, run_id=1, max_posts_per_second=1000)
    done = threading.Event()

    def produce() -> None:
        for epoch in range(1, 2001):
            bridge(make_epoch(epoch))
        done.set()

    thread = threading.Thread(target=produce)
    thread.start()
    while not done.is_set():  # the app's timer flushing from another thread
        bridge.flush_if_due()
    thread.join(timeout=10)
    bridge.flush()
    assert epochs_in(posted) == list(range(1, 2001))


def _waiting_in_bridge(thread: threading.Thread) -> bool:
    frame = sys._current_frames().get(thread.ident or -1)
    names = []
    while frame is not None:
        names.append(frame.f_code.co_name)
        frame = frame.f_back
    return "wait" in names and "__call__" in names


def test_run_started_waits_until_the_network_is_shown(started, make_epoch) -> None:
    posted: list = []
    bridge = EventBridge(posted.append, run_id=1, show_timeout=30)
    returned = threading.Event()

    def runner() -> None:
        bridge(started)
        returned.set()

    thread = threading.Thread(target=runner)
    thread.start()
    deadline = time.monotonic() + 10
    while not _waiting_in_bridge(thread):
        assert not returned.is_set(), "RunStarted returned before the network was shown"
        assert time.monotonic() < deadline, "the training thread never waited"
    assert kinds_in(posted[0]) == ["RunStarted"]  # posted first, then waits
    bridge.network_shown()
    assert returned.wait(timeout=10)
    thread.join(timeout=10)


def test_the_wait_for_the_screen_is_bounded(started) -> None:
    bridge = EventBridge(lambda message: None, run_id=1, show_timeout=0.01)
    done = threading.Event()
    thread = threading.Thread(target=lambda: (bridge(started), done.set()))
    thread.start()
    assert done.wait(
        timeout=10
    )  # returns on its own: an app that never answers cannot stall training
    thread.join(timeout=10)


def _grid(epoch: int) -> BoundaryComputed:
    values = np.zeros((2, 2, 2))
    return BoundaryComputed(
        epoch=epoch,
        rows=2,
        cols=2,
        extent=(-1.0, 1.0, -1.0, 1.0),
        kind="classification",
        values=values,
        points=np.zeros((0, 2)),
        labels=np.zeros(0),
    )


def test_a_boundary_grid_is_posted_at_once_after_the_epochs_before_it(started, make_epoch) -> None:
    posted: list = []
    clock = FakeClock()
    bridge = EventBridge(posted.append, run_id=3, show_timeout=0, clock=clock)
    bridge(started)
    bridge(make_epoch(1))  # posted: the first epoch is always due
    bridge(make_epoch(2))  # buffered: within the interval
    bridge(_grid(2))

    kinds = [type(message) for message in posted]
    assert kinds == [RunEventsPosted, RunEventsPosted, RunEventsPosted, BoundaryReady]
    assert [e.epoch for e in posted[2].events] == [2]
    assert posted[-1].event.epoch == 2 and posted[-1].run_id == 3


def test_a_newer_grid_replaces_a_queued_one_of_the_same_run_only() -> None:
    older, newer = BoundaryReady(1, _grid(1)), BoundaryReady(1, _grid(2))
    other_run = BoundaryReady(2, _grid(3))
    assert older.can_replace(newer)
    assert not older.can_replace(other_run)
    assert not older.can_replace(RunEventsPosted(1, ()))


def test_epochs_of_a_paused_run_are_posted_at_once(started, make_epoch) -> None:
    posted: list = []
    control = RunControl()
    bridge = EventBridge(
        posted.append, run_id=1, show_timeout=0, clock=FakeClock(), control=control
    )
    bridge(started)
    bridge(make_epoch(1))
    bridge(make_epoch(2))  # running, within the interval: held back
    assert bridge.pending == 1
    control.pause()  # e.g. a step just ended: the training thread holds
    control.drain()
    bridge(make_epoch(3))
    assert bridge.pending == 0
    assert epochs_in(posted) == [1, 2, 3]


def test_a_pause_is_posted_at_once_after_the_epochs_before_it(started, make_epoch) -> None:
    posted: list = []
    bridge = EventBridge(posted.append, run_id=1, show_timeout=0, clock=FakeClock())
    bridge(started)
    bridge(make_epoch(1))
    bridge(make_epoch(2))  # held back
    bridge(RunPaused(epoch=2))
    assert bridge.pending == 0
    assert kinds_in(posted[-1]) == ["EpochEnded", "RunPaused"]
