"""Hyphenation patterns (pyphen's dictionaries), parsed once per machine instead of once per process.

pyphen parses a language's pattern file (some 14,000 patterns for English) with regular expressions every time a
process first hyphenates: a tenth of a second of every cold build of a level that hyphenates. The parsed
patterns are kept in the disk cache (handouts.diskcache), keyed by the pattern file's contents and pyphen's
version, in a form that loads in a millisecond (`_compact`), and handed to pyphen through its own per-process
cache of parsed files.
"""

from __future__ import annotations

from typing import Any

from handouts.diskcache import remembered

_SEPARATOR = b"\xff"   # between the values of two patterns: a value is a digit 0-9


def hyphenator(patterns: str, left: int, right: int) -> Any:
    """A `pyphen.Pyphen` for the dictionary named `patterns` (a key of `pyphen.LANGUAGES`, as
    `pyphen.language_fallback` returns it), keeping `left` and `right` letters together at the ends of a word."""
    import pyphen

    path = pyphen.LANGUAGES[patterns]
    if path not in pyphen.hdcache:
        kept = remembered("hyphenation", [str(path), path.read_bytes()], lambda: _compact(pyphen.HyphDict(path)),
                          libraries=("pyphen",))
        pyphen.hdcache[path] = _expand(kept)
    return pyphen.Pyphen(filename=path, left=left, right=right)


def _compact(patterns: Any) -> tuple:
    """A parsed dictionary as the cache keeps it. Unpickling 14,000 small tuples took a cold build 25 ms: the
    patterns are kept as one string of keys, one byte string of start offsets and one of values, which become
    pyphen's dictionary again in C (`_expand`). A dictionary with nonstandard hyphenation (values that carry
    data) or a pyphen whose HyphDict holds anything else is kept as the object itself."""
    plain = set(vars(patterns)) == {"patterns", "cache", "maxlen"} and all(
        offset < 256 and all(type(value) is int for value in values)
        for offset, values in patterns.patterns.values())
    if not plain:
        return ("object", patterns)
    keys = "\n".join(patterns.patterns)
    offsets = bytes(offset for offset, _ in patterns.patterns.values())
    values = _SEPARATOR.join(bytes(values) for _, values in patterns.patterns.values())
    return ("compact", keys, offsets, values, patterns.maxlen)


def _expand(kept: tuple) -> Any:
    """pyphen's HyphDict from what `_compact` kept. Each pattern's values are bytes instead of a tuple of ints:
    HyphDict.positions only takes their length and iterates them, so the hyphenation points are the same."""
    import pyphen

    if kept[0] == "object":
        return kept[1]
    _, keys, offsets, values, maxlen = kept
    patterns = pyphen.HyphDict.__new__(pyphen.HyphDict)
    # Most patterns share their (offset, values) with many others (German's 66,441 patterns have 2,465
    # distinct ones, English's 11,015 have 1,562): one object each, instead of a tuple and a byte string per
    # pattern, took five languages' dictionaries from 16.3 to 10.6 MB of a process.
    distinct: dict[tuple[int, bytes], tuple[int, bytes]] = {}
    patterns.patterns = {key: distinct.setdefault(pair, pair)
                         for key, pair in zip(keys.split("\n"), zip(offsets, values.split(_SEPARATOR)))}
    patterns.cache = {}
    patterns.maxlen = maxlen
    return patterns

