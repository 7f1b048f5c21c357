"""The paragraph every handout uses: reportlab's Paragraph, with its own line layout for shaped and
right-to-left scripts.

Why not reportlab's own: with reportlab 5.1 + uharfbuzz 0.57 a shaped paragraph (style `shaping=1`) that wraps
to several lines crashes in `PDFTextObject.setRise` (`_formatText` empties `self._code` and the first glyph with
a vertical HarfBuzz offset calls `setRise`, which reads `self._code[-1]`), it shapes a word that mixes fonts
with the first font's glyph ids, and its bidi support needs `rlbidi`, which is not on PyPI. So for a style that
asks for shaping (`shaping=1`) or right-to-left text (`textDirection='rtl'`, set by handouts.styles from the
language entry) this class lays the text out itself:

1. the markup is parsed by reportlab as usual (fonts, bold, links, colours come back as frags);
2. phone numbers, URLs and dotted numbers are isolated (handouts.bidi) and the Unicode bidi levels of the whole
   paragraph are resolved in logical order;
3. the text is cut into words at spaces, each word into pieces of one font and one level, and each piece is
   shaped by HarfBuzz (handouts.shaping) to measure it;
4. lines are filled greedily in logical order (so the first words are on the first line);
5. each line is put into visual order with UBA rule L2 and drawn glyph by glyph, right-aligned for RTL.

Runs in another language (content markup `[MRI]{lang=en}`, which handouts.markup writes as
`<span lang="en">`, and, in a document of a non-Latin script, every run of Latin words: handouts.scripts) are
drawn inside a marked-content property `/Span <</Lang (en)>> BDC … EMC`, nested in the paragraph's own marked
content, so the structure tree keeps one element per paragraph and every MCID once.

Styles that need none of this (English, Chinese) keep reportlab's behaviour untouched, unless a paragraph holds
a marked language run: reportlab's own line layout cannot mark a sub-run, so such a paragraph is laid out here.
"""

from __future__ import annotations

import copy
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import repeat
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.platypus import Paragraph as _RLParagraph
from reportlab.lib.fonts import ps2tt
from reportlab.platypus.paraparser import ParaParser, _spanAttrMap
from reportlab.platypus.paragraph import textTransformFrags

from handouts.text import bidi, scripts

from handouts.text import shaping

from handouts.pdf import tagging

_CONTROLS = {"\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
             "\u2066", "\u2067", "\u2068", "\u2069"}
_BREAK_AFTER = set("/-.?&=_")

# Chinese line breaking (style wordWrap="CJK"): a line may break between any two characters when one of them is
# CJK, except before closing punctuation and after opening punctuation (the usual kinsoku rules of GB/T 15834
# and JIS X 4051). reportlab's own CJK wrapping knows the Japanese marks only (it lets "，" start a line) and
# never keeps opening brackets off a line end.
CANNOT_START = set("，。、；：？！）》〉」』】〕］｝〗〙”’…‥·・〜～%％‰℃°,.;:?!)]}")
CANNOT_END = set("（《〈「『【〔［｛〖〘“‘([{$£¥￥＄")


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFE30 <= code <= 0xFE4F
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF)


def _cjk_break(before: str, after: str) -> bool:
    """May a Chinese line break between these two characters?"""
    if after in CANNOT_START or before in CANNOT_END:
        return False
    return is_cjk(before) or is_cjk(after)


def needs_layout(style: Any) -> bool:
    return (bool(getattr(style, "shaping", 0)) or getattr(style, "textDirection", "ltr") == "rtl"
            or getattr(style, "wordWrap", None) == "CJK")


def has_language_runs(frags: list[Any]) -> bool:
    """Does any frag carry a language of its own (content markup, through `_Parser`)?"""
    return any(getattr(frag, "lang", None) for frag in frags)


class _Parser(ParaParser):
    """reportlab's markup parser, plus a `lang` attribute on <span>: the frags inside carry it as `lang`; and a
    <font face> that keeps the weight and slant around it."""

    def start_font(self, attr: dict[str, str]) -> None:
        """Our markup's only <font face> switches family, for characters the body font lacks (handouts.text.markup
        names the family): the text keeps the weight and slant around it. reportlab's parser takes them from the
        face named, the family's regular one, so the digits of a bold Chinese heading ("拉伸1") were regular."""
        attributes = self.getAttributes(attr, _spanAttrMap)
        if "fontName" in attributes:
            attributes["fontName"] = ps2tt(attributes["fontName"])[0]   # the family; bold and italic inherited
        self._push("font", **attributes)

    def start_span(self, attr: dict[str, str]) -> None:
        lang = attr.pop("lang", None)
        super().start_span(attr)
        if lang:
            self._stack[-1].lang = lang


