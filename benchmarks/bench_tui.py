"""Does watching slow learning? The monitor's cost, measured.

1. Throughput: the default config trained headless (``NetworkRunner.run()``)
   and in the app (``App.run_test()``, until ``RunFinished``), alternating
   H T H T … H; each TUI run's samples/s (as the runner measured it) is divided
   by the mean of the headless runs either side, and the median of those
   ratios is the figure (target ≥ 0.9×). The same for a 5× longer run.
2. Key latency while training (then again with the run finished): a long run
   of the default network; the help screen is opened (``f1``) and closed
   (``escape``) many times, and the
   Curves and Monitor tabs are switched (``2``, ``1``) as often; each key is
   timed from the moment it reaches the app until the first frame that shows
   the new screen or tab has been composited (target p95 < 100 ms).
3. The playground: both again on a 2-D spiral config, where the decision
   boundary is computed in the training thread (~5 grids a second) and drawn
   live — it must not slow training noticeably either.

Usage::

    python benchmarks/bench_tui.py [--repeats 5] [--presses 40] [--size 120x36]
    python benchmarks/bench_tui.py --only planar   # just the 2-D workload
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

if not os.environ.get("PYTHONPATH"):  # PYTHONPATH set: compare another source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events

from nntui.config import Config, default_config, with_overrides
from nntui.training.runner import NetworkRunner
from nntui.tui.actions import CURVES_TAB, MONITOR_TAB
from nntui.tui.app import NNTuiApp
from nntui.tui.widgets.curves import CurvePlot
from nntui.tui.widgets.help import HelpScreen

DEADLINE_S = 300.0
#: The README's spiral settings: a 2-input network, so the boundary panel is live.
PLANAR = {
    "data.source": "spiral",
    "data.n_samples": 1000,
    "data.noise": 0.1,
    "network.hidden_layers": [32, 32],
    "network.hidden_activations": ["tanh", "tanh"],
    "training.optimizer": "adam",
    "training.learning_rate": 0.01,
    "training.epochs": 300,
}


def planar_config() -> Config:
    """The 2-D workload (its task comes from the data: classification)."""
    return with_overrides(default_config(), PLANAR)


#: BLAS threads for the headless runs (``None``: BLAS's own choice); see ``--headless-blas``.
HEADLESS_BLAS_THREADS: list[int | None] = [None]


def headless_samples_per_s(config: Config) -> float:
    """Samples/s of a plain runner, no face at all."""
    threads = HEADLESS_BLAS_THREADS[0]
    if threads is None:
        return float(NetworkRunner(config).run()["samples_per_s"])
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="blas"):
        return float(NetworkRunner(config).run()["samples_per_s"])


def run_over(app: NNTuiApp) -> bool:
    """True once the app's current run has ended."""
    record = app.controller.record
    return record is not None and record.phase.is_final


async def tui_samples_per_s(config: Config, size: tuple[int, int]) -> tuple[float, int]:
    """Samples/s of the same run inside the app (as the runner measured it), and grids drawn."""
    app = NNTuiApp(config)
    async with app.run_test(size=size):
        deadline = time.monotonic() + DEADLINE_S
        while not run_over(app):
            if time.monotonic() > deadline:
                raise TimeoutError("the app's run did not finish")
            await asyncio.sleep(0.25)  # the app, not this loop, should use the CPU
        record = app.controller.record
        assert record is not None and record.results is not None
        hook = app.controller.hook
        producer = hook.producer if hook is not None else None
        grids = producer.computed if producer is not None else 0
        return float(record.results["samples_per_s"]), grids


