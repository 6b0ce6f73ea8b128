"""The config editor: the user's YAML as written, checked by ``nntui.config`` off the UI thread.

The editor shows the config file's own text (comments, key order), never a
re-dump of the effective config; overrides from the command line and the
environment are listed above it (they are applied to every run, not written
into the text). ``ctrl+r`` checks the text and asks the app to retrain,
``ctrl+s`` checks it and asks the app to save it: the check (YAML, every key,
the memory a network would need) runs in a thread worker, so nothing typed can
freeze the screen.

Problems are listed under the editor with their count (``3 problems``), one
per line naming its key and line (``line 12  training.batch_size: must be a
positive integer, got -4``); each line with a problem carries a marker in the
gutter, and the cursor jumps to the first one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Button, Static, TextArea
from textual.worker import Worker, WorkerState

from nntui.config import ConfigError, ConfigProblem, parse_config_text, with_overrides
from nntui.tui import actions
from nntui.tui.widgets.fitted_label import FittedLabel

if TYPE_CHECKING:
    from nntui.config import Config

Purpose = Literal["apply", "save"]
"""Why the text is checked: to retrain with it, or to save it."""

#: The gutter mark of a line with a problem.
PROBLEM_MARK = "●"
PROBLEM_STYLE = Style(color="red", bold=True)


def problem_line(problem: ConfigProblem) -> str:
    """``line 12  training.batch_size: must be a positive integer, got -4``."""
    where = f"line {problem.line}  " if problem.line is not None else ""
    what = f"{problem.key}: {problem.message}" if problem.key else problem.message
    return f"{where}{what}"


def problem_count(problems: Sequence[ConfigProblem]) -> str:
    """``1 problem`` or ``10 problems``."""
    return "1 problem" if len(problems) == 1 else f"{len(problems)} problems"


def problems_text(problems: Sequence[ConfigProblem]) -> str:
    """``the config has 2 problems (listed under the editor).``"""
    return f"the config has {problem_count(problems)} (listed under the editor)."


def overrides_text(overrides: Mapping[str, Any]) -> str:
    """The overrides line above the editor (empty when there are none)."""
    if not overrides:
        return ""
    shown = " · ".join(f"{key}={value}" for key, value in overrides.items())
    return f"Also applied to every run (command line / environment, not in the text): {shown}"


@dataclass(frozen=True)
class CheckResult:
    """What a check of the editor's text found (made in the worker thread)."""

    purpose: Purpose
    text: str
    config: Config | None
    problems: tuple[ConfigProblem, ...]


def check_text(
    text: str, source: str, overrides: Mapping[str, Any], purpose: Purpose
) -> CheckResult:
    """Parse and validate ``text`` (then ``overrides``); never raises a ``ConfigError``."""
    try:
        config = parse_config_text(text, source=source)
        if overrides:
            config = with_overrides(config, dict(overrides))
    except ConfigError as error:
        problems = tuple(error.problems) or (ConfigProblem(key="", message=str(error)),)
        return CheckResult(purpose, text, None, problems)
    return CheckResult(purpose, text, config, ())


class ProblemTextArea(TextArea):
    """A ``TextArea`` whose gutter marks each line that has a problem (``●``)."""

    def __init__(self, text: str, **kwargs: Any) -> None:
        super().__init__(text, **kwargs)
        #: 0-based rows with a problem.
        self.problem_rows: frozenset[int] = frozenset()

    def mark_rows(self, rows: frozenset[int]) -> None:
        """Mark ``rows`` (0-based) in the gutter."""
        if rows != self.problem_rows:
            self.problem_rows = rows
            self.refresh()

    def render_line(self, y: int) -> Strip:
        """The line as ``TextArea`` draws it, with the problem mark in the gutter's margin."""
        strip = super().render_line(y)
        row = self.scroll_offset.y + y
        gutter = self.gutter_width
        if self.soft_wrap or row not in self.problem_rows or gutter < 2:
            return strip
        mark = Strip([Segment(PROBLEM_MARK, PROBLEM_STYLE)], 1)
        return Strip.join([strip.crop(0, gutter - 1), mark, strip.crop(gutter)])


