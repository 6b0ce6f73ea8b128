"""Fisher's Iris table, shipped with nntui (``nntui/datasets/iris.csv``)."""

from __future__ import annotations

from dataclasses import replace
from importlib.resources import as_file, files

from nntui.datasets.tabular import TabularDataset, load_csv

IRIS_ROWS = 150
"""Rows of the Iris table."""
IRIS_FEATURES = 4
"""Measurements per flower."""


def load_iris() -> TabularDataset:
    """Fisher's Iris table (150 flowers, 4 measurements in cm, 3 species).

    The copy shipped with nntui matches R's ``iris`` and scikit-learn's: 50 rows
    per species, with the two corrections to the UCI file from Fisher's paper.

    Returns:
        A classification dataset with features sepal_length, sepal_width,
        petal_length, petal_width and classes setosa, versicolor, virginica.
    """
    resource = files("nntui.datasets") / "iris.csv"
    with as_file(resource) as path:
        dataset = load_csv(path, target="species")
    return replace(dataset, source="iris")
