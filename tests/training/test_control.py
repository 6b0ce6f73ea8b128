"""RunControl: one command queue, drained by the training thread; pause waits on it."""

from __future__ import annotations

import threading

import pytest

from nntui.training.control import RunControl

DEADLINE_S = 30.0


def test_fresh_control_neither_stops_nor_pauses() -> None:
    control = RunControl()
    assert control.drain() is False
    assert control.is_paused is False and control.stop_requested is False


def test_requests_take_effect_when_the_training_thread_drains_the_queue() -> None:
    control = RunControl()
    control.pause()
    assert control.is_paused is False  # queued, not yet seen by the training thread
    assert control.drain() is False
    assert control.is_paused is True


def test_a_paused_thread_waits_on_the_queue_and_runs_submitted_work() -> None:
    control = RunControl()
    control.pause()
    control.drain()
    seen: list[str] = []
    released = threading.Event()

    def training_thread() -> None:
        control.wait_while_paused()
        released.set()

    thread = threading.Thread(target=training_thread, daemon=True)
    thread.start()
    # Work runs in the parked thread while the pause goes on.
    name = control.submit(lambda: threading.current_thread().name).result(timeout=DEADLINE_S)
    assert name == thread.name and not released.is_set()
    control.submit(lambda: seen.append("saved")).result(timeout=DEADLINE_S)
    assert seen == ["saved"] and not released.is_set()

    control.resume()
    assert released.wait(timeout=DEADLINE_S)
    thread.join(timeout=DEADLINE_S)
    assert control.is_paused is False


def test_stop_ends_a_pause_and_reports_stop() -> None:
    control = RunControl()
    control.pause()
    control.drain()
    control.stop()
    assert control.stop_requested is True  # seen at once, from any thread
    assert control.wait_while_paused() is True
    assert control.is_paused is False


def test_pause_after_stop_is_ignored() -> None:
    control = RunControl()
    control.stop()
    control.pause()
    assert control.drain() is True
    assert control.is_paused is False


def test_step_runs_until_the_end_of_an_epoch_then_pauses_again() -> None:
    control = RunControl()
    control.pause()
    control.drain()
    control.step()
    assert control.wait_while_paused() is False  # released for the step
    assert control.is_paused is False
    control.end_of_epoch()
    assert control.is_paused is True


def test_resume_cancels_a_pending_step() -> None:
    control = RunControl()
    control.pause()
    control.step()
    control.resume()
    control.drain()
    control.end_of_epoch()
    assert control.is_paused is False


def test_commands_keep_their_order() -> None:
    control = RunControl()
    order: list[str] = []
    control.submit(lambda: order.append("first"))
    control.pause()
    control.submit(lambda: order.append("second"))
    control.drain()
    assert order == ["first", "second"] and control.is_paused


def test_close_runs_queued_work_and_later_work_runs_at_once() -> None:
    control = RunControl()
    queued = control.submit(lambda: 6 * 7)
    assert not queued.done()
    control.close()
    assert queued.result(timeout=0) == 42
    assert control.is_closed
    assert control.submit(lambda: "now").result(timeout=0) == "now"


def test_a_failing_job_reports_through_its_future_and_the_queue_goes_on() -> None:
    control = RunControl()

    def broken() -> None:
        raise ValueError("nope")

    failing = control.submit(broken)
    after = control.submit(lambda: "fine")
    control.drain()
    with pytest.raises(ValueError, match="nope"):
        failing.result(timeout=0)
    assert after.result(timeout=0) == "fine"


def test_a_cancelled_job_does_not_run() -> None:
    control = RunControl()
    ran: list[bool] = []
    job = control.submit(lambda: ran.append(True))
    assert job.cancel()
    control.drain()
    assert ran == []
