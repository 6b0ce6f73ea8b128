"""Neuron maps: each hidden unit over the input plane, equal to the layer outputs at the grid."""

from __future__ import annotations

import numpy as np
import pytest
from factories import make_config

from nntui.nn.network import NeuralNetwork
from nntui.nn.preprocessing import fit_standardizer
from nntui.training.boundary import grid_points
from nntui.training.events import RunEvent
from nntui.training.neuron_maps import (
    NeuronMapsComputed,
    NeuronMapsHook,
    NeuronMapsRequest,
    neuron_maps,
    strongest_outgoing,
)
from nntui.training.runner import NetworkRunner


def test_each_tile_is_its_units_activation_at_the_grid_points() -> None:
    network = NeuralNetwork([2, 4, 3, 2], ["tanh", "relu", "softmax"], seed=0)
    points = np.random.default_rng(0).normal(size=(50, 2))
    standardizer = fit_standardizer(points)
    extent = (-2.0, 2.0, -1.0, 1.0)
    maps = neuron_maps(network, standardizer, extent, 3, 5)
    assert [m.layer for m in maps] == ["dense_1", "dense_2"]
    assert [m.units for m in maps] == [4, 3]
    outputs = network.layer_outputs(standardizer.transform(grid_points(extent, 3, 5)))
    for layer_maps, output in zip(maps, outputs, strict=False):
        for unit in range(layer_maps.units):
            expected = output[:, unit].reshape(3, 5)
            assert np.allclose(layer_maps.values[unit], expected)
        assert layer_maps.low == pytest.approx(output.min())
        assert sorted(layer_maps.order) == list(range(layer_maps.units))
        assert not layer_maps.values.flags.writeable
    assert maps[0].outgoing == strongest_outgoing(network.layers[1].weights)


def test_units_are_ordered_by_how_much_they_vary_over_the_plane() -> None:
    network = NeuralNetwork([2, 3, 2], ["tanh", "softmax"], seed=0)
    network.layers[0].weights[...] = [[0.0, 2.0, 0.1], [0.0, 2.0, 0.1]]
    maps = neuron_maps(network, fit_standardizer(np.eye(2)), (-1.0, 1.0, -1.0, 1.0), 4, 4)
    assert maps[0].order == (1, 2, 0)


def test_strongest_outgoing_keeps_the_sign() -> None:
    assert strongest_outgoing([[0.5, -2.0], [0.1, 0.3]]) == (-2.0, 0.3)


def test_a_network_without_two_inputs_is_refused() -> None:
    network = NeuralNetwork([3, 4, 2], ["tanh", "softmax"], seed=0)
    with pytest.raises(ValueError, match="2 inputs"):
        neuron_maps(network, fit_standardizer(np.eye(3)), (0.0, 1.0, 0.0, 1.0), 2, 2)


def _run(request: NeuronMapsRequest, source: str = "spiral") -> tuple[list[object], NeuronMapsHook]:
    maps: list[object] = []
    hook = NeuronMapsHook(request, maps.append, clock=lambda: 0.0)
    config = make_config(
        {
            "data.source": source,
            "data.n_samples": 120,
            "network.hidden_layers": [6, 4],
            "network.hidden_activations": ["tanh", "tanh"],
            "training.epochs": 3,
        }
    )
    events: list[RunEvent] = []
    NetworkRunner(config, on_event=events.append, hooks=[hook]).run()
    return maps, hook


def test_the_hook_emits_maps_while_asked_and_the_final_ones() -> None:
    request = NeuronMapsRequest(4, 6, enabled=True, min_interval_s=0.0)
    maps, hook = _run(request)
    assert all(isinstance(m, NeuronMapsComputed) for m in maps)
    computed = [m for m in maps if isinstance(m, NeuronMapsComputed)]
    assert [m.epoch for m in computed] == [1, 2, 3, 3]
    assert computed[-1].final
    assert [layer.units for layer in computed[0].layers] == [6, 4]
    assert computed[0].layers[0].values.shape == (6, 4, 6)
    assert hook.maps_now() is not None


def test_the_hook_is_idle_when_off_or_for_data_that_is_not_2d() -> None:
    maps, _ = _run(NeuronMapsRequest())
    assert maps == []
    maps, hook = _run(NeuronMapsRequest(enabled=True), source="synthetic")
    assert maps == [] and not hook.active and hook.maps_now() is None


def test_a_bad_tile_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        NeuronMapsRequest(0, 4)
    request = NeuronMapsRequest()
    _, version = request.snapshot()
    request.set_tile(5, 5)
    assert request.tile == (5, 5) and request.snapshot()[1] == version + 1
