"""Key latency as a person feels it: a real terminal (tmux), a real ``nntui``.

The monitor runs in a detached tmux session (default 120×36). A tab key is
sent (``2``, then ``1``, alternating) and the pane is captured until the other
tab shows; the time from sending the key to the first capture that shows it
is one sample. This includes everything a person waits for: the key reaching
the app through the terminal, the app's answer, its frame written to the
terminal and tmux drawing it.

Keys and captures go through one tmux *control-mode* client (``tmux -C``),
which also reports each burst of the app's output (``%output``): the pane is
captured when output arrives, not by spawning a ``tmux`` process in a tight
loop, which on a 2-core machine would itself take a core from the app
(``--poll`` measures that way, for comparison).

Two states are measured:

- ``training``: the default network (``config.yaml``-free packaged default,
  ``--epochs 100000``) trains throughout;
- ``idle``: a run of 3 epochs has finished.

Usage::

    python benchmarks/bench_keys_tmux.py [--presses 40] [--size 120x36] [--state both]
    python benchmarks/bench_keys_tmux.py --config spiral.yaml   # e.g. the playground

Prints p50/p95/max per state. Run it on a quiet machine, or interleave A/B runs.
"""

from __future__ import annotations

import argparse
import os
import select
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

#: Text on screen only while the Monitor tab shows (a panel title).
MONITOR_MARK = "Gradients & diagnostics"
#: Longest wait for one key's answer before the sample counts as lost.
KEY_TIMEOUT_S = 5.0


def tmux(*args: str) -> str:
    """Run one tmux command; its stdout."""
    done = subprocess.run(["tmux", *args], capture_output=True, text=True, check=False)
    return done.stdout


