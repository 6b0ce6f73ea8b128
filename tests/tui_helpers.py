"""Helpers shared by the monitor's Pilot tests (tests/tui/) and its tools (benchmarks, docs).

Two ways to put a run on screen:

- live: ``NNTuiApp(config)`` trains in a worker thread, as a user sees it;
- from a fixed event stream (``tests/event_streams.py``): :func:`show_run`
  hands the events to the app as the bridge would, with no thread and no
  training, so what is drawn is the same on every machine (snapshot tests).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Footer, Static

from nntui.training.boundary import (
    MAX_STRETCH,
    BoundaryComputed,
    plane_extent,
    square_pixel_extent,
)
from nntui.training.events import RunEvent, RunStarted
from nntui.tui.app import NNTuiApp
from nntui.tui.messages import BoundaryReady, RunEventsPosted
from nntui.tui.widgets.boundary import DecisionBoundary
from nntui.tui.widgets.config_editor import ConfigEditor

SIZE = (120, 36)
#: Epochs of a run that must still be training when the test acts on it.
LONG = 1_000_000
#: Generous: the box running the tests may be busy; a pass never waits this long.
DEADLINE_S = 30.0


def finished(app: NNTuiApp) -> bool:
    """True once the app's current run has ended, however it ended."""
    record = app.controller.record
    return record is not None and record.phase.is_final


def epochs_done(app: NNTuiApp) -> int:
    """Epochs the app has shown of its current run."""
    record = app.controller.record
    return 0 if record is None else record.epochs_done


def notes(app: NNTuiApp) -> list[str]:
    """The messages of the notifications the app showed."""
    return [notification.message for notification in app._notifications]


def static_text(widget: Static) -> str:
    """What a Static (or Label) shows, as plain text (rendered when it holds a Rich renderable)."""
    content = widget.content
    if isinstance(content, str):
        return content
    if isinstance(content, (Text, Content)):
        return content.plain
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(content)
    return capture.get()


async def wait_for(
    pilot: Pilot[Any], predicate: Callable[[], bool], what: str, timeout: float = DEADLINE_S
) -> None:
    """Let the app run until ``predicate()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        await pilot.pause(0.01)


def footer_actions(app: NNTuiApp) -> list[str]:
    """The actions the footer shows now (it recomposes after a refresh when keys change)."""
    footer = app.screen.query_one(Footer)
    return [str(getattr(child, "action", "")) for child in footer.children]


async def until_footer_shows(pilot: Pilot[Any], action: str) -> None:
    """Wait until the footer offers ``action`` (e.g. after focus or the tab changed)."""
    app = pilot.app
    assert isinstance(app, NNTuiApp)
    await wait_for(pilot, lambda: action in footer_actions(app), f"the footer to show {action}")


async def until_ready(pilot: Pilot[Any]) -> None:
    """Wait until the monitor screen is built (``App.run``'s autopilot may start before)."""
    app = pilot.app
    assert isinstance(app, NNTuiApp)
    await wait_for(pilot, lambda: bool(app.monitor.query(ConfigEditor)), "the monitor screen")
    await pilot.pause()


async def show_run(pilot: Pilot[Any], events: Sequence[RunEvent]) -> int:
    """Put a run made of ``events`` on the app's screen, as the bridge would; no thread.

    Returns:
        The run's id (for :func:`show_grid`).
    """
    app = pilot.app
    assert isinstance(app, NNTuiApp)
    await until_ready(pilot)
    started = next(event for event in events if isinstance(event, RunStarted))
    app.config = started.config
    run_id = app.controller.begin(started.config)
    app.monitor.new_run()
    app.post_message(RunEventsPosted(run_id, tuple(events)))
    await pilot.pause()
    return run_id


def made_up_grid(rows: int, cols: int, *, epoch: int, classes: int = 3) -> BoundaryComputed:
    """A decision-boundary grid from a formula (three spiral arms), not from a network.

    Elementwise maths only, rounded, so it is the same on every machine.
    """
    points = np.array([[0.5 * np.cos(t), 0.5 * np.sin(t)] for t in np.linspace(0, 6, 12)])
    labels = np.arange(12, dtype=np.float64) % classes
    predicted = labels.copy()
    predicted[4] = (labels[4] + 1) % classes  # one test point the network gets wrong
    train = np.array([[0.85 * np.cos(t), 0.85 * np.sin(t)] for t in np.linspace(0, 6, 18)])
    train_labels = np.arange(18, dtype=np.float64) % classes
    # The plane frames the points, as the training thread's producer does.
    framed = plane_extent(None, np.round(points, 3), np.round(train, 3))
    assert framed is not None
    shown = square_pixel_extent(framed, rows, cols, max_stretch=MAX_STRETCH)
    x_min, x_max, y_min, y_max = (round(v, 6) for v in shown)
    extent = (x_min, x_max, y_min, y_max)
    xs = np.linspace(extent[0], extent[1], cols)
    ys = np.linspace(extent[3], extent[2], rows)
    x, y = np.meshgrid(xs, ys)
    angle = np.arctan2(y, x) - 3.0 * np.hypot(x, y)
    scores = np.stack([np.cos(angle - 2 * np.pi * k / classes) for k in range(classes)], axis=-1)
    probabilities = np.exp(3 * scores) / np.exp(3 * scores).sum(axis=-1, keepdims=True)
    return BoundaryComputed(
        predicted=predicted,
        train_points=np.round(train, 3),
        train_labels=train_labels,
        train_predicted=train_labels,
        epoch=epoch,
        rows=rows,
        cols=cols,
        extent=extent,
        kind="classification",
        values=np.round(probabilities, 3),
        points=np.round(points, 3),
        labels=labels,
        final=True,
    )


async def show_grid(pilot: Pilot[Any], run_id: int, epoch: int) -> BoundaryComputed:
    """Show a :func:`made_up_grid` at the boundary panel's size, as the training thread would."""
    app = pilot.app
    boundary = app.query_one(DecisionBoundary)
    await wait_for(pilot, lambda: all(boundary.grid_shape()), "the boundary panel's size")
    grid = made_up_grid(*boundary.grid_shape(), epoch=epoch)
    app.post_message(BoundaryReady(run_id, grid))
    await pilot.pause()
    return grid


async def curves_shown(pilot: Pilot[Any]) -> None:
    """Wait until the Curves tab is on screen with its plots drawn (after pressing ``2``)."""
    app = pilot.app
    assert isinstance(app, NNTuiApp)
    from nntui.tui.widgets.learning_curves import LearningCurves

    def shown() -> bool:
        found = app.query(LearningCurves)
        return (
            app.monitor.active_tab == "curves-tab" and bool(found) and found.first().region.area > 0
        )

    await wait_for(pilot, shown, "the Curves tab")
    await pilot.pause()
