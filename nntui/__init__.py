"""nntui: a neural network from first principles in NumPy, and a terminal monitor.

The engine's public API is re-exported here, with the names of the reference
project ("Neural Network from Scratch with Backpropagation")::

    from nntui import (
        ActivationFunction, WeightInitializer, DenseLayer, NeuralNetwork, NetworkRunner,
        generate_classification_data, generate_regression_data, normalize_features, one_hot,
    )

``NetworkRunner`` (the runner the ``nntui`` command and the monitor use) is
imported on first use, so ``import nntui`` stays as light as the engine.
"""

import logging
from typing import TYPE_CHECKING, Any

from nntui._version import __version__
from nntui.datasets import DataSourceError, load_csv, load_iris
from nntui.datasets.planar import generate_planar_data
from nntui.datasets.synthetic import generate_classification_data, generate_regression_data
from nntui.nn.activations import ACTIVATIONS, ActivationFunction
from nntui.nn.diagnostics import probe_diagnostics
from nntui.nn.early_stopping import EarlyStopping
from nntui.nn.initializers import INITIALIZERS, WeightInitializer
from nntui.nn.layers import DenseLayer
from nntui.nn.losses import LOSSES
from nntui.nn.network import NeuralNetwork, TrainingDiverged
from nntui.nn.optimizers import SGD, Adam
from nntui.nn.preprocessing import normalize_features, one_hot
from nntui.nn.schedules import ConstantSchedule, ExponentialDecay, ReduceOnPlateau, StepDecay
from nntui.nn.serialization import ModelFileError

if TYPE_CHECKING:
    from nntui.training.runner import NetworkRunner


def __getattr__(name: str) -> Any:
    """``nntui.NetworkRunner``, imported when first asked for (it loads the config layer)."""
    if name == "NetworkRunner":
        from nntui.training.runner import NetworkRunner

        return NetworkRunner
    raise AttributeError(f"module 'nntui' has no attribute {name!r}")


# A library never configures logging for its host; nntui.logs does it for the CLI.
logging.getLogger("nntui").addHandler(logging.NullHandler())

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LOSSES",
    "SGD",
    "ActivationFunction",
    "Adam",
    "ConstantSchedule",
    "DataSourceError",
    "DenseLayer",
    "EarlyStopping",
    "ExponentialDecay",
    "ModelFileError",
    "NetworkRunner",
    "NeuralNetwork",
    "ReduceOnPlateau",
    "StepDecay",
    "TrainingDiverged",
    "WeightInitializer",
    "__version__",
    "generate_classification_data",
    "generate_planar_data",
    "generate_regression_data",
    "load_csv",
    "load_iris",
    "normalize_features",
    "one_hot",
    "probe_diagnostics",
]