@dataclass
class Piece:
    """A run of one frag (font, size, colour, link) at one bidi level and in one language, shaped. `lang` is
    None for the document's own language."""

    text: str
    frag: Any
    level: int
    run: shaping.ShapedRun
    width: float
    lang: str | None = None
    # how it is drawn wherever a line puts it (`_drawn`), once asked: a piece is kept with its paragraph's words
    drawn: "_Drawn | None" = field(default=None, repr=False, compare=False)

    @classmethod
    def make(cls, text: str, frag: Any, level: int, lang: str | None = None) -> "Piece":
        run = shaping.shape(text, frag.fontName, level % 2 == 1)
        return cls(text, frag, level, run, run.width(frag.fontSize), lang)


@dataclass
class Word:
    pieces: list[Piece]
    space: Piece | None = None   # the space that follows it, if any

    @cached_property
    def width(self) -> float:
        # asked for every word at every width its paragraph is broken at; its pieces never change once cut
        return sum(p.width for p in self.pieces)


def _words(frags: list[Any], rtl: bool, cjk: bool = False, latin: str | None = None,
           own: str | None = None) -> list[Word]:
    """`latin`: the language of Latin runs in this document (None in a Latin-script one); `own`: the document's
    language, which a run marked with it does not need."""
    chars: list[tuple[str, int]] = []
    texts: list[str] = []
    marked: list[str | None] = []   # each character's frag's language
    for index, frag in enumerate(frags):
        text = getattr(frag, "text", "")
        if not text or hasattr(frag, "cbDefn"):
            continue
        text = bidi.isolate_ltr_units(text.replace("\n", " ").replace("\t", " "))
        texts.append(text)
        chars.extend(zip(text, repeat(index)))
        marked.extend(repeat(getattr(frag, "lang", None), len(text)))
    text = "".join(texts)
    levels = bidi.levels(text, rtl and bidi.mostly_right_to_left(text))
    langs = [None if lang == own else lang for lang in scripts.languages(text, marked, latin)]
    words: list[Word] = []
    current: list[tuple[str, int, int, str | None]] = []   # (char, frag index, level, language)
    isolated = 0  # inside LRI…PDI (a phone number, a URL): spaces there do not break the line

    def flush() -> None:
        if current:
            words.append(Word(_pieces(current, frags)))
            current.clear()

    keep = current.append
    count = len(chars)
    for position, ((char, index), level, lang) in enumerate(zip(chars, levels, langs)):
        if char == " ":
            if isolated > 0 or (cjk and current and position + 1 < count and chars[position + 1][0] in CANNOT_START):
                keep((char, index, level, lang))
            else:
                flush()
                if words and words[-1].space is None:
                    words[-1].space = Piece.make(" ", frags[index], level, lang)
        elif char in _CONTROLS:   # never drawn; the isolates among them keep their content on one line
            if char == bidi.LRI or char == bidi.RLI:
                isolated += 1
            elif char == bidi.PDI:
                isolated = max(0, isolated - 1)
        else:
            if cjk and current and not isolated and _cjk_break(current[-1][0], char):
                flush()
            keep((char, index, level, lang))
    flush()
    return words


def _pieces(chars: list[tuple[str, int, int, str | None]], frags: Any) -> list[Piece]:
    """Group characters into pieces of one frag, one level and one language; `frags` is indexed by the second
    field."""
    pieces: list[Piece] = []
    count = len(chars)
    start = 0
    while start < count:
        _, index, level, lang = chars[start]
        end = start + 1
        while end < count and chars[end][1] == index and chars[end][2] == level and chars[end][3] == lang:
            end += 1
        pieces.append(Piece.make("".join([c[0] for c in chars[start:end]]), frags[index], level, lang))
        start = end
    return pieces


def _split_long_word(word: Word, width: float) -> list[Word]:
    """A word wider than the line (a long URL) is cut, preferably after / - . ? & =, never inside a cluster."""
    chars = [(c, id(p.frag), p.level, p.lang, p.frag) for p in word.pieces for c in p.text]
    frags = {key: frag for _, key, _, _, frag in chars}

    def measure(part: list) -> float:
        return sum(p.width for p in _pieces([(c, k, lv, lang) for c, k, lv, lang, _ in part], frags))

    out: list[Word] = []
    while chars:
        best = preferred = 0
        for i in range(1, len(chars) + 1):
            if i < len(chars) and (unicodedata.category(chars[i][0]).startswith("M") or chars[i - 1][0] == "\u094d"
                                   or chars[i][0] in "\u200c\u200d" or chars[i][0] in CANNOT_START
                                   or chars[i - 1][0] in CANNOT_END):
                continue
            if measure(chars[:i]) > width and best:
                break
            best = i
            if chars[i - 1][0] in _BREAK_AFTER:
                preferred = i
        cut = preferred if preferred and preferred > best // 2 else best
        part, chars = chars[:cut], chars[cut:]
        out.append(Word(_pieces([(c, k, lv, lang) for c, k, lv, lang, _ in part], frags)))
    out[-1].space = word.space
    return out


