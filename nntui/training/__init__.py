"""The one training loop: a Config becomes data, a network and typed events.

- :mod:`~nntui.training.runner`: :class:`NetworkRunner`, the loop both faces drive.
- :mod:`~nntui.training.events`: the typed events it emits (``RunEvent``).
- :mod:`~nntui.training.record`: :class:`RunRecord`, the one model of a run, folded from events.
- :mod:`~nntui.training.results`: the results document (JSON), built from a record.
- :mod:`~nntui.training.control`: :class:`RunControl`, the one command queue into a run.
- :mod:`~nntui.training.hooks`, :mod:`~nntui.training.boundary`: per-epoch work of a face.
- :mod:`~nntui.training.task`: output head, layer sizes and loss, derived once.
- :mod:`~nntui.training.datasets`, :mod:`~nntui.training.options`,
  :mod:`~nntui.training.reporting`, :mod:`~nntui.training.numbers`: the parts.
"""
