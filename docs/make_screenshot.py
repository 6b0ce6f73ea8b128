"""Write ``docs/screenshot.svg``: the playground after a spiral run, decision boundary and all.

Usage: ``python docs/make_screenshot.py`` (from the repository root).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nntui.config import default_config, with_overrides  # noqa: E402
from nntui.tui.app import NNTuiApp  # noqa: E402
from nntui.tui.widgets.boundary_panel import BoundaryPanel  # noqa: E402

#: Three interleaved spiral arms, learned to ~0.98 test accuracy in under a second.
SPIRAL = {
    "data.source": "spiral",
    "data.n_samples": 600,
    "data.noise": 0.1,
    "data.random_seed": 7,
    "network.hidden_layers": [16, 16],
    "network.hidden_activations": ["tanh", "tanh"],
    "training.optimizer": "adam",
    "training.learning_rate": 0.01,
    "training.batch_size": 32,
    "training.epochs": 300,
}


def final_grid_shown(app: NNTuiApp) -> bool:
    """The run is over and the boundary shows its last network at the panel's size."""
    panel = app.query_one(BoundaryPanel)
    grid = panel.grid_event
    record = app.controller.record
    return (
        record is not None
        and record.phase.is_final
        and grid is not None
        and grid.final
        and (grid.rows, grid.cols) == panel.boundary.grid_shape()
    )


async def screenshot(path: Path, size: tuple[int, int] = (120, 36)) -> Path:
    """Train the spiral in the app, then save what the screen shows."""
    config = with_overrides(default_config(), SPIRAL)
    app = NNTuiApp(config, config_path=Path("config.yaml"))
    async with app.run_test(size=size) as pilot:
        deadline = time.monotonic() + 300
        while not final_grid_shown(app) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.pause()
        saved = app.save_screenshot(filename=path.name, path=str(path.parent))
    return Path(saved)


if __name__ == "__main__":
    print(asyncio.run(screenshot(ROOT / "docs" / "screenshot.svg")))
