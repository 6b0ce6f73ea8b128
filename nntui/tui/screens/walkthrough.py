"""The backprop walkthrough: one sample through the network, a step per key press.

Forward through every layer (``z = x·W + b``, ``a = f(z)``), the loss, then
backwards each layer's ``δ``, ``dL/dW``, ``dL/db`` and the SGD step, every
gradient beside its central-difference estimate (a live gradient check). The
numbers come from :func:`nntui.nn.walkthrough.walk_through`, computed in the
training thread on the paused or finished run; this screen only shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from nntui.nn.walkthrough import (
    BackwardStep,
    Entry,
    ForwardStep,
    GradientCheck,
    LossStep,
    Walkthrough,
    formula,
)
from nntui.training.record import Phase
from nntui.training.walkthrough import misclassified, sample_walkthrough
from nntui.tui.actions import bindings
from nntui.tui.render.series import format_value

if TYPE_CHECKING:
    from nntui.training.record import RunRecord
    from nntui.training.runner import NetworkRunner

SHOWN = 8
"""At most this many entries of a vector are shown (with its norm)."""


def vector(values: Sequence[float], shown: int = SHOWN) -> str:
    """``[0.12, -0.5, … +6 more]``: a vector truncated to ``shown`` entries."""
    head = ", ".join(format_value(value) for value in values[:shown])
    more = f", … +{len(values) - shown} more" if len(values) > shown else ""
    return f"[{head}{more}]"


def entries(found: Sequence[Entry]) -> str:
    """``W[3,1] = -0.21, W[0,4] = 0.17 …``: the largest entries of a matrix."""
    return ", ".join(f"[{e.row},{e.column}] {format_value(e.value)}" for e in found)


def check_line(name: str, check: GradientCheck) -> str:
    """The gradient check of one gradient, e.g. ``numeric ‖·‖ 0.52 · relative error 3e-10 ✓``."""
    verdict = "✓" if check.relative_error < 1e-6 else ("?" if check.relative_error < 1e-3 else "✗")
    sampled = "" if check.checked == check.total else f" ({check.checked} of {check.total} entries)"
    return (
        f"  {name} by central differences {formula('central_difference')}: "
        f"‖·‖ {format_value(check.numeric_norm)} · relative error {check.relative_error:.1e} "
        f"{verdict}{sampled}"
    )


def step_text(walk: Walkthrough, index: int) -> Text:
    """Step ``index`` of ``walk`` (forward steps, the loss, backward steps) as text."""
    steps = walk.steps
    step = steps[index]
    text = Text()
    text.append(f"step {index + 1}/{len(steps)} · ", style="dim")
    if isinstance(step, ForwardStep):
        text.append(f"forward · {step.layer} ({step.activation})\n", style="bold")
        text.append(f"  x = {vector(step.x)}  ‖x‖ {format_value(step.x_norm)}\n")
        text.append(f"  {formula('z')}\n", style="cyan")
        text.append(f"  z = {vector(step.z)}  ‖z‖ {format_value(step.z_norm)}\n")
        text.append(f"  {formula('a')}   {step.activation_formula}\n", style="cyan")
        text.append(f"  a = {vector(step.a)}  ‖a‖ {format_value(step.a_norm)}\n")
    elif isinstance(step, LossStep):
        text.append(f"loss · {step.name}\n", style="bold")
        text.append(f"  {step.formula}\n", style="cyan")
        text.append(f"  p = {vector(step.prediction)}\n  y = {vector(step.target)}\n")
        text.append(f"  L = {format_value(step.value, 6)}\n")
    else:
        _backward(text, step, walk.learning_rate)
    return text


def _backward(text: Text, step: BackwardStep, learning_rate: float) -> None:
    text.append(f"backward · {step.layer}\n", style="bold")
    text.append(f"  {step.delta_formula}\n", style="cyan")
    text.append(f"  δ = {vector(step.delta)}  ‖δ‖ {format_value(step.delta_norm)}\n")
    text.append(f"  {formula('grad_weights')}", style="cyan")
    text.append(f"   ‖dL/dW‖ {format_value(step.grad_weights_norm)}\n")
    text.append(f"  largest: {entries(step.grad_weights_largest)}\n")
    text.append(check_line("dL/dW", step.weights_check) + "\n")
    text.append(f"  {formula('grad_biases')}", style="cyan")
    text.append(f"   dL/db = {vector(step.grad_biases)}\n")
    text.append(check_line("dL/db", step.biases_check) + "\n")
    text.append(f"  {formula('update')}", style="cyan")
    text.append(
        f"   η = {format_value(learning_rate)}: ‖η·dL/dW‖ {format_value(step.update_norm)}, "
        f"largest {entries(step.update_largest[:3])}\n"
    )
    text.append(f"  then {formula('grad_input')} goes down to the layer below\n", style="dim")


class WalkthroughReady(Message):
    """A walkthrough computed off the UI thread, ready to show."""

    def __init__(self, walk: Walkthrough, title: str) -> None:
        super().__init__()
        self.walk = walk
        self.title = title


def walkthrough_job(
    runner: NetworkRunner | None, record: RunRecord | None
) -> Callable[[], WalkthroughReady] | str:
    """The work of ``b`` (to run in a thread), or why there is none now.

    The sample is the first misclassified test row, else the first test row;
    ``η`` is the run's current learning rate.
    """
    if runner is None or record is None or runner.network is None or runner.data is None:
        return "No network yet: the walkthrough needs a run."
    if not (record.phase is Phase.PAUSED or record.phase.is_final):
        return "The walkthrough needs a paused or finished run: press p to pause first."
    if record.phase is Phase.DIVERGED:
        return "The run diverged: its weights are not finite, so there is nothing to walk through."
    network, data = runner.network, runner.data
    rate = record.learning_rate
    if rate is None:
        rate = record.config.training.learning_rate if record.config is not None else 0.01

    def job() -> WalkthroughReady:
        wrong = misclassified(network, data)
        index = wrong[0] if wrong else 0
        walk = sample_walkthrough(network, data, index, learning_rate=float(rate))
        kind = "misclassified " if wrong else ""
        title = (
            f"Backprop walkthrough · {kind}test sample {index} · epoch {record.epochs_done} · "
            f"worst relative error {walk.worst_relative_error:.1e}"
        )
        return WalkthroughReady(walk, title)

    return job


class WalkthroughScreen(ModalScreen[None]):
    """Step through one sample's forward and backward pass with the keys."""

    DEFAULT_CSS = """
    WalkthroughScreen { align: center middle; }
    WalkthroughScreen > Vertical { width: 96%; height: auto; max-height: 90%;
        border: round $accent; padding: 0 1; background: $surface; }
    WalkthroughScreen #walk-title { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(bindings("walkthrough"))

    def __init__(self, walk: Walkthrough, title: str) -> None:
        super().__init__()
        self.walk = walk
        self.title_text = title
        self.index = 0

    def compose(self) -> ComposeResult:
        """A title line and the current step."""
        with Vertical():
            yield Static(self.title_text, id="walk-title")
            yield Static(step_text(self.walk, 0), id="walk-step")
            yield Static("→ next step · ← previous step · esc back to the monitor", id="walk-keys")

    def action_move(self, step: int) -> None:
        """Show the next (or previous) step."""
        self.index = min(max(self.index + step, 0), len(self.walk.steps) - 1)
        self.query_one("#walk-step", Static).update(step_text(self.walk, self.index))

    def action_close(self) -> None:
        """Back to the monitor."""
        self.dismiss(None)