class ConfigEditor(Vertical):
    """The config file's YAML, with Apply & retrain and Save.

    Args:
        text: the YAML to edit: the config file as written (or the packaged default's text).
        save_path: where Save writes, shown to the user before they press it.
        overrides: command-line / environment overrides applied on top of the text.
        cursor_blink: let the cursor blink (off for reproducible screenshots).
    """

    BINDINGS: ClassVar[list[BindingType]] = list(actions.bindings("editor"))

    class Checked(Message):
        """A check of the text finished (``result.config`` is ``None`` when it had problems)."""

        def __init__(self, result: CheckResult) -> None:
            super().__init__()
            self.result = result

    class LeaveRequested(Message):
        """The user pressed escape in the editor: give the keys back to the app."""

    class ModifiedChanged(Message):
        """The text now differs from the saved file (or no longer does)."""

        def __init__(self, modified: bool) -> None:
            super().__init__()
            self.modified = modified

    def __init__(
        self,
        text: str,
        *,
        save_path: Path,
        overrides: Mapping[str, Any] | None = None,
        cursor_blink: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._initial_text = text
        #: The text as last saved (or loaded): edits differ from it.
        self.saved_text = text
        self.save_path = save_path
        self.overrides: dict[str, Any] = dict(overrides or {})
        self._cursor_blink = cursor_blink
        self.problems: list[ConfigProblem] = []
        self.modified = False
        #: False from showing problems until the first one's line is scrolled into view.
        self.problem_in_view = True
        #: A check is running in a worker thread.
        self.checking = False
        #: What the latest check was for.
        self.last_purpose: Purpose = "apply"

    def compose(self) -> ComposeResult:
        yield Static(overrides_text(self.overrides), id="config-overrides")
        editor = ProblemTextArea(
            self._initial_text,
            id="config-text",
            show_line_numbers=True,
            soft_wrap=False,
            tab_behavior="focus",
        )
        editor.cursor_blink = self._cursor_blink
        editor.indent_width = 2
        yield editor
        with VerticalScroll(id="config-problems"):
            yield Static("", id="config-problem-list")
        with Horizontal(id="config-actions"):
            yield Button("Apply & retrain", id="config-apply", variant="primary")
            yield Button("Save", id="config-save")
            yield FittedLabel(id="config-hint")

    def on_mount(self) -> None:
        self.query_one("#config-overrides").display = bool(self.overrides)
        editor = self.text_area
        if "yaml" in editor.available_languages:
            editor.language = "yaml"
        path, name = self.save_path, self.save_path.name
        self.query_one("#config-hint", FittedLabel).show(
            f"ctrl+r apply & retrain · ctrl+s save to {path} · esc leave editor",
            f"ctrl+r apply & retrain · ctrl+s save to {path}",
            f"ctrl+r apply · ctrl+s save to {path}",
            f"ctrl+r apply · ctrl+s save to {name}",
        )

    @property
    def text_area(self) -> ProblemTextArea:
        """The editing widget."""
        return self.query_one("#config-text", ProblemTextArea)

    @property
    def text(self) -> str:
        """The YAML as currently edited."""
        return self.text_area.text

    @text.setter
    def text(self, value: str) -> None:
        self.text_area.load_text(value)
        self.clear_problems()

    def mark_saved(self, text: str) -> None:
        """``text`` is what the file now holds."""
        self.saved_text = text
        self._update_modified()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._update_modified()

    def _update_modified(self) -> None:
        modified = self.text != self.saved_text
        if modified != self.modified:
            self.modified = modified
            self.post_message(self.ModifiedChanged(modified))

    # -- checking, off the UI thread ------------------------------------------------------

    def check(self, purpose: Purpose) -> None:
        """Check the text in a worker thread; the result arrives as a message (or problems)."""
        text, source, overrides = self.text, self.save_path.name, dict(self.overrides)
        self.checking = True
        self.last_purpose = purpose
        self.run_worker(
            lambda: check_text(text, source, overrides, purpose),
            name=f"config check ({purpose})",
            group="config-check",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        finished = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)
        if event.worker.group != "config-check" or event.state not in finished:
            return
        event.stop()
        self.checking = False
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            problem = ConfigProblem(key="", message=f"could not be checked: {error}")
            self._checked(CheckResult(self.last_purpose, self.text, None, (problem,)))
            return
        result = event.worker.result
        if event.state != WorkerState.SUCCESS or not isinstance(result, CheckResult):
            return
        self._checked(result)

    def _checked(self, result: CheckResult) -> None:
        if result.config is None:
            self.show_problems(result.problems)
        else:
            self.clear_problems()
        self.post_message(self.Checked(result))

    # -- problems -------------------------------------------------------------------------

    def show_problems(self, problems: Sequence[ConfigProblem]) -> None:
        """List ``problems`` under the editor, mark their lines, put the cursor on the first."""
        self.problems = list(problems)
        listing = self.query_one("#config-problem-list", Static)
        listing.update("\n".join(problem_line(problem) for problem in problems))
        box = self.query_one("#config-problems", VerticalScroll)
        box.set_class(bool(problems), "-has-problems")
        box.border_title = problem_count(problems) if problems else ""
        box.scroll_home(animate=False)
        editor = self.text_area
        last = editor.document.line_count - 1
        rows = {min(max(p.line - 1, 0), last) for p in problems if p.line is not None}
        editor.mark_rows(frozenset(rows))
        if rows:
            editor.cursor_location = (min(rows), 0)
            # The list just appeared and shrank the editor: centre the line once
            # that is laid out (``problem_in_view`` says when it is).
            self.problem_in_view = False
            self.call_after_refresh(self._scroll_to_first_problem)

    def _scroll_to_first_problem(self) -> None:
        self.text_area.scroll_cursor_visible(center=True)
        self.problem_in_view = True

    def clear_problems(self) -> None:
        """Hide the problem list and the gutter marks."""
        self.show_problems([])

    def focus_text(self) -> None:
        """Put the keyboard in the editor."""
        self.text_area.focus()

    def action_apply(self) -> None:
        """Check the text, then ask the app to retrain (nothing happens on a problem)."""
        self.check("apply")

    def action_leave(self) -> None:
        """Ask the app to take the keyboard back."""
        self.post_message(self.LeaveRequested())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Apply & retrain, or Save."""
        event.stop()
        if event.button.id == "config-apply":
            self.action_apply()
        elif event.button.id == "config-save":
            self.check("save")
