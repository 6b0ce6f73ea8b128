"""CurvePlot and DecisionBoundary mounted in a tiny app: what they draw, and how they resize."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from rich.color import Color
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widget import Widget

from nntui.tui.render.heatmap import CLASS_COLORS, HALF_BLOCK, HEAT_STRENGTH, WRONG_GLYPH
from nntui.tui.widgets.boundary import DecisionBoundary
from nntui.tui.widgets.curves import CurvePlot, goal_for

BRAILLE = range(0x2801, 0x2900)  # any braille pattern with at least one dot


class PlotApp(App[None]):
    """Hosts one widget on a black background so colours are predictable."""

    CSS = """
    Screen { background: #000000; }
    CurvePlot, DecisionBoundary { background: #000000; height: 1fr; width: 1fr; }
    """

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget
        self.resized: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield self.widget

    def on_decision_boundary_resized(self, message: DecisionBoundary.Resized) -> None:
        self.resized.append((message.rows, message.cols))


def lines_of(widget: Widget) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.size.height)]


def segments_of(widget: Widget, y: int) -> list[Segment]:
    return list(widget.render_line(y))


def rgb_of(color: Color | None) -> tuple[int, int, int]:
    assert color is not None
    triplet = color.get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def has_dots(text: str) -> bool:
    return any(ord(char) in BRAILLE for char in text)


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], tries: int = 50) -> None:
    """Let the app process messages until ``condition`` holds (bounded, no sleeping)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition not reached")


class TestCurvePlot:
    async def test_legend_shows_last_and_best_for_loss_and_accuracy(self) -> None:
        plot = CurvePlot()
        async with PlotApp(plot).run_test(size=(90, 16)) as pilot:
            plot.set_series("loss", [0.9, 0.4, 0.25, 0.3], style="cyan")
            plot.set_series("val_accuracy", [0.5, 0.8, 0.75], style="green")
            await pilot.pause()
            legend = lines_of(plot)[0]
        assert "loss 0.3000 best 0.2500 @3" in legend
        assert "val_accuracy 0.7500 best 0.8000 @2" in legend

    async def test_log_toggle_changes_the_tick_labels(self) -> None:
        plot = CurvePlot()
        async with PlotApp(plot).run_test(size=(60, 20)) as pilot:
            plot.set_series("loss", [1.0, 0.1, 0.01, 0.001], style="cyan")
            await pilot.pause()
            linear = "\n".join(lines_of(plot))
            plot.log_y = True
            await pilot.pause()
            logarithmic = "\n".join(lines_of(plot))
        assert "0.01┤" not in linear
        assert "0.6┤" in linear
        for label in ("0.001┤", "0.01┤", "0.1┤", "1┤"):
            assert label in logarithmic
        assert "[log y]" in logarithmic

    async def test_log_axis_leaves_out_non_positive_values(self) -> None:
        plot = CurvePlot()
        async with PlotApp(plot).run_test(size=(40, 12)) as pilot:
            plot.set_series("loss", [0.0, -1.0, 0.5, 0.25], style="cyan")
            plot.log_y = True
            await pilot.pause()
            text = "\n".join(lines_of(plot))
        assert has_dots(text)
        assert "-1" not in text.split("\n", 1)[1]  # no axis label for an unplottable value

    async def test_one_epoch_spike_survives_downsampling_to_the_plot_width(self) -> None:
        values = [1.0] * 10_000
        values[7_321] = 10.0
        plot = CurvePlot()
        async with PlotApp(plot).run_test(size=(60, 14)) as pilot:
            plot.set_series("loss", values, style="cyan")
            await pilot.pause()
            lines = lines_of(plot)
        top_plot_row = lines[1]  # the legend takes one line; the spike peaks at the top
        assert has_dots(top_plot_row)
        assert "10┤" in top_plot_row

    async def test_smoothing_draws_the_raw_series_faintly_under_the_ema(self) -> None:
        rng = np.random.default_rng(0)
        noisy = (1.0 + 0.3 * rng.standard_normal(200)).tolist()
        plot = CurvePlot(smoothing=0.9)
        async with PlotApp(plot).run_test(size=(60, 16)) as pilot:
            plot.set_series("loss", noisy, style="cyan")
            await pilot.pause()
            raw_dim = [seg for y in range(16) for seg in segments_of(plot, y) if _dim_dots(seg)]
            plot.smooth = True
            await pilot.pause()
            smooth_dim = [seg for y in range(16) for seg in segments_of(plot, y) if _dim_dots(seg)]
            legend = lines_of(plot)[0]
        assert raw_dim == []
        assert smooth_dim
        assert "[smoothing 0.9]" in legend

    async def test_previous_run_is_drawn_muted_and_listed_in_the_legend(self) -> None:
        plot = CurvePlot()
        async with PlotApp(plot).run_test(size=(80, 14)) as pilot:
            plot.set_previous("loss", [2.0, 1.9, 1.8, 1.7, 1.6, 1.5, 1.4, 1.3])
            plot.set_series("loss", [0.5, 0.4], style="cyan")
            await pilot.pause()
            legend = lines_of(plot)[0]
            muted = {
                seg.style.color.name
                for y in range(1, 12)
                for seg in segments_of(plot, y)
                if seg.style and seg.style.color and has_dots(seg.text)
            }
            axis_labels = lines_of(plot)[-1]
        assert "previous loss best 1.300 @8" in legend
        assert CurvePlot.PREVIOUS_STYLE in muted
        assert "cyan" in muted
        assert axis_labels.rstrip().endswith("8")  # the axis spans the longer, previous run

    async def test_planned_epochs_fix_the_x_axis(self) -> None:
        plot = CurvePlot()
        async with PlotApp(plot).run_test(size=(60, 12)) as pilot:
            plot.planned_epochs = 200
            plot.set_series("loss", [1.0, 0.5, 0.4], style="cyan")
            await pilot.pause()
            axis_labels = lines_of(plot)[-1]
        assert axis_labels.rstrip().endswith("200")

    async def test_redraws_to_the_new_size_after_a_resize(self) -> None:
        plot = CurvePlot()
        async with PlotApp(plot).run_test(size=(50, 12)) as pilot:
            plot.set_series("loss", [1.0 / epoch for epoch in range(1, 31)], style="cyan")
            await pilot.pause()
            assert {len(line) for line in lines_of(plot)} == {50}
            await pilot.resize_terminal(90, 20)
            await wait_until(pilot, lambda: plot.size.width == 90)
            lines = lines_of(plot)
        assert len(lines) == 20
        assert {len(line) for line in lines} == {90}
        assert lines[-1].rstrip().endswith("30")
        assert sum(has_dots(line) for line in lines) >= 10

    async def test_non_finite_values_are_skipped_not_fatal(self) -> None:
        plot = CurvePlot()
        async with PlotApp(plot).run_test(size=(60, 12)) as pilot:
            plot.set_series("loss", [1.0, math.nan, 0.5, math.inf, None], style="cyan")
            await pilot.pause()
            lines = lines_of(plot)
        assert "loss nan best 0.5000 @3" in lines[0]
        assert any(has_dots(line) for line in lines)

    async def test_empty_plot_says_it_is_waiting(self) -> None:
        plot = CurvePlot(empty_message="no epochs yet")
        async with PlotApp(plot).run_test(size=(40, 10)) as pilot:
            await pilot.pause()
            text = "\n".join(lines_of(plot))
        assert "no epochs yet" in text

    async def test_too_small_area_says_so(self) -> None:
        plot = CurvePlot()
        async with PlotApp(plot).run_test(size=(10, 3)) as pilot:
            plot.set_series("loss", [1.0, 0.5], style="cyan")
            await pilot.pause()
            first = lines_of(plot)[0]
        assert first.startswith("plot too")

    def test_bad_series_are_rejected_with_a_message(self) -> None:
        plot = CurvePlot()
        with pytest.raises(ValueError, match="series 'loss' must be a sequence of numbers"):
            plot.set_series("loss", ["high", "low"])  # type: ignore[list-item]
        with pytest.raises(ValueError, match="invalid style"):
            plot.set_series("loss", [1.0], style="not a colour at all")
        with pytest.raises(ValueError, match="goal"):
            plot.set_series("loss", [1.0], goal="lowest")  # type: ignore[arg-type]

    def test_goal_is_guessed_from_the_metric_name(self) -> None:
        assert goal_for("val_loss") == "min"
        assert goal_for("val_accuracy") == "max"
        assert goal_for("r2") == "max"


def _dim_dots(segment: Segment) -> bool:
    return bool(segment.style and segment.style.dim and has_dots(segment.text))


def _two_class_grid(rows: int, cols: int) -> np.ndarray:
    """Top half confidently class 0, bottom half confidently class 1."""
    grid = np.zeros((rows, cols, 2))
    grid[: rows // 2, :, 0] = 1.0
    grid[rows // 2 :, :, 1] = 1.0
    return grid


def _expected(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    red, green, blue = (round(HEAT_STRENGTH * channel) for channel in colour)
    return red, green, blue


class TestDecisionBoundary:
    async def test_shows_a_placeholder_before_the_first_grid(self) -> None:
        boundary = DecisionBoundary(placeholder="waiting for a 2-input net")
        async with PlotApp(boundary).run_test(size=(40, 8)) as pilot:
            await pilot.pause()
            text = "\n".join(lines_of(boundary))
        assert "waiting for a 2-input net" in text
        assert HALF_BLOCK not in text
        assert not boundary.has_grid

    async def test_grid_shape_follows_resize_and_is_announced(self) -> None:
        boundary = DecisionBoundary()
        app = PlotApp(boundary)
        async with app.run_test(size=(30, 10)) as pilot:
            await wait_until(pilot, lambda: app.resized == [(20, 30)])
            assert boundary.grid_shape() == (20, 30)
            await pilot.resize_terminal(44, 13)
            await wait_until(pilot, lambda: boundary.grid_shape() == (26, 44))
            await wait_until(pilot, lambda: app.resized[-1] == (26, 44))

    async def test_classification_renders_half_blocks_in_class_colours(self) -> None:
        boundary = DecisionBoundary()
        async with PlotApp(boundary).run_test(size=(6, 4)) as pilot:
            rows, cols = boundary.grid_shape()
            boundary.set_grid(
                _two_class_grid(rows, cols), kind="classification", extent=(-1, 1, -1, 1)
            )
            await pilot.pause()
            top, bottom = segments_of(boundary, 0), segments_of(boundary, 3)
        assert "".join(segment.text for segment in top) == HALF_BLOCK * 6
        assert rgb_of(top[0].style.color) == _expected(CLASS_COLORS[0])
        assert rgb_of(top[0].style.bgcolor) == _expected(CLASS_COLORS[0])
        assert rgb_of(bottom[0].style.color) == _expected(CLASS_COLORS[1])
        assert rgb_of(bottom[0].style.bgcolor) == _expected(CLASS_COLORS[1])

    async def test_boundary_between_pixels_of_one_cell_uses_fg_and_bg(self) -> None:
        boundary = DecisionBoundary()
        async with PlotApp(boundary).run_test(size=(3, 1)) as pilot:
            boundary.set_grid(_two_class_grid(2, 3), kind="classification", extent=(0, 1, 0, 1))
            await pilot.pause()
            [segment] = segments_of(boundary, 0)
        assert segment.text == HALF_BLOCK * 3
        assert rgb_of(segment.style.color) == _expected(CLASS_COLORS[0])
        assert rgb_of(segment.style.bgcolor) == _expected(CLASS_COLORS[1])

    async def test_points_are_drawn_in_their_class_colours_and_glyphs(self) -> None:
        boundary = DecisionBoundary()
        async with PlotApp(boundary).run_test(size=(4, 2)) as pilot:
            boundary.set_grid(
                _two_class_grid(4, 4), kind="classification", extent=(0.0, 4.0, 0.0, 4.0)
            )
            # (0.5, 3.5) is the top-left pixel; (3.5, 0.5) the bottom-right one.
            boundary.set_points(
                [(0.5, 3.5), (3.5, 0.5), (9.0, 9.0)],
                [1, 0, 1],
                predicted=[0, 0, 1],
                train_xy=[(0.5, 0.5)],
                train_labels=[0],
                train_predicted=[0],
            )
            await pilot.pause()
            top, bottom = segments_of(boundary, 0), segments_of(boundary, 1)
        # The test point of class 1 the network calls 0: ×, in its true class's colour.
        assert top[0].text == WRONG_GLYPH
        assert rgb_of(top[0].style.color) == CLASS_COLORS[1]
        # A right test point of class 0: hollow ○; a training point of class 0: filled ●.
        assert bottom[-1].text == "○"
        assert rgb_of(bottom[-1].style.color) == CLASS_COLORS[0]
        assert bottom[0].text == "●"
        text = "".join(s.text for s in top + bottom)
        assert len(text.replace(HALF_BLOCK, "")) == 3  # the point outside the extent is not drawn

    async def test_regression_uses_a_diverging_scale(self) -> None:
        boundary = DecisionBoundary()
        async with PlotApp(boundary).run_test(size=(2, 1)) as pilot:
            boundary.set_grid(
                np.array([[-3.0, 3.0], [-3.0, 3.0]]), kind="regression", extent=(0, 1, 0, 1)
            )
            await pilot.pause()
            segments = segments_of(boundary, 0)
        negative, positive = (rgb_of(segment.style.color) for segment in segments)
        assert negative[2] > negative[0]  # blue below zero
        assert positive[0] > positive[2]  # red above

    async def test_a_grid_of_another_shape_is_stretched_to_fill(self) -> None:
        boundary = DecisionBoundary()
        async with PlotApp(boundary).run_test(size=(12, 5)) as pilot:
            boundary.set_grid(_two_class_grid(2, 1), kind="classification", extent=(0, 1, 0, 1))
            await pilot.pause()
            lines = lines_of(boundary)
        assert len(lines) == 5
        assert all(line == HALF_BLOCK * 12 for line in lines)

    async def test_clear_brings_the_placeholder_back(self) -> None:
        boundary = DecisionBoundary(placeholder="nothing yet")
        async with PlotApp(boundary).run_test(size=(20, 4)) as pilot:
            boundary.set_grid(_two_class_grid(8, 20), kind="classification", extent=(0, 1, 0, 1))
            await pilot.pause()
            assert HALF_BLOCK in lines_of(boundary)[0]
            boundary.clear()
            await pilot.pause()
            text = "\n".join(lines_of(boundary))
        assert "nothing yet" in text

    async def test_non_finite_predictions_render_as_background(self) -> None:
        boundary = DecisionBoundary()
        async with PlotApp(boundary).run_test(size=(1, 1)) as pilot:
            boundary.set_grid(
                np.array([[[math.nan, math.nan]], [[1.0, 0.0]]]),
                kind="classification",
                extent=(0, 1, 0, 1),
            )
            await pilot.pause()
            [segment] = segments_of(boundary, 0)
        assert rgb_of(segment.style.color) == (0, 0, 0)
        assert rgb_of(segment.style.bgcolor) == _expected(CLASS_COLORS[0])

    def test_invalid_input_is_rejected_with_a_message(self) -> None:
        boundary = DecisionBoundary()
        with pytest.raises(ValueError, match="kind must be"):
            boundary.set_grid(np.zeros((2, 2, 2)), kind="ranking", extent=(0, 1, 0, 1))  # type: ignore[arg-type]
        with pytest.raises(ValueError, match=r"\(rows, cols, n_classes\)"):
            boundary.set_grid(np.zeros((2, 2)), kind="classification", extent=(0, 1, 0, 1))
        with pytest.raises(ValueError, match=r"\(rows, cols\)"):
            boundary.set_grid(np.zeros((2, 2, 3)), kind="regression", extent=(0, 1, 0, 1))
        with pytest.raises(ValueError, match="x_min < x_max"):
            boundary.set_grid(np.zeros((2, 2)), kind="regression", extent=(1, 0, 0, 1))
        with pytest.raises(ValueError, match="one label per point"):
            boundary.set_points([(0.0, 0.0), (1.0, 1.0)], [1])
        with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
            boundary.set_points([(0.0, 0.0, 0.0)], [1])
