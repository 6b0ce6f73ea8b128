"""The engine: a neural network from first principles, in NumPy only.

Read it in this order: :mod:`~nntui.nn.activations`, :mod:`~nntui.nn.losses`,
:mod:`~nntui.nn.initializers`, :mod:`~nntui.nn.layers`, :mod:`~nntui.nn.network`;
then :mod:`~nntui.nn.data` (synthetic data, scaling) and
:mod:`~nntui.nn.gradcheck` (checking gradients numerically).
"""

from nntui.nn.activations import ACTIVATIONS, Activation
from nntui.nn.data import (
    Standardizer,
    fit_standardizer,
    generate_classification_data,
    generate_regression_data,
    normalize_features,
    one_hot,
)
from nntui.nn.initializers import INITIALIZERS
from nntui.nn.layers import DenseLayer
from nntui.nn.losses import LOSSES, Loss
from nntui.nn.network import NeuralNetwork, TrainingDiverged, r2_score

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LOSSES",
    "Activation",
    "DenseLayer",
    "Loss",
    "NeuralNetwork",
    "Standardizer",
    "TrainingDiverged",
    "fit_standardizer",
    "generate_classification_data",
    "generate_regression_data",
    "normalize_features",
    "one_hot",
    "r2_score",
]
