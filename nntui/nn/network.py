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
   vectorised operation for the whole network.

Step 4 is plain SGD by default; :mod:`nntui.nn.optimizers` has momentum and
Adam, and :mod:`nntui.nn.updates` adds L2 weight decay and gradient clipping.
Between epochs, callbacks (:mod:`nntui.nn.callbacks`) watch and steer: a
schedule (:mod:`nntui.nn.schedules`) changes ``η``, early stopping
(:mod:`nntui.nn.early_stopping`) ends training when it stops paying off.

An epoch shuffles the training set once, then walks through it in slices of
``batch_size`` (:mod:`nntui.nn.batching`). The training metrics of an epoch
come from the predictions its batches already made (no second pass over the
data), and the per-layer gradient norms are a by-product of the same steps.

A trained network is saved to one ``.npz`` file with :meth:`NeuralNetwork.save`
and read back, bit for bit, with :meth:`NeuralNetwork.load`
(:mod:`nntui.nn.serialization`).
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np

from nntui.nn.activations import Activation, get_activation
from nntui.nn.arrays import ArrayLike, FloatArray
from nntui.nn.batching import EpochBatches
from nntui.nn.callbacks import Callback, Logs
from nntui.nn.initializers import INITIALIZERS, Initializer, get_initializer
from nntui.nn.layers import DenseLayer, as_float_dtype
from nntui.nn.losses import CLASSIFICATION_LOSSES, Loss, get_loss
from nntui.nn.optimizers import SGD, Optimizer, make_optimizer
from nntui.nn.preprocessing import one_hot
from nntui.nn.progress import progress_callbacks
from nntui.nn.serialization import ModelFileError, read_model_file, write_model_file
from nntui.nn.updates import ParameterUpdate

History = dict[str, list[float]]
"""Metric name -> one value per epoch (Keras' ``History.history``)."""

_PREDICT_CHUNK = 8192  # rows per forward pass in predict(): bounds the memory used
STOP_REASONS = ("completed", "early_stopped", "interrupted", "diverged")
"""The values of :attr:`NeuralNetwork.stop_reason` after training."""


