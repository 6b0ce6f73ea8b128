"""A recorded run, opened from the Runs tab: its architecture, final metrics, decision boundary.

Everything comes from the run's folder in the run store: ``summary.json`` and
``results.json`` for the words and numbers; for 2-D data, the decision
boundary of the saved ``model.npz``, whose grid is computed in a thread worker
with the training layer's boundary helpers (this screen only draws it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from nntui.config import ConfigError, parse_config_text
from nntui.nn.network import NeuralNetwork
from nntui.runs.folder import CONFIG, MODEL, RESULTS
from nntui.runs.summary import RunSummary
from nntui.training.boundary import BoundaryComputed, BoundaryHook, BoundaryRequest
from nntui.training.datasets import load_run_data
from nntui.tui.formatting import format_metric
from nntui.tui.widgets.boundary import DecisionBoundary
from nntui.tui.widgets.boundary_panel import BoundaryPanel
from nntui.tui.widgets.steady_footer import SteadyFooter


def read_results(path: Path) -> dict[str, Any]:
    """The run's ``results.json`` (empty when it has none or it cannot be read)."""
    try:
        results = json.loads((path / RESULTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return results if isinstance(results, dict) else {}


def architecture_text(results: dict[str, Any]) -> str:
    """``2 → 8 tanh → 2 softmax`` and the loss, optimizer and parameter count."""
    arch = results.get("architecture")
    if not isinstance(arch, dict):
        return "Architecture: not recorded (the run ended before its results were written)."
    sizes, activations = arch.get("layer_sizes", []), arch.get("activations", [])
    layers = [str(sizes[0])] if sizes else []
    layers += [f"{size} {act}" for size, act in zip(sizes[1:], activations, strict=False)]
    count = arch.get("parameter_count")
    return "\n".join(
        [
            "Architecture: " + " → ".join(layers),
            f"loss {arch.get('loss')} · {arch.get('optimizer')} · "
            f"schedule {arch.get('lr_schedule')} · {count:,} parameters"
            if isinstance(count, int)
            else f"loss {arch.get('loss')} · {arch.get('optimizer')}",
        ]
    )


def metrics_text(summary: RunSummary, results: dict[str, Any]) -> str:
    """How the run ended: status, epochs, best validation numbers, the test score."""
    lines = [f"Run {summary.id} · {summary.task or '?'} on {summary.source or '?'}"]
    status = f"{summary.status} · {summary.epochs_done}/{summary.epochs_planned} epochs"
    if summary.seed is not None:
        status += f" · seed {summary.seed}"
    if summary.resumed_from:
        status += f" · continued from {summary.resumed_from}"
    lines.append(status)
    if results.get("stop_message"):
        lines.append(str(results["stop_message"]))
    for best in (summary.best, summary.best_metric):
        if best.get("monitor"):
            value = format_metric(best.get("value"))
            lines.append(f"best {best['monitor']} {value} at epoch {best.get('epoch')}")
    test = summary.test or {}
    if test:
        scores = " · ".join(f"{name} {format_metric(value)}" for name, value in test.items())
        lines.append(f"test (scored once at the end): {scores}")
    if summary.problem:
        lines.append(f"damaged: {summary.problem}")
    return "\n".join(lines)


def saved_boundary(path: Path, task: str, rows: int, cols: int) -> BoundaryComputed | None:
    """The saved model's decision boundary on its own data (run it in a thread worker).

    Returns:
        The grid, or ``None`` when the run has no model, its data is not 2-D,
        or its config or data cannot be read.
    """
    try:
        config = parse_config_text(
            (path / CONFIG).read_text(encoding="utf-8"), str(path / CONFIG), task=task or None
        )
        network = NeuralNetwork.load(path / MODEL)
        data = load_run_data(config)
    except (OSError, ValueError, ConfigError):
        return None
    hook = BoundaryHook(BoundaryRequest(), lambda grid: None)
    hook.on_run_begin(network, data, config.task)
    return hook.grid_now(rows, cols)


class PastRunScreen(ModalScreen[None]):
    """One recorded run, opened from the Runs tab (``esc`` / ``q`` closes it).

    Args:
        summary: the run, as listed.
    """

    DEFAULT_CSS = """
    PastRunScreen { align: center middle; }
    PastRunScreen > Vertical {
        width: 90%; height: 90%; border: thick $accent; background: $surface; padding: 0 1;
    }
    PastRunScreen #past-text { height: auto; }
    PastRunScreen #past-boundary { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,o", "close", "Close"),
    ]

    class GridReady(Message):
        """The saved model's grid, computed in a worker (``None``: none to show)."""

        def __init__(self, grid: BoundaryComputed | None) -> None:
            super().__init__()
            self.grid = grid

    def __init__(self, summary: RunSummary) -> None:
        super().__init__(id="past-run")
        self.summary = summary
        self.planar = False
        self.results = read_results(summary.path)

    def compose(self) -> ComposeResult:
        data = self.results.get("data")
        self.planar = isinstance(data, dict) and data.get("n_features") == 2
        with Vertical():
            text = metrics_text(self.summary, self.results)
            yield Static(f"{text}\n\n{architecture_text(self.results)}", id="past-text")
            if self.planar:
                with Horizontal(id="past-boundary"):
                    yield BoundaryPanel(id="past-boundary-panel")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one(Vertical).border_title = f"Run {self.summary.id}"
        if self.planar:
            data = self.results.get("data", {})
            panel = self.query_one(BoundaryPanel)
            panel.border_title = "Decision boundary (saved model)"
            panel.reset(
                self.summary.task,
                data.get("class_names"),
                data.get("feature_names") or ("x1", "x2"),
            )

    def on_decision_boundary_resized(self, message: DecisionBoundary.Resized) -> None:
        message.stop()
        path, task = self.summary.path, self.summary.task
        rows, cols = message.rows, message.cols

        def compute() -> None:
            self.post_message(self.GridReady(saved_boundary(path, task, rows, cols)))

        self.run_worker(compute, group="past-boundary", thread=True, exclusive=True)

    def on_past_run_screen_grid_ready(self, message: GridReady) -> None:
        if message.grid is not None:
            self.query_one(BoundaryPanel).show_grid(message.grid)
        else:
            self.query_one(BoundaryPanel).border_subtitle = "no saved model to draw"

    def action_close(self) -> None:
        """Back to the Runs tab."""
        self.dismiss(None)
