"""The tab bar: one line of names that shows which tab is on screen and switches on a click."""

from __future__ import annotations

from event_streams import stream_config
from textual.widgets import ContentSwitcher
from tui_helpers import SIZE, wait_for

from nntui.tui.actions import TAB_NAMES, TAB_ORDER
from nntui.tui.app import NNTuiApp
from nntui.tui.widgets.tab_bar import TabBar


def monitor() -> NNTuiApp:
    return NNTuiApp(stream_config(), autostart=False, deterministic=True)


def bar_text(app: NNTuiApp) -> str:
    return str(app.query_one(TabBar).render())


def shown(app: NNTuiApp) -> str | None:
    return app.query_one("#tabs", ContentSwitcher).current


async def test_the_bar_names_every_tab_in_key_order_and_marks_the_shown_one() -> None:
    app = monitor()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert bar_text(app).split() == list(TAB_NAMES.values())
        assert app.query_one(TabBar).active == shown(app) == TAB_ORDER[0]
        await pilot.press("3")
        await wait_for(pilot, lambda: shown(app) == "runs-tab", "the Runs tab")
        assert app.query_one(TabBar).active == "runs-tab"


async def test_clicking_a_name_shows_its_tab() -> None:
    app = monitor()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.query_one(TabBar)
        start = bar_text(app).index("Curves")
        await pilot.click(TabBar, offset=(start + 2, 0))
        await wait_for(pilot, lambda: shown(app) == "curves-tab", "the Curves tab")
        assert bar.active == "curves-tab" and app.monitor.active_tab == "curves-tab"
        assert bar.tab_at(0) == "monitor-tab" and bar.tab_at(200) is None


async def test_arrows_on_the_focused_bar_step_through_the_tabs_and_wrap() -> None:
    app = monitor()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(TabBar).focus()
        await pilot.press("left")
        await wait_for(pilot, lambda: shown(app) == TAB_ORDER[-1], "the last tab")
        await pilot.press("right", "right")
        await wait_for(pilot, lambda: shown(app) == TAB_ORDER[1], "the second tab")


async def test_a_label_change_redraws_the_bar_and_keeps_clicks_aligned() -> None:
    app = monitor()
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(TabBar)
        bar.set_label("config-tab", "Config ●")
        await pilot.pause()
        assert "Config ●" in bar_text(app)
        assert bar.tab_at(bar_text(app).index("Distributions")) == "distributions-tab"
