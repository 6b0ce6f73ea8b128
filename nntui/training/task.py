"""The network a config asks for: output head, layer sizes and loss, derived in one place.

The task itself is decided once, while the :class:`~nntui.config.Config` is
built (``config.task``); the quality metric it measures comes from
:func:`nntui.training.events.metric_for`. What is left depends on the data
(its inputs and classes) and is decided here:

==================  ===========================  ==========  ========================
task                head                         units       loss
==================  ===========================  ==========  ========================
classification      ``softmax``                  classes     ``cross_entropy``
classification      ``sigmoid`` (2 classes)      1           ``binary_cross_entropy``
regression          ``linear``                   1           ``mse``
==================  ===========================  ==========  ========================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nntui.config import Config


class HeadError(ValueError):
    """The classification head cannot serve the data's classes (a sigmoid for 3 classes)."""


@dataclass(frozen=True)
class OutputHead:
    """The output layer: its units, activation and the loss that goes with it."""

    units: int
    activation: str
    loss: str


@dataclass(frozen=True)
class NetworkPlan:
    """Everything ``NeuralNetwork`` needs from the config, once the data is known.

    Attributes:
        layer_sizes: input width, hidden widths, output units.
        activations: one per non-input layer, the head's last.
        loss: the loss name.
        head: the output layer.
    """

    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    head: OutputHead


def output_head(config: Config, n_classes: int | None) -> OutputHead:
    """The output layer of a run of ``config`` on data with ``n_classes`` classes.

    Args:
        config: the validated config (its task and ``network.output_activation``).
        n_classes: the data's classes (``None`` for regression).

    Raises:
        HeadError: a sigmoid head for data that has more than 2 classes, or a
            classification run on data without classes.
    """
    if config.task == "regression":
        return OutputHead(1, "linear", "mse")
    if n_classes is None:
        raise HeadError("a classification run needs data with classes")
    if config.network.output_activation == "sigmoid":
        if n_classes != 2:
            raise HeadError(
                f"network.output_activation sigmoid has one output unit, for 2 classes; "
                f"the data has {n_classes}: use softmax"
            )
        return OutputHead(1, "sigmoid", "binary_cross_entropy")
    return OutputHead(int(n_classes), "softmax", "cross_entropy")


def network_plan(config: Config, n_features: int, n_classes: int | None) -> NetworkPlan:
    """The network for ``config`` on data with ``n_features`` inputs and ``n_classes`` classes.

    Raises:
        HeadError: see :func:`output_head`.
    """
    head = output_head(config, n_classes)
    network = config.network
    return NetworkPlan(
        layer_sizes=(int(n_features), *network.hidden_layers, head.units),
        activations=(*network.hidden_activations, head.activation),
        loss=head.loss,
        head=head,
    )
