"""Text renderings of the inside-the-network views: bands, histogram, neuron tiles."""

from __future__ import annotations

import numpy as np
from event_streams import finished_run_events
from rich.text import Text

from nntui.training.classification import quality_of
from nntui.training.distributions import summarize
from nntui.training.measurements import (
    ClassQualityMeasured,
    DistributionsMeasured,
    LayerDistributions,
)
from nntui.training.record import RunRecord, fold
from nntui.tui.render.bands import (
    MEDIAN,
    SHADES,
    axis_labels,
    band_rows,
    histogram_line,
    pick_columns,
)
from nntui.tui.render.tiles import layer_scale, tile_text, weight_mark
from nntui.tui.widgets.confusion import confusion_text, latest_quality
from nntui.tui.widgets.distributions import DistributionsView

PERCENTILES = (-1.0, -0.7, -0.4, -0.2, 0.0, 0.2, 0.4, 0.7, 1.0)


def test_band_rows_draw_the_median_and_the_bands_outside_in() -> None:
    rows = band_rows([(1, PERCENTILES), (2, PERCENTILES)], width=2, height=9)
    assert len(rows) == 9 and all(len(row) == 2 for row in rows)
    assert sum(row.count(MEDIAN) for row in rows) == 2
    assert rows[0][0] == SHADES[0]  # the top row holds only the max
    middle = rows[len(rows) // 2]
    assert middle[0] in (MEDIAN, SHADES[-1])


def test_more_epochs_than_columns_keep_the_first_and_the_latest() -> None:
    points = [(epoch, PERCENTILES) for epoch in range(1, 101)]
    picked = pick_columns(points, 10)
    assert len(picked) == 10 and picked[0][0] == 1 and picked[-1][0] == 100


def test_histogram_line_is_as_wide_as_asked_and_peaks_at_full_height() -> None:
    line = histogram_line([0, 1, 4, 1, 0], 10)
    assert len(line) == 10 and "█" in line and line[0] == " "
    assert axis_labels(-1.0, 2.0, 12).startswith("-1") and axis_labels(-1.0, 2.0, 12).endswith("2")


def test_tiles_are_half_blocks_and_marks_show_the_sign() -> None:
    values = np.linspace(-1, 1, 24).reshape(4, 6)
    text = tile_text(values, layer_scale("tanh", -1.0, 1.0))
    assert text.plain.splitlines() == ["▀" * 6, "▀" * 6]
    assert weight_mark(-0.5, 1.0, 6).plain.strip() == "−0.50"
    assert weight_mark(0.9, 1.0, 6).plain.strip() == "+0.90"
    assert layer_scale("sigmoid", 0.1, 0.9).centre == 0.5


def _record_with_distributions() -> RunRecord:
    record = fold(finished_run_events(epochs=3))
    for epoch in (1, 2, 3):
        layers = tuple(
            LayerDistributions(
                name,
                weights=summarize(np.random.default_rng(epoch).normal(size=200)),
                activations=summarize(np.random.default_rng(epoch).random(size=200)),
            )
            for name in ("dense_1", "dense_2")
        )
        record.apply(DistributionsMeasured(epoch, layers))
    return record


def test_the_distributions_view_draws_bands_histogram_and_cycles() -> None:
    view = DistributionsView()
    view._record = _record_with_distributions()
    text = view.render_text(80, 24)
    plain = text.plain if isinstance(text, Text) else text
    assert plain.startswith("dense_1 · weights · epoch 3")
    assert "median" in plain and "now" in plain and "of 200 values" in plain
    view.layer_index, view.quantity = 1, "biases"
    plain = str(view.render_text(80, 24))
    assert "dense_2 · biases" in plain and "no measurement of this quantity yet" in plain


def test_the_distributions_view_without_measurements_says_how_to_get_them() -> None:
    view = DistributionsView()
    view._record = fold(finished_run_events(epochs=2))
    assert "measured while this tab shows" in str(view.render_text(80, 24))


def test_the_confusion_view_prefers_the_test_rows() -> None:
    record = fold(finished_run_events(epochs=2))
    validation = quality_of([[0.9, 0.1], [0.4, 0.6]], [[1, 0], [1, 0]], ("a", "b"), "validation")
    record.apply(ClassQualityMeasured(2, validation))
    found = latest_quality(record)
    assert found is not None and found[1].split == "validation"
    plain = confusion_text(*found).plain
    assert "validation rows (2) after epoch 2" in plain
    assert "macro F1" in plain
    test = quality_of([[0.9, 0.1]], [[1, 0]], ("a", "b"), "test")
    record.class_quality["test"] = (2, test)
    found = latest_quality(record)
    assert found is not None and found[1].split == "test"
