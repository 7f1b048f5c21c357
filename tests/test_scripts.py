"""Arabic, Hindi and Chinese: shaping, right-to-left order, fallback fonts and line breaking, read back from
the PDF (pypdf/pikepdf/fontTools; no apt tools)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
import uharfbuzz
from click.testing import CliRunner
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont as FTFont
from pypdf import PdfReader
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate

from handouts.cli import main
from handouts.errors import FontError
from handouts.text.fonts import FontLibrary, font_chain
from handouts.text.markup import text_markup
from handouts.pdf.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "scripts"

ARABIC = "يفحص الطبيب ظهرك بيديه ويسألك عن الألم"
HINDI = "डॉक्टर हाथों से आपकी पीठ की जांच करते हैं और पूछते हैं कि दर्द कहाँ है"


@pytest.fixture(scope="module")
def library() -> FontLibrary:
    return FontLibrary(ROOT / "layouts")


def _chain(library: FontLibrary, lang: str):
    body = {"ar": "noto-sans-arabic", "hi": "noto-sans-devanagari", "zh-Hans": "droid-sans-fallback",
            "en": "atkinson-hyperlegible"}[lang]
    return font_chain(library, body, ["noto-sans"], lang)


def _pdf(paragraphs: list[Paragraph], width: float = 800) -> bytes:
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=(width, 800), leftMargin=20, rightMargin=20, invariant=1).build(paragraphs)
    return out.getvalue()


def _style(chain, *, rtl: bool, shaping: bool = True, width_size: float = 14) -> ParagraphStyle:
    return ParagraphStyle("t", fontName=chain.primary.name, fontSize=width_size, leading=width_size * 1.5,
                          alignment=TA_RIGHT if rtl else 0, shaping=int(shaping),
                          textDirection="rtl" if rtl else "ltr")


# -- reading glyphs back from the PDF ---------------------------------------------------------------------

def _outline(font: FTFont, glyph_name: str) -> tuple:
    pen = DecomposingRecordingPen(font.getGlyphSet())
    font.getGlyphSet()[glyph_name].draw(pen)
    return tuple((op, tuple(args)) for op, args in pen.value)


def _drawn_outlines(data: bytes) -> list[tuple]:
    """Outlines of the glyphs the first page draws, in content-stream order, through the embedded subsets."""
    pdf = pikepdf.open(io.BytesIO(data))
    page = pdf.pages[0]
    fonts = page.Resources.Font
    subsets: dict[str, FTFont] = {}
    for name, font in fonts.items():
        if "/FontDescriptor" in font:   # a TrueType subset (reportlab also lists its default Helvetica)
            subsets[name] = FTFont(io.BytesIO(font.FontDescriptor.FontFile2.read_bytes()))
    out: list[tuple] = []
    current = None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "Tf":
            current = subsets.get(str(operands[0]))
        elif op in ("Tj", "TJ") and current is not None:
            strings = [operands[0]] if op == "Tj" else [x for x in operands[0] if isinstance(x, pikepdf.String)]
            cmap = current["cmap"].getcmap(1, 0).cmap  # reportlab subsets map byte codes (Mac 1,0)
            for s in strings:
                for code in bytes(s):
                    outline = _outline(current, cmap[code])
                    if outline:
                        out.append(outline)
    return out


def _harfbuzz_outlines(path: str, text: str, rtl: bool) -> list[tuple]:
    blob = uharfbuzz.Blob.from_file_path(path)
    font = uharfbuzz.Font(uharfbuzz.Face(blob))
    buf = uharfbuzz.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    uharfbuzz.shape(font, buf, {"kern": True, "liga": True})
    ft = FTFont(path)
    order = ft.getGlyphOrder()
    outlines = [_outline(ft, order[info.codepoint]) for info in buf.glyph_infos]
    return [o for o in outlines if o]


@pytest.mark.parametrize("lang, text, rtl", [("ar", ARABIC, True), ("hi", HINDI, False)])
def test_drawn_glyphs_are_harfbuzz_glyphs(library, lang, text, rtl):
    chain = _chain(library, lang)
    data = _pdf([Paragraph(text_markup(text, chain), _style(chain, rtl=rtl))])
    expected = _harfbuzz_outlines(str(chain.primary.face("regular").path), text, rtl)
    drawn = _drawn_outlines(data)
    assert len(drawn) == len(expected)
    assert drawn == expected


# -- right-to-left order over several lines -----------------------------------------------------------------

def _visual_lines(data: bytes, leading: float) -> list[str]:
    """The text the first page shows, line by line from the top, each line as read from left to right."""
    found: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            found.append((tm[5] * cm[3] + cm[5], tm[4] * cm[0] + cm[4], text))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    rows: dict[int, list[tuple[float, str]]] = {}
    for y, x, text in found:
        rows.setdefault(round(y / leading), []).append((x, text))
    return ["".join(text for _, text in sorted(rows[key])) for key in sorted(rows, reverse=True)]


def test_rtl_paragraph_reads_right_to_left_over_several_lines(library):
    chain = _chain(library, "ar")
    text = " ".join(f"الخطوة {n}" for n in range(1, 25))
    style = _style(chain, rtl=True)
    lines = _visual_lines(_pdf([Paragraph(text_markup(text, chain), style)], width=300), style.leading)
    assert len(lines) >= 3
    # Read each line from right to left, lines from the top: the steps come in their logical order, so the first
    # words are on the first line at its right end, and "12" is not reversed into "21".
    read = [int(n) for line in lines for n in reversed(re.findall(r"\d+", line))]
    assert read == list(range(1, 25))


def test_phone_numbers_and_urls_keep_left_to_right_order_inside_arabic(library):
    chain = _chain(library, "ar")
    text = ("اتصل بالعيادة على الرقم +44 20 7946 0000 أو زر موقعنا https://www.example.org/back-mouse "
            "لمعرفة المزيد عن فحص MRI قبل الموعد")
    style = _style(chain, rtl=True)
    [line] = _visual_lines(_pdf([Paragraph(text_markup(text, chain), style)], width=2000), style.leading)
    line = line.replace("\u00a0", " ")   # text_markup keeps the number whole with no-break spaces
    phone, url, mri = (line.find(s) for s in ("+44 20 7946 0000", "https://www.example.org/back-mouse", "MRI"))
    assert min(phone, url, mri) >= 0, line
    assert mri < url < phone   # reading from the right: phone number, then the URL, then MRI


def test_chinese_lines_break_by_the_punctuation_rules(library):
    from handouts.pdf.paragraph import CANNOT_END, CANNOT_START

    chain = _chain(library, "zh-Hans")
    text = ("医生会用手检查您的背部。如果不确定，医生可能会安排磁共振成像（MRI）或超声检查。"
            "请拨打诊所电话+44 20 7946 0000，或访问“什么时候要马上就医”一节；有时会复发！") * 3
    style = ParagraphStyle("zh", fontName=chain.primary.name, fontSize=11, leading=16, wordWrap="CJK")
    for width in range(60, 260, 7):
        para = Paragraph(text_markup(text, chain), style)
        para.wrap(width, 10000)
        texts = ["".join(p.text for w in line for p in w.pieces + ([w.space] if w.space else [])).replace("\u00a0", " ")
                 for line in para._lines]   # text_markup keeps phone numbers whole with no-break spaces
        assert "".join(texts).replace(" ", "") == text.replace(" ", "")
        assert len(texts) > 1
        for line in texts[1:]:
            assert line[0] not in CANNOT_START, (width, line)
        for line in texts[:-1]:
            assert line.rstrip()[-1] not in CANNOT_END, (width, line)
        if width > 120:   # wide enough for it: a phone number is never split
            assert all("+44 20 7946 0000" in t for t in texts if "7946" in t)


def test_multi_line_shaped_paragraph_does_not_crash(library):
    """reportlab 5.1's own shaped multi-line paragraphs crash in setRise; ours must not."""
    chain = _chain(library, "ar")
    para = Paragraph(text_markup((ARABIC + " ") * 12, chain), _style(chain, rtl=True))
    assert _drawn_outlines(_pdf([para]))


