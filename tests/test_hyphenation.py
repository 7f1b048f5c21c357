"""Hyphenation (issue #13): long words break in the narrow columns of levels whose layout asks for it
(`hyphenate: true`), in languages pyphen has patterns for; headings, Easy Read and short words never break."""

from __future__ import annotations

import pytest

from handouts.config.layouts import load_layout
from handouts.content.languages import load_language
from handouts.pdf.paragraph import Paragraph
from handouts.pdf.styles import HYPHENATE_FROM, build_styles
from handouts.text.fonts import FontLibrary, font_chain
from tests.conftest import CONTENT, LAYOUTS

GERMAN = "Die Schmerzbehandlung am Iliosakralgelenk hilft oft. Eine Kostenübernahmeerklärung braucht man nicht."


def _styles(layout: str, level: str, lang: str):
    language = load_language(CONTENT, lang)
    chain = font_chain(FontLibrary(LAYOUTS), language.body_font, list(language.fallback_fonts), language.code)
    return build_styles(load_layout(LAYOUTS, layout), level, language, chain)


def _line_ends(text: str, style, width: float) -> list[str]:
    paragraph = Paragraph(text, style)
    paragraph.wrap(width, 10_000)
    return [str(line[1][-1]) for line in paragraph.blPara.lines]


def test_long_german_words_break_at_a_hyphen_in_a_standard_column():
    ends = _line_ends(GERMAN, _styles("leaflet", "standard", "de").body, 110)
    broken = [end for end in ends if end.endswith("-")]
    assert broken, ends
    assert all(len(end.rstrip("-")) >= 3 for end in broken)   # at least three letters before the break


@pytest.mark.parametrize("style", ["h2", "h3", "box_title", "caption"])
def test_headings_titles_and_captions_keep_their_words_whole(style):
    ends = _line_ends(GERMAN, getattr(_styles("leaflet", "standard", "de"), style), 110)
    assert not [end for end in ends if end.endswith("-")], ends


def test_easy_read_and_large_print_never_hyphenate():
    for layout, level in (("leaflet", "easy"), ("large-print", "standard")):
        ends = _line_ends(GERMAN, _styles(layout, level, "de").body, 110)
        assert not [end for end in ends if end.endswith("-")], (layout, level, ends)


def test_words_shorter_than_the_threshold_stay_whole():
    text = " ".join(["physiotherapy", "routine", "appointment", "injection", "treatment", "stretching"] * 6)
    ends = _line_ends(text, _styles("leaflet", "standard", "en").body, 95)
    broken = [end.rstrip("-") for end in ends if end.endswith("-")]
    whole = {w: w for w in text.split()}
    assert all(any(word.startswith(part) and len(word) >= HYPHENATE_FROM for word in whole) for part in broken)


@pytest.mark.parametrize("lang", ["vi", "zh-Hans", "ar", "hi"])
def test_languages_without_patterns_get_none(lang):
    assert not getattr(_styles("leaflet", "standard", lang).body, "hyphenationLang", "")


WORDS = ("physiotherapist", "anaesthetic", "Schmerzbehandlung", "Kostenübernahmeerklärung", "fisioterapeuta",
         "inyección", "hyphenation", "ELECTROCARDIOGRAM", "jégkorong", "Rückenmaus", "paral·lel", "sacroiliac")


@pytest.mark.parametrize("name", ["en_GB", "en_US", "de_DE", "es", "fr", "hu_HU", "ca", "nl_NL"])
def test_patterns_from_the_cache_hyphenate_as_pyphens_own(name):
    """What the disk cache gives back (handouts.text.hyphenation._compact and _expand) is pyphen's dictionary:
    every word breaks at the same points, nonstandard breaks (Hungarian, Catalan) included."""
    import pyphen

    from handouts.text.hyphenation import _compact, _expand

    path = pyphen.LANGUAGES[name]
    parsed = pyphen.HyphDict(path)
    kept = _compact(pyphen.HyphDict(path))
    again = _expand(kept)
    assert kept[0] == ("object" if name in ("hu_HU", "ca") else "compact")
    assert again.maxlen == parsed.maxlen and again.patterns.keys() == parsed.patterns.keys()
    assert all((offset, tuple(values)) == parsed.patterns[key] for key, (offset, values) in again.patterns.items())
    for word in WORDS:
        assert [(int(p), p.data) for p in again.positions(word)] == [(int(p), p.data) for p in parsed.positions(word)]
