"""The one training loop of the app: a config becomes data, a network and events.

Both faces — the headless command and the Textual monitor — drive a
:class:`NetworkRunner` and only listen to the events it emits; neither trains
on its own. The runner never prints and never draws.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from nntui._version import __version__
from nntui.config import network_layer_sizes, output_head
from nntui.nn.data import generate_classification_data, generate_regression_data, normalize_features
from nntui.nn.network import NeuralNetwork, TrainingDiverged
from nntui.training.control import RunControl
from nntui.training.events import (
    EpochEnded,
    LayerInfo,
    RunEvent,
    RunFailed,
    RunFinished,
    RunStarted,
)
from nntui.training.results import SCHEMA_VERSION

_NULL_LOGGER = logging.getLogger("nntui.null")
_NULL_LOGGER.addHandler(logging.NullHandler())
_NULL_LOGGER.propagate = False


@dataclass(frozen=True)
class Dataset:
    """Normalised train/test arrays for one run, targets shaped for the head."""

    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


class NetworkRunner:
    """Build data and a network from a validated config, train it, emit events.

    Args:
        config: a validated config dict (``nntui.config.load_config(...).data``).
        task: ``"classification"`` or ``"regression"``; the task decides the
            output head (see ``nntui.config.output_head``).
        on_event: called with each event, synchronously, from the thread that
            runs :meth:`run`: ``RunStarted``, ``EpochEnded`` × n, then exactly
            one ``RunFinished`` or ``RunFailed``.
        control: stop/pause/resume from another thread; a fresh one if omitted.
        logger: where the run's start, epochs (DEBUG), result and failures go.

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
        on_event: Callable[[RunEvent], None] | None = None,
        control: RunControl | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self.config: dict[str, Any] = copy.deepcopy(dict(config))
        self.task = task
        self.control = control or RunControl()
        self.network: NeuralNetwork | None = None
        self._emit = on_event or (lambda event: None)
        self._log = logger or _NULL_LOGGER
        self._history: dict[str, list[float]] = {}
        self._epochs_done = 0
        self._n_train = 0
        self._train_seconds = 0.0

    # -- the run -----------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Train once and return the results document; never raises for a
        diverged, stopped or failed run (those end in ``RunFailed``/``RunFinished``).
        """
        started = time.perf_counter()
        try:
            data = self._build_data()
            self._n_train = int(data.x_train.shape[0])
            network = self._build_network(data.x_train.shape[1])
            self.network = network
            self._emit(self._started_event(network, data))
            self._log.info(
                "run started: task=%s layers=%s activations=%s loss=%s params=%d seed=%d",
                self.task,
                network.layer_sizes,
                network.activations,
                network.loss,
                network.parameter_count,
                self.seed,
            )
            self._train(network, data)
        except TrainingDiverged as diverged:
            self._history = dict(diverged.history)
            reason = f"{diverged} — try a lower training.learning_rate"
            results = self._results("diverged", None, started)
            self._log.error("run failed: %s", reason)
            self._emit(RunFailed(reason=reason, status="diverged", results=results))
            return results
        except Exception as error:  # a face must hear about any failure, not crash
            self._log.exception("run failed with an unexpected error")
            reason = f"{type(error).__name__}: {error}"
            results = self._results("error", None, started)
            self._emit(RunFailed(reason=reason, status="error", results=results))
            return results

        stopped = self.control.stop_requested and self._epochs_done < self.epochs
        status = "interrupted" if stopped else "completed"
        test = network.evaluate(data.x_test, data.y_test)
        results = self._results(status, test, started)
        self._log.info(
            "run %s: epochs=%d test=%s wall_time_s=%.3f samples_per_s=%.0f",
            status,
            self._epochs_done,
            results["test"],
            results["wall_time_s"],
            results["samples_per_s"],
        )
        self._emit(RunFinished(results=results))
        return results

    # -- building blocks -----------------------------------------------------

    @property
    def seed(self) -> int:
        """The random seed for data and weight initialisation."""
        return int(self.config["data"]["random_seed"])

    @property
    def epochs(self) -> int:
        """Epochs planned for this run."""
        return int(self.config["training"]["epochs"])

    def _build_data(self) -> Dataset:
        data_cfg = self.config["data"]
        if self.task == "classification":
            x_train, x_test, y_train, y_test = generate_classification_data(
                n_samples=data_cfg["n_samples"],
                n_features=data_cfg["n_features"],
                n_classes=data_cfg["n_classes"],
                random_seed=self.seed,
                test_size=data_cfg["test_size"],
            )
        elif self.task == "regression":
            x_train, x_test, y_train, y_test = generate_regression_data(
                n_samples=data_cfg["n_samples"],
                n_features=data_cfg["n_features"],
                random_seed=self.seed,
                test_size=data_cfg["test_size"],
            )
        else:
            raise ValueError(f"Unknown task {self.task!r}: use classification or regression")
        x_train, x_test = normalize_features(x_train, x_test)
        _, head_activation, _ = output_head(self.config, self.task)
        if head_activation == "sigmoid":
            # One sigmoid unit predicts P(class 1): keep the one-hot's second column.
            y_train, y_test = y_train[:, 1:2], y_test[:, 1:2]
        return Dataset(x_train, x_test, y_train, y_test)

    def _build_network(self, n_features: int) -> NeuralNetwork:
        layer_sizes, activations, loss = network_layer_sizes(self.config, n_features, self.task)
        return NeuralNetwork(
            layer_sizes,
            activations,
            loss=loss,
            weight_init=self.config["network"]["weight_init"],
            seed=self.seed,
            dtype=self.config["training"]["dtype"],
        )

    def _started_event(self, network: NeuralNetwork, data: Dataset) -> RunStarted:
        layers = tuple(
            LayerInfo(name=name, output_shape=shape, activation=activation, parameters=int(params))
            for name, shape, activation, params in network.layer_table()
        )
        return RunStarted(
            task=self.task,
            summary=network.summary(),
            layers=layers,
            config=copy.deepcopy(self.config),
            epochs=self.epochs,
            n_train=int(data.x_train.shape[0]),
            n_test=int(data.x_test.shape[0]),
            loss=network.loss,
            learning_rate=float(self.config["training"]["learning_rate"]),
            parameter_count=int(network.parameter_count),
            seed=self.seed,
        )

    def _train(self, network: NeuralNetwork, data: Dataset) -> None:
        training = self.config["training"]
        n_train = int(data.x_train.shape[0])
        clock = _TrainingClock()
        control = self.control

        def should_stop() -> bool:
            if control.is_paused:
                with clock.paused():
                    return control.should_stop()
            return control.should_stop()

        def on_epoch_end(epoch: int, logs: Mapping[str, Any]) -> None:
            self._epochs_done = epoch
            elapsed = clock.elapsed()
            self._train_seconds = elapsed
            event = _epoch_event(epoch, self.epochs, logs, elapsed, epoch * n_train)
            self._log.debug(
                "epoch %d/%d loss=%.6g val_loss=%s", epoch, self.epochs, event.loss, event.val_loss
            )
            self._emit(event)
            control.end_of_epoch()

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
        )
        self._train_seconds = clock.elapsed()

    def _results(
        self, status: str, test: Mapping[str, float] | None, started: float
    ) -> dict[str, Any]:
        network = self.network
        samples = self._epochs_done * self._n_train
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
        return {
            "schema_version": SCHEMA_VERSION,
            "version": __version__,
            "status": status,
            "task": self.task,
            "config": copy.deepcopy(self.config),
            "architecture": architecture,
            "history": {key: [float(v) for v in values] for key, values in self._history.items()},
            "test": {key: float(value) for key, value in test.items()} if test else None,
            "epochs_completed": self._epochs_done,
            "wall_time_s": round(time.perf_counter() - started, 6),
            "samples_per_s": samples / self._train_seconds if self._train_seconds > 0 else 0.0,
            "seed": self.seed,
        }


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


def _epoch_event(
    epoch: int, epochs: int, logs: Mapping[str, Any], elapsed: float, samples: int
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
    )
