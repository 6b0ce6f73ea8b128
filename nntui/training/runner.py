"""The one training loop of the app: a config becomes data, a network and events.

Both faces — the headless command and the Textual monitor — drive a
:class:`NetworkRunner` and only listen to the events it emits; neither trains
on its own. The runner never prints and never draws: a face that wants extra
per-epoch work registers an :class:`~nntui.training.hooks.EpochHook`, and sends
requests (stop, pause, step, save) through the run's
:class:`~nntui.training.control.RunControl`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nntui._version import __version__
from nntui.datasets import DataSourceError
from nntui.nn.arrays import ArrayLike, FloatArray
from nntui.nn.callbacks import Callback
from nntui.nn.network import NeuralNetwork, TrainingDiverged
from nntui.training.control import RunControl
from nntui.training.datasets import RunData, load_run_data
from nntui.training.divergence import LEARNING_RATE_HINT, divergence_hint
from nntui.training.events import (
    FinalStatus,
    RunEvent,
    RunFailed,
    RunFinished,
    RunPaused,
    RunResumed,
)
from nntui.training.hooks import EpochHook
from nntui.training.options import TrainingOptions, training_options
from nntui.training.record import RunRecord
from nntui.training.reporting import EpochReporter, TrainingClock, probe_rows, started_event
from nntui.training.results import build_results
from nntui.training.task import network_plan

if TYPE_CHECKING:
    from nntui.config import Config

__all__ = ["NetworkRunner", "SaveModelError", "probe_rows"]

_NULL_LOGGER = logging.getLogger("nntui.null")
_NULL_LOGGER.addHandler(logging.NullHandler())
_NULL_LOGGER.propagate = False

DIVERGED_HINT = LEARNING_RATE_HINT


class SaveModelError(RuntimeError):
    """There is no model worth saving: nothing was built yet, or the run diverged."""


class NetworkRunner:
    """Build data and a network from a validated config, train it, emit events.

    Args:
        config: the validated config; ``config.task`` decides the output head.
        on_event: called with each event, synchronously, from the thread that
            runs :meth:`run`: ``RunStarted``, ``EpochEnded`` × n (with
            ``RunPaused``/``RunResumed`` around pauses), then exactly one
            ``RunFinished`` or ``RunFailed``.
        control: stop/pause/step/submit from another thread; a fresh one if omitted.
        logger: where the run's start, epochs (DEBUG), result and failures go.
        hooks: per-epoch work of a face (e.g. the decision-boundary grid).

    Attributes:
        record: the run as its events describe it (see :class:`RunRecord`).

    Example:
        >>> from nntui.config import default_config, with_overrides
        >>> config = with_overrides(default_config(), {"training.epochs": 2})
        >>> NetworkRunner(config).run()["status"]
        'completed'
    """

    def __init__(
        self,
        config: Config,
        *,
        on_event: Callable[[RunEvent], None] | None = None,
        control: RunControl | None = None,
        logger: logging.Logger | None = None,
        hooks: Sequence[EpochHook] = (),
    ) -> None:
        self.config = config
        self.control = control if control is not None else RunControl()
        self.record = RunRecord(config=config)
        self.network: NeuralNetwork | None = None
        self.data: RunData | None = None
        self.options: TrainingOptions | None = None
        self._on_event = on_event
        self._log = logger if logger is not None else _NULL_LOGGER
        self._hooks = list(hooks)
        self._clock = TrainingClock()
        self._started = time.perf_counter()
        self._hint = DIVERGED_HINT

    # -- the run -----------------------------------------------------------

    def prepare(self) -> None:
        """Read or generate the data and build the network (once).

        :meth:`run` calls it; call it first to hear about bad data before
        training, e.g. to exit with a usage error.

        Raises:
            DataSourceError: the data cannot be used; the message names it.
        """
        if self.network is not None:
            return
        data = load_run_data(self.config)
        plan = network_plan(self.config, data.n_features, data.n_classes)
        self.options = training_options(self.config.training)
        self.network = NeuralNetwork(
            list(plan.layer_sizes),
            list(plan.activations),
            loss=plan.loss,
            weight_init=self.config.network.weight_init,
            seed=self.seed,
            dtype=self.config.training.dtype,
        )
        self.data = data

    def run(self) -> dict[str, Any]:
        """Train once and return the results document.

        Never raises: bad data, a diverged, stopped or failed run end in
        ``RunFailed``/``RunFinished`` like any other.
        """
        self._started = time.perf_counter()
        try:
            self.prepare()
        except DataSourceError as error:
            return self._fail("error", str(error))
        except Exception as error:  # a face must hear about any failure, not crash
            self._log.exception("run setup failed with an unexpected error")
            return self._fail("error", f"{type(error).__name__}: {error}")
        network, data = self._built()
        try:
            self._emit(started_event(self.config, network, data, self._options()))
            self._log_start(network, data)
            self._train(network, data)
        except TrainingDiverged as diverged:
            self._hint = divergence_hint(network, data, self.config.training)
            return self._fail("diverged", f"{diverged} — {self._hint}")
        except Exception as error:  # a face must hear about any failure, not crash
            self._log.exception("run failed with an unexpected error")
            return self._fail("error", f"{type(error).__name__}: {error}")
        return self._finish(network, data)

    def _train(self, network: NeuralNetwork, data: RunData) -> None:
        training, options = self.config.training, self._options()
        self._clock = TrainingClock()
        reporter = EpochReporter(
            network,
            data,
            self._clock,
            epochs=training.epochs,
            emit=self._emit,
            control=self.control,
            hooks=self._hooks,
            logger=self._log,
        )
        reporter.begin(self.config.task)
        callbacks: list[Callback] = [reporter, *options.callbacks()]
        network.train(
            data.x_train,
            data.y_train,
            epochs=training.epochs,
            learning_rate=training.learning_rate,
            batch_size=training.batch_size,
            validation_data=data.validation_data,  # None with data.validation_split 0
            shuffle=training.shuffle,
            optimizer=options.optimizer,
            l2=options.l2,
            gradient_clip_norm=options.gradient_clip_norm,
            callbacks=callbacks,
            should_stop=self._checkpoint,
        )
        self._clock.stop()
        reporter.end(self.record.epochs_done)

    def _checkpoint(self) -> bool:
        """Between two batches: carry out requests; park while paused; True to stop."""
        control = self.control
        if control.drain():
            return True
        if not control.is_paused:
            return False
        epoch = self.record.epochs_done
        self._emit(RunPaused(epoch=epoch))
        with self._clock.paused():
            stop = control.wait_while_paused()
        if not stop:
            self._emit(RunResumed(epoch=epoch))
        return stop

    def _finish(self, network: NeuralNetwork, data: RunData) -> dict[str, Any]:
        status = self._end_status(network)
        self.control.close()  # work asked for before the end runs now, on the final weights
        test = network.evaluate(data.x_test, data.y_test)
        results = self._results(status, test=test)
        self._log.info(
            "run %s: epochs=%d test=%s wall_time_s=%.3f samples_per_s=%.0f (%s)",
            status,
            self.record.epochs_done,
            results["test"],
            results["wall_time_s"],
            results["samples_per_s"],
            results["stop_message"],
        )
        self._emit(
            RunFinished(status=status, stop_message=results["stop_message"], results=results)
        )
        return results

    def _fail(self, status: FinalStatus, reason: str) -> dict[str, Any]:
        self._clock.stop()
        results = self._results(status, stop_message=reason)
        self._log.error("run failed: %s", reason)
        self._emit(RunFailed(status=status, reason=reason, results=results))
        self.control.close()
        return results

    def _results(
        self,
        status: FinalStatus,
        *,
        test: Mapping[str, float] | None = None,
        stop_message: str | None = None,
    ) -> dict[str, Any]:
        return build_results(
            self.record,
            status=status,
            wall_time_s=time.perf_counter() - self._started,
            test=test,
            stop_message=stop_message,
            train_seconds=self._clock.elapsed(),
        )

    def _end_status(self, network: NeuralNetwork) -> FinalStatus:
        if network.stop_reason == "early_stopped":
            return "early_stopped"
        done, planned = self.record.epochs_done, self.config.training.epochs
        if network.stop_reason == "interrupted" or (self.control.stop_requested and done < planned):
            return "interrupted"
        return "completed"

    def _emit(self, event: RunEvent) -> None:
        self.record.apply(event)
        if self._on_event is not None:
            self._on_event(event)

    def _log_start(self, network: NeuralNetwork, data: RunData) -> None:
        for line in data.warnings:
            self._log.warning("data: %s", line)
        self._log.info(
            "run started: task=%s source=%s rows train=%d validation=%d test=%d layers=%s "
            "activations=%s loss=%s optimizer=%s params=%d seed=%d",
            self.config.task,
            data.source,
            data.n_train,
            data.n_validation,
            data.n_test,
            network.layer_sizes,
            network.activations,
            network.loss,
            self._options().optimizer_text,
            network.parameter_count,
            self.seed,
        )

    # -- after a run (or from the training thread: an on_event call, a submitted job) --

    @property
    def status(self) -> FinalStatus | None:
        """How the run ended, once it did (``None`` before)."""
        return self.record.status

    @property
    def seed(self) -> int:
        """The random seed for data and weight initialisation."""
        return self.config.data.random_seed

    @property
    def epochs(self) -> int:
        """Epochs planned for this run."""
        return self.config.training.epochs

    def predict(self, x: ArrayLike) -> FloatArray:
        """The network's output for raw inputs (normalised as the training data was).

        Call it when no batch is in progress: from an ``on_event`` callback,
        through ``control.submit``, or after the run.

        Raises:
            SaveModelError: no network has been built yet.
        """
        network, data = self._built()
        return network.predict(data.normalize(x))

    def model_metadata(self) -> dict[str, Any]:
        """What a saved model needs besides its weights to be used on new data."""
        _, data = self._built()
        return {
            "normalization": {
                "mean": [float(value) for value in data.standardizer.mean],
                "std": [float(value) for value in data.standardizer.std],
            },
            "class_names": None if data.class_names is None else list(data.class_names),
            "feature_names": list(data.feature_names),
            "task": self.config.task,
            "data_source": data.source,
            "target": self.config.data.target if data.source == "csv" else None,
            "epochs_completed": self.record.epochs_done,
            "seed": self.seed,
            "nntui_version": __version__,
        }

    def save_model(self, path: str | os.PathLike[str]) -> Path:
        """Save the network with what ``nntui predict`` needs, atomically.

        The file holds the weights and :meth:`model_metadata`. Safe after a
        run, or in the training thread (``control.submit(lambda: runner.save_model(p))``
        runs it between batches or while paused).

        Args:
            path: the ``.npz`` file to write (its folder is created when missing).

        Returns:
            The path written.

        Raises:
            SaveModelError: there is no network yet, or the run diverged (its
                weights are not finite).
            OSError: the file cannot be written; an existing file is left as it was.
        """
        network, _ = self._built()
        if self.status == "diverged":
            raise SaveModelError(
                f"the run diverged, so its weights are not finite: no model was saved; {self._hint}"
            )
        return Path(network.save(path, metadata=self.model_metadata()))

    def _built(self) -> tuple[NeuralNetwork, RunData]:
        if self.network is None or self.data is None:
            raise SaveModelError("there is no network yet: the run has not built one")
        return self.network, self.data

    def _options(self) -> TrainingOptions:
        if self.options is None:
            self.options = training_options(self.config.training)
        return self.options
