"""Hand runner events from the training thread to the app, throttled.

The runner calls :class:`EventBridge` synchronously for every event. Epochs can
end thousands of times a second; the screen needs at most ~10 updates a
second. The bridge buffers ``EpochEnded`` events and posts them together, so
every epoch still reaches the app (one sparkline point each). Every other event
(a run starting, pausing, resuming, ending) is posted at once, after the epochs
buffered before it, so the app folds them in the order they happened and the
run's last event is never lost. While the run is paused (e.g. after a step),
epochs are posted at once too: the screen must show where a paused run stands.

A decision-boundary grid (already throttled by the boundary hook) is posted at
once as well, after the epochs buffered before it, so the grid never shows an
epoch the panels have not.

Posting never blocks. The one wait is at the start of a run: after posting
``RunStarted`` the bridge waits (at most ``show_timeout`` seconds) until the
app says the new network is on screen, so drawing it does not compete with the
first batches for the interpreter lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from textual.message import Message

from nntui.training.boundary import BoundaryComputed
from nntui.training.control import RunControl
from nntui.training.events import EpochEnded, RunEvent, RunStarted
from nntui.training.measurements import ClassQualityMeasured, DistributionsMeasured
from nntui.training.neuron_maps import NeuronMapsComputed
from nntui.tui.messages import BoundaryReady, NeuronMapsReady, RunEventsPosted

#: On-demand measurements of an epoch travel with the epochs (paced, never dropped).
MEASUREMENTS = (DistributionsMeasured, ClassQualityMeasured)
#: Upper bound on epoch posts per second (the screen refresh budget).
MAX_POSTS_PER_SECOND = 10.0
#: Longest the training thread waits for the app to draw a new network.
SHOW_TIMEOUT_S = 0.5


class EventBridge:
    """The runner's ``on_event`` callback for one run of the app.

    Args:
        post: where messages go; ``App.post_message`` (thread-safe, never blocks).
        run_id: tags every message so the app can ignore a replaced run.
        max_posts_per_second: at most this many epoch posts per second.
        show_timeout: how long ``RunStarted`` waits for :meth:`network_shown`
            (0: do not wait).
        clock: monotonic seconds; injectable for tests.
        control: the run's control; while it is paused, epochs are posted at once.

    Example:
        >>> posted = []
        >>> bridge = EventBridge(posted.append, run_id=1)
        >>> bridge.flush()
        False
    """

    def __init__(
        self,
        post: Callable[[Message], object],
        run_id: int,
        *,
        max_posts_per_second: float = MAX_POSTS_PER_SECOND,
        show_timeout: float = SHOW_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
        control: RunControl | None = None,
    ) -> None:
        self._post = post
        self.run_id = run_id
        self._interval = 1.0 / max_posts_per_second
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: list[RunEvent] = []
        self._last_post = float("-inf")
        self._show_timeout = show_timeout
        self._shown = threading.Event()
        self._control = control

    def __call__(self, event: RunEvent | BoundaryComputed) -> None:
        """Receive one event from the runner (called in the training thread)."""
        if isinstance(event, (EpochEnded, *MEASUREMENTS)):  # paced like the epochs they follow
            paused = self._control is not None and self._control.is_paused
            with self._lock:
                self._pending.append(event)
                if paused or self._clock() - self._last_post >= self._interval:
                    self._post_pending()
        elif isinstance(event, BoundaryComputed):
            self.boundary(event)
        else:
            with self._lock:
                self._pending.append(event)
                self._post_pending(paced=False)
            if isinstance(event, RunStarted) and self._show_timeout > 0:
                self._shown.wait(self._show_timeout)

    def boundary(self, grid: BoundaryComputed) -> None:
        """Post a decision-boundary grid, after the epochs buffered before it."""
        with self._lock:
            self._post_pending()
            self._post(BoundaryReady(self.run_id, grid))

    def neuron_maps(self, maps: NeuronMapsComputed) -> None:
        """Post neuron maps, after the epochs buffered before them."""
        with self._lock:
            self._post_pending()
            self._post(NeuronMapsReady(self.run_id, maps))

    def network_shown(self) -> None:
        """The app drew the new network (or gave up on it): training may go on."""
        self._shown.set()

    def flush(self) -> bool:
        """Post buffered epochs now, whatever the rate. Returns True if any were posted."""
        with self._lock:
            return self._post_pending()

    def flush_if_due(self) -> bool:
        """Post buffered epochs if the rate allows (for a timer in the app's thread).

        Without it, the epochs buffered just before a pause or a slow epoch
        would wait for the next epoch to be shown.
        """
        with self._lock:
            if self._clock() - self._last_post < self._interval:
                return False
            return self._post_pending()

    @property
    def pending(self) -> int:
        """Events buffered and not yet posted."""
        with self._lock:
            return len(self._pending)

    def _post_pending(self, *, paced: bool = True) -> bool:
        # Called with the lock held, so two flushes can never post out of order.
        # A phase change (``paced=False``) is posted whatever the rate, and does
        # not hold back the epochs after it.
        if not self._pending:
            return False
        events, self._pending = tuple(self._pending), []
        if paced:
            self._last_post = self._clock()
        self._post(RunEventsPosted(self.run_id, events))
        return True
