"""The one table of keys: bindings, footer, help, palette and the README all come from it."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App

from nntui.tui import actions
from nntui.tui.actions import ACTIONS, help_rows, palette_entries
from nntui.tui.app import NNTuiApp
from nntui.tui.screens.walkthrough import WalkthroughScreen
from nntui.tui.widgets.config_editor import ConfigEditor

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_key_table() -> list[tuple[list[str], str, str]]:
    """The README's monitor key table: ``(keys, action text, where)`` per row."""
    section = README.read_text(encoding="utf-8").split("## The monitor", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        key_cell, text, where = (cell.strip() for cell in line.strip().strip("|").split("|"))
        keys = re.findall(r"`([^`]+)`", key_cell)
        if "–" in key_cell and len(keys) == 2 and all(key.isdigit() for key in keys):
            keys = [str(n) for n in range(int(keys[0]), int(keys[1]) + 1)]  # `1` – `4`
        rows.append((keys, text, where))
    return rows


def test_the_readme_key_table_lists_every_key_where_the_table_says() -> None:
    readme = readme_key_table()
    by_key = {key: action for action in ACTIONS for key in action.keys}
    listed = [key for keys, _, _ in readme for key in keys]
    shown = [key for action in ACTIONS if action.scope != "editor" for key in action.keys]
    assert sorted(listed) == sorted(shown)  # every key once, and no other
    for keys, _, where in readme:
        assert {by_key[key].where for key in keys} == {where}, keys
    first_keys = [keys[0] for keys, _, _ in readme]
    assert first_keys == sorted(first_keys, key=shown.index)  # the same order


def test_the_editors_keys_are_explained_in_the_readme_row_of_e() -> None:
    (e_row,) = [text for keys, text, _ in readme_key_table() if keys == ["e"]]
    for action in actions.actions("editor"):
        assert all(f"`{key}`" in e_row for key in action.keys)


def test_every_action_has_a_method_where_it_is_bound() -> None:
    owners: dict[str, type] = {
        "app": NNTuiApp,
        "editor": ConfigEditor,
        "walkthrough": WalkthroughScreen,
        "textual": App,
    }
    for action in ACTIONS:
        assert hasattr(owners[action.scope], f"action_{action.name}"), action.action


def test_the_app_and_the_editor_bind_the_tables_keys() -> None:
    app_keys = [binding.key for binding in NNTuiApp.BINDINGS]
    assert "p,space" in app_keys and "f1,question_mark" in app_keys
    assert len(app_keys) == len(actions.actions("app"))
    assert [binding.key for binding in ConfigEditor.BINDINGS] == ["ctrl+r", "escape"]


def test_the_footer_shows_help_and_quit_then_the_runs_and_no_tabs_own_keys() -> None:
    shown = [binding.key for binding in NNTuiApp.BINDINGS if binding.show]
    run_keys = ["r", "p,space", "n", "s", "t", "e"]
    assert shown == ["f1,question_mark", "q", *run_keys, "ctrl+s", "w"]


def test_help_rows_join_neighbours_that_share_a_line() -> None:
    rows = dict(help_rows())
    assert rows["l"].startswith("log ⇄ linear") and rows["m"].startswith("in Curves")
    assert (
        rows["1 2 3 4 5 6 7"]
        == "Monitor, Curves, Runs, Config, Distributions, Neurons, Classes tab"
    )
    assert "q / ctrl+q" in rows and "p / space" in rows and "f1 / ?" in rows


def test_the_palette_lists_each_action_with_its_key() -> None:
    entries = {title: text for _, title, text in palette_entries()}
    assert entries["Pause / resume"] == "Pause or resume training (p)"
    assert entries["Show runs"] == "The Runs tab (3)"
    assert "Quit" not in entries  # Textual's own Quit (ctrl+q) is in the palette already


def test_letter_keys_give_way_to_the_editor_and_tab_keys_to_their_tab() -> None:
    assert {"retrain", "toggle_pause", "show_tab", "quit_app", "diagnostics_help"} <= (
        actions.LETTER_ACTIONS
    )
    assert "help" not in actions.LETTER_ACTIONS and "save_config" not in actions.LETTER_ACTIONS
    assert actions.TAB_ACTIONS == {
        "toggle_log_y": (actions.MONITOR_TAB, actions.CURVES_TAB),
        "cycle_smoothing": (actions.CURVES_TAB,),
        "export_run": (actions.RUNS_TAB,),
        "toggle_mark": (actions.RUNS_TAB,),
        "sort_runs": (actions.RUNS_TAB,),
        "open_run": (actions.RUNS_TAB,),
        "cycle_quantity": (actions.DISTRIBUTIONS_TAB,),
        "page": (actions.DISTRIBUTIONS_TAB, actions.NEURONS_TAB),
    }
