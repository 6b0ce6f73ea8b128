"""A feed-forward neural network: a stack of dense layers trained by mini-batch descent.

One training step on a batch ``(x, y)``:

1. **Forward**: each layer computes ``a = f(a_below·W + b)``; the last ``a`` is
   the prediction ``p``.
2. **Loss**: ``L(p, y)``, the mean over the batch (:mod:`nntui.nn.losses`).
3. **Backward**: the output layer's ``δ = dL/dz`` comes from the loss (fused
   with softmax/sigmoid where possible); each layer turns its ``δ`` into
   ``dL/dW``, ``dL/db`` and the ``dL/da`` of the layer below
   (:mod:`nntui.nn.layers`).
4. **Update**: ``θ ← θ - η·dL/dθ`` for every parameter ``θ``, with learning
   rate ``η``. All parameters live in one flat vector, so this is one
   vectorised operation for the whole network. (And since every gradient is
   linear in the output ``δ``, the training loop multiplies that small array
   by ``η`` instead of the big gradient vector: the gradients then come out
   as the step ``η·dL/dθ`` itself.)

Step 4 is plain SGD by default; :mod:`nntui.nn.optimizers` has momentum and
Adam, :mod:`nntui.nn.updates` adds L2 weight decay and gradient clipping,
:mod:`nntui.nn.schedules` changes ``η`` between epochs and
:mod:`nntui.nn.early_stopping` ends training when it stops paying off.

An epoch shuffles the training set once, then walks through it in slices of
``batch_size`` (:mod:`nntui.nn.batching`). The training metrics of an epoch
come from the predictions its batches already made (no second pass over the
data), and the per-layer gradient norms are a by-product of the same steps.

A trained network is saved to one ``.npz`` file with :meth:`NeuralNetwork.save`
and read back, bit for bit, with :meth:`NeuralNetwork.load`
(:mod:`nntui.nn.serialization`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np

from nntui.nn.activations import Activation, get_activation
from nntui.nn.batching import EpochBatches
from nntui.nn.data import one_hot
from nntui.nn.early_stopping import EarlyStopping
from nntui.nn.initializers import INITIALIZERS, Initializer, get_initializer
from nntui.nn.layers import DenseLayer, as_float_dtype
from nntui.nn.losses import CLASSIFICATION_LOSSES, Loss, get_loss
from nntui.nn.monitoring import check_monitor
from nntui.nn.optimizers import SGD, Optimizer, make_optimizer
from nntui.nn.schedules import LearningRateSchedule, make_schedule
from nntui.nn.serialization import ModelFileError, read_model_file, write_model_file
from nntui.nn.updates import ParameterUpdate

History = dict[str, list[float]]
EpochCallback = Callable[[int, dict[str, Any]], None]

_PREDICT_CHUNK = 8192  # rows per forward pass in predict(): bounds the memory used
STOP_REASONS = ("completed", "early_stopped", "interrupted", "diverged")
"""The values of :attr:`NeuralNetwork.stop_reason` after training."""


class TrainingDiverged(Exception):  # noqa: N818 (the public name)
    """Training produced a non-finite loss (nan or inf) and was stopped.

    Attributes:
        epoch: the 1-based epoch in which it happened.
        loss: that epoch's training loss (nan or inf; finite when another
            quantity, e.g. a gradient norm, was the non-finite one).
        history: the history of the epochs before it (all finite).
    """

    def __init__(
        self, epoch: int, loss: float, history: History, quantity: str = "loss", value: float = 0.0
    ) -> None:
        self.epoch = epoch
        self.loss = loss
        self.history = history
        shown = loss if quantity == "loss" else value
        super().__init__(f"diverged at epoch {epoch}: {quantity} is {shown}")


class NeuralNetwork:
    """A multilayer perceptron trained with mini-batch gradient descent.

    Args:
        layer_sizes: units per layer, input first: ``[20, 128, 64, 3]``.
        activations: one activation name per layer after the input; the last
            is the output activation: ``["relu", "relu", "softmax"]``.
        loss: ``"cross_entropy"`` (softmax output, one-hot targets),
            ``"binary_cross_entropy"`` (sigmoid output, 0/1 targets) or
            ``"mse"`` (regression).
        weight_init: ``"he"``, ``"xavier"`` or ``"random_normal"``.
        seed: seeds the initial weights and the shuffling; the same seed gives
            the same training history.
        dtype: ``"float64"`` or ``"float32"`` for weights, activations and
            gradients.

    Attributes:
        layers: the :class:`DenseLayer` objects, input side first.
        metadata: anything the caller keeps with the model; :meth:`save`
            writes it and :meth:`load` restores it.
        stop_reason: why the last :meth:`train` ended, one of
            :data:`STOP_REASONS` (None before any training).
        best_epoch: with early stopping, the best epoch of the monitored
            metric in the last :meth:`train` (else None).
        best_value: that epoch's value of the monitored metric.

    Raises:
        ValueError: for an invalid architecture, an unknown name, or a loss
            that cannot work with the output activation.

    Example:
        >>> net = NeuralNetwork([4, 8, 3], ["relu", "softmax"], seed=0)
        >>> net.parameter_count
        67
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activations: Sequence[str | Activation],
        loss: str | Loss = "cross_entropy",
        weight_init: str | Initializer = "he",
        seed: int | None = None,
        dtype: str | np.dtype = "float64",
    ) -> None:
        self.layer_sizes = _validated_layer_sizes(layer_sizes)
        if isinstance(activations, str):
            raise ValueError(
                f"activations must be a list with one name per layer after the input, "
                f"got the string {activations!r}"
            )
        activations = list(activations)
        if len(activations) != len(self.layer_sizes) - 1:
            raise ValueError(
                f"Expected {len(self.layer_sizes) - 1} activations, got {len(activations)}"
            )
        activation_objects = [get_activation(name) for name in activations]
        self.activations = [activation.name for activation in activation_objects]
        self.loss_function = get_loss(loss)
        self.loss = self.loss_function.name
        _check_output_pairing(self.loss_function, activation_objects[-1], self.layer_sizes[-1])
        initializer = get_initializer(weight_init)
        self.weight_init = weight_init if isinstance(weight_init, str) else initializer.__name__
        self.dtype = as_float_dtype(dtype)
        self.seed = seed
        self._rng = np.random.default_rng(seed)

        # One flat vector θ for every parameter, one for every gradient; each
        # layer works on its own slice (views, no copies).
        fan_pairs = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True))
        total = sum(fan_in * fan_out + fan_out for fan_in, fan_out in fan_pairs)
        self._parameters = np.zeros(total, dtype=self.dtype)
        self._gradients = np.zeros(total, dtype=self.dtype)
        self.layers: list[DenseLayer] = []
        # Where each layer's parameters, and its weights alone, sit in θ.
        self._layer_slices: list[slice] = []
        self._weight_slices: list[slice] = []
        start = 0
        for (fan_in, fan_out), activation in zip(fan_pairs, activation_objects, strict=True):
            stop = start + fan_in * fan_out + fan_out
            self._layer_slices.append(slice(start, stop))
            self._weight_slices.append(slice(start, start + fan_in * fan_out))
            self.layers.append(
                DenseLayer(
                    fan_in,
                    fan_out,
                    activation,
                    initializer,
                    self._rng,
                    self.dtype,
                    parameters=self._parameters[start:stop],
                    gradients=self._gradients[start:stop],
                )
            )
            start = stop

        self.metadata: dict[str, Any] = {}
        self.stop_reason: str | None = None
        self.best_epoch: int | None = None
        self.best_value: float | None = None

    # ------------------------------------------------------------------ facts

    @property
    def parameter_count(self) -> int:
        """Total number of trainable parameters (weights and biases)."""
        return int(self._parameters.size)

    @property
    def is_classification(self) -> bool:
        """True for cross-entropy losses (metrics: accuracy), False for mse (R²)."""
        return self.loss in CLASSIFICATION_LOSSES

    @property
    def metric_name(self) -> str:
        """``"accuracy"`` for classification, ``"r2"`` for regression."""
        return "accuracy" if self.is_classification else "r2"

    def layer_table(self) -> list[tuple[str, str, str, int]]:
        """Rows of :meth:`summary`: ``(name, output shape, activation, parameters)``."""
        return [
            (
                f"dense_{index}",
                f"(None, {layer.output_size})",
                layer.activation.name,
                layer.parameter_count,
            )
            for index, layer in enumerate(self.layers, start=1)
        ]

    def summary(self) -> str:
        """Return a Keras-like table of the layers, then ``Total params: 1,234``."""
        header = ("Layer (type)", "Output Shape", "Activation", "Param #")
        rows = [
            (f"{name} (Dense)", shape, activation, f"{count:,}")
            for name, shape, activation, count in self.layer_table()
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

        def line(row: tuple[str, str, str, str]) -> str:
            name, shape, activation, count = row
            cells = [name.ljust(widths[0]), shape.ljust(widths[1]), activation.ljust(widths[2])]
            return "   ".join([*cells, count.rjust(widths[3])])

        rule_width = len(line(header))
        lines = [
            f"Input shape: (None, {self.layer_sizes[0]})",
            "_" * rule_width,
            line(header),
            "=" * rule_width,
            *(line(row) for row in rows),
            "=" * rule_width,
            f"Total params: {self.parameter_count:,}",
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"NeuralNetwork({self.layer_sizes}, {self.activations}, loss={self.loss!r}, "
            f"weight_init={self.weight_init!r}, seed={self.seed!r}, dtype={self.dtype.name!r})"
        )

    # ------------------------------------------------------ forward and backward

    def forward(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Run a batch through every layer and return the output activations.

        Args:
            x: inputs, ``(n, layer_sizes[0])``.
            out: optional ``(n, layer_sizes[-1])`` array to write the output into.

        Raises:
            ValueError: ``"Input dimension X does not match layer input size Y"``.
        """
        activations = np.asarray(x, dtype=self.dtype)
        for layer in self.layers[:-1]:
            activations = layer.forward(activations)
        return self.layers[-1].forward(activations, out=out)

    def backward(self, y_true: np.ndarray, scale: float = 1.0) -> None:
        """Backpropagate the loss of the last :meth:`forward` batch.

        Stores ``grad_weights`` and ``grad_biases`` (gradients of the mean loss
        over the batch) on every layer.

        Args:
            y_true: the batch's targets.
            scale: multiply every gradient by this. Every gradient is linear in
                the output layer's ``δ``, so scaling ``δ`` scales them all, for
                free. :meth:`train` passes the learning rate ``η``: the
                gradients then come out as the SGD step ``η·∇θ`` itself.

        Raises:
            ValueError: ``"Forward pass must be called before backward"``, or
                targets whose shape does not match the output.
        """
        output = self.layers[-1].output
        if output is None:
            raise ValueError("Forward pass must be called before backward")
        self._backpropagate(self._targets(y_true, len(output)), scale)

    def _backpropagate(self, y_true: np.ndarray, scale: float) -> None:
        """:meth:`backward` for targets already checked and cast (the training loop's)."""
        output_layer = self.layers[-1]
        y_pred = output_layer.output
        if self.loss_function.output_activation is not None:
            delta = self.loss_function.fused_delta(y_pred, y_true, scale=scale)  # (p - y) / n
        else:
            dloss_dp = self.loss_function.gradient(y_pred, y_true)  # a new array: ours to reuse
            delta = output_layer.activation.backward(y_pred, dloss_dp, out=dloss_dp)  # ⊙ f'(z)
            if scale != 1.0:
                delta *= scale
        # The first layer's dL/dx would be the gradient w.r.t. the data: skip it.
        upstream = output_layer.backward_from_delta(delta, input_gradient=len(self.layers) > 1)
        for index in range(len(self.layers) - 2, -1, -1):
            upstream = self.layers[index].backward(upstream, input_gradient=index > 0)

    def compute_loss(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        """Return the mean loss of predictions ``y_pred`` against targets ``y_true``."""
        y_pred = np.asarray(y_pred, dtype=self.dtype)
        if y_pred.ndim == 1:
            y_pred = y_pred.reshape(-1, 1)
        return self.loss_function.value(y_pred, self._targets(y_true, len(y_pred)))

    # ------------------------------------------------------------- inference

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return the network's output for ``x``: class probabilities or values.

        Large inputs are processed in chunks, so memory stays bounded.
        """
        x = self._inputs(x)
        output = np.empty((len(x), self.layer_sizes[-1]), dtype=self.dtype)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, len(x), _PREDICT_CHUNK):
                chunk = slice(start, start + _PREDICT_CHUNK)
                self.forward(x[chunk], out=output[chunk])
        return output

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
        """Return ``{"loss", "accuracy"}`` (classification) or ``{"loss", "r2"}``."""
        x = self._inputs(x)
        y = self._targets(y, len(x))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._metrics(self.predict(x), y)

    # -------------------------------------------------------------- training

    def train(
        self,
        x: np.ndarray,
        y: np.ndarray,
        epochs: int,
        learning_rate: float,
        batch_size: int,
        validation_data: tuple[np.ndarray, np.ndarray] | None = None,
        shuffle: bool = True,
        on_epoch_end: EpochCallback | None = None,
        should_stop: Callable[[], bool] | None = None,
        *,
        optimizer: Optimizer | str | None = None,
        l2: float = 0.0,
        gradient_clip_norm: float | None = None,
        lr_schedule: LearningRateSchedule | str | None = None,
        early_stopping: EarlyStopping | None = None,
    ) -> History:
        """Train with mini-batch gradient descent and return the per-epoch history.

        Args:
            x: training inputs, ``(n, layer_sizes[0])``.
            y: targets: one-hot ``(n, k)`` for cross-entropy (integer labels
                ``(n,)`` are one-hot encoded), 0/1 ``(n, 1)`` for binary
                cross-entropy, values ``(n, 1)`` or ``(n,)`` for mse.
            epochs: passes over the training set.
            learning_rate: the step size ``η`` (of the first epoch, when a
                schedule changes it).
            batch_size: samples per gradient step (the last batch may be smaller).
            validation_data: optional ``(x_val, y_val)``, evaluated after each epoch.
            shuffle: reshuffle the training set every epoch.
            on_epoch_end: called as ``on_epoch_end(epoch, logs)`` after each epoch;
                ``epoch`` counts from 1 and ``logs`` holds that epoch's metrics,
                ``"learning_rate"`` (the epoch's rate) and, per layer:
                ``"grad_norms"``, the L2 norm of its gradient (weights and
                biases, with the L2 term, before clipping) averaged over the
                epoch's batches; ``"weight_norms"``, ``‖W‖``; ``"update_ratios"``,
                ``log10(‖ΔW‖/‖W‖)`` of the epoch's last step (None if undefined).
            should_stop: polled before every batch; when it returns True,
                training ends at once and the history so far is returned (the
                unfinished epoch is not recorded).
            optimizer: an :class:`~nntui.nn.optimizers.Optimizer` (or its name);
                None is plain SGD. Its state carries over to a later ``train``
                call on the same network.
            l2: weight decay ``λ ≥ 0``: adds ``λ·W`` to the weight gradients (not
                the biases) and ``½·λ·ΣW²`` (of the weights at the end of the
                epoch) to the reported training ``loss``; ``val_loss`` and
                :meth:`evaluate` stay the data loss alone.
            gradient_clip_norm: scale each batch's gradient (all parameters
                together) down to this global norm when it is longer; None: off.
            lr_schedule: a :class:`~nntui.nn.schedules.LearningRateSchedule` (or
                its name) setting each epoch's rate; the history then also has
                ``"learning_rate"``. None keeps the rate constant.
            early_stopping: an :class:`~nntui.nn.early_stopping.EarlyStopping`,
                or None to train every epoch.

        Returns:
            Keras-style history: ``loss`` and ``accuracy`` (classification) or
            ``r2`` (regression), plus ``val_loss`` and ``val_accuracy``/``val_r2``
            with validation data, and ``learning_rate`` with a schedule. One
            plain float per epoch.

        After training, :attr:`stop_reason` says why it ended (``"completed"``,
        ``"early_stopped"``, ``"interrupted"`` or ``"diverged"``), and with early
        stopping :attr:`best_epoch` and :attr:`best_value` name the best epoch
        of the monitored metric (when stopped early, with
        ``restore_best_weights``, the network has that epoch's weights).

        Raises:
            TrainingDiverged: the loss (or another metric, or a gradient norm)
                became nan or inf.
            ValueError: for invalid arguments or data shapes.
        """
        _check_training_arguments(epochs, learning_rate, batch_size)
        optimizer = _resolve_optimizer(optimizer)
        lr_schedule = _resolve_schedule(lr_schedule)
        l2, gradient_clip_norm = _check_regularization(l2, gradient_clip_norm)
        if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
            raise ValueError(f"early_stopping must be an EarlyStopping, got {early_stopping!r}")
        # Cast once here; everything in the loop then stays in self.dtype.
        x = np.ascontiguousarray(self._inputs(x))
        y = np.ascontiguousarray(self._targets(y, len(x)))
        _check_finite_data(x, y, "training")
        validation = None
        if validation_data is not None:
            x_val, y_val = _unpack_validation(validation_data)
            x_val = self._inputs(x_val)
            validation = (x_val, self._targets(y_val, len(x_val)))
            _check_finite_data(*validation, "validation")
        metric_keys = self._history_keys(validation is not None)
        for owner, watcher in (("lr_schedule", lr_schedule), ("early_stopping", early_stopping)):
            if watcher is not None and watcher.monitor is not None:
                check_monitor(watcher.monitor, metric_keys, owner)

        history: History = {key: [] for key in metric_keys}
        if lr_schedule is not None:
            history["learning_rate"] = []
        batches = EpochBatches(x, y, batch_size, shuffle)
        update = ParameterUpdate(
            self._parameters,
            self._gradients,
            self._layer_slices,
            self._weight_slices,
            optimizer,
            l2,
            gradient_clip_norm,
        )
        optimizer.bind(self._parameters)
        rate = float(learning_rate)
        if lr_schedule is not None:
            rate = lr_schedule.start(rate)
        if early_stopping is not None:
            early_stopping.start(self._parameters)
        self.stop_reason, self.best_epoch, self.best_value = None, None, None

        # Overflow in a diverging run is reported once, as TrainingDiverged.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in range(1, epochs + 1):
                update.start_epoch(rate)
                grad_norms = self._train_epoch(batches, update, should_stop)
                if grad_norms is None:  # stopped: the unfinished epoch is not recorded
                    self.stop_reason = "interrupted"
                    return history
                logs = self._epoch_logs(batches, validation, update)
                try:
                    _raise_if_diverged(epoch, logs, grad_norms, history)
                except TrainingDiverged:
                    self.stop_reason = "diverged"
                    raise
                logs["learning_rate"] = rate
                for key in history:
                    history[key].append(logs[key])
                stop = early_stopping is not None and self._track_best(early_stopping, epoch, logs)
                if on_epoch_end is not None:
                    diagnostics = update.diagnostics()  # once per epoch: cheap
                    on_epoch_end(epoch, {**logs, "grad_norms": grad_norms, **diagnostics})
                if stop and early_stopping is not None:
                    early_stopping.restore(self._parameters)  # when it keeps the best
                    self.stop_reason = "early_stopped"
                    return history
                if lr_schedule is not None:
                    rate = _checked_rate(lr_schedule.next_rate(epoch, logs), lr_schedule)
        self.stop_reason = "completed"
        return history

    def _track_best(self, early_stopping: EarlyStopping, epoch: int, logs: dict[str, Any]) -> bool:
        """Let ``early_stopping`` see the epoch; note the best; return True to stop."""
        stop = early_stopping.update(epoch, logs, self._parameters)
        self.best_epoch, self.best_value = early_stopping.best_epoch, early_stopping.best_value
        return stop

    def _train_epoch(
        self,
        batches: EpochBatches,
        update: ParameterUpdate,
        should_stop: Callable[[], bool] | None,
    ) -> list[float] | None:
        """One pass over the (reshuffled) training set; return the mean gradient norms.

        Returns None when ``should_stop`` asked to stop.
        """
        batch_size, n_samples = batches.batch_size, batches.n_samples
        norm_sums = [0.0] * len(self.layers)
        try:
            for block_start, x_block in batches.shuffled_blocks(self._rng):
                for offset in range(0, len(x_block), batch_size):
                    if should_stop is not None and should_stop():
                        return None
                    start, stop = block_start + offset, block_start + offset + batch_size
                    self.forward(
                        x_block[offset : offset + batch_size], out=batches.outputs[start:stop]
                    )
                    # Plain SGD asks for the gradients times η: its step itself.
                    self._backpropagate(batches.y[start:stop], scale=update.gradient_scale)
                    # (+ λ·W), norms, (clipping), then θ ← θ + Δθ for every layer at once.
                    update.step(norm_sums, remember=stop >= n_samples)
        finally:
            update.finish_epoch()  # leave plain gradients for the caller
        scale = update.gradient_scale
        return [total / (scale * batches.batch_count) for total in norm_sums]

    def _epoch_logs(
        self,
        batches: EpochBatches,
        validation: tuple[np.ndarray, np.ndarray] | None,
        update: ParameterUpdate,
    ) -> dict[str, Any]:
        """The epoch's metrics: training ones from its own forward passes, then validation."""
        # The mean over all samples, i.e. the batch-size-weighted mean of the batches.
        logs: dict[str, Any] = self._metrics(batches.outputs, batches.y)
        if update.l2 > 0:
            logs["loss"] += update.l2_penalty()
        if validation is not None:
            val_metrics = self._metrics(self.predict(validation[0]), validation[1])
            logs.update({f"val_{key}": value for key, value in val_metrics.items()})
        return logs

    # ----------------------------------------------------------- saving, loading

    def save(
        self, path: str | os.PathLike[str], *, metadata: Mapping[str, Any] | None = None
    ) -> Path:
        """Save the architecture, the parameters and ``metadata`` to one ``.npz`` file.

        The file is written atomically at exactly ``path`` (missing folders are
        created); see :mod:`nntui.nn.serialization` for its layout.

        Args:
            path: the file to write, e.g. ``"model.npz"``.
            metadata: JSON-ready facts to keep with the model (normalisation
                statistics, class and feature names, ...); :attr:`metadata` when
                omitted.

        Returns:
            The path written.

        Raises:
            ValueError: ``metadata`` cannot be written as JSON.
            OSError: the file cannot be written; an existing file is left as it was.
        """
        description = {
            "layer_sizes": self.layer_sizes,
            "activations": self.activations,
            "loss": self.loss,
            "dtype": self.dtype.name,
            "weight_init": self.weight_init,
            "seed": self.seed,
            "metadata": dict(self.metadata if metadata is None else metadata),
        }
        arrays: dict[str, np.ndarray] = {}
        for index, layer in enumerate(self.layers, start=1):
            arrays[f"dense_{index}.weights"] = layer.weights
            arrays[f"dense_{index}.biases"] = layer.biases
        return write_model_file(path, description, arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> NeuralNetwork:
        """Read a network written by :meth:`save`; it predicts exactly as the saved one did.

        The caller's metadata is at :attr:`metadata`. Training it further draws
        shuffles from a fresh generator seeded with the saved seed.

        Raises:
            ModelFileError: the file is missing, corrupt, truncated, not an
                nntui model, or describes a network its arrays do not fit; the
                message names the file.
        """
        description, arrays = read_model_file(path)
        name = str(path)
        try:
            weight_init = description.get("weight_init", "he")
            seed = description.get("seed")
            network = cls(
                description["layer_sizes"],
                description["activations"],
                loss=description["loss"],
                weight_init=weight_init if weight_init in INITIALIZERS else "he",
                seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
                dtype=description["dtype"],
            )
        except (KeyError, TypeError, ValueError) as error:
            problem = f"missing {error}" if isinstance(error, KeyError) else str(error)
            raise ModelFileError(f"{name}: invalid model description: {problem}") from None
        network.weight_init = str(weight_init)
        for index, layer in enumerate(network.layers, start=1):
            for part, target in (("weights", layer.weights), ("biases", layer.biases)):
                key = f"dense_{index}.{part}"
                array = arrays.get(key)
                if array is None:
                    raise ModelFileError(f"{name}: the model file has no '{key}' array")
                if array.shape != target.shape or array.dtype != network.dtype:
                    raise ModelFileError(
                        f"{name}: '{key}' is {array.dtype} {array.shape}, but the described "
                        f"network needs {network.dtype} {target.shape}"
                    )
                target[...] = array
        metadata = description.get("metadata", {})
        network.metadata = dict(metadata) if isinstance(metadata, dict) else {}
        return network

    # --------------------------------------------------------------- helpers

    def _history_keys(self, with_validation: bool) -> list[str]:
        keys = ["loss", self.metric_name]
        return keys + [f"val_{key}" for key in keys] if with_validation else keys

    def _metrics(self, y_pred: np.ndarray, y_true: np.ndarray) -> dict[str, float]:
        loss = self.loss_function.value(y_pred, y_true)
        if self.is_classification:
            return {"loss": loss, "accuracy": self._accuracy(y_pred, y_true)}
        return {"loss": loss, "r2": r2_score(y_pred, y_true)}

    def _accuracy(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        if self.loss == "cross_entropy":
            # The predicted class is the most probable one.
            return float(np.mean(y_pred.argmax(axis=1) == y_true.argmax(axis=1)))
        # Sigmoid outputs: each unit predicts 1 when p ≥ 0.5.
        return float(np.mean((y_pred >= 0.5) == (y_true >= 0.5)))

    def _inputs(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 2 or x.shape[1] != self.layer_sizes[0]:
            found = x.shape[-1] if x.ndim else 0
            if x.ndim != 2:
                found = f"{found} (shape {x.shape}, expected 2-D (samples, features))"
            raise ValueError(
                f"Input dimension {found} does not match layer input size {self.layer_sizes[0]}"
            )
        return x

    def _targets(self, y: np.ndarray, n_samples: int) -> np.ndarray:
        """Return targets as ``(n_samples, outputs)`` in the network's dtype."""
        outputs = self.layer_sizes[-1]
        y = np.asarray(y)
        if y.ndim == 1 and outputs == 1:
            y = y.reshape(-1, 1)
        elif y.ndim == 1 and self.loss == "cross_entropy":
            y = one_hot(y, outputs)
        if y.shape != (n_samples, outputs):
            raise ValueError(
                f"Targets have shape {y.shape}, expected ({n_samples}, {outputs}): "
                f"one row per sample and one column per output unit"
            )
        return np.asarray(y, dtype=self.dtype)


def r2_score(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Coefficient of determination ``R² = 1 - SSE / SST`` over all outputs.

    ``SSE = Σ (y - p)²`` and ``SST = Σ (y - ȳ)²`` with ``ȳ`` the per-output mean.
    1 is perfect; 0 is no better than always predicting the mean. A constant
    target gives 1.0 when predicted exactly and 0.0 otherwise.
    """
    error = y_true - y_pred
    spread = y_true - y_true.mean(axis=0)
    sse = float(np.vdot(error, error))
    sst = float(np.vdot(spread, spread))
    if sst == 0.0:
        return 1.0 if sse == 0.0 else 0.0
    return 1.0 - sse / sst


def _validated_layer_sizes(layer_sizes: Sequence[int]) -> list[int]:
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError("layer_sizes must have at least an input and output layer")
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"layer_sizes must be positive integers, got {sizes}")
    return [int(size) for size in sizes]


def _check_output_pairing(loss: Loss, output: Activation, output_size: int) -> None:
    needed = loss.output_activation
    if needed is not None and output.name != needed:
        raise ValueError(
            f"Loss '{loss.name}' needs a '{needed}' output activation, got '{output.name}'"
        )
    if output.name == "softmax" and output_size < 2:
        raise ValueError(
            "A softmax output needs at least 2 units (its single output would always be 1); "
            "for two classes use 1 sigmoid unit with binary_cross_entropy"
        )


def _check_training_arguments(epochs: int, learning_rate: float, batch_size: int) -> None:
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, (int, float, np.floating, np.integer))
        or not math.isfinite(learning_rate)
        or learning_rate <= 0
    ):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")


def _resolve_optimizer(optimizer: Optimizer | str | None) -> Optimizer:
    if optimizer is None:
        return SGD()
    if isinstance(optimizer, str):
        return make_optimizer(optimizer)
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            f"optimizer must be an Optimizer such as SGD(momentum=0.9) or Adam(), "
            f"or a name; got {optimizer!r}"
        )
    return optimizer


def _resolve_schedule(schedule: LearningRateSchedule | str | None) -> LearningRateSchedule | None:
    if isinstance(schedule, str):
        return make_schedule(schedule)
    if schedule is not None and not isinstance(schedule, LearningRateSchedule):
        raise ValueError(
            f"lr_schedule must be a LearningRateSchedule such as StepDecay(0.5, every=10), "
            f"or a name; got {schedule!r}"
        )
    return schedule


def _check_regularization(l2: float, clip_norm: float | None) -> tuple[float, float | None]:
    if isinstance(l2, bool) or not isinstance(l2, Real) or not math.isfinite(l2) or l2 < 0:
        raise ValueError(f"l2 must be a number ≥ 0, got {l2!r}")
    if clip_norm is not None and (
        isinstance(clip_norm, bool)
        or not isinstance(clip_norm, Real)
        or not math.isfinite(clip_norm)
        or clip_norm <= 0
    ):
        raise ValueError(f"gradient_clip_norm must be a positive number or None, got {clip_norm!r}")
    return float(l2), None if clip_norm is None else float(clip_norm)


def _checked_rate(rate: float, schedule: LearningRateSchedule) -> float:
    if not isinstance(rate, Real) or not math.isfinite(rate) or rate <= 0:
        raise ValueError(f"{schedule!r} gave the learning rate {rate!r}; it must be positive")
    return float(rate)


def _check_finite_data(x: np.ndarray, y: np.ndarray, label: str) -> None:
    if len(x) == 0:
        raise ValueError(f"The {label} data is empty")
    # A sum is nan/inf when any element is, and costs no temporary array; only
    # when it is not finite is the exact (and memory-hungry) element check run.
    for array in (x, y):
        if not np.isfinite(np.sum(array)) and not np.isfinite(array).all():
            raise ValueError(f"The {label} data contains NaN or infinite values")


def _unpack_validation(validation_data: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        x_val, y_val = validation_data
    except (TypeError, ValueError):
        raise ValueError("validation_data must be a pair (x_val, y_val)") from None
    return x_val, y_val


def _raise_if_diverged(
    epoch: int, logs: dict[str, float], grad_norms: list[float], history: History
) -> None:
    loss = logs["loss"]
    if not math.isfinite(loss):
        raise TrainingDiverged(epoch, loss, history)
    for key, value in logs.items():
        if not math.isfinite(value):
            raise TrainingDiverged(epoch, loss, history, quantity=key, value=value)
    for index, norm in enumerate(grad_norms, start=1):
        if not math.isfinite(norm):
            raise TrainingDiverged(
                epoch, loss, history, quantity=f"gradient norm of dense_{index}", value=norm
            )
