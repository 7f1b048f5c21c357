"""What a process would otherwise make again on every start, kept on disk for the next one: hyphenation patterns, a
font's character map and its parsed face (handouts.text.fontkeep), the tool's own fingerprint, validated layouts,
language entries, topics and templated documents, dates in a locale, figures' recorded forms
(handouts.pdf.figurekeep).

A cold `handouts build` of one leaflet spent most of its time importing the YAML parser, the schemas, Markdown and
Jinja2 and running them over files that had not changed since the last build. An entry here is named by a hash of
everything it is made from: its kind, the inputs its caller names (file contents, not their dates), the tool's own
source files, the Python version and the installed version of each library the making runs. A changed input is
therefore another entry, never a stale one, and errors are never stored (a file with a mistake is read, and
reported, every time).

An entry that cannot be read back (truncated, corrupt, made by another Python) is made again and rewritten; a
cache that cannot be written (read-only, full disk) only costs the time. Each write goes to a temporary file that
is renamed, so processes that share the cache never read half an entry. Each kind keeps at most MAX_ENTRIES
entries and MAX_KIND_BYTES (the oldest go when a new one is written), so editing content or code for months does
not fill the disk.

Entries are pickles: the cache is trusted as the user's own files are (like the font instances beside it), so
HANDOUTS_CACHE_DIR must not name a folder that other users can write.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from handouts import __version__

T = TypeVar("T")
_MAGIC = b"handouts-cache 1\n"
_DIGEST = 32   # bytes of sha256 that follow the magic: the payload must hash to them
_PACKAGE = Path(__file__).resolve().parent   # the whole handouts package: any code change is an input
MAX_ENTRIES = 512   # per kind: far more than the documents of a content tree, each a few kilobytes
MAX_KIND_BYTES = 48 * 2**20   # per kind: a few dozen of its largest entries (a language's patterns: up to 2 MB)


def cache_dir() -> Path:
    """$HANDOUTS_CACHE_DIR, else $XDG_CACHE_HOME/handouts, else ~/.cache/handouts."""
    base = os.environ.get("HANDOUTS_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "handouts"


@lru_cache(maxsize=None)
def tool_fingerprint() -> str:
    """A hash of the tool's version and every one of its source files: what a cached result or a document's input
    hash depends on besides its files (a code change during development counts too).

    Reading and hashing the hundred files (900 kB) took a cold build several milliseconds, so the hash is kept on
    disk under what stat says of each file (size, device, inode, modification and change times; a write gives a
    file a new change time, which cannot be set back, as text.fonts._file_identity relies on too): an unchanged
    tree is only looked at. Every file is still read when any of them changed or the entry cannot be trusted."""
    relpaths = _source_files()
    path = _fingerprint_entry(relpaths)
    kept = _load(path) if path is not None else _MISSING
    if isinstance(kept, str):
        return kept
    digest = hashlib.sha256(__version__.encode())
    for relpath in relpaths:
        digest.update(relpath.encode())
        digest.update((_PACKAGE / relpath).read_bytes())
    value = digest.hexdigest()
    if path is not None:
        store(path, value, max_entries=64)
    return value


def _fingerprint_entry(relpaths: list[str]) -> Path | None:
    """Where the fingerprint of the source files as they are now is kept (named by their stat results, the
    tool's version and the package's folder), or None when one cannot be looked at."""
    digest = hashlib.sha256(f"{__version__}\0{_PACKAGE}".encode())
    try:
        for relpath in relpaths:
            stat = os.stat(_PACKAGE / relpath)
            digest.update(f"\0{relpath}\0{stat.st_size}\0{stat.st_dev}\0{stat.st_ino}\0{stat.st_mtime_ns}"
                          f"\0{stat.st_ctime_ns}".encode())
    except OSError:
        return None
    return cache_dir() / "fingerprint" / f"{digest.hexdigest()[:32]}.pickle"


def _source_files() -> list[str]:
    """Every .py file of the package, as sorted paths relative to it (os.walk: Path.rglob took a cold start 5 to
    10 ms for the same hundred files)."""
    found = []
    for folder, subfolders, files in os.walk(_PACKAGE):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        base = os.path.relpath(folder, _PACKAGE)
        found += [name if base == "." else f"{base}/{name}".replace(os.sep, "/") for name in files
                  if name.endswith(".py")]
    return sorted(found)


@lru_cache(maxsize=None)
def library_stamp(name: str) -> str:
    """The installed version of a library, without importing it: the size and time of its top module file, which
    an upgrade or reinstall rewrites."""
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        stat = os.stat(origin) if origin else None
    except (ImportError, ValueError, OSError):
        return f"{name}:absent"
    return f"{name}:{origin}:{stat.st_size}:{stat.st_mtime_ns}" if stat else f"{name}:builtin"


def entry_path(kind: str, inputs: Iterable[bytes | str], libraries: Iterable[str] = ()) -> Path:
    """Where the entry of `kind` made from `inputs` (and run by `libraries`) is kept."""
    digest = hashlib.sha256(f"{kind}\0{sys.version}\0{tool_fingerprint()}".encode())
    for name in libraries:
        digest.update(b"\0lib\0" + library_stamp(name).encode())
    for part in inputs:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(b"\0%d\0" % len(data))
        digest.update(data)
    return cache_dir() / kind / f"{digest.hexdigest()[:32]}.pickle"


def remembered(kind: str, inputs: Iterable[bytes | str], make: Callable[[], T], *,
               libraries: Iterable[str] = ()) -> T:
    """The value `make()` returns for these inputs: read from the cache when an earlier process made it, otherwise
    made now and stored. `inputs` must name everything the value depends on besides the tool's code and
    `libraries` (the third-party packages `make` runs); `make` must return plain, picklable data."""
    path = entry_path(kind, inputs, libraries)
    value = _load(path)
    if value is not _MISSING:
        return value  # type: ignore[return-value]
    value = make()
    store(path, value)
    return value


def recalled(path: Path, default: T) -> object | T:
    """The value kept at `path` (an entry_path), or `default` when there is none that can be trusted: for a
    caller that decides itself whether what it made is worth storing (`store`)."""
    value = _load(path)
    return default if value is _MISSING else value


class _Missing:
    pass


_MISSING = _Missing()


def _load(path: Path) -> object:
    """The entry's value, or _MISSING when it is absent or cannot be trusted (any damage: wrong header, a payload
    that does not hash to what the header says, or one that no longer unpickles)."""
    try:
        data = path.read_bytes()
    except OSError:
        return _MISSING
    head = len(_MAGIC) + _DIGEST
    if not data.startswith(_MAGIC) or hashlib.sha256(data[head:]).digest() != data[len(_MAGIC):head]:
        return _MISSING
    try:
        return pickle.loads(data[head:])
    except Exception:  # noqa: BLE001 - a class that changed shape, a truncated object: made again
        return _MISSING


def store(path: Path, value: object, *, max_entries: int | None = None) -> None:
    """Write an entry atomically; a failure to write is only a missed chance to save time. `max_entries`: the
    kind's own bound in number, for a kind with one small entry per figure rather than per file (default
    MAX_ENTRIES; MAX_KIND_BYTES bounds every kind)."""
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - not picklable: nothing to keep
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")   # one per writer, threads too
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
        return
    _evict(path.parent, MAX_ENTRIES if max_entries is None else max_entries)


def _evict(folder: Path, max_entries: int) -> None:
    """Keep the newest entries of a kind, at most MAX_ENTRIES and MAX_KIND_BYTES of them (the newest one always:
    run after a write, so only when something was made). Every change to the tool's code makes new entries of
    every kind, some of them large (a language's hyphenation patterns, the pipeline's compiled imports): months
    of edits must not fill the disk."""
    found = []
    try:   # os.scandir, not Path.glob: a kind with hundreds of entries (figures) is scanned after each write
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".pickle"):
                    stat = entry.stat()
                    found.append((stat.st_mtime_ns, stat.st_size, entry.path))
    except OSError:   # another process removed one meanwhile: the next write tidies up
        return
    found.sort(reverse=True)
    kept = total = 0
    for _, size, name in found:
        kept, total = kept + 1, total + size
        if kept > 1 and (kept > max_entries or total > MAX_KIND_BYTES):
            try:
                os.unlink(name)
            except OSError:   # another process removed it first
                pass
