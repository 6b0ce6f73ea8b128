"""Do the inside-the-network views slow training? App throughput with every measurement on.

The default config is trained headless and in the app, alternating H T H T … H,
as in ``bench_tui.py``; in the app the distributions, the validation confusion
matrix and the neuron maps are all switched on for the whole run (more than
any one tab asks for). Each app run's samples/s is divided by the mean of the
headless runs either side; the median ratio is the figure (target ≥ 0.9×).
Also the cost of one distributions measurement, as a share of an epoch.

Usage::

    python benchmarks/bench_inside.py [--repeats 3] [--planar]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_tui
from bench_tui import PLANAR, headless_samples_per_s, tui_samples_per_s

from nntui.config import Config, default_config, with_overrides
from nntui.training import distributions
from nntui.training.on_demand import Demand
from nntui.training.runner import NetworkRunner
from nntui.tui import inside


class EverythingOn(inside.InsideDemands):
    """Every measurement on from the start, whatever tab shows."""

    def follow_tab(self, tab: str) -> None:
        for demand in (self.distributions, self.class_quality, self.neuron_maps):
            demand.set_enabled(True)

    def __init__(self, **kwargs: float) -> None:
        super().__init__(**kwargs)
        self.follow_tab("")


def measure_share(config: Config) -> tuple[float, float]:
    """(ms per distributions measurement, its share of an epoch), measuring every epoch."""
    times: list[float] = []
    original = distributions.measure_layers

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            times.append(time.perf_counter() - start)

    from threadpoolctl import threadpool_limits

    distributions.measure_layers = timed  # type: ignore[assignment]
    try:
        runner = NetworkRunner(
            config, hooks=[distributions.DistributionsHook(Demand(enabled=True), lambda e: None)]
        )
        with threadpool_limits(limits=1, user_api="blas"):  # as in the app's training thread
            runner.run()
    finally:
        distributions.measure_layers = original  # type: ignore[assignment]
    epoch_s = runner.record.elapsed_s / max(runner.record.epochs_done, 1)
    per = statistics.median(times)
    return per * 1e3, per / epoch_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--planar", action="store_true", help="the 2-D spiral workload")
    args = parser.parse_args()
    overrides = dict(PLANAR) if args.planar else {"training.epochs": 100}
    config = with_overrides(default_config(), {**overrides, "logging.runs_dir": None})
    bench_tui.HEADLESS_BLAS_THREADS[0] = 1  # as the app's training thread runs
    inside.InsideDemands = EverythingOn  # type: ignore[misc]
    import nntui.tui.controller as controller

    controller.InsideDemands = EverythingOn  # type: ignore[misc,attr-defined]
    headless = [headless_samples_per_s(config)]
    ratios = []
    for _ in range(args.repeats):
        app_rate, _ = asyncio.run(tui_samples_per_s(config, (120, 36)))
        headless.append(headless_samples_per_s(config))
        ratios.append(app_rate / statistics.mean(headless[-2:]))
        print(
            f"app {app_rate:,.0f} samples/s · headless {headless[-1]:,.0f} · ratio {ratios[-1]:.3f}"
        )
    print(f"median app/headless with every measurement on: {statistics.median(ratios):.3f}x")
    ms, share = measure_share(config)
    print(f"one distributions measurement: {ms:.2f} ms = {share * 100:.1f}% of an epoch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
