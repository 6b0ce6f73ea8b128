"""The monitor driven through the Pilot: runs, panels, keys, editing, saving, quitting."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import yaml
from textual.app import App
from textual.widgets import ContentSwitcher, Label, Sparkline, Static
from tui_helpers import LONG, SIZE, epochs_done, finished, notes, static_text

from nntui.config import LoadedConfig, dump_config
from nntui.logs import close_logging
from nntui.training.record import Phase
from nntui.tui.app import NNTuiApp, run_app
from nntui.tui.widgets.architecture import ArchitecturePanel
from nntui.tui.widgets.config_editor import ConfigEditor
from nntui.tui.widgets.fitted_label import FittedLabel
from nntui.tui.widgets.gradients import GradientsPanel
from nntui.tui.widgets.help import HelpScreen
from nntui.tui.widgets.metrics import MetricRow

pytestmark = pytest.mark.slow


async def test_the_app_trains_a_tiny_config_to_the_end(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        assert app.controller.record.phase is Phase.COMPLETED
        assert epochs_done(app) == 10
        assert (
            app.controller.record.results is not None
            and app.controller.record.results["status"] == "completed"
        )
        status = app.query_one("#status-text", FittedLabel).text
        assert "epoch 10/10" in status
        assert static_text(app.query_one("#status-phase", Label)) == "FINISHED"


async def test_sparklines_hold_one_point_per_epoch(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(**{"training.epochs": 12}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        await pilot.pause()
        metric_points = [len(row.query_one(Sparkline).data) for row in app.query(MetricRow)]
        assert metric_points == [12, 12, 12, 12]
        grad_points = [len(row.values) for row in app.query_one(GradientsPanel).rows]
        assert grad_points and all(points == 12 for points in grad_points)
        data = app.query(MetricRow).first().query_one(Sparkline).data
        assert type(data) is list and all(type(value) is float for value in data)


async def test_the_gradient_panel_has_one_row_per_layer(tiny_config, wait) -> None:
    config = tiny_config(
        **{"network.hidden_layers": [16, 8], "network.hidden_activations": ["relu", "tanh"]}
    )
    app = NNTuiApp(config, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        await pilot.pause()
        rows = app.query_one(GradientsPanel).rows
        assert app.controller.runner is not None and app.controller.runner.network is not None
        assert len(rows) == len(app.controller.runner.network.layers) == 3
        assert [row.name for row in rows] == ["dense_1", "dense_2", "dense_3"]


async def test_the_summary_total_is_the_networks_parameter_count(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        await pilot.pause()
        assert app.controller.runner is not None and app.controller.runner.network is not None
        count = app.controller.runner.network.parameter_count
        assert count == 8 * 16 + 16 + 16 * 3 + 3
        totals = app.query_one(ArchitecturePanel).totals_text
        assert f"Total params: {count:,}" in totals


async def test_an_invalid_edit_shows_the_error_and_starts_nothing(tiny_config, wait) -> None:
    config = tiny_config()
    app = NNTuiApp(config, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the first run to end")
        results_before = app.controller.record.results
        editor = app.query_one(ConfigEditor)
        bad = dump_config(config).replace("batch_size: 32", "batch_size: -4")
        editor.text = bad
        await pilot.press("e", "ctrl+r")
        await wait(pilot, lambda: bool(editor.problems) and editor.problem_in_view, "problems")
        problems = static_text(app.query_one("#config-problem-list", Static))
        assert "training.batch_size" in problems
        assert "-4" in problems
        assert problems.startswith("line ")
        bad_row = bad.splitlines().index(
            next(line for line in bad.splitlines() if "batch_size: -4" in line)
        )
        assert editor.text_area.cursor_location == (bad_row, 0)
        assert app.controller.runs_started == 1
        assert app.controller.record.phase is Phase.COMPLETED
        assert app.controller.record.results is results_before
        assert app.config == config


async def test_retrain_key_with_an_invalid_edit_starts_nothing(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the first run to end")
        editor = app.query_one(ConfigEditor)
        editor.text = "training:\n  epochs: many\n"
        await pilot.press("r")
        await wait(pilot, lambda: bool(editor.problems), "the problems")
        await pilot.pause()
        assert "training.epochs" in static_text(app.query_one("#config-problem-list", Static))
        assert app.controller.runs_started == 1
        assert app.query_one("#tabs", ContentSwitcher).current == "config-tab"


async def test_a_valid_edit_retrains_with_the_new_architecture(tiny_config, wait) -> None:
    config = tiny_config()
    app = NNTuiApp(config, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the first run to end")
        text = dump_config(config)
        text = text.replace("hidden_layers: [16]", "hidden_layers: [16, 8]")
        text = text.replace("hidden_activations: [relu]", "hidden_activations: [relu, relu]")
        app.query_one(ConfigEditor).text = text
        await pilot.press("e", "ctrl+r")
        await wait(
            pilot, lambda: app.controller.runs_started == 2 and finished(app), "the second run"
        )
        await pilot.pause()
        assert app.controller.runner is not None and app.controller.runner.network is not None
        assert list(app.controller.runner.network.layer_sizes[1:-1]) == [16, 8]
        assert len(app.query_one(GradientsPanel).rows) == 3
        assert app.config.network.hidden_layers == (16, 8)
        assert app.query_one("#tabs", ContentSwitcher).current == "monitor-tab"
        count = app.controller.runner.network.parameter_count
        assert f"{count:,}" in app.query_one(ArchitecturePanel).totals_text


async def test_an_edit_whose_data_cannot_be_read_leaves_the_run_training(tiny_config, wait) -> None:
    # The text is a valid config, but its CSV does not exist: the retrain is refused
    # before the running run is stopped, and the editor says why.
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 2, "a couple of epochs")
        editor = app.query_one(ConfigEditor)
        editor.text = "data:\n  source: csv\n  path: no-such-file.csv\n  target: y\n"
        await pilot.press("e", "ctrl+r")
        await wait(pilot, lambda: bool(editor.problems), "the problem")
        listed = static_text(app.query_one("#config-problem-list", Static))
        assert "data: data file not found: no-such-file.csv" in listed
        assert app.controller.runs_started == 1
        assert app.controller.record.phase is Phase.RUNNING
        assert app.config.data.source != "csv"  # the app's config is still the run's
        running = epochs_done(app)
        await wait(pilot, lambda: epochs_done(app) > running, "more epochs of the same run")
        assert any("Not retrained: data file not found" in note for note in notes(app))


async def test_pause_holds_the_epochs_and_resume_continues(tiny_config, wait, thread_probe) -> None:
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 2, "a couple of epochs")
        await pilot.press("p")
        await wait(pilot, thread_probe.parked, "the training thread to park in the pause")
        await wait(pilot, lambda: app.controller.record.phase is Phase.PAUSED, "the pause shown")
        # An epoch that ended as the pause was asked for still arrives (the bridge
        # delivers it within a flush period); after that, nothing moves.
        await wait(
            pilot,
            lambda: app.controller.bridge is not None and app.controller.bridge.pending == 0,
            "a flush",
        )
        await pilot.pause()
        held = epochs_done(app)
        for _ in range(5):
            await pilot.pause(0.02)
        assert epochs_done(app) == held
        assert app.controller.record.phase is Phase.PAUSED
        await pilot.press("space")
        await wait(pilot, lambda: app.controller.record.phase is Phase.RUNNING, "the resume")
        await wait(pilot, lambda: epochs_done(app) > held, "epochs to advance after resume")
        app.action_stop()  # (the s key itself: test_stop_ends_the_run_as_stopped)
        await wait(pilot, lambda: finished(app), "the stop")


async def test_stop_ends_the_run_as_stopped(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 1, "the first epoch")
        await pilot.press("s")
        await wait(pilot, lambda: finished(app), "the run to stop")
        assert app.controller.record.phase is Phase.INTERRUPTED
        assert app.controller.record.results is not None
        assert app.controller.record.results["status"] == "interrupted"
        assert app.controller.record.results["epochs_completed"] < LONG
        assert static_text(app.query_one("#status-phase", Label)) == "STOPPED"


async def test_switching_task_trains_regression_and_shows_r2(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the classification run")
        await pilot.press("t")
        await wait(
            pilot, lambda: app.controller.runs_started == 2 and finished(app), "the regression run"
        )
        await pilot.pause()
        assert app.config.task == "regression"
        assert app.controller.record.phase is Phase.COMPLETED
        assert (
            app.controller.record.results is not None
            and app.controller.record.results["task"] == "regression"
        )
        headings = [row.query_one(FittedLabel).text for row in app.query(MetricRow)]
        assert headings[2].startswith("train R²") and headings[3].startswith("val R²")
        assert app.controller.record.final_metric("val_r2") is not None
        assert "regression" in app.query_one("#status-text", FittedLabel).text


async def test_quitting_mid_run_stops_the_thread(tiny_config, wait, thread_probe) -> None:
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}))
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 1, "the first epoch")
        await pilot.press("q")
    assert app.controller.control is not None and app.controller.control.stop_requested
    assert app.controller.worker is not None and app.controller.worker.is_finished
    assert thread_probe.busy() == []
    assert app.return_code == 0


def test_quitting_mid_run_leaves_no_live_thread(tiny_config) -> None:
    """The real entry path (``App.run``): when it returns, every thread it made is gone."""
    before = set(threading.enumerate())
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}))
    seen_epochs: list[int] = []

    async def quit_mid_run(pilot) -> None:
        while epochs_done(app) < 2:
            await pilot.pause(0.01)
        seen_epochs.append(epochs_done(app))
        await pilot.press("q")

    app.run(headless=True, size=SIZE, auto_pilot=quit_mid_run)
    leftover = [t.name for t in set(threading.enumerate()) - before if t.is_alive()]
    assert leftover == []
    assert seen_epochs and app.controller.runner is not None
    assert app.controller.runner.status == "interrupted"
    assert app.return_code == 0


async def test_typing_in_the_editor_types_letters_instead_of_running_keys(
    tiny_config, wait
) -> None:
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        await pilot.press("e")
        editor = app.query_one(ConfigEditor)
        editor.text_area.cursor_location = (0, 0)
        await pilot.press("q", "s", "t", "p", "r")
        assert editor.text.startswith("qstpr")
        assert app.is_running and app.controller.runs_started == 1
        assert app.config.task == "classification"
        await pilot.press("escape", "t")  # keys work again once the editor is left
        await wait(pilot, lambda: app.controller.runs_started == 2, "the task switch")
        assert app.config.task == "regression"


async def test_save_writes_the_edited_config_atomically_to_its_file(
    tmp_path: Path, tiny_config, wait
) -> None:
    config = tiny_config()
    path = tmp_path / "my-config.yaml"
    path.write_text(dump_config(config))
    app = NNTuiApp(config, config_path=path, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.query_one(ConfigEditor)
        editor.text = dump_config(config).replace("epochs: 10", "epochs: 7")
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: not editor.modified, "the save")
        saved = yaml.safe_load(path.read_text())
        assert saved["training"]["epochs"] == 7
        assert sorted(p.name for p in tmp_path.iterdir()) == ["my-config.yaml"]  # no temp file left
        messages = [n for n in notes(app)]
        assert any(str(path) in message for message in messages)
        assert app.controller.runs_started == 0  # saving never starts or touches a run


async def test_the_packaged_default_saves_to_the_working_folder(
    tmp_path: Path, monkeypatch, tiny_config, wait
) -> None:
    monkeypatch.chdir(tmp_path)
    app = NNTuiApp(tiny_config(), config_path=None, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: (tmp_path / "config.yaml").is_file(), "the save")
    assert (tmp_path / "config.yaml").is_file()
    assert app.save_path == tmp_path / "config.yaml"


async def test_an_invalid_edit_cannot_be_saved(tmp_path: Path, tiny_config, wait) -> None:
    config = tiny_config()
    path = tmp_path / "config.yaml"
    original = dump_config(config)
    path.write_text(original)
    app = NNTuiApp(config, config_path=path, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.query_one(ConfigEditor)
        editor.text = original.replace("learning_rate: 0.05", "learning_rate: -1")
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: bool(editor.problems), "the problems")
        assert "training.learning_rate" in static_text(
            app.query_one("#config-problem-list", Static)
        )
        assert any("Not saved" in n for n in notes(app))
    assert path.read_text() == original


async def test_a_diverging_run_shows_the_reason_not_a_crash(tiny_config, wait) -> None:
    app = NNTuiApp(
        tiny_config(**{"training.learning_rate": 1e6, "training.epochs": 50}), deterministic=True
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        await pilot.pause()
        assert app.controller.record.phase is Phase.DIVERGED
        reason = app.query_one("#status-reason", FittedLabel).text
        assert reason.startswith("diverged at epoch")
        assert app.query_one("#status-reason").display
        assert all(
            value == value
            for row in app.query(MetricRow)
            for value in row.query_one(Sparkline).data
        )


async def test_help_lists_the_keys_and_closes(tiny_config) -> None:
    app = NNTuiApp(tiny_config(), autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = static_text(app.screen.query_one("#help-text", Static))
        for key in ("ctrl+s", "ctrl+r", "p / space", "q / ctrl+q"):
            assert key in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_is_drawn_over_a_plain_background_not_a_tinted_monitor(tiny_config) -> None:
    # Tinting the monitor behind the help cost ~45 ms a frame with the playground's map.
    app = NNTuiApp(tiny_config(), autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Architecture" in app.export_screenshot()
        await pilot.press("f1")
        await pilot.pause()
        shown = app.export_screenshot()
        assert "checkpoint" in shown and "Architecture" not in shown
        await pilot.press("escape")
        await pilot.pause()
        assert "Architecture" in app.export_screenshot()


async def test_the_command_palette_offers_every_action(tiny_config) -> None:
    app = NNTuiApp(tiny_config(), autostart=False)
    async with app.run_test(size=SIZE):
        titles = {command.title for command in app.get_system_commands(app.screen)}
    expected = {
        "Retrain",
        "Pause / resume",
        "Stop",
        "Switch task",
        "Edit config",
        "Save config",
        "Help",
        "Quit",
    }
    assert expected <= titles


def test_the_app_is_a_textual_app_with_its_stylesheet_found_from_anywhere() -> None:
    assert issubclass(NNTuiApp, App)
    assert Path(NNTuiApp.CSS_PATH).is_file()


async def test_the_command_palette_runs_an_action(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the first run")
        await pilot.press("ctrl+p", *"switch ta", "enter")
        await wait(
            pilot, lambda: app.controller.runs_started == 2 and finished(app), "the switched run"
        )
        assert app.config.task == "regression"


async def test_a_crash_outside_the_runners_events_shows_as_failed(
    tiny_config, wait, monkeypatch
) -> None:
    def crash(self) -> dict:
        raise RuntimeError("boom")

    monkeypatch.setattr("nntui.tui.controller.NetworkRunner.run", crash)
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the failure to show")
        assert app.controller.record.phase is Phase.ERROR
        assert app.controller.record.reason == "training crashed: RuntimeError: boom"
        assert app.is_running  # the app itself keeps going


def _loaded(config, path: Path | None = None) -> LoadedConfig:
    return LoadedConfig(config, path, dump_config(config), str(path or "default config"))


def test_run_app_logs_to_the_configured_file_and_returns_0(
    tmp_path, tiny_config, monkeypatch
) -> None:
    log_file = tmp_path / "logs" / "app.log"
    config = tiny_config(**{"logging.file": str(log_file)})
    real_run = NNTuiApp.run

    def run_headless(self: NNTuiApp) -> None:
        async def quit_when_done(pilot) -> None:
            while not finished(self):
                await pilot.pause(0.01)
            await pilot.press("q")

        real_run(self, headless=True, size=SIZE, auto_pilot=quit_when_done)

    monkeypatch.setattr(NNTuiApp, "run", run_headless)
    try:
        assert run_app(_loaded(config)) == 0
    finally:
        close_logging()
    assert "run completed" in log_file.read_text()


def test_run_app_warns_of_a_log_file_it_cannot_open_and_goes_on(
    tmp_path, tiny_config, capsys, monkeypatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    config = tiny_config(**{"logging.file": str(blocker / "app.log")})
    real_run = NNTuiApp.run
    shown: list[str] = []

    def run_headless(self: NNTuiApp) -> None:
        async def quit_when_done(pilot) -> None:
            while not finished(self):
                await pilot.pause(0.01)
            shown.extend(notes(self))
            await pilot.press("q")

        real_run(self, headless=True, size=SIZE, auto_pilot=quit_when_done)

    monkeypatch.setattr(NNTuiApp, "run", run_headless)
    try:
        assert run_app(_loaded(config)) == 0  # the run goes on, unlogged
    finally:
        close_logging()
    err = capsys.readouterr().err
    assert err.startswith("warning: logging.file") and "not logged" in err
    assert "Traceback" not in err
    assert any("not logged" in note for note in shown)


async def test_the_run_waits_for_the_screen_to_be_built(tiny_config, wait, monkeypatch) -> None:
    # On a busy machine the monitor can take longer to build than the app's short
    # settling delay (0.2 s); a delay of 10 ms makes that all but certain. The run must
    # wait for the panels rather than fail to find them.
    from nntui.tui import app as app_module

    monkeypatch.setattr(app_module, "SETTLE_S", 0.01)
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to end")
        assert app.controller.record.phase is Phase.COMPLETED


async def test_the_built_app_is_frozen_and_young_objects_are_collected_less_often(
    tiny_config, wait, monkeypatch
) -> None:
    # Full collections stalled keys (~25 ms each); the app freezes what it built and
    # lets more short-lived objects pile up between young passes.
    import gc

    from nntui.tui import app as app_module

    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *limits: calls.append(f"threshold {limits}"))
    app = NNTuiApp(tiny_config(), deterministic=True, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: bool(calls), "the screen to be built")
    _young, *older = gc.get_threshold()
    assert calls == ["freeze", f"threshold {(app_module.YOUNG_GC_THRESHOLD, *older)}"]
    assert app_module.YOUNG_GC_THRESHOLD > 700  # Python's default
