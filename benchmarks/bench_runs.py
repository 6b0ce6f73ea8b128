"""Run store benchmarks: what recording costs a run, and how fast ``nntui runs list`` answers.

    python benchmarks/bench_runs.py overhead [--rounds 5] [--epochs 100]
    python benchmarks/bench_runs.py list [--runs 1000]
    python benchmarks/bench_runs.py size

``overhead``: the default config trained headless in this process, recording
off and on in interleaved rounds (the machine's load drifts; interleaving
spreads it over both), reporting the median samples/s and wall time of each
and the recorder's own time per epoch (measured around its calls).
``list``: a store of N runs (copies of one recorded tiny run, a few of them
crashed or damaged) listed in-process and by ``nntui runs list`` (a new
process: Python start-up included). ``size``: the folder of one default
100-epoch run.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nntui.config import default_config, with_overrides
from nntui.headless import run_headless
from nntui.runs import recorder as recorder_module
from nntui.runs.folder import SUMMARY
from nntui.runs.store import RunStore


def _run(runs_dir: str | None, epochs: int, output: Path) -> dict[str, Any]:
    config = with_overrides(
        default_config(),
        {
            "training.epochs": epochs,
            "logging.runs_dir": runs_dir,
            "logging.file": str(output.parent / "log"),
        },
    )
    started = time.perf_counter()
    code = run_headless(
        config, output=output, quiet=True, stdout=io.StringIO(), stderr=io.StringIO()
    )
    wall = time.perf_counter() - started
    results = json.loads(output.read_text())
    assert code == 0, code
    return {"samples_per_s": results["samples_per_s"], "wall_s": wall}


def overhead(rounds: int, epochs: int) -> None:
    """Recording off vs on, interleaved; and the recorder's own time per epoch."""
    spent: list[float] = []
    calls = [0]
    original = recorder_module.RunRecorder.__call__

    def timed(self: Any, event: Any) -> None:
        start = time.perf_counter()
        original(self, event)
        spent.append(time.perf_counter() - start)
        calls[0] += 1

    recorder_module.RunRecorder.__call__ = timed  # type: ignore[method-assign]
    off: list[dict[str, Any]] = []
    on: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _run(None, 5, root / "warm.json")
        for number in range(rounds):
            pair = [(off, None), (on, str(root / "runs"))]
            for results, runs_dir in pair if number % 2 == 0 else reversed(pair):
                results.append(_run(runs_dir, epochs, root / f"r{number}.json"))
    for name, key in (("samples/s", "samples_per_s"), ("wall s", "wall_s")):
        a = statistics.median(r[key] for r in off)
        b = statistics.median(r[key] for r in on)
        print(f"{name:10} off {a:10.3f}  on {b:10.3f}  change {100 * (b - a) / a:+.2f} %")
    per_epoch = [s for s in spent[: epochs + 2]]
    print(
        f"recorder: {calls[0]} calls, median {1e6 * statistics.median(spent):.0f} µs per event, "
        f"max {1e3 * max(spent):.1f} ms (the end: results, model, checkpoint, summary); "
        f"first run's events {1e3 * sum(per_epoch):.1f} ms in all"
    )


def listing(count: int) -> None:
    """List a store of ``count`` runs, in-process and with a new ``nntui runs list`` process."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "runs"
        config = with_overrides(
            default_config(),
            {"training.epochs": 3, "data.n_samples": 200, "logging.runs_dir": str(root)},
        )
        run_headless(config, quiet=True, stdout=io.StringIO(), stderr=io.StringIO())
        (template,) = RunStore(root).folders()
        for number in range(1, count):
            copy = root / f"{template.name}-{number + 1}"
            shutil.copytree(template, copy)
            if number % 100 == 0:
                (copy / SUMMARY).write_text(
                    '{"format": "nntui-run", "status": "running", "started": "x"}'
                )
            if number % 250 == 0:
                (copy / SUMMARY).write_text("{torn")
        started = time.perf_counter()
        runs = RunStore(root).summaries()
        inside = time.perf_counter() - started
        command = [sys.executable, "-m", "nntui", "runs", "--runs-dir", str(root), "list"]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        outside = time.perf_counter() - started
        statuses = sorted({run.status for run in runs})
        print(f"{len(runs)} runs ({', '.join(statuses)}): in-process {1e3 * inside:.0f} ms")
        print(
            f"nntui runs list (new process): {1e3 * outside:.0f} ms, "
            f"{len(done.stdout.splitlines())} lines"
        )


def size() -> None:
    """The folder of one default 100-epoch run."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _run(str(root / "runs"), 100, root / "r.json")
        (run,) = RunStore(root / "runs").folders()
        files = {path.name: path.stat().st_size for path in run.iterdir()}
        print(f"{run.name}: {sum(files.values()) / 1024:.0f} KiB in all")
        for name, bytes_ in sorted(files.items()):
            print(f"  {name:16} {bytes_ / 1024:8.1f} KiB")


def main() -> None:
    """Parse the command line and run one benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    cost = commands.add_parser("overhead")
    cost.add_argument("--rounds", type=int, default=5)
    cost.add_argument("--epochs", type=int, default=100)
    lister = commands.add_parser("list")
    lister.add_argument("--runs", type=int, default=1000)
    commands.add_parser("size")
    args = parser.parse_args()
    if args.command == "overhead":
        overhead(args.rounds, args.epochs)
    elif args.command == "list":
        listing(args.runs)
    else:
        size()


if __name__ == "__main__":
    main()
