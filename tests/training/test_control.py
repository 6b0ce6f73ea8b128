"""RunControl: pause blocks should_stop until resume or stop."""

from __future__ import annotations

import threading

from nntui.training.control import RunControl


def test_fresh_control_neither_stops_nor_pauses() -> None:
    control = RunControl()
    assert control.should_stop() is False
    assert control.is_paused is False


def test_should_stop_blocks_while_paused_until_resumed() -> None:
    control = RunControl()
    control.pause()
    answered = threading.Event()
    answers: list[bool] = []

    def poll() -> None:
        answers.append(control.should_stop())
        answered.set()

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    assert not answered.wait(timeout=0.2)  # still blocked while paused

    control.resume()
    assert answered.wait(timeout=5)
    assert answers == [False]


def test_stop_ends_a_pause_and_reports_stop() -> None:
    control = RunControl()
    control.pause()
    control.stop()
    assert control.is_paused is False
    assert control.should_stop() is True


def test_pause_after_stop_is_ignored() -> None:
    control = RunControl()
    control.stop()
    control.pause()
    assert control.should_stop() is True


def test_step_runs_until_the_end_of_an_epoch_then_pauses_again() -> None:
    control = RunControl()
    control.pause()
    control.step()
    assert control.should_stop() is False  # released for the step
    assert control.is_paused is False
    control.end_of_epoch()
    assert control.is_paused is True


def test_resume_cancels_a_pending_step() -> None:
    control = RunControl()
    control.pause()
    control.step()
    control.resume()
    control.end_of_epoch()
    assert control.is_paused is False
