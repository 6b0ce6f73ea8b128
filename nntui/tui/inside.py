"""The app's side of the inside-the-network views: which measurements the training thread makes.

One :class:`InsideDemands` per app holds the switches of the three on-demand
hooks (distributions, the validation confusion matrix, neuron maps) and turns
each on only while its tab shows: a hidden tab costs the training nothing.
The controller registers :meth:`InsideDemands.hooks` with every run.
"""

from __future__ import annotations

from collections.abc import Callable

from nntui.training.classification import ClassQualityHook
from nntui.training.distributions import DistributionsHook
from nntui.training.events import RunEvent
from nntui.training.hooks import EpochHook
from nntui.training.neuron_maps import NeuronMapsComputed, NeuronMapsHook, NeuronMapsRequest
from nntui.training.on_demand import Demand
from nntui.tui.actions import CLASSES_TAB, DISTRIBUTIONS_TAB, NEURONS_TAB

#: Seconds between two measurements of a view: twice a second keeps the app at the headless
#: speed (0.93× with every view forced on, as without them; 0.2 s cost ~8 %, bench_inside.py).
MIN_INTERVAL_S = 0.5


class InsideDemands:
    """The switches of the on-demand measurements, shared with the training thread."""

    def __init__(self, *, min_interval_s: float = MIN_INTERVAL_S) -> None:
        self.distributions = Demand(min_interval_s=min_interval_s)
        self.class_quality = Demand(min_interval_s=min_interval_s)
        self.neuron_maps = NeuronMapsRequest(min_interval_s=min_interval_s)
        self.maps_hook: NeuronMapsHook | None = None
        self.distributions_hook: DistributionsHook | None = None

    def hooks(
        self,
        emit: Callable[[RunEvent], None],
        emit_maps: Callable[[NeuronMapsComputed], None],
    ) -> list[EpochHook]:
        """A run's hooks: events go to ``emit`` (the bridge), neuron maps to ``emit_maps``."""
        self.maps_hook = NeuronMapsHook(self.neuron_maps, emit_maps)
        self.distributions_hook = DistributionsHook(self.distributions, emit)
        return [
            self.distributions_hook,
            ClassQualityHook(self.class_quality, emit),
            self.maps_hook,
        ]

    def follow_tab(self, tab: str) -> None:
        """Measure only what the tab ``tab`` shows."""
        self.distributions.set_enabled(tab == DISTRIBUTIONS_TAB)
        self.class_quality.set_enabled(tab == CLASSES_TAB)
        self.neuron_maps.set_enabled(tab == NEURONS_TAB)

    @property
    def active(self) -> bool:
        """Whether any measurement is on."""
        return any(
            demand.enabled for demand in (self.distributions, self.class_quality, self.neuron_maps)
        )
