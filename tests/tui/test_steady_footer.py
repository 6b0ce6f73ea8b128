"""The footer is rebuilt only when the keys it shows change (not after every dialog)."""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import Footer
from tui_helpers import LONG, SIZE, finished, wait_for

from nntui.tui.app import NNTuiApp
from nntui.tui.widgets.help import HelpScreen
from nntui.tui.widgets.steady_footer import SteadyFooter

pytestmark = pytest.mark.slow


def footer_keys(app: NNTuiApp) -> list[Widget]:
    return list(app.screen.query_one(Footer).children)


def pause_key_dimmed(app: NNTuiApp) -> bool | None:
    """Whether the footer's Pause key is dimmed; None while the footer is being rebuilt."""
    for key in footer_keys(app):
        if getattr(key, "action", "") == "toggle_pause":
            return key.has_class("-disabled")
    return None


async def test_closing_the_help_screen_keeps_the_footer_as_it_was(tiny_config) -> None:
    app = NNTuiApp(tiny_config(), autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(footer_keys(app)), "the footer's keys")
        assert isinstance(app.screen.query_one(Footer), SteadyFooter)
        before = footer_keys(app)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), "help closed")
        await pilot.pause()
        assert footer_keys(app) == before  # the same widgets: nothing was rebuilt


async def test_the_footer_follows_keys_that_change_state(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}), autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(footer_keys(app)), "the footer's keys")
        assert pause_key_dimmed(app) is True  # no run: pausing does nothing
        await app.start_run()
        await wait(pilot, lambda: pause_key_dimmed(app) is False, "pause to light up")
        app.action_stop()
        await wait(pilot, lambda: finished(app), "the stop")
        await wait(pilot, lambda: pause_key_dimmed(app) is True, "pause to dim again")
