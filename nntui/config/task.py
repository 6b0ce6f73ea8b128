"""The task of a run, decided once while a :class:`~nntui.config.Config` is built.

The data source decides: ``plane`` and ``bump`` are regression data, ``iris``
and the 2-D classification sources are classification data; ``synthetic`` and
``csv`` serve both and default to classification. ``--task`` may pick the
other task of a source that serves both; a task the source cannot serve is a
:class:`~nntui.config.ConfigError`. The early-stopping metric must be one the
task measures.
"""

from __future__ import annotations

from typing import Any

from nntui.config.checks import show
from nntui.config.errors import ConfigProblem
from nntui.config.model import TASKS, Task
from nntui.config.schema import (
    CLASSIFICATION_MONITORS,
    DATA_SOURCES,
    REGRESSION_MONITORS,
    source_tasks,
)


def decide_task(
    plain: dict[str, Any], requested: str | None = None, *, keep: Task | None = None
) -> tuple[Task | None, list[ConfigProblem]]:
    """The task for a checked plain config, and the problems that prevent one.

    Args:
        plain: a checked config (every key valid).
        requested: the task asked for (``--task``); ``None`` lets the source decide.
        keep: a task to keep when the source serves it (the task the config had
            before an edit), else the source's own task is taken.

    Returns:
        ``(task, problems)``; ``task`` is ``None`` when ``requested`` cannot be served.
    """
    data_source = plain["data"]["source"]
    tasks = source_tasks(data_source)
    if requested is None:
        task = keep if keep in tasks else tasks[0]
    elif requested not in TASKS:
        message = f"must be one of {', '.join(TASKS)}, got {show(requested)}"
        return None, [ConfigProblem("--task", message)]
    elif requested not in tasks:
        serving = [name for name in DATA_SOURCES if requested in source_tasks(name)]
        message = (
            f"{data_source} is {tasks[0]} data, so --task {requested} cannot use it; "
            f"leave --task out, or pick a source with {requested} data "
            f"({', '.join(serving)})"
        )
        return None, [ConfigProblem("data.source", message)]
    else:
        task = tasks[tasks.index(requested)]
    return task, _monitor_problems(plain, task)


def _monitor_problems(plain: dict[str, Any], task: Task) -> list[ConfigProblem]:
    stopping = plain["training"]["early_stopping"]
    foreign = REGRESSION_MONITORS if task == "classification" else CLASSIFICATION_MONITORS
    if not (stopping["enabled"] and stopping["monitor"] in foreign):
        return []
    score = "accuracy" if task == "classification" else "r2"
    message = (
        f"{stopping['monitor']} is not measured in a {task} run; "
        f"use val_loss, val_{score}, loss or {score}"
    )
    return [ConfigProblem("training.early_stopping.monitor", message)]
