"""Our sparkline renderable draws the same bars as Textual's, with fewer segments."""

from __future__ import annotations

import random

import pytest
from rich.color import Color
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.renderables.sparkline import Sparkline as TextualSparkline

from nntui.tui.widgets.sparkline import AxisSparkline, Marks, Scale, SparklineRenderable

LOW, HIGH = Color.from_rgb(20, 40, 60), Color.from_rgb(200, 220, 240)


def segments(renderable: object, width: int) -> list[Segment]:
    console = Console(width=width, color_system="truecolor", legacy_windows=False)
    return list(console.render(renderable, console.options.update_width(width)))


def plain(parts: list[Segment]) -> str:
    return "".join(segment.text for segment in parts)


@pytest.mark.parametrize("points", [2, 3, 17, 60, 61, 250])
@pytest.mark.parametrize(("width", "height"), [(1, 1), (20, 1), (60, 5), (33, 3)])
def test_same_bars_as_textual(points: int, width: int, height: int) -> None:
    rng = random.Random(points * 1000 + width * 10 + height)
    data = [rng.uniform(-5, 5) for _ in range(points)]
    kwargs = {"width": width, "height": height, "min_color": LOW, "max_color": HIGH}
    theirs = segments(TextualSparkline(data, **kwargs), width)
    ours = segments(SparklineRenderable(data, **kwargs), width)
    assert plain(ours) == plain(theirs)
    assert len(ours) <= len(theirs)


def test_an_empty_series_says_no_data_instead_of_a_zero_baseline() -> None:
    ours = plain(segments(SparklineRenderable([], width=10, height=2), 10))
    assert "no data" in ours
    assert "▁" not in ours


def test_single_and_flat_series_render_like_textual() -> None:
    for data in ([1.0], [2.0, 2.0, 2.0]):
        theirs = plain(segments(TextualSparkline(data, width=10, height=2), 10))
        ours = plain(segments(SparklineRenderable(data, width=10, height=2), 10))
        assert ours == theirs
        assert ours.strip()


def test_colours_follow_the_value() -> None:
    data = [0.0, 1.0]
    parts = segments(SparklineRenderable(data, width=2, height=1, min_color=LOW, max_color=HIGH), 2)
    styled = [part for part in parts if part.text.strip()]
    low_style, high_style = styled[0].style, styled[-1].style
    assert low_style is not None and high_style is not None
    assert low_style.color is not None and high_style.color is not None
    assert low_style.color.get_truecolor() == LOW.get_truecolor()
    assert high_style.color.get_truecolor() == HIGH.get_truecolor()


def test_a_scale_draws_values_where_they_sit_in_its_range() -> None:
    # On [0, 10], 5 is half height, not the top: the range is the scale's, not the data's.
    text = plain(segments(SparklineRenderable([5.0, 5.0], width=2, scale=Scale(0.0, 10.0)), 2))
    assert text == "▄▄"


def test_a_log_scale_shows_a_loss_that_keeps_falling() -> None:
    data = [10.0, 1.0, 0.1, 0.01]
    linear = plain(segments(SparklineRenderable(data, width=4), 4))
    log = plain(segments(SparklineRenderable(data, width=4, scale=Scale.of(data, log=True)), 4))
    assert linear[1:] == "▁▁▁"  # the first epoch dominates: the rest is one flat floor
    assert len(set(log)) == 4  # each decade has its own height


def test_the_best_column_and_the_rise_after_it_are_marked() -> None:
    best, after = Style(color="blue"), Style(color="red")
    data = [1.0, 0.5, 0.4, 0.6, 0.7]
    spark = SparklineRenderable(data, width=5, marks=Marks(2, best, after))
    by_style = {part.style: part.text for part in segments(spark, 5)}
    assert len(by_style[best]) == 1  # the best epoch's column
    assert len(by_style[after]) == 2  # the two epochs after it, where val loss rose


def test_the_axis_labels_name_the_range_drawn() -> None:
    spark = SparklineRenderable(
        [0.1, 1.0, 0.5], width=30, height=3, scale=Scale(0.1, 1.0, log=True)
    )
    lines = plain(segments(AxisSparkline(spark), 30)).splitlines()
    assert lines[0].startswith("  1 ")
    assert lines[1].startswith("log ")
    assert lines[2].startswith("0.1 ")
    one_line = SparklineRenderable([0.1, 1.0], width=30, height=1, scale=Scale(0.1, 1.0))
    assert plain(segments(AxisSparkline(one_line), 30)).endswith(" 0.1–1")