def _break_lines(words: list[Word], width: float) -> list[list[Word]]:
    lines: list[list[Word]] = []
    line: list[Word] = []
    used = 0.0
    for word in words:
        pieces = _split_long_word(word, width) if word.width > width else [word]
        for w in pieces:
            gap = line[-1].space.width if line and line[-1].space else 0.0
            if line and used + gap + w.width > width + 1e-6:
                lines.append(line)
                line, used, gap = [], 0.0, 0.0
            line.append(w)
            used += gap + w.width
    if line:
        lines.append(line)
    return lines


def _line_pieces(line: list[Word]) -> list[Piece]:
    """The pieces of a line in logical order, with the spaces between words (trailing space dropped: L1)."""
    out: list[Piece] = []
    for i, word in enumerate(line):
        out.extend(word.pieces)
        if i < len(line) - 1 and word.space is not None:
            out.append(word.space)
    return out


@dataclass(frozen=True)
class _LinePlan:
    """One line drawn at one place: its glyph streams (colour, font, size, text operations: shaping.run_ops)
    and each underlined or linked piece with the x it starts at (its underline and link area). `line` keeps the
    line it was made for alive, so the id in its key is never another line's."""

    line: list[Word]
    runs: tuple[tuple[Any, str, float, shaping.Ops], ...]
    placed: tuple[tuple[Piece, float], ...]


@dataclass(eq=False)
class _Shared:
    """What paragraphs of the same markup and style compute alike, kept once per process: the same paragraph
    is made again in every try of a leaflet's spacing (handouts.pdf.render), which changes nothing but the
    space around it. Parsed once, cut into words once, broken into lines once per width, and each line's
    glyphs worked out once per place (the part of drawing that does not depend on the document: the PDF's own
    encoding of the text is done by the canvas each time). Nothing in it is changed once made, but for the
    glyph operations, let go when a document did not use it (begin_document)."""

    text: str                    # the markup, as reportlab's cleaner left it
    frags: list[Any]
    bullet: Any
    own: bool                    # laid out here (shaped, right-to-left, Chinese, language runs), not by reportlab
    broken: dict[Any, tuple] = field(default_factory=dict)   # reportlab's breakLines by widths (Paragraph.breakLines)
    words: list[Word] | None = None
    lines: dict[float, list[list[Word]]] = field(default_factory=dict)
    plans: dict[tuple[int, float, float], _LinePlan] = field(default_factory=dict)
    used: int = 0                # the last document that used it (begin_document)


_SHARED: "OrderedDict[tuple, _Shared]" = OrderedDict()   # least recently used first
# Paragraphs kept: those used in the last _DOCUMENTS_KEPT documents (begin_document), so that the documents one
# process builds in a row share them (the benchmark's six English documents round-robin, a worker's papers of a
# level) while memory stays flat however many documents it builds: a level's leaflet has up to 178 paragraphs,
# the three levels of a language 485, a few MB for Arabic, most of it the glyph operations of its lines.
_DOCUMENTS_KEPT = 6
# ... and never more than this many, for a caller that never says where a document begins.
_SHARED_KEPT = 1000
# Paragraphs laid out here (shaped, right to left, Chinese: `_Shared.own`) keep several times what a Latin one
# keeps (each word's glyphs, each line's glyph operations) and are kept by count, one document's worth, as
# before: the documents such a worker builds in a row share nothing but a level's two papers, and its memory is
# the one near the limit (the all-cores matrix's largest worker). Their keys, least recently used first.
_OWN: "OrderedDict[tuple, None]" = OrderedDict()
_OWN_KEPT = 200
_document = 0   # the number of the document being built (begin_document)


def begin_document() -> None:
    """A new document begins (handouts.pdf.render.draw_leaflet): paragraphs that neither it nor the
    _DOCUMENTS_KEPT documents before it used are let go (a paragraph of the first of six documents built
    round-robin is used again by the seventh)."""
    global _document
    _document += 1
    _evict()
    # The glyph operations of each line's place are most of a shaped paragraph's memory, and another document
    # draws its lines elsewhere (another paper, another column): those of paragraphs the last document did not
    # use are let go (a new dictionary: a paragraph still alive keeps the one it has).
    for shared in _SHARED.values():
        if shared.used >= _document - 1:
            break
        if shared.plans:
            shared.plans = {}


