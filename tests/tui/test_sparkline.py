"""Our sparkline renderable draws the same bars as Textual's, with fewer segments."""

from __future__ import annotations

import random

import pytest
from rich.color import Color
from rich.console import Console
from rich.segment import Segment
from textual.renderables.sparkline import Sparkline as TextualSparkline

from nntui.tui.widgets.sparkline import SparklineRenderable

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


def test_empty_single_and_flat_series_render_like_textual() -> None:
    for data in ([], [1.0], [2.0, 2.0, 2.0]):
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
