"""The ``nntui`` command: parse arguments, build the config once, pick a face.

``nntui`` opens the Textual monitor; ``nntui --headless`` trains in the
terminal or CI (see :mod:`nntui.headless`); ``nntui predict`` applies a saved
model to a CSV file (see :mod:`nntui.headless.predict`); ``nntui config
schema`` prints the config's JSON Schema for editors. The config is loaded
and validated here, once (file, ``.env``, ``--epochs``/``--seed``, ``--task``),
and the typed :class:`~nntui.config.Config` is handed down. Module-level
imports stay light and Textual is imported only when the monitor is asked
for, so the headless command starts fast and works where Textual cannot draw.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nntui._version import __version__
from nntui.config import TASKS
from nntui.console import discard_stdout, use_ascii_fallbacks
from nntui.exit_codes import ExitCode

if TYPE_CHECKING:
    from nntui.config import Config

_HEADLESS_ONLY = (
    ("output", "--output"),
    ("quiet", "--quiet"),
    ("expect", "--expect"),
    ("save_model", "--save-model"),
    ("metrics_jsonl", "--metrics-jsonl"),
)
STDIN = "-"
PREDICT_COMMAND = "predict"
CONFIG_COMMAND = "config"
RUNS_COMMAND = "runs"

_EPILOG = """\
the task: data.source decides (plane and bump are regression, the others
classification); --task regression also works with synthetic and csv data.

exit codes: 0 success, 1 the run failed (diverged), 2 usage, config or data error
or an output that cannot be written, 3 an --expect failed, 130 interrupted (Ctrl+C),
143 stopped by SIGTERM (results so far are written for 130 and 143).

examples:
  nntui                                        watch a network learn
  nntui --headless --task regression --epochs 20
  nntui --headless --output results.json --expect "val_accuracy>=0.9"
  nntui --headless --save-model model.npz --metrics-jsonl - > metrics.jsonl
  generate-config | nntui --headless --config -      read the config from a pipe
  nntui predict --model model.npz --input data.csv --output predictions.csv
                                               (see nntui predict --help)
  nntui config schema > nntui.schema.json      JSON Schema of config.yaml for editors
  nntui runs                                   the recorded runs, newest first
  nntui --headless --resume ID --epochs 50     continue a recorded run exactly
"""


_USAGE = """nntui [options]              train and watch (or --headless)
       nntui predict [options]      apply a saved model to a CSV file
       nntui config schema          JSON Schema of config.yaml
       nntui runs [COMMAND]         list, compare, export, remove recorded runs"""
_DESCRIPTION = """Train a NumPy neural network and watch it learn (or run it headless for CI).

