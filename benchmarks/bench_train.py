"""Training throughput of the nntui engine, against scikit-learn and PyTorch when installed.

Two workloads, each in float64 and float32:

(a) ``seed``:  1000×20 inputs → 128, 64, 32 relu → 3 softmax, batch 32
(b) ``mnist``: 60000×784 random inputs → 256, 128 relu → 10 softmax, batch 128

Every framework runs the same job: plain mini-batch SGD (no momentum, no weight
decay, no early stopping), the same learning rate, batch size, epochs, and a
reshuffle every epoch. scikit-learn is ``MLPClassifier(solver="sgd",
momentum=0, alpha=0)``; PyTorch is the usual ``zero_grad / forward / backward /
step`` loop on ``torch.optim.SGD`` with ``torch.set_num_threads`` set to the
same thread count as NumPy's BLAS. The frameworks are interleaved round by
round so that background load hits them alike; the table shows the best round
(and the median) in samples per second.

A second table compares nntui's optimizers on the same workloads: plain SGD,
SGD with momentum 0.9, with Nesterov momentum, and Adam — the cost of each
update rule over plain SGD (the target: at most about 10 %).

On a machine where ``OPENBLAS_CORETYPE`` or ``OPENBLAS_L2_SIZE`` are set (they
may pin OpenBLAS to slower kernels), run it with them unset::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_train.py

Usage::

    python benchmarks/bench_train.py            # full run (a few minutes)
    python benchmarks/bench_train.py --quick    # a smoke run in seconds
    python benchmarks/bench_train.py --repeats 5 --workloads seed
    python benchmarks/bench_train.py --skip sklearn,torch --optimizers sgd,adam
    python benchmarks/bench_train.py --optimizers none   # frameworks only
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from nntui.datasets.synthetic import generate_classification_data
from nntui.nn.network import NeuralNetwork
from nntui.nn.optimizers import SGD, Adam, Optimizer
from nntui.nn.preprocessing import normalize_features, one_hot

LEARNING_RATE = 0.01
ADAM_LEARNING_RATE = 0.001  # Adam's usual rate; 0.01 can diverge on the mnist-shaped data

OPTIMIZER_CHOICES: dict[str, Callable[[], Optimizer | None]] = {
    "sgd": lambda: None,  # train()'s default: plain SGD
    "momentum": lambda: SGD(momentum=0.9),
    "nesterov": lambda: SGD(momentum=0.9, nesterov=True),
    "adam": lambda: Adam(),
}
"""The update rules the optimizer table compares, by name."""


@dataclass(frozen=True)
class Workload:
    """One training job: data shape, architecture, batch size, epochs per round."""

    name: str
    n_samples: int
    n_features: int
    hidden: tuple[int, ...]
    n_classes: int
    batch_size: int
    epochs: int

    def describe(self) -> str:
        layers = " → ".join([str(self.n_features), *map(str, self.hidden), str(self.n_classes)])
        return f"{self.name}: {self.n_samples}×{self.n_features}, {layers}, batch {self.batch_size}"

    def make_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Return float64 inputs and integer labels."""
        if self.name == "seed":
            x_train, x_test, y_train, y_test = generate_classification_data(
                self.n_samples, self.n_features, self.n_classes, test_size=0.2
            )
            x_train, x_test = normalize_features(x_train, x_test)
            x = np.vstack([x_train, x_test])
            labels = np.concatenate([y_train, y_test])
            return x, labels
        rng = np.random.default_rng(0)  # MNIST-shaped: pixel-like values in [0, 1)
        return rng.random((self.n_samples, self.n_features)), rng.integers(
            self.n_classes, size=self.n_samples
        )


def workloads(quick: bool) -> list[Workload]:
    """The two workloads; ``quick`` shrinks them for a smoke run."""
    return [
        Workload("seed", 1000, 20, (128, 64, 32), 3, 32, epochs=3 if quick else 20),
        Workload("mnist", 6000 if quick else 60000, 784, (256, 128), 10, 128, epochs=1),
    ]


def train_nntui(
    x: np.ndarray, labels: np.ndarray, job: Workload, optimizer: str = "sgd"
) -> Callable[[], None]:
    """Build an nntui network; return a function that trains it for ``job.epochs``."""
    network = NeuralNetwork(
        [job.n_features, *job.hidden, job.n_classes],
        ["relu"] * len(job.hidden) + ["softmax"],
        seed=0,
        dtype=x.dtype,
    )
    y = one_hot(labels, job.n_classes, dtype=x.dtype)
    rate = ADAM_LEARNING_RATE if optimizer == "adam" else LEARNING_RATE

    def fit() -> None:
        rule = OPTIMIZER_CHOICES[optimizer]()  # fresh state for every fit, like a new run
        network.train(x, y, job.epochs, rate, job.batch_size, verbose=False, optimizer=rule)

    return fit


