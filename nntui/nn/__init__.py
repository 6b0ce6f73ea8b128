"""The engine: a neural network from first principles, in NumPy only.

Read it in this order: :mod:`~nntui.nn.activations`, :mod:`~nntui.nn.losses`,
:mod:`~nntui.nn.initializers`, :mod:`~nntui.nn.layers`, :mod:`~nntui.nn.network`
(with :mod:`~nntui.nn.batching`); then how training is steered:
:mod:`~nntui.nn.optimizers`, :mod:`~nntui.nn.updates` (weight decay,
clipping), :mod:`~nntui.nn.schedules`, :mod:`~nntui.nn.early_stopping` (both
watch a metric with :mod:`~nntui.nn.monitoring`); then
:mod:`~nntui.nn.diagnostics` (layer health), :mod:`~nntui.nn.serialization`
(saved models), :mod:`~nntui.nn.data` (synthetic data, splitting, scaling),
:mod:`~nntui.nn.planar` and :mod:`~nntui.nn.tabular` (2-D and CSV data sets)
and :mod:`~nntui.nn.gradcheck` (checking gradients numerically).
"""

from nntui.nn.activations import ACTIVATIONS, Activation
from nntui.nn.data import (
    Standardizer,
    fit_standardizer,
    generate_classification_data,
    generate_regression_data,
    normalize_features,
    one_hot,
    split_indices,
)
from nntui.nn.diagnostics import LayerDiagnostics, probe_diagnostics
from nntui.nn.early_stopping import EarlyStopping
from nntui.nn.initializers import INITIALIZERS
from nntui.nn.layers import DenseLayer
from nntui.nn.losses import LOSSES, Loss
from nntui.nn.network import NeuralNetwork, TrainingDiverged, r2_score
from nntui.nn.optimizers import OPTIMIZERS, SGD, Adam, Optimizer, make_optimizer
from nntui.nn.schedules import (
    SCHEDULES,
    ConstantSchedule,
    ExponentialDecay,
    LearningRateSchedule,
    ReduceOnPlateau,
    StepDecay,
    make_schedule,
)
from nntui.nn.serialization import ModelFileError

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "SCHEDULES",
    "SGD",
    "Activation",
    "Adam",
    "ConstantSchedule",
    "DenseLayer",
    "EarlyStopping",
    "ExponentialDecay",
    "LayerDiagnostics",
    "LearningRateSchedule",
    "Loss",
    "ModelFileError",
    "NeuralNetwork",
    "Optimizer",
    "ReduceOnPlateau",
    "Standardizer",
    "StepDecay",
    "TrainingDiverged",
    "fit_standardizer",
    "generate_classification_data",
    "generate_regression_data",
    "make_optimizer",
    "make_schedule",
    "normalize_features",
    "one_hot",
    "probe_diagnostics",
    "r2_score",
    "split_indices",
]
