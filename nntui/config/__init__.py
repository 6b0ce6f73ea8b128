"""Configuration: find, read, validate, override and write back nntui's config.

YAML is parsed and validated once, into a frozen typed tree::

    loaded = load_config(args.config, overrides={"training.epochs": 5}, task=args.task)
    config = loaded.config                    # Config: config.training.epochs == 5
    config = with_overrides(config, {"data.source": "spiral"})
    save_config(config, "config.yaml")        # written atomically, with comments

Every problem in a file is reported at once, each naming its dotted key, the
bad value, what is allowed and its line::

    config.yaml: training.batch_size: must be a positive integer, got -4 (line 14)

Modules: :mod:`~nntui.config.model` (the typed tree), :mod:`~nntui.config.schema`
(the keys: checks and help), :mod:`~nntui.config.validation`,
:mod:`~nntui.config.loading` (files, ``.env``, overrides, the task),
:mod:`~nntui.config.dump` and :mod:`~nntui.config.json_schema` (for editors),
:mod:`~nntui.config.budget` (a network or data set too large for memory is a problem too).
"""

from nntui.config.budget import check_memory
from nntui.config.checks import InvalidValueError, did_you_mean, show
from nntui.config.defaults import DEFAULT_SOURCE
from nntui.config.dump import dump_config, save_config
from nntui.config.errors import ConfigError, ConfigProblem
from nntui.config.json_schema import json_schema
from nntui.config.legacy import (
    fill_defaults,
    network_layer_sizes,
    output_head,
    resolve_task,
)
from nntui.config.loading import (
    LoadedConfig,
    config_from_dict,
    default_config,
    find_config,
    load_config,
    parse_config_text,
    with_overrides,
)
from nntui.config.model import (
    TASKS,
    Config,
    DataConfig,
    DataSource,
    DType,
    EarlyStoppingConfig,
    LoggingConfig,
    LogLevel,
    LrSchedule,
    Monitor,
    NetworkConfig,
    OptimizerName,
    OutputActivation,
    Task,
    TrainingConfig,
)
from nntui.config.overrides import ENV_OVERRIDES
from nntui.config.schema import (
    CLASSIFICATION_MONITORS,
    DATA_SOURCES,
    DOTTED_KEYS,
    DTYPES,
    FIELDS,
    GROUPS,
    HIDDEN_ACTIVATIONS,
    LOG_LEVELS,
    LR_SCHEDULES,
    MONITORS,
    OPTIMIZERS,
    OUTPUT_ACTIVATIONS,
    PLANAR_SOURCES,
    REGRESSION_MONITORS,
    SCHEMA,
    SECTIONS,
    WEIGHT_INITS,
    source_class_count,
    source_tasks,
)

__all__ = [
    "CLASSIFICATION_MONITORS",
    "DATA_SOURCES",
    "DEFAULT_SOURCE",
    "DOTTED_KEYS",
    "DTYPES",
    "ENV_OVERRIDES",
    "FIELDS",
    "GROUPS",
    "HIDDEN_ACTIVATIONS",
    "LOG_LEVELS",
    "LR_SCHEDULES",
    "MONITORS",
    "OPTIMIZERS",
    "OUTPUT_ACTIVATIONS",
    "PLANAR_SOURCES",
    "REGRESSION_MONITORS",
    "SCHEMA",
    "SECTIONS",
    "TASKS",
    "WEIGHT_INITS",
    "Config",
    "ConfigError",
    "ConfigProblem",
    "DType",
    "DataConfig",
    "DataSource",
    "EarlyStoppingConfig",
    "InvalidValueError",
    "LoadedConfig",
    "LogLevel",
    "LoggingConfig",
    "LrSchedule",
    "Monitor",
    "NetworkConfig",
    "OptimizerName",
    "OutputActivation",
    "Task",
    "TrainingConfig",
    "check_memory",
    "config_from_dict",
    "default_config",
    "did_you_mean",
    "dump_config",
    "fill_defaults",
    "find_config",
    "json_schema",
    "load_config",
    "network_layer_sizes",
    "output_head",
    "parse_config_text",
    "resolve_task",
    "save_config",
    "show",
    "source_class_count",
    "source_tasks",
    "with_overrides",
]