def _keep(key: tuple, shared: _Shared, *, new: bool) -> None:
    """`shared` was just used by this document: last to go. (Each use of the key hashes the style's values,
    colours among them, whose hash is Python code: once to find it, once here.)"""
    shared.used = _document
    if shared.own:
        _OWN.pop(key, None)
        _OWN[key] = None
    if new:
        _SHARED[key] = shared
        _evict()
    else:
        _SHARED.move_to_end(key)


def _evict() -> None:
    oldest = _document - _DOCUMENTS_KEPT
    while _SHARED and (len(_SHARED) > _SHARED_KEPT or next(iter(_SHARED.values())).used < oldest):
        key, shared = _SHARED.popitem(last=False)
        if shared.own:
            _OWN.pop(key, None)
    while len(_OWN) > _OWN_KEPT:
        _SHARED.pop(_OWN.popitem(last=False)[0], None)
# Style attributes that do not change how a paragraph is parsed, broken or drawn inside its box.
_SPACING = frozenset({"name", "parent", "spaceBefore", "spaceAfter"})


def _shared_key(text: Any, style: Any, bullet: Any, case_sensitive: Any) -> tuple | None:
    """The paragraphs that share a `_Shared`: the same markup, bullet and style but for the space around it;
    None where a part cannot be a key."""
    style_key = _style_key(style)
    if style_key is None:
        return None
    key = (text, bullet, case_sensitive, style_key)
    try:
        hash(key)
    except TypeError:   # an unhashable value
        return None
    return key


class _StyleKey:
    """A style's attributes but for the space around it, in the order they were set (a style made the same way
    in every try of the spacing lists them alike; sorting them cost more than the rest of the lookup). Hashed
    once: its values include colours, whose hash is Python code, and every paragraph of the style is looked up
    by it; one per distinct style (`_STYLE_KEYS`), so that the keys of two tries' paragraphs compare by
    identity."""

    __slots__ = ("items", "hash")

    def __init__(self, items: tuple) -> None:
        self.items = items
        self.hash = hash(items)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, _StyleKey) and self.hash == other.hash
                                 and self.items == other.items)


# id(style) -> (the style, kept so that its id is not reused; its key), and each distinct key once. A style is
# not changed once made (handouts.pdf.styles makes new ones, by clone); both are emptied when they grow past
# _STYLES_KEPT (a document's tries make a few dozen styles).
_BY_STYLE: dict[int, tuple[Any, "_StyleKey | None"]] = {}
_STYLE_KEYS: dict[_StyleKey, _StyleKey] = {}
_STYLES_KEPT = 512


def _style_key(style: Any) -> "_StyleKey | None":
    """`style`'s _StyleKey; None when one of its values cannot be hashed."""
    known = _BY_STYLE.get(id(style))
    if known is not None and known[0] is style:
        return known[1]
    attributes = dict(vars(style))
    for name in _SPACING:
        attributes.pop(name, None)
    try:
        made: _StyleKey | None = _StyleKey(tuple(attributes.items()))
    except TypeError:   # an unhashable value
        made = None
    if made is not None:
        if len(_STYLE_KEYS) > _STYLES_KEPT:
            _STYLE_KEYS.clear()
        made = _STYLE_KEYS.setdefault(made, made)
    if len(_BY_STYLE) > _STYLES_KEPT:
        _BY_STYLE.clear()
    _BY_STYLE[id(style)] = (style, made)
    return made


# What reportlab's Paragraph.breakLines sets on the paragraph besides the lines it returns.
_BREAK_LINES_SETS = ("frags", "height", "_width_max", "_splitLongWordCount", "_hyphenations")


