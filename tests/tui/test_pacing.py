"""The redraw pacer keeps drawing under its share of a core."""

from __future__ import annotations

import pytest

from nntui.tui.pacing import RedrawPacer


class Clocks:
    """Hand-moved wall and CPU clocks."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0


def make_pacer(clocks: Clocks, **kwargs: float) -> RedrawPacer:
    return RedrawPacer(cpu_clock=lambda: clocks.cpu, wall_clock=lambda: clocks.wall, **kwargs)


def test_the_first_redraw_is_immediate() -> None:
    pacer = make_pacer(Clocks())
    assert pacer.delay() == 0.0


def test_costly_frames_are_spaced_to_keep_the_share() -> None:
    clocks = Clocks()
    pacer = make_pacer(clocks, max_share=0.05, min_interval=0.05, max_interval=2.0)
    pacer.redrawn()
    clocks.wall, clocks.cpu = 0.1, 0.02  # that frame cost 20 ms of CPU
    pacer.redrawn()
    assert pacer.interval == pytest.approx(0.4)  # 20 ms is 5 % of 400 ms
    clocks.wall = 0.3
    assert pacer.delay() == pytest.approx(0.2)
    clocks.wall = 0.6
    assert pacer.delay() == 0.0


def test_cheap_frames_redraw_at_the_minimum_interval() -> None:
    clocks = Clocks()
    pacer = make_pacer(clocks, max_share=0.05, min_interval=1 / 15, first_interval=0.5)
    pacer.redrawn()
    clocks.wall, clocks.cpu = 0.1, 0.0001
    pacer.redrawn()
    assert pacer.interval == pytest.approx(1 / 15)


def test_the_interval_is_capped_and_kept_across_runs() -> None:
    clocks = Clocks()
    pacer = make_pacer(clocks, max_share=0.05, max_interval=1.0)
    pacer.redrawn()
    clocks.wall, clocks.cpu = 1.0, 0.5
    pacer.redrawn()
    assert pacer.interval == 1.0
    pacer.reset()
    assert pacer.delay() == 0.0  # a new run's first frame is drawn at once
    pacer.redrawn()
    assert pacer.delay() == pytest.approx(1.0)  # then the learnt pace holds


def test_before_any_measurement_the_first_interval_applies() -> None:
    clocks = Clocks()
    pacer = make_pacer(clocks, first_interval=0.3)
    pacer.redrawn()
    assert pacer.delay() == pytest.approx(0.3)


def test_one_off_redraws_delay_the_next_but_teach_nothing() -> None:
    clocks = Clocks()
    pacer = make_pacer(clocks, max_share=0.05, first_interval=0.4)
    pacer.redrawn(learn=False)
    clocks.wall, clocks.cpu = 0.01, 0.0001  # a cheap one-off frame right after
    pacer.redrawn(learn=False)
    assert pacer.interval == pytest.approx(0.4)
    assert pacer.delay() == pytest.approx(0.4)


def test_a_frame_just_before_the_run_ends_is_left_to_the_last_frame_once() -> None:
    clocks = Clocks()
    pacer = make_pacer(clocks, first_interval=1.0)
    assert pacer.worth_drawing(None)  # paused, or not running: nothing to wait for
    assert pacer.worth_drawing(0.6)  # more than half an interval to go
    assert not pacer.worth_drawing(0.4)  # the run's last frame comes sooner
    assert pacer.worth_drawing(0.4)  # once: an estimate that keeps being wrong still redraws
    pacer.reset()  # a new run
    assert not pacer.worth_drawing(0.1)
