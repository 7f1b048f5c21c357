"""One build at a time per output directory.

Two builds writing into one `--out` would each rewrite the manifest from what they saw at their start, so the
later one drops the earlier one's documents. A build therefore holds an exclusive `fcntl.flock` on
`OUT/.handouts.lock` from reading the manifest to writing it last. A second build waits for it (at most
`$HANDOUTS_LOCK_TIMEOUT` seconds, default 300), then reads the manifest the first one left and merges into it;
if the wait runs out it stops with an error naming the holder's process id.

The lock file is removed when the build ends, so an output directory holds only outputs. Removing a lock file
is safe only while holding its lock, and a waiter may meanwhile have opened the old (now unlinked) file; so after
taking the lock a build checks that its file is still the one at the path and otherwise starts over. A kernel
lock disappears with its process, so `kill -9` never leaves a stale lock behind.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from handouts.errors import HandoutsError

LOCK_NAME = ".handouts.lock"
DEFAULT_TIMEOUT = 300.0
_POLL = 0.1


def lock_timeout() -> float:
    """Seconds to wait for another build: `$HANDOUTS_LOCK_TIMEOUT`, else DEFAULT_TIMEOUT."""
    raw = os.environ.get("HANDOUTS_LOCK_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise HandoutsError(f"HANDOUTS_LOCK_TIMEOUT is {raw!r}", hint="give a number of seconds") from None
    return max(value, 0.0)


def _open_lock_file(path: Path) -> int:
    try:  # O_NOFOLLOW: a planted symlink must not make us create or lock a file elsewhere
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        reason = "it is a symlink" if exc.errno == errno.ELOOP else exc.strerror
        raise HandoutsError(f"cannot open the build lock: {reason}", path=path,
                            hint="remove that file or choose another directory with --out") from None


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


@contextmanager
def output_lock(out_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the output directory's lock for the duration of the block."""
    path = out_dir / LOCK_NAME
    wait = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + wait
    while True:
        fd = _open_lock_file(path)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise HandoutsError(f"another build holds this output directory{_holder(path)}",
                                            path=out_dir,
                                            hint=f"waited {wait:g} s; wait for it to finish, choose another --out"
                                                 " or raise $HANDOUTS_LOCK_TIMEOUT") from None
                    time.sleep(_POLL)
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            break
        os.close(fd)  # the holder removed the file we waited on: lock the current one instead
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        os.close(fd)  # closing releases the lock, after the file is gone
