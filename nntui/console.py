"""The terminal streams: ASCII fallbacks where Unicode cannot be printed, and a closed stdout.

A terminal or pipe whose encoding cannot show ``→``, ``—`` or ``×``
(``PYTHONIOENCODING=ascii``, an old ``LANG``) gets ASCII stand-ins
(``->``, ``-``, ``x``) instead of a ``UnicodeEncodeError``:
:func:`use_ascii_fallbacks` installs them on a stream. When the reader of
stdout goes away (``nntui --headless | head -1``), :func:`discard_stdout`
points it at the null device so nothing more fails and Python's flush at
exit prints no "Exception ignored … BrokenPipeError".
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from typing import TextIO

__all__ = [
    "ASCII_FALLBACKS",
    "ERROR_HANDLER",
    "ascii_fallback",
    "discard_stdout",
    "use_ascii_fallbacks",
]

ASCII_FALLBACKS = {
    "→": "->",
    "←": "<-",
    "—": "-",
    "–": "-",
    "−": "-",
    "×": "x",
    "·": "-",
    "…": "...",
    "²": "2",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "±": "+/-",
    "β": "beta",
    "η": "eta",
    "θ": "theta",
    "μ": "mu",
    "σ": "sigma",
    "✓": "ok",
    "✗": "x",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
}
"""Characters nntui prints, and what an ASCII terminal shows instead (others become ``?``)."""
ERROR_HANDLER = "nntui-ascii"
"""The codec error handler name (see :func:`codecs.register_error`)."""
_SAMPLE = "→—×²·…β≥"


def ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the ASCII stand-in of each character the stream cannot encode."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(ASCII_FALLBACKS.get(char, "?") for char in bad), error.end


codecs.register_error(ERROR_HANDLER, ascii_fallback)


def use_ascii_fallbacks(stream: TextIO) -> bool:
    """Give ``stream`` ASCII stand-ins when its encoding cannot show nntui's symbols.

    Args:
        stream: ``sys.stdout`` or ``sys.stderr`` (anything without
            ``reconfigure`` is left alone).

    Returns:
        Whether the fallbacks were installed.
    """
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        _SAMPLE.encode(encoding)
    except UnicodeEncodeError:
        pass
    except LookupError:
        return False
    else:
        return False
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return False
    try:
        reconfigure(errors=ERROR_HANDLER)
    except (ValueError, OSError):  # a closed or detached stream
        return False
    return True


def discard_stdout() -> None:
    """Send whatever is still written to stdout to the null device (its reader has gone).

    As the Python documentation advises for ``BrokenPipeError``: the data
    buffered in ``sys.stdout`` is dropped quietly instead of failing again when
    Python flushes it at exit.
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
