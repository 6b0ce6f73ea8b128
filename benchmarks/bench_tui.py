"""Does watching slow learning? The monitor's cost, measured.

1. Throughput: the default config trained headless (``NetworkRunner.run()``)
   and in the app (``App.run_test()``, until ``RunFinished``), alternating
   H T H T … H; each TUI run's samples/s (as the runner measured it) is divided
   by the mean of the headless runs either side, and the median of those
   ratios is the figure (target ≥ 0.9×). The same for a 5× longer run.
2. Key latency while training: a long run of the default network; the help
   screen is opened (``f1``) and closed (``escape``) many times, and each key
   is timed from the moment it reaches the app until the new screen has been
   laid out and composited (target p95 < 100 ms).
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
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events

from nntui.config import default_config, resolve_task, with_overrides
from nntui.training.runner import NetworkRunner
from nntui.tui.app import NNTuiApp
from nntui.tui.widgets.help import HelpScreen

FINAL = ("finished", "stopped", "diverged", "failed")
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


def planar_config() -> dict[str, Any]:
    """The 2-D workload (its task comes from the data: classification)."""
    return with_overrides(default_config(), PLANAR)


def headless_samples_per_s(config: dict[str, Any], task: str) -> float:
    """Samples/s of a plain runner, no face at all."""
    return float(NetworkRunner(config, task).run()["samples_per_s"])


async def tui_samples_per_s(
    config: dict[str, Any], task: str, size: tuple[int, int]
) -> tuple[float, int]:
    """Samples/s of the same run inside the app (as the runner measured it), and grids drawn."""
    app = NNTuiApp(config, task=task)
    grids: list[int] = []
    async with app.run_test(size=size):
        deadline = time.monotonic() + DEADLINE_S
        while app.state.phase not in FINAL:
            if time.monotonic() > deadline:
                raise TimeoutError("the app's run did not finish")
            await asyncio.sleep(0.01)
        assert app.state.results is not None
        producer = getattr(app.runner, "_producer", None)
        grids.append(producer.computed if producer is not None else 0)
        return float(app.state.results["samples_per_s"]), grids[0]


async def _until(predicate: Any) -> None:
    deadline = time.monotonic() + 10
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not answer the key")
        await asyncio.sleep(0.0005)


async def key_latencies_ms(
    config: dict[str, Any], task: str, size: tuple[int, int], presses: int
) -> tuple[list[float], int]:
    """Milliseconds from key to redrawn screen, ``presses`` times, while training."""
    long_run = with_overrides(config, {"training.epochs": 1_000_000})
    app = NNTuiApp(long_run, task=task)
    latencies: list[float] = []
    async with app.run_test(size=size):
        await _until(lambda: app.state.epoch >= 3)
        for _ in range(presses):
            for key, opened in (("f1", True), ("escape", False)):
                started = time.perf_counter()
                app.post_message(events.Key(key, None))

                def shown(opened: bool = opened) -> bool:
                    screen = app.screen
                    if not opened:
                        return not isinstance(screen, HelpScreen)
                    if not isinstance(screen, HelpScreen):
                        return False
                    # Laid out means composited: both happen in one refresh.
                    return any(body.region.area for body in screen.query("#help-body"))

                await _until(shown)
                latencies.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.03)  # let a few batches run between keys
        epochs = app.state.epoch
        assert app.state.phase == "running", "the run must still be training"
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
    parser.add_argument("--presses", type=int, default=40, help="help open/close pairs")
    parser.add_argument("--size", default="120x36", help="terminal size, e.g. 80x24")
    parser.add_argument(
        "--task", default="classification", choices=("classification", "regression")
    )
    parser.add_argument(
        "--only", choices=("default", "planar"), help="run one workload only (default: both)"
    )
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    size = (width, height)
    print(f"terminal {width}×{height}")
    workloads = []
    if args.only in (None, "default"):
        config = default_config()
        epochs = [int(config["training"]["epochs"]), args.long_epochs]
        workloads.append(("default config", config, args.task, epochs))
    if args.only in (None, "planar"):
        config = planar_config()
        # 300 epochs of the spiral train in ~0.6 s, so the app's fixed start-up
        # costs weigh in; 1,500 epochs (~3 s) show the steady state.
        epochs = [PLANAR["training.epochs"], 5 * PLANAR["training.epochs"]]
        workloads.append(("spiral 2-D, live boundary", config, resolve_task(config), epochs))
    for name, config, task, epoch_counts in workloads:
        print(f"{name} ({task})")
        for epochs in epoch_counts:
            if epochs > 0:
                throughput(with_overrides(config, {"training.epochs": epochs}), task, size, args)
        latencies, trained = asyncio.run(key_latencies_ms(config, task, size, args.presses))
        print(
            f"  key → redrawn screen while training ({len(latencies)} keys, "
            f"{trained} epochs trained)"
        )
        print(
            f"    p50 {percentile(latencies, 0.50):.1f} ms   "
            f"p95 {percentile(latencies, 0.95):.1f} ms   "
            f"max {max(latencies):.1f} ms  (target p95 < 100 ms)"
        )
    return 0


def throughput(
    run_config: dict[str, Any], task: str, size: tuple[int, int], args: argparse.Namespace
) -> None:
    """Print headless and TUI samples/s of ``run_config``, interleaved H T H T … H."""
    # Each TUI run is compared with the headless runs either side of it, so a
    # change in the machine's load between runs cancels out.
    headless = [headless_samples_per_s(run_config, task)]
    tui: list[float] = []
    grids: list[int] = []
    for _ in range(args.repeats):
        rate, drawn = asyncio.run(tui_samples_per_s(run_config, task, size))
        tui.append(rate)
        grids.append(drawn)
        headless.append(headless_samples_per_s(run_config, task))
    paired = [
        t / ((h0 + h1) / 2) for t, h0, h1 in zip(tui, headless[:-1], headless[1:], strict=True)
    ]
    epochs = run_config["training"]["epochs"]
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
