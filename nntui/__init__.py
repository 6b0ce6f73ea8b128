"""nntui: a neural network from first principles in NumPy, and a terminal monitor.

The engine's public API is re-exported here::

    from nntui import NeuralNetwork, generate_classification_data, normalize_features
"""

import logging

from nntui._version import __version__
from nntui.datasets import DataSourceError, load_csv, load_iris
from nntui.datasets.planar import generate_planar_data
from nntui.datasets.synthetic import generate_classification_data, generate_regression_data
from nntui.nn.activations import ACTIVATIONS
from nntui.nn.diagnostics import probe_diagnostics
from nntui.nn.early_stopping import EarlyStopping
from nntui.nn.initializers import INITIALIZERS
from nntui.nn.layers import DenseLayer
from nntui.nn.losses import LOSSES
from nntui.nn.network import NeuralNetwork, TrainingDiverged
from nntui.nn.optimizers import SGD, Adam
from nntui.nn.preprocessing import normalize_features, one_hot
from nntui.nn.schedules import ConstantSchedule, ExponentialDecay, ReduceOnPlateau, StepDecay
from nntui.nn.serialization import ModelFileError

# A library never configures logging for its host; nntui.logs does it for the CLI.
logging.getLogger("nntui").addHandler(logging.NullHandler())

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LOSSES",
    "SGD",
    "Adam",
    "ConstantSchedule",
    "DataSourceError",
    "DenseLayer",
    "EarlyStopping",
    "ExponentialDecay",
    "ModelFileError",
    "NeuralNetwork",
    "ReduceOnPlateau",
    "StepDecay",
    "TrainingDiverged",
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