class Paragraph(_RLParagraph):
    """reportlab's Paragraph; shaped and right-to-left styles get handouts' line layout (see module doc)."""

    def __init__(self, text: str, style: Any = None, *args: Any, tag_role: str = "P", **kwargs: Any) -> None:
        super().__init__(text, style, *args, **kwargs)
        # Tagged PDF (handouts.tagging): the structure role, and a key shared by the parts of a split paragraph
        # so that they stay one element.
        self.tag_role = tag_role
        self._tag_key = object()
        self._own = needs_layout(self.style) or has_language_runs(self.frags)
        if not self._own:
            _drop_unsupported_controls(self.frags)
        self._words: list[Word] | None = None
        self._lines: list[list[Word]] = []
        # Lines already broken, by width: platypus wraps a flowable many times at the same width (the frame when
        # it adds it and again when it splits it, a kept-together group or a table cell measuring its content),
        # and breaking the lines is most of what a wrap costs.
        self._broken: dict[Any, Any] = {}
        # each line's glyphs at each place it is drawn (a part cut from this paragraph draws the same lines)
        self._plans = self._shared.plans if self._shared is not None else {}

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        """reportlab's, with `_Parser` (a `lang` on <span>) in place of its own parser; a paragraph laid out here
        whose markup and style were seen before takes what that one computed (`_Shared`)."""
        self._shared: _Shared | None = None
        if frags is None:
            key = _shared_key(text, style, bulletText, self.caseSensitive)
            shared = _SHARED.get(key) if key is not None else None
            if shared is not None:
                _keep(key, shared, new=False)
                self._shared = shared
                # reportlab's own line layout replaces the frags list (breakLines): its own copy of the list
                self._parsed = shared.frags if shared.own else list(shared.frags)
                return super()._setup(shared.text, style, shared.bullet, self._parsed, cleaner)
            text = cleaner(text)
            parser = _Parser()
            parser.caseSensitive = self.caseSensitive
            parsed_style, frags, bullet_frags = parser.parse(text, style)
            if frags is None:
                raise ValueError(f"xml parser error ({parser.errors[0]}) in paragraph beginning\n'{text[:30]}'")
            textTransformFrags(frags, parsed_style)
            if bullet_frags:
                bulletText = bullet_frags
            if key is not None and parsed_style is style:
                own = needs_layout(style) or has_language_runs(frags)
                self._shared = _Shared(text, frags, bulletText, own)
                _keep(key, self._shared, new=True)
                self._parsed = frags if own else list(frags)
                frags = self._parsed
            style = parsed_style
        super()._setup(text, style, bulletText, frags, cleaner)

    # -- layout -------------------------------------------------------------------------------------------
    @property
    def rtl(self) -> bool:
        return getattr(self.style, "textDirection", "ltr") == "rtl"

    def _all_words(self) -> list[Word]:
        if self._words is None:
            shared = self._shared
            if shared is not None and shared.words is not None:
                self._words = shared.words
            else:
                self._words = _words(self.frags, self.rtl, getattr(self.style, "wordWrap", None) == "CJK",
                                     getattr(self.style, "latinLanguage", None),
                                     getattr(self.style, "textLanguage", None))
                if shared is not None:
                    shared.words = self._words
        return self._words

    def _inner_width(self, avail: float) -> float:
        return avail - self.style.leftIndent - self.style.rightIndent

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if not self._own:
            return super().wrap(availWidth, availHeight)
        lines = self._broken.get(availWidth)
        if lines is None:
            shared = self._shared
            lines = shared.lines.get(availWidth) if shared is not None else None
            if lines is None:
                lines = _break_lines(self._all_words(), self._inner_width(availWidth))
                if shared is not None:
                    shared.lines[availWidth] = lines
            self._broken[availWidth] = lines
        self._lines = lines
        self.width = availWidth
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def breakLines(self, width: Any) -> Any:
        """reportlab's line breaking, once per width (see `_broken`). Besides the lines it returns, reportlab's
        breakLines leaves the widths it was given adjusted for a bullet, the frags as a word list (a paragraph of
        several frags) and a few counters on the paragraph: a repeated call leaves them as the first did."""
        key = tuple(width) if isinstance(width, (list, tuple)) else width
        hit = self._broken.get(key)
        if hit is None:
            # Another paragraph of the same markup and style broke its lines at this width from the same frags:
            # the same lines (`_Shared.broken`; only lines that cut no word, since reportlab's split marks a cut
            # word's frag in place).
            shared = self._shared
            fresh = shared is not None and self.frags is self.__dict__.get("_parsed")
            hit = shared.broken.get(key) if fresh else None
            if hit is None:
                lines = super().breakLines(width)
                after = {name: self.__dict__[name] for name in _BREAK_LINES_SETS if name in self.__dict__}
                hit = (lines, list(width) if isinstance(width, list) else None, after)
                if fresh and not after.get("_hyphenations") and not after.get("_splitLongWordCount"):
                    shared.broken[key] = hit
            self._broken[key] = hit
        lines, widths, after = hit
        if widths is not None:
            width[:] = widths
        self.__dict__.update(after)
        return lines

    def minWidth(self) -> float:
        if not self._own:
            return super().minWidth()
        words = self._all_words()
        return max((w.width for w in words), default=0.0) + self.style.leftIndent + self.style.rightIndent

    def _part(self, lines: list[list[Word]], **style_changes: Any) -> "Paragraph":
        part = copy.copy(self)
        part._words = [w for line in lines for w in line]
        part._lines = lines
        part._broken = {self.width: lines}   # its own lines at the width it was cut at, not the whole's
        part._shared = None                   # its words are some of the whole's
        part.style = self.style.clone(self.style.name, **style_changes)
        return part

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        if not self._own:
            parts = super().split(availWidth, availHeight)
            for part in parts:  # reportlab makes new paragraphs: keep them one tagged element
                part.tag_role, part._tag_key = self.tag_role, self._tag_key
            return parts
        self.wrap(availWidth, availHeight)
        count = len(self._lines)
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit >= count:
            return [self]
        if fit <= 0 or (fit == 1 and not self.style.allowOrphans):
            return []
        if count - fit == 1 and not self.style.allowWidows:
            fit -= 1
            if fit <= 0:
                return []
        return [self._part(self._lines[:fit], spaceAfter=0),
                self._part(self._lines[fit:], spaceBefore=0)]

    # -- drawing ------------------------------------------------------------------------------------------
    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        # Marked content for the tagged PDF. Shaped and right-to-left text also gives its element the words in
        # logical order (/ActualText), which screen readers use instead of piecing the glyphs together.
        shaped = self._own and (self.rtl or bool(getattr(self.style, "shaping", 0)))
        with tagging.leaf(canvas, self.tag_role, self._tag_key, actual_text=_logical_text(self._lines) if shaped
                          else None):
            super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        if not self._own:
            return super().draw()
        canvas = self.canv
        style = self.style
        plans = self._plans
        y = self.height - style.fontSize
        canvas.saveState()
        for line in self._lines:
            key = (id(line), self.width, y)
            plan = plans.get(key)
            if plan is None or plan.line is not line:
                plan = plans[key] = self._line_plan(line, y)
            for colour, font, size, ops in plan.runs:
                canvas.setFillColor(colour)
                shaping.draw_ops(canvas, font, size, ops)
            for piece, x in plan.placed:
                self._decorate(piece, x, y)
            y -= style.leading
        canvas.restoreState()

    def _line_plan(self, line: list[Word], y: float) -> "_LinePlan":
        """Where one line's pieces go and the text operations of its glyphs, on baseline y."""
        style = self.style
        left = style.leftIndent
        inner = self.width - style.leftIndent - style.rightIndent
        pieces = _line_pieces(line)
        order = bidi.visual_order([p.level for p in pieces])
        used = sum(p.width for p in pieces)
        if style.alignment == TA_RIGHT or (style.alignment == TA_JUSTIFY and self.rtl):
            x = left + inner - used
        elif style.alignment == TA_CENTER:
            x = left + (inner - used) / 2
        else:
            x = left
        visual = [pieces[index] for index in order]
        runs = _glyph_runs(visual, x, y)
        placed = []   # only the pieces with something to draw besides their glyphs
        for piece in visual:
            if getattr(piece.frag, "us_lines", None) or getattr(piece.frag, "link", None):
                placed.append((piece, x))
            x += piece.width
        return _LinePlan(line, tuple(runs), tuple(placed))

    def _decorate(self, piece: Piece, x: float, y: float) -> float:
        """Underline and link area of one piece; returns the x after it."""
        canvas = self.canv
        frag = piece.frag
        size = frag.fontSize
        end = x + piece.width
        if getattr(frag, "us_lines", None):
            canvas.setStrokeColor(frag.textColor)
            canvas.setLineWidth(size / 18)
            canvas.line(x, y - size * 0.125, end, y - size * 0.125)
        for _, href in getattr(frag, "link", None) or ():
            canvas.linkURL(href, (x, y - size * 0.25, end, y + size * 0.8), relative=1, thickness=0)
        return end


