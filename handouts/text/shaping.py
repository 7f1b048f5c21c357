"""HarfBuzz shaping of text runs, and drawing the shaped glyphs with reportlab.

Arabic letters join and Devanagari forms conjuncts and reorders vowel signs: the glyphs to draw are not the
characters of the text, so every run of a shaped script goes through HarfBuzz (uharfbuzz, the same library
reportlab 5 uses) and is drawn glyph by glyph at HarfBuzz's positions. reportlab's TrueType subsetter encodes
characters, not glyphs; a glyph that no character maps to (a joining form, a conjunct) is given a private-use
code point through reportlab's own `hbAddPrivate` hook, exactly as reportlab's shaping does.

Two outputs:
- `draw_run` writes a shaped run into a PDF text object (paragraphs, page furniture);
- `outline_path` turns a shaped run into vector outlines for reportlab.graphics drawings (figure labels), where
  a `String` cannot carry glyph ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Glyph:
    gid: int
    cluster: int        # index of the first character of the run this glyph comes from
    x_advance: int      # font units
    x_offset: int
    y_offset: int


@dataclass(frozen=True)
class ShapedRun:
    font: str                   # registered reportlab font name
    glyphs: tuple[Glyph, ...]   # in visual (left-to-right) order
    upem: int
    # the glyphs' advances added up (font units): a run is measured at every size and in every word it makes
    advance: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "advance", sum(g.x_advance for g in self.glyphs))

    def width(self, size: float) -> float:
        return self.advance * size / self.upem


def _ttfont(font: str) -> Any:
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.getFont(font)


@lru_cache(maxsize=None)
def _hb_font(font: str) -> Any:
    import uharfbuzz

    ttf = _ttfont(font)
    face = ttf.hbFace          # reportlab's cached uharfbuzz.Face over the same bytes it embeds
    ttf.hbFont(10)             # installs reportlab's hbAddPrivate hook on the font
    return uharfbuzz.Font(face)


def upem(font: str) -> int:
    return int(_hb_font(font).face.upem)


@lru_cache(maxsize=65536)
def shape(text: str, font: str, rtl: bool) -> ShapedRun:
    """Shape one run of a single font and direction. Glyphs come back in visual order."""
    import uharfbuzz

    hb_font = _hb_font(font)
    buf = uharfbuzz.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    uharfbuzz.shape(hb_font, buf, {"kern": True, "liga": True})
    glyphs = tuple(Glyph(info.codepoint, info.cluster, pos.x_advance, pos.x_offset, pos.y_offset)
                   for info, pos in zip(buf.glyph_infos, buf.glyph_positions))
    return ShapedRun(font, glyphs, hb_font.face.upem)


_PRIVATE_BASE = 0xE000   # the BMP private-use area: reportlab's subsetter and ToUnicode handle it
_PRIVATE_LAST = 0xF8FF


def glyph_char(font: str, gid: int, advance: int) -> str:
    """A character that reportlab's subsetter maps to glyph `gid` (a private-use one if no character does).

    The private-use character is U+E000 + gid, and its width is the font's own advance for the glyph, so both
    are the same in every process whatever was shaped before: reportlab's own hook hands out the next free code
    in the order glyphs are first met and records the first shaped (kerned, positioned) advance, which made a
    rebuild differ from a build, and a PDF's widths differ from its font program. Drawing is unaffected:
    draw_run places each glyph where HarfBuzz says."""
    return glyph_chars(font)(gid, advance)


_GLYPH_CHARS = "_handouts_glyph_chars"


def glyph_chars(font: str) -> Any:
    """`glyph_char` for one font, as a function of (gid, advance): a run's glyphs are looked up in the font once
    and each glyph's character is kept with the registered font (it never changes once chosen: a glyph's first
    character stays first, a private code stays assigned), so laying out a shaped line asks a dictionary."""
    ttf = _ttfont(font)
    known = _known_chars(ttf)

    def char(gid: int, advance: int) -> str:
        found = known.get(gid)
        if found is None:
            found = known[gid] = _choose_char(ttf, font, gid, advance)
        return found

    return char


def _known_chars(ttf: Any) -> dict[int, str]:
    """The characters chosen so far for the glyphs of a registered font (gid -> character), kept with it."""
    known = ttf.__dict__.get(_GLYPH_CHARS)
    if known is None:
        known = ttf.__dict__[_GLYPH_CHARS] = {}
    return known


def _choose_char(ttf: Any, font: str, gid: int, advance: int) -> str:
    face = ttf.face
    chars = face.glyphToChar.get(gid)
    if chars:
        return chr(chars[0])
    code = _PRIVATE_BASE + gid
    if code > _PRIVATE_LAST or face.charToGlyph.get(code, gid) != gid:   # a huge font, or the font uses it
        name = _hb_font(font).glyph_to_string(gid)
        return chr(ttf.hbAddPrivate(name, gid, ttf.pdfScale(advance)))
    face.charToGlyph[code] = gid
    face.glyphToChar.setdefault(gid, []).append(code)
    face.charWidths[code] = ttf.pdfScale(_hb_font(font).get_glyph_h_advance(gid))
    return chr(code)


def draw_run(canvas: Any, run: ShapedRun, size: float, x: float, y: float,
             marked: dict[int, tuple[int, str]] | None = None,
             languages: tuple[tuple[int, int, str], ...] = ()) -> float:
    """Draw a shaped run with its left edge at x on baseline y; returns the x after it.

    Consecutive glyphs whose HarfBuzz position equals where the PDF pen would be anyway are written as one
    string, so the content stream stays compact and copy-paste keeps words together. `marked` (tagged PDF):
    glyph index -> (end index, BDC operator) of marked-content sequences (/ActualText spans) to open inside the
    text object; they must not overlap. `languages`: (start, end, BDC operator) of runs in another language
    (/Lang spans), each holding whole `marked` spans; they are opened around them in the same text object, so
    a line in two languages stays one text object.
    """
    ops, end = run_ops(run, size, x, y, marked, languages)
    draw_ops(canvas, run.font, size, ops)
    return end


# What draw_run writes into its text object, in order, as one flat tuple (it is kept for every line of a
# paragraph, handouts.pdf.paragraph, so it is small): ORIGIN "x y" (a text origin, its coordinates formatted as
# reportlab's setTextOrigin formats them: a line drawn again in another try of the spacing does not format them
# again), TEXT string, CODE operator (a marked-content operator).
ORIGIN, TEXT, CODE = 0, 1, 2
Ops = tuple[Any, ...]


def run_ops(run: ShapedRun, size: float, x: float, y: float, marked: dict[int, tuple[int, str]] | None = None,
            languages: tuple[tuple[int, int, str], ...] = ()) -> tuple[Ops, float]:
    """The text-object operations of draw_run (same arguments) and the x after the run. They depend on the run
    and the position alone, so a caller that draws the same line at the same place again (a paragraph in every
    try of a leaflet's spacing, handouts.pdf.paragraph) keeps them and calls draw_ops; the PDF's own encoding
    of the strings (font subsets, per document) is left to the canvas each time."""
    return placed_ops((place(run, size),), x, y, marked, languages)


@dataclass(frozen=True)
class Placed:
    """A run of glyphs made ready to be written at one size: for each glyph (char, dx, dy, advance, pen), the
    character that shows it (glyph_char), HarfBuzz's offsets and advance in points, and how far the PDF pen
    moves for that character. None of it depends on where the run is drawn, so a word laid out in many lines
    (every paper, every level of a leaflet) is worked out once (handouts.pdf.paragraph keeps one per shaped
    piece) and each line only adds positions (placed_ops)."""

    items: tuple[tuple[str, float, float, float, float], ...]


def place(run: ShapedRun, size: float) -> Placed:
    """`Placed` of a shaped run at `size`. The numbers are the very products run_ops multiplied glyph by glyph
    before (offset × size / upem, the face's width × size / 1000), so the positions and bytes stay the same."""
    ttf = _ttfont(run.font)
    widths, default_width = ttf.face.charWidths, ttf.face.defaultWidth   # the face's getCharWidth, inlined
    scale = size / run.upem
    known = _known_chars(ttf)
    glyph_char_of = glyph_chars(run.font)
    items = []
    for g in run.glyphs:
        char = known.get(g.gid) or glyph_char_of(g.gid, g.x_advance)
        items.append((char, g.x_offset * scale, g.y_offset * scale, g.x_advance * scale,
                      widths.get(ord(char), default_width) * size / 1000))
    return Placed(tuple(items))


def placed_ops(parts: Any, x: float, y: float, marked: dict[int, tuple[int, str]] | None = None,
               languages: tuple[tuple[int, int, str], ...] = ()) -> tuple[Ops, float]:
    """run_ops of the glyphs of `parts` (Placed, one after another, in one font and size) from x on baseline y;
    `marked` and `languages` count glyphs over all the parts."""
    from reportlab.lib.rl_accel import fp_str

    ops: list[Any] = []
    pending = ""
    pen_x = origin_y = 0.0  # where the PDF pen stands after `pending`, and that string's baseline
    marked = marked or {}
    outer = {start: (end, operator) for start, end, operator in languages}
    # every index where a span may open or close; most lines have none, and the loop then asks nothing else
    boundaries = {*marked, *outer, *(end for end, _ in marked.values()), *(end for end, _ in outer.values())}
    closing: dict[int, int] = {}   # glyph index -> how many sequences end there
    items = parts[0].items if len(parts) == 1 else [item for part in parts for item in part.items]
    for index, (char, dx, dy, advance, pen) in enumerate(items):
        if index in boundaries and (index in closing or index in marked or index in outer):
            # a span boundary: the pending string ends
            if pending:
                ops += (TEXT, pending)
                pending = ""
            ops += (CODE, "EMC") * closing.pop(index, 0)
            for opening in (outer, marked):   # a language span holds the /ActualText spans inside it
                if index in opening:
                    end, operator = opening[index]
                    ops += (CODE, operator)
                    closing[end] = closing.get(end, 0) + 1
        gx, gy = x + dx, y + dy
        if index and abs(gx - pen_x) < 0.01 and gy == origin_y:   # the pen is already there
            pending += char
        else:
            if pending:
                ops += (TEXT, pending)
            ops += (ORIGIN, fp_str(gx, gy))
            pending, pen_x, origin_y = char, gx, gy
        pen_x += pen
        x += advance
    if pending:
        ops += (TEXT, pending)
    ops += (CODE, "EMC") * closing.pop(len(items), 0)
    return tuple(ops), x


def draw_ops(canvas: Any, font: str, size: float, ops: Ops) -> None:
    """Write run_ops' operations as one text object in `font` at `size`: the bytes reportlab's setTextOrigin
    and textOut write, with the origins already formatted."""
    from handouts.text.fonts import EMBOLDENED

    tx = canvas.beginText()
    tx.setFont(font, size)
    code = tx._code
    append = code.append
    # a text object that caches each string's operators (handouts.pdf.textcache) gives them without reading its
    # font again for each string; reportlab's own writes them through _formatText
    in_font = getattr(tx, "operators_in_font", None)
    text_operators = in_font() if in_font is not None else tx._formatText
    origin = "1 0 0 1 %s Tm" if canvas.bottomup else "1 0 0 -1 %s Tm"
    pairs = iter(ops)
    for kind, value in zip(pairs, pairs):
        if kind == TEXT:
            append(text_operators(value))   # textOut without moving the text cursor (_textOut's bytes)
        elif kind == ORIGIN:
            append(origin % value)   # setTextOrigin's; the text cursor is not read here either
        else:
            append(value)
    if font in EMBOLDENED:
        # Synthetic bold: fill and stroke the outlines (render mode 2) with a thin stroke in the text colour.
        canvas.saveState()
        canvas.setStrokeColor(canvas._fillColorObj)
        canvas.setLineWidth(size * 0.035)
        code.insert(1, "2 Tr")
        canvas.drawText(tx)
        canvas.restoreState()
        return
    canvas.drawText(tx)


@lru_cache(maxsize=None)
def _glyph_set(path: str) -> Any:
    from fontTools.ttLib import TTFont as FTFont

    return FTFont(path, lazy=True)


@lru_cache(maxsize=8192)
def _glyph_ops(path: str, gid: int) -> tuple[tuple[str, tuple], ...]:
    from fontTools.pens.recordingPen import DecomposingRecordingPen

    font = _glyph_set(path)
    glyph_set = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyph_set)
    glyph_set[font.getGlyphName(gid)].draw(pen)
    return tuple((op, tuple(args)) for op, args in pen.value)


def outline_path(run: ShapedRun, font_path: str, size: float, x: float, y: float, path: Any) -> float:
    """Append the outlines of a shaped run to a reportlab.graphics Path; returns the x after the run."""
    scale = size / run.upem

    def pt(p: tuple[float, float], gx: float, gy: float) -> tuple[float, float]:
        # 0.01 of a design unit is far below what print or a screen shows, and rounding to it takes about a
        # third off an Arabic or Hindi figure's content stream (labels there are outlines).
        return round(gx + p[0] * scale, 2), round(gy + p[1] * scale, 2)

    for g in run.glyphs:
        gx, gy = x + g.x_offset * scale, y + g.y_offset * scale
        current: tuple[float, float] | None = None
        for op, args in _glyph_ops(font_path, g.gid):
            if op == "moveTo":
                current = args[0]
                path.moveTo(*pt(current, gx, gy))
            elif op == "lineTo":
                current = args[0]
                path.lineTo(*pt(current, gx, gy))
            elif op == "curveTo":
                for i in range(0, len(args) - 2, 3):
                    path.curveTo(*pt(args[i], gx, gy), *pt(args[i + 1], gx, gy), *pt(args[i + 2], gx, gy))
                current = args[-1]
            elif op == "qCurveTo":
                current = _quad_to_cubic(path, current, args, gx, gy, pt)
            elif op in ("closePath", "endPath"):
                path.closePath()
        x += g.x_advance * scale
    return x


def _quad_to_cubic(path: Any, current: Any, args: tuple, gx: float, gy: float, pt: Any) -> Any:
    """TrueType quadratic splines (with implied on-curve points) as cubic Béziers."""
    from fontTools.pens.basePen import decomposeQuadraticSegment

    points = list(args)
    if points[-1] is None:  # a closed contour of off-curve points only
        points = points[:-1]
        first = ((points[-1][0] + points[0][0]) / 2, (points[-1][1] + points[0][1]) / 2)
        path.moveTo(*pt(first, gx, gy))
        current = first
        points.append(first)
    for control, end in decomposeQuadraticSegment(points):
        c1 = (current[0] + 2 / 3 * (control[0] - current[0]), current[1] + 2 / 3 * (control[1] - current[1]))
        c2 = (end[0] + 2 / 3 * (control[0] - end[0]), end[1] + 2 / 3 * (control[1] - end[1]))
        path.curveTo(*pt(c1, gx, gy), *pt(c2, gx, gy), *pt(end, gx, gy))
        current = end
    return current