def optimizer_key(name: str) -> str:
    """The results key of nntui with optimizer ``name`` (plain SGD is the "nntui" run)."""
    return "nntui" if name == "sgd" else f"nntui:{name}"


def optimizer_builders(names: list[str]) -> dict[str, Callable[..., Callable]]:
    """One nntui builder per optimizer but plain SGD (the framework table's run)."""
    return {
        optimizer_key(name): lambda x, labels, job, name=name: train_nntui(x, labels, job, name)
        for name in names
        if name != "sgd"
    }


def train_sklearn(x: np.ndarray, labels: np.ndarray, job: Workload) -> Callable[[], None]:
    """scikit-learn's MLPClassifier configured as plain SGD."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=job.hidden,
        activation="relu",
        solver="sgd",
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        learning_rate="constant",
        learning_rate_init=LEARNING_RATE,
        batch_size=job.batch_size,
        max_iter=job.epochs,
        shuffle=True,
        early_stopping=False,
        tol=0.0,
        n_iter_no_change=10**9,  # never stop early
        random_state=0,
    )

    def fit() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached, on purpose
            model.fit(x, labels)

    return fit


def train_torch(x: np.ndarray, labels: np.ndarray, job: Workload) -> Callable[[], None]:
    """The equivalent PyTorch loop: shuffle per epoch, SGD step per batch."""
    import torch

    dtype = torch.float32 if x.dtype == np.float32 else torch.float64
    torch.manual_seed(0)
    sizes = [job.n_features, *job.hidden]
    modules: list[torch.nn.Module] = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        modules += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    modules.append(torch.nn.Linear(sizes[-1], job.n_classes))
    model = torch.nn.Sequential(*modules).to(dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_function = torch.nn.CrossEntropyLoss()  # softmax + cross-entropy, fused
    inputs, targets = torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))

    def fit() -> None:
        for _ in range(job.epochs):
            order = torch.randperm(len(inputs))
            x_epoch, y_epoch = inputs[order], targets[order]
            running_loss = torch.zeros((), dtype=dtype)  # as the others track the loss
            for start in range(0, len(inputs), job.batch_size):
                optimizer.zero_grad()
                loss = loss_function(
                    model(x_epoch[start : start + job.batch_size]),
                    y_epoch[start : start + job.batch_size],
                )
                loss.backward()
                optimizer.step()
                running_loss += loss.detach()

    return fit


def available_frameworks(skip: set[str], threads: int) -> dict[str, Callable[..., Callable]]:
    """nntui always; scikit-learn and PyTorch when importable and not skipped."""
    frameworks: dict[str, Callable[..., Callable]] = {"nntui": train_nntui}
    if "sklearn" not in skip:
        try:
            import sklearn  # noqa: F401

            frameworks["sklearn"] = train_sklearn
        except ImportError:
            print("scikit-learn not installed: skipped", file=sys.stderr)
    if "torch" not in skip:
        try:
            import torch

            torch.set_num_threads(threads)
            frameworks["torch"] = train_torch
        except ImportError:
            print("PyTorch not installed: skipped", file=sys.stderr)
    return frameworks


def limit_blas_threads(threads: int) -> object | None:
    """Cap NumPy's BLAS threads (scikit-learn uses them too) when threadpoolctl is there."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(limits=threads, user_api="blas")


