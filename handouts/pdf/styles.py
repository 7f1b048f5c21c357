"""Paragraph styles for one document, derived from the layout's type scale for the reading level and from the
language (font, direction, line breaking)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from handouts.text.fonts import FontChain
from handouts.text.scripts import latin_language
from handouts.content.languages import Language
from handouts.config.layouts import Layout, LevelStyle


def palette(layout: Layout) -> dict[str, colors.Color]:
    """The layout's hex colours as reportlab colours: the PDF writer is the only step that needs them so. Asked
    for by every box, list and checklist of every try of a leaflet's spacing: each layout's colours are parsed
    once (`_colours`), and each caller gets its own dictionary of them."""
    return dict(_colours(tuple(layout.colours.items())))


@lru_cache(maxsize=64)
def _colours(hex_colours: tuple[tuple[str, str], ...]) -> dict[str, colors.Color]:
    return {key: colors.HexColor(value) for key, value in hex_colours}


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    box_title: ParagraphStyle
    caption: ParagraphStyle
    small: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    list_item: ParagraphStyle
    level: LevelStyle


HYPHENATE_FROM = 11  # letters: only long words break (German compounds); common words stay whole for weaker readers
HYPHEN_KEEPS = 3     # letters kept together at each end of a broken word


def _hyphenation(language: Language, wanted: bool) -> dict:
    """reportlab's hyphenation (pyphen patterns) for a level that asks for it (narrow columns), in a language
    pyphen has patterns for; none for the others (Vietnamese, Chinese, Arabic, Hindi), whose words do not
    break this way or whose lines our own layout fills (handouts.pdf.paragraph)."""
    if not wanted:
        return {}
    import pyphen

    patterns = pyphen.language_fallback(language.code.replace("-", "_"))
    if patterns is None:
        return {}
    return {"hyphenationLang": _hyphenator(patterns), "hyphenationMinWordLength": HYPHENATE_FROM}


@lru_cache(maxsize=None)
def _hyphenator(patterns: str) -> Callable[[str], Any]:
    """pyphen's split points with at least three letters on each side ("Rü-ckenmaus" and "Rückenmäu-se" do
    not happen): reportlab takes a callable as `hyphenationLang`. One per language and process, its patterns
    parsed once per machine (handouts.text.hyphenation)."""
    from handouts.text.hyphenation import hyphenator

    return hyphenator(patterns, HYPHEN_KEEPS, HYPHEN_KEEPS).iterate


MIN_LEADING = 1.2   # body line spacing, as a multiple of the size, that tightening never goes under


def build_styles(layout: Layout, level: str, language: Language, chain: FontChain, spacing: float = 1.0,
                 leading: float = 1.0) -> Styles:
    """`spacing` scales the space between paragraphs, headings and list items: how the page layout balances the
    end of a leaflet (handouts.pdf.render). `leading` scales the body's line spacing, never under MIN_LEADING:
    how a tri-fold panel a little too full still fits (handouts.pdf.trifold). The type size never changes."""
    lv = layout.level(level)
    c = palette(layout)
    font = chain.primary.name
    bold = chain.primary.face("bold").name
    align = TA_RIGHT if language.rtl else TA_LEFT
    common = dict(fontName=font, textColor=c["ink"], alignment=align,
                  wordWrap="CJK" if language.line_breaking == "characters" else None,
                  shaping=1 if language.extra.get("shaping") else 0,
                  # read by handouts.paragraph, which lays out right-to-left text itself
                  textDirection="rtl" if language.rtl else "ltr",
                  # and marks runs in another language: Latin words in a non-Latin document (handouts.scripts)
                  textLanguage=language.code, latinLanguage=latin_language(language.script))
    size = lv.body_size
    line = max(MIN_LEADING, lv.leading * leading) if leading != 1.0 else lv.leading
    body = ParagraphStyle("body", fontSize=size, leading=size * line, spaceAfter=size * lv.space_after * spacing,
                          **common, **_hyphenation(language, lv.hyphenate))
    whole_words = dict(hyphenationLang="")   # headings, titles and captions never break a word
    h2_size, h3_size = size * lv.heading_scale[0], size * lv.heading_scale[1]
    h2 = ParagraphStyle("h2", parent=body, fontName=bold, fontSize=h2_size, leading=h2_size * 1.2,
                        textColor=c["accent"], spaceBefore=size * 0.9 * spacing, spaceAfter=size * 0.45 * spacing,
                        keepWithNext=1, **whole_words)
    h3 = ParagraphStyle("h3", parent=body, fontName=bold, fontSize=h3_size, leading=h3_size * 1.25,
                        textColor=c["ink"], spaceBefore=size * 0.5 * spacing, spaceAfter=size * 0.2 * spacing,
                        keepWithNext=1, **whole_words)
    box_title = ParagraphStyle("box_title", parent=body, fontName=bold, fontSize=size * 1.1,
                               leading=size * 1.1 * 1.25, spaceAfter=size * 0.2, **whole_words)
    small_size = max(layout.floors.text, size * 0.72)   # never under the layout's floor (layouts/*.yaml)
    caption = ParagraphStyle("caption", parent=body, fontSize=max(9.0, size * 0.85),
                             leading=max(9.0, size * 0.85) * 1.3, textColor=c["muted"],
                             alignment=TA_CENTER, spaceAfter=size * 0.6, **whole_words)
    small = ParagraphStyle("small", parent=body, fontSize=small_size, leading=small_size * 1.3,
                           textColor=c["muted"], spaceAfter=0)
    cover_title = ParagraphStyle("cover_title", parent=body, fontName=bold, fontSize=30, leading=34,
                                 textColor=c["accent_text"], spaceAfter=4, **whole_words)
    cover_subtitle = ParagraphStyle("cover_subtitle", parent=body, fontSize=15, leading=19,
                                    textColor=c["accent_text"], **whole_words)
    list_item = ParagraphStyle("list_item", parent=body, spaceAfter=size * 0.25 * spacing)
    return Styles(body, h2, h3, box_title, caption, small, cover_title, cover_subtitle, list_item, lv)