commands:
  (none)          train the config: the monitor, or --headless for CI
  predict         apply a saved model (--save-model, or w in the monitor)
                  to the rows of a CSV file; see nntui predict --help
  config schema   print the JSON Schema of config.yaml, for editors
  runs            the recorded runs (logging.runs_dir): list, show, compare,
                  export, rm; continue one with --headless --resume ID"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``nntui`` command."""
    parser = argparse.ArgumentParser(
        prog="nntui",
        usage=_USAGE,
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--headless", action="store_true", help="train without the monitor; print progress"
    )
    parser.add_argument(
        "--task",
        choices=TASKS,
        default=None,
        help="what to learn (default: what data.source holds; classification for synthetic)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config YAML; - reads it from stdin (headless) "
        "(default: ./config.yaml if present, else the packaged default)",
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
    parser.add_argument(
        "--save-model",
        metavar="PATH",
        help="save the trained model (.npz) for nntui predict (headless)",
    )
    parser.add_argument(
        "--metrics-jsonl",
        metavar="PATH",
        help="one JSON line per epoch, then the result; '-' = stdout, progress to stderr "
        "(headless)",
    )
    _add_run_store_flags(parser)
    parser.add_argument("--version", action="version", version=f"nntui {__version__}")
    return parser


def _add_run_store_flags(parser: argparse.ArgumentParser) -> None:
    """--resume, --no-record, --runs-dir: the run store (see nntui runs --help)."""
    parser.add_argument(
        "--resume",
        metavar="ID",
        help="continue a recorded run exactly where it stopped, for --epochs more "
        "(default: its configured epochs) (headless)",
    )
    parser.add_argument(
        "--no-record", action="store_true", help="do not record this run in the run store"
    )
    parser.add_argument(
        "--runs-dir", metavar="PATH", help="the run store folder (overrides logging.runs_dir)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``nntui`` command.

    Args:
        argv: the arguments (without the program name); ``sys.argv[1:]`` when ``None``.

    Returns:
        The exit code (see :mod:`nntui.exit_codes`): 0 success, 1 run failed,
        2 usage, config or data error, 3 expectation failed, 130 interrupted.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        use_ascii_fallbacks(stream)  # '->' for '→' on a terminal that cannot show it
    if arguments[:1] == [PREDICT_COMMAND]:
        from nntui.headless.predict import main as predict_main

        return predict_main(arguments[1:])
    if arguments[:1] == [CONFIG_COMMAND]:
        return config_command(arguments[1:])
    if arguments[:1] == [RUNS_COMMAND]:
        from nntui.runs.cli import main as runs_main

        return runs_main(arguments[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exit_request:  # --help, --version, usage errors
        return _exit_code(exit_request)
    try:
        return _run(parser, args)
    except SystemExit as exit_request:
        return _exit_code(exit_request)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


def config_command(arguments: Sequence[str]) -> int:
    """``nntui config schema``: print the JSON Schema of the config file.

    Point the YAML language server at it (``# yaml-language-server: $schema=…``)
    for completion and checking of ``config.yaml`` in an editor.
    """
    parser = argparse.ArgumentParser(
        prog="nntui config", description="Tools for nntui's config file."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("schema", help="print the JSON Schema of config.yaml (for editors)")
    try:
        parser.parse_args(list(arguments))
    except SystemExit as exit_request:
        return _exit_code(exit_request)
    import json

    from nntui.config import json_schema

    try:
        print(json.dumps(json_schema(), indent=2), flush=True)
    except BrokenPipeError:  # `nntui config schema | head`: the reader has had enough
        discard_stdout()
    return ExitCode.OK


def _exit_code(exit_request: SystemExit) -> int:
    code = exit_request.code
    if code is None:
        return ExitCode.OK
    return code if isinstance(code, int) else ExitCode.RUN_FAILED


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    _check_paths(parser, args)
    if args.resume is not None:
        return _resume(parser, args)
    from nntui.config import ConfigError, load_config

    try:
        loaded = load_config(args.config, overrides=_overrides(args), task=args.task)
    except ConfigError as exc:
        for line in str(exc).splitlines():
            print(line, file=sys.stderr)
        return ExitCode.USAGE
    config = loaded.config

    from nntui.headless.expectations import ExpectationError, metric_names, parse_expectation

    try:
        known = metric_names(config.task, validation=config.data.validation_split > 0)
        expectations = [parse_expectation(text, known) for text in args.expect]
    except ExpectationError as exc:
        parser.error(str(exc))

    if not args.headless:
        problem = _data_problem(config)
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            return ExitCode.USAGE
        from nntui.tui.app import run_app

        return run_app(loaded)

    from nntui.files import InputFile
    from nntui.headless import run_headless

    inputs = [] if loaded.path is None else [InputFile("--config", args.config or loaded.path)]
    return run_headless(
        config,
        output=args.output,
        quiet=args.quiet,
        expectations=expectations,
        save_model=args.save_model,
        metrics_jsonl=args.metrics_jsonl,
        inputs=inputs,
    )


def _check_paths(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Usage errors of the flags that name files (argparse exits with code 2)."""
    if not args.headless:
        used = [flag for name, flag in _HEADLESS_ONLY if getattr(args, name)]
        if used:
            parser.error(f"{', '.join(used)}: only with --headless")
        if args.config == STDIN:
            parser.error("--config -: reading the config from stdin needs --headless")
    for name, flag in (*_HEADLESS_ONLY, ("config", "--config"), ("runs_dir", "--runs-dir")):
        if getattr(args, name) == "":
            parser.error(f"{flag}: the path is empty; give a file path")


def _data_problem(config: Config) -> str | None:
    """Why the config's data cannot be used (a missing csv file, a bad column …), or ``None``."""
    if config.data.source != "csv":
        return None  # generated or packaged data: the config checks are enough
    from nntui.datasets import DataSourceError
    from nntui.training.datasets import load_run_data

    try:
        load_run_data(config)
    except (DataSourceError, ValueError) as exc:  # DataSourceError is the usual one
        return str(exc)
    return None


def _resume(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """``--headless --resume ID [--epochs N]``: continue a recorded run for N more epochs."""
    if not args.headless:
        parser.error("--resume: only with --headless")
    for flag, value in (("--seed", args.seed), ("--task", args.task), ("--expect", args.expect)):
        if value:
            parser.error(f"{flag}: a continued run keeps its own config; drop {flag} with --resume")
    if args.epochs is not None and args.epochs < 1:
        parser.error(
            f"--epochs: with --resume, the epochs to add: a positive number, got {args.epochs}"
        )
    from nntui.config import ConfigError, load_config, with_overrides
    from nntui.runs.resume import ResumeError, plan_resume
    from nntui.runs.store import RunLookupError, RunStore

    try:
        runs_dir = args.runs_dir or load_config(args.config).config.logging.runs_dir
        if runs_dir is None:
            parser.error("--resume: logging.runs_dir is null: give --runs-dir PATH")
        plan = plan_resume(RunStore(runs_dir), args.resume, args.epochs)
        config = (
            with_overrides(plan.config, {"logging.runs_dir": None})
            if args.no_record
            else plan.config
        )
    except (ConfigError, ResumeError, RunLookupError) as exc:
        print(f"error: {str(exc).strip()}", file=sys.stderr)
        return ExitCode.USAGE
    from nntui.headless import run_headless

    return run_headless(
        config,
        output=args.output,
        quiet=args.quiet,
        save_model=args.save_model,
        metrics_jsonl=args.metrics_jsonl,
        resume=plan,
    )


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if args.no_record:
        overrides["logging.runs_dir"] = None
    elif args.runs_dir is not None:
        overrides["logging.runs_dir"] = args.runs_dir
    if args.epochs is not None:
        overrides["training.epochs"] = args.epochs
    if args.seed is not None:
        overrides["data.random_seed"] = args.seed
    return overrides


if __name__ == "__main__":
    sys.exit(main())
