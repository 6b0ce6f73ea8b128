"""``nntui runs``: list, show, compare, export and remove recorded runs.

An id prefix that matches one run is enough; one that matches none or several
is one line on stderr and exit 2. Tables are aligned plain text (the heading
bold on a terminal); ``--json`` gives the rows as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from nntui.exit_codes import ExitCode
from nntui.runs.folder import CHECKPOINT
from nntui.runs.store import RunLookupError, RunStore
from nntui.runs.summary import RunSummary
from nntui.runs.table import (
    COLUMNS,
    SORT_KEYS,
    TableError,
    filter_runs,
    plain_table,
    row,
    sort_runs,
)

_EPILOG = """\
examples:
  nntui runs                                   the recorded runs, newest first
  nntui runs list --filter source=spiral --sort best
  nntui runs show 2026-11-30T14               a unique id prefix is enough
  nntui runs compare 2026-11-30T14-05 2026-11-30T14-09
  nntui runs export 2026-11-30T14-05 --format csv > epochs.csv
  nntui runs rm 2026-11-30T14-05 --yes
  nntui --headless --resume 2026-11-30T14-05 --epochs 50   continue a run
"""


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``nntui runs``."""
    parser = argparse.ArgumentParser(
        prog="nntui runs",
        description="The run store: every run recorded in a folder of logging.runs_dir.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs-dir", metavar="PATH", help="the store (default: logging.runs_dir)")
    parser.add_argument("--config", metavar="PATH", help="the config whose logging.runs_dir to use")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    listing = commands.add_parser("list", help="a table of the runs (the default)")
    _listing_flags(listing)
    _listing_flags(parser)
    show = commands.add_parser("show", help="one run: facts, metrics and files")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="the summary and results as JSON")
    compare = commands.add_parser("compare", help="config differences and metrics side by side")
    compare.add_argument("ids", nargs="+", metavar="ID")
    export = commands.add_parser("export", help="a run's epochs as CSV, or the run as JSON")
    export.add_argument("id")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    remove = commands.add_parser("rm", help="delete runs (asks first unless --yes)")
    remove.add_argument("ids", nargs="+", metavar="ID")
    remove.add_argument("--yes", action="store_true", help="do not ask")
    return parser


def _listing_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sort", default="started", metavar="KEY", help=f"one of {', '.join(SORT_KEYS)}"
    )
    parser.add_argument(
        "--filter", action="append", default=[], metavar="KEY=VALUE", help="e.g. source=spiral"
    )
    parser.add_argument("--json", action="store_true", help="the rows as JSON")


