"""The one training loop of the app: a config becomes data, a network and events.

Both faces — the headless command and the Textual monitor — drive a
:class:`NetworkRunner` and only listen to the events it emits; neither trains
on its own. The runner never prints and never draws.
"""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nntui._version import __version__
from nntui.config import ConfigError, fill_defaults, network_layer_sizes, resolve_task
from nntui.nn.diagnostics import probe_diagnostics
from nntui.nn.network import NeuralNetwork, TrainingDiverged
from nntui.nn.tabular import DataSourceError
from nntui.training.boundary import (
    BoundaryComputed,
    BoundaryProducer,
    BoundaryRequest,
    plane_extent,
    point_labels,
)
from nntui.training.control import RunControl
from nntui.training.datasets import RunData, load_run_data
from nntui.training.events import (
    EpochEnded,
    LayerInfo,
    RunEvent,
    RunFailed,
    RunFinished,
    RunStarted,
)
from nntui.training.options import TrainingOptions, training_options
from nntui.training.results import SCHEMA_VERSION

PROBE_ROWS = 256
"""At most this many training rows form the fixed probe batch of the per-layer diagnostics."""
PROBE_SHARE = 8
"""The probe is at most 1/PROBE_SHARE of the training set (its forward pass is extra work)."""
MIN_PROBE_ROWS = 32

_NULL_LOGGER = logging.getLogger("nntui.null")
_NULL_LOGGER.addHandler(logging.NullHandler())
_NULL_LOGGER.propagate = False


class SaveModelError(RuntimeError):
    """There is no model worth saving: nothing was built yet, or the run diverged."""


