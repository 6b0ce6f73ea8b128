"""The config editor: the effective config as YAML, validated by ``nntui.config``.

Problems are listed under the editor, one per line, each naming its key and
line (``line 12  training.batch_size: must be a positive integer, got -4``),
and the cursor jumps to the first one. The editor never starts or saves
anything itself: it validates and asks the app through messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static, TextArea

from nntui.config import ConfigError, ConfigProblem, parse_config_text
from nntui.tui import actions
from nntui.tui.widgets.fitted_label import FittedLabel

if TYPE_CHECKING:
    from nntui.config import Config


def problem_line(problem: ConfigProblem) -> str:
    """``line 12  training.batch_size: must be a positive integer, got -4``."""
    where = f"line {problem.line}  " if problem.line is not None else ""
    what = f"{problem.key}: {problem.message}" if problem.key else problem.message
    return f"{where}{what}"


def problems_text(problems: Sequence[ConfigProblem]) -> str:
    """``the config has 2 problems (listed under the editor).``"""
    count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
    return f"the config has {count} (listed under the editor)."


class ConfigEditor(Vertical):
    """A YAML editor for every config key, with Apply & retrain and Save.

    Args:
        text: the YAML to edit (``nntui.config.dump_config`` of the effective config).
        save_path: where Save writes, shown to the user before they press it.
        cursor_blink: let the cursor blink (off for reproducible screenshots).
    """

    BINDINGS: ClassVar[list[BindingType]] = list(actions.bindings("editor"))

    class ApplyRequested(Message):
        """The user asked to retrain with the editor's config (valid, already parsed)."""

        def __init__(self, config: Config) -> None:
            super().__init__()
            self.config = config

    class SaveRequested(Message):
        """The user pressed Save (the app validates, writes and reports where)."""

    class LeaveRequested(Message):
        """The user pressed escape in the editor: give the keys back to the app."""

    def __init__(
        self,
        text: str,
        *,
        save_path: Path,
        cursor_blink: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._initial_text = text
        self.save_path = save_path
        self._cursor_blink = cursor_blink
        self.problems: list[ConfigProblem] = []
        #: False from showing problems until the first one's line is scrolled into view.
        self.problem_in_view = True

    def compose(self) -> ComposeResult:
        editor = TextArea(
            self._initial_text,
            id="config-text",
            show_line_numbers=True,
            soft_wrap=False,
            tab_behavior="focus",
        )
        editor.cursor_blink = self._cursor_blink
        editor.indent_width = 2
        yield editor
        yield Static("", id="config-problems")
        with Horizontal(id="config-actions"):
            yield Button("Apply & retrain", id="config-apply", variant="primary")
            yield Button("Save", id="config-save")
            yield FittedLabel(id="config-hint")

    def on_mount(self) -> None:
        path, name = self.save_path, self.save_path.name
        self.query_one("#config-hint", FittedLabel).show(
            f"ctrl+r apply & retrain · ctrl+s save to {path} · esc leave editor",
            f"ctrl+r apply & retrain · ctrl+s save to {path}",
            f"ctrl+r apply · ctrl+s save to {path}",
            f"ctrl+r apply · ctrl+s save to {name}",
        )

    @property
    def text_area(self) -> TextArea:
        """The editing widget."""
        return self.query_one("#config-text", TextArea)

    @property
    def text(self) -> str:
        """The YAML as currently edited."""
        return self.text_area.text

    @text.setter
    def text(self, value: str) -> None:
        self.text_area.load_text(value)
        self.clear_problems()

    def validated_config(self) -> Config | None:
        """Parse and validate the text; show the problems and return None if any.

        On success the problem list is cleared and the validated config returned.
        """
        try:
            config = parse_config_text(self.text, source=self.save_path.name)
        except ConfigError as error:
            self.show_problems(error.problems)
            return None
        self.clear_problems()
        return config

    def show_problems(self, problems: Sequence[ConfigProblem]) -> None:
        """List ``problems`` under the editor and put the cursor on the first one."""
        self.problems = list(problems)
        listing = self.query_one("#config-problems", Static)
        listing.update("\n".join(problem_line(problem) for problem in problems))
        listing.set_class(bool(problems), "-has-problems")
        first_line = next((p.line for p in problems if p.line is not None), None)
        if first_line is not None:
            editor = self.text_area
            row = min(max(first_line - 1, 0), editor.document.line_count - 1)
            editor.cursor_location = (row, 0)
            # The list just appeared and shrank the editor: centre the line once
            # that is laid out (``problem_in_view`` says when it is).
            self.problem_in_view = False
            self.call_after_refresh(self._scroll_to_first_problem)

    def _scroll_to_first_problem(self) -> None:
        self.text_area.scroll_cursor_visible(center=True)
        self.problem_in_view = True

    def clear_problems(self) -> None:
        """Hide the problem list."""
        self.show_problems([])

    def focus_text(self) -> None:
        """Put the keyboard in the editor."""
        self.text_area.focus()

    def action_apply(self) -> None:
        """Validate, then ask the app to retrain (nothing happens on a problem)."""
        config = self.validated_config()
        if config is not None:
            self.post_message(self.ApplyRequested(config))

    def action_leave(self) -> None:
        """Ask the app to take the keyboard back."""
        self.post_message(self.LeaveRequested())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Apply & retrain, or Save (the app owns the save)."""
        event.stop()
        if event.button.id == "config-apply":
            self.action_apply()
        elif event.button.id == "config-save":
            self.post_message(self.SaveRequested())
