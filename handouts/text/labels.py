"""One line of text for a reportlab.graphics drawing (figure labels), shaped, bidi-ordered and font-fallen-back.

A graphics `String` draws characters with one font, so it can neither join Arabic letters, form Devanagari
conjuncts, order mixed-direction text nor switch fonts. `label_path` does all four and returns the text as
vector outlines (a filled Path), which every reportlab renderer (PDF, PNG, SVG) draws identically. The font
chain comes from the face name the figure was given (handouts.fonts remembers which language's chain a body face
belongs to), so a figure needs nothing but the font name it already has.

Use from handouts.figures.text.label, per line of a fitted label:

    from handouts.text.labels import label_path, label_width
    width = label_width(line, font, size, chain=chain)                      # for fitting, instead of stringWidth
    shape = label_path(line, x, y, font, size, chain=chain, anchor=anchor, fill=color)   # instead of String(...)
    group.add(shape)
"""

from __future__ import annotations

from typing import Any

from handouts.text import bidi

from handouts.text import shaping
from handouts.text.fonts import FontChain


def _pieces(text: str, font: str, chain: FontChain | None) -> list[tuple[shaping.ShapedRun, int]]:
    """(shaped run, bidi level) pieces of one line, in visual order. `chain` is the language's font chain (the
    figure's style carries it): it gives the fallback faces and their files."""
    from bidi import get_base_level

    style = "regular"
    if chain is not None:
        style = next((s for s, face in chain.primary.faces.items() if face.name == font), "regular")
    text = bidi.isolate_ltr_units(text)
    rtl = bool(text) and get_base_level(text) == 1
    levels = bidi.levels(text, rtl)
    fonts = []
    runs = chain.runs(text) if chain is not None else [(None, text)]
    for family, run in runs:
        fonts.extend([family.face(style).name if family is not None else font] * len(run))
    groups: list[tuple[str, str, int]] = []
    for char, face, level in zip(text, fonts, levels):
        if char in ("\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"):
            continue
        if groups and groups[-1][1] == face and groups[-1][2] == level:
            groups[-1] = (groups[-1][0] + char, face, level)
        else:
            groups.append((char, face, level))
    shaped = [(shaping.shape(t, face, level % 2 == 1), level) for t, face, level in groups]
    return bidi.reorder(shaped, [level for _, level in shaped])


def label_width(text: str, font: str, size: float, *, chain: FontChain | None) -> float:
    """The drawn width of one line of label text."""
    return sum(run.width(size) for run, _ in _pieces(text, font, chain))


def label_path(text: str, x: float, y: float, font: str, size: float, *, chain: FontChain | None,
               anchor: str = "start", fill: Any = None) -> Any:
    """One line of label text as a filled Path; `anchor` is 'start' (x is the left edge), 'middle' or 'end'
    (x is the right edge), like a graphics String's textAnchor. Raises FontError for a character no font of
    the language has."""
    from reportlab.graphics.shapes import FILL_NON_ZERO, Path
    from reportlab.lib import colors

    pieces = _pieces(text, font, chain)
    width = sum(run.width(size) for run, _ in pieces)
    left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    path = Path(fillColor=fill if fill is not None else colors.black, strokeColor=None, strokeWidth=0,
                fillMode=FILL_NON_ZERO)
    for run, _ in pieces:
        face = chain.face_named(run.font) if chain is not None else None
        if face is None:
            raise ValueError(f"label face {run.font!r} is not in the figure's font chain")  # a caller's mistake
        left = shaping.outline_path(run, str(face.path), size, left, y, path)
    return path