# -- a word's glyphs worked out once (shaping.place, paragraph._piece_drawn) -------------------------------------

@pytest.mark.parametrize("lang, words, rtl", [("ar", ARABIC.split()[:3], True), ("hi", HINDI.split()[:3], False)])
def test_placed_words_give_the_operations_of_one_whole_run(library, lang, words, rtl):
    """A line's glyph stream is made from its words placed one by one (each kept once, wherever a line puts
    it): the same text operations as the line's glyphs placed in one go, and the x after it that HarfBuzz's
    advances give."""
    from handouts.text import shaping

    font = _chain(library, lang).primary.name
    runs = []
    for k, word in enumerate(words):
        runs.append(shaping.shape(word, font, rtl))
        if k < len(words) - 1:
            runs.append(shaping.shape(" ", font, rtl))
    whole = shaping.ShapedRun(font, tuple(g for run in runs for g in run.glyphs), runs[0].upem)
    first, last = 1, len(runs[0].glyphs) + 1     # an /ActualText span crossing the first word's end
    marked = {first: (last, "/Span <</ActualText (x)>> BDC")}
    ops, end = shaping.placed_ops([shaping.place(run, 11) for run in runs], 30.5, 700.25, marked)
    assert (ops, end) == shaping.run_ops(whole, 11, 30.5, 700.25, marked)
    assert end == pytest.approx(30.5 + sum(g.x_advance for g in whole.glyphs) * 11 / whole.upem)
    assert ops.count(shaping.CODE) == 2 and ops[ops.index(shaping.CODE) + 1].endswith("BDC")
    shown = "".join(ops[i + 1] for i in range(0, len(ops), 2) if ops[i] == shaping.TEXT)
    glyph_char = shaping.glyph_chars(font)
    assert shown == "".join(glyph_char(g.gid, g.x_advance) for g in whole.glyphs)


