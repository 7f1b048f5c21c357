"""Fonts come from declared packages or the shipped folder, variable fonts become cached static instances, and
every character of the translations has a font."""

from __future__ import annotations

import configparser
import io
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont as FTFont

from handouts.text import bidi
from handouts.errors import FontError
from handouts.text.fonts import FontLibrary, _instance, font_chain
from handouts.content.languages import load_language

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "handouts" / "fonts"


@pytest.fixture(scope="module")
def library() -> FontLibrary:
    return FontLibrary(ROOT / "layouts")


@pytest.mark.parametrize("family", ["noto-sans-arabic", "noto-sans-devanagari", "noto-sans"])
def test_variable_fonts_become_static_cached_instances(library, family):
    faces = library.family(family).faces
    regular, bold = FTFont(str(faces["regular"].path)), FTFont(str(faces["bold"].path))
    # The regular weight is the variable font's default instance, whose plain glyf outlines are used as they
    # are; the bold is a static instance made with fontTools.
    assert "glyf" in regular and regular["OS/2"].usWeightClass == 400
    assert "fvar" not in bold and "glyf" in bold and bold["OS/2"].usWeightClass == 700
    assert regular["name"].getDebugName(6) != bold["name"].getDebugName(6)   # embedded under distinct names


def test_instances_are_cached(tmp_path, monkeypatch):
    import fontpkg_noto_sans_arabic

    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(tmp_path))
    source = Path(fontpkg_noto_sans_arabic.__file__).parent / "files" / "NotoSansArabic[wdth,wght].ttf"
    first = _instance(source, {"wght": 700, "wdth": 100})
    stamp = first.stat().st_mtime_ns
    assert _instance(source, {"wght": 700, "wdth": 100}) == first and first.stat().st_mtime_ns == stamp
    assert first.parent.parent == tmp_path


def test_an_instance_is_the_same_bytes_whenever_and_wherever_it_is_made(tmp_path, monkeypatch):
    """reportlab embeds the instance's `head` table: an instance stamped with the time it was made gave a new
    machine other PDF bytes from the same inputs."""
    import fontpkg_noto_sans_arabic
    from fontTools.ttLib.tables import _h_e_a_d

    source = Path(fontpkg_noto_sans_arabic.__file__).parent / "files" / "NotoSansArabic[wdth,wght].ttf"
    made = []
    for machine, clock in (("one", 3_000_000_000), ("two", 3_100_000_000)):
        monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(tmp_path / machine))
        monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda clock=clock: clock)
        made.append(_instance(source, {"wght": 700, "wdth": 100}).read_bytes())
    assert made[0] == made[1]
    assert FTFont(io.BytesIO(made[0]))["head"].modified == FTFont(str(source), lazy=True)["head"].modified


def test_cjk_font_is_shipped_with_its_licence_and_packaged():
    assert (SHIPPED / "DroidSansFallbackFull.ttf").is_file()
    assert "Apache License" in (SHIPPED / "LICENSE-DroidSansFallback.txt").read_text()
    assert "Google" in (SHIPPED / "NOTICE-DroidSansFallback.txt").read_text()
    assert "glyf" in FTFont(str(SHIPPED / "DroidSansFallbackFull.ttf"), lazy=True)   # TrueType, not CFF
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert "fonts/*" in config["options.package_data"]["handouts"]
    requires = config["options"]["install_requires"]
    assert "fontpkg-noto-sans-arabic" in requires and "fontpkg-noto-sans-devanagari" in requires


@pytest.mark.parametrize("lang", ["ar", "hi", "zh-Hans"])
def test_every_character_of_the_translations_has_a_font(library, lang):
    language = load_language(ROOT / "content", lang)
    chain = font_chain(library, language.body_font, list(language.fallback_fonts), lang)
    folder = ROOT / "content" / "back-mouse" / lang
    files = sorted(folder.glob("*.md")) + sorted(folder.glob("*.yaml")) + [ROOT / "content" / "languages" /
                                                                            f"{lang}.yaml"]
    if not folder.is_dir():
        pytest.skip(f"no {lang} translation yet")
    for path in files:
        text = path.read_text(encoding="utf-8")
        chain.runs(text.replace("\n", " "), where=str(path))   # raises FontError naming the character


def test_missing_character_names_character_code_point_language_and_place(library):
    chain = font_chain(library, "noto-sans-devanagari", ["noto-sans"], "hi")
    with pytest.raises(FontError, match=r"U\+0BB4 TAMIL LETTER LLLA\) in language 'hi' in x/hi/easy.md:3"):
        chain.runs("नमस्ते ழ", where="x/hi/easy.md:3")


