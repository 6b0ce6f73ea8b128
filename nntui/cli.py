"""The ``nntui`` command: parse arguments, load the config, pick a face.

``nntui`` opens the Textual monitor; ``nntui --headless`` trains in the
terminal or CI (see :mod:`nntui.headless`). Module-level imports stay light and
Textual is imported only when the monitor is asked for, so the headless
command starts fast and works where Textual cannot draw.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from typing import Any

from nntui._version import __version__

TASKS = ("classification", "regression")
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_HEADLESS_ONLY = (("output", "--output"), ("quiet", "--quiet"), ("expect", "--expect"))

_EPILOG = """\
exit codes: 0 success, 1 the run failed (diverged), 2 usage or config error,
3 an --expect failed, 130 interrupted (Ctrl+C).

examples:
  nntui                                        watch a network learn
  nntui --headless --task regression --epochs 20
  nntui --headless --output results.json --expect "val_accuracy>=0.9"
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``nntui`` command."""
    parser = argparse.ArgumentParser(
        prog="nntui",
        description="Train a NumPy neural network and watch it learn (or run it headless for CI).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--headless", action="store_true", help="train without the monitor; print progress"
    )
    parser.add_argument(
        "--task",
        choices=TASKS,
        default="classification",
        help="what to learn (default: %(default)s)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config YAML (default: ./config.yaml if present, else the packaged default)",
    )
    parser.add_argument(
        "--output", metavar="PATH", help="write the results JSON here (headless only)"
    )
    parser.add_argument(
        "--epochs", type=int, metavar="N", help="override training.epochs for this run"
    )
    parser.add_argument("--seed", type=int, metavar="N", help="override data.random_seed")
    parser.add_argument(
        "--quiet", action="store_true", help="print only the final summary and errors (headless)"
    )
    parser.add_argument(
        "--expect",
        action="append",
        default=[],
        metavar="EXPR",
        help="a gate like 'val_accuracy>=0.9' (repeatable; exit 3 when it fails; headless)",
    )
    parser.add_argument("--version", action="version", version=f"nntui {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``nntui`` command.

    Args:
        argv: the arguments (without the program name); ``sys.argv[1:]`` when ``None``.

    Returns:
        The exit code: 0 success, 1 run failed, 2 usage or config error,
        3 expectation failed, 130 interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # --help, --version, usage errors
        return _exit_code(exit_request)
    try:
        return _run(parser, args)
    except SystemExit as exit_request:
        return _exit_code(exit_request)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _exit_code(exit_request: SystemExit) -> int:
    code = exit_request.code
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not args.headless:
        used = [flag for name, flag in _HEADLESS_ONLY if getattr(args, name)]
        if used:
            parser.error(f"{', '.join(used)}: only with --headless")

    from nntui.expectations import ExpectationError, metric_names, parse_expectation

    try:
        expectations = [parse_expectation(text, metric_names(args.task)) for text in args.expect]
    except ExpectationError as exc:
        parser.error(str(exc))

    from nntui.config import ConfigError, load_config, with_overrides

    try:
        loaded = load_config(args.config)
        overrides = _overrides(args)
        if overrides:
            loaded = dataclasses.replace(loaded, data=with_overrides(loaded.data, overrides))
    except ConfigError as exc:
        for line in str(exc).splitlines():
            print(line, file=sys.stderr)
        return EXIT_USAGE

    if not args.headless:
        from nntui.tui.app import run_app

        return run_app(loaded, task=args.task)

    from nntui.headless import run_headless

    return run_headless(
        loaded.data,
        args.task,
        output=args.output,
        quiet=args.quiet,
        expectations=expectations,
    )


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if args.epochs is not None:
        overrides["training.epochs"] = args.epochs
    if args.seed is not None:
        overrides["data.random_seed"] = args.seed
    return overrides


if __name__ == "__main__":
    sys.exit(main())