class TrainingDiverged(Exception):  # noqa: N818 (the public name)
    """Training produced a non-finite loss, metric or gradient norm and was stopped.

    Args:
        epoch: the 1-based epoch in which it happened.
        loss: that epoch's training loss.
        history: the history of the epochs before it.
        quantity: the non-finite quantity: ``"loss"``, another metric
            (``"val_loss"`` …) or ``"gradient norm of dense_2"``.
        value: its value (nan or inf; unused when ``quantity`` is ``"loss"``).
        grad_norms: that epoch's gradient norm per layer, ``dense_1`` first
            (mean over its batches; may be nan or inf).
        logs: that epoch's metrics (``loss``, ``accuracy``|``r2``, ``val_…``;
            may be nan or inf).

    Attributes:
        epoch: the 1-based epoch in which it happened.
        loss: that epoch's training loss (nan or inf; finite when another
            quantity, e.g. a gradient norm, was the non-finite one).
        history: the history of the epochs before it (all finite).
        quantity: the quantity that was not finite (``"loss"`` first when several were).
        value: its value: nan or inf (the loss when ``quantity`` is ``"loss"``).
        grad_norms: the exploding epoch's gradient norm per layer, ``dense_1``
            first (empty when not given).
        logs: the exploding epoch's metrics (empty when not given).

    Example:
        >>> error = TrainingDiverged(3, float("nan"), {}, grad_norms=(1.5, float("inf")))
        >>> str(error), error.quantity, error.grad_norms
        ('diverged at epoch 3: loss is nan', 'loss', (1.5, inf))
    """

    def __init__(
        self,
        epoch: int,
        loss: float,
        history: History,
        quantity: str = "loss",
        value: float = 0.0,
        *,
        grad_norms: Sequence[float] = (),
        logs: Mapping[str, float] | None = None,
    ) -> None:
        self.epoch = epoch
        self.loss = loss
        self.history = history
        self.quantity = quantity
        self.value = float(loss) if quantity == "loss" else float(value)
        self.grad_norms: tuple[float, ...] = tuple(float(norm) for norm in grad_norms)
        self.logs: dict[str, float] = {key: float(item) for key, item in (logs or {}).items()}
        super().__init__(f"diverged at epoch {epoch}: {quantity} is {self.value}")


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
            the same training history. None draws a seed from NumPy's global
            state, so ``np.random.seed(42)`` beforehand is repeatable too.
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
        learning_rate: during :meth:`train`, the rate of the current epoch; a
            callback (a schedule) sets the next epoch's rate here.
        stop_training: during :meth:`train`, a callback sets it to True to end
            training after the current epoch (early stopping does).
        metric_keys: the metrics each epoch of the current :meth:`train`
            reports (``loss``, ``accuracy``/``r2`` and with validation data
            their ``val_`` forms), for callbacks that watch one.
        optimizer: the optimizer of the last :meth:`train` (None before),
            with its state: a later ``train`` with the same name continues it.
        history: the history of the last :meth:`train` (see
            :meth:`get_training_history`).

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
        self._rng = np.random.default_rng(_seed_or_global(seed))

        self._build_layers(activation_objects, initializer)

        self.metadata: dict[str, Any] = {}
        self.stop_reason: str | None = None
        self.best_epoch: int | None = None
        self.best_value: float | None = None
        self.learning_rate = 0.0
        self.stop_training = False
        self.metric_keys: tuple[str, ...] = ()
        self.optimizer: Optimizer | None = None
        self.history: History = {}

    def _build_layers(self, activations: list[Activation], initializer: Initializer) -> None:
        """Create the layers on slices of one flat parameter and one gradient vector."""
        # One flat vector θ for every parameter, one for every gradient; each
        # layer works on its own slice (views, no copies).
        fan_pairs = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True))
        total = sum(fan_in * fan_out + fan_out for fan_in, fan_out in fan_pairs)
        self._parameters: FloatArray = np.zeros(total, dtype=self.dtype)
        self._gradients: FloatArray = np.zeros(total, dtype=self.dtype)
        self.layers: list[DenseLayer] = []
        # Where each layer's parameters, and its weights alone, sit in θ.
        self._layer_slices: list[slice] = []
        self._weight_slices: list[slice] = []
        start = 0
        for (fan_in, fan_out), activation in zip(fan_pairs, activations, strict=True):
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

    # ------------------------------------------------------------------ facts

    @property
    def parameter_count(self) -> int:
        """Total number of trainable parameters (weights and biases)."""
        return int(self._parameters.size)

    @property
    def parameters(self) -> FloatArray:
        """Every weight and bias in one flat vector ``θ``.

        A view, not a copy: writing into it changes the network.
        """
        return self._parameters

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
        """Return a Keras-like table of the layers, then the parameter totals.

        One ``Dense`` row per layer, then ``Total params: 2,883`` and
        ``Total trainable parameters: 2,883`` (every parameter trains).
        """
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
            f"Total trainable parameters: {self.parameter_count:,}",
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"NeuralNetwork({self.layer_sizes}, {self.activations}, loss={self.loss!r}, "
            f"weight_init={self.weight_init!r}, seed={self.seed!r}, dtype={self.dtype.name!r})"
        )

    # ------------------------------------------------------ forward and backward

    def forward(self, x: ArrayLike, out: FloatArray | None = None) -> FloatArray:
        """Run a batch through every layer and return the output activations.

        Each layer remembers its input and output for :meth:`backward`.

        Args:
            x: Inputs, ``(n, layer_sizes[0])``.
            out: Optional ``(n, layer_sizes[-1])`` array to write the output into.

        Returns:
            The output activations, ``(n, layer_sizes[-1])``.

        Raises:
            ValueError: ``"Input dimension X does not match layer input size Y"``.
        """
        return self._forward(np.asarray(x, dtype=self.dtype), out)

    def _forward(
        self, x: FloatArray, out: FloatArray | None, logits: FloatArray | None = None
    ) -> FloatArray:
        activations = x
        for layer in self.layers[:-1]:
            activations = layer.forward(activations)
        return self.layers[-1].forward(activations, out=out, logits=logits)

    def layer_outputs(self, x: ArrayLike) -> list[FloatArray]:
        """Return every layer's activations for ``x``, input side first.

        A pure forward pass: unlike :meth:`forward` it leaves what the layers
        remember for :meth:`backward` alone, so it may run between two
        training steps (the monitor's probe diagnostics do).

        Raises:
            ValueError: ``"Input dimension X does not match layer input size Y"``.
        """
        activations = np.asarray(x, dtype=self.dtype)
        outputs = []
        for layer in self.layers:
            activations = layer.apply(activations)
            outputs.append(activations)
        return outputs

    def backward(self, y_true: ArrayLike) -> None:
        """Backpropagate the loss of the last :meth:`forward` batch.

        Stores ``grad_weights`` and ``grad_biases`` (gradients of the mean loss
        over the batch) on every layer.

        Args:
            y_true: The batch's targets.

        Raises:
            RuntimeError: ``"Forward pass must be called before backward"``.
            ValueError: targets whose shape does not match the output.
        """
        output = self.layers[-1].output
        if output is None:
            raise RuntimeError("Forward pass must be called before backward")
        self._backpropagate(self._targets(y_true, len(output)))

    def _backpropagate(self, y_true: FloatArray, scale: float = 1.0) -> None:
        """:meth:`backward` for targets already checked and cast (the training loop's).

        Every gradient comes out multiplied by ``scale``: plain SGD asks for
        ``η`` (see ``SGD.gradient_scale``), which costs nothing here since every
        gradient is linear in the output ``δ``.
        """
        output_layer = self.layers[-1]
        y_pred = output_layer.output
        assert y_pred is not None  # the caller ran forward()
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
            assert upstream is not None  # asked for: every layer above the first passes it down
            upstream = self.layers[index].gradients_from(upstream, input_gradient=index > 0)

    def compute_loss(self, y_pred: ArrayLike, y_true: ArrayLike) -> float:
        """Return the mean loss of predictions ``y_pred`` against targets ``y_true``.

        From probabilities alone the cross-entropies clip them to ``[ε, 1 - ε]``
        (see :mod:`nntui.nn.losses`); :meth:`evaluate` and the history compute
        them from the logits instead, exact at any scale.
        """
        predictions = np.asarray(y_pred, dtype=self.dtype)
        if predictions.ndim == 1:
            predictions = predictions.reshape(-1, 1)
        return self.loss_function.value(predictions, self._targets(y_true, len(predictions)))

    # ------------------------------------------------------------- inference

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Predict: integer class labels for a classifier, values for regression.

        - softmax output (``cross_entropy``): the most probable class of each
          row, ``(n,)`` integers;
        - sigmoid output (``binary_cross_entropy``): 1 where ``p ≥ 0.5``, else
          0: ``(n,)`` integers for one unit, ``(n, k)`` for ``k`` labels;
        - regression (``mse``): the outputs, ``(n, layer_sizes[-1])``.

        :meth:`predict_proba` gives the probabilities. Large inputs are
        processed in chunks, so memory stays bounded; the layers' memory of
        the last training batch is left alone.
        """
        output, _ = self._outputs(self._inputs(x))
        if not self.is_classification:
            return output
        if self.loss == "cross_entropy":
            labels: np.ndarray = output.argmax(axis=1)
            return labels
        chosen = (output >= 0.5).astype(np.int64)
        return chosen[:, 0] if chosen.shape[1] == 1 else chosen

    def predict_proba(self, x: ArrayLike) -> FloatArray:
        """Class probabilities: softmax rows ``(n, k)``, or sigmoid outputs ``(n, k)``.

        For one sigmoid unit the column is ``P(class 1)``.

        Raises:
            ValueError: the network is a regression network (use :meth:`predict`).
        """
        if not self.is_classification:
            raise ValueError(
                f"predict_proba needs a classifier; this network's loss is {self.loss!r} "
                f"(regression): use predict()"
            )
        output, _ = self._outputs(self._inputs(x))
        return output

    def _outputs(
        self, inputs: FloatArray, *, with_logits: bool = False
    ) -> tuple[FloatArray, FloatArray | None]:
        """The output activations (and the output layer's logits), chunk by chunk."""
        shape = (len(inputs), self.layer_sizes[-1])
        output = np.empty(shape, dtype=self.dtype)
        logits = np.empty(shape, dtype=self.dtype) if with_logits else None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, len(inputs), _PREDICT_CHUNK):
                chunk = slice(start, start + _PREDICT_CHUNK)
                activations = inputs[chunk]
                for layer in self.layers[:-1]:
                    activations = layer.apply(activations)
                chunk_logits = None if logits is None else logits[chunk]
                self.layers[-1].apply(activations, out=output[chunk], logits=chunk_logits)
        return output, logits

    def evaluate(self, x: ArrayLike, y: ArrayLike) -> dict[str, float]:
        """Return ``{"loss", "accuracy"}`` (classification) or ``{"loss", "r2"}``.

        ``y`` takes the forms :meth:`train` accepts (labels or one-hot).
        Cross-entropies are computed from the logits (exact at any scale).
        """
        inputs = self._inputs(x)
        targets = self._targets(y, len(inputs))
        output, logits = self._outputs(inputs, with_logits=True)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._metrics(output, targets, logits)

    def get_training_history(self) -> History:
        """The history of the last :meth:`train` call (a copy): metric -> one value per epoch."""
        return {key: list(values) for key, values in self.history.items()}

    # -------------------------------------------------------------- training

    def train(
        self,
        x: ArrayLike,
        y: ArrayLike,
        epochs: int = 100,
        learning_rate: float = 0.01,
        batch_size: int = 32,
        validation_data: tuple[ArrayLike, ArrayLike] | None = None,
        verbose: bool | int = True,
        *,
        shuffle: bool = True,
        optimizer: Optimizer | str | None = None,
        l2: float = 0.0,
        gradient_clip_norm: float | None = None,
        callbacks: Sequence[Callback] = (),
        should_stop: Callable[[], bool] | None = None,
        initial_epoch: int = 0,
    ) -> History:
        """Train with mini-batch gradient descent; return the Keras-style history.

        Args:
            x: Inputs, ``(n, layer_sizes[0])``.
            y: Targets: integer class labels ``(n,)`` or one-hot ``(n, k)`` for
                cross-entropy; 0/1 labels ``(n,)`` or ``(n, 1)`` for one sigmoid
                unit (binary cross-entropy); values ``(n, k)`` or ``(n,)`` for mse.
            epochs: The last epoch to train (Keras): epochs ``initial_epoch + 1``
                to ``epochs`` run.
            learning_rate: The step size ``η`` of the mean-over-the-batch
                gradient (of the first epoch, if a schedule changes it).
            batch_size: Samples per step (the last batch may be smaller).
            validation_data: Optional ``(x_val, y_val)``, evaluated after each epoch.
            verbose: Print one Keras-style line per epoch to stdout (True: every
                epoch up to 20 epochs, else about 10 lines in all; an int ``N > 1``:
                every N-th epoch; False or 0: silent).
            shuffle: Reshuffle the training set every epoch.
            optimizer: An :class:`~nntui.nn.optimizers.Optimizer` or its name
                (None: plain SGD). The network keeps it as :attr:`optimizer`,
                and a later ``train`` with the same name continues it (Adam's
                moments and step count, the momentum), as Keras' ``fit`` does;
                pass a new instance to start afresh.
            l2: Weight decay ``λ ≥ 0`` on the weights (not the biases); the
                training ``loss`` then includes ``½·λ·ΣW²``.
            gradient_clip_norm: Scale a batch's gradient down to this global norm.
            callbacks: :class:`~nntui.nn.callbacks.Callback` objects, in order:
                ``on_train_begin(network)``, ``on_epoch_end(epoch, logs)`` after
                every epoch, ``on_train_end(network)`` when training ends
                (see :mod:`nntui.nn.callbacks`).
            should_stop: Polled before every batch; True ends training at once
                (the unfinished epoch is not recorded).
            initial_epoch: Epochs already trained (to resume a run): numbering
                continues from it.

        Returns:
            ``loss`` and ``accuracy`` or ``r2`` (and ``val_…`` with validation
            data; ``learning_rate`` with a schedule): one float per epoch.
            :attr:`stop_reason` then says why training ended.

        Raises:
            TrainingDiverged: A metric or a gradient norm became nan or inf.
            ValueError: For invalid arguments or data shapes.
        """
        _check_training_arguments(epochs, learning_rate, batch_size)
        _check_initial_epoch(initial_epoch, epochs)
        update = self._parameter_update(optimizer, l2, gradient_clip_norm)
        batches, validation = self._training_data(x, y, batch_size, shuffle, validation_data)
        callbacks = [*callbacks, *progress_callbacks(verbose, epochs, initial_epoch)]
        history = self._begin_training(float(learning_rate), validation is not None, callbacks)
        # Overflow in a diverging run is reported once, as TrainingDiverged.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in range(initial_epoch + 1, epochs + 1):
                logs = self._run_epoch(epoch, batches, validation, update, should_stop, history)
                if logs is None:  # stopped: the unfinished epoch is not recorded
                    self.stop_reason = "interrupted"
                    break
                for callback in callbacks:
                    callback.on_epoch_end(epoch, logs)
                if self.stop_training:
                    self.stop_reason = "early_stopped"
                    break
            else:
                self.stop_reason = "completed"
        for callback in callbacks:
            callback.on_train_end(self)
        return history

    def _parameter_update(
        self, optimizer: Optimizer | str | None, l2: float, clip_norm: float | None
    ) -> ParameterUpdate:
        """The step pipeline (decay, clipping, the optimizer) on this network's θ."""
        self.optimizer = self._kept_optimizer(optimizer)
        return ParameterUpdate(
            self._parameters,
            self._gradients,
            self._layer_slices,
            self._weight_slices,
            self.optimizer,
            *_check_regularization(l2, clip_norm),
        )

    def _kept_optimizer(self, optimizer: Optimizer | str | None) -> Optimizer:
        """The optimizer to train with: a name reuses :attr:`optimizer` when it has that name."""
        kept = self.optimizer
        if isinstance(optimizer, str) and kept is not None and kept.name == optimizer:
            return kept  # continue its state (Keras: a second fit continues)
        return _resolve_optimizer(optimizer)

    @property
    def rng_state(self) -> dict[str, Any]:
        """The shuffling generator's state (a plain dict; assign it back to resume)."""
        return copy.deepcopy(dict(self._rng.bit_generator.state))

    @rng_state.setter
    def rng_state(self, state: Mapping[str, Any]) -> None:
        self._rng.bit_generator.state = copy.deepcopy(dict(state))

    def _training_data(
        self,
        x: ArrayLike,
        y: ArrayLike,
        batch_size: int,
        shuffle: bool,
        validation_data: tuple[ArrayLike, ArrayLike] | None,
    ) -> tuple[EpochBatches, tuple[FloatArray, FloatArray] | None]:
        """Check and cast the data once; everything in the loop then stays in ``self.dtype``."""
        inputs = np.ascontiguousarray(self._inputs(x))
        targets = np.ascontiguousarray(self._targets(y, len(inputs)))
        _check_finite_data(inputs, targets, "training")
        validation = None
        if validation_data is not None:
            x_val, y_val = _unpack_validation(validation_data)
            val_inputs = self._inputs(x_val)
            validation = (val_inputs, self._targets(y_val, len(val_inputs)))
            _check_finite_data(*validation, "validation")
        return EpochBatches(inputs, targets, batch_size, shuffle), validation

    def _begin_training(
        self, learning_rate: float, with_validation: bool, callbacks: Sequence[Callback]
    ) -> History:
        """Reset the run's state, let the callbacks see the network; return an empty history."""
        for callback in callbacks:
            if not isinstance(callback, Callback):
                raise ValueError(
                    f"callbacks must be Callback objects (e.g. EarlyStopping(patience=5)), "
                    f"got {callback!r}"
                )
        self.metric_keys = tuple(self._history_keys(with_validation))
        self.learning_rate = learning_rate
        self.stop_training = False
        self.stop_reason, self.best_epoch, self.best_value = None, None, None
        history: History = {key: [] for key in self.metric_keys}
        if any(callback.changes_learning_rate for callback in callbacks):
            history["learning_rate"] = []
        self.history = history
        for callback in callbacks:
            callback.on_train_begin(self)
        return history

    def _run_epoch(
        self,
        epoch: int,
        batches: EpochBatches,
        validation: tuple[FloatArray, FloatArray] | None,
        update: ParameterUpdate,
        should_stop: Callable[[], bool] | None,
        history: History,
    ) -> Logs | None:
        """Train one epoch, check it, record it; return its logs (None when stopped)."""
        rate = _checked_rate(self.learning_rate)
        update.start_epoch(rate)
        grad_norms = self._train_epoch(batches, update, should_stop)
        if grad_norms is None:
            return None
        metrics = self._epoch_metrics(batches, validation, update)
        try:
            _raise_if_diverged(epoch, metrics, grad_norms, history)
        except TrainingDiverged:
            self.stop_reason = "diverged"
            raise
        metrics["learning_rate"] = rate
        for key, series in history.items():
            series.append(metrics[key])
        return {**metrics, "grad_norms": grad_norms, **update.diagnostics()}

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
                    x_batch = x_block[offset : offset + batch_size]
                    self._forward(x_batch, batches.outputs[start:stop], batches.logits[start:stop])
                    # g = dL/dθ (η·g for plain SGD: see SGD.gradient_scale)
                    self._backpropagate(batches.y[start:stop], scale=update.gradient_scale)
                    # (+ λ·W), norms, (clipping), then the optimizer's step on all of θ at once.
                    update.step(norm_sums, remember=stop >= n_samples)
        finally:
            update.finish_epoch()  # leave the true gradients for the caller
        return [total / batches.batch_count for total in norm_sums]

    def _epoch_metrics(
        self,
        batches: EpochBatches,
        validation: tuple[FloatArray, FloatArray] | None,
        update: ParameterUpdate,
    ) -> dict[str, float]:
        """The epoch's metrics: training ones from its own forward passes, then validation."""
        # The mean over all samples, i.e. the batch-size-weighted mean of the batches.
        metrics = self._metrics(batches.outputs, batches.y, batches.logits)
        if update.l2 > 0:
            metrics["loss"] += update.l2_penalty()
        if validation is not None:
            output, logits = self._outputs(validation[0], with_logits=True)
            val_metrics = self._metrics(output, validation[1], logits)
            metrics.update({f"val_{key}": value for key, value in val_metrics.items()})
        return metrics

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
            arrays[f"dense_{index}.biases"] = layer.biases.reshape(-1)  # stored 1-D
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
            biases = layer.biases.reshape(-1)  # a view: stored 1-D, kept as a (1, u) row
            for part, target in (("weights", layer.weights), ("biases", biases)):
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

    def _metrics(
        self, y_pred: np.ndarray, y_true: np.ndarray, logits: np.ndarray | None = None
    ) -> dict[str, float]:
        if logits is None:
            loss = self.loss_function.value(y_pred, y_true)
        else:
            loss = self.loss_function.value_from_logits(logits, y_pred, y_true)
        if self.is_classification:
            return {"loss": loss, "accuracy": self._accuracy(y_pred, y_true)}
        return {"loss": loss, "r2": r2_score(y_pred, y_true)}

    def _accuracy(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        if self.loss == "cross_entropy":
            # The predicted class is the most probable one.
            return float(np.mean(y_pred.argmax(axis=1) == y_true.argmax(axis=1)))
        # Sigmoid outputs: each unit predicts 1 when p ≥ 0.5.
        return float(np.mean((y_pred >= 0.5) == (y_true >= 0.5)))

    def _inputs(self, x: ArrayLike) -> FloatArray:
        inputs: FloatArray = np.asarray(x, dtype=self.dtype)
        if inputs.ndim != 2 or inputs.shape[1] != self.layer_sizes[0]:
            found: object = inputs.shape[-1] if inputs.ndim else 0
            if inputs.ndim != 2:
                found = f"{found} (shape {inputs.shape}, expected 2-D (samples, features))"
            raise ValueError(
                f"Input dimension {found} does not match layer input size {self.layer_sizes[0]}"
            )
        return inputs

    def _targets(self, y: ArrayLike, n_samples: int) -> FloatArray:
        """Return targets as ``(n_samples, outputs)`` in the network's dtype."""
        outputs = self.layer_sizes[-1]
        targets = np.asarray(y)
        if targets.ndim == 1 and outputs == 1:
            targets = targets.reshape(-1, 1)
        elif targets.ndim == 1 and self.loss == "cross_entropy":
            targets = one_hot(targets, outputs)
        if targets.shape != (n_samples, outputs):
            raise ValueError(
                f"Targets have shape {targets.shape}, expected ({n_samples}, {outputs}): "
                f"one row per sample and one column per output unit"
            )
        result: FloatArray = np.asarray(targets, dtype=self.dtype)
        return result


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


def _seed_or_global(seed: int | None) -> int | np.ndarray:
    """``seed``, or without one 128 bits drawn from NumPy's global state.

    So ``np.random.seed(42)`` before ``NeuralNetwork(...)`` makes the weights
    and the shuffling repeatable, as the reference project's users expect.
    """
    if seed is not None:
        return seed
    entropy: np.ndarray = np.random.randint(0, 2**32, size=4, dtype=np.uint64)
    return entropy


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


def _check_initial_epoch(initial_epoch: int, epochs: int) -> None:
    if (
        isinstance(initial_epoch, bool)
        or not isinstance(initial_epoch, (int, np.integer))
        or not 0 <= initial_epoch <= epochs
    ):
        raise ValueError(
            f"initial_epoch must be a whole number from 0 to epochs ({epochs}), "
            f"got {initial_epoch!r}"
        )


def _checked_rate(rate: float) -> float:
    if not isinstance(rate, Real) or not math.isfinite(rate) or rate <= 0:
        raise ValueError(f"network.learning_rate must be a positive number, got {rate!r}")
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
    """Raise :class:`TrainingDiverged` when a metric or a gradient norm is nan or inf.

    The loss is named first, then the other metrics, then the layers (input side first).
    """
    if all(map(math.isfinite, logs.values())) and all(map(math.isfinite, grad_norms)):
        return
    named = [*logs.items()]  # the loss first
    named += [(f"gradient norm of dense_{i}", norm) for i, norm in enumerate(grad_norms, 1)]
    quantity, value = next((key, item) for key, item in named if not math.isfinite(item))
    raise TrainingDiverged(
        epoch, logs["loss"], history, quantity, value, grad_norms=grad_norms, logs=logs
    )
