"""The confusion matrix panel: rows are true classes, columns predicted ones, with P/R/F1.

It shows the record's latest matrix: the validation rows' while a run trains
(measured by the training thread's hook while the panel shows), the test
rows' once the run has finished. Cells are shaded by their share of the row,
the diagonal green, mistakes red, so the worst confusions stand out.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from nntui.training.measurements import ClassQuality
from nntui.training.record import RunRecord

EMPTY = (
    "The confusion matrix appears for classification runs: the validation rows'\n"
    "while training (measured while this tab shows), the test rows' at the end."
)
NAME_WIDTH = 12


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def latest_quality(record: RunRecord | None) -> tuple[int, ClassQuality] | None:
    """The matrix to show: the test rows' when there is one, else the validation rows'."""
    if record is None:
        return None
    return record.class_quality.get("test") or record.class_quality.get("validation")


def confusion_text(epoch: int, quality: ClassQuality) -> Text:
    """The matrix with each row's recall, each column's precision and the classes' F1."""
    names = [name[:NAME_WIDTH] for name in quality.classes]
    width = max(6, *(len(name) for name in names))
    text = Text(no_wrap=True, overflow="crop")
    rows = sum(sum(row) for row in quality.matrix)
    text.append(f"{quality.split} rows ({rows}) after epoch {epoch}", style="bold")
    text.append(" · row = true class, column = predicted\n", style="dim")
    text.append(" " * NAME_WIDTH + "".join(f" {n:>{width}}" for n in names) + "  recall     F1\n")
    for index, (name, row, score) in enumerate(
        zip(names, quality.matrix, quality.scores, strict=True)
    ):
        text.append(f"{name:<{NAME_WIDTH}}")
        total = sum(row) or 1
        for column, count in enumerate(row):
            share = count / total
            colour = "green" if column == index else "red"
            style = Style(color=colour, bold=share >= 0.2 and count > 0, dim=count == 0)
            text.append(f" {count:>{width}}", style=style)
        text.append(f"  {_score(score.recall):>6} {_score(score.f1):>6}\n")
    text.append(f"{'precision':<{NAME_WIDTH}}")
    text.append("".join(f" {_score(score.precision):>{width}}" for score in quality.scores))
    accuracy = _score(quality.accuracy)
    text.append(f"\naccuracy {accuracy} · macro F1 {_score(quality.macro_f1)}", style="bold")
    return text


class ConfusionView(Static):
    """The latest confusion matrix of the record."""

    DEFAULT_CSS = """
    ConfusionView { height: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(EMPTY, id=id)

    def show(self, record: RunRecord | None) -> None:
        """Draw the record's latest matrix (or the hint)."""
        found = latest_quality(record)
        self.update(EMPTY if found is None else confusion_text(*found))
