"""The single choke point for text inside figures.

Every word a figure shows goes through :func:`label`. Text that a plain graphics
String can draw (one font, no shaping, left to right) stays a String, so it can
be searched and copied; text that needs shaping (Arabic, Devanagari), right-to-left
ordering or a fallback font is drawn as outlines by handouts.labels.
"""
from __future__ import annotations

import unicodedata

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.graphics.shapes import Group, String
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

from .style import FigureStyle

if TYPE_CHECKING:
    from handouts.text.fonts import FontChain

LINE_GAP = 1.18   # line height as a multiple of the font size
CAP = 0.70        # approximate cap height / x-middle as a fraction of size
MIN_FRACTION = 0.72  # smallest size we shrink to, as a fraction of the asked size


@dataclass(frozen=True)
class Fitted:
    """Result of fitting a text into a width: lines, size, squeeze factor."""

    lines: tuple[str, ...]
    size: float
    hscale: float = 1.0

    @property
    def height(self) -> float:
        return self.size * (1 + LINE_GAP * (len(self.lines) - 1))


def needs_outlines(text: str, font: str, chain: "FontChain | None" = None) -> bool:
    """Whether a String would draw this text wrongly: a character the face lacks (drawn as a box), a script
    that needs shaping, or right-to-left text. `chain` is the language's font chain (FigureStyle.chain)."""
    import unicodedata

    from handouts.text.fonts import coverage

    face = chain.face_named(font) if chain is not None else None
    covered = coverage(face.path) if face is not None else None
    for char in text:
        if char.isspace():
            continue
        if covered is not None and ord(char) not in covered:
            return True
        if unicodedata.bidirectional(char) in ("R", "AL") or unicodedata.category(char) in ("Mn", "Mc"):
            return True
    return False


_NO_LINE_START = set("）)」』】〉》、。，．：；！？・ー")
_NO_LINE_END = set("（(「『【〈《")


def _cjk_break(before: str, after: str) -> bool:
    """May a line break between these two characters? Between wide (CJK) characters, except before closing
    punctuation or after opening punctuation (the basic kinsoku rule)."""
    wide = unicodedata.east_asian_width(before) in "WF" or unicodedata.east_asian_width(after) in "WF"
    return wide and after not in _NO_LINE_START and before not in _NO_LINE_END


def _line_width(line: str, font: str, size: float, chain: "FontChain | None" = None) -> float:
    if needs_outlines(line, font, chain):
        from handouts.text.labels import label_width

        return label_width(line, font, size, chain=chain)
    return stringWidth(line, font, size)


def _width(lines: tuple[str, ...], font: str, size: float, chain: "FontChain | None" = None) -> float:
    return max(_line_width(line, font, size, chain) for line in lines)


def _split(text: str, count: int, font: str, size: float, chain: "FontChain | None" = None
           ) -> tuple[str, ...] | None:
    """Best split of ``text`` into `count` lines at spaces, or into two between two CJK characters where the
    text has no space (Chinese and Japanese break between characters; squeezing a long Chinese label instead
    makes it unreadable). Not into three there: with no word boundaries to go by, a third line cut words in two
    (脊|柱最下端, "spine" split). The narrowest result wins (the first of equals)."""
    from itertools import combinations

    words = text.split()
    if len(words) >= 2:
        parts, glue = words, " "
        cuts = range(1, len(words))
    elif count > 2:
        return None
    else:
        parts, glue = list(text), ""
        cuts = [i for i in range(1, len(text)) if _cjk_break(text[i - 1], text[i])]
    cands = [tuple(glue.join(parts[a:b]) for a, b in zip((0, *chosen), (*chosen, len(parts))))
             for chosen in combinations(cuts, count - 1)]
    if not cands:
        return None
    return min(cands, key=lambda cand: _width(cand, font, size, chain))


def fit_text(text: str, font: str, size: float, max_width: float | None,
             max_lines: int = 2, min_size: float | None = None, chain: "FontChain | None" = None) -> Fitted:
    """Fit ``text`` into ``max_width``: wrap to up to `max_lines` lines (two unless asked), then shrink.

    Why this order: a slightly smaller font is worse for low-vision readers
    than a second line, so we wrap first at full size and only then shrink, down
    to ``min_size``. If even that overflows we squeeze horizontally so a label
    can never spill out of its figure.
    """
    forced = tuple(part.strip() for part in text.split("\n"))
    if max_width is None:
        return Fitted(forced, size)
    floor = min_size if min_size is not None else size * MIN_FRACTION
    s = size
    while True:
        if len(forced) > 1:
            options = [forced]
        else:
            options = [forced]
            for count in range(2, max_lines + 1):
                split = _split(text, count, font, s, chain)
                if split:
                    options.append(split)
        for lines in options:
            if _width(lines, font, s, chain) <= max_width:
                return Fitted(lines, s)
        if s <= floor:
            lines = min(options, key=lambda ls: _width(ls, font, s, chain))
            return Fitted(lines, s, max_width / _width(lines, font, s, chain))
        s = max(floor, s - 0.25)


def label(text: str, x: float, y: float, style: FigureStyle, size: float,
          anchor: str = "middle", bold: bool = False, *,
          max_width: float | None = None, max_lines: int = 2,
          min_size: float | None = None, valign: str = "baseline",
          fill: Color | None = None) -> Group:
    """Draw ``text`` at (x, y) using the caller's fonts; returns a Group.

    ``anchor`` is 'start', 'middle' or 'end' (horizontal). ``valign`` says what
    ``y`` is: 'baseline' of the first line, 'middle' of the whole block, or
    'top' of the block. Long text wraps / shrinks to ``max_width``.
    """
    font = style.bold_font if bold else style.font
    fitted = fit_text(text, font, size, max_width, max_lines, min_size, style.chain)
    step = fitted.size * LINE_GAP
    n = len(fitted.lines)
    if valign == "middle":
        first = y + (n - 1) * step / 2 - CAP * fitted.size / 2
    elif valign == "top":
        first = y - CAP * fitted.size
    else:
        first = y
    color = fill if fill is not None else style.palette.ink
    group = Group()
    for i, line in enumerate(fitted.lines):
        if needs_outlines(line, font, style.chain):
            from handouts.text.labels import label_path

            group.add(label_path(line, x, first - i * step, font, fitted.size, chain=style.chain, anchor=anchor,
                                 fill=color))
        else:
            group.add(String(x, first - i * step, line, fontName=font,
                             fontSize=fitted.size, fillColor=color,
                             textAnchor=anchor))
    if fitted.hscale < 1.0:
        hs = fitted.hscale
        group.transform = (hs, 0, 0, 1, x * (1 - hs), 0)
    return group


def text_block_height(text: str, style: FigureStyle, size: float,
                      max_width: float | None, bold: bool = False,
                      max_lines: int = 2) -> float:
    """Height a label will take, so layouts can stack labels without overlap."""
    font = style.bold_font if bold else style.font
    return fit_text(text, font, size, max_width, max_lines, chain=style.chain).height