def test_pieces_drawn_from_kept_words_give_the_bytes_of_fresh_ones(library, monkeypatch):
    """The same Arabic and Hindi paragraphs drawn with nothing kept, and again after their words were drawn in
    other lines (another width, where they sit elsewhere): the same PDF bytes."""
    from handouts.pdf import paragraph as module

    def pdf(width: float) -> bytes:
        monkeypatch.setattr(module, "_SHARED", type(module._SHARED)())   # fresh words and lines every time
        paragraphs = [Paragraph(text_markup((text + " ") * 4, _chain(library, lang)),
                                _style(_chain(library, lang), rtl=rtl))
                      for lang, text, rtl in (("ar", ARABIC, True), ("hi", HINDI, False))]
        return _pdf(paragraphs, width)

    module._piece_drawn.cache_clear()
    fresh = pdf(500)
    assert module._piece_drawn.cache_info().currsize > 0
    pdf(380)
    assert module._piece_drawn.cache_info().hits > 0
    assert pdf(500) == fresh
    module._piece_drawn.cache_clear()
    assert pdf(500) == fresh


# -- whole leaflets from the fixture content ------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scripts")
    # the fixture's languages/ is a symlink out of it, which a build refuses: build a copy that holds the files
    content = tmp_path_factory.mktemp("scripts-content") / "content"
    shutil.copytree(FIXTURE, content, symlinks=False)
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--lang", "ar", "--lang", "hi",
                                       "--lang", "zh-Hans", "--level", "standard", "--paper", "a4",
                                       "--out", str(out), "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    return out / "sample"


def _pdf_of(built: Path, lang: str) -> Path:
    return next((built / lang).glob("*.pdf"))


def _font_names(path: Path) -> set[str]:
    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            assert "/FontFile2" in font["/FontDescriptor"]   # embedded TrueType outlines
    return names


def test_chinese_text_extracts_as_han_characters(built):
    text = "".join(page.extract_text() for page in PdfReader(_pdf_of(built, "zh-Hans")).pages)
    for phrase in ("背鼠是下背部皮肤下面的一个小脂肪团", "医生会用手检查您的背部", "请立即就医"):
        assert phrase in text.replace("\n", "")


def test_fallback_font_draws_latin_and_digits_in_chinese(built):
    names = _font_names(_pdf_of(built, "zh-Hans"))
    assert any("DroidSansFallback" in n for n in names)
    assert any(re.search(r"\+NotoSans-", n) for n in names)
    assert all(re.match(r"/?[A-Z]{6}\+", n) for n in names)   # every font is a subset


def test_arabic_and_hindi_embed_their_fonts(built):
    assert any("NotoSansArabic" in n for n in _font_names(_pdf_of(built, "ar")))
    assert any("NotoSansDevanagari" in n for n in _font_names(_pdf_of(built, "hi")))


def test_fallback_switches_font_inside_arabic(library):
    chain = _chain(library, "ar")
    greek = "Ω"   # not in Noto Sans Arabic (which carries Latin itself), present in Noto Sans
    assert [family.name for family, _ in chain.runs(f"وحدة {greek} هنا")] == \
        ["noto-sans-arabic", "noto-sans", "noto-sans-arabic"]
    data = _pdf([Paragraph(text_markup(f"المقاومة بوحدة {greek} تقاس هنا", chain), _style(chain, rtl=True))])
    pdf = pikepdf.open(io.BytesIO(data))
    names = {str(f.BaseFont) for f in pdf.pages[0].Resources.Font.values() if "/FontDescriptor" in f}
    assert any("NotoSansArabic" in n for n in names) and any("+NotoSans-" in n for n in names)


