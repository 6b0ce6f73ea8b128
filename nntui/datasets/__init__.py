"""Data sources: synthetic problems, 2-D playground sets, CSV files and Iris (NumPy only).

- :mod:`~nntui.datasets.synthetic`: learnable classification and regression
  problems of any size.
- :mod:`~nntui.datasets.splits`: stratified train/validation/test splits.
- :mod:`~nntui.datasets.planar`: two-input sets after TensorFlow Playground
  (circles, xor, gaussian, spiral, plane, bump).
- :mod:`~nntui.datasets.tabular`: a CSV file with a header row, with precise
  messages (:class:`DataSourceError`) for every problem in it.
- :mod:`~nntui.datasets.iris`: Fisher's Iris table, shipped with nntui.

Preparing data for the network (one-hot labels, z-scoring with training
statistics) belongs to the engine: :mod:`nntui.nn.preprocessing`.
"""

from nntui.datasets.iris import load_iris
from nntui.datasets.planar import (
    PLANAR_CLASSIFICATION,
    PLANAR_EXTENT,
    PLANAR_KINDS,
    PLANAR_REGRESSION,
    generate_planar_data,
    planar_points,
)
from nntui.datasets.splits import held_out_count, split_counts, split_three_ways
from nntui.datasets.synthetic import (
    generate_classification_data,
    generate_regression_data,
    make_classification,
    make_regression,
    split_indices,
)
from nntui.datasets.tabular import (
    CsvTable,
    DataSourceError,
    TabularDataset,
    load_csv,
    read_csv_table,
)

__all__ = [
    "PLANAR_CLASSIFICATION",
    "PLANAR_EXTENT",
    "PLANAR_KINDS",
    "PLANAR_REGRESSION",
    "CsvTable",
    "DataSourceError",
    "TabularDataset",
    "generate_classification_data",
    "generate_planar_data",
    "generate_regression_data",
    "held_out_count",
    "load_csv",
    "load_iris",
    "make_classification",
    "make_regression",
    "planar_points",
    "read_csv_table",
    "split_counts",
    "split_indices",
    "split_three_ways",
]
