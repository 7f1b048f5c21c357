"""Stopping a build cleanly, however it is stopped. (Not in handouts.build: the CLI loads this before the pipeline,
and a process that has loaded part of handouts.build records no import cache, see handouts.importcache.)

Python ends a process on SIGTERM (a cancelled CI job, `kill`, a container stopping) without running any
`finally`, so the output lock file stayed behind; SIGTERM is therefore raised as `Terminated`, a kind of
KeyboardInterrupt, and cleaned up after like Ctrl-C. And since Python runs a signal handler between any two
bytecodes, both are held while a file is written, so that a write ends with the file in place or gone, never
with a temporary file left (CI once caught Ctrl-C between `mkstemp` and the clean-up).
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

_STOPS = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """The build got SIGTERM."""


def _raise_terminated(_signum: int, _frame: object) -> None:
    raise Terminated


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()   # only it may set handlers


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block SIGTERM raises Terminated, unless something else already handles it."""
    if not _in_main_thread() or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _default_sigterm_in_child() -> None:
    """A forked worker ends on SIGTERM, as a worker should (the build stops its workers with it), from its first
    instruction: had it kept the handler, a worker stopped before it ran its first job printed Terminated's
    traceback (multiprocessing reports an exception in a process), and one in a job raised it into the job."""
    if signal.getsignal(signal.SIGTERM) is _raise_terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


os.register_at_fork(after_in_child=_default_sigterm_in_child)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver them, each handled as it would have been."""
    if not _in_main_thread():
        yield
        return
    caught: list[int] = []
    previous = {}
    for number in _STOPS:
        if signal.getsignal(number) is not None:   # None: set outside Python, so it could not be put back
            previous[number] = signal.signal(number, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(caught):
            signal.raise_signal(number)
