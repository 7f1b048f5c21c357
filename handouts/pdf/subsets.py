"""TrueType subsets made once per process for the same face and glyphs, and compressed once.

reportlab embeds a subset of each TrueType face a document uses (ttfonts.TTFontFace.makeSubset, then zlib when
the file is written): a few tens of kilobytes of font tables built in Python, and compressed, for every face of
every document. The A4 and Letter versions of a document (which the matrix builds one after the other) nearly
always use the same characters of the same faces, so the same subset was built and compressed twice.

`remember_subsets(face)` makes the face's makeSubset keep its most recent results, keyed by what its bytes depend
on: the face (its font file) and the original glyph of each code of the subset, in order (the codes' glyphs make the
subset's glyph table and its cmap; the codes themselves are not written). handouts.pdf.finishing compresses the font
streams through a remembering FlateDecode filter (`FONT_FLATE`): the same subset compresses to the same bytes.
Both bounded, so a worker's memory stays flat.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable

KEPT = 12   # subsets kept per process: a document's faces (an Arabic or Hindi one has a Latin face too), twice
_MARK = "_handouts_remembered"

_kept: OrderedDict[tuple, bytes] = OrderedDict()


def subset_key(face: Any, subset: list[int]) -> tuple:
    """What makeSubset's bytes depend on: the face's file, and each code's original glyph (0 when unmapped, as
    makeSubset takes it), in order. A code shaping added to the face later (a private one, for a glyph with no
    character) maps to the same glyph for the rest of the process."""
    glyph_of = face.charToGlyph
    return (face.filename, getattr(face, "subfontNameX", b""), tuple(glyph_of.get(code, 0) for code in subset))


def remember_subsets(face: Any) -> None:
    """Make `face.makeSubset` return a kept subset when it has made the same one before (the same bytes); once
    per face. An instance attribute, so the face's class and other faces are untouched."""
    if face.__dict__.get(_MARK):
        return
    make: Callable[[list[int]], bytes] = face.makeSubset

    def make_subset(subset: list[int]) -> bytes:
        key = subset_key(face, subset)
        found = _kept.get(key)
        if found is None:
            found = _kept[key] = make(subset)
            if len(_kept) > KEPT:
                _kept.popitem(last=False)
        else:
            _kept.move_to_end(key)
        return found

    face.makeSubset = make_subset
    face.__dict__[_MARK] = True

