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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nntui._version import __version__
from nntui.config import Config, Task, load_config, with_overrides
from nntui.datasets import DataSourceError
from nntui.nn.arrays import ArrayLike, FloatArray
from nntui.nn.callbacks import Callback
from nntui.nn.checkpoint import Checkpoint, CheckpointAtEnd, capture, restore
from nntui.nn.network import NeuralNetwork, TrainingDiverged
from nntui.training.classification import split_quality
from nntui.training.control import RunControl
from nntui.training.datasets import RunData, load_run_data
from nntui.training.divergence import LEARNING_RATE_HINT, divergence_hint, explosion_of
from nntui.training.events import (
    EpochEnded,
    Explosion,
    FinalStatus,
    RunEvent,
    RunFailed,
    RunFinished,
    RunPaused,
    RunResumed,
)
from nntui.training.hooks import EpochHook
from nntui.training.measurements import ClassQuality
from nntui.training.options import TrainingOptions, training_options
from nntui.training.record import RunRecord
from nntui.training.reporting import EpochReporter, TrainingClock, probe_rows, started_event
from nntui.training.results import build_results
from nntui.training.task import network_plan

__all__ = ["NetworkRunner", "Resume", "SaveModelError", "probe_rows"]

_NULL_LOGGER = logging.getLogger("nntui.null")
_NULL_LOGGER.addHandler(logging.NullHandler())
_NULL_LOGGER.propagate = False

DIVERGED_HINT = LEARNING_RATE_HINT


@dataclass(frozen=True)
class Resume:
    """How a run continues an earlier one.

    Attributes:
        checkpoint: the earlier run's training state after its last epoch.
        epochs: its ``EpochEnded`` events, replayed (re-numbered to the new
            plan) so the record, the streams and the faces see the whole run.
    """

    checkpoint: Checkpoint
    epochs: tuple[EpochEnded, ...] = ()


class SaveModelError(RuntimeError):
    """There is no model worth saving: nothing was built yet, or the run diverged."""


