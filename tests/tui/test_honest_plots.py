"""Plots that do not lie: what the Metrics, Gradients and Curves panels put on screen.

Each test hands a fixed event stream (``tests/event_streams.py``) to an app that
trains nothing (``tui_helpers.show_run``) and reads what the widgets draw.
"""

from __future__ import annotations

from typing import Any

import pytest
from event_streams import (
    diverged_run_events,
    early_stopped_run_events,
    finished_run_events,
    live_run_events,
)
from textual.widget import Widget
from tui_helpers import SIZE, curves_shown, show_run

from nntui.headless.progress import format_metrics
from nntui.training.events import EpochEnded
from nntui.training.formatting import format_metric
from nntui.tui.app import NNTuiApp
from nntui.tui.widgets.curves import CurvePlot
from nntui.tui.widgets.fitted_label import FittedLabel
from nntui.tui.widgets.gradients import GradientsPanel
from nntui.tui.widgets.learning_curves import LearningCurves
from nntui.tui.widgets.metrics import MetricRow, MetricsPanel
from nntui.tui.widgets.sparkline import MetricSparkline
from nntui.tui.widgets.status import StatusPanel

pytestmark = pytest.mark.slow


def monitor() -> NNTuiApp:
    """An app that trains nothing by itself (runs come from event streams)."""
    from event_streams import stream_config

    return NNTuiApp(stream_config(), autostart=False, deterministic=True)


def lines_of(widget: Widget) -> list[str]:
    """What a widget shows, line by line."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def rows(app: NNTuiApp) -> list[MetricRow]:
    return list(app.query(MetricRow))


def heading(row: MetricRow) -> str:
    return row.query_one(FittedLabel).text


def spark(row: MetricRow) -> MetricSparkline:
    return row.query_one(MetricSparkline)


class TestSparklines:
    """The Metrics panel's sparklines show their range, losses on a log scale."""

    async def test_each_sparkline_shows_the_range_it_is_drawn_on_losses_on_a_log_scale(
        self,
    ) -> None:
        events = finished_run_events(epochs=30)
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, events)
            train_loss, val_loss, train_acc, _ = rows(app)
            scale = spark(train_loss).scale
            assert scale is not None and scale.log
            # Train and val loss share one scale, so the two rows compare bar for bar.
            assert spark(val_loss).scale == scale
            losses = [
                *app.controller.record.series("loss"),
                *app.controller.record.series("val_loss"),
            ]
            assert (scale.low, scale.high) == (min(losses), max(losses))
            drawn = "\n".join(lines_of(spark(train_loss)))
            assert "log" in drawn and f"{scale.high:.3g}" in drawn and f"{scale.low:.3g}" in drawn
            # Accuracies: a line on their own labelled range, not a wall of blocks.
            acc_scale = spark(train_acc).scale
            assert acc_scale is not None and not acc_scale.log and not spark(train_acc).fill
            acc_drawn = "\n".join(lines_of(spark(train_acc)))
            assert f"{acc_scale.low:.3g}" in acc_drawn
            assert app.query_one(MetricsPanel).border_subtitle == "losses: log scale · l linear"

    async def test_l_switches_the_losses_to_a_linear_scale_on_the_monitor(self) -> None:
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, finished_run_events(epochs=30))
            await pilot.press("l")
            await pilot.pause()
            panel = app.query_one(MetricsPanel)
            assert not panel.log_losses
            train_loss = rows(app)[0]
            assert spark(train_loss).scale is not None and not spark(train_loss).scale.log
            assert "log" not in "\n".join(lines_of(spark(train_loss)))
            assert panel.border_subtitle == "losses: linear · l log scale"
            await pilot.press("l")
            await pilot.pause()
            assert panel.log_losses

    async def test_a_val_loss_rise_from_its_best_is_marked(self) -> None:
        # Validation loss is best at epoch 20, then rises for 5 epochs until early stopping.
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, early_stopped_run_events(epochs=60, best_epoch=20))
            _, val_loss, _, _ = rows(app)
            record = app.controller.record
            rise = record.series("val_loss")[-1] - record.best_of("val_loss").value
            assert "best" in heading(val_loss) and "@ epoch 20" in heading(val_loss)
            assert f"↑{format_metric(rise)}" in heading(val_loss)  # reads with NO_COLOR
            assert spark(val_loss).best_index == 19
            rendered = spark(val_loss).render_line(spark(val_loss).size.height - 1)
            after = spark(val_loss).get_component_rich_style("metric-sparkline--after")
            assert any(segment.style == after for segment in rendered)  # the rise, coloured
            train_heading = heading(rows(app)[0])
            assert "↑" not in train_heading  # train loss still falls: nothing to mark


class TestGradients:
    async def test_every_layers_trend_is_drawn_on_one_shared_log_scale(self) -> None:
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, finished_run_events(epochs=30))
            panel = app.query_one(GradientsPanel)
            norms = [value for row in panel.rows for value in row.values]
            shown = "\n".join(lines_of(panel))
            assert "‖∇‖ trends share one log scale:" in shown
            assert f"{min(norms):.3g}–{max(norms):.3g}" in shown
            assert "log" in shown.splitlines()[0]  # the trend column's title


