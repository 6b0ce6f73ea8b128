"""The playground, driven through the Pilot: boundary, step, runs, export, models, small screens."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path

import numpy as np
import pytest
from textual.widgets import Static
from tui_helpers import LONG, SIZE, epochs_done, finished, notes, static_text

import nntui.training.boundary as boundary_module
from nntui.config import dump_config
from nntui.nn.network import NeuralNetwork
from nntui.training.boundary import grid_points
from nntui.training.record import Phase
from nntui.tui.app import NNTuiApp
from nntui.tui.widgets.boundary_panel import BoundaryPanel
from nntui.tui.widgets.config_editor import ConfigEditor
from nntui.tui.widgets.diagnostics_help import DiagnosticsHelpScreen
from nntui.tui.widgets.fitted_label import FittedLabel
from nntui.tui.widgets.gradients import GradientsPanel
from nntui.tui.widgets.learning_curves import LearningCurves
from nntui.tui.widgets.metrics import MetricRow
from nntui.tui.widgets.runs import RunsTable
from nntui.tui.widgets.too_small import TooSmallNotice

pytestmark = pytest.mark.slow


def final_grid_fits(app: NNTuiApp) -> bool:
    panel = app.query_one(BoundaryPanel)
    grid = panel.grid_event
    return (
        finished(app) and grid is not None and (grid.rows, grid.cols) == panel.boundary.grid_shape()
    )


# -- the decision boundary -------------------------------------------------------------------


async def test_a_2_input_net_gets_the_boundary_panel_with_the_networks_grid(
    planar_config, wait
) -> None:
    app = NNTuiApp(planar_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: final_grid_fits(app), "the final grid at the panel's size")
        panel = app.query_one(BoundaryPanel)
        grid = panel.grid_event
        assert grid is not None and grid.final and grid.epoch == 30
        assert panel.display and panel.region.area > 0
        assert panel.boundary.has_grid
        assert app.controller.runner is not None
        points = grid_points(grid.extent, grid.rows, grid.cols)
        expected = app.controller.runner.predict_proba(points).reshape(grid.values.shape)
        np.testing.assert_allclose(grid.values, expected, atol=1e-12)
        legend = panel.query_one(FittedLabel).text
        assert "class_0" in legend and panel.border_title == "Decision boundary · epoch 30"

        # After the run, a new panel size gets a new grid (computed off the UI thread).
        await pilot.resize_terminal(100, 30)
        await wait(
            pilot,
            lambda: final_grid_fits(app) and panel.grid_event is not grid,
            "a grid for the new size",
        )
        assert (panel.grid_event.rows, panel.grid_event.cols) != (grid.rows, grid.cols)
        assert panel.grid_event.epoch == 30


async def test_other_networks_get_no_grids_and_the_panel_says_how_to_get_one(
    tiny_config, wait
) -> None:
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        panel = app.query_one(BoundaryPanel)
        assert panel.hint is not None and "press e, set data.source: spiral" in panel.hint
        assert panel.hint.startswith("8 features, not 2-D")
        assert panel.grid_event is None
        assert app.controller.boundary_request.shape() is None


async def test_the_boundary_is_redrawn_live_from_grids_made_in_the_training_thread(
    planar_config, wait, monkeypatch
) -> None:
    threads: set[int] = set()
    real_grid = boundary_module.boundary_grid

    def recording_grid(*args, **kwargs):
        threads.add(threading.get_ident())
        return real_grid(*args, **kwargs)

    monkeypatch.setattr(boundary_module, "boundary_grid", recording_grid)
    app = NNTuiApp(planar_config(**{"training.epochs": LONG}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(BoundaryPanel)
        await wait(pilot, lambda: panel.grid_event is not None, "the first grid")
        first = panel.grid_event
        await wait(
            pilot,
            lambda: panel.grid_event.epoch >= first.epoch + 5,
            "a grid a few epochs later",
        )
        later = panel.grid_event
        app.action_stop()
        await wait(pilot, lambda: finished(app), "the stop")
    assert not np.array_equal(first.values, later.values)  # the picture changed as it learned
    assert threads and threading.main_thread().ident not in threads


async def test_a_regression_source_applied_in_the_editor_switches_task_and_colour_scale(
    planar_config, wait
) -> None:
    config = planar_config()
    app = NNTuiApp(config, autostart=False, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(ConfigEditor).text = dump_config(config).replace(
            "source: spiral", "source: plane"
        )
        await pilot.press("e", "ctrl+r", "escape")
        await wait(pilot, lambda: final_grid_fits(app), "the regression run's final grid")
        assert app.config.task == "regression"
        assert any("Task: regression" in note for note in notes(app))
        grid = app.query_one(BoundaryPanel).grid_event
        assert grid.kind == "regression" and grid.values.shape == (grid.rows, grid.cols)
        # A numbered colour scale, and a title saying what the colours are.
        scale = app.query_one(BoundaryPanel).boundary.scale
        legend = app.query_one("#boundary-legend", FittedLabel).text
        assert f"{scale.centre + scale.half_range:.3g}" in legend and "███" in legend
        title = app.query_one(BoundaryPanel).border_title
        assert title == "Predicted target over (x1, x2) · epoch 30"


# -- stepping ---------------------------------------------------------------------------------


async def test_the_step_key_trains_exactly_one_epoch_and_every_panel_shows_it(
    planar_config, wait, thread_probe
) -> None:
    app = NNTuiApp(planar_config(**{"training.epochs": LONG}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 2, "a couple of epochs")
        await pilot.press("p")
        await wait(pilot, thread_probe.parked, "the training thread to park in the pause")
        await wait(
            pilot,
            lambda: app.controller.bridge is not None and app.controller.bridge.pending == 0,
            "a flush",
        )
        await pilot.pause()
        held = epochs_done(app)

        await pilot.press("n")
        await wait(
            pilot,
            lambda: epochs_done(app) == held + 1 and app.controller.record.phase is Phase.PAUSED,
            "one more epoch, then the pause again",
        )
        await wait(pilot, thread_probe.parked, "the thread to park again")
        for _ in range(5):
            await pilot.pause(0.02)

        assert epochs_done(app) == held + 1
        assert app.controller.record is not None and app.controller.record.epochs_done == held + 1
        sparkline = app.query(MetricRow).first().query_one("Sparkline")
        assert len(sparkline.data) == held + 1
        boundary = app.query_one(BoundaryPanel)
        await wait(pilot, lambda: boundary.epoch == held + 1, "the boundary of that epoch")
        assert "PAUSED" in str(app.query_one("#status-phase").render())
        app.action_stop()
        await wait(pilot, lambda: finished(app), "the stop")


async def test_step_without_a_paused_run_is_dimmed_and_does_nothing(tiny_config) -> None:
    app = NNTuiApp(tiny_config(), autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        assert app.check_action("step", ()) is None  # dimmed in the footer
        await pilot.press("n")
        assert app.controller.runs_started == 0
        assert not any("pause first" in note for note in notes(app))


# -- runs, curves, export ------------------------------------------------------------------


async def test_a_retrain_adds_a_run_to_the_table_curves_and_exports(
    tmp_path: Path, monkeypatch, tiny_config, wait
) -> None:
    monkeypatch.chdir(tmp_path)
    config = tiny_config()
    app = NNTuiApp(config, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the first run")
        app.query_one(ConfigEditor).text = dump_config(config).replace(
            "learning_rate: 0.05", "learning_rate: 0.1"
        )
        await pilot.press("e", "ctrl+r", "escape")
        await wait(
            pilot, lambda: app.controller.runs_started == 2 and finished(app), "the second run"
        )

        # Runs: one row per run, the changed key, the selected run exported.
        await pilot.press("3")
        table = app.query_one(RunsTable)
        assert table.row_count == 2
        second = [str(cell) for cell in table.get_row_at(1)]
        assert second[0] == "2"
        assert table.selected_run() == 2
        detail = static_text(app.query_one("#runs-detail", Static))
        assert "training.learning_rate: 0.05 → 0.1" in detail
        await pilot.press("up", "x")
        assert any(str(tmp_path / "nntui-run-1.csv") in note for note in notes(app))

        # Curves: this run over the previous one; l and m toggle, in this tab only.
        await pilot.press("2")
        loss_plot, score_plot = app.query_one(LearningCurves).plots
        assert loss_plot.series_names == ["loss", "val_loss"]
        assert score_plot.series_names == ["accuracy", "val_accuracy"]
        legend = "\n".join(strip.text for strip in loss_plot.render_strips(100, 14))
        assert "previous val_loss" in legend
        await pilot.press("l", "m")
        assert loss_plot.log_y and score_plot.log_y
        assert loss_plot.smooth and score_plot.smooth
        await pilot.press("1", "l")
        assert loss_plot.log_y

    rows = list(csv.DictReader((tmp_path / "nntui-run-1.csv").read_text().splitlines()))
    assert [int(row["epoch"]) for row in rows] == list(range(1, 11))
    assert all(float(row["loss"]) > 0 for row in rows)
    document = json.loads((tmp_path / "nntui-run-1.json").read_text())
    assert document["run"] == 1 and document["status"] == "completed"
    assert len(document["history"]["val_accuracy"]) == 10
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "nntui-run-1.csv",
        "nntui-run-1.json",
    ]


# -- issue 5 in the monitor -------------------------------------------------------------------


async def test_save_model_writes_a_loadable_file_during_and_after_a_run(
    tmp_path: Path, monkeypatch, planar_config, wait
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "nntui-run-1-model.npz"
    app = NNTuiApp(planar_config(**{"training.epochs": LONG}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 1, "the first epoch")
        app.action_save_model()  # while training: saved between two epochs, by the trainer
        await wait(pilot, lambda: any("Saved the model" in n for n in notes(app)), "the save")
        assert NeuralNetwork.load(path).layer_sizes == [2, 12, 12, 3]
        path.unlink()
        app.action_toggle_pause()
        await wait(pilot, lambda: app.controller.record.phase is Phase.PAUSED, "the pause")
        app.action_save_model()  # while paused: saved by the parked trainer, the run held still
        await wait(pilot, path.is_file, "the save while paused")
        path.unlink()
        app.action_stop()
        await wait(pilot, lambda: finished(app), "the stop")
        await pilot.press("w")  # after the run: saved at once
        await wait(pilot, path.is_file, "the save after the run")
    loaded = NeuralNetwork.load(path)
    assert loaded.metadata["data_source"] == "spiral"
    assert app.controller.runner is not None
    x = np.array([[0.1, -0.2], [0.5, 0.5]])
    np.testing.assert_array_equal(
        loaded.predict(app.controller.runner.data.normalize(x)), app.controller.runner.predict(x)
    )


async def test_save_model_is_dimmed_and_explains_when_there_is_no_model(tiny_config) -> None:
    app = NNTuiApp(tiny_config(), autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        assert app.check_action("save_model", ()) is None  # dimmed: the key does nothing
        await pilot.press("w")
        assert app.controller.runs_started == 0
        app.action_save_model()  # the action itself (not the key) explains why
        await pilot.pause()
        assert any("No model to save yet" in note for note in notes(app))


async def test_save_model_of_a_diverged_run_says_why(
    tmp_path: Path, monkeypatch, tiny_config, wait
):
    monkeypatch.chdir(tmp_path)
    app = NNTuiApp(tiny_config(**{"training.learning_rate": 1e6, "training.epochs": 50}))
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        await pilot.press("w")
        assert app.controller.record.phase is Phase.DIVERGED
        assert any("Model not saved" in n and "diverged" in n for n in notes(app))
    assert list(tmp_path.glob("*.npz")) == []


async def test_the_status_shows_the_rate_and_why_early_stopping_stopped(tiny_config, wait) -> None:
    config = tiny_config(
        **{
            "training.epochs": 500,
            "training.early_stopping": {"enabled": True, "patience": 2, "min_delta": 0.5},
        }
    )
    app = NNTuiApp(config, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        await pilot.pause()
        assert app.controller.record.results is not None
        assert app.controller.record.results["status"] == "early_stopped"
        assert "lr 0.05" in app.query_one("#status-text", FittedLabel).text
        reason = app.query_one("#status-reason", FittedLabel)
        assert reason.display and reason.text.startswith("early stopping: val_loss")


async def test_diagnostics_show_per_layer_and_d_explains_them(tiny_config, wait) -> None:
    config = tiny_config(
        **{"network.hidden_layers": [16, 8], "network.hidden_activations": ["relu", "tanh"]}
    )
    app = NNTuiApp(config, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        await pilot.pause()
        relu, tanh, softmax = app.query_one(GradientsPanel).rows
        assert all(row.update_ratio is not None and row.weight_norm for row in (relu, tanh))
        assert relu.dead_fraction is not None and relu.saturated_fraction is None
        assert tanh.saturated_fraction is not None and tanh.dead_fraction is None
        assert softmax.dead_fraction is None and softmax.saturated_fraction is None
        await pilot.press("d")
        assert isinstance(app.screen, DiagnosticsHelpScreen)
        text = static_text(app.screen.query_one("#diagnostics-help-text", Static))
        assert "Δ/W" in text and "dead" in text and "−3" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, DiagnosticsHelpScreen)


async def test_switching_task_on_a_classification_only_source_explains_instead(
    planar_config,
) -> None:
    app = NNTuiApp(planar_config(), autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        assert app.config.task == "classification" and app.controller.runs_started == 0
        assert any("cannot train regression" in note for note in notes(app))


# -- small terminals and discoverability ----------------------------------------------------


async def test_a_small_terminal_says_the_size_needed_and_the_layout_comes_back(
    tiny_config,
) -> None:
    app = NNTuiApp(tiny_config(), autostart=False)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        notice = app.query_one(TooSmallNotice)
        assert notice.display and notice.region.area > 0
        message = str(notice.render())
        assert "80×24" in message and "60×20" in message
        assert not app.query_one("#tabs").display
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert not notice.display
        assert app.query_one("#tabs").display and app.query_one("#tabs").region.area > 0
        await pilot.resize_terminal(100, 20)  # wide enough, too short
        await pilot.pause()
        assert notice.display and "100×20" in str(notice.render())


async def test_the_palette_and_the_help_list_the_playground_actions(tiny_config) -> None:
    app = NNTuiApp(tiny_config(), autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        titles = {command.title for command in app.get_system_commands(app.screen)}
        await pilot.press("f1")
        help_text = static_text(app.screen.query_one("#help-text", Static))
    assert {
        "Step",
        "Save model",
        "Export run history",
        "Log ⇄ linear scale",
        "Curves: smoothing strength",
        "Diagnostics help",
    } <= titles
    keys = {line.split("  ")[0].strip() for line in help_text.splitlines() if line.strip()}
    assert {"n", "w", "x", "l", "m", "d", "v", "[ / ]", "b", "1 2 3 4 5 6 7"} <= keys