class NetworkRunner:
    """Build data and a network from a validated config, train it, emit events.

    The faces (headless command, monitor) build it from the :class:`Config`
    they loaded. From Python it also takes a config *file*, as the reference
    project's runner does: ``NetworkRunner()`` looks the config up as the
    ``nntui`` command does (``./config.yaml``, else the packaged default; the
    ``.env`` and environment overrides apply), ``NetworkRunner("exp.yaml")``
    or ``NetworkRunner(config_path="exp.yaml")`` reads that file. Then
    :meth:`run_classification`, :meth:`run_regression` or :meth:`run` train
    and return the flat results (test ``loss`` and ``accuracy``/``r2``,
    ``history``, and the rest of the results document). One runner may run
    several times, one after the other; each run starts afresh.

    Args:
        config: the validated config (``config.task`` decides the output
            head), or the path of a config file, or None for the lookup.
        config_path: the path of a config file (the reference's keyword);
            give it or ``config``, not both.
        on_event: called with each event, synchronously, from the thread that
            runs :meth:`run`: ``RunStarted``, ``EpochEnded`` × n (with
            ``RunPaused``/``RunResumed`` around pauses), then exactly one
            ``RunFinished`` or ``RunFailed``.
        control: stop/pause/step/submit from another thread; a fresh one if omitted.
        logger: where the run's start, epochs (DEBUG), result and failures go.
        hooks: per-epoch work of a face (e.g. the decision-boundary grid).
        resume: continue a run from its checkpoint: its epochs (replayed as
            events after ``RunStarted``) and the exact training state; the run
            then trains ``config.training.epochs`` minus the epochs done.
        data: the run's data, already read for ``config`` (e.g. by a face that
            checked it could be read before stopping another run); read by
            :meth:`prepare` when omitted.

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
        config: Config | str | os.PathLike[str] | None = None,
        *,
        config_path: str | os.PathLike[str] | None = None,
        on_event: Callable[[RunEvent], None] | None = None,
        control: RunControl | None = None,
        logger: logging.Logger | None = None,
        hooks: Sequence[EpochHook] = (),
        resume: Resume | None = None,
        data: RunData | None = None,
    ) -> None:
        self.config = config = _config_from(config, config_path)
        self.resume = resume
        self._given_data = data
        self.control = control if control is not None else RunControl()
        self.record = RunRecord(config=config)
        self.network: NeuralNetwork | None = None
        self.data: RunData | None = None
        self.options: TrainingOptions | None = None
        self._on_event = on_event
        self._listeners: list[Callable[[RunEvent], None]] = []
        self._at_end: CheckpointAtEnd | None = None
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
        data = self._given_data if self._given_data is not None else load_run_data(self.config)
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
        if self.resume is not None:
            options = self.options
            restore(
                self.resume.checkpoint,
                self.network,
                optimizer=options.optimizer,
                schedule=options.lr_schedule,
                early_stopping=options.early_stopping,
            )
        self.data = data

    def run_classification(self) -> dict[str, Any]:
        """Run the configured experiment as a classification task; see :meth:`run`."""
        return self.run("classification")

    def run_regression(self) -> dict[str, Any]:
        """Run the configured experiment as a regression task; see :meth:`run`."""
        return self.run("regression")

    def run(self, task: Task | None = None) -> dict[str, Any]:
        """Train once and return the results, flat.

        The return value is the results document (``status``, ``history``,
        ``test``, ``architecture``, ... as ``--output`` writes it) with the
        test set's metrics also at the top: ``loss`` and ``accuracy`` (or
        ``r2``). A failed run has no test metrics there.

        Args:
            task: ``"classification"`` or ``"regression"``; None runs
                ``config.task``. Another task than the config's rebuilds the
                config for it (the data source must serve it).

        Never raises for a run that fails: bad data, a diverged, stopped or
        failed run end in ``RunFailed``/``RunFinished`` like any other.

        Raises:
            ConfigError: ``task`` is not one the data source serves.
        """
        self._start_over(task)
        results = self._run()
        return {**results, **(results.get("test") or {})}

    def _start_over(self, task: Task | None) -> None:
        """Before a run: switch the config to ``task``; reset what an earlier run left."""
        if task is not None and task != self.config.task:
            self.config = with_overrides(self.config, {"task": task})
        if self.record.phase.is_final or self.record.config is not self.config:
            self.record = RunRecord(config=self.config)
            self.network = self.data = self.options = None
            if self.control.is_closed:
                self.control = RunControl()

    def _run(self) -> dict[str, Any]:
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
            return self._fail(
                "diverged", f"{diverged} — {self._hint}", explosion=explosion_of(diverged)
            )
        except Exception as error:  # a face must hear about any failure, not crash
            self._log.exception("run failed with an unexpected error")
            return self._fail("error", f"{type(error).__name__}: {error}")
        return self._finish(network, data)

    def _train(self, network: NeuralNetwork, data: RunData) -> None:
        training, options = self.config.training, self._options()
        self._clock = TrainingClock(already=self._trained_before())
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
        self._at_end = CheckpointAtEnd(self._capture)  # before early stopping restores weights
        callbacks.insert(1, self._at_end)
        done = 0
        if self.resume is not None:
            for event in self.resume.epochs:
                self._emit(event)
            done = self.resume.checkpoint.epoch
        network.train(
            data.x_train,
            data.y_train,
            epochs=training.epochs,
            initial_epoch=min(done, training.epochs),
            learning_rate=training.learning_rate,
            batch_size=training.batch_size,
            validation_data=data.validation_data,  # None with data.validation_split 0
            shuffle=training.shuffle,
            optimizer=options.optimizer,
            l2=options.l2,
            gradient_clip_norm=options.gradient_clip_norm,
            callbacks=callbacks,
            should_stop=self._checkpoint,
            verbose=False,
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
        quality = split_quality(network, data, "test")  # the confusion matrix; None for regression
        results = self._results(status, test=test, classification=quality)
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

    def _fail(
        self, status: FinalStatus, reason: str, *, explosion: Explosion | None = None
    ) -> dict[str, Any]:
        self._clock.stop()
        results = self._results(status, stop_message=reason, explosion=explosion)
        self._log.error("run failed: %s", reason)
        self._emit(RunFailed(status=status, reason=reason, results=results, explosion=explosion))
        self.control.close()
        return results

    def _results(
        self,
        status: FinalStatus,
        *,
        test: Mapping[str, float] | None = None,
        stop_message: str | None = None,
        classification: ClassQuality | None = None,
        explosion: Explosion | None = None,
    ) -> dict[str, Any]:
        return build_results(
            self.record,
            status=status,
            wall_time_s=time.perf_counter() - self._started,
            test=test,
            classification=classification,
            stop_message=stop_message,
            train_seconds=self._clock.elapsed(),
            explosion=explosion,
        )

    def _end_status(self, network: NeuralNetwork) -> FinalStatus:
        if network.stop_reason == "early_stopped":
            return "early_stopped"
        done, planned = self.record.epochs_done, self.config.training.epochs
        if network.stop_reason == "interrupted" or (self.control.stop_requested and done < planned):
            return "interrupted"
        return "completed"

    def _trained_before(self) -> float:
        """Training seconds of the run this one continues (0 for a new run)."""
        epochs = () if self.resume is None else self.resume.epochs
        return epochs[-1].elapsed_s if epochs else 0.0

    def add_listener(self, listener: Callable[[RunEvent], None]) -> None:
        """Hear every event too, after ``on_event`` (e.g. the run store's recorder).

        Add listeners before :meth:`run`; a listener is called in the training
        thread and must not raise.
        """
        self._listeners.append(listener)

    def _emit(self, event: RunEvent) -> None:
        self.record.apply(event)
        if self._on_event is not None:
            self._on_event(event)
        for listener in self._listeners:
            listener(event)

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

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Predictions for raw inputs (normalised as the training data was).

        Integer class labels for classification, values for regression (see
        :meth:`NeuralNetwork.predict`). Call it when no batch is in progress:
        from an ``on_event`` callback, through ``control.submit``, or after the run.

        Raises:
            SaveModelError: no network has been built yet.
        """
        network, data = self._built()
        return network.predict(data.normalize(x))

    def predict_proba(self, x: ArrayLike) -> FloatArray:
        """Class probabilities for raw inputs (see :meth:`NeuralNetwork.predict_proba`).

        Raises:
            SaveModelError: no network has been built yet.
            ValueError: the run is a regression.
        """
        network, data = self._built()
        return network.predict_proba(data.normalize(x))

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

    def checkpoint(self) -> Checkpoint:
        """The exact training state, to continue the run later (``Resume``).

        Once training ended it is the state at its end, before early stopping
        put the best weights back (so a continued run follows the same path);
        before that, the state now. Call it when no batch is in progress: from
        an ``on_event`` callback (``RunFinished``), through ``control.submit``,
        or after the run.

        Raises:
            SaveModelError: no network has been built yet.
        """
        if self._at_end is not None and self._at_end.checkpoint is not None:
            return self._at_end.checkpoint
        return self._capture()

    def _capture(self) -> Checkpoint:
        network, _ = self._built()
        options = self._options()
        return capture(
            network,
            epoch=self.record.epochs_done,
            optimizer=options.optimizer,
            schedule=options.lr_schedule,
            early_stopping=options.early_stopping,
        )

    def _built(self) -> tuple[NeuralNetwork, RunData]:
        if self.network is None or self.data is None:
            raise SaveModelError("there is no network yet: the run has not built one")
        return self.network, self.data

    def _options(self) -> TrainingOptions:
        if self.options is None:
            self.options = training_options(self.config.training)
        return self.options


def _config_from(
    config: Config | str | os.PathLike[str] | None, config_path: str | os.PathLike[str] | None
) -> Config:
    """The runner's config: as given, or loaded from a file (or the CLI's lookup)."""
    if config is not None and config_path is not None:
        raise TypeError("NetworkRunner takes a config or a config_path, not both")
    if isinstance(config, Config):
        return config
    path = config if config is not None else config_path
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"config must be a Config or the path of a config file, got {path!r}")
    return load_config(None if path is None else Path(path)).config
