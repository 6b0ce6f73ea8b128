"""Headless output in a terminal: CI=true means plain lines, the header wraps between phrases."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from event_streams import run_started, stream_config

from nntui.headless.progress import (
    PlainProgress,
    RichProgress,
    format_header,
    make_progress,
    wrap_phrases,
)


class TerminalStream(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_ci_true_prints_plain_lines_even_on_a_terminal(monkeypatch, value) -> None:
    monkeypatch.setenv("CI", value)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert isinstance(make_progress(TerminalStream()), PlainProgress)


def test_a_terminal_without_ci_gets_the_live_bar(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    view = make_progress(TerminalStream())
    assert isinstance(view, RichProgress)
    view.close()


def test_the_header_wraps_between_phrases_at_80_columns() -> None:
    event = run_started(stream_config())
    one_line = format_header(event)
    wrapped = format_header(event, width=80)

    lines = wrapped.splitlines()
    assert len(one_line) > 80 and len(lines) > 1
    assert all(len(line) <= 80 for line in lines)
    phrases = one_line.split(" · ")
    rebuilt = " · ".join(line.strip().removesuffix(" ·") for line in lines)
    assert rebuilt == one_line  # no phrase was split
    assert all(line.endswith(" ·") for line in lines[:-1])
    assert lines[0].startswith(phrases[0])


def test_wrap_phrases_keeps_a_long_phrase_whole() -> None:
    assert wrap_phrases(["a" * 30, "b" * 5], 20) == "a" * 30 + " ·\n  " + "b" * 5
    assert wrap_phrases(["one", "two"], 80) == "one · two"


def test_help_names_the_predict_command() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "nntui", "--help"], capture_output=True, text=True, check=True
    ).stdout
    head = shown.split("options:", 1)[0]
    assert "nntui predict" in head and "predict " in head
    assert all(len(line) <= 80 for line in head.splitlines())