def _glyph_runs(visual: list[Piece], x: float, y: float) -> list[tuple[Any, str, float, shaping.Ops]]:
    """The glyph streams of one line's pieces in visual order from x on baseline y: (colour, font, size,
    text operations). Neighbouring pieces in one font, size, colour and language are one glyph stream (spaces
    included), so the content stream stays short and text extraction sees whole lines. A cluster whose glyphs
    do not map back to its characters (a joining form, a conjunct, a vowel mark) is marked with an
    /ActualText span that gives the characters, for copying, search and screen readers (see `_piece_clusters`).
    The pieces in another language are wrapped in /Lang spans (tagging.language_operator) inside the same
    stream."""
    out: list[tuple[Any, str, float, shaping.Ops]] = []
    i = 0
    while i < len(visual):
        frag = visual[i].frag
        j = i + 1
        while j < len(visual) and _same_ink(visual[j].frag, frag):
            j += 1
        count = 0   # glyphs so far
        spans: dict[int, tuple[int, str]] = {}
        languages: list[tuple[int, int, str]] = []
        segment: list[_Span] = []   # the spans since the language last changed, by start
        parts: list[shaping.Placed] = []
        for k in range(i, j):
            piece = visual[k]
            if k > i and piece.lang != visual[k - 1].lang and segment:   # spans are not merged across it
                spans.update(_merge_spans(segment))
                segment = []
            drawn = _drawn(piece)
            if drawn.spans:
                segment.extend([(count + start, count + end, text, first, last)
                                for start, end, text, first, last in drawn.spans] if count else drawn.spans)
            parts.append(drawn.placed)
            begin, count = count, count + drawn.count
            if piece.lang:
                operator = tagging.language_operator(piece.lang)
                if languages and languages[-1][1:] == (begin, operator):
                    languages[-1] = (languages[-1][0], count, operator)
                else:
                    languages.append((begin, count, operator))
        if segment:
            spans.update(_merge_spans(segment))
        ops, _ = shaping.placed_ops(parts, x, y, marked=spans, languages=tuple(languages))
        out.append((frag.textColor, frag.fontName, frag.fontSize, ops))
        x += sum(piece.width for piece in visual[i:j])
        i = j
    return out


