"""The Curves tab: train/val loss and train/val accuracy (or R²) against epoch, full size.

Two :class:`~nntui.tui.widgets.curves.CurvePlot` s, one per scale. The x axis
runs to the planned epochs while a run trains and to the epochs it completed
once it ended (early stopping, a stop), so a short run fills the plot. The
previous run's curves are drawn muted underneath only when they measure the
same thing (the same loss function; the same metric for the score plot). Log-y
toggles on both; smoothing steps through TensorBoard-like strengths
(:data:`SMOOTHING_STEPS`), the value shown under each plot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical

from nntui.tui.widgets.curves import CurvePlot

if TYPE_CHECKING:
    from nntui.training.record import RunRecord

TRAIN_STYLE = "#4fc3f7"
VAL_STYLE = "#ffb74d"

History = Mapping[str, Sequence[float | None]]
#: The marked runs' colours (their validation curves dimmed), in the order they were marked.
MARKED_STYLES = ("#e57373", "#81c784", "#ba68c8", "#fff176", "#4db6ac", "#f06292")
#: The smoothing strengths ``m`` steps through (EMA weights; 0 is off).
SMOOTHING_STEPS = (0.0, 0.6, 0.9, 0.99)


def next_smoothing(weight: float) -> float:
    """The strength after ``weight`` in :data:`SMOOTHING_STEPS` (wrapping to 0).

    Example:
        >>> [next_smoothing(w) for w in SMOOTHING_STEPS]
        [0.6, 0.9, 0.99, 0.0]
    """
    later = [step for step in SMOOTHING_STEPS if step > weight + 1e-9]
    return later[0] if later else SMOOTHING_STEPS[0]


def x_axis_epochs(record: RunRecord) -> int:
    """How far the x axis runs: the planned epochs while training, the epochs done after."""
    return record.epochs_done if record.phase.is_final else record.epochs


def measures_alike(record: RunRecord, other: RunRecord) -> tuple[bool, bool]:
    """``(same loss, same metric)``: which of ``other``'s curves may be overlaid on ``record``'s."""
    if record.started is None or other.started is None:
        return False, False
    same_loss = record.started.loss == other.started.loss
    return same_loss, record.metric == other.metric


def score_key(task: str) -> str:
    """``"accuracy"`` for classification, ``"r2"`` for regression."""
    return "accuracy" if task == "classification" else "r2"


def finite_values(history: History, key: str) -> list[float]:
    """One history key's values with the missing ones left out."""
    return [float(value) for value in history.get(key, ()) if value is not None]


