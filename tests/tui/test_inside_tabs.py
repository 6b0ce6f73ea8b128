"""The inside-the-network tabs, driven through the Pilot: measured only while shown."""

from __future__ import annotations

import pytest
from tui_helpers import LONG, SIZE, finished

from nntui.tui.app import NNTuiApp
from nntui.tui.screens.walkthrough import WalkthroughScreen
from nntui.tui.widgets.confusion import ConfusionView
from nntui.tui.widgets.distributions import DistributionsView
from nntui.tui.widgets.neurons import NeuronsView

pytestmark = pytest.mark.slow


async def test_distributions_are_measured_only_while_their_tab_shows(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(**{"training.epochs": LONG}), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(
            pilot,
            lambda: app.controller.record is not None and app.controller.record.epochs_done > 0,
            "training",
        )
        inside = app.controller.inside
        assert not inside.active
        await pilot.press("5")
        assert inside.distributions.enabled and not inside.neuron_maps.enabled
        record = app.controller.record
        assert record is not None
        await wait(
            pilot, lambda: len(record.distributions.bands("dense_1", "weights")) >= 2, "bands"
        )
        view = app.query_one(DistributionsView)
        await wait(pilot, lambda: "dense_1 · weights" in str(view.render_text(100, 28)), "drawn")
        await pilot.press("v")
        assert view.quantity == "biases"
        await pilot.press("right_square_bracket")
        assert view.layer_index == 1
        await pilot.press("1")
        assert not inside.active
        await pilot.press("s")
        await wait(pilot, lambda: finished(app), "the run to stop")


async def test_neuron_tiles_and_the_confusion_matrix_of_a_planar_run(planar_config, wait) -> None:
    app = NNTuiApp(planar_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        view = app.query_one(NeuronsView)
        await wait(pilot, lambda: view.maps is not None, "neuron maps")
        assert view.maps is not None
        assert [layer.units for layer in view.maps.layers] == [12, 12]
        await wait(pilot, lambda: finished(app), "the run to finish")
        await pilot.press("7")
        confusion = app.query_one(ConfusionView)
        await wait(pilot, lambda: "test rows" in str(confusion.render()), "the test matrix")


async def test_b_walks_a_test_sample_through_the_finished_network(tiny_config, wait) -> None:
    app = NNTuiApp(tiny_config(), deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: finished(app), "the run to finish")
        await pilot.press("b")
        await wait(pilot, lambda: isinstance(app.screen, WalkthroughScreen), "the walkthrough")
        screen = app.screen
        assert isinstance(screen, WalkthroughScreen)
        assert screen.walk.worst_relative_error < 1e-5
        await pilot.press("right")
        assert screen.index == 1
        await pilot.press("left")
        assert screen.index == 0
        await pilot.press("escape")
        assert not isinstance(app.screen, WalkthroughScreen)