class NetworkRunner:
    """Build data and a network from a validated config, train it, emit events.

    Args:
        config: a validated config dict (``nntui.config.load_config(...).data``);
            keys it lacks take their defaults.
        task: ``"classification"`` or ``"regression"``; the task decides the
            output head (see ``nntui.config.output_head``) and must be one the
            data source serves (see ``nntui.config.resolve_task``).
        on_event: called with each event, synchronously, from the thread that
            runs :meth:`run`: ``RunStarted``, ``EpochEnded`` × n, then exactly
            one ``RunFinished`` or ``RunFailed``. With ``boundary``, a
            ``BoundaryComputed`` may follow an ``EpochEnded``, and one always
            comes just before ``RunFinished``.
        control: stop/pause/resume from another thread; a fresh one if omitted.
        logger: where the run's start, epochs (DEBUG), result and failures go.
        boundary: a face's wish for decision-boundary grids (see
            :mod:`nntui.training.boundary`); honoured for networks with 2 inputs.

    Example:
        >>> from nntui.config import default_config, with_overrides
        >>> cfg = with_overrides(default_config(), {"training.epochs": 2})
        >>> results = NetworkRunner(cfg, "classification").run()
        >>> results["status"]
        'completed'
    """

    def __init__(
        self,
        config: Mapping[str, Any],
        task: str = "classification",
        *,
        on_event: Callable[[RunEvent | BoundaryComputed], None] | None = None,
        control: RunControl | None = None,
        logger: logging.Logger | None = None,
        boundary: BoundaryRequest | None = None,
    ) -> None:
        self.config: dict[str, Any] = fill_defaults(config)
        self.task = task
        self.control = control or RunControl()
        self.network: NeuralNetwork | None = None
        self.data: RunData | None = None
        self.options: TrainingOptions | None = None
        self.status: str | None = None
        self._emit = on_event or (lambda event: None)
        self._log = logger or _NULL_LOGGER
        self._history: dict[str, list[float]] = {}
        self._last_epoch: EpochEnded | None = None
        self._epochs_done = 0
        self._train_seconds = 0.0
        self._probe: np.ndarray | None = None
        self.boundary = boundary
        self._producer: BoundaryProducer | None = None
        self._between_lock = threading.Lock()
        self._between_epochs: list[Callable[[], None]] = []
        self._accepting_calls = False
        self._parked = threading.Event()
        self._hold = threading.Lock()

    # -- the run -----------------------------------------------------------

    def prepare(self) -> None:
        """Check the task, read or generate the data and build the network (once).

        :meth:`run` calls it; call it first to hear about bad data before
        training, e.g. to exit with a usage error.

        Raises:
            DataSourceError: the data file cannot be used; the message names it.
            ConfigError: the data source cannot serve the task.
        """
        if self.network is not None:
            return
        resolve_task(self.config, self.task, source="config")
        options = training_options(self.config)
        data = load_run_data(self.config, self.task)
        self._probe = np.ascontiguousarray(data.x_train[: probe_rows(data.n_train)])
        self.data, self.options = data, options
        self.network = self._build_network(data)

    def run(self) -> dict[str, Any]:
        """Train once and return the results document.

        Never raises: bad data, a diverged, stopped or failed run end in
        ``RunFailed``/``RunFinished`` like any other.
        """
        started = time.perf_counter()
        try:
            self.prepare()
        except (DataSourceError, ConfigError) as error:
            return self._fail("error", str(error), started)
        except Exception as error:  # a face must hear about any failure, not crash
            self._log.exception("run setup failed with an unexpected error")
            return self._fail("error", f"{type(error).__name__}: {error}", started)
        network, data = self.network, self.data
        assert network is not None and data is not None
        self._open_between_epochs()
        try:
            self._emit(self._started_event(network, data))
            self._log.info(
                "run started: task=%s source=%s layers=%s activations=%s loss=%s "
                "optimizer=%s params=%d seed=%d",
                self.task,
                data.source,
                network.layer_sizes,
                network.activations,
                network.loss,
                self.options.optimizer_text if self.options else "sgd",
                network.parameter_count,
                self.seed,
            )
            self._train(network, data)
        except TrainingDiverged as diverged:
            self._history = dict(diverged.history)
            self._close_between_epochs(run_them=False)
            return self._fail(
                "diverged", f"{diverged} — try a lower training.learning_rate", started
            )
        except Exception as error:  # a face must hear about any failure, not crash
            self._log.exception("run failed with an unexpected error")
            self._close_between_epochs(run_them=False)
            return self._fail("error", f"{type(error).__name__}: {error}", started)

        status = self._end_status(network)
        self._final_boundary()
        self._close_between_epochs(run_them=True)
        test = network.evaluate(data.x_test, data.y_test)
        results = self._results(status, test, started)
        self._log.info(
            "run %s: epochs=%d test=%s wall_time_s=%.3f samples_per_s=%.0f (%s)",
            status,
            self._epochs_done,
            results["test"],
            results["wall_time_s"],
            results["samples_per_s"],
            results["stop_message"],
        )
        self._emit(RunFinished(results=results))
        return results

    def _fail(self, status: str, reason: str, started: float) -> dict[str, Any]:
        self.status = status
        results = self._results(status, None, started, stop_message=reason)
        self._log.error("run failed: %s", reason)
        self._emit(RunFailed(reason=reason, status=status, results=results))
        return results

    def _end_status(self, network: NeuralNetwork) -> str:
        reason = getattr(network, "stop_reason", None)
        if reason == "early_stopped":
            status = "early_stopped"
        elif reason == "interrupted" or (
            self.control.stop_requested and self._epochs_done < self.epochs
        ):
            status = "interrupted"
        else:
            status = "completed"
        self.status = status
        return status

    # -- calls from another thread ------------------------------------------------

    def call_between_epochs(self, callback: Callable[[], None]) -> bool:
        """Run ``callback`` in the training thread after the current epoch.

        For work that must not overlap a batch (e.g. :meth:`save_model` while
        training). The callback runs after the epoch's event; it must not raise
        (an exception is logged and dropped). A run that ends first still runs
        the callbacks it accepted, before ``RunFinished`` (not after a failure).

        Returns:
            True if the callback was queued; False when the run is not training
            (not started, or over): then no batch can overlap, call it yourself.
        """
        with self._between_lock:
            if not self._accepting_calls:
                return False
            self._between_epochs.append(callback)
            return True

    @property
    def is_parked(self) -> bool:
        """True while a paused run waits between two batches (its weights hold still)."""
        return self._parked.is_set()

    def call_if_parked(self, callback: Callable[[], None]) -> bool:
        """Run ``callback`` now, in this thread, if the run is parked in a pause.

        The run cannot leave the pause until the callback returns, so it may
        read or save the network (e.g. :meth:`save_model` while paused).

        Returns:
            True if the callback ran; False when the run is not parked (it may
            be training: see :meth:`call_between_epochs`).
        """
        with self._hold:
            if not self._parked.is_set():
                return False
            callback()
            return True

    def _open_between_epochs(self) -> None:
        with self._between_lock:
            self._accepting_calls = True

    def _run_between_epochs(self) -> None:
        with self._between_lock:
            callbacks, self._between_epochs = self._between_epochs, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # a face's callback must never end the run
                self._log.exception("a between-epochs callback failed")

    def _close_between_epochs(self, *, run_them: bool) -> None:
        with self._between_lock:
            self._accepting_calls = False
        if run_them:
            self._run_between_epochs()
        else:
            with self._between_lock:
                self._between_epochs = []

    # -- decision boundary --------------------------------------------------------

    def _boundary_producer(self, network: NeuralNetwork, data: RunData) -> BoundaryProducer | None:
        """A producer of boundary grids, when a face wants them and the network has 2 inputs."""
        if self.boundary is None or data.n_features != 2:
            return None
        extent = plane_extent(data.input_extent, data.x_train_raw, data.x_test_raw)
        if extent is None:
            return None
        kind = "classification" if self.task == "classification" else "regression"
        return BoundaryProducer(
            self.boundary,
            network,
            data.standardizer,
            extent,
            kind,
            data.x_test_raw,
            point_labels(data.y_test, kind),
            self._emit,
        )

    def boundary_now(self, rows: int, cols: int) -> BoundaryComputed | None:
        """The decision-boundary grid of the network as it is now, at ``rows`` × ``cols``.

        For a face that needs a grid when no epoch will end any more (the run is
        over and its panel was resized). Call it when no batch is in progress.

        Returns:
            The grid (not emitted), or ``None`` when this run makes no grids
            (no ``boundary`` request, or not 2 inputs).
        """
        producer = self._producer
        if producer is None:
            return None
        return producer.compute(self._epochs_done, rows, cols, final=True)

    def _epoch_boundary(self, producer: BoundaryProducer, epoch: int, *, force: bool) -> None:
        try:
            producer.after_epoch(epoch, force=force)
        except Exception:  # a picture must never cost the run its results
            self._log.exception("computing the decision boundary failed; no more grids")
            self._producer = None

    def _final_boundary(self) -> None:
        """The grid of the network the run ended with (best weights restored, if so)."""
        if self._producer is None:
            return
        try:
            self._producer.final(self._epochs_done)
        except Exception:  # a picture must never cost the run its results
            self._log.exception("computing the final decision boundary failed")

    # -- after a run -------------------------------------------------------------

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The network's output for raw inputs (normalised as the training data was).

        Call it when no epoch is in progress: from an ``on_event`` callback
        (the training thread, between epochs), while paused, or after the run.

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
            "task": self.task,
            "data_source": data.source,
            "target": self.config["data"]["target"] if data.source == "csv" else None,
            "epochs_completed": self._epochs_done,
            "seed": self.seed,
            "nntui_version": __version__,
        }

    def save_model(self, path: str | Path) -> Path:
        """Save the network with what ``nntui predict`` needs, atomically.

        The file holds the weights and :meth:`model_metadata` (normalisation,
        class and feature names, task, data source, nntui version). Safe after
        a run, while it is paused, or from an ``on_event`` callback.

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
                "the run diverged, so its weights are not finite: no model was saved; "
                "try a lower training.learning_rate"
            )
        return Path(network.save(path, metadata=self.model_metadata()))

    def _built(self) -> tuple[NeuralNetwork, RunData]:
        if self.network is None or self.data is None:
            raise SaveModelError("there is no network yet: the run has not built one")
        return self.network, self.data

    # -- building blocks -----------------------------------------------------

    @property
    def seed(self) -> int:
        """The random seed for data and weight initialisation."""
        return int(self.config["data"]["random_seed"])

    @property
    def epochs(self) -> int:
        """Epochs planned for this run."""
        return int(self.config["training"]["epochs"])

    def _build_network(self, data: RunData) -> NeuralNetwork:
        layer_sizes, activations, loss = network_layer_sizes(
            self.config, data.n_features, self.task, data.n_classes
        )
        return NeuralNetwork(
            layer_sizes,
            activations,
            loss=loss,
            weight_init=self.config["network"]["weight_init"],
            seed=self.seed,
            dtype=self.config["training"]["dtype"],
        )

    def _started_event(self, network: NeuralNetwork, data: RunData) -> RunStarted:
        layers = tuple(
            LayerInfo(name=name, output_shape=shape, activation=activation, parameters=int(params))
            for name, shape, activation, params in network.layer_table()
        )
        options = self.options
        return RunStarted(
            task=self.task,
            summary=network.summary(),
            layers=layers,
            config=copy.deepcopy(self.config),
            epochs=self.epochs,
            n_train=data.n_train,
            n_test=data.n_test,
            loss=network.loss,
            learning_rate=float(self.config["training"]["learning_rate"]),
            parameter_count=int(network.parameter_count),
            seed=self.seed,
            n_features=data.n_features,
            optimizer=options.optimizer_text if options else "sgd",
            lr_schedule=options.lr_schedule_text if options else "constant",
            early_stopping=options.early_stopping_text if options else None,
            data_source=data.source,
            class_names=data.class_names,
            feature_names=data.feature_names,
            input_extent=data.input_extent,
        )

    def _train(self, network: NeuralNetwork, data: RunData) -> None:
        training = self.config["training"]
        n_train = data.n_train
        clock = _TrainingClock()
        control = self.control
        probe = self._probe
        options = self.options or training_options(self.config)

        self._producer = self._boundary_producer(network, data)
        parked = self._parked

        hold = self._hold

        def should_stop() -> bool:
            if control.is_paused:
                with clock.paused():
                    parked.set()
                    try:
                        stop = control.should_stop()
                    finally:
                        parked.clear()
                    with hold:  # let a call_if_parked that started in time finish first
                        return stop
            return control.should_stop()

        def on_epoch_end(epoch: int, logs: Mapping[str, Any]) -> None:
            self._epochs_done = epoch
            elapsed = clock.elapsed()
            self._train_seconds = elapsed
            extras = _epoch_extras(logs)
            if probe is not None and len(probe):
                extras["diagnostics"] = [
                    _plain_dict(vars(layer)) for layer in probe_diagnostics(network, probe)
                ]
            event = _epoch_event(epoch, self.epochs, logs, elapsed, epoch * n_train, extras)
            self._last_epoch = event
            self._log.debug(
                "epoch %d/%d loss=%.6g val_loss=%s lr=%s",
                epoch,
                self.epochs,
                event.loss,
                event.val_loss,
                event.learning_rate,
            )
            # A step ends here: pausing first lets a face see that this epoch is
            # the last one for a while (and show it at once).
            control.end_of_epoch()
            self._emit(event)
            if self._producer is not None:
                self._epoch_boundary(self._producer, epoch, force=control.is_paused)
            self._run_between_epochs()

        self._history = network.train(
            data.x_train,
            data.y_train,
            epochs=self.epochs,
            learning_rate=float(training["learning_rate"]),
            batch_size=int(training["batch_size"]),
            validation_data=(data.x_test, data.y_test),
            shuffle=bool(training["shuffle"]),
            on_epoch_end=on_epoch_end,
            should_stop=should_stop,
            **options.train_kwargs(),
        )
        self._train_seconds = clock.elapsed()

    # -- the results document ------------------------------------------------------

    def _results(
        self,
        status: str,
        test: Mapping[str, float] | None,
        started: float,
        stop_message: str | None = None,
    ) -> dict[str, Any]:
        network, data, options = self.network, self.data, self.options
        samples = self._epochs_done * (data.n_train if data is not None else 0)
        architecture: dict[str, Any] = {}
        if network is not None:
            architecture = {
                "layer_sizes": [int(size) for size in network.layer_sizes],
                "activations": list(network.activations),
                "loss": network.loss,
                "weight_init": network.weight_init,
                "dtype": str(network.dtype),
                "parameter_count": int(network.parameter_count),
            }
        if options is not None:
            architecture["optimizer"] = options.optimizer_text
            architecture["lr_schedule"] = options.lr_schedule_text
            architecture["early_stopping"] = options.early_stopping_text
        history = {key: [float(v) for v in values] for key, values in self._history.items()}
        best = self._best(history)
        return {
            "schema_version": SCHEMA_VERSION,
            "version": __version__,
            "status": status,
            "stop_message": stop_message or self._stop_message(status, best),
            "task": self.task,
            "config": copy.deepcopy(self.config),
            "architecture": architecture,
            "data": _data_block(data, self.config),
            "history": history,
            "test": {key: float(value) for key, value in test.items()} if test else None,
            "epochs_completed": self._epochs_done,
            "best_epoch": best[1],
            "best": {"monitor": best[0], "epoch": best[1], "value": best[2]},
            "diagnostics": self._last_epoch.layer_diagnostics() if self._last_epoch else [],
            "wall_time_s": round(time.perf_counter() - started, 6),
            "samples_per_s": samples / self._train_seconds if self._train_seconds > 0 else 0.0,
            "seed": self.seed,
        }

    def _monitor(self) -> str:
        stopping = self.config["training"]["early_stopping"]
        return str(stopping["monitor"]) if stopping["enabled"] else "val_loss"

    def _best(self, history: Mapping[str, Sequence[float]]) -> tuple[str, int | None, float | None]:
        """``(monitor, best epoch, best value)``: the early stopper's, else from the history."""
        monitor = self._monitor()
        network = self.network
        epoch = getattr(network, "best_epoch", None) if network is not None else None
        if epoch is not None:
            value = getattr(network, "best_value", None)
            return monitor, int(epoch), None if value is None else float(value)
        series = [value for value in history.get(monitor, []) if math.isfinite(value)]
        if not series:
            return monitor, None, None
        pick = max if monitor.endswith(("accuracy", "r2")) else min
        value = pick(series)
        return monitor, history[monitor].index(value) + 1, value

    def _stop_message(self, status: str, best: tuple[str, int | None, float | None]) -> str:
        monitor, best_epoch, best_value = best
        if status == "early_stopped":
            stopping = self.config["training"]["early_stopping"]
            kept = (
                f"best epoch {best_epoch} restored"
                if stopping["restore_best_weights"]
                else f"best epoch {best_epoch}; the last epoch's weights kept"
            )
            return (
                f"early stopping: {monitor} did not improve by {stopping['min_delta']:g} "
                f"for {stopping['patience']} epochs; {kept}"
            )
        if status == "interrupted":
            return f"stopped on request after epoch {self._epochs_done} of {self.epochs}"
        if best_epoch is not None and best_value is not None:
            return (
                f"completed {self._epochs_done} epochs; best {monitor} "
                f"{best_value:.4g} at epoch {best_epoch}"
            )
        return f"completed {self._epochs_done} epochs"


