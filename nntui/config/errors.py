"""What is wrong with a config: :class:`ConfigProblem` (one) and :class:`ConfigError` (all)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a config.

    Attributes:
        key: the dotted key (``training.batch_size``), an environment variable
            name, ``--task``, or ``""`` for a problem with the whole file.
        message: what is wrong, naming the bad value and what is allowed.
        line: the 1-based line of the offending key in the file, when known.
        origin: where the problem is when it is not in the config file, shown
            instead of the config's name and the key: ``RANDOM_SEED=abc`` (an
            environment variable), ``.env line 3`` (see ``nntui.config.overrides``).
    """

    key: str
    message: str
    line: int | None = None
    origin: str | None = None

    def format(self, source: str) -> str:
        """One line for people: ``config.yaml: training.epochs: must be ... (line 12)``.

        Problems with the whole file (no key) carry their line in the message.
        """
        if self.origin:
            return f"{self.origin}: {self.message}"
        if not self.key:
            return f"{source}: {self.message}"
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{source}: {self.key}: {self.message}{where}"


class ConfigError(Exception):
    """A config that cannot be used; ``str(error)`` is one line per problem.

    Attributes:
        problems: every problem found (never empty).
        source: the name of the config in messages (a path, ``"default config"``,
            ``"command line"``).
    """

    def __init__(self, problems: list[ConfigProblem], source: str) -> None:
        super().__init__(problems, source)
        self.problems = list(problems)
        self.source = source

    def __str__(self) -> str:
        return "\n".join(problem.format(self.source) for problem in self.problems)
