"""Hyphenation patterns (pyphen's dictionaries), parsed once per machine instead of once per process.

pyphen parses a language's pattern file (some 14,000 patterns for English) with regular expressions every time a
process first hyphenates: a tenth of a second of every cold build of a level that hyphenates. The parsed
patterns are kept in the disk cache (handouts.diskcache), keyed by the pattern file's contents and pyphen's
version, and handed to pyphen through its own per-process cache of parsed files.
"""

from __future__ import annotations

from typing import Any

from handouts.diskcache import remembered


def hyphenator(patterns: str, left: int, right: int) -> Any:
    """A `pyphen.Pyphen` for the dictionary named `patterns` (a key of `pyphen.LANGUAGES`, as
    `pyphen.language_fallback` returns it), keeping `left` and `right` letters together at the ends of a word."""
    import pyphen

    path = pyphen.LANGUAGES[patterns]
    if path not in pyphen.hdcache:
        pyphen.hdcache[path] = remembered("hyphenation", [str(path), path.read_bytes()],
                                          lambda: pyphen.HyphDict(path), libraries=("pyphen",))
    return pyphen.Pyphen(filename=path, left=left, right=right)