# -- a character no font has -----------------------------------------------------------------------------------

def test_character_no_font_has_is_a_clear_error(library):
    chain = _chain(library, "en")
    with pytest.raises(FontError) as info:
        text_markup("Smile \U0001F600 please", chain, where="content/x/en/standard.md:12")
    message = info.value.format_message()
    assert "U+1F600" in message and "'en'" in message and "standard.md:12" in message
    assert "\U0001F600" in message


def test_build_fails_naming_character_language_and_file(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content, symlinks=False)
    doc = content / "sample" / "hi" / "standard.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("कारण {#causes}\n\n", "कारण {#causes}\n\nழ ",
                                                           1), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--lang", "hi", "--level", "standard",
                                       "--paper", "a4", "--out", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code != 0
    assert "U+0BB4" in result.output and "'hi'" in result.output and "standard.md" in result.output


def test_latin_reference_inside_arabic_keeps_its_order():
    """A paragraph that is mostly Latin (a journal reference) keeps a left-to-right base inside an Arabic
    leaflet, so '1937;34:492-498' stays after the journal name instead of jumping before it."""
    from handouts.text import bidi

    reference = "Ries E. Episacroiliac lipoma. Am J Obstet Gynecol. 1937;34:492-498."
    assert not bidi.mostly_right_to_left(reference)
    assert bidi.mostly_right_to_left("يمكن أن يساعد التصوير بالرنين المغناطيسي (MRI) في التشخيص.")
    assert bidi.mostly_right_to_left("12 345")   # no letters: the document's direction


def test_arabic_running_header_sits_at_both_margins_mirrored(tmp_path):
    """Right-to-left: the title at the right-hand margin, where reading starts, the publisher at the left-hand
    one; before, both halves were aligned towards the middle and met mid-page."""
    import pdfplumber

    from tests.conftest import build_into

    build_into(tmp_path, topics=("back-mouse",), langs=("ar",), levels=("standard",), papers=("a4",))
    with pdfplumber.open(tmp_path / "back-mouse/ar/back-mouse_ar_standard_leaflet_a4.pdf") as pdf:
        page = pdf.pages[1]
        header = [c for c in page.chars if c["bottom"] < 27 * 2.835 and c["text"].strip()]  # top margin + header
        publisher = [c for c in header if c["x1"] < page.width / 2]
        title = [c for c in header if c["x0"] > page.width / 2]
        margin = 16 * 72 / 25.4
        assert publisher and title and len(publisher) + len(title) == len(header)   # nothing met mid-page
        assert abs(min(c["x0"] for c in publisher) - margin) < 2            # publisher at the left margin
        assert abs(max(c["x1"] for c in title) - (page.width - margin)) < 2   # title at the right margin
        assert not any(c["text"].isascii() for c in header)   # both in Arabic (the publisher was in English)


def test_template_values_are_bidi_isolated_in_right_to_left_documents():
    """Clinic values and topic dates go into Arabic sentences inside FSI…PDI, so `<Physio>` keeps its brackets
    the right way round; tel: targets stay bare (they are link destinations) and left-to-right documents
    are unchanged."""
    from handouts.config.clinic import Clinic
    from handouts.content.languages import load_language
    from handouts.content.reader import read_topic
    from handouts.document import template_context
    from tests.conftest import CONTENT

    topic = read_topic(CONTENT, "back-mouse")
    clinic = Clinic(name="Smith & Jones <Physio>", phone="+44 20 7946 0000", clinician="J. Smith, PT")
    arabic = template_context(topic, load_language(CONTENT, "ar"), clinic)
    english = template_context(topic, load_language(CONTENT, "en"), clinic)
    assert arabic["clinic"]["name"] == "\u2068Smith & Jones <Physio>\u2069"
    assert arabic["clinic"]["clinician"] == "\u2068J. Smith, PT\u2069"
    assert arabic["topic"]["published"].startswith("\u2068")
    assert arabic["clinic"]["phone_tel"] == english["clinic"]["phone_tel"] == "tel:+442079460000"
    assert arabic["clinic"]["email"] == ""                      # an empty value stays empty for {% if %}
    assert english["clinic"]["name"] == "Smith & Jones <Physio>"
