"""Small things that add up: queued steps, the footer at 80 columns, dimmed keys, the Data line,
the runs table's width, task switches explained in app terms, files never replaced."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Footer
from tui_helpers import LONG, SIZE, epochs_done, finished, notes

from nntui.training.record import Phase
from nntui.tui.app import NNTuiApp
from nntui.tui.widgets.architecture import ArchitecturePanel, SummaryTable
from nntui.tui.widgets.fitted_label import FittedLabel
from nntui.tui.widgets.runs import RunsTable
from nntui.tui.widgets.status import final_test_score

pytestmark = pytest.mark.slow


async def test_quick_steps_while_paused_train_that_many_epochs(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 1, "the first epoch")
        await pilot.press("p")
        record = app.controller.record
        await wait(pilot, lambda: record.phase is Phase.PAUSED, "the pause")
        held = epochs_done(app)
        await pilot.press("n", "n", "n")
        await wait(pilot, lambda: epochs_done(app) == held + 3, "three steps")
        await wait(pilot, lambda: record.phase is Phase.PAUSED, "the pause after them")
        for _ in range(5):
            await pilot.pause(0.02)
        assert epochs_done(app) == held + 3
        assert not any("pause first" in note for note in notes(app))
        app.action_stop()
        await wait(pilot, lambda: finished(app), "the stop")


async def test_the_eta_holds_still_while_paused(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}))
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 2, "two epochs")
        await pilot.press("p")
        await wait(pilot, lambda: app.controller.record.phase is Phase.PAUSED, "the pause")
        await pilot.pause()
        status = app.query_one("#status-text", FittedLabel)
        shown = status.text
        assert "ETA" in shown
        for _ in range(10):
            await pilot.pause(0.02)
        app.monitor.redraw_now()
        assert status.text == shown
        app.action_stop()
        await wait(pilot, lambda: finished(app), "the stop")


async def test_the_footer_keeps_help_and_quit_at_80_columns(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 1, "the first epoch")
        for tab in ("1", "2", "3"):
            await pilot.press(tab)
            await pilot.pause()
            footer = app.screen.query_one(Footer)
            keys = {str(getattr(key, "action", "")): key for key in footer.children}
            for action in ("help", "quit_app"):
                region = keys[action].region
                assert region.width > 0 and region.right <= 80, (tab, action, region)
        app.action_stop()
        await wait(pilot, lambda: finished(app), "the stop")


async def test_keys_that_do_nothing_now_are_dimmed(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for action in ("toggle_pause", "stop", "step", "save_model"):
            assert app.check_action(action, ()) is None, action  # no run yet
        assert app.check_action("retrain", ()) is True
        await app.start_run()
        await wait(pilot, lambda: finished(app), "the run")
        assert app.check_action("save_model", ()) is True
        assert app.check_action("toggle_pause", ()) is None


async def test_the_architecture_panel_has_a_data_line_and_keras_columns(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run")
        await pilot.pause()
        data = app.query_one(ArchitecturePanel).data_text
        started = app.controller.record.started
        assert started is not None
        summary = started.data
        assert data.startswith(f"Data: {summary.source} · {summary.n_train} train / ")
        assert f"{summary.n_validation} validation / {summary.n_test} test" in data
        assert f"{summary.n_features} features" in data and "3 classes" in data
        assert f"seed {started.seed}" in data
        table = app.query_one(SummaryTable)
        assert table.layer_rows and table.layer_rows[0].kind == "Dense"
        totals = app.query_one(ArchitecturePanel).totals_text
        assert f"Trainable: {started.parameter_count:,}" in totals
        assert "non-trainable: 0" in totals
        ended = app.query_one("#status-reason", FittedLabel).text
        long_form, short_form = final_test_score(app.controller.record)
        assert long_form.startswith(f"test set ({summary.n_test} rows, scored once at the end): ")
        assert ended.endswith(long_form) or ended.endswith(short_form)
        assert "accuracy" in ended


async def test_the_runs_table_fits_120_columns(tiny_config, wait) -> None:
    config = tiny_config(
        **{
            "training.optimizer": "sgd",
            "training.momentum": 0.9,
            "training.nesterov": True,
            "network.hidden_layers": [128, 64, 32],
            "network.hidden_activations": ["relu", "relu", "relu"],
            "training.epochs": 3,
        }
    )
    app = NNTuiApp(config, deterministic=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait(pilot, lambda: finished(app), "the run")
        await pilot.press("t")
        await wait(pilot, lambda: app.controller.runs_started == 2 and finished(app), "run 2")
        await pilot.press("3")
        await pilot.pause()
        table = app.query_one(RunsTable)
        await wait(pilot, lambda: table.row_count == 2, "both runs listed")
        assert table.virtual_size.width <= 118
        detail = str(app.query_one("#runs-detail").render())
        assert "Changed from the previous run" in detail


async def test_switching_task_on_a_source_that_cannot_says_so_in_app_terms(
    planar_config, wait
) -> None:
    app = NNTuiApp(planar_config(**{"training.epochs": 2}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run")
        before = len(notes(app))
        await pilot.press("t")
        # Other notes (e.g. the run's end) may come first: wait for the one `t` causes.
        await wait(pilot, lambda: any("regression" in n for n in notes(app)[before:]), "the note")
        said = next(n for n in notes(app)[before:] if "regression" in n)
        assert "--task" not in said and "--" not in said
        assert "regression" in said and "data.source" in said and "press e" in said
        assert app.controller.runs_started == 1


async def test_saving_the_model_and_exporting_never_replace_a_file(
    tmp_path: Path, monkeypatch, tiny_config, wait
) -> None:
    monkeypatch.chdir(tmp_path)
    app = NNTuiApp(tiny_config(**{"training.epochs": 2}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run")
        await pilot.press("w")
        await wait(pilot, lambda: (tmp_path / "nntui-run-1-model.npz").exists(), "a model")
        await pilot.press("w")
        await wait(pilot, lambda: (tmp_path / "nntui-run-1-model-2.npz").exists(), "another")
        assert any("nntui-run-1-model-2.npz" in note for note in notes(app))
        await pilot.press("3", "x", "x")
        await wait(pilot, lambda: (tmp_path / "nntui-run-1-2.json").exists(), "two exports")
        assert (tmp_path / "nntui-run-1.csv").exists()
        assert any("nntui-run-1-2.csv" in note for note in notes(app))


async def test_a_hidden_monitor_tab_is_not_redrawn_until_shown(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 1, "the first epoch")
        await pilot.press("2")
        shown = epochs_done(app)
        await wait(pilot, lambda: epochs_done(app) > shown + 2, "more epochs")
        app.monitor.redraw_now()
        assert app.monitor._monitor_stale
        await pilot.press("1")
        await pilot.pause()
        assert not app.monitor._monitor_stale
        app.action_stop()
        await wait(pilot, lambda: finished(app), "the stop")


async def test_a_log_file_that_cannot_be_opened_is_a_warning_in_the_app(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), autostart=False)
    app.startup_warnings = ("warning: logging.file '/': Is a directory; this run is not logged",)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: any("not logged" in note for note in notes(app)), "the note")
        assert app.return_code is None  # the app goes on
