"""Bad configs and what their error must say: shared by the config tests and the CLI tests.

Each entry of :data:`BAD_CONFIGS` is ``(test id, config YAML text, substring)``:
loading the text must fail, and the formatted error must contain the substring
(usually the dotted key). The CLI tests write the text to a file, run
``nntui --headless --config FILE`` and expect exit code 2, the substring on
stderr and no traceback.

A config file that does not exist is not text, so it is not in the table:
:data:`MISSING_CONFIG` is ``(path, substring)`` — ``--config`` with a path that
does not exist must fail (``nntui.config.find_config`` raises ``ConfigError``)
with the substring in the message.
"""

from __future__ import annotations

BAD_CONFIGS: list[tuple[str, str, str]] = [
    # Wrong types.
    ("epochs_is_text", "training:\n  epochs: five\n", "training.epochs"),
    ("epochs_is_quoted_number", 'training:\n  epochs: "5"\n', "remove the quotes"),
    (
        "epochs_is_bool",
        "training:\n  epochs: true\n",
        "training.epochs: must be a positive integer",
    ),
    ("batch_size_is_float", "training:\n  batch_size: 32.5\n", "training.batch_size"),
    ("learning_rate_is_list", "training:\n  learning_rate: [0.1]\n", "training.learning_rate"),
    ("shuffle_is_text", "training:\n  shuffle: maybe\n", "training.shuffle"),
    ("hidden_layers_is_scalar", "network:\n  hidden_layers: 64\n", "network.hidden_layers"),
    ("log_file_is_empty", 'logging:\n  file: ""\n', "logging.file"),
    ("section_is_scalar", "training: 5\n", "training: must be a mapping"),
    # Out of range.
    ("epochs_zero", "training:\n  epochs: 0\n", "training.epochs"),
    (
        "batch_size_negative",
        "training:\n  batch_size: -4\n",
        "training.batch_size: must be a positive integer, got -4",
    ),
    ("n_samples_negative", "data:\n  n_samples: -10\n", "data.n_samples"),
    ("n_features_zero", "data:\n  n_features: 0\n", "data.n_features"),
    ("n_classes_one", "data:\n  n_classes: 1\n", "data.n_classes"),
    ("random_seed_negative", "data:\n  random_seed: -1\n", "data.random_seed"),
    ("learning_rate_zero", "training:\n  learning_rate: 0\n", "training.learning_rate"),
    ("learning_rate_negative", "training:\n  learning_rate: -0.1\n", "training.learning_rate"),
    ("learning_rate_nan", "training:\n  learning_rate: .nan\n", "training.learning_rate"),
    (
        "test_size_above_one",
        "data:\n  test_size: 1.5\n",
        "data.test_size: must be a number in (0, 1)",
    ),
    ("test_size_zero", "data:\n  test_size: 0\n", "data.test_size"),
    (
        "test_size_leaves_no_training_set",
        "data:\n  n_samples: 4\n  test_size: 0.9\n",
        "data.test_size",
    ),
    ("hidden_layer_size_zero", "network:\n  hidden_layers: [64, 0]\n", "network.hidden_layers"),
    # Unknown names.
    (
        "unknown_hidden_activation",
        "network:\n  hidden_activations: [relu, rleu, relu]\n",
        "network.hidden_activations",
    ),
    ("unknown_weight_init", "network:\n  weight_init: hee\n", "did you mean 'he'?"),
    ("unknown_dtype", "training:\n  dtype: float16\n", "training.dtype"),
    ("unknown_log_level", "logging:\n  level: VERBOSE\n", "logging.level"),
    (
        "unknown_output_activation",
        "network:\n  output_activation: softmx\n",
        "did you mean 'softmax'",
    ),
    (
        "unknown_key",
        "training:\n  epoch: 5\n",
        "training.epoch: unknown key (did you mean 'epochs'?)",
    ),
    ("unknown_section", "trainng:\n  epochs: 5\n", "did you mean 'training'?"),
    ("key_outside_its_section", "epochs: 5\n", "did you mean 'training.epochs'?"),
    ("duplicate_key", "training:\n  epochs: 5\n  epochs: 6\n", "training.epochs: is given twice"),
    # Lists that do not match.
    (
        "mismatched_list_lengths",
        "network:\n  hidden_layers: [64, 32]\n  hidden_activations: [relu]\n",
        "network.hidden_activations: has 1 entry but network.hidden_layers has 2",
    ),
    # Classification heads that cannot work.
    (
        "sigmoid_with_three_classes",
        "data:\n  n_classes: 3\nnetwork:\n  output_activation: sigmoid\n",
        "network.output_activation",
    ),
    ("linear_output", "network:\n  output_activation: linear\n", "network.output_activation"),
    # Data sources (issue 5 and 6).
    ("unknown_source", "data:\n  source: irs\n", "data.source: must be one of synthetic, csv"),
    ("source_near_miss", "data:\n  source: spirals\n", "did you mean 'spiral'?"),
    (
        "csv_without_path",
        "data:\n  source: csv\n  target: price\n",
        "data.path: is required when data.source is csv",
    ),
    (
        "csv_without_target",
        "data:\n  source: csv\n  path: houses.csv\n",
        "data.target: is required when data.source is csv",
    ),
    ("csv_path_is_empty", 'data:\n  source: csv\n  path: ""\n  target: y\n', "data.path"),
    (
        "features_is_a_name",
        "data:\n  source: csv\n  path: a.csv\n  target: y\n  features: x1\n",
        "data.features: must be a list of column names",
    ),
    (
        "features_repeat_a_column",
        "data:\n  source: csv\n  path: a.csv\n  target: y\n  features: [a, a]\n",
        "data.features: lists 'a' more than once",
    ),
    (
        "features_include_the_target",
        "data:\n  source: csv\n  path: a.csv\n  target: y\n  features: [a, y]\n",
        "data.features: lists the target column 'y'",
    ),
    (
        "noise_above_half",
        "data:\n  noise: 0.7\n",
        "data.noise: must be a number from 0 to 0.5, got 0.7",
    ),
    ("noise_negative", "data:\n  noise: -0.1\n", "data.noise"),
    (
        "planar_source_with_too_few_samples",
        "data:\n  source: circles\n  n_samples: 5\n",
        "data.n_samples: must be at least 10 for data.source circles",
    ),
    (
        "spiral_with_more_classes_than_pairs",
        "data:\n  source: spiral\n  n_samples: 10\n  n_classes: 6\n",
        "data.n_classes: spiral needs at least 2 samples per class",
    ),
    (
        "sigmoid_with_iris",
        "data:\n  source: iris\nnetwork:\n  output_activation: sigmoid\n",
        "data.source iris has 3; use softmax",
    ),
    # Optimizers, regularisation and schedules (issue 5).
    ("unknown_optimizer", "training:\n  optimizer: adm\n", "did you mean 'adam'?"),
    (
        "momentum_of_one",
        "training:\n  momentum: 1.0\n",
        "training.momentum: must be a number in [0, 1), got 1.0",
    ),
    ("momentum_negative", "training:\n  momentum: -0.5\n", "training.momentum"),
    (
        "nesterov_without_momentum",
        "training:\n  nesterov: true\n",
        "training.nesterov: needs training.momentum above 0",
    ),
    ("nesterov_is_text", "training:\n  nesterov: sometimes\n", "training.nesterov"),
    ("beta1_of_one", "training:\n  beta1: 1\n", "training.beta1: must be a number in [0, 1)"),
    ("beta2_negative", "training:\n  beta2: -0.1\n", "training.beta2"),
    ("epsilon_zero", "training:\n  epsilon: 0\n", "training.epsilon: must be a positive number"),
    ("l2_negative", "training:\n  l2: -1e-4\n", "training.l2: must be a number of at least 0"),
    (
        "gradient_clip_norm_zero",
        "training:\n  gradient_clip_norm: 0\n",
        "training.gradient_clip_norm: must be a positive number or null, got 0",
    ),
    ("unknown_lr_schedule", "training:\n  lr_schedule: plateu\n", "did you mean 'plateau'?"),
    (
        "lr_decay_zero",
        "training:\n  lr_decay: 0\n",
        "training.lr_decay: must be a number in (0, 1]",
    ),
    ("lr_decay_above_one", "training:\n  lr_decay: 1.5\n", "training.lr_decay"),
    (
        "plateau_that_never_lowers_the_rate",
        "training:\n  lr_schedule: plateau\n  lr_decay: 1\n",
        "training.lr_decay: must be below 1 for lr_schedule plateau",
    ),
    ("lr_step_epochs_zero", "training:\n  lr_step_epochs: 0\n", "training.lr_step_epochs"),
    ("lr_patience_is_float", "training:\n  lr_patience: 2.5\n", "training.lr_patience"),
    (
        "min_learning_rate_above_learning_rate",
        "training:\n  learning_rate: 0.01\n  min_learning_rate: 0.1\n",
        "training.min_learning_rate: must be below training.learning_rate 0.01",
    ),
    # The nested early_stopping mapping.
    (
        "early_stopping_is_a_flag",
        "training:\n  early_stopping: true\n",
        "training.early_stopping: must be a mapping of keys (enabled, patience",
    ),
    (
        "early_stopping_unknown_key",
        "training:\n  early_stopping:\n    patiense: 3\n",
        "training.early_stopping.patiense: unknown key (did you mean 'patience'?) (line 3)",
    ),
    (
        "early_stopping_patience_negative",
        "training:\n  early_stopping:\n    enabled: true\n    patience: -1\n",
        "training.early_stopping.patience: must be a non-negative integer, got -1",
    ),
    (
        "early_stopping_unknown_monitor",
        "training:\n  early_stopping:\n    monitor: val_los\n",
        "did you mean 'val_loss'?",
    ),
    (
        "early_stopping_negative_min_delta",
        "training:\n  early_stopping:\n    min_delta: -1\n",
        "training.early_stopping.min_delta",
    ),
    (
        "early_stopping_key_given_twice",
        "training:\n  early_stopping:\n    patience: 3\n    patience: 4\n",
        "training.early_stopping.patience: is given twice (lines 3 and 4)",
    ),
    (
        "early_stopping_monitor_of_the_other_task",
        "training:\n  early_stopping:\n    enabled: true\n    monitor: val_r2\n",
        "training.early_stopping.monitor: val_r2 is not measured in a classification run; "
        "use val_loss, val_accuracy, loss or accuracy (line 4)",
    ),
    # Not a config at all.
    ("yaml_syntax_error", "training:\n  epochs: 5\n  batch_size: [32\n", "line"),
    ("yaml_tab_indent", "training:\n\tepochs: 5\n", "line 2"),
    ("yaml_python_tag", "training: !!python/object/apply:os.system [echo hi]\n", "line 1"),
    ("empty_file", "", "empty"),
    ("only_comments", "# nothing here\n", "empty"),
    (
        "recursive_alias",
        "training: &loop\n  early_stopping: *loop\n",
        "line 2, column 19: aliases of lists and mappings are not supported",
    ),
    (
        "alias_bomb",
        "a: &a [1, 1, 1]\nb: &b [*a, *a, *a]\nnetwork:\n  hidden_layers: *b\n",
        "line 2, column 8: aliases of lists",
    ),
    ("undefined_alias", "training:\n  epochs: *e\n", "undefined alias 'e'"),
    ("top_level_list", "- training:\n    epochs: 5\n", "must be a mapping"),
]

MISSING_CONFIG: tuple[str, str] = (
    "no-such-config.yaml",
    "no-such-config.yaml: config file not found",
)
