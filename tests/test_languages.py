"""Every language: it builds, reads in its own words, has every section, and stays small enough to email."""

from __future__ import annotations

import pikepdf
import pytest
from pypdf import PdfReader

from handouts.content.languages import language_codes
from handouts.content.reader import document_languages, document_levels, read_topic, split_document
from tests.conftest import CONTENT, build_into

# Words a reader of each language meets on the first pages (content words, not furniture).
CHARACTERISTIC = {
    "en": ["lump", "lower back"],
    "es": ["espalda", "bulto"],
    "fr": ["dos", "boule"],
    "de": ["Rücken", "Knoten"],
    "pt": ["costas", "caroço"],
    "vi": ["lưng", "cục"],
    "zh-Hans": ["背鼠", "脂肪"],
}
SCRIPT_LANGS = ("ar", "hi")  # drawn glyph by glyph after shaping: checked through their /Lang and fonts
EMAIL_LIMIT = {"zh-Hans": 800_000}
DEFAULT_LIMIT = 300_000


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("langs")
    build_into(out, levels=("standard",), papers=("a4",), jobs=2)
    return out


def test_all_nine_languages_exist():
    assert set(language_codes(CONTENT)) >= set(CHARACTERISTIC) | set(SCRIPT_LANGS)
    assert set(document_languages(read_topic(CONTENT, "back-mouse"))) == set(language_codes(CONTENT))


@pytest.mark.parametrize("lang", sorted(set(CHARACTERISTIC) | set(SCRIPT_LANGS)))
def test_language_builds_in_its_own_words(built, lang):
    path = built / f"back-mouse/{lang}/back-mouse_{lang}_standard_leaflet_a4.pdf"
    reader = PdfReader(path)
    assert len(reader.pages) >= 4
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == lang
    text = " ".join(" ".join((page.extract_text() or "") for page in reader.pages[:3]).split())
    for word in CHARACTERISTIC.get(lang, []):
        assert word in text, (lang, word)
    assert path.stat().st_size <= EMAIL_LIMIT.get(lang, DEFAULT_LIMIT)


@pytest.mark.parametrize("lang", sorted(set(CHARACTERISTIC) | set(SCRIPT_LANGS)))
def test_every_level_has_every_section(lang):
    topic = read_topic(CONTENT, "back-mouse")
    SECTION_IDS = topic.section_ids
    levels = document_levels(topic, lang)
    assert "easy" in levels and "standard" in levels
    assert "detailed" in levels
    for level in levels:
        raw = split_document(topic.path / lang / f"{level}.md")
        assert [s.id for s in raw.sections] == list(SECTION_IDS), (lang, level)
        if lang != "en":
            assert raw.meta.get("status") == "draft"
            assert set(raw.meta.get("source") or {}) == set(SECTION_IDS)


@pytest.mark.parametrize("lang", sorted(set(CHARACTERISTIC) | set(SCRIPT_LANGS)))
def test_language_is_tagged_with_every_section_heading(built, lang):
    """Tagged PDF in every language: marked, a structure tree, one H2 per section in order."""
    path = built / f"back-mouse/{lang}/back-mouse_{lang}_standard_leaflet_a4.pdf"
    with pikepdf.open(path) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked)
        headings: list[str] = []

        def walk(node, parent_role=None) -> None:
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/H2" and parent_role != "/Div":   # a box's title (the cover's) is no section
                    headings.append("H2")
                kids = node.get("/K")
                if kids is not None:
                    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                        walk(kid, node.get("/S"))

        walk(pdf.Root.StructTreeRoot)
        assert len(headings) == len(read_topic(CONTENT, "back-mouse").section_ids)
        for page in pdf.pages:
            assert page.get("/Tabs") == "/S"


def test_latin_in_bold_chinese_text_is_bold(built):
    """Digits and Latin letters come from the fallback family (the Chinese face has none); inside bold text they
    are that family's bold, as the Chinese around them is (the red flags open with "如果肿块有下面的情况，请在2周内
    看医生"). A font switch used to drop the weight, so the digit stood out thin."""
    import pdfplumber

    path = built / "back-mouse/zh-Hans/back-mouse_zh-Hans_standard_leaflet_a4.pdf"
    with pdfplumber.open(path) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    texts = "".join(c["text"] for c in chars)
    start = texts.index("如果肿块有下面的情况，请在2周内看医生")
    digit = chars[start + len("如果肿块有下面的情况，请在")]
    assert digit["text"] == "2" and "wght700" in digit["fontname"], digit["fontname"]
    assert any(c["text"].isdigit() and "Regular" in c["fontname"] for c in chars)   # the body's digits stay regular
