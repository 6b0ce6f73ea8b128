"""Distributions per layer: percentiles like NumPy's, fixed samples, measured only on demand."""

from __future__ import annotations

import numpy as np
import pytest
from factories import make_config

from nntui.nn.network import NeuralNetwork
from nntui.training.distributions import (
    MAX_SAMPLES,
    DistributionsHook,
    TensorSampler,
    fixed_sample,
    measure_layers,
    summarize,
)
from nntui.training.events import EpochEnded, RunEvent, RunFinished
from nntui.training.measurements import (
    MAX_HISTORY_POINTS,
    PERCENTILES,
    DistributionHistory,
    DistributionsMeasured,
    LayerDistributions,
)
from nntui.training.on_demand import Demand
from nntui.training.record import RunRecord
from nntui.training.runner import NetworkRunner


def test_percentiles_equal_numpys_and_the_histogram_counts_every_value() -> None:
    values = np.random.default_rng(0).normal(size=1000)
    found = summarize(values)
    assert found is not None
    assert found.percentiles == pytest.approx(tuple(np.percentile(values, PERCENTILES)))
    assert sum(found.counts) == 1000
    assert found.low == values.min() and found.high == values.max()
    reference, _ = np.histogram(values, bins=len(found.counts))
    assert np.abs(np.asarray(found.counts) - reference).sum() <= 2  # bin edges may differ by a ulp


def test_non_finite_values_are_left_out_and_all_nan_is_none() -> None:
    found = summarize([1.0, np.nan, 3.0, np.inf])
    assert found is not None and found.sampled == 2 and found.size == 4
    assert found.median == 2.0
    assert summarize([np.nan]) is None


def test_a_constant_tensor_has_flat_bands_and_one_full_bin() -> None:
    found = summarize(np.zeros(10))
    assert found is not None
    assert set(found.percentiles) == {0.0}
    assert sum(found.counts) == 10 and max(found.counts) == 10


def test_large_tensors_are_sampled_the_same_way_every_time() -> None:
    assert fixed_sample(100) is None
    first, second = fixed_sample(10_000), fixed_sample(10_000)
    assert first is not None and second is not None
    assert len(first) == MAX_SAMPLES and np.array_equal(first, second)
    sampler = TensorSampler()
    tensor = np.arange(10_000.0).reshape(100, 100)
    found = sampler.summarize(tensor)
    assert found is not None and found.sampled == MAX_SAMPLES and found.size == 10_000


def test_measure_layers_covers_every_quantity_and_leaves_caches_alone() -> None:
    network = NeuralNetwork([3, 5, 2], ["relu", "softmax"], seed=0)
    probe = np.random.default_rng(1).normal(size=(16, 3))
    layers = measure_layers(network, probe, TensorSampler())
    assert [layer.layer for layer in layers] == ["dense_1", "dense_2"]
    first = layers[0]
    assert first.weights is not None and first.weights.size == 15
    assert first.biases is not None and first.biases.size == 5
    assert first.activations is not None and first.activations.size == 16 * 5
    assert first.activations.percentiles[0] >= 0.0  # relu
    assert first.gradients is not None
    assert network.layers[0].input is None
    only = measure_layers(network, probe, TensorSampler(), ("weights",))
    assert only[0].activations is None and only[0].weights is not None


def test_the_compact_entry_has_nine_numbers_per_quantity() -> None:
    network = NeuralNetwork([3, 4, 2], ["tanh", "softmax"], seed=0)
    entry = measure_layers(network, np.ones((4, 3)), TensorSampler())[0].as_dict()
    assert entry["layer"] == "dense_1"
    assert all(len(entry[q]) == 9 for q in ("weights", "biases", "activations", "gradients"))


def _run(demand: Demand, **overrides: object) -> tuple[list[RunEvent], DistributionsHook]:
    events: list[RunEvent] = []
    hook = DistributionsHook(demand, events.append)
    config = make_config({"training.epochs": 4, **overrides})
    NetworkRunner(config, on_event=events.append, hooks=[hook]).run()
    return events, hook


def test_the_hook_measures_every_epoch_after_its_epoch_when_on() -> None:
    events, _ = _run(Demand(enabled=True))
    measured = [event for event in events if isinstance(event, DistributionsMeasured)]
    assert [event.epoch for event in measured] == [1, 2, 3, 4, 4]
    assert measured[-1].final
    for index, event in enumerate(events):
        if isinstance(event, DistributionsMeasured) and not event.final:
            assert isinstance(events[index - 1], EpochEnded)
            assert events[index - 1].epoch == event.epoch
    assert isinstance(events[-1], RunFinished)
    record = RunRecord()
    for event in events:
        record.apply(event)
    assert [epoch for epoch, _ in record.distributions.bands("dense_1", "weights")] == [1, 2, 3, 4]
    assert record.distributions.layers == ("dense_1", "dense_2")


def test_the_hook_costs_nothing_while_off() -> None:
    events, hook = _run(Demand())
    assert hook.measured == 0
    assert not any(isinstance(event, DistributionsMeasured) for event in events)


def test_history_thins_long_runs_and_keeps_the_latest() -> None:
    history = DistributionHistory()
    dist = summarize([1.0, 2.0])
    for epoch in range(1, 3 * MAX_HISTORY_POINTS):
        layer = LayerDistributions("dense_1", weights=dist)
        history.add(DistributionsMeasured(epoch, (layer,)))
    points = history.bands("dense_1", "weights")
    assert len(points) < 2 * MAX_HISTORY_POINTS
    assert points[0][0] == 1 and points[-1][0] == 3 * MAX_HISTORY_POINTS - 1
    assert [e for e, _ in points] == sorted(e for e, _ in points)
