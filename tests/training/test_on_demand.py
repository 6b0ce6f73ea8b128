"""A face's demand for per-epoch work: off costs nothing, on keeps its pace."""

from __future__ import annotations

import pytest

from nntui.training.on_demand import Demand, Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_due_while_the_demand_is_off() -> None:
    pacer = Pacer(Demand(), clock=FakeClock())
    assert not any(pacer.due(epoch) for epoch in range(1, 10))
    assert not pacer.due(10, force=True)


def test_turning_on_measures_at_once_then_keeps_the_pace() -> None:
    clock = FakeClock()
    demand = Demand(every_epochs=2, min_interval_s=1.0)
    pacer = Pacer(demand, clock=clock)
    demand.set_enabled(True)
    assert pacer.due(1)  # new demand: at once
    clock.now = 5.0
    assert not pacer.due(2)  # one epoch later: too soon by epochs
    assert pacer.due(3)
    clock.now = 5.5
    assert not pacer.due(5)  # two epochs, but only half a second
    assert pacer.due(6, force=True)  # a pause forces it


def test_turning_off_stops_and_on_again_restarts_at_once() -> None:
    demand = Demand(enabled=True, min_interval_s=100.0)
    pacer = Pacer(demand, clock=FakeClock())
    assert pacer.due(1)
    assert not pacer.due(2)
    demand.set_enabled(False)
    assert not pacer.due(3)
    demand.set_enabled(True)
    assert pacer.due(4)
    demand.changed()
    assert pacer.due(5)


def test_bad_pace_is_refused() -> None:
    with pytest.raises(ValueError, match="every_epochs"):
        Demand(every_epochs=0)
    with pytest.raises(ValueError, match="min_interval_s"):
        Demand(min_interval_s=-1)