def measure(fit: Callable[[], None], samples: int) -> float:
    """Samples per second of one call of ``fit``."""
    start = time.perf_counter()
    fit()
    return samples / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, few epochs, 1 round")
    parser.add_argument("--repeats", type=int, default=None, help="rounds (default 3; quick 1)")
    parser.add_argument("--workloads", default="seed,mnist", help="comma list: seed,mnist")
    parser.add_argument("--dtypes", default="float64,float32", help="comma list")
    parser.add_argument("--skip", default="", help="frameworks to skip: sklearn,torch")
    parser.add_argument(
        "--threads", type=int, default=os.cpu_count() or 1, help="BLAS and torch threads"
    )
    parser.add_argument(
        "--optimizers",
        default=",".join(OPTIMIZER_CHOICES),
        help=f"nntui optimizers to compare: {','.join(OPTIMIZER_CHOICES)}, or none",
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    chosen = set(args.workloads.split(","))
    jobs = [job for job in workloads(args.quick) if job.name in chosen]
    if chosen - {job.name for job in jobs}:
        parser.error(f"--workloads: choose from seed, mnist; got {args.workloads!r}")
    if not set(args.dtypes.split(",")) <= {"float64", "float32"}:
        parser.error(f"--dtypes: choose from float64, float32; got {args.dtypes!r}")
    if not set(filter(None, args.skip.split(","))) <= {"sklearn", "torch"}:
        parser.error(f"--skip: choose from sklearn, torch; got {args.skip!r}")
    if repeats < 1 or args.threads < 1:
        parser.error("--repeats and --threads must be at least 1")
    optimizers = [] if args.optimizers == "none" else args.optimizers.split(",")
    if not set(optimizers) <= set(OPTIMIZER_CHOICES):
        parser.error(f"--optimizers: choose from {', '.join(OPTIMIZER_CHOICES)} or none")
    dtypes = [np.dtype(name) for name in args.dtypes.split(",")]

    limits = limit_blas_threads(args.threads)
    frameworks = available_frameworks(set(filter(None, args.skip.split(","))), args.threads)
    contenders = {**frameworks, **optimizer_builders(optimizers)}
    print(f"numpy {np.__version__}, {args.threads} threads, {repeats} round(s), best (median)")

    results: dict[tuple[str, str, str], list[float]] = {}
    cases = []
    for job in jobs:
        x, labels = job.make_data()
        for dtype in dtypes:
            data = x.astype(dtype)
            for name, build in contenders.items():
                build(data[: job.batch_size * 4], labels[: job.batch_size * 4], job)()  # warm up
                cases.append((job, dtype.name, name, build, data, labels))
    for round_index in range(repeats):
        # Rotate the order each round so no contender always runs first.
        shift = round_index % max(1, len(contenders))
        for job, dtype_name, name, build, data, labels in cases[shift:] + cases[:shift]:
            fit = build(data, labels, job)
            speed = measure(fit, job.n_samples * job.epochs)
            results.setdefault((job.name, dtype_name, name), []).append(speed)

    print_table(jobs, dtypes, list(frameworks), results)
    if optimizers:
        print_optimizer_table(jobs, dtypes, optimizers, results)
    del limits
    return 0


def print_table(
    jobs: list[Workload],
    dtypes: list[np.dtype],
    frameworks: list[str],
    results: dict[tuple[str, str, str], list[float]],
) -> None:
    """Samples/s per framework, then nntui's speed-up over each other framework."""
    others = [name for name in frameworks if name != "nntui"]
    header = ["workload", "dtype", *frameworks, *(f"vs {name}" for name in others)]
    rows = []
    for job in jobs:
        for dtype in dtypes:
            speeds = {name: results[(job.name, dtype.name, name)] for name in frameworks}
            best = {name: max(values) for name, values in speeds.items()}
            cells = [job.name, dtype.name]
            cells += [f"{best[n]:,.0f} ({statistics.median(speeds[n]):,.0f})" for n in frameworks]
            cells += [f"{best['nntui'] / best[name]:.2f}×" for name in others]
            rows.append(cells)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print()
    for job in jobs:
        print(f"  {job.describe()}, {job.epochs} epoch(s) per round")
    print()
    for row in [header, *rows]:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    print("\nsamples/s: best round (median); ratios compare best rounds.")


def print_optimizer_table(
    jobs: list[Workload],
    dtypes: list[np.dtype],
    optimizers: list[str],
    results: dict[tuple[str, str, str], list[float]],
) -> None:
    """nntui's samples/s per optimizer, and each one's cost relative to plain SGD."""
    baseline = "sgd" if "sgd" in optimizers else None
    header = ["workload", "dtype", *optimizers]
    if baseline:
        header += [f"{name} cost" for name in optimizers if name != baseline]
    rows = []
    for job in jobs:
        for dtype in dtypes:
            speeds = {
                name: results[(job.name, dtype.name, optimizer_key(name))] for name in optimizers
            }
            best = {name: max(values) for name, values in speeds.items()}
            cells = [job.name, dtype.name]
            cells += [f"{best[n]:,.0f} ({statistics.median(speeds[n]):,.0f})" for n in optimizers]
            if baseline:
                # Throughput lost against plain SGD: 1 - speed / sgd speed.
                cells += [
                    f"{1 - best[name] / best[baseline]:+.1%}"
                    for name in optimizers
                    if name != baseline
                ]
            rows.append(cells)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print("\nnntui optimizers (momentum 0.9; Adam β1 0.9, β2 0.999):\n")
    for row in [header, *rows]:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    print("\ncost: throughput lost against plain SGD, best rounds (negative: faster).")


if __name__ == "__main__":
    sys.exit(main())
