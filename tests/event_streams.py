"""Fixed, deterministic event streams of made-up runs, for snapshot and reducer tests.

No training happens: the curves are smooth formulas of the epoch, so a
snapshot drawn from these events is the same on every machine (no BLAS bits,
no timing). Each stream is what a ``NetworkRunner`` emits: ``RunStarted``,
``EpochEnded`` × n (optionally a pause), then one ``RunFinished`` or
``RunFailed`` whose results document is built from the folded record with
:func:`nntui.training.results.build_results`, as the runner does.

Import it as ``from event_streams import finished_run_events`` (the tests
folder is on ``sys.path``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from factories import make_config

from nntui.config import Config, Task
from nntui.nn.network import NeuralNetwork
from nntui.training.events import (
    DataSummary,
    EpochEnded,
    Explosion,
    FinalStatus,
    LayerInfo,
    LayerStats,
    RunEvent,
    RunFailed,
    RunFinished,
    RunPaused,
    RunResumed,
    RunStarted,
    metric_for,
)
from nntui.training.record import RunRecord
from nntui.training.results import build_results

N_TRAIN = 240
N_TEST = 60
SECONDS_PER_EPOCH = 0.05
WALL_TIME_S = 2.5
PATIENCE = 5

_OUTPUTS = {"classification": ("softmax", "cross_entropy"), "regression": ("linear", "mse")}


def stream_config(task: Task = "classification", epochs: int = 30, **overrides: Any) -> Config:
    """The small config every stream's ``RunStarted`` carries (``__`` for dots in ``overrides``)."""
    values: dict[str, Any] = {
        "data.n_samples": N_TRAIN + N_TEST,
        "data.n_features": 4,
        "data.n_classes": 3,
        "data.test_size": N_TEST / (N_TRAIN + N_TEST),
        "network.hidden_layers": [8, 6],
        "network.hidden_activations": ["relu", "tanh"],
        "training.epochs": epochs,
        "training.learning_rate": 0.01,
    }
    values.update({key.replace("__", "."): value for key, value in overrides.items()})
    return make_config(values, task=task)


def run_started(config: Config) -> RunStarted:
    """The ``RunStarted`` of a run of ``config`` (4 or 2 inputs, the config's hidden layers)."""
    task = config.task
    planar = config.data.source not in ("synthetic", "csv", "iris")
    n_features = 2 if planar else config.data.n_features
    n_classes = config.data.n_classes if config.data.source in ("synthetic", "spiral") else 2
    n_outputs = n_classes if task == "classification" else 1
    output, loss = _OUTPUTS[task]
    sizes = [n_features, *config.network.hidden_layers, n_outputs]
    network = NeuralNetwork(sizes, [*config.network.hidden_activations, output], loss=loss, seed=0)
    layers = tuple(
        LayerInfo(name=name, output_shape=shape, activation=activation, parameters=int(count))
        for name, shape, activation, count in network.layer_table()
    )
    classes = tuple(f"class_{k}" for k in range(n_classes)) if task == "classification" else None
    data = DataSummary(
        source=config.data.source,
        n_train=N_TRAIN,
        n_validation=N_TEST,
        n_test=N_TEST,
        n_features=n_features,
        classes=classes,
        feature_names=tuple(f"x{k}" for k in range(1, n_features + 1)),
        input_extent=(-1.0, 1.0) if planar else None,
    )
    stopping = config.training.early_stopping
    return RunStarted(
        config=config,
        task=task,
        metric=metric_for(task),
        epochs=config.training.epochs,
        layer_sizes=tuple(sizes),
        parameter_count=int(network.parameter_count),
        layers=layers,
        summary=network.summary(),
        data=data,
        loss=loss,
        learning_rate=config.training.learning_rate,
        seed=config.data.random_seed,
        optimizer=f"sgd(lr={config.training.learning_rate:g})",
        lr_schedule="constant",
        early_stopping=f"{stopping.monitor}, patience {stopping.patience}"
        if stopping.enabled
        else None,
    )


def epoch_ended(started: RunStarted, epoch: int, *, turn: int | None = None) -> EpochEnded:
    """Epoch ``epoch`` of a smooth learning curve (validation loss rising after ``turn``)."""
    loss = 0.1 + 1.0 * math.exp(-epoch / 8)
    val_loss = 0.15 + 1.0 * math.exp(-epoch / 8)
    if turn is not None and epoch > turn:
        val_loss = 0.15 + 1.0 * math.exp(-turn / 8) + 0.02 * (epoch - turn)
    score = 1.0 - 0.7 * math.exp(-epoch / 6)
    val_score = score - 0.03
    if started.metric == "r2":
        score, val_score = score - 0.1, val_score - 0.1
    layers = tuple(
        LayerStats(
            name=layer.name,
            grad_norm=round(0.8 * math.exp(-epoch / 10) / (index + 1), 6),
            update_ratio=round(-2.5 - 0.05 * epoch - 0.2 * index, 6),
            weight_norm=round(1.0 + 0.05 * epoch + 0.3 * index, 6),
            dead_share=0.125 if layer.activation == "relu" else None,
            saturation=round(0.02 * index, 6) if layer.activation in ("tanh", "sigmoid") else None,
        )
        for index, layer in enumerate(started.layers)
    )
    elapsed = round(SECONDS_PER_EPOCH * epoch, 6)
    return EpochEnded(
        epoch=epoch,
        epochs=started.epochs,
        loss=round(loss, 6),
        val_loss=round(val_loss, 6),
        metric=started.metric,
        score=round(score, 6),
        val_score=round(val_score, 6),
        learning_rate=started.learning_rate,
        layers=layers,
        elapsed_s=elapsed,
        samples_per_s=started.data.n_train * epoch / elapsed,
    )


