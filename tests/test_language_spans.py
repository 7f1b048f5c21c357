"""Runs in another language (issue #16): the `[words]{lang=xx}` markup, Latin runs marked English in non-Latin
documents, their /Lang marked content in the PDF and `lang` in the HTML twin; and shaped text that extracts as
whole words without the structure tree."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from handouts.content.langtags import UnknownLanguage, direction, language_tag
from handouts.content.languages import load_language
from handouts.content.markdown import parse_blocks
from handouts.content.model import Paragraph
from handouts.content.reader import read_document, read_topic
from handouts.document import footer_line, template_context
from handouts.errors import ContentError
from handouts.text.scripts import language_runs, latin_language
from handouts.build.matrix import BuildOptions, build
from tests.conftest import CONTENT, LAYOUTS, build_into
from tests.pdfread import extracted_words, language_runs as pdf_language_runs
from tests.test_tagging import _kids, _is_elem
from tests.trees import english_tree, refused_in_standard, replace_in

SHAPED = ("ar", "hi")


def _build(out: Path, langs: tuple[str, ...], content: Path = CONTENT, layouts: Path = LAYOUTS) -> None:
    """The standard leaflets of these languages: PDF (A4, each checked by qpdf) and HTML."""
    build_into(out, content_dir=content, layouts_dir=layouts, topics=("back-mouse",), langs=langs,
               levels=("standard",), papers=("a4",))
    report = build(BuildOptions(content_dir=content, layouts_dir=layouts, out_dir=out, topics=("back-mouse",),
                                langs=langs, levels=("standard",), formats=("html",)))
    assert report.ok, report.failed


@pytest.fixture(scope="module")
def scripts_built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("language_spans")
    _build(out, ("ar", "hi", "zh-Hans"))
    return out


def _pdf(out: Path, lang: str) -> Path:
    return out / f"back-mouse/{lang}/back-mouse_{lang}_standard_leaflet_a4.pdf"


def _html(out: Path, lang: str) -> str:
    return (out / f"back-mouse/{lang}/back-mouse_{lang}_standard_leaflet.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# The markup


def test_markup_gives_the_run_its_language():
    (paragraph,) = parse_blocks("Known as [thoracolumbar fascia]{lang=la} here.", path="x.md")
    assert isinstance(paragraph, Paragraph)
    assert [(s.text, s.lang) for s in paragraph.spans] == [
        ("Known as ", None), ("thoracolumbar fascia", "la"), (" here.", None)]


def test_markup_keeps_bold_and_links_inside():
    (paragraph,) = parse_blocks("[**MRI** at [NHS](https://www.nhs.uk)]{lang=en-GB}", path="x.md")
    assert [(s.text, s.bold, s.href, s.lang) for s in paragraph.spans] == [
        ("MRI", True, None, "en-GB"), (" at ", False, None, "en-GB"), ("NHS", False, "https://www.nhs.uk", "en-GB")]


@pytest.mark.parametrize("text, message", [
    ("one\n\ntwo [MRI]{lang=xx} three", "unknown language 'xx'"),
    ("one\n\ntwo [MRI]{lang=eng} three", "language 'eng' is written 'en'"),
    ("one\n\ntwo [MRI]{.term} three", "a bracketed span takes only 'lang' or 'needs': found 'class'"),
    ("one\n\ntwo [MRI]{lang=en onclick=x} three", "a bracketed span takes only 'lang' or 'needs': found 'onclick'"),
    ("one\n\ntwo [[MRI]{lang=en} scan](https://x.org)", "a link's text cannot hold a language span"),
])
def test_a_wrong_span_is_one_error_naming_its_line(text, message):
    with pytest.raises(ContentError) as caught:
        parse_blocks(text, path="content/x.md", first_line=10)
    assert str(caught.value.message).startswith(f"content/x.md:12: {message}")
    assert "\n" not in caught.value.message


def test_language_tags():
    assert [language_tag(code) for code in ("en", "en-GB", "la", "zh-Latn")] == ["en", "en-GB", "la", "zh-Latn"]
    with pytest.raises(UnknownLanguage, match="did you mean"):
        language_tag("englsh")
    assert (direction("ar"), direction("he"), direction("en")) == ("rtl", "rtl", "ltr")


def test_cli_refuses_an_unknown_language_in_one_line(tmp_path):
    refused_in_standard(tmp_path, "A back mouse", "A [back mouse]{lang=zz}", "unknown language 'zz'")


# ---------------------------------------------------------------------------------------------------------------
# Automatic marking


def test_latin_runs_in_other_scripts():
    assert language_runs("بالرنين المغناطيسي (MRI). والتصوير", "en") == [
        ("بالرنين المغناطيسي (", None), ("MRI", "en"), ("). والتصوير", None)]
    assert language_runs("（thoracolumbar fascia）或 CT", "en") == [
        ("（", None), ("thoracolumbar fascia", "en"), ("）或 ", None), ("CT", "en")]
    assert language_runs("Smith & Jones <Physio> में", "en") == [("Smith & Jones <Physio>", "en"), (" में", None)]
    assert language_runs("2026 · ١٢", "en") == [("2026 · ١٢", None)]
    assert language_runs("MRI scan", None) == [("MRI scan", None)]   # a Latin-script document
    assert (latin_language("Arab"), latin_language("Deva"), latin_language("Hans"), latin_language("Latn")) == (
        "en", "en", "en", None)


def test_latin_runs_skip_to_the_next_latin_letter_and_find_the_same_runs():
    """latin_runs jumps over text that holds no Latin letter; every character it may jump over is one that could
    not open a run, so the runs are those of reading every character."""
    import sys

    from handouts.text.scripts import _MAYBE_LATIN, is_latin_letter, latin_runs

    assert all(_MAYBE_LATIN.match(chr(code)) for code in range(sys.maxunicode + 1)
               if not 0xD800 <= code < 0xE000 and is_latin_letter(chr(code)))
    hindi = "पीठ के निचले हिस्से में दर्द " * 20
    assert latin_runs(hindi) == []
    text = hindi + "Smith & Jones <Physio> " + hindi + "é"
    start = len(hindi)
    assert latin_runs(text) == [(start, start + len("Smith & Jones <Physio>")), (len(text) - 1, len(text))]


@pytest.mark.parametrize("lang", SHAPED)
def test_mri_is_marked_english_in_arabic_and_hindi(scripts_built, lang):
    runs = pdf_language_runs(_pdf(scripts_built, lang))
    assert ("en", "MRI") in runs
    assert all(code == "en" for code, _ in runs)
    assert all(re.search(r"[A-Za-z]", text) and not re.search(r"[\u0600-\u06ff\u0900-\u097f]", text)
               for _, text in runs)
    page = _html(scripts_built, lang)
    isolate = ' dir="ltr"' if lang == "ar" else ""
    assert f'<span lang="en"{isolate}>MRI</span>' in page


def test_content_markup_wins_over_automatic_marking(scripts_built):
    """Chinese marks its pinyin as such: it is not English."""
    runs = pdf_language_runs(_pdf(scripts_built, "zh-Hans"))
    assert ("zh-Latn", "jīn mó") in runs and ("en", "MRI") in runs
    assert '<span lang="zh-Latn">jīn mó</span>' in _html(scripts_built, "zh-Hans")


def test_nothing_is_marked_in_english(english):
    path = english / "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf"
    assert pdf_language_runs(path) == []


def test_markup_in_a_latin_document_pdf_and_html(tmp_path):
    """An English paragraph with a marked run leaves reportlab's own line layout (which cannot mark a sub-run)
    for handouts': the run is a /Lang span inside the paragraph's one marked-content sequence."""
    content, layouts = english_tree(tmp_path, levels=("standard",))
    replace_in(content / "back-mouse/en/standard.md", "A back mouse", "[Le lipome]{lang=fr}: a back mouse")
    out = tmp_path / "out"
    _build(out, ("en",), content, layouts)
    pdf = out / "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf"
    assert pdf_language_runs(pdf) == [("fr", "Le lipome")]
    page = (out / "back-mouse/en/back-mouse_en_standard_leaflet.html").read_text(encoding="utf-8")
    assert '<span lang="fr">Le lipome</span>: a back mouse' in page
    assert page.count("<span lang=") == 1
    _assert_structure_consistent(pdf)


# ---------------------------------------------------------------------------------------------------------------
# The structure tree


def _assert_structure_consistent(path: Path) -> None:
    """Every MCID in the pages is owned by exactly one structure element, and every /Lang span lies inside one
    MCID's sequence (never between them, never around one) or inside page furniture (an artifact)."""
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        owned: Counter = Counter()

        def visit(elem, page: int | None) -> None:
            if "/Pg" in elem:
                page = pages[elem.Pg.objgen]
            for kid in _kids(elem):
                if isinstance(kid, int):
                    owned[(page, int(kid))] += 1
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    owned[(pages[kid.Pg.objgen], int(kid.MCID))] += 1
                elif _is_elem(kid):
                    visit(kid, page)

        for top in _kids(pdf.Root.StructTreeRoot):
            visit(top, None)
        drawn = []
        for index, page in enumerate(pdf.pages):
            stack: list[str] = []
            for op in pikepdf.parse_content_stream(page):
                name = str(op.operator)
                if name == "BDC":
                    tag, props = op.operands
                    kind = "artifact" if tag == "/Artifact" else (
                        "mcid" if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else (
                            "lang" if isinstance(props, pikepdf.Dictionary) and "/Lang" in props else "other"))
                    if kind == "mcid":
                        assert "mcid" not in stack, f"page {index + 1}: an MCID inside another"
                        drawn.append((index, int(props.MCID)))
                    if kind == "lang":
                        assert "mcid" in stack or "artifact" in stack, f"page {index + 1}: a /Lang span outside content"
                    stack.append(kind)
                elif name == "BMC":
                    stack.append("artifact" if op.operands[0] == "/Artifact" else "other")
                elif name == "EMC":
                    stack.pop()
            assert stack == []
    assert sorted(owned) == sorted(drawn)
    assert set(owned.values()) == {1}


