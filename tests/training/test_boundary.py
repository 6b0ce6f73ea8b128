"""The decision-boundary grid: computed by a hook in the training thread, equal to `predict`."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from factories import make_config

from nntui.config import Config
from nntui.nn.network import NeuralNetwork
from nntui.nn.preprocessing import fit_standardizer
from nntui.training.boundary import (
    DATA_MARGIN,
    MAX_STRETCH,
    MAX_TRAIN_POINTS,
    BoundaryComputed,
    BoundaryHook,
    BoundaryProducer,
    BoundaryRequest,
    boundary_grid,
    grid_points,
    plane_extent,
    point_labels,
    square_pixel_extent,
)
from nntui.training.control import RunControl
from nntui.training.events import EpochEnded, RunFinished, RunPaused
from nntui.training.runner import NetworkRunner

DEADLINE_S = 20.0


def planar_config(source: str = "spiral", **overrides: Any) -> Config:
    values = {
        "data.source": source,
        "data.n_samples": 200,
        "data.random_seed": 3,
        "network.hidden_layers": [8, 8],
        "network.hidden_activations": ["tanh", "tanh"],
        "training.epochs": 4,
        "training.batch_size": 32,
        "training.learning_rate": 0.05,
    }
    values.update(overrides)
    return make_config(values)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run_with_boundary(
    config: Config, request: BoundaryRequest | None
) -> tuple[NetworkRunner, list[Any]]:
    """Run ``config`` with a boundary hook (when ``request``); events and grids in one list."""
    events: list[Any] = []
    hooks = () if request is None else (BoundaryHook(request, events.append),)
    runner = NetworkRunner(config, on_event=events.append, hooks=hooks)
    runner.run()
    return runner, events


# -- the plane --------------------------------------------------------------------------------


def test_grid_points_are_pixel_centres_row_major_from_the_top_left() -> None:
    points = grid_points((0.0, 4.0, 0.0, 2.0), rows=2, cols=4)

    assert points.shape == (8, 2)
    assert points[0].tolist() == [0.5, 1.5]  # top-left pixel
    assert points[3].tolist() == [3.5, 1.5]  # end of the top row
    assert points[4].tolist() == [0.5, 0.5]  # bottom row starts


def test_square_pixel_extent_widens_the_short_axis_and_keeps_the_plane_centred() -> None:
    extent = square_pixel_extent((-1.0, 1.0, -1.0, 1.0), rows=20, cols=40)

    x_min, x_max, y_min, y_max = extent
    assert (y_min, y_max) == (-1.0, 1.0)
    assert (x_min, x_max) == pytest.approx((-2.0, 2.0))
    assert (x_max - x_min) / 40 == pytest.approx((y_max - y_min) / 20)


def test_plane_extent_frames_the_data_with_a_margin_not_the_source_square() -> None:
    # A spiral in the middle of the source's (-1, 1) square: the plane is the points' box
    # plus DATA_MARGIN of its span on each side, so the data fills the panel.
    points = np.array([[-0.4, -0.2], [0.4, 0.2]])
    x_min, x_max, y_min, y_max = plane_extent((-1.0, 1.0), points)
    assert (x_min, x_max) == pytest.approx((-0.4 - 0.8 * DATA_MARGIN, 0.4 + 0.8 * DATA_MARGIN))
    assert (y_min, y_max) == pytest.approx((-0.2 - 0.4 * DATA_MARGIN, 0.2 + 0.4 * DATA_MARGIN))
    x_min, x_max, y_min, y_max = plane_extent(None, np.array([[0.0, 10.0], [2.0, 20.0]]))
    assert x_min < 0.0 < 2.0 < x_max
    assert y_min < 10.0 < 20.0 < y_max
    # With nothing finite to frame: the source's square, else nothing.
    assert plane_extent((-1.0, 1.0), np.full((3, 2), np.nan)) == (-1.0, 1.0, -1.0, 1.0)
    assert plane_extent(None, np.full((3, 2), np.nan)) is None


def test_a_grid_carries_the_networks_prediction_for_every_point_it_overlays() -> None:
    request = BoundaryRequest()
    request.set_shape(8, 8)

    runner, events = run_with_boundary(planar_config(), request)

    final = [event for event in events if isinstance(event, BoundaryComputed)][-1]
    data = runner.data
    assert data is not None
    expected = runner.predict(data.x_test_raw)  # class labels
    assert final.predicted.tolist() == expected.tolist()
    # Training points (at most MAX_TRAIN_POINTS), their labels and predictions, too.
    assert 0 < len(final.train_points) <= MAX_TRAIN_POINTS
    assert final.train_labels.shape == final.train_predicted.shape == (len(final.train_points),)
    on_train = runner.predict(final.train_points)
    assert final.train_predicted.tolist() == on_train.tolist()
    # The plane frames the data: every point inside, none far from an edge on both axes.
    x_min, x_max, y_min, y_max = final.extent
    xy = np.concatenate([data.x_train_raw, data.x_test_raw])
    assert (xy[:, 0] >= x_min).all() and (xy[:, 0] <= x_max).all()
    assert (xy[:, 1] >= y_min).all() and (xy[:, 1] <= y_max).all()
    tight = min(
        (x_max - x_min) / np.ptp(xy[:, 0]), (y_max - y_min) / np.ptp(xy[:, 1])
    )  # one axis may be widened past MAX_STRETCH, the other is the data's span + margins
    assert tight == pytest.approx(1 + 2 * DATA_MARGIN)


def test_the_plane_stretches_up_to_max_stretch_before_it_widens() -> None:
    square = (-1.0, 1.0, -1.0, 1.0)
    # A 2:1 panel of pixels (30 rows × 60 columns) is filled by a square at stretch 2 ...
    assert square_pixel_extent(square, 30, 60, max_stretch=2.0) == square
    # ... and a 4:1 one is widened to keep the stretch at 2 (x twice the span).
    x_min, x_max, y_min, y_max = square_pixel_extent(square, 30, 120, max_stretch=2.0)
    assert (x_min, x_max, y_min, y_max) == pytest.approx((-2.0, 2.0, -1.0, 1.0))
    # The default keeps square pixels.
    assert square_pixel_extent(square, 30, 60) == pytest.approx((-2.0, 2.0, -1.0, 1.0))


def test_point_labels_from_one_hot_sigmoid_and_regression_targets() -> None:
    one_hot = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert point_labels(one_hot, "classification").tolist() == [0.0, 2.0]
    assert point_labels(np.array([[1.0], [0.0]]), "classification").tolist() == [1.0, 0.0]
    assert point_labels(np.array([[0.25], [-1.5]]), "regression").tolist() == [0.25, -1.5]


# -- the grid -------------------------------------------------------------------------------


def test_boundary_grid_matches_predict_on_the_standardised_grid_points() -> None:
    rng = np.random.default_rng(0)
    raw = rng.normal(loc=[5.0, -3.0], scale=[2.0, 0.5], size=(50, 2))
    standardizer = fit_standardizer(raw)
    network = NeuralNetwork([2, 6, 3], ["tanh", "softmax"], loss="cross_entropy", seed=1)
    extent = (0.0, 10.0, -4.0, -2.0)

    grid = boundary_grid(network, standardizer, extent, 6, 10, kind="classification")

    expected = network.predict_proba(standardizer.transform(grid_points(extent, 6, 10)))
    assert grid.shape == (6, 10, 3)
    np.testing.assert_array_equal(grid, expected.reshape(6, 10, 3))
    assert not grid.flags.writeable


def test_boundary_grid_needs_two_inputs() -> None:
    network = NeuralNetwork([3, 4, 2], ["relu", "softmax"], loss="cross_entropy", seed=1)
    standardizer = fit_standardizer(np.zeros((4, 3)))

    with pytest.raises(ValueError, match="2 inputs, this one has 3"):
        boundary_grid(network, standardizer, (0, 1, 0, 1), 2, 2, kind="classification")


def test_the_runners_final_grid_matches_predict_on_the_grid_points() -> None:
    request = BoundaryRequest()
    request.set_shape(12, 20)

    runner, events = run_with_boundary(planar_config(), request)

    grids = [event for event in events if isinstance(event, BoundaryComputed)]
    final = grids[-1]
    assert final.final and final.epoch == 4
    assert (final.rows, final.cols) == (12, 20)
    assert final.values.shape == (12, 20, 3)  # spiral: three classes by default
    points = grid_points(final.extent, final.rows, final.cols)
    expected = runner.predict_proba(points).reshape(12, 20, 3)
    np.testing.assert_allclose(final.values, expected, rtol=0, atol=1e-12)
    # Pixels at most MAX_STRETCH times taller than wide (or back).
    x_min, x_max, y_min, y_max = final.extent
    stretch = ((y_max - y_min) / 12) / ((x_max - x_min) / 20)
    assert 1 / MAX_STRETCH - 1e-9 <= stretch <= MAX_STRETCH + 1e-9


def test_the_final_grid_comes_just_before_run_finished_with_the_test_points() -> None:
    request = BoundaryRequest()
    request.set_shape(8, 8)

    runner, events = run_with_boundary(planar_config(), request)

    assert isinstance(events[-1], RunFinished)
    assert isinstance(events[-2], BoundaryComputed) and events[-2].final
    data = runner.data
    assert data is not None
    np.testing.assert_array_equal(events[-2].points, data.x_test_raw)
    assert events[-2].labels.tolist() == data.y_test.argmax(axis=1).tolist()
    grids = [event for event in events if isinstance(event, BoundaryComputed)]
    assert all(grid.points is grids[0].points for grid in grids)  # one array for the run


def test_a_regression_source_gives_a_two_dimensional_grid() -> None:
    request = BoundaryRequest()
    request.set_shape(6, 9)

    runner, events = run_with_boundary(
        planar_config("plane", **{"network.hidden_activations": ["relu", "relu"]}), request
    )

    final = next(event for event in reversed(events) if isinstance(event, BoundaryComputed))
    assert final.kind == "regression"
    assert final.values.shape == (6, 9)
    expected = runner.predict(grid_points(final.extent, 6, 9))[:, 0].reshape(6, 9)
    np.testing.assert_allclose(final.values, expected, rtol=0, atol=1e-12)


def test_no_grid_without_a_request_a_shape_or_two_inputs() -> None:
    _, without_request = run_with_boundary(planar_config(), None)
    _, without_shape = run_with_boundary(planar_config(), BoundaryRequest())
    request = BoundaryRequest()
    request.set_shape(8, 8)
    four_inputs = make_config({"data.n_samples": 100, "training.epochs": 2})
    _, synthetic = run_with_boundary(four_inputs, request)

    for events in (without_request, without_shape, synthetic):
        assert not any(isinstance(event, BoundaryComputed) for event in events)
        assert isinstance(events[-1], RunFinished)


# -- throttling ----------------------------------------------------------------------------


def make_producer(request: BoundaryRequest, clock: FakeClock) -> tuple[BoundaryProducer, list]:
    network = NeuralNetwork([2, 4, 2], ["relu", "softmax"], loss="cross_entropy", seed=0)
    emitted: list[BoundaryComputed] = []
    producer = BoundaryProducer(
        request,
        network,
        fit_standardizer(np.array([[0.0, 0.0], [1.0, 1.0]])),
        (-1.0, 1.0, -1.0, 1.0),
        "classification",
        np.zeros((3, 2)),
        np.zeros(3),
        emitted.append,
        clock=clock,
    )
    return producer, emitted


def test_grids_come_every_n_epochs_or_interval_whichever_is_rarer() -> None:
    request = BoundaryRequest(every_epochs=3, min_interval_s=0.2)
    request.set_shape(4, 4)
    clock = FakeClock()
    producer, emitted = make_producer(request, clock)

    assert producer.after_epoch(1)  # the first one is always due
    clock.now = 10.0
    assert not producer.after_epoch(2)  # long ago, but only 1 epoch
    assert producer.after_epoch(4)  # 3 epochs and 10 s
    assert not producer.after_epoch(7)  # 3 epochs but no time at all
    clock.now = 10.3
    assert producer.after_epoch(8)
    assert [grid.epoch for grid in emitted] == [1, 4, 8]


def test_a_new_shape_or_a_pause_makes_a_grid_due_at_once() -> None:
    request = BoundaryRequest(every_epochs=100, min_interval_s=100.0)
    request.set_shape(4, 4)
    producer, emitted = make_producer(request, FakeClock())
    producer.after_epoch(1)

    assert not producer.after_epoch(2)
    request.set_shape(6, 8)
    assert producer.after_epoch(3)
    assert producer.after_epoch(4, force=True)
    request.clear()
    assert not producer.after_epoch(5, force=True)
    assert [(grid.rows, grid.cols) for grid in emitted] == [(4, 4), (6, 8), (6, 8)]


def test_a_huge_request_is_capped_keeping_its_aspect() -> None:
    request = BoundaryRequest()
    request.set_shape(1000, 2000)
    producer, emitted = make_producer(request, FakeClock())

    producer.after_epoch(1)

    grid = emitted[0]
    assert grid.rows * grid.cols <= 40_000
    assert grid.cols / grid.rows == pytest.approx(2.0, rel=0.02)


def test_request_rejects_a_bad_throttle() -> None:
    with pytest.raises(ValueError, match="every_epochs"):
        BoundaryRequest(every_epochs=0)


# -- the hook in a run a face drives ---------------------------------------------------------


def start_in_thread(
    config: Config, control: RunControl, request: BoundaryRequest | None = None
) -> tuple[NetworkRunner, threading.Thread, queue.Queue[Any], BoundaryHook | None]:
    events: queue.Queue[Any] = queue.Queue()
    hook = None if request is None else BoundaryHook(request, events.put)
    runner = NetworkRunner(
        config, on_event=events.put, control=control, hooks=() if hook is None else (hook,)
    )
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    return runner, thread, events, hook


def next_event(events: queue.Queue[Any], kind: type) -> Any:
    while True:
        event = events.get(timeout=DEADLINE_S)
        if isinstance(event, kind):
            return event


def test_a_step_ends_with_a_grid_even_within_the_throttle() -> None:
    request = BoundaryRequest(every_epochs=1000, min_interval_s=1000.0)
    request.set_shape(4, 6)
    control = RunControl()
    control.pause()
    _, thread, events, _ = start_in_thread(
        planar_config(**{"training.epochs": 50}), control, request
    )
    next_event(events, RunPaused)

    control.step()
    epoch = next_event(events, EpochEnded)
    first = next_event(events, BoundaryComputed)  # the first grid of a run is always due
    control.step()
    second_epoch = next_event(events, EpochEnded)
    second = next_event(events, BoundaryComputed)  # paused again: due despite the throttle

    control.stop()
    thread.join(timeout=DEADLINE_S)
    assert (epoch.epoch, first.epoch) == (1, 1)
    assert (second_epoch.epoch, second.epoch) == (2, 2)


def test_grid_now_after_the_run_draws_the_final_network_at_a_new_size() -> None:
    request = BoundaryRequest()
    request.set_shape(4, 4)
    control = RunControl()
    runner, thread, events, hook = start_in_thread(planar_config(), control, request)
    thread.join(timeout=DEADLINE_S)
    next_event(events, RunFinished)
    assert hook is not None

    grid = hook.grid_now(5, 7)
    assert grid is not None and grid.final and grid.epoch == 4
    expected = runner.predict_proba(grid_points(grid.extent, 5, 7)).reshape(5, 7, 3)
    np.testing.assert_allclose(grid.values, expected, rtol=0, atol=1e-12)


def test_work_submitted_while_paused_sees_weights_that_hold_still(tmp_path: Path) -> None:
    control = RunControl()
    runner, thread, events, _ = start_in_thread(
        planar_config(**{"training.epochs": 1_000_000}), control
    )
    next_event(events, EpochEnded)
    control.pause()
    next_event(events, RunPaused)
    points = grid_points((-1.0, 1.0, -1.0, 1.0), 4, 4)

    def read_twice_and_save() -> tuple[np.ndarray, np.ndarray]:
        first = runner.predict_proba(points)
        runner.save_model(tmp_path / "paused.npz")
        return first, runner.predict_proba(points)

    first, second = control.submit(read_twice_and_save).result(timeout=DEADLINE_S)
    control.stop()
    thread.join(timeout=DEADLINE_S)

    np.testing.assert_array_equal(first, second)  # nothing trained in between
    assert NeuralNetwork.load(tmp_path / "paused.npz").layer_sizes == [2, 8, 8, 3]
    assert not thread.is_alive()
