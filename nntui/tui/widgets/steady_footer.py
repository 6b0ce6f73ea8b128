"""A footer that is rebuilt only when the keys it shows change.

Textual's :class:`~textual.widgets.Footer` recomposes (unmounts and mounts
every key) each time a screen's bindings are refreshed: after a dialog or the
help screen closes, after focus moves. Rebuilding a dozen keys cost ~75 ms of
the next key press here. The keys it shows seldom change, so this one compares
what it would show with what it shows and keeps itself when they are the same.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["SteadyFooter", "shown_keys"]


def shown_keys(screen: Screen[object]) -> tuple[Hashable, ...]:
    """What a footer of ``screen`` shows: each shown key, its action, label, state and tip."""
    palette = screen.app.COMMAND_PALETTE_BINDING
    return tuple(
        (key, binding.action, binding.description, enabled, tooltip, id(binding.group))
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show or key == palette
    )


class SteadyFooter(Footer):
    """A :class:`~textual.widgets.Footer` that recomposes only when its keys changed."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[Hashable, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild (as Textual's footer does) unless the keys to show are the ones shown."""
        # Textual's footer leaves itself as it is while the app has no focus;
        # only a rebuild it would really do is remembered.
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