def _logical_text(lines: list[list[Word]]) -> str:
    """The words of these lines in logical order, with the spaces between them."""
    return "".join("".join(p.text for p in word.pieces) + (" " if word.space is not None else "")
                   for line in lines for word in line).strip()


def _spans(glyphs: tuple[shaping.Glyph, ...], start: int, text: str) -> dict[int, tuple[int, str]]:
    """The /ActualText spans of one cluster drawn from glyph index `start`, as glyph index -> (end, text): its
    text goes on the glyphs from its first to its last glyph that advances (a conjunct's marks and second letter
    included); glyphs before and after them that do not advance (dots, vowel marks) get empty spans. Extractors
    measure a span from where its first glyph starts to where its last glyph ends, so the span with the text
    then covers exactly the cluster's width (a narrower one leaves a gap poppler reads as a space inside the
    word)."""
    if not any(g.x_advance for g in glyphs):
        return {start: (start + len(glyphs), text)}
    advancing = [k for k, g in enumerate(glyphs) if g.x_advance]
    first, last = advancing[0], advancing[-1] + 1
    out = {start + first: (start + last, text)}
    if first:
        out[start] = (start + first, "")
    if last < len(glyphs):
        out[start + last] = (start + len(glyphs), "")
    return out


# An /ActualText span of a piece or a line: (start, end, text, whether its first glyph advances, whether its last
# glyph does), glyphs counted from the piece's or the line's first.
_Span = tuple[int, int, str, bool, bool]


def _merge_spans(spans: list[_Span]) -> dict[int, tuple[int, str]]:
    """Neighbouring spans (`spans` by start) as one, which keeps the content stream short (an Arabic word is one
    span, not one per letter): empty ones (the marks at the end of one cluster and the start of the next), and
    ones with text that start and end on glyphs that advance, whose texts follow each other in drawing order as
    the extractors read them. Returns glyph index -> (end, BDC operator)."""
    merged: dict[int, tuple[int, str]] = {}
    last: int | None = None
    solid_start = solid_end = False   # do the first glyph of the span being built and its last one advance?
    for start, end, text, first_advances, last_advances in spans:
        if last is not None and merged[last][0] == start:
            previous = merged[last][1]
            if (previous == text == "") or (previous and text and solid_start and solid_end and first_advances
                                           and last_advances):
                merged[last] = (end, previous + text)
                solid_end = last_advances
                continue
        merged[start] = (end, text)
        last, solid_start, solid_end = start, first_advances, last_advances
    return {start: (end, tagging.actual_text_operator(text)) for start, (end, text) in merged.items()}


@dataclass(frozen=True)
class _Drawn:
    """What drawing a piece needs wherever its line puts it: how many glyphs it has, its /ActualText spans
    counted from its first glyph (`_piece_spans`) and its glyphs made ready at its size (shaping.Placed). A word
    is in a line of every paper and of every try of the spacing, and many words recur in a document: this is
    worked out once per text, font, direction and size, and a line adds the x."""

    count: int
    spans: tuple[_Span, ...]
    placed: shaping.Placed


def _drawn(piece: Piece) -> _Drawn:
    drawn = piece.drawn
    if drawn is None:
        drawn = piece.drawn = _piece_drawn(piece.text, piece.run.font, piece.level % 2 == 1, piece.frag.fontSize)
    return drawn


