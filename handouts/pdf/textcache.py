"""Each string's PDF text operators worked out once per document.

reportlab's text object turns every string it shows into operators through `_formatText`: for a TrueType
font that is `splitString` (the string's codes in the document's font subsets, assigned as characters are first
met), the subset's font selection where it changes, and escaping. A leaflet shows the same strings many times
(words, spaces, an Arabic letter's forms, a Devanagari conjunct: most strings of a shaped leaflet are a glyph or
two placed on their own), and a document's subset codes never change once assigned, so the operators of a
string in one font, size, leading and current subset are the same every time it is shown in that document.
`CachingTextObject` keeps them on its canvas (one canvas writes one document; the next try of a leaflet's
spacing is a new canvas with fresh subsets) and writes the same bytes reportlab would.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.textobject import PDFTextObject

# canvas attribute: (font name, size, leading, current subset, text) -> (operators, current subset after)
_TABLE = "_handouts_text_operators"


class CachingTextObject(PDFTextObject):
    """reportlab's text object, looking each string's operators up in its canvas's table (module docstring)."""

    def __init__(self, canvas: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(canvas, *args, **kwargs)
        table = canvas.__dict__.get(_TABLE)
        if table is None:
            table = canvas.__dict__[_TABLE] = {}
        self._operators = table

    def operators_in_font(self) -> Any:
        """`_formatText` for a run of strings in the text object's current font, size and leading, as a
        function of the string (shaping.draw_ops shows a shaped line's glyphs, hundreds of short strings, in one
        font): the same lookups without reading the font back for each string."""
        table, font, size, leading = self._operators, self._fontname, self._fontsize, self._leading
        get, encode = table.get, super()._formatText

        def operators(text: str) -> str:
            if type(text) is not str:
                return encode(text)
            key = (font, size, leading, self._curSubset, text)
            hit = get(key)
            if hit is None:
                hit = table[key] = (encode(text), self._curSubset)
            self._curSubset = hit[1]
            return hit[0]

        return operators

    def _formatText(self, text: Any) -> str:
        if type(text) is not str:   # bytes, or reportlab's ShapedStr (its operators depend on the shaping)
            return super()._formatText(text)
        key = (self._fontname, self._fontsize, self._leading, self._curSubset, text)
        hit = self._operators.get(key)
        if hit is None:
            hit = self._operators[key] = (super()._formatText(text), self._curSubset)
        self._curSubset = hit[1]
        return hit[0]