async def _until(predicate: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not answer the key")
        await asyncio.sleep(0.0005)


def _epochs(app: NNTuiApp) -> int:
    record = app.controller.record
    return 0 if record is None else record.epochs_done


def _help_open(app: NNTuiApp) -> bool:
    # Laid out means composited: both happen in one refresh.
    screen = app.screen
    return isinstance(screen, HelpScreen) and any(
        body.region.area for body in screen.query("#help-body")
    )


def _tab_shown(app: NNTuiApp, tab: str) -> bool:
    if app.monitor.active_tab != tab:
        return False
    if tab == CURVES_TAB:
        return any(plot.region.area for plot in app.monitor.query(CurvePlot))
    return app.monitor.query_one("#metrics").region.area > 0


#: Keys timed, each with what shows it was answered: help open/close, then tab 2 and back.
KEYS: dict[str, tuple[tuple[str, Callable[[NNTuiApp], bool]], ...]] = {
    "help (f1 / escape)": (
        ("f1", _help_open),
        ("escape", lambda app: not isinstance(app.screen, HelpScreen)),
    ),
    "tabs (2 / 1)": (
        ("2", lambda app: _tab_shown(app, CURVES_TAB)),
        ("1", lambda app: _tab_shown(app, MONITOR_TAB)),
    ),
}


class FrameClock:
    """When the app first puts on screen a frame that shows a key's answer.

    Each frame the app composites goes through ``App._display`` (called in a
    headless test too, which then writes nothing). A key counts as answered at
    the first frame composited while ``answered(app)`` holds, so a change made
    but not yet drawn (a screen pushed, a tab switched) is not counted early.
    """

    def __init__(self, app: NNTuiApp) -> None:
        self.app = app
        self.answered: Callable[[NNTuiApp], bool] | None = None
        self.shown_at: float | None = None
        display = app._display

        def timed_display(screen: object, renderable: object) -> None:
            display(screen, renderable)  # type: ignore[arg-type]
            waiting = self.answered
            if renderable is not None and waiting is not None and waiting(app):
                self.shown_at = time.perf_counter()
                self.answered = None

        setattr(app, "_display", timed_display)  # noqa: B010

    async def press(self, key: str, answered: Callable[[NNTuiApp], bool]) -> float:
        """Send ``key``; milliseconds until a frame shows ``answered``."""
        self.shown_at = None
        self.answered = answered
        started = time.perf_counter()
        self.app.post_message(events.Key(key, None))
        await _until(lambda: self.shown_at is not None)
        assert self.shown_at is not None
        return (self.shown_at - started) * 1000


async def key_latencies_ms(
    config: Config, size: tuple[int, int], presses: int, *, training: bool = True
) -> tuple[dict[str, list[float]], int]:
    """Milliseconds from key to the first frame that shows its answer, ``presses`` times per kind.

    ``training``: while a long run trains; else once a 3-epoch run has finished.
    """
    run = with_overrides(config, {"training.epochs": 1_000_000 if training else 3})
    app = NNTuiApp(run)
    latencies: dict[str, list[float]] = {name: [] for name in KEYS}
    async with app.run_test(size=size):
        clock = FrameClock(app)
        if training:
            await _until(lambda: _epochs(app) >= 3)
        else:
            await _until(lambda: run_over(app))
        for _ in range(presses):
            for name, keys in KEYS.items():
                for key, answered in keys:
                    latencies[name].append(await clock.press(key, answered))
                    await asyncio.sleep(0.03)  # let a few batches run between keys
        record = app.controller.record
        assert record is not None and record.phase.is_live == training, "the run's state changed"
        epochs = record.epochs_done
    return latencies, epochs


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=7, help="TUI runs (each between two headless runs)"
    )
    parser.add_argument(
        "--long-epochs",
        type=int,
        default=500,
        help="also compare a longer run of the default network (0: skip)",
    )
    parser.add_argument("--presses", type=int, default=40, help="help open/close and tab 2/1 pairs")
    parser.add_argument("--size", default="120x36", help="terminal size, e.g. 80x24")
    parser.add_argument(
        "--task", default="classification", choices=("classification", "regression")
    )
    parser.add_argument(
        "--only", choices=("default", "planar"), help="run one workload only (default: both)"
    )
    parser.add_argument(
        "--keys-only", action="store_true", help="time keys only (skip the throughput runs)"
    )
    parser.add_argument(
        "--headless-blas",
        type=int,
        default=None,
        help="BLAS threads of the headless runs (the app trains with 1; default: BLAS's choice)",
    )
    parser.add_argument(
        "--no-keys", action="store_true", help="throughput only (skip the key timings)"
    )
    args = parser.parse_args()
    HEADLESS_BLAS_THREADS[0] = args.headless_blas
    width, height = (int(part) for part in args.size.split("x"))
    size = (width, height)
    print(f"terminal {width}×{height}")
    workloads = []
    if args.only in (None, "default"):
        config = with_overrides(default_config(), {"task": args.task})
        epochs = [config.training.epochs, args.long_epochs]
        workloads.append(("default config", config, epochs))
    if args.only in (None, "planar"):
        # 300 epochs of the spiral train in ~0.6 s, so the app's fixed start-up
        # costs weigh in; 1,500 epochs (~3 s) show the steady state.
        epochs = [PLANAR["training.epochs"], 5 * PLANAR["training.epochs"]]
        workloads.append(("spiral 2-D, live boundary", planar_config(), epochs))
    for name, config, epoch_counts in workloads:
        print(f"{name} ({config.task})")
        for epochs in epoch_counts:
            if epochs > 0 and not args.keys_only:
                throughput(with_overrides(config, {"training.epochs": epochs}), size, args)
        if args.no_keys:
            continue
        latencies, trained = asyncio.run(key_latencies_ms(config, size, args.presses))
        print_latencies(latencies, trained, "while training", 100)
        latencies, trained = asyncio.run(
            key_latencies_ms(config, size, args.presses, training=False)
        )
        print_latencies(latencies, trained, "with the run finished", 50)
    return 0


