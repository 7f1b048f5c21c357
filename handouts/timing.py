"""Where a render's time goes: named timers around the stages of the render path (read, template, flowables,
layout, write, post-process), summed per process and read by bench/run.py.

Stages nest (templating happens while reading): a stage's time excludes the stages inside it, so the totals add
up to the time spent in stages. Each timer costs a microsecond or two, a handful of times per document, and
never changes what is made.
"""

from __future__ import annotations

from contextlib import contextmanager
from time import perf_counter
from typing import Iterator

_totals: dict[str, float] = {}
_open: list[list] = []   # [name, when it last started counting] of each stage being timed, innermost last


@contextmanager
def stage(name: str) -> Iterator[None]:
    now = perf_counter()
    if _open:   # the enclosing stage stops counting while this one runs
        outer = _open[-1]
        _totals[outer[0]] = _totals.get(outer[0], 0.0) + now - outer[1]
    _open.append([name, now])
    try:
        yield
    finally:
        end = perf_counter()
        _, started = _open.pop()
        _totals[name] = _totals.get(name, 0.0) + end - started
        if _open:
            _open[-1][1] = end


def totals() -> dict[str, float]:
    """Seconds per stage since the last reset()."""
    return dict(_totals)


def reset() -> None:
    _totals.clear()
