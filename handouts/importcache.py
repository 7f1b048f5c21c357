"""What importing the render pipeline makes again in every process, kept in the disk cache: the regular
expressions modules compile at import and the methods `dataclasses` generates for each dataclass.

Neither is in Python's bytecode cache. reportlab compiles its patterns at import: one of them (the URI pattern of
reportlab.platypus.paragraph, with case-insensitive ranges up to U+FFFF) takes the regex compiler some 45 ms. And
`@dataclass` writes the source of `__init__`, `__repr__`, `__eq__`, `__hash__` (and, frozen, `__setattr__` and
`__delattr__`) for each class and compiles it: about a millisecond per class, for the sixty the pipeline defines.
Together that was a fifth of a cold `handouts build` of one leaflet, spent on the same strings every time.

Both are pure functions of their source text and the Python that compiles them. While the named modules are
imported, every pattern compiled from source is recorded as the compiler's output (the code list the regex engine
runs: plain integers) and every dataclass method source with its code object (marshal, as in a .pyc). They are
kept under the Python version and the regex engine's magic number (besides the tool's code and the libraries'
versions, like every entry). A later process puts the patterns into the `re` module's own cache and hands
`dataclasses` the compiled code for a source it has seen, so the modules get the very objects they would have
compiled (tests compare them); anything not recorded is compiled as usual. On another Python, or with a damaged
entry, everything is simply compiled again.

Only a process that had loaded none of the window's packages stores what it recorded: one that had already
imported part of them (a test session, a library caller) would record only the rest.

Modules that the pipeline's imports load but most builds never use (PIL.Image, uharfbuzz) can be made lazy
(import_lazily): they run when a name of theirs is first read.

The cyclic garbage collector is paused while the modules are imported (collection_paused): importing makes
modules, classes, functions and tables that live as long as the process (some 47,000 objects the collector
tracks, of which a few hundred are garbage), which its passes walked again and again to free almost nothing:
about a tenth of importing the pipeline.
"""

from __future__ import annotations

import dataclasses
import gc
import importlib
import marshal
import re
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from handouts.diskcache import entry_path, recalled, store

try:   # CPython's engine and compiler: what `re.compile` runs
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another Python: nothing to save, the modules are imported as they are
    _sre = _compiler = _parser = None   # type: ignore[assignment]

# One recorded pattern: the arguments of re.compile (source, flags), then those of the engine's constructor
# (source, final flags, code, number of groups, group names to indexes, indexes to names).
Pattern = tuple[Any, int, tuple]


@dataclasses.dataclass
class Recorded:
    """What one import window compiled: regex patterns, and dataclass method sources with their marshalled code."""

    patterns: list[Pattern] = dataclasses.field(default_factory=list)
    code: dict[str, bytes] = dataclasses.field(default_factory=dict)


def import_cached(*modules: str, packages: tuple[str, ...], libraries: tuple[str, ...] = (),
                  lazy: tuple[str, ...] = ()) -> None:
    """Import `modules`, with what they compile on import taken from the disk cache when an earlier process
    recorded it. `packages`: every package whose modules the import runs (a process that has loaded any of them
    records only part, so it does not store); `libraries`: the third-party ones among them, whose versions are
    part of the entry's key; `lazy`: modules the import would load that most runs never use (import_lazily)."""
    if all(name in sys.modules for name in modules):
        return
    fresh = not any(name == package or name.startswith(package + ".") for name in list(sys.modules)
                    for package in packages)
    with collection_paused():
        import_lazily(*lazy)
        if not _supported():
            _import(modules)
            return
        path = entry_path("imports", [sys.version, str(_sre.MAGIC), *modules], libraries)
        kept = recalled(path, None)
        if not isinstance(kept, Recorded):
            kept = None
        with _window(kept or Recorded()) as recorded:
            _import(modules)
    if kept is None and fresh:
        store(path, recorded)


@contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic garbage collection while the block runs (imports: everything they make stays alive, so the
    collector would only walk it); a collector that was off stays off, and `gc.collect()` still works."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_lazily(*names: str) -> None:
    """Make each module (not yet imported) one that is executed when first used: an `import` of it, or a
    `from package import it`, then costs nothing until one of its attributes is read. reportlab imports PIL.Image
    and uharfbuzz when it is imported, some 30 ms of a cold build, while a leaflet without a clinic logo in a
    script that needs no shaping reads neither.

    The module is made from its spec as the import system makes it, with a module `__getattr__` (PEP 562) that
    runs its code the first time a name it does not have yet is asked for. (importlib.util.LazyLoader loads on any
    attribute, and the import statement itself reads `__spec__`.)"""
    import importlib.util

    for name in names:
        if name in sys.modules:
            continue
        parent, _, child = name.rpartition(".")
        try:
            if parent:
                importlib.import_module(parent)
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue   # absent: importers get their own ImportError, as without this
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            continue
        module = importlib.util.module_from_spec(spec)
        module.__getattr__ = _loader_of(module, spec)   # type: ignore[attr-defined]
        sys.modules[name] = module
        if parent:
            setattr(sys.modules[parent], child, module)


def _loader_of(module: Any, spec: Any) -> Any:
    def load(attribute: str) -> Any:
        del module.__getattr__   # the module's own code runs without it (and may define its own)
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(spec.name, None)   # as a failed import leaves it: the next import tries again
            raise
        return getattr(module, attribute)

    return load


def _import(modules: tuple[str, ...]) -> None:
    for name in modules:
        importlib.import_module(name)


def _supported() -> bool:
    return _compiler is not None and isinstance(getattr(re, "_cache", None), dict) \
        and hasattr(_compiler, "_code") and hasattr(re, "_MAXCACHE") and hasattr(dataclasses, "_create_fn")


@contextmanager
def _window(kept: Recorded) -> Iterator[Recorded]:
    """While the block runs: `kept`'s patterns are in re's cache and its code is what dataclasses compiles its
    sources to; everything compiled from source meanwhile is compiled as Python does and recorded."""
    recorded = Recorded()
    _install(kept.patterns)
    known = dict(kept.code)
    compile_pattern = _compiler.compile

    def compile_and_record(pattern, flags=0):
        if not isinstance(pattern, (str, bytes)):
            return compile_pattern(pattern, flags)
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        arguments = (pattern, int(flags | parsed.state.flags), [int(op) for op in code],   # plain ints: picklable
                     parsed.state.groups - 1, groupindex, tuple(indexgroup))
        recorded.patterns.append((pattern, int(flags), arguments))
        return _sre.compile(*arguments)

    def exec_compiled(source, globals=None, locals=None):
        """dataclasses' `exec(txt, globals, ns)`: the same as exec of the text, which compiles it as "<string>"
        with the flags of dataclasses' own code (no __future__ imports)."""
        if not isinstance(source, str):
            return exec(source, globals, locals)
        try:
            code = marshal.loads(known[source])
        except (KeyError, ValueError, EOFError, TypeError):   # not recorded, or not code this Python reads
            code = compile(source, "<string>", "exec", dont_inherit=True)   # not this module's __future__ flags
            recorded.code[source] = marshal.dumps(code)
        return exec(code, globals, locals)

    _compiler.compile = compile_and_record
    dataclasses.exec = exec_compiled   # found before the builtin by _create_fn, the module's one exec
    try:
        yield recorded
    finally:
        _compiler.compile = compile_pattern
        del dataclasses.exec


def _install(patterns: list[Pattern]) -> None:
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