def test_visual_order_reverses_right_to_left_runs():
    # levels of "A b c D" style runs: RTL paragraph with an embedded LTR pair
    assert bidi.visual_order([1, 1, 2, 2, 1]) == [4, 2, 3, 1, 0]
    assert bidi.visual_order([0, 0, 1, 1, 0]) == [0, 1, 3, 2, 4]


def test_phone_numbers_and_urls_are_isolated():
    text = bidi.isolate_ltr_units("اتصل على +44 20 7946 0000 أو https://example.org/a.")
    assert f"{bidi.LRI}+44 20 7946 0000{bidi.PDI}" in text
    assert f"{bidi.LRI}https://example.org/a{bidi.PDI}." in text
    levels = bidi.levels(text, rtl=True)
    assert levels[0] == 1 and levels[text.index("7946")] == 2


def test_plain_left_to_right_paragraphs_skip_python_bidi():
    """`bidi.levels` answers level 0 throughout for a left-to-right paragraph with nothing right to left in it:
    every character that could resolve otherwise (bidi class R, AL, AN, or an explicit embedding, override or
    isolate) is one its shortcut looks for, and the shortcut's levels are python-bidi's, for the Hindi and
    English leaflets' own text and for marks, digits, soft hyphens and joiners."""
    import sys
    import unicodedata

    others = {"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
    missed = [hex(code) for code in range(sys.maxunicode + 1)
              if unicodedata.bidirectional(chr(code)) in others and not bidi._NOT_PLAIN_LTR.search(chr(code))]
    assert missed == []
    content = Path(__file__).resolve().parents[1] / "content" / "back-mouse"
    lines = [line for lang in ("hi", "en") for line in (content / lang / "standard.md").read_text("utf-8").splitlines()
             if line.strip()]
    lines += ["क्षत्रिय 12.5 mg, 3 बार\u00ad-\u200d\u200c x\u0301 (a) [b] 1/2", "\u00a0+ 1,5 € 20 %"]
    plain = [line for line in lines if not bidi._NOT_PLAIN_LTR.search(line)]
    assert len(plain) > 20
    for line in plain:
        assert bidi.levels(line, rtl=False) == bidi._resolved_levels(line, rtl=False) == [0] * len(line)
    isolated = bidi.isolate_ltr_units("फ़ोन करें +91 11 2345 6789")   # the long way: LRI…PDI inside
    assert bidi.levels(isolated, rtl=False) == bidi._resolved_levels(isolated, rtl=False) != [0] * len(isolated)
    assert bidi.levels("abc شسي", rtl=False)[-1] == 1


def test_label_path_shapes_and_falls_back(library):
    from handouts.text.labels import label_path, label_width

    chain = font_chain(library, "noto-sans-arabic", ["noto-sans"], "ar")
    path = label_path("العمود الفقري MRI", 100, 20, chain.primary.name, 12, chain=chain, anchor="middle")
    assert len(path.points) > 100
    xs = path.points[0::2]
    assert abs((min(xs) + max(xs)) / 2 - 100) < 3
    assert label_width("العمود", chain.primary.name, 12, chain=chain) < \
        label_width("العمود الفقري", chain.primary.name, 12, chain=chain)
    with pytest.raises(FontError):
        label_path("\U0001F600", 0, 0, chain.primary.name, 12, chain=chain)


def test_markup_is_kept_per_chain_not_per_chain_object(library):
    """text_markup keeps each text's markup by chain value: a chain made again for the next document (equal, not
    the same object) finds it, and another chain marks the same text up its own way."""
    from handouts.text import markup

    text = "Back mouse \u0915\u092e\u0930 MRI"
    latin = font_chain(library, "atkinson-hyperlegible", ["noto-sans-devanagari"], "en")
    again = font_chain(library, "atkinson-hyperlegible", ["noto-sans-devanagari"], "en")
    hindi = font_chain(library, "noto-sans-devanagari", ["noto-sans"], "hi")
    assert again == latin and again is not latin
    first = markup.text_markup(text, latin)
    assert '<font face="noto-sans-devanagari">' in first and first == markup._text_markup(text, latin, "")
    kept = len(markup._MARKUP)
    assert markup.text_markup(text, again) is first and len(markup._MARKUP) == kept
    other = markup.text_markup(text, hindi)
    assert other == markup._text_markup(text, hindi, "") != first
    assert markup.text_markup(text, latin) is first
