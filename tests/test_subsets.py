"""TrueType subsets made once per process (handouts.pdf.subsets) and their streams compressed once
(handouts.pdf.finishing.FONT_FLATE): the same bytes as made fresh, and the A4 and Letter versions of a document
share them."""

from __future__ import annotations

import zlib

import pikepdf
from reportlab.pdfbase.ttfonts import TTFontFace

from handouts.pdf import finishing, subsets
from handouts.text.fonts import FontLibrary
from tests.conftest import LAYOUTS


def _face_file() -> str:
    return str(FontLibrary(LAYOUTS).family("atkinson-hyperlegible").face("regular").path)


def test_a_remembered_subset_is_the_bytes_of_a_fresh_one_and_is_made_once(monkeypatch):
    monkeypatch.setattr(subsets, "_kept", type(subsets._kept)())
    path = _face_file()
    face, fresh = TTFontFace(path), TTFontFace(path)
    made: list[list[int]] = []
    original = face.makeSubset
    face.makeSubset = lambda subset: made.append(list(subset)) or original(subset)
    subsets.remember_subsets(face)
    subsets.remember_subsets(face)   # once per face: not wrapped twice
    letters = [0, *map(ord, "Back pain")]
    other = [0, *map(ord, "Neck pain")]
    first = face.makeSubset(letters)
    assert first == fresh.makeSubset(letters)
    assert face.makeSubset(list(letters)) == first
    assert face.makeSubset(other) == fresh.makeSubset(other) != first
    assert made == [letters, other]   # each subset built once


def test_the_key_is_the_glyphs_each_code_draws():
    face = TTFontFace(_face_file())
    a = subsets.subset_key(face, [0, ord("a"), ord("b")])
    assert a == subsets.subset_key(face, [0, ord("a"), ord("b")])
    assert a != subsets.subset_key(face, [0, ord("b"), ord("a")])   # order makes the subset's cmap
    assert subsets.subset_key(face, [0, 0x10FFFD])[2] == (face.charToGlyph.get(0, 0), 0)   # unmapped: glyph 0


def test_the_kept_subsets_are_bounded(monkeypatch):
    monkeypatch.setattr(subsets, "_kept", type(subsets._kept)())
    face = TTFontFace(_face_file())
    subsets.remember_subsets(face)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        face.makeSubset([0, ord(letter)])
    assert len(subsets._kept) == subsets.KEPT


def test_papers_share_subsets_and_the_file_keeps_its_bytes(monkeypatch):
    """A leaflet made with nothing kept and made again from what was kept: the same file, its embedded subsets
    decompress to fonts made fresh, and the second file built no subset."""
    from tests.test_finishing import _render

    fonts = FontLibrary(LAYOUTS)
    monkeypatch.setattr(subsets, "_kept", type(subsets._kept)())
    monkeypatch.setattr(finishing, "FONT_FLATE", finishing.RememberedFlate(2 * subsets.KEPT))
    first = _render(fonts, "standard", "leaflet")
    built = len(subsets._kept)
    assert built >= 1
    calls: list[int] = []
    original = TTFontFace.makeSubset
    monkeypatch.setattr(TTFontFace, "makeSubset", lambda self, subset: calls.append(1) or original(self, subset))
    assert _render(fonts, "standard", "leaflet") == first
    assert calls == [] and len(subsets._kept) == built
    with pikepdf.open(__import__("io").BytesIO(first)) as pdf:
        files = [font.FontDescriptor.FontFile2 for page in pdf.pages for font in page.Resources.Font.values()
                 if "/FontDescriptor" in font]
        assert files
        for stream in files:
            raw = stream.read_raw_bytes()
            assert zlib.compress(stream.read_bytes()) == raw   # compressed as zlib does, once
            assert int(stream.Length1) == len(stream.read_bytes())
