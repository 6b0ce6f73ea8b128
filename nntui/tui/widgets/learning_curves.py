"""The Curves tab: train/val loss and train/val accuracy (or R²) against epoch, full size.

Two :class:`~nntui.tui.widgets.curves.CurvePlot` s, one per scale, each with the
previous run's curves muted underneath. Log-y and smoothing toggle on both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Vertical

from nntui.tui.widgets.curves import CurvePlot

TRAIN_STYLE = "#4fc3f7"
VAL_STYLE = "#ffb74d"

History = Mapping[str, Sequence[float | None]]


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
            plot.border_title = "Loss" if plot is loss_plot else _score_label(task)

    def show_previous(self, history: History | None, task: str, previous_task: str | None) -> None:
        """Overlay the previous run (muted); ``None`` removes the overlay.

        Its score curves are only overlaid when it had the same task.
        """
        loss_plot, score_plot = self.plots
        loss_plot.clear_previous()
        score_plot.clear_previous()
        if history is None:
            return
        for key in ("loss", "val_loss"):
            values = finite_values(history, key)
            if values:
                loss_plot.set_previous(key, values)
        if previous_task == task:
            score = score_key(task)
            for key in (score, f"val_{score}"):
                values = finite_values(history, key)
                if values:
                    score_plot.set_previous(key, values)

    def toggle_log_y(self) -> bool:
        """Switch both plots between linear and log y; returns the new setting."""
        plots = self.plots
        log_y = not plots[0].log_y
        for plot in plots:
            plot.log_y = log_y
        return log_y

    def toggle_smooth(self) -> bool:
        """Switch EMA smoothing on both plots; returns the new setting."""
        plots = self.plots
        smooth = not plots[0].smooth
        for plot in plots:
            plot.smooth = smooth
        return smooth


def _score_label(task: str) -> str:
    return "Accuracy" if task == "classification" else "R²"
