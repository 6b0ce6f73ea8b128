"""Pure render helpers: braille canvas, series transforms and ticks, half-block heat maps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from rich.color import Color

from nntui.tui.render.braille import BrailleCanvas
from nntui.tui.render.heatmap import (
    CLASS_COLORS,
    HALF_BLOCK,
    HEAT_STRENGTH,
    NEUTRAL_COLOR,
    POINT_GLYPH,
    DivergingScale,
    check_extent,
    class_color,
    classification_rgb,
    grid_points,
    half_block_lines,
    half_block_text,
    pixels_of_points,
    regression_rgb,
    resample_nearest,
    square_pixel_extent,
)
from nntui.tui.render.series import (
    as_float_array,
    downsample_minmax,
    ema,
    finite_xy,
    format_tick,
    format_value,
    log10_positive,
    log_ticks,
    nice_range,
    nice_step,
    nice_ticks,
)


def lit_pixels(canvas: BrailleCanvas) -> set[tuple[int, int]]:
    return {
        (x, y)
        for x in range(canvas.pixel_width)
        for y in range(canvas.pixel_height)
        if canvas.is_set(x, y)
    }


def rgb_of(color: Color | None) -> tuple[int, int, int]:
    assert color is not None
    triplet = color.get_truecolor()
    return triplet.red, triplet.green, triplet.blue


class TestBrailleCanvas:
    def test_each_pixel_of_a_cell_sets_its_own_dot(self) -> None:
        expected_bits = {
            (0, 0): 0x01,
            (0, 1): 0x02,
            (0, 2): 0x04,
            (1, 0): 0x08,
            (1, 1): 0x10,
            (1, 2): 0x20,
            (0, 3): 0x40,
            (1, 3): 0x80,
        }
        for (x, y), bits in expected_bits.items():
            canvas = BrailleCanvas(1, 1)
            canvas.set(x, y)
            assert canvas.char_at(0, 0) == chr(0x2800 + bits), (x, y)

    def test_horizontal_line_lights_one_dot_row_across_cells(self) -> None:
        canvas = BrailleCanvas(3, 1)
        canvas.line(0, 1, 5, 1)
        assert str(canvas) == "⠒⠒⠒"
        assert lit_pixels(canvas) == {(x, 1) for x in range(6)}

    def test_diagonal_line_lights_exactly_the_diagonal(self) -> None:
        canvas = BrailleCanvas(2, 1)
        canvas.line(0, 0, 3, 3)
        assert lit_pixels(canvas) == {(0, 0), (1, 1), (2, 2), (3, 3)}
        assert str(canvas) == "⠑⢄"

    def test_steep_line_follows_bresenham(self) -> None:
        canvas = BrailleCanvas(1, 2)
        canvas.line(0, 0, 1, 7)
        assert lit_pixels(canvas) == {
            (0, 0),
            (0, 1),
            (0, 2),
            (0, 3),
            (1, 4),
            (1, 5),
            (1, 6),
            (1, 7),
        }

    def test_line_drawn_backwards_includes_both_ends(self) -> None:
        canvas = BrailleCanvas(4, 2)
        canvas.line(7, 6, 0, 1)
        assert canvas.is_set(7, 6)
        assert canvas.is_set(0, 1)
        assert len(lit_pixels(canvas)) == 8  # one pixel per column of the longer axis

    def test_pixels_outside_the_canvas_are_clipped(self) -> None:
        canvas = BrailleCanvas(2, 1)
        canvas.line(-5, 0, 10, 0)
        canvas.set(0, 99)
        assert str(canvas) == "⠉⠉"

    def test_polyline_joins_points_and_single_point_lights_one_pixel(self) -> None:
        canvas = BrailleCanvas(2, 1)
        canvas.polyline([(0, 3), (3, 3), (3, 0)])
        assert lit_pixels(canvas) == {(0, 3), (1, 3), (2, 3), (3, 3), (3, 2), (3, 1), (3, 0)}
        single = BrailleCanvas(1, 1)
        single.polyline([(1, 2)])
        assert lit_pixels(single) == {(1, 2)}

    def test_last_style_drawn_into_a_cell_wins(self) -> None:
        canvas = BrailleCanvas(2, 1)
        canvas.set(0, 0, "red")
        canvas.set(1, 1, "blue")
        canvas.set(2, 0, "green")
        segments = canvas.row_segments(0)
        assert [segment.text for segment in segments] == ["⠑", "⠁"]
        assert [segment.style.color.name for segment in segments] == ["blue", "green"]

    def test_empty_cells_are_unstyled_spaces_merged_into_one_segment(self) -> None:
        canvas = BrailleCanvas(5, 1)
        canvas.set(9, 0, "red")
        segments = canvas.row_segments(0)
        assert segments[0].text == "    "
        assert segments[0].style is None
        assert segments[1].text == "⠈"

    def test_to_text_matches_plain_rendering(self) -> None:
        canvas = BrailleCanvas(3, 2)
        canvas.line(0, 0, 5, 7, "cyan")
        text = canvas.to_text()
        assert text.plain == str(canvas)
        assert len(text.plain.splitlines()) == 2

    def test_negative_size_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="must not be negative"):
            BrailleCanvas(-1, 2)


class TestSeries:
    def test_single_spike_survives_downsampling_10000_to_100_points(self) -> None:
        values = np.ones(10_000)
        values[6_789] = 50.0
        x, y = downsample_minmax(np.arange(10_000), values, 100)
        assert len(x) <= 100
        assert y.max() == 50.0
        assert 6_789 in x.tolist()

    def test_downsampling_keeps_global_extremes_and_order(self) -> None:
        rng = np.random.default_rng(3)
        values = rng.standard_normal(5_000)
        x, y = downsample_minmax(np.arange(5_000), values, 64)
        assert len(x) <= 64
        assert y.min() == values.min()
        assert y.max() == values.max()
        assert np.all(np.diff(x) > 0)

    def test_short_series_is_returned_whole_without_non_finite_points(self) -> None:
        x, y = downsample_minmax([1, 2, 3, 4], [1.0, math.nan, math.inf, 4.0], 10)
        assert x.tolist() == [1.0, 4.0]
        assert y.tolist() == [1.0, 4.0]

    def test_downsampling_needs_room_for_two_points(self) -> None:
        with pytest.raises(ValueError, match="at least 2"):
            downsample_minmax([0, 1], [0, 1], 1)

    def test_ema_of_a_constant_is_that_constant_from_the_first_value(self) -> None:
        assert np.allclose(ema([3.0] * 5, 0.9), 3.0)

    def test_ema_lags_behind_a_step_and_weight_zero_is_identity(self) -> None:
        step = [0.0] * 5 + [1.0] * 5
        smoothed = ema(step, 0.6)
        assert 0.0 < smoothed[5] < 1.0
        assert np.all(np.diff(smoothed[5:]) > 0)
        assert np.array_equal(ema(step, 0.0), np.array(step))

    def test_ema_skips_non_finite_values_without_poisoning_the_rest(self) -> None:
        smoothed = ema([1.0, math.nan, 1.0, math.inf, 1.0], 0.5)
        assert math.isnan(smoothed[1])
        assert math.isnan(smoothed[3])
        assert np.allclose(smoothed[[0, 2, 4]], 1.0)

    def test_ema_rejects_a_weight_outside_0_1(self) -> None:
        with pytest.raises(ValueError, match=r"\[0, 1\)"):
            ema([1.0], 1.0)

    def test_log_transform_marks_non_positive_and_non_finite_as_nan(self) -> None:
        result = log10_positive([100.0, 0.0, -1.0, math.nan, math.inf, 0.01])
        assert result[0] == pytest.approx(2.0)
        assert result[5] == pytest.approx(-2.0)
        assert np.isnan(result[1:5]).all()

    def test_finite_xy_drops_bad_points_and_keeps_positions(self) -> None:
        x, y = finite_xy([1.0, math.nan, 3.0], [10, 20, 30])
        assert x.tolist() == [10.0, 30.0]
        assert y.tolist() == [1.0, 3.0]

    def test_as_float_array_turns_none_into_nan_and_rejects_text(self) -> None:
        assert np.isnan(as_float_array([1.0, None])[1])
        with pytest.raises(ValueError, match="loss must be a sequence of numbers"):
            as_float_array(["a", "b"], name="loss")

    def test_nice_range_widens_to_round_steps(self) -> None:
        assert nice_range(0.05, 0.7, 5) == (0.0, 0.8, 0.2)
        low, high, step = nice_range(3.0, 3.0, 5)
        assert low < 3.0 < high
        assert step > 0

    def test_nice_ticks_for_epochs_use_whole_numbers(self) -> None:
        assert nice_ticks(1, 3, 5, min_step=1.0) == [1.0, 2.0, 3.0]
        assert nice_ticks(1, 100, 6, min_step=1.0) == [20.0, 40.0, 60.0, 80.0, 100.0]

    @given(
        low=st.floats(-1e6, 1e6, allow_nan=False),
        span=st.floats(1e-6, 1e6, allow_nan=False),
        max_ticks=st.integers(2, 10),
    )
    def test_nice_ticks_are_evenly_spaced_inside_the_range(
        self, low: float, span: float, max_ticks: int
    ) -> None:
        # Evenly spaced ticks need a span float64 can resolve at this magnitude.
        assume(span >= 1e-6 * max(1.0, abs(low)))
        high = low + span
        ticks = nice_ticks(low, high, max_ticks)
        assert len(ticks) <= max_ticks
        tolerance = 1e-9 * nice_step(span, max_ticks)  # float error at a tick counts as on it
        assert all(low - tolerance <= tick <= high + tolerance for tick in ticks)
        if len(ticks) >= 3:
            gaps = np.diff(ticks)
            assert np.allclose(gaps, gaps[0], rtol=1e-6)

    @given(
        low=st.floats(-1e6, 1e6, allow_nan=False),
        span=st.floats(0, 1e6, allow_nan=False),
        max_ticks=st.integers(2, 10),
    )
    def test_nice_range_contains_the_data(self, low: float, span: float, max_ticks: int) -> None:
        high = low + span
        widened_low, widened_high, step = nice_range(low, high, max_ticks)
        assert step > 0
        # Within a billionth of a step counts as on the tick (absorbs float error like 0.6/0.2).
        assert widened_low <= low + 1e-9 * step
        assert widened_high >= high - 1e-9 * step

    def test_log_ticks_prefer_1_2_5_when_they_fit(self) -> None:
        assert log_ticks(0.04, 3.0, 8) == [0.05, 0.1, 0.2, 0.5, 1.0, 2.0]

    def test_log_ticks_over_many_decades_are_thinned_powers_of_ten(self) -> None:
        ticks = log_ticks(1e-6, 10.0, 5)
        assert 2 <= len(ticks) <= 5
        assert all(math.log10(tick).is_integer() for tick in ticks)

    def test_log_ticks_over_a_narrow_range_stay_inside_it(self) -> None:
        ticks = log_ticks(0.31, 0.33, 5)
        assert len(ticks) >= 2
        assert all(0.31 <= tick <= 0.33 for tick in ticks)

    def test_log_ticks_need_a_positive_range(self) -> None:
        assert log_ticks(0.0, 1.0) == []
        assert log_ticks(-1.0, 1.0) == []

    def test_tick_labels_use_the_decimals_the_step_needs(self) -> None:
        assert format_tick(0.25, 0.05) == "0.25"
        assert format_tick(0.4, 0.2) == "0.4"
        assert format_tick(20.0, 10.0) == "20"
        assert format_tick(0.0, 0.1) == "0"
        assert format_tick(1e-4, 1e-4) == "1e-4"
        assert format_tick(2e6, 1e6) == "2e6"

    def test_value_labels_are_short_and_name_non_finite_values(self) -> None:
        assert format_value(0.123456) == "0.123"
        assert format_value(1e-5) == "1e-5"
        assert format_value(0.12345, 4) == "0.1235"
        assert format_value(math.nan) == "nan"
        assert format_value(-math.inf) == "-inf"


class TestHeatmap:
    def test_two_by_one_grid_renders_one_half_block_with_top_fg_and_bottom_bg(self) -> None:
        colours = np.array([[[255, 0, 0]], [[0, 0, 255]]], dtype=np.uint8)
        lines = half_block_lines(colours)
        assert len(lines) == 1
        [segment] = lines[0]
        assert segment.text == HALF_BLOCK
        assert rgb_of(segment.style.color) == (255, 0, 0)
        assert rgb_of(segment.style.bgcolor) == (0, 0, 255)

    def test_equal_neighbouring_cells_merge_into_one_segment(self) -> None:
        colours = np.zeros((2, 5, 3), dtype=np.uint8)
        [segments] = half_block_lines(colours)
        assert [segment.text for segment in segments] == [HALF_BLOCK * 5]

    def test_odd_row_count_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="even number of rows"):
            half_block_lines(np.zeros((3, 2, 3), dtype=np.uint8))

    def test_overlay_point_draws_a_glyph_in_its_colour(self) -> None:
        colours = np.zeros((4, 3, 3), dtype=np.uint8)
        colours[2:, :] = (100, 100, 100)
        lines = half_block_lines(colours, {(1, 2): (255, 152, 0)})
        assert [segment.text for segment in lines[0]] == [HALF_BLOCK * 3]
        point = lines[1][-1]
        assert point.text == POINT_GLYPH
        assert rgb_of(point.style.color) == (255, 152, 0)
        assert rgb_of(point.style.bgcolor) == (100, 100, 100)
        assert half_block_text(colours, {(1, 2): (255, 152, 0)}).plain == "▀▀▀\n▀▀●"

    def test_confident_pixel_takes_its_class_colour_at_heat_strength(self) -> None:
        probabilities = np.array([[[0.0, 1.0, 0.0], [1 / 3, 1 / 3, 1 / 3]]])
        colours = classification_rgb(probabilities, background=(10, 20, 30))
        expected = np.rint(
            np.array((10, 20, 30)) + HEAT_STRENGTH * (np.array(CLASS_COLORS[1]) - (10, 20, 30))
        )
        assert colours[0, 0].tolist() == expected.tolist()
        assert colours[0, 1].tolist() == [10, 20, 30]  # a tie fades to the background

    def test_confidence_shades_between_background_and_class_colour(self) -> None:
        probabilities = np.array([[[0.9, 0.1], [0.6, 0.4]]])
        colours = classification_rgb(probabilities, background=(0, 0, 0)).astype(int)
        assert np.all(colours[0, 0] >= colours[0, 1])
        assert colours[0, 0].sum() > colours[0, 1].sum()

    def test_single_channel_is_the_probability_of_class_one(self) -> None:
        colours = classification_rgb(np.array([[[0.0], [1.0]]]), strength=1.0)
        assert tuple(colours[0, 0]) == CLASS_COLORS[0]
        assert tuple(colours[0, 1]) == CLASS_COLORS[1]

    def test_non_finite_pixels_take_the_background(self) -> None:
        probabilities = np.array([[[math.nan, 0.5], [1.0, 0.0]]])
        colours = classification_rgb(probabilities, background=(7, 8, 9))
        assert colours[0, 0].tolist() == [7, 8, 9]
        values = regression_rgb(np.array([[math.inf, 1.0]]), background=(7, 8, 9))
        assert values[0, 0].tolist() == [7, 8, 9]

    def test_classification_grid_needs_three_dimensions(self) -> None:
        with pytest.raises(ValueError, match=r"\(rows, cols, n_classes\)"):
            classification_rgb(np.zeros((2, 2)))

    def test_diverging_scale_is_blue_below_white_at_and_red_above_zero(self) -> None:
        scale = DivergingScale.for_values(np.array([-2.0, 1.0]))
        assert scale.centre == 0.0
        assert scale.half_range == 2.0
        low, middle, high = scale.rgb(np.array([-2.0, 0.0, 2.0]))
        assert low[2] > low[0]  # blue
        assert middle.tolist() == list(NEUTRAL_COLOR)
        assert high[0] > high[2]  # red

    def test_diverging_scale_centres_on_the_data_when_it_does_not_straddle_zero(self) -> None:
        scale = DivergingScale.for_values(np.array([10.0, 20.0, math.nan]))
        assert scale.centre == 15.0
        assert scale.half_range == 5.0

    def test_regression_grid_needs_two_dimensions(self) -> None:
        assert regression_rgb(np.zeros((2, 3, 1))).shape == (2, 3, 3)
        with pytest.raises(ValueError, match=r"\(rows, cols\)"):
            regression_rgb(np.zeros((2, 3, 2)))

    def test_grid_points_start_at_the_top_left_pixel_centre(self) -> None:
        points = grid_points((0.0, 4.0, 0.0, 2.0), rows=2, cols=4)
        assert points.shape == (8, 2)
        assert points[0].tolist() == [0.5, 1.5]  # row 0 is the top of the plane
        assert points[-1].tolist() == [3.5, 0.5]

    def test_points_map_back_to_the_pixel_they_were_generated_for(self) -> None:
        extent = (-1.5, 2.0, -3.0, 1.0)
        rows, cols = 6, 5
        pixel_rows, pixel_cols, inside = pixels_of_points(
            grid_points(extent, rows, cols), extent, rows, cols
        )
        assert inside.all()
        expected_rows, expected_cols = np.divmod(np.arange(rows * cols), cols)
        assert pixel_rows.tolist() == expected_rows.tolist()
        assert pixel_cols.tolist() == expected_cols.tolist()

    def test_points_outside_the_extent_are_flagged(self) -> None:
        _, _, inside = pixels_of_points(
            np.array([[5.0, 0.0], [0.0, 0.0], [math.nan, 0.0]]), (-1, 1, -1, 1), 4, 4
        )
        assert inside.tolist() == [False, True, False]

    def test_bad_extents_are_rejected_with_a_message(self) -> None:
        with pytest.raises(ValueError, match="x_min < x_max"):
            check_extent((1.0, 0.0, 0.0, 1.0))
        with pytest.raises(ValueError, match="four numbers"):
            check_extent((0.0, 1.0))
        with pytest.raises(ValueError, match="finite"):
            check_extent((0.0, math.inf, 0.0, 1.0))

    def test_square_pixel_extent_widens_the_short_side_around_the_centre(self) -> None:
        wide = square_pixel_extent((-1.0, 1.0, -1.0, 1.0), rows=40, cols=80)
        assert wide == (-2.0, 2.0, -1.0, 1.0)
        tall = square_pixel_extent((0.0, 2.0, 0.0, 1.0), rows=40, cols=40)
        assert tall == (0.0, 2.0, -0.5, 1.5)
        x_min, x_max, y_min, y_max = wide
        assert (x_max - x_min) / 80 == pytest.approx((y_max - y_min) / 40)

    def test_resample_nearest_stretches_blocks(self) -> None:
        image = np.array([[[1, 1, 1], [2, 2, 2]]], dtype=np.uint8)
        stretched = resample_nearest(image, 2, 4)
        assert stretched[..., 0].tolist() == [[1, 1, 2, 2], [1, 1, 2, 2]]
        assert resample_nearest(image, 1, 2) is image

    def test_classes_beyond_the_palette_still_get_distinct_colours(self) -> None:
        colours = {class_color(index) for index in range(20)}
        assert len(colours) == 20