class TestCurves:
    async def test_the_x_axis_ends_at_the_epochs_an_early_stopped_run_completed(self) -> None:
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, early_stopped_run_events(epochs=60, best_epoch=20))
            await pilot.press("2")
            await curves_shown(pilot)
            loss_plot = app.query_one("#curve-loss", CurvePlot)
            assert loss_plot.planned_epochs == 25
            x_labels = [int(label) for label in lines_of(loss_plot)[-1].split()]
            assert 20 < x_labels[-1] <= 25  # the axis ends at epoch 25, not the planned 60

    async def test_a_previous_run_is_overlaid_only_when_it_measures_the_same_thing(
        self,
    ) -> None:
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, finished_run_events("classification", epochs=30))
            await show_run(pilot, finished_run_events("classification", epochs=20))
            await pilot.press("2")
            await curves_shown(pilot)
            loss_plot = app.query_one("#curve-loss", CurvePlot)
            score_plot = app.query_one("#curve-score", CurvePlot)
            assert "previous loss" in "\n".join(lines_of(loss_plot))
            assert "previous accuracy" in "\n".join(lines_of(score_plot))
            # A regression run after it: mse is not cross-entropy, R² is not accuracy.
            await show_run(pilot, finished_run_events("regression", epochs=20))
            await pilot.pause()
            assert "previous" not in "\n".join(lines_of(loss_plot))
            assert "previous" not in "\n".join(lines_of(score_plot))

    async def test_m_steps_the_smoothing_strength_and_the_label_shows_it(self) -> None:
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, finished_run_events(epochs=30))
            await pilot.press("2")
            await curves_shown(pilot)
            curves = app.query_one(LearningCurves)
            loss_plot = app.query_one("#curve-loss", CurvePlot)
            seen = []
            for _ in range(4):
                await pilot.press("m")
                await pilot.pause()
                seen.append(curves.smoothing)
                assert loss_plot.border_subtitle == f"l linear y · m smoothing {curves.smoothing:g}"
            assert seen == [0.6, 0.9, 0.99, 0.0]
            await pilot.press("m", "m")  # 0.9: the legend says so too
            await pilot.pause()
            assert "[smoothing 0.9]" in lines_of(loss_plot)[0]


class TestDiverged:
    async def test_a_diverged_run_shows_the_epoch_that_exploded_and_the_last_finite_values(
        self,
    ) -> None:
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, diverged_run_events(epochs=30, diverged_at=6))
            status = app.query_one(StatusPanel).query_one("#status-reason", FittedLabel).text
            assert status.startswith("diverged at epoch 6")
            panel = app.query_one(MetricsPanel)
            assert panel.note == "epoch 6 exploded: loss is nan · rows: epoch 5"
            assert panel.note in str(panel.border_subtitle)
            # The rows keep the last finite values (epoch 5) on screen.
            record = app.controller.record
            assert format_metric(record.series("loss")[-1]) in heading(rows(app)[0])

    async def test_the_gradients_panel_shows_the_exploding_epochs_norm_per_layer(self) -> None:
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, diverged_run_events(epochs=30, diverged_at=6))
            status = app.query_one(StatusPanel).query_one("#status-reason", FittedLabel).text
            assert status.startswith("diverged at epoch 6: loss is nan")
            shown = lines_of(app.query_one(GradientsPanel))
            assert "‖∇‖ ep 6" in shown[0]  # the column of the epoch that exploded
            # Per layer: the last finite epoch's norm (epoch 5), then the exploding epoch's
            # (EXPLODED_NORMS: inf, 3.2e+05, nan) through the one metric formatter.
            record = app.controller.record
            exploded = {"dense_1": "inf", "dense_2": "3.200e+05", "dense_3": "nan"}
            for line, (name, norm) in zip(shown[1:4], exploded.items(), strict=True):
                last = record.layer_history[name][-1]
                assert line.startswith(name) and f"{last:.2e} {norm:>9}" in line
            assert "‖∇‖ ep 6: the epoch that exploded · rest: epoch 5" in shown

    async def test_an_empty_series_says_no_data_instead_of_drawing_a_zero_baseline(
        self,
    ) -> None:
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, diverged_run_events(epochs=30, diverged_at=1))
            note = app.query_one(MetricsPanel).note
            assert note == "epoch 1 exploded: loss is nan · no finite epoch"
            for row in rows(app):
                drawn = "\n".join(lines_of(spark(row)))
                assert "no data" in drawn and "▁" not in drawn


class TestNumbers:
    async def test_the_monitor_and_the_headless_lines_print_a_metric_alike(self) -> None:
        events: list[Any] = live_run_events(epochs=30, done=12)
        last = events[-1]
        assert isinstance(last, EpochEnded)
        app = monitor()
        async with app.run_test(size=SIZE) as pilot:
            await show_run(pilot, events)
            values = (last.loss, last.val_loss, last.score, last.val_score)
            for row, value in zip(rows(app), values, strict=True):
                assert format_metric(value) in heading(row)
                assert format_metric(value) in format_metrics(last)
            assert f"accuracy {format_metric(last.score)}" in format_metrics(last)
            assert len(format_metric(last.score).replace("0.", "", 1)) == 4  # 4 significant digits