class LearningCurves(Vertical):
    """Loss on top, accuracy or R² below; the current run bright, the previous one muted."""

    DEFAULT_CSS = """
    LearningCurves { height: 1fr; }
    LearningCurves > CurvePlot { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield CurvePlot(id="curve-loss", empty_message="the loss appears after the first epoch")
        yield CurvePlot(id="curve-score", empty_message="accuracy appears after the first epoch")

    @property
    def plots(self) -> list[CurvePlot]:
        """The loss plot and the score plot."""
        return list(self.query(CurvePlot))

    def show_run(self, history: History, task: str, planned_epochs: int) -> None:
        """Draw the current run's curves (a history under Keras' keys)."""
        loss_plot, score_plot = self.plots
        score = score_key(task)
        loss_plot.set_series("loss", finite_values(history, "loss"), style=TRAIN_STYLE)
        loss_plot.set_series("val_loss", finite_values(history, "val_loss"), style=VAL_STYLE)
        if not any(name in score_plot.series_names for name in (score, f"val_{score}")):
            score_plot.clear()  # the task changed: drop the other score's series
            score_plot.empty_message = f"{_score_label(task)} appears after the first epoch"
        score_plot.set_series(score, finite_values(history, score), style=TRAIN_STYLE)
        score_plot.set_series(
            f"val_{score}", finite_values(history, f"val_{score}"), style=VAL_STYLE
        )
        for plot in (loss_plot, score_plot):
            plot.planned_epochs = planned_epochs
            title = "Loss" if plot is loss_plot else _score_label(task)
            if plot.border_title != title:  # setting a title redraws, even the same one
                plot.border_title = title

    def show_record(self, record: RunRecord, task: str) -> None:
        """Draw a run's curves; the x axis follows the epochs it completed once it ended."""
        self.show_run(record.history, task, x_axis_epochs(record))

    def show_previous_record(self, previous: RunRecord | None, record: RunRecord) -> None:
        """Overlay ``previous`` (muted) where it measures what ``record`` does; ``None``: none."""
        if previous is None:
            self.show_previous(None, "", None)
            return
        same_loss, same_metric = measures_alike(record, previous)
        task = record.task or "classification"
        self.show_previous(
            previous.history, task, previous.task, same_loss=same_loss, same_metric=same_metric
        )

    def show_previous(
        self,
        history: History | None,
        task: str,
        previous_task: str | None,
        *,
        same_loss: bool = True,
        same_metric: bool | None = None,
    ) -> None:
        """Overlay the previous run (muted); ``None`` removes the overlay.

        Its loss curves are overlaid only when ``same_loss`` (the same loss
        function); its score curves only when ``same_metric`` (by default:
        when it had the same task).
        """
        loss_plot, score_plot = self.plots
        loss_plot.clear_previous()
        score_plot.clear_previous()
        if history is None:
            return
        if same_loss:
            for key in ("loss", "val_loss"):
                values = finite_values(history, key)
                if values:
                    loss_plot.set_previous(key, values)
        if same_metric if same_metric is not None else previous_task == task:
            score = score_key(task)
            for key in (score, f"val_{score}"):
                values = finite_values(history, key)
                if values:
                    score_plot.set_previous(key, values)

    def show_marked(self, runs: Sequence[tuple[str, History]], task: str) -> None:
        """Overlay the runs marked in the Runs tab, each in its own colour and line style, by id.

        Replaces the previous-run overlay; an empty ``runs`` removes every overlay.
        Only the curves the current task measures are overlaid.
        """
        loss_plot, score_plot = self.plots
        loss_plot.clear_previous()
        score_plot.clear_previous()
        score = score_key(task)
        keys = {"loss": loss_plot, "val_loss": loss_plot, score: score_plot}
        keys[f"val_{score}"] = score_plot
        for index, (run_id, history) in enumerate(runs):
            style = MARKED_STYLES[index % len(MARKED_STYLES)]
            dashed = index % 2 == 1  # neighbours differ in line style too
            for key, plot in keys.items():
                values = finite_values(history, key)
                if values:
                    shade = style + (" dim" if key.startswith("val_") else "")
                    plot.set_previous(
                        key, values, label=f"{run_id} {key}", style=shade, dashed=dashed
                    )

    def toggle_log_y(self) -> bool:
        """Switch both plots between linear and log y; returns the new setting."""
        plots = self.plots
        log_y = not plots[0].log_y
        for plot in plots:
            plot.log_y = log_y
        self._show_settings()
        return log_y

    def toggle_smooth(self) -> bool:
        """Switch EMA smoothing on both plots; returns the new setting."""
        plots = self.plots
        smooth = not plots[0].smooth
        for plot in plots:
            plot.smooth = smooth
        self._show_settings()
        return smooth

    @property
    def smoothing(self) -> float:
        """The smoothing strength shown (0: raw curves)."""
        plot = self.plots[0]
        return plot.smoothing if plot.smooth else 0.0

    def cycle_smoothing(self) -> float:
        """Step the smoothing strength on both plots (0, 0.6, 0.9, 0.99); returns the new one."""
        weight = next_smoothing(self.smoothing)
        for plot in self.plots:
            plot.set_smoothing(weight)
        self._show_settings()
        return weight

    def on_mount(self) -> None:
        self._show_settings()

    def _show_settings(self) -> None:
        """Under each plot: the scale and the smoothing strength, with their keys."""
        plots = self.plots
        scale = "log y" if plots[0].log_y else "linear y"
        subtitle = f"l {scale} · m smoothing {self.smoothing:g}"
        for plot in plots:
            plot.border_subtitle = subtitle


def _score_label(task: str) -> str:
    return "Accuracy" if task == "classification" else "R²"
