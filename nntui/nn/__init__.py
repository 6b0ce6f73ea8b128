"""The engine: a neural network from first principles, in NumPy only.

Read it in this order: :mod:`~nntui.nn.activations`, :mod:`~nntui.nn.losses`,
:mod:`~nntui.nn.initializers`, :mod:`~nntui.nn.layers`, :mod:`~nntui.nn.network`
(with :mod:`~nntui.nn.batching`, :mod:`~nntui.nn.preprocessing` and
:mod:`~nntui.nn.progress`, the ``verbose`` lines); then how
training is steered: :mod:`~nntui.nn.optimizers`, :mod:`~nntui.nn.updates`
(weight decay, clipping), :mod:`~nntui.nn.callbacks` and the two built-in
ones, :mod:`~nntui.nn.schedules` and :mod:`~nntui.nn.early_stopping` (both
watch a metric with :mod:`~nntui.nn.monitoring`); then
:mod:`~nntui.nn.diagnostics` (layer health), :mod:`~nntui.nn.serialization`
(saved models) and :mod:`~nntui.nn.gradcheck` (checking gradients
numerically). Data sources live in :mod:`nntui.datasets`.
"""

from nntui.nn.activations import ACTIVATIONS, Activation, ActivationFunction
from nntui.nn.callbacks import Callback, LambdaCallback
from nntui.nn.diagnostics import LayerDiagnostics, probe_diagnostics
from nntui.nn.early_stopping import EarlyStopping
from nntui.nn.initializers import INITIALIZERS, WeightInitializer
from nntui.nn.layers import DenseLayer
from nntui.nn.losses import LOSSES, Loss
from nntui.nn.monitoring import higher_is_better
from nntui.nn.network import NeuralNetwork, TrainingDiverged, r2_score
from nntui.nn.optimizers import OPTIMIZERS, SGD, Adam, Optimizer, make_optimizer
from nntui.nn.preprocessing import Standardizer, fit_standardizer, normalize_features, one_hot
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
    "ActivationFunction",
    "Adam",
    "Callback",
    "ConstantSchedule",
    "DenseLayer",
    "EarlyStopping",
    "ExponentialDecay",
    "LambdaCallback",
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
    "WeightInitializer",
    "fit_standardizer",
    "higher_is_better",
    "make_optimizer",
    "make_schedule",
    "normalize_features",
    "one_hot",
    "probe_diagnostics",
    "r2_score",
]
