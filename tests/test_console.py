"""nntui.console: ASCII stand-ins on a terminal that cannot show Unicode, never an encode error."""

from __future__ import annotations

import io

from nntui.console import ERROR_HANDLER, use_ascii_fallbacks


def stream(encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict", write_through=True)


def written(wrapper: io.TextIOWrapper) -> bytes:
    buffer = wrapper.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue()


def test_an_ascii_stream_gets_readable_stand_ins() -> None:
    ascii_stream = stream("ascii")
    assert use_ascii_fallbacks(ascii_stream)
    ascii_stream.write("4 → 8 → 3 · 10×2 — R² ≥ 0.9 … ☃\n")
    assert written(ascii_stream) == b"4 -> 8 -> 3 - 10x2 - R2 >= 0.9 ... ?\n"


def test_a_utf8_stream_is_left_alone() -> None:
    utf8 = stream("utf-8")
    assert not use_ascii_fallbacks(utf8)
    utf8.write("4 → 3\n")
    assert written(utf8) == "4 → 3\n".encode()
    assert utf8.errors == "strict"


def test_a_latin1_stream_keeps_what_it_can_show() -> None:
    latin = stream("latin-1")
    assert use_ascii_fallbacks(latin)
    assert latin.errors == ERROR_HANDLER
    latin.write("10×2 · 4 → 3\n")
    assert written(latin) == "10×2 · 4 -> 3\n".encode("latin-1")


def test_a_stream_without_reconfigure_is_left_alone() -> None:
    assert not use_ascii_fallbacks(io.StringIO())