def print_latencies(
    latencies: dict[str, list[float]], trained: int, state: str, target_ms: int
) -> None:
    """p50, p95 and max of each kind of key."""
    count = sum(len(values) for values in latencies.values())
    print(f"  key → redrawn screen {state} ({count} keys, {trained} epochs trained)")
    for name, values in latencies.items():
        print(
            f"    {name:<18} p50 {percentile(values, 0.50):5.1f} ms   "
            f"p95 {percentile(values, 0.95):5.1f} ms   "
            f"max {max(values):5.1f} ms  (target p95 < {target_ms} ms)"
        )


def throughput(run_config: Config, size: tuple[int, int], args: argparse.Namespace) -> None:
    """Print headless and TUI samples/s of ``run_config``, interleaved H T H T … H."""
    # Each TUI run is compared with the headless runs either side of it, so a
    # change in the machine's load between runs cancels out.
    headless = [headless_samples_per_s(run_config)]
    tui: list[float] = []
    grids: list[int] = []
    for _ in range(args.repeats):
        rate, drawn = asyncio.run(tui_samples_per_s(run_config, size))
        tui.append(rate)
        grids.append(drawn)
        headless.append(headless_samples_per_s(run_config))
    paired = [
        t / ((h0 + h1) / 2) for t, h0, h1 in zip(tui, headless[:-1], headless[1:], strict=True)
    ]
    epochs = run_config.training.epochs
    print(f"  {epochs} epochs, {args.repeats} TUI runs between headless runs")
    for name, values in (("headless", headless), ("TUI", tui)):
        runs = ", ".join(f"{value:,.0f}" for value in values)
        median = statistics.median(values)
        print(f"    {name:<8}  samples/s  median {median:>10,.0f}  runs {runs}")
    if any(grids):
        print(f"    boundary grids computed per TUI run: {', '.join(map(str, grids))}")
    print(
        f"    TUI / headless: median of paired ratios {statistics.median(paired):.2f}, "
        f"ratio of medians {statistics.median(tui) / statistics.median(headless):.2f}"
        "  (target ≥ 0.90)"
    )


if __name__ == "__main__":
    sys.exit(main())
