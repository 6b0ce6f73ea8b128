"""Write ``docs/screenshot.svg``: the monitor after training the default config.

Usage: ``python docs/make_screenshot.py`` (from the repository root).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nntui.config import default_config  # noqa: E402
from nntui.tui.app import NNTuiApp  # noqa: E402

FINAL = ("finished", "stopped", "diverged", "failed")


async def screenshot(path: Path, size: tuple[int, int] = (120, 36)) -> Path:
    """Train the default config in the app, then save what the screen shows."""
    app = NNTuiApp(default_config(), task="classification")
    async with app.run_test(size=size) as pilot:
        deadline = time.monotonic() + 300
        while app.state.phase not in FINAL and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.pause()
        saved = app.save_screenshot(filename=path.name, path=str(path.parent))
    return Path(saved)


if __name__ == "__main__":
    print(asyncio.run(screenshot(ROOT / "docs" / "screenshot.svg")))
