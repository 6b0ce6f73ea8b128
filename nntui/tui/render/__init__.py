"""Terminal rendering helpers for the plot widgets: pure Python and NumPy, no Textual.

- :mod:`~nntui.tui.render.braille`: a canvas of braille dots (2×4 per cell) for line plots.
- :mod:`~nntui.tui.render.series`: smoothing, spike-keeping downsampling, axis ticks.
- :mod:`~nntui.tui.render.heatmap`: half-block heat maps with class and diverging colour scales.
"""
