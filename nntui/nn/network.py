"""A feed-forward neural network: a stack of dense layers trained by mini-batch SGD.

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

An epoch shuffles the training set once, then walks through it in slices of
``batch_size``. The training metrics of an epoch come from the predictions
its batches already made (no second pass over the data), and the per-layer
gradient norms are a by-product of the same steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from nntui.nn.activations import Activation, get_activation
from nntui.nn.data import one_hot
from nntui.nn.initializers import Initializer, get_initializer
from nntui.nn.layers import DenseLayer, as_float_dtype
from nntui.nn.losses import CLASSIFICATION_LOSSES, Loss, get_loss

History = dict[str, list[float]]
EpochCallback = Callable[[int, dict[str, Any]], None]

_PREDICT_CHUNK = 8192  # rows per forward pass in predict(): bounds the memory used
_SHUFFLE_BLOCK_BYTES = 4 * 2**20  # inputs gathered per block when shuffling (see _EpochBuffers)


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
    """A multilayer perceptron trained with mini-batch stochastic gradient descent.

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
        start = 0
        for (fan_in, fan_out), activation in zip(fan_pairs, activation_objects, strict=True):
            stop = start + fan_in * fan_out + fan_out
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
    ) -> History:
        """Train with mini-batch SGD and return the per-epoch history.

        Args:
            x: training inputs, ``(n, layer_sizes[0])``.
            y: targets: one-hot ``(n, k)`` for cross-entropy (integer labels
                ``(n,)`` are one-hot encoded), 0/1 ``(n, 1)`` for binary
                cross-entropy, values ``(n, 1)`` or ``(n,)`` for mse.
            epochs: passes over the training set.
            learning_rate: SGD step size ``η``.
            batch_size: samples per gradient step (the last batch may be smaller).
            validation_data: optional ``(x_val, y_val)``, evaluated after each epoch.
            shuffle: reshuffle the training set every epoch.
            on_epoch_end: called as ``on_epoch_end(epoch, logs)`` after each epoch;
                ``epoch`` counts from 1 and ``logs`` holds that epoch's metrics
                and ``"grad_norms"``: per layer, the L2 norm of its gradient
                (weights and biases together), averaged over the epoch's batches.
            should_stop: polled before every batch; when it returns True,
                training ends at once and the history so far is returned (the
                unfinished epoch is not recorded).

        Returns:
            Keras-style history: ``loss`` and ``accuracy`` (classification) or
            ``r2`` (regression), plus ``val_loss`` and ``val_accuracy``/``val_r2``
            with validation data. One plain float per epoch.

        Raises:
            TrainingDiverged: the loss became nan or inf.
            ValueError: for invalid arguments or data shapes.
        """
        _check_training_arguments(epochs, learning_rate, batch_size)
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

        history: History = {key: [] for key in self._history_keys(validation is not None)}
        epoch_state = _EpochBuffers(x, y, batch_size, shuffle)

        # Overflow in a diverging run is reported once, as TrainingDiverged.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in range(1, epochs + 1):
                grad_norms = self._train_epoch(epoch_state, learning_rate, should_stop)
                if grad_norms is None:  # stopped: the unfinished epoch is not recorded
                    return history
                # Training metrics from this epoch's forward passes: the mean over
                # all samples, i.e. the batch-size-weighted mean of the batches.
                logs: dict[str, Any] = self._metrics(epoch_state.outputs, epoch_state.y)
                if validation is not None:
                    val_metrics = self._metrics(self.predict(validation[0]), validation[1])
                    logs.update({f"val_{key}": value for key, value in val_metrics.items()})
                _raise_if_diverged(epoch, logs, grad_norms, history)
                for key in history:
                    history[key].append(logs[key])
                if on_epoch_end is not None:
                    on_epoch_end(epoch, {**logs, "grad_norms": grad_norms})
        return history

    def _train_epoch(
        self,
        state: _EpochBuffers,
        learning_rate: float,
        should_stop: Callable[[], bool] | None,
    ) -> list[float] | None:
        """One pass over the (reshuffled) training set; return the mean gradient norms.

        Returns None when ``should_stop`` asked to stop.
        """
        batch_size = state.batch_size
        layer_gradients = [layer.gradients for layer in self.layers]
        norm_sums = [0.0] * len(self.layers)
        try:
            for block_start, x_block in state.shuffled_blocks(self._rng):
                for offset in range(0, len(x_block), batch_size):
                    if should_stop is not None and should_stop():
                        return None
                    start, stop = block_start + offset, block_start + offset + batch_size
                    self.forward(
                        x_block[offset : offset + batch_size], out=state.outputs[start:stop]
                    )
                    # The gradients come out multiplied by η: the SGD step itself.
                    self._backpropagate(state.y[start:stop], scale=learning_rate)
                    for index, gradients in enumerate(layer_gradients):
                        # ‖∇‖ of the layer's weights and biases together (one flat vector).
                        norm_sums[index] += math.sqrt(np.dot(gradients, gradients))
                    self._parameters -= self._gradients  # θ ← θ - η·∇θ, every layer at once
        finally:
            self._gradients *= 1.0 / learning_rate  # leave plain gradients for the caller
        return [total / (learning_rate * state.batch_count) for total in norm_sums]

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


class _EpochBuffers:
    """The training set in this epoch's order, handed out in contiguous blocks.

    Each epoch draws a new permutation. The targets (small) are gathered in one
    go; the inputs are gathered a block of whole batches at a time into one
    reused buffer of about :data:`_SHUFFLE_BLOCK_BYTES`, so a block is still in
    the CPU cache when its batches run and a large data set is never copied
    whole. A small data set is a single block: one gather per epoch. Batches
    are then slices of the block: no copying per batch.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool) -> None:
        self.x_all, self.y_all = x, y
        self.batch_size = batch_size
        self.shuffle = shuffle
        n_samples = len(x)
        self.batch_count = math.ceil(n_samples / batch_size)
        batches_per_block = max(1, _SHUFFLE_BLOCK_BYTES // max(1, x[:batch_size].nbytes))
        self.block_rows = min(n_samples, batches_per_block * batch_size)
        self.x_block = np.empty((self.block_rows, x.shape[1]), dtype=x.dtype) if shuffle else x
        self.y = np.empty_like(y) if shuffle else y  # targets in this epoch's order
        self.outputs = np.empty_like(y)  # the network's outputs, in the same order

    def shuffled_blocks(self, rng: np.random.Generator) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(first row, x rows)`` blocks covering the epoch in a new random order."""
        n_samples = len(self.x_all)
        if not self.shuffle:
            for start in range(0, n_samples, self.block_rows):
                yield start, self.x_all[start : start + self.block_rows]
            return
        order = rng.permutation(n_samples)
        np.take(self.y_all, order, axis=0, out=self.y, mode="clip")
        for start in range(0, n_samples, self.block_rows):
            rows = order[start : start + self.block_rows]
            block = self.x_block[: len(rows)]
            yield start, np.take(self.x_all, rows, axis=0, out=block, mode="clip")


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
