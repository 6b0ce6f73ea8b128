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
        "test_size_leaves_no_test_set",
        "data:\n  n_samples: 4\n  test_size: 0.1\n",
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
    # Not a config at all.
    ("yaml_syntax_error", "training:\n  epochs: 5\n  batch_size: [32\n", "line"),
    ("yaml_tab_indent", "training:\n\tepochs: 5\n", "line 2"),
    ("yaml_python_tag", "training: !!python/object/apply:os.system [echo hi]\n", "line 1"),
    ("empty_file", "", "empty"),
    ("only_comments", "# nothing here\n", "empty"),
    ("top_level_list", "- training:\n    epochs: 5\n", "must be a mapping"),
]

MISSING_CONFIG: tuple[str, str] = (
    "no-such-config.yaml",
    "no-such-config.yaml: config file not found",
)