def probe_rows(n_train: int) -> int:
    """Rows in the probe batch: an eighth of the training set, between 32 and 256.

    A fixed probe makes the diagnostics comparable from epoch to epoch; keeping
    it small keeps their cost to a few percent of an epoch.
    """
    return min(n_train, PROBE_ROWS, max(MIN_PROBE_ROWS, n_train // PROBE_SHARE))


def _data_block(data: RunData | None, config: Mapping[str, Any]) -> dict[str, Any]:
    if data is None:
        return {"source": config["data"]["source"]}
    block: dict[str, Any] = {
        "source": data.source,
        "n_train": data.n_train,
        "n_test": data.n_test,
        "n_features": data.n_features,
        "feature_names": list(data.feature_names),
        "class_names": None if data.class_names is None else list(data.class_names),
    }
    if data.source == "csv":
        block["path"] = str(config["data"]["path"])
        block["target"] = config["data"]["target"]
    return block


class _TrainingClock:
    """Training time that leaves out the time spent paused."""

    def __init__(self) -> None:
        self._start = time.perf_counter()
        self._paused = 0.0

    def elapsed(self) -> float:
        return time.perf_counter() - self._start - self._paused

    def paused(self) -> _PauseSpan:
        return _PauseSpan(self)


class _PauseSpan:
    def __init__(self, clock: _TrainingClock) -> None:
        self._clock = clock
        self._since = 0.0

    def __enter__(self) -> None:
        self._since = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self._clock._paused += time.perf_counter() - self._since


def _optional(logs: Mapping[str, Any], key: str) -> float | None:
    value = logs.get(key)
    return None if value is None else float(value)


def _finite_or_none(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _plain_dict(values: Mapping[str, Any]) -> dict[str, Any]:
    """A diagnostics dict with plain floats, non-finite ones as ``None``."""
    return {
        str(key): _finite_or_none(value) if isinstance(value, int | float | np.number) else value
        for key, value in values.items()
    }


def _epoch_extras(logs: Mapping[str, Any]) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    if "learning_rate" in logs:
        extras["learning_rate"] = float(logs["learning_rate"])
    for key in ("update_ratios", "weight_norms"):
        if key in logs:
            extras[key] = [_finite_or_none(value) for value in logs[key]]
    return extras


def _epoch_event(
    epoch: int,
    epochs: int,
    logs: Mapping[str, Any],
    elapsed: float,
    samples: int,
    extras: dict[str, Any],
) -> EpochEnded:
    return EpochEnded(
        epoch=epoch,
        epochs=epochs,
        loss=float(logs["loss"]),
        val_loss=_optional(logs, "val_loss"),
        accuracy=_optional(logs, "accuracy"),
        val_accuracy=_optional(logs, "val_accuracy"),
        r2=_optional(logs, "r2"),
        val_r2=_optional(logs, "val_r2"),
        grad_norms=tuple(float(norm) for norm in logs.get("grad_norms", ())),
        elapsed_s=elapsed,
        samples_per_s=samples / elapsed if elapsed > 0 else 0.0,
        extras=extras,
    )
