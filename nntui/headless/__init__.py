"""The headless face: ``nntui --headless`` and ``nntui predict``, without Textual.

- :mod:`~nntui.headless.command`: train one run, show progress, write results, gate.
- :mod:`~nntui.headless.progress`: the progress bar or plain lines, and the final summary.
- :mod:`~nntui.headless.expectations`: ``--expect`` gates.
- :mod:`~nntui.headless.metrics_stream`: ``--metrics-jsonl``.
- :mod:`~nntui.headless.predict`: ``nntui predict``.

Nothing here imports Textual (a subprocess test guards it), so the headless
command starts fast and works where Textual cannot draw.
"""

from nntui.headless.command import run_headless

__all__ = ["run_headless"]
