"""Every key of the monitor, in one table.

The app's ``BINDINGS`` (and the editor's), the footer, the help screen, the
command palette and the key table in the README are all derived from
:data:`ACTIONS`; a test checks the README's table against it. To add a key,
add one :class:`Action` here and an ``action_…`` method where it is bound.

Order matters twice: the table's order is the help screen's (and the
README's), and the footer shows the app's keys group by group in
:data:`FOOTER_GROUPS` order, then in table order within a group. Keys of one
tab (``l``, ``m``, ``x``) are not in the footer but in that tab's hint line: a
footer that changed with the tab would be rebuilt on every tab switch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Literal

from textual.binding import Binding

Group = Literal["run", "file", "view", "app"]
"""What an action is about: the run, files, what is on screen, the app itself."""

Where = Literal[
    "everywhere",
    "while paused",
    "Monitor and Curves tabs",
    "Curves tab",
    "Runs tab",
    "Distributions tab",
    "Distributions and Neurons tabs",
    "paused or finished",
    "in the walkthrough",
    "in the editor",
]
"""Where a key does something (the README's ``where`` column)."""

Scope = Literal["app", "editor", "walkthrough", "textual"]
"""Who binds the key: the app, the config editor, or Textual itself (``ctrl+p``, ``ctrl+q``)."""

MONITOR_TAB = "monitor-tab"
CURVES_TAB = "curves-tab"
RUNS_TAB = "runs-tab"
CONFIG_TAB = "config-tab"
DISTRIBUTIONS_TAB = "distributions-tab"
NEURONS_TAB = "neurons-tab"
CLASSES_TAB = "classes-tab"
#: Each tab's name on the tab bar, in the order of their number keys (1–7).
TAB_NAMES: dict[str, str] = {
    MONITOR_TAB: "Monitor",
    CURVES_TAB: "Curves",
    RUNS_TAB: "Runs",
    CONFIG_TAB: "Config",
    DISTRIBUTIONS_TAB: "Distributions",
    NEURONS_TAB: "Neurons",
    CLASSES_TAB: "Classes",
}
#: Tabs in the order of their number keys.
TAB_ORDER = tuple(TAB_NAMES)
#: The tabs an action is limited to, by its ``where``.
TAB_OF: dict[str, tuple[str, ...]] = {
    "Monitor and Curves tabs": (MONITOR_TAB, CURVES_TAB),
    "Curves tab": (CURVES_TAB,),
    "Runs tab": (RUNS_TAB,),
    "Distributions tab": (DISTRIBUTIONS_TAB,),
    "Distributions and Neurons tabs": (DISTRIBUTIONS_TAB, NEURONS_TAB),
}
#: Footer order of the groups.
#: Help and Quit come right after the tab's own keys, so they fit at 80 columns.
FOOTER_GROUPS: tuple[Group, ...] = ("view", "app", "run", "file")
#: Key names as a person reads them → Textual's key names.
TEXTUAL_KEY = {
    "?": "question_mark",
    "esc": "escape",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
}


@dataclass(frozen=True)
class Action:
    """One key (or a few keys) and what it does.

    Attributes:
        keys: the keys as a person types them, e.g. ``("p", "space")``.
        action: the Textual action it runs, e.g. ``"toggle_pause"``.
        help: the help screen's line; neighbours with the same line share one row.
        label: the footer's (and Textual's keys panel's) short name.
        title: the command palette's title (``""``: not in the palette).
        summary: the palette's description (the key is appended); defaults to ``help``.
        group: what the action is about (orders the footer).
        where: where the key does something.
        scope: who binds the key.
        footer: shown in the footer (where and when it applies).
    """

    keys: tuple[str, ...]
    action: str
    help: str
    label: str = ""
    title: str = ""
    summary: str = ""
    group: Group = "run"
    where: Where = "everywhere"
    scope: Scope = "app"
    footer: bool = True

    @property
    def name(self) -> str:
        """The action's method name without arguments (``show_tab``)."""
        return self.action.split("(", 1)[0]

    @property
    def letter(self) -> bool:
        """True when every key is one the config editor would type (``q``, ``1``, ``space``)."""
        return all(len(key) == 1 or key == "space" for key in self.keys)

    @property
    def tabs(self) -> tuple[str, ...] | None:
        """The tabs the action is limited to, or ``None``."""
        return TAB_OF.get(self.where)

    def binding(self) -> Binding:
        """The Textual binding of this action."""
        keys = ",".join(TEXTUAL_KEY.get(key, key) for key in self.keys)
        return Binding(keys, self.action, self.label, show=self.footer)


def _tab(key: str, tab: str) -> Action:
    name = TAB_NAMES[tab]
    return Action(
        (key,),
        f"show_tab('{tab}')",
        "Monitor, Curves, Runs, Config, Distributions, Neurons, Classes tab",
        label=name,
        title=f"Show {name.lower()}",
        summary=f"The {name} tab",
        group="view",
        footer=False,
    )


ACTIONS: tuple[Action, ...] = (
    Action(
        ("r",),
        "retrain",
        "retrain with the editor's config (restarts the run)",
        label="Retrain",
        title="Retrain",
        summary="Start a new run with the editor's config",
    ),
    Action(
        ("R",),
        "retrain_new_seed",
        "retrain with a new random seed (shown in the status line)",
        label="New seed",
        title="Retrain with a new seed",
        summary="Start a new run with a new random data.random_seed",
        footer=False,
    ),
    Action(
        ("c",),
        "continue_run",
        "continue the run for more epochs from its checkpoint (asks how many)",
        label="Continue",
        title="Continue the run",
        summary="Train the finished or stopped run for more epochs, exactly where it stopped",
        footer=False,
    ),
    Action(
        ("p", "space"),
        "toggle_pause",
        "pause or resume training",
        label="Pause",
        title="Pause / resume",
        summary="Pause or resume training",
    ),
    Action(
        ("n",),
        "step",
        "while paused: train one more epoch per press (quick presses queue)",
        label="Step",
        title="Step",
        summary="While paused: train one more epoch",
        where="while paused",
    ),
    Action(
        ("s",),
        "stop",
        "stop the run (keeps what it learned on screen)",
        label="Stop",
        title="Stop",
        summary="Stop the run after its current batch",
    ),
    Action(
        ("t",),
        "switch_task",
        "switch task: classification ⇄ regression (restarts the run)",
        label="Task",
        title="Switch task",
        summary="Classification ⇄ regression, restarts the run",
    ),
    Action(
        ("e",),
        "focus_editor",
        "edit the config (YAML) in the Config tab",
        label="Edit",
        title="Edit config",
        summary="Open the YAML config editor",
    ),
    Action(
        ("ctrl+r",),
        "apply",
        "in the editor: check the text, apply & retrain",
        label="Apply & retrain",
        where="in the editor",
        scope="editor",
    ),
    Action(
        ("esc",),
        "leave",
        "leave the editor",
        label="Leave editor",
        where="in the editor",
        scope="editor",
    ),
    Action(
        ("ctrl+s",),
        "save_config",
        "save the editor's text (comments kept) to its file",
        label="Save config",
        title="Save config",
        summary="Save the editor's text to the config file, atomically",
        group="file",
    ),
    Action(
        ("w",),
        "save_model",
        "save the model to a new ./nntui-run-N-model.npz (for nntui predict)",
        label="Save model",
        title="Save model",
        summary="Save the current network to a new ./nntui-run-N-model.npz",
        group="file",
    ),
    Action(
        ("l",),
        "toggle_log_y",
        "log ⇄ linear scale: the loss sparklines (Monitor), the y axis (Curves)",
        label="Log/linear",
        title="Log ⇄ linear scale",
        summary="Losses' sparklines (Monitor) or the plots' y axis (Curves)",
        group="view",
        where="Monitor and Curves tabs",
        footer=False,
    ),
    Action(
        ("m",),
        "cycle_smoothing",
        "in Curves: smoothing strength 0 → 0.6 → 0.9 → 0.99 (EMA; raw curve faint)",
        label="Smoothing",
        title="Curves: smoothing strength",
        summary="EMA smoothing 0 → 0.6 → 0.9 → 0.99",
        group="view",
        where="Curves tab",
        footer=False,
    ),
    Action(
        ("x",),
        "export_run",
        "in Runs: export the selected run to new ./nntui-run-N.csv and .json files",
        label="Export",
        title="Export run history",
        summary="The selected run (Runs tab) or the latest, to new ./nntui-run-N.csv and .json",
        group="view",
        where="Runs tab",
        footer=False,
    ),
    Action(
        ("k",),
        "toggle_mark",
        "in Runs: mark or unmark the selected run; marked runs overlay the Curves tab",
        label="Mark",
        title="Mark run for Curves",
        summary="Overlay the selected run (Runs tab) on the Curves tab",
        group="view",
        where="Runs tab",
        footer=False,
    ),
    Action(
        ("O",),
        "sort_runs",
        "in Runs: order by the next column (or click a header; again reverses)",
        label="Sort",
        title="Sort runs",
        summary="Sort the Runs table by the next column",
        group="view",
        where="Runs tab",
        footer=False,
    ),
    Action(
        ("o",),
        "open_run",
        "in Runs: open the selected run (enter too): architecture, metrics, boundary",
        label="Open",
        title="Open run",
        summary="The selected run's architecture, final metrics and decision boundary",
        group="view",
        where="Runs tab",
        footer=False,
    ),
    Action(
        ("d",),
        "diagnostics_help",
        "what the gradient panel's diagnostics columns mean",
        label="Diagnostics?",
        title="Diagnostics help",
        summary="What the gradient panel's columns mean",
        group="view",
        footer=False,
    ),
    Action(
        ("v",),
        "cycle_quantity",
        "in Distributions: weights → biases → activations → gradients",
        label="Quantity",
        title="Distributions: next quantity",
        summary="Weights → biases → activations (probe batch) → gradients",
        group="view",
        where="Distributions tab",
        footer=False,
    ),
    Action(
        ("[",),
        "page(-1)",
        "in Distributions: previous / next layer; in Neurons: previous / next page of units",
        label="Previous",
        title="Previous layer / page",
        group="view",
        where="Distributions and Neurons tabs",
        footer=False,
    ),
    Action(
        ("]",),
        "page(1)",
        "in Distributions: previous / next layer; in Neurons: previous / next page of units",
        label="Next",
        title="Next layer / page",
        group="view",
        where="Distributions and Neurons tabs",
        footer=False,
    ),
    Action(
        ("b",),
        "walkthrough",
        "paused or finished: walk a test sample (a misclassified one first) forward and back",
        label="Backprop",
        title="Backprop walkthrough",
        summary="One test sample through the network, step by step, with a live gradient check",
        where="paused or finished",
        footer=False,
    ),
    Action(
        ("right",),
        "move(1)",
        "in the walkthrough: next / previous step",
        label="Next step",
        where="in the walkthrough",
        scope="walkthrough",
    ),
    Action(
        ("left",),
        "move(-1)",
        "in the walkthrough: next / previous step",
        label="Previous step",
        where="in the walkthrough",
        scope="walkthrough",
    ),
    Action(
        ("esc",),
        "close",
        "in the walkthrough: back to the monitor",
        label="Close",
        where="in the walkthrough",
        scope="walkthrough",
    ),
    _tab("1", MONITOR_TAB),
    _tab("2", CURVES_TAB),
    _tab("3", RUNS_TAB),
    _tab("4", CONFIG_TAB),
    _tab("5", DISTRIBUTIONS_TAB),
    _tab("6", NEURONS_TAB),
    _tab("7", CLASSES_TAB),
    Action(
        ("f1", "?"),
        "help",
        "this help",
        label="Help",
        title="Help",
        summary="Keys, and how to edit and retrain",
        group="app",
    ),
    Action(
        ("ctrl+p",),
        "command_palette",
        "command palette (every action above)",
        group="app",
        scope="textual",
    ),
    Action(
        ("q",),
        "quit_app",
        "quit (stops the run; asks first about unsaved config edits)",
        label="Quit",
        group="app",
    ),
    Action(
        ("ctrl+q",),
        "quit",
        "quit (stops the run; asks first about unsaved config edits)",
        group="app",
        scope="textual",
    ),
)


def actions(scope: Scope) -> tuple[Action, ...]:
    """The actions ``scope`` binds, in table order."""
    return tuple(action for action in ACTIONS if action.scope == scope)


def bindings(scope: Scope) -> list[Binding]:
    """The bindings of ``scope``; the app's in footer order (see :data:`FOOTER_GROUPS`)."""
    chosen = actions(scope)
    if scope == "app":
        chosen = tuple(sorted(chosen, key=lambda action: FOOTER_GROUPS.index(action.group)))
    return [action.binding() for action in chosen]


def help_rows(table: Iterable[Action] = ACTIONS) -> list[tuple[str, str]]:
    """``(keys, what they do)`` per help row: neighbours with the same help share a row.

    Keys are joined by `` / `` (number keys by a space: ``1 2 3 4``).

    Example:
        >>> ("p / space", "pause or resume training") in help_rows()
        True
    """
    rows = []
    for text, group in groupby(table, key=lambda action: action.help):
        keys = [key for action in group for key in action.keys]
        separator = " " if all(key.isdigit() for key in keys) else " / "
        rows.append((separator.join(keys), text))
    return rows


def palette_entries(table: Iterable[Action] = ACTIONS) -> Iterator[tuple[Action, str, str]]:
    """``(action, title, description)`` of each action the command palette lists."""
    for action in table:
        if action.title:
            yield action, action.title, f"{action.summary or action.help} ({action.keys[0]})"


#: Actions hidden (and off) while the editor has the keyboard: their keys type text there.
LETTER_ACTIONS = frozenset(action.name for action in actions("app") if action.letter)
#: Actions that work in some tabs only (and show in the footer only there).
TAB_ACTIONS: dict[str, tuple[str, ...]] = {
    action.name: tabs for action in actions("app") if (tabs := action.tabs) is not None
}