def main(
    arguments: Sequence[str], *, stdout: TextIO | None = None, stdin: TextIO | None = None
) -> int:
    """Run ``nntui runs …``; returns the exit code."""
    out = stdout if stdout is not None else sys.stdout
    try:
        args = build_parser().parse_args(list(arguments))
    except SystemExit as exit_request:
        return exit_request.code if isinstance(exit_request.code, int) else ExitCode.OK
    try:
        store = RunStore(_runs_dir(args))
        return _dispatch(args, store, out, stdin if stdin is not None else sys.stdin)
    except (RunLookupError, TableError, _UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except BrokenPipeError:
        return ExitCode.OK


class _UsageError(ValueError):
    """A usage problem, as one line."""


def _runs_dir(args: argparse.Namespace) -> str:
    if args.runs_dir:
        return str(args.runs_dir)
    from nntui.config import ConfigError, load_config

    try:
        runs_dir = load_config(args.config).config.logging.runs_dir
    except ConfigError as error:
        raise _UsageError(str(error).splitlines()[0]) from None
    if runs_dir is None:
        raise _UsageError("logging.runs_dir is null (recording is off): give --runs-dir PATH")
    return runs_dir


def _dispatch(args: argparse.Namespace, store: RunStore, out: TextIO, stdin: TextIO) -> int:
    command = args.command or "list"
    if command == "list":
        return _list(args, store, out)
    if command == "show":
        return _show(store.find(args.id), out, as_json=args.json)
    if command == "compare":
        return _compare(store, args.ids, out)
    if command == "export":
        from nntui.runs.export import export_text

        out.write(export_text(store.find(args.id), args.format))
        return ExitCode.OK
    return _remove(store, args.ids, yes=args.yes, out=out, stdin=stdin)


def _list(args: argparse.Namespace, store: RunStore, out: TextIO) -> int:
    runs = sort_runs(filter_runs(store.summaries(), args.filter), args.sort)
    if args.json:
        json.dump([run.as_dict() for run in runs], out, indent=1)
        out.write("\n")
        return ExitCode.OK
    if not runs:
        print(f"no runs in {store.root}", file=out)
        return ExitCode.OK
    _table([row(run) for run in runs], COLUMNS, out)
    return ExitCode.OK


def _table(rows: list[tuple[str, ...]], headings: Sequence[str], out: TextIO) -> None:
    """Aligned plain text; on a terminal the heading line is bold (unless ``NO_COLOR``)."""
    text = plain_table(rows, headings)
    if out.isatty() and not os.environ.get("NO_COLOR"):
        heading, _, body = text.partition("\n")
        text = f"\x1b[1m{heading}\x1b[0m\n{body}"
    print(text, file=out)


def _show(run: RunSummary, out: TextIO, *, as_json: bool) -> int:
    from nntui.runs.compare import metric_rows

    if as_json:
        json.dump(run.as_dict(), out, indent=1)
        out.write("\n")
        return ExitCode.OK
    facts = [
        ("id", run.id),
        ("folder", str(run.path)),
        ("status", run.status if run.problem is None else f"{run.status}: {run.problem}"),
        ("started", run.started),
        ("data", f"{run.source} ({run.task})"),
        ("epochs", f"{run.epochs_done}/{run.epochs_planned}"),
        ("seed", str(run.seed)),
        ("continues", run.resumed_from or "–"),
        ("files", _files(run)),
        ("continue with", _continue_command(run)),
    ]
    facts += [(cells[0], cells[1]) for cells in metric_rows([run])[2:]]
    width = max(len(label) for label, _ in facts)
    for label, value in facts:
        print(f"{label.ljust(width)}  {value}", file=out)
    return ExitCode.OK


def _files(run: RunSummary) -> str:
    try:
        return ", ".join(sorted(path.name for path in run.path.iterdir()))
    except OSError:
        return "–"


def _continue_command(run: RunSummary) -> str:
    if not (run.path / CHECKPOINT).is_file():
        return "– (no checkpoint)"
    return f"nntui --headless --resume {run.id} --epochs N"


def _compare(store: RunStore, ids: Sequence[str], out: TextIO) -> int:
    from nntui.runs.compare import config_differences, metric_rows

    summaries = store.summaries()
    runs = [store.find(prefix, summaries) for prefix in ids]
    if len({run.id for run in runs}) < 2:
        raise _UsageError("compare needs at least two different runs")
    headings = ("", *(run.id for run in runs))
    _table(metric_rows(runs), headings, out)
    differences = config_differences(runs)
    print("", file=out)
    if differences:
        _table(differences, ("config", *(run.id for run in runs)), out)
    else:
        print("config: the same", file=out)
    return ExitCode.OK


def _remove(store: RunStore, ids: Sequence[str], *, yes: bool, out: TextIO, stdin: TextIO) -> int:
    summaries = store.summaries()
    runs = list({run.id: run for run in (store.find(prefix, summaries) for prefix in ids)}.values())
    for run in runs:
        if run.status == "running":
            raise _UsageError(f"rm {run.id}: the run is still recording; stop it first")
    if not yes:
        if not stdin.isatty():
            raise _UsageError("rm: not a terminal, so nothing to confirm with: add --yes")
        names = ", ".join(run.id for run in runs)
        print(f"delete {len(runs)} run(s): {names}? [y/N] ", end="", file=out, flush=True)
        if stdin.readline().strip().lower() not in ("y", "yes"):
            print("nothing deleted", file=out)
            return ExitCode.OK
    for run in runs:
        try:
            store.remove(run)
        except OSError as error:
            raise _UsageError(f"rm {run.id}: {error.strerror or error}") from None
        print(f"deleted {run.id}", file=out)
    return ExitCode.OK