@pytest.mark.parametrize("lang", ("ar", "hi", "zh-Hans"))
def test_structure_tree_stays_consistent(scripts_built, lang):
    _assert_structure_consistent(_pdf(scripts_built, lang))


# ---------------------------------------------------------------------------------------------------------------
# Extraction without tags


def _source_words(lang: str) -> set[str]:
    """Every word the leaflet's text is made of: its level files, figure texts, topic and language entry, and
    the footer line (dates in words)."""
    topic = read_topic(CONTENT, "back-mouse")
    language = load_language(CONTENT, lang)
    document = read_document(topic, lang, "standard", template_context(topic, language, None))
    text = " ".join(path.read_text(encoding="utf-8") for path in (CONTENT / "back-mouse" / lang).glob("*"))
    text += (CONTENT / "back-mouse/topic.yaml").read_text(encoding="utf-8")
    text += (CONTENT / f"languages/{lang}.yaml").read_text(encoding="utf-8") + footer_line(document, language)
    return {_letters(word) for word in re.split(r"[\s\u200c\u200d]+", text)}


def _letters(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", word) if unicodedata.category(c)[0] in "LM")


@pytest.mark.parametrize("lang", SHAPED)
def test_shaped_words_extract_whole(scripts_built, lang):
    """Read as poppler's pdftotext reads a page (pdfplumber's pdfminer with /ActualText applied; see
    tests.pdfread.extracted_words), every Arabic or Hindi word of the leaflet is a word of its text: a vowel mark
    or a conjunct's second part no longer splits it ("يتك ّون", "छू ने", "ट्रा यल")."""
    source = _source_words(lang)
    script = re.compile(r"[\u0600-\u06ff\u0900-\u097f]")
    words = [_letters(word) for word in extracted_words(_pdf(scripts_built, lang))]
    words = [word for word in words if script.search(word)]
    assert len(words) > 1500
    assert [word for word in words if word not in source] == []


# ---------------------------------------------------------------------------------------------------------------
# Reproducible


def test_rebuilds_with_language_runs_are_byte_identical(scripts_built, tmp_path):
    again = tmp_path / "again"
    _build(again, ("ar", "zh-Hans"))
    for lang in ("ar", "zh-Hans"):
        assert _pdf(again, lang).read_bytes() == _pdf(scripts_built, lang).read_bytes()
        assert _html(again, lang) == _html(scripts_built, lang)