@lru_cache(maxsize=2048)
def _piece_drawn(text: str, font: str, rtl: bool, size: float) -> _Drawn:
    """`_Drawn` of a piece (see there); a piece's text recurs at the two or three sizes of body text and
    headings, and its spans (`_piece_spans`) are the same at each."""
    run = shaping.shape(text, font, rtl)
    return _Drawn(len(run.glyphs), _piece_spans(text, font, rtl), shaping.place(run, size))


# About 600 bytes each (and `_piece_drawn`'s glyphs more): a shaped leaflet has about a thousand different pieces,
# and the matrix builds a document's papers one after the other. A bound of two thousand hits as often as four
# thousand did over the kept languages of the matrix (zh-Hans, ar, hi on one worker), and that worker's peak
# memory is 137 MB instead of 143-151 (the target is 150).
@lru_cache(maxsize=2048)
def _piece_spans(text: str, font: str, rtl: bool) -> tuple[_Span, ...]:
    """The /ActualText spans of a piece's clusters (`_piece_clusters`, `_spans`), by start, each with whether
    its first and last glyphs advance (what `_merge_spans` asks of its neighbours)."""
    spans: list[_Span] = []
    start = 0
    for cluster, chars in _piece_clusters(text, font, rtl):
        if chars is not None:
            for first, (end, span) in _spans(cluster, start, chars).items():
                spans.append((first, end, span, cluster[first - start].x_advance != 0,
                              cluster[end - 1 - start].x_advance != 0))
        start += len(cluster)
    return tuple(sorted(spans))


def _piece_clusters(text: str, font: str, rtl: bool) -> tuple[tuple[tuple[shaping.Glyph, ...], str | None], ...]:
    """The piece's glyphs (visual order) cut into HarfBuzz clusters, each with the characters it stands for when
    extractors would not read them back whole from the glyphs, else None.

    A cluster needs its text when its glyphs do not map back to its characters (joining forms, conjuncts,
    reordered vowel signs), and also when one of its glyphs does not advance (a vowel mark, a virama, a dot
    placed on the letter): poppler ends a character's box at its advance, so a mark drawn over the middle of
    its letter moves the word's edge back, the next letter seems to start after a gap and the word is cut
    there ("छू ने", "يتك ّون"). `_spans` then gives the cluster's text to its advancing glyphs and an empty
    text to the marks. A right-to-left cluster's text is given reversed, in drawing order: extractors lay the
    characters of one /ActualText out from left to right over its box and then reverse right-to-left runs, so
    a letter and its shadda read back in logical order ("يتكوّن"). (Cutting such a cluster into one-character
    spans, as before, put a zero-width mark on its own at its offset, which moved it out of order and split the
    word.)"""
    glyphs = shaping.shape(text, font, rtl).glyphs
    starts = sorted({g.cluster for g in glyphs})
    ends = dict(zip(starts, starts[1:] + [len(text)]))
    glyph_char = shaping.glyph_chars(font)
    out: list[tuple[tuple[shaping.Glyph, ...], str | None]] = []
    i = 0
    while i < len(glyphs):
        j = i + 1
        while j < len(glyphs) and glyphs[j].cluster == glyphs[i].cluster:
            j += 1
        group = glyphs[i:j]
        chars = text[group[0].cluster:ends[group[0].cluster]]
        drawn = "".join(glyph_char(g.gid, g.x_advance) for g in group)
        if drawn == chars and all(g.x_advance for g in group):
            out.append((group, None))
        else:
            out.append((group, chars[::-1] if rtl else chars))
        i = j
    return tuple(out)


def _drop_unsupported_controls(frags: list[Any]) -> None:
    """Invisible format characters (LRM, RLM, ZWSP, word joiner, ...) carry no ink, but reportlab's own drawing
    would show the font's missing-glyph box for any the font lacks, so they are dropped there. (The shaped
    layout above uses them for bidi and never draws them.)"""
    from reportlab.pdfbase import pdfmetrics

    for frag in frags:
        text = getattr(frag, "text", "")
        # (a printable text has no format characters: str.isprintable answers that without a loop in Python)
        if not text or text.isprintable() or not any(unicodedata.category(c) == "Cf" for c in text):
            continue
        face = getattr(pdfmetrics.getFont(frag.fontName), "face", None)
        cmap = getattr(face, "charToGlyph", None)
        if cmap is not None:
            frag.text = "".join(c for c in text if unicodedata.category(c) != "Cf" or ord(c) in cmap)


def _same_ink(a: Any, b: Any) -> bool:
    # (the frags of a paragraph mostly share one colour object: `is` spares reportlab's Color.__eq__)
    return a is b or (a.fontName == b.fontName and a.fontSize == b.fontSize
                      and (a.textColor is b.textColor or a.textColor == b.textColor))
