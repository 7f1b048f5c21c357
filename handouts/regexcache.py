"""Regular expressions that libraries compile when they are imported, kept compiled in the disk cache.

reportlab compiles its patterns at import: one of them (the URI pattern of reportlab.platypus.paragraph, with
case-insensitive ranges up to U+FFFF) takes Python's regex compiler some 45 ms, and with the others that is about a
tenth of a cold `handouts build` of one leaflet, spent again in every process on the same strings.

A compiled pattern is a pure function of its source, its flags and the Python that compiles it: the cache keeps,
for each pattern compiled while the named modules are first imported, the compiler's output (the code list the
regex engine runs, plain integers) under the Python version and the engine's magic number. A later process puts
the patterns back into the `re` module's own cache before importing the modules, so their `re.compile` calls find
them there. The patterns are the same objects Python would have made (a test compares them with fresh compiles);
on another Python, or a damaged entry, they are simply compiled again.
"""

from __future__ import annotations

import importlib
import re
import sys
from contextlib import contextmanager
from typing import Iterator

from handouts.diskcache import remembered

try:   # CPython's engine and compiler: what `re.compile` runs
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another Python: nothing to save, the modules are imported as they are
    _sre = _compiler = _parser = None   # type: ignore[assignment]

# One recorded pattern: the arguments of re.compile (source, flags), then those of the engine's constructor
# (source, final flags, code, number of groups, group names to indexes, indexes to names).
Recorded = tuple[str | bytes, int, tuple]


def import_precompiled(*modules: str, libraries: tuple[str, ...] = ()) -> None:
    """Import `modules`; the patterns they compile on import come from the disk cache when an earlier process
    recorded them. `libraries` are the packages the modules belong to: a new version may compile other patterns,
    so it records them again (the old ones would still be right, only no longer used)."""
    if all(name in sys.modules for name in modules):
        return
    if _supported():
        made = []

        def record() -> list[Recorded]:
            with _recording() as recorded:
                _import(modules)
            made.append(True)
            return recorded

        patterns = remembered("regex", [sys.version, str(_sre.MAGIC), *modules], record, libraries=libraries)
        if not made:
            _install(patterns)
    _import(modules)


def _import(modules: tuple[str, ...]) -> None:
    for name in modules:
        importlib.import_module(name)


def _supported() -> bool:
    return _compiler is not None and isinstance(getattr(re, "_cache", None), dict) \
        and hasattr(_compiler, "_code") and hasattr(re, "_MAXCACHE")


@contextmanager
def _recording() -> Iterator[list[Recorded]]:
    """While the block runs, every pattern compiled from source is compiled as `re` does and recorded."""
    recorded: list[Recorded] = []
    original = _compiler.compile

    def compile_and_record(pattern, flags=0):
        if not isinstance(pattern, (str, bytes)):
            return original(pattern, flags)
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        arguments = (pattern, int(flags | parsed.state.flags), [int(op) for op in code],   # plain ints: picklable
                     parsed.state.groups - 1, groupindex, tuple(indexgroup))
        recorded.append((pattern, int(flags), arguments))
        return _sre.compile(*arguments)

    _compiler.compile = compile_and_record
    try:
        yield recorded
    finally:
        _compiler.compile = original


def _install(patterns: list[Recorded]) -> None:
    """Put recorded patterns into `re`'s cache, as `re.compile` would have left them; never past its size (the
    modules then compile the rest themselves)."""
    cache = re._cache   # type: ignore[attr-defined]
    room = re._MAXCACHE - len(cache)   # type: ignore[attr-defined]
    try:
        for pattern, flags, arguments in patterns[:max(room, 0)]:
            key = (type(pattern), pattern, flags)
            if key not in cache:
                cache[key] = _sre.compile(*arguments)
    except Exception:  # noqa: BLE001 - an entry of another shape: those patterns are compiled as usual
        return
