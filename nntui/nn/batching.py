"""An epoch's batches: the training set reshuffled, handed out as contiguous slices.

Taking a batch as a slice of one contiguous array costs nothing; gathering rows
by index (``x[order[i:j]]``) copies them, and scattered rows are slow to read.
So each epoch draws one permutation and gathers the rows in that order once,
a cache-sized block at a time, and the batches are then slices of the block.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

SHUFFLE_BLOCK_BYTES = 4 * 2**20
"""Inputs gathered per block when shuffling: about what stays in the CPU cache."""


class EpochBatches:
    """The training set in this epoch's order, handed out in contiguous blocks.

    Each epoch draws a new permutation. The targets (small) are gathered in one
    go; the inputs are gathered a block of whole batches at a time into one
    reused buffer of about :data:`SHUFFLE_BLOCK_BYTES`, so a block is still in
    the CPU cache when its batches run and a large data set is never copied
    whole. A small data set is a single block: one gather per epoch. Batches
    are then slices of the block: no copying per batch.

    Args:
        x: the training inputs, contiguous, in the network's dtype.
        y: the targets, likewise.
        batch_size: rows per batch (the last batch may be smaller).
        shuffle: draw a new order every epoch (else keep the given order).

    Attributes:
        y: the targets in this epoch's order.
        outputs: a buffer for the network's outputs, in the same order.
        logits: a buffer for the output layer's ``z``, in the same order.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool) -> None:
        self.x_all, self.y_all = x, y
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.n_samples = n_samples = len(x)
        self.batch_count = math.ceil(n_samples / batch_size)
        batches_per_block = max(1, SHUFFLE_BLOCK_BYTES // max(1, x[:batch_size].nbytes))
        self.block_rows = min(n_samples, batches_per_block * batch_size)
        self.x_block = np.empty((self.block_rows, x.shape[1]), dtype=x.dtype) if shuffle else x
        self.y = np.empty_like(y) if shuffle else y  # targets in this epoch's order
        self.outputs = np.empty_like(y)  # the network's outputs, in the same order
        self.logits = np.empty_like(y)  # the output layer's z (the losses are computed from it)

    def shuffled_blocks(self, rng: np.random.Generator) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(first row, x rows)`` blocks covering the epoch in a new random order."""
        n_samples = len(self.x_all)
        if not self.shuffle:
            for start in range(0, n_samples, self.block_rows):
                yield start, self.x_all[start : start + self.block_rows]
            return
        order = rng.permutation(n_samples)
        np.take(self.y_all, order, axis=0, out=self.y, mode="clip")
        for start in range(0, n_samples, self.block_rows):
            rows = order[start : start + self.block_rows]
            block = self.x_block[: len(rows)]
            yield start, np.take(self.x_all, rows, axis=0, out=block, mode="clip")
