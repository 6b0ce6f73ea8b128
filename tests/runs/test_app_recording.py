"""The monitor records its runs in the store too (through the run controller)."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_config
from tui_helpers import SIZE, finished, wait_for

from nntui.runs.store import RunStore
from nntui.tui.app import NNTuiApp

pytestmark = pytest.mark.slow


async def test_a_run_in_the_monitor_is_recorded(tmp_path: Path) -> None:
    config = make_config({"training.epochs": 4, "logging.runs_dir": str(tmp_path / "runs")})
    store = RunStore(tmp_path / "runs")
    app = NNTuiApp(config, deterministic=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: finished(app), "the run to end")
        await wait_for(
            pilot,
            lambda: [run.status for run in store.summaries()] == ["completed"],
            "the run's folder to be complete",
        )
    (run,) = RunStore(tmp_path / "runs").summaries()
    assert (run.epochs_done, run.epochs_planned) == (4, 4)
    assert app.controller.recorder is not None and app.controller.recorder.id == run.id