#: A diverged stream's exploding epoch: its gradient norm per layer (dense_1 first).
EXPLODED_NORMS = (math.inf, 3.2e5, math.nan)


def explosion(record: RunRecord) -> Explosion:
    """The epoch after the record's last one, exploding: loss nan, norms :data:`EXPLODED_NORMS`."""
    metric = record.metric
    norms = EXPLODED_NORMS[: len(record.layers)] if record.layers else EXPLODED_NORMS
    return Explosion(
        epoch=record.epochs_done + 1,
        quantity="loss",
        value=math.nan,
        loss=math.nan,
        grad_norms=norms,
        metrics={"loss": math.nan, metric: 0.3333, "val_loss": math.nan, f"val_{metric}": 0.3},
    )


def _finished(
    events: list[RunEvent], status: FinalStatus, test: Mapping[str, float] | None
) -> RunEvent:
    record = RunRecord()
    for event in events:
        record.apply(event)
    exploded = explosion(record) if status == "diverged" else None
    results = build_results(
        record, status=status, wall_time_s=WALL_TIME_S, test=test, explosion=exploded
    )
    if status in ("diverged", "error"):
        reason = (
            f"diverged at epoch {record.epochs_done + 1}: loss is nan — try a lower "
            "training.learning_rate"
        )
        results["stop_message"] = reason
        return RunFailed(status=status, reason=reason, results=results, explosion=exploded)
    return RunFinished(status=status, stop_message=results["stop_message"], results=results)


def _test_metrics(last: EpochEnded) -> dict[str, float]:
    return {"loss": round((last.val_loss or 0.0) + 0.01, 6), last.metric: last.val_score or 0.0}


def live_run_events(
    task: Task = "classification", epochs: int = 30, done: int = 12, *, paused: bool = False
) -> list[RunEvent]:
    """A run still training: ``RunStarted`` and ``done`` epochs (then ``RunPaused`` if asked)."""
    started = run_started(stream_config(task, epochs))
    events: list[RunEvent] = [started]
    events += [epoch_ended(started, epoch) for epoch in range(1, done + 1)]
    if paused:
        events.append(RunPaused(epoch=done))
    return events


def finished_run_events(task: Task = "classification", epochs: int = 30) -> list[RunEvent]:
    """A run that completed every epoch (paused and resumed after epoch 3 when longer)."""
    started = run_started(stream_config(task, epochs))
    events: list[RunEvent] = [started]
    for epoch in range(1, epochs + 1):
        events.append(epoch_ended(started, epoch))
        if epoch == 3 and epochs > 3:
            events += [RunPaused(epoch=epoch), RunResumed(epoch=epoch)]
    last = events[-1]
    assert isinstance(last, EpochEnded)
    events.append(_finished(events, "completed", _test_metrics(last)))
    return events


def early_stopped_run_events(
    task: Task = "classification", epochs: int = 30, best_epoch: int = 12
) -> list[RunEvent]:
    """A run early stopping ended: ``val_loss`` is best at ``best_epoch``, patience 5."""
    config = stream_config(
        task,
        epochs,
        training__early_stopping__enabled=True,
        training__early_stopping__patience=PATIENCE,
    )
    started = run_started(config)
    events: list[RunEvent] = [started]
    last_epoch = min(best_epoch + PATIENCE, epochs)
    events += [epoch_ended(started, epoch, turn=best_epoch) for epoch in range(1, last_epoch + 1)]
    last = events[-1]
    assert isinstance(last, EpochEnded)
    events.append(_finished(events, "early_stopped", _test_metrics(last)))
    return events


def interrupted_run_events(
    task: Task = "classification", epochs: int = 30, done: int = 7
) -> list[RunEvent]:
    """A run stopped on request after ``done`` epochs."""
    events = live_run_events(task, epochs, done)
    last = events[-1]
    assert isinstance(last, EpochEnded)
    events.append(_finished(events, "interrupted", _test_metrics(last)))
    return events


def diverged_run_events(
    task: Task = "classification", epochs: int = 30, diverged_at: int = 5
) -> list[RunEvent]:
    """A run whose loss became NaN in epoch ``diverged_at`` (the epochs before it are emitted)."""
    events = live_run_events(task, epochs, diverged_at - 1)
    events.append(_finished(events, "diverged", None))
    return events


def playground_run_events(source: str = "spiral", epochs: int = 30) -> list[RunEvent]:
    """A completed run on a 2-D playground source (2 inputs, ``input_extent`` (-1, 1))."""
    config = stream_config(
        "classification" if source in ("circles", "xor", "gaussian", "spiral") else "regression",
        epochs,
        data__source=source,
    )
    started = run_started(config)
    events: list[RunEvent] = [started]
    events += [epoch_ended(started, epoch) for epoch in range(1, epochs + 1)]
    last = events[-1]
    assert isinstance(last, EpochEnded)
    events.append(_finished(events, "completed", _test_metrics(last)))
    return events
