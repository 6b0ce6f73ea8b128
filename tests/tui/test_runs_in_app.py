"""The run store in the app: the Runs tab lists, sorts, marks and opens runs; `c` and `R`."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_config
from textual.widgets import Input
from tui_helpers import SIZE, curves_shown, finished, notes, static_text, wait_for

from nntui.config import Config
from nntui.runs.recorder import start_recording
from nntui.runs.store import RunStore
from nntui.training.runner import NetworkRunner
from nntui.tui.app import NNTuiApp
from nntui.tui.screens.continue_prompt import ContinuePrompt, parse_more
from nntui.tui.screens.past_run import PastRunScreen
from nntui.tui.widgets.boundary import DecisionBoundary
from nntui.tui.widgets.curves import CurvePlot
from nntui.tui.widgets.fitted_label import FittedLabel
from nntui.tui.widgets.runs import RunsTable, sort_key

PLANAR = {
    "data.source": "circles",
    "data.n_samples": 120,
    "network.hidden_layers": [6],
    "network.hidden_activations": ["tanh"],
    "training.epochs": 3,
}


def recorded_run(runs_dir: Path, **overrides: object) -> str:
    """Train and record one tiny run (an "earlier session"); returns its id."""
    config = make_config({**PLANAR, "logging.runs_dir": str(runs_dir), **overrides})
    runner = NetworkRunner(config)
    recorder = start_recording(runner, config.logging.runs_dir)
    assert recorder is not None
    runner.run()
    return recorder.id


def app_on(runs_dir: Path, **overrides: object) -> NNTuiApp:
    config: Config = make_config({**PLANAR, "logging.runs_dir": str(runs_dir), **overrides})
    return NNTuiApp(config, autostart=False, deterministic=True)


def table_ids(app: NNTuiApp) -> list[str]:
    table = app.query_one(RunsTable)
    return [str(table.get_row_at(row)[0]).removeprefix("◆ ") for row in range(table.row_count)]


def legend_text(app: NNTuiApp) -> str:
    plots = list(app.query(CurvePlot))
    lines = [strip.text for plot in plots for strip in plot.render_strips(110, 16)]
    return "\n".join(lines)


def test_sort_keys_order_numbers_then_words_then_blanks() -> None:
    cells = ["10/10", "—", "2/10", "completed"]
    assert sorted(cells, key=sort_key) == ["2/10", "10/10", "completed", "—"]
    assert parse_more("40") == 40 and parse_more("0") is None and parse_more("x") is None


@pytest.mark.slow
async def test_the_runs_tab_lists_sorts_marks_and_opens_earlier_runs(tmp_path: Path) -> None:
    first = recorded_run(tmp_path, **{"training.epochs": 2})
    second = recorded_run(tmp_path, **{"training.epochs": 3, "data.random_seed": 9})
    app = app_on(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await wait_for(pilot, lambda: bool(app.query(RunsTable)), "the Runs tab")
        await pilot.pause()
        assert table_ids(app) == [first, second]
        assert "recorded in" in str(app.query_one(RunsTable).border_title)
        # O sorts by the next column (#, then status, then epochs), again… reverses at the end
        for _ in range(3):
            await pilot.press("O")
        assert app.query_one(RunsTable).sort_column == 2
        assert table_ids(app) == [first, second]  # 2/2 before 3/3
        table = app.query_one(RunsTable)
        left = sum(column.get_render_width(table) for column in table.ordered_columns[:2])
        await pilot.click(RunsTable, offset=(left + 3, 1))  # the epochs header again: reversed
        await pilot.pause()
        assert table_ids(app) == [second, first]
        # k marks the selected run; the Curves tab overlays it with its id in the legend
        app.query_one(RunsTable).move_cursor(row=0)
        await pilot.press("k")
        assert str(app.query_one(RunsTable).get_row_at(0)[0]).startswith("◆ ")
        assert any("1 run marked" in note for note in notes(app))
        app.query_one(RunsTable).move_cursor(row=1)
        await pilot.press("k")
        assert any("2 runs marked" in note for note in notes(app))
        await pilot.press("2")
        await curves_shown(pilot)
        legend = legend_text(app)  # each run its colour; the second one dashed
        assert f"┄┄ {second} loss" in legend and f"╍ ╍ {first} val_loss" in legend
        # o opens the selected run: its architecture, final metrics and boundary
        await pilot.press("3")
        app.query_one(RunsTable).move_cursor(row=0)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, PastRunScreen), "the past run")
        text = static_text(app.screen.query_one("#past-text"))
        assert second in text and "3/3 epochs" in text and "seed 9" in text
        assert "Architecture: 2 → 6 tanh → 2 softmax" in text and "test (scored" in text
        boundary = app.screen.query_one(DecisionBoundary)
        await wait_for(pilot, lambda: boundary.has_grid, "its boundary")
        await pilot.press("escape")
        assert not isinstance(app.screen, PastRunScreen)


@pytest.mark.slow
async def test_enter_opens_a_run_and_recording_off_lists_this_session_only(
    tmp_path: Path,
) -> None:
    recorded_run(tmp_path)
    config = make_config({**PLANAR, "logging.runs_dir": None})
    app = NNTuiApp(config, autostart=False, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await wait_for(pilot, lambda: bool(app.query(RunsTable)), "the Runs tab")
        assert table_ids(app) == []
        assert "none recorded" in str(app.query_one(RunsTable).border_title)
        await pilot.press("c")
        assert any("not recorded" in note for note in notes(app))


@pytest.mark.slow
async def test_c_continues_a_finished_run_and_shift_r_draws_a_new_seed(tmp_path: Path) -> None:
    app = NNTuiApp(
        make_config({**PLANAR, "logging.runs_dir": str(tmp_path)}),
        autostart=True,
        deterministic=True,
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: finished(app), "the first run")
        parent = app.controller.recorder
        assert parent is not None
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ContinuePrompt), "the prompt")
        assert app.screen.query_one("#continue-epochs", Input).value == "3"  # the config's epochs
        await pilot.press("backspace", "5", "enter")
        await wait_for(pilot, lambda: app.controller.run_id == 2 and finished(app), "continued")
        record = app.controller.record
        assert record is not None and record.epochs_done == 8 and record.phase.label
        status = app.query_one("#status-text", FittedLabel)
        assert "epoch 8/8" in status.text
        child = RunStore(tmp_path).find(app.controller.recorded[2])
        assert child.resumed_from == parent.id and child.epochs_done == 8
        # R: a new random seed, shown in the status line; the Runs tab lists both runs
        await pilot.press("R")
        await wait_for(pilot, lambda: app.controller.run_id == 3 and finished(app), "new seed")
        seed = app.config.data.random_seed
        assert f"seed {seed}" in app.query_one("#status-text", FittedLabel).text
        await pilot.press("3")
        await wait_for(pilot, lambda: len(table_ids(app)) == 3, "three runs listed")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PastRunScreen), "the run opened")
        assert f"seed {seed}" in static_text(app.screen.query_one("#past-text"))
