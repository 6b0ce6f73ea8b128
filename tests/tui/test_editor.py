"""The config editor keeps the user's text: as written, checked off the UI thread, saved as is."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import LONG, SIZE, epochs_done, finished, notes, static_text

from nntui.config import dump_config
from nntui.training.record import Phase
from nntui.tui.app import NNTuiApp
from nntui.tui.screens.confirm_quit import ConfirmQuitScreen
from nntui.tui.widgets import config_editor
from nntui.tui.widgets.config_editor import PROBLEM_MARK, ConfigEditor
from nntui.tui.widgets.tab_bar import TabBar

pytestmark = pytest.mark.slow

#: A config file as a person writes it: comments, their own order, only some keys.
WRITTEN = """\
# my experiment: a small network on the tiny data
training:
  epochs: 4          # short, to try things
  learning_rate: 0.05
network:
  hidden_layers: [16]
  hidden_activations: [relu]
data:
  n_samples: 200
  n_features: 8
"""


def config_tab_label(app: NNTuiApp) -> str:
    return app.query_one(TabBar).label("config-tab")


async def test_the_config_tab_focuses_the_editor_and_keys_type_there(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run")
        await pilot.press("4")
        editor = app.query_one(ConfigEditor)
        assert app.focused is editor.text_area
        editor.text_area.cursor_location = (0, 0)
        await pilot.press("p", "n", "q", "1", "w")
        assert editor.text.startswith("pnq1w")
        assert app.is_running and app.monitor.active_tab == "config-tab"
        assert app.controller.runs_started == 1
        await pilot.press("escape", "1")  # the keys are the app's again
        assert app.monitor.active_tab == "monitor-tab"
        assert app.focused is None or app.focused.id != "config-text"


async def test_the_editor_shows_the_file_as_written_and_saves_it_as_is(
    tmp_path: Path, tiny_config, wait
) -> None:
    path = tmp_path / "experiment.yaml"
    path.write_text(WRITTEN)
    app = NNTuiApp(tiny_config(), config_path=path, config_text=WRITTEN, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.query_one(ConfigEditor)
        assert editor.text == WRITTEN
        assert config_tab_label(app) == "Config"
        edited = WRITTEN.replace("epochs: 4 ", "epochs: 6 ")
        editor.text = edited
        await wait(pilot, lambda: config_tab_label(app) == "Config ●", "the modified marker")
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: not editor.modified, "the save")
        assert path.read_text() == edited  # comments, order and spacing kept
        assert config_tab_label(app) == "Config"
        assert any(str(path) in note for note in notes(app))


async def test_overrides_are_listed_above_the_editor_and_applied_to_runs(
    tmp_path: Path, tiny_config, wait
) -> None:
    path = tmp_path / "experiment.yaml"
    path.write_text(WRITTEN)
    config = tiny_config(**{"training.epochs": 2})
    app = NNTuiApp(
        config,
        config_path=path,
        config_text=WRITTEN,
        overrides={"training.epochs": 2},
        deterministic=True,
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the first run")
        listed = static_text(app.query_one("#config-overrides", Static))
        assert "training.epochs=2" in listed and "not in the text" in listed
        assert app.query_one(ConfigEditor).text == WRITTEN  # not merged into the text
        await pilot.press("e", "ctrl+r")
        await wait(pilot, lambda: app.controller.runs_started == 2 and finished(app), "a retrain")
        assert app.config.training.epochs == 2  # the file says 4; the override still wins
        assert app.config.training.learning_rate == 0.05


async def test_every_problem_is_listed_counted_and_marked_in_the_gutter(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), autostart=False, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.query_one(ConfigEditor)
        bad = WRITTEN.replace("epochs: 4", "epochs: many").replace("0.05", "-1")
        editor.text = bad
        await pilot.press("e", "ctrl+r")
        await wait(pilot, lambda: len(editor.problems) == 2, "the problems")
        await wait(pilot, lambda: editor.problem_in_view, "the first problem in view")
        box = app.query_one("#config-problems")
        assert box.border_title == "2 problems"
        listing = static_text(app.query_one("#config-problem-list", Static))
        assert "training.epochs" in listing and "training.learning_rate" in listing
        assert editor.text_area.problem_rows == frozenset({2, 3})
        area = editor.text_area
        marked = [area.render_line(row - area.scroll_offset.y).text for row in (2, 3)]
        assert all(PROBLEM_MARK in line for line in marked)
        assert PROBLEM_MARK not in area.render_line(1 - area.scroll_offset.y).text
        assert app.controller.runs_started == 0


async def test_the_check_runs_off_the_ui_thread(tiny_config, wait, monkeypatch) -> None:
    threads: list[str] = []
    real = config_editor.parse_config_text

    def spy(text: str, source: str = "config.yaml", **kwargs: object):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(text, source, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(config_editor, "parse_config_text", spy)
    app = NNTuiApp(tiny_config(), autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "ctrl+r")
        await wait(pilot, lambda: app.controller.runs_started == 1, "the retrain")
    assert threads and threading.main_thread().name not in threads


async def test_a_network_too_big_to_build_is_a_problem_and_the_run_goes_on(
    tiny_config, wait
) -> None:
    config = tiny_config(**{"training.epochs": LONG})
    app = NNTuiApp(config, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: epochs_done(app) >= 1, "the first epoch")
        editor = app.query_one(ConfigEditor)
        huge = dump_config(config).replace("hidden_layers: [16]", "hidden_layers: [200000, 200000]")
        huge = huge.replace("hidden_activations: [relu]", "hidden_activations: [relu, relu]")
        editor.text = huge
        await pilot.press("e", "ctrl+r")
        await wait(pilot, lambda: bool(editor.problems), "the memory problem")
        listing = static_text(app.query_one("#config-problem-list", Static))
        assert "network.hidden_layers" in listing and "needs" in listing
        assert app.controller.runs_started == 1
        assert app.controller.record is not None and app.controller.record.phase.is_live
        await pilot.press("escape", "w")  # the current model is still saveable
        await wait(pilot, lambda: any("Saved the model" in n for n in notes(app)), "the save")
        app.action_stop()
        await wait(pilot, lambda: finished(app), "the stop")


async def test_quitting_with_unsaved_edits_asks_first(tmp_path: Path, tiny_config, wait) -> None:
    path = tmp_path / "experiment.yaml"
    path.write_text(WRITTEN)
    app = NNTuiApp(tiny_config(), config_path=path, config_text=WRITTEN, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.query_one(ConfigEditor)
        editor.text = WRITTEN.replace("epochs: 4", "epochs: 5")
        await pilot.press("q")
        await wait(pilot, lambda: isinstance(app.screen, ConfirmQuitScreen), "the question")
        await pilot.press("n")
        await wait(pilot, lambda: not isinstance(app.screen, ConfirmQuitScreen), "staying")
        assert app.is_running
        await pilot.press("q", "s")
        await wait(pilot, lambda: not app.is_running, "save, then quit")
    assert "epochs: 5" in path.read_text()
    assert app.return_code == 0


async def test_escape_and_q_answer_while_a_check_is_running(tiny_config, wait, monkeypatch) -> None:
    release = threading.Event()
    real = config_editor.parse_config_text

    def slow(text: str, source: str = "config.yaml", **kwargs: object):  # type: ignore[no-untyped-def]
        release.wait(10)
        return real(text, source, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(config_editor, "parse_config_text", slow)
    app = NNTuiApp(tiny_config(), autostart=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("e", "ctrl+r")
            assert app.query_one(ConfigEditor).checking
            await pilot.press("escape")
            assert app.focused is None or app.focused.id != "config-text"
            await pilot.press("q")
            await wait(pilot, lambda: not app.is_running, "the quit")
    finally:
        release.set()
    assert app.controller.record is None or app.controller.record.phase is not Phase.RUNNING