def capture(session: str) -> str:
    """The pane's text as shown now."""
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, shown: Callable[[str], bool], timeout: float) -> float | None:
    """Poll the pane until ``shown(text)``; the seconds it took, or None on timeout."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if shown(capture(session)):
            return time.perf_counter() - start
    return None


def percentile(samples: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``samples``."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class ControlClient:
    """One ``tmux -C`` client of a session: send commands, read replies and output events."""

    def __init__(self, session: str) -> None:
        self.process = subprocess.Popen(
            ["tmux", "-C", "attach", "-t", session, "-f", "ignore-size,read-only"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self._buffer = b""
        self.output_seen = False

    def _line(self, timeout: float) -> str | None:
        assert self.process.stdout is not None
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([self.process.stdout], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        text = line.decode("utf-8", "replace")
        if text.startswith("%output"):
            self.output_seen = True
        return text

    def command(self, command: str) -> list[str]:
        """Run a tmux command; the lines of its reply."""
        assert self.process.stdin is not None
        self.process.stdin.write(command.encode() + b"\n")
        reply: list[str] = []
        inside = False
        while True:
            line = self._line(KEY_TIMEOUT_S)
            if line is None:
                return reply
            if line.startswith("%begin"):
                inside, reply = True, []
            elif line.startswith(("%end", "%error")) and inside:
                return reply
            elif inside:
                reply.append(line)

    def wait_output(self, timeout: float) -> None:
        """Block until the app writes something (or ``timeout``)."""
        if self.output_seen:
            self.output_seen = False
            return
        deadline = time.perf_counter() + timeout
        while not self.output_seen and time.perf_counter() < deadline:
            self._line(max(0.0, deadline - time.perf_counter()))
        self.output_seen = False

    def close(self) -> None:
        """Detach."""
        self.process.kill()
        self.process.wait()


def measure_tabs_control(session: str, presses: int) -> tuple[list[float], int]:
    """As :func:`measure_tabs`, through a control-mode client (no process per capture)."""
    client = ControlClient(session)
    samples: list[float] = []
    lost = 0
    try:
        client.command("display-message -p ok")
        for index in range(presses):
            to_curves = index % 2 == 0
            key = "2" if to_curves else "1"
            client.output_seen = False
            sent = time.perf_counter()
            client.command(f"send-keys -t {session} {key}")
            while True:
                text = "\n".join(client.command(f"capture-pane -p -t {session}"))
                if (MONITOR_MARK in text) != to_curves:
                    samples.append((time.perf_counter() - sent) * 1000)
                    break
                if time.perf_counter() - sent > KEY_TIMEOUT_S:
                    lost += 1
                    break
                client.wait_output(0.05)
            time.sleep(0.05 + 0.05 * (index % 3))
    finally:
        client.close()
    return samples, lost


def start_app(
    session: str,
    folder: Path,
    nntui_args: list[str],
    size: tuple[int, int],
    pythonpath: str,
    app_env: list[str] = (),  # type: ignore[assignment]
) -> None:
    """Start ``nntui`` in a detached session of ``size`` columns × rows, in ``folder``."""
    command = " ".join(shlex.quote(part) for part in [sys.executable, "-m", "nntui", *nntui_args])
    env = "env -u CI TERM=xterm-256color COLORTERM=truecolor"
    if pythonpath:
        env += f" PYTHONPATH={shlex.quote(pythonpath)}"
    for setting in app_env:
        env += f" {shlex.quote(setting)}"
    tmux(
        "new-session", "-d", "-s", session, "-x", str(size[0]), "-y", str(size[1]),
        "-c", str(folder), f"{env} {command}",
    )  # fmt: skip


def measure_tabs(session: str, presses: int) -> tuple[list[float], int]:
    """Press ``2`` / ``1`` alternately; each latency in ms and how many were lost."""
    samples: list[float] = []
    lost = 0
    for index in range(presses):
        to_curves = index % 2 == 0
        key = "2" if to_curves else "1"

        def shown(text: str, to_curves: bool = to_curves) -> bool:
            return (MONITOR_MARK in text) != to_curves

        sent = time.perf_counter()
        tmux("send-keys", "-t", session, key)
        took = wait_for(session, shown, KEY_TIMEOUT_S)
        if took is None:
            lost += 1
            # Put the app back in a known state before the next press.
            wait_for(session, shown, KEY_TIMEOUT_S)
        else:
            samples.append((time.perf_counter() - sent) * 1000)
        time.sleep(0.05 + 0.05 * (index % 3))  # a person's rhythm, not in step with redraws
    return samples, lost


def run_state(state: str, args: argparse.Namespace) -> tuple[list[float], int]:
    """Start the app for ``state``, wait until it is there, measure, quit."""
    session = f"nntui-bench-{uuid.uuid4().hex[:8]}"
    extra = list(args.nntui_args)
    if args.config:
        extra += ["--config", str(Path(args.config).resolve())]
    extra += ["--epochs", "100000" if state == "training" else "3"]
    with tempfile.TemporaryDirectory(prefix="nntui-keys-") as folder:
        start_app(session, Path(folder), extra, args.size, args.pythonpath, args.env)
        try:
            ready = "RUNNING" if state == "training" else "FINISHED"
            if wait_for(session, lambda text: ready in text and MONITOR_MARK in text, 60) is None:
                raise TimeoutError(f"nntui did not reach {ready}:\n{capture(session)}")
            time.sleep(args.warmup)
            if args.poll:
                return measure_tabs(session, args.presses)
            return measure_tabs_control(session, args.presses)
        finally:
            tmux("send-keys", "-t", session, "q")
            time.sleep(0.5)
            tmux("kill-session", "-t", session)


def report(state: str, samples: list[float], lost: int) -> str:
    """``training  p50 …  p95 …  max … ms (n=40, lost 0)``."""
    if not samples:
        return f"{state:9} no samples (lost {lost})"
    return (
        f"{state:9} p50 {statistics.median(samples):6.1f}  p95 {percentile(samples, 0.95):6.1f}"
        f"  max {max(samples):6.1f} ms  (n={len(samples)}, lost {lost})"
    )


def main() -> int:
    """Measure the states asked for and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--size", default="120x36")
    parser.add_argument("--state", choices=("training", "idle", "both"), default="both")
    parser.add_argument("--config", default=None, help="a config file (default: the packaged one)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before the first key")
    parser.add_argument(
        "--pythonpath", default="", help="import nntui from here (A/B of two source trees)"
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set this in the app's environment (repeatable), e.g. TEXTUAL_ANIMATIONS=none",
    )
    parser.add_argument(
        "--poll", action="store_true", help="capture by spawning tmux in a loop (heavier)"
    )
    parser.add_argument("nntui_args", nargs="*", help="more nntui arguments (after --)")
    args = parser.parse_args()
    columns, rows = (int(part) for part in args.size.split("x"))
    args.size = (columns, rows)
    os.environ.pop("TMUX", None)
    states = ("training", "idle") if args.state == "both" else (args.state,)
    for state in states:
        samples, lost = run_state(state, args)
        print(report(state, samples, lost), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
