"""One pass (handouts.pdf.finishing): a leaflet and a tri-fold come out finished, tagged and conforming while
reportlab writes them, with no PDF parsed back; and the artifact pass on the code reportlab holds for a page."""

from __future__ import annotations

import io

import pikepdf
import pypdf
import pytest

from handouts.check.pdfua import check_pdf
from handouts.config.layouts import load_layout
from handouts.content.languages import load_language
from handouts.content.reader import read_document, read_topic
from handouts.document import template_context
from handouts.pdf.tagging import artifact_untagged_graphics
from handouts.text.fonts import FontLibrary
from handouts.writers import render_pdf
from tests.conftest import CONTENT, LAYOUTS
from tests.pdfread import struct_elements


@pytest.fixture(scope="module")
def fonts() -> FontLibrary:
    return FontLibrary(LAYOUTS)


def _render(fonts: FontLibrary, level: str, layout_name: str, bleed: float = 0.0) -> bytes:
    topic = read_topic(CONTENT, "back-mouse")
    language = load_language(CONTENT, "en")
    document = read_document(topic, "en", level, template_context(topic, language, None))
    layout = load_layout(LAYOUTS, layout_name).for_print(bleed=bleed)
    return render_pdf(document, language, layout, "a4", fonts).data


def _no_reading_back(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a PDF was parsed back")

    monkeypatch.setattr(pypdf.PdfReader, "__init__", refuse)
    monkeypatch.setattr(pikepdf.Pdf, "open", refuse)
    monkeypatch.setattr(pikepdf, "open", refuse)


@pytest.mark.parametrize("level, layout_name, bleed", [("detailed", "leaflet", 3 * 72 / 25.4),
                                                       ("standard", "trifold", 0.0)])
def test_finished_without_parsing_a_pdf_back(fonts, monkeypatch, level, layout_name, bleed):
    """The detailed leaflet has links (their text cut into Link elements) and here a bleed; the tri-fold reads
    in another order than it is drawn. Neither opens a PDF while it is made, and both conform."""
    with monkeypatch.context() as patched:
        _no_reading_back(patched)
        data = _render(fonts, level, layout_name, bleed)
    assert data.startswith(b"%PDF-1.7\n")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert [finding.condition for finding in check_pdf(pdf)] == []
        assert pdf.Root.Version == "/1.7" and pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.PageMode == "/UseOutlines" and pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert pdf.docinfo.CreationDate == pdf.docinfo.ModDate
        assert b"<pdfuaid:part>1</pdfuaid:part>" in pdf.Root.Metadata.read_bytes()
        assert all(page.obj.Tabs == "/S" and "/StructParents" in page.obj for page in pdf.pages)
        links = [e for e in struct_elements(pdf) if e.S == "/Link"]
        annotations = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert len(links) <= len(annotations)   # a Link element holds one link's text and its annotations
        for annotation in annotations:   # each link annotation is in the parent tree, under its Link element
            assert "/StructParent" in annotation and "/Contents" in annotation
        if bleed:
            page = pdf.pages[0].obj
            assert [float(v) for v in page.TrimBox] == pytest.approx([0, 0, 595.2756, 841.8898], abs=0.01)
            assert float(page.BleedBox[0]) == pytest.approx(-bleed, abs=0.01)
            assert float(page.MediaBox[0]) < -bleed and list(page.CropBox) == list(page.MediaBox)
    if layout_name == "leaflet":
        assert annotations and links


def test_the_same_leaflet_twice_is_the_same_bytes(fonts):
    assert _render(fonts, "detailed", "leaflet") == _render(fonts, "detailed", "leaflet")


def test_untagged_graphics_become_artifacts_on_the_canvas_code():
    """Whole text objects, single operators, and entries that mix graphics with q/Q or marked content (taken
    apart into their instructions); graphics inside marked content and text stay as they are."""
    code = ["q", "0 0 10 10 re f", "1 0 0 rg", "Q",
            "/P <</MCID 0>> BDC", "0 0 5 5 re f", "BT /F1 12 Tf (x) Tj ET", "EMC",
            "q 1 0 0 1 5 5 cm 0 0 2 2 re f Q",
            "BT /F1 12 Tf (not graphics re) Tj ET",
            "n 0 0 m 4 4 l S", "/X1 Do"]
    assert artifact_untagged_graphics(code) == [
        "q", "/Artifact BMC", "0 0 10 10 re f", "1 0 0 rg", "EMC", "Q",
        "/P <</MCID 0>> BDC", "0 0 5 5 re f", "BT /F1 12 Tf (x) Tj ET", "EMC",
        "q", "1 0 0 1 5 5 cm", "/Artifact BMC", "0 0 2 2 re", "f", "EMC", "Q",
        "BT /F1 12 Tf (not graphics re) Tj ET",
        "/Artifact BMC", "n 0 0 m 4 4 l S", "/X1 Do", "EMC"]


def test_artifact_pass_gives_the_same_code_from_entries_met_before(monkeypatch):
    """What an entry holds is kept per process (tagging._parts): a page met again, with the kept entries or
    with none kept, is marked alike; an entry that sets a colour and opens a text object is text up to its ET;
    the kept entries are bounded."""
    from handouts.pdf import tagging

    code = ["0 0 1 rg BT /F1 12 Tf (a) Tj", "(b) Tj ET", "0 0 3 3 re f", "q", "/P <</MCID 1>> BDC", "0 0 1 1 re f",
            "EMC", "Q", "0 0 3 3 re f"]
    expected = ["0 0 1 rg BT /F1 12 Tf (a) Tj", "(b) Tj ET", "/Artifact BMC", "0 0 3 3 re f", "EMC", "q",
                "/P <</MCID 1>> BDC", "0 0 1 1 re f", "EMC", "Q", "/Artifact BMC", "0 0 3 3 re f", "EMC"]
    monkeypatch.setattr(tagging, "_KEPT_PARTS", {})
    assert artifact_untagged_graphics(code) == expected
    assert "0 0 3 3 re f" in tagging._KEPT_PARTS
    assert artifact_untagged_graphics(code) == expected   # from the kept entries
    monkeypatch.setattr(tagging, "_PARTS_KEPT", 3)
    monkeypatch.setattr(tagging, "_KEPT_PARTS", {})
    assert artifact_untagged_graphics(code) == expected
    assert len(tagging._KEPT_PARTS) <= 3


def test_link_page_content_as_qpdf_gives_it_back():
    """A page split by handouts.pdf.linktext comes back one instruction per entry, a text object over several:
    its lines are text until ET."""
    code = ["BT", "/F1+0 9 Tf", "<0102> Tj", "ET", "0 0 1 1 re", "f", "q", "Q"]
    assert artifact_untagged_graphics(code) == ["BT", "/F1+0 9 Tf", "<0102> Tj", "ET",
                                                "/Artifact BMC", "0 0 1 1 re", "f", "EMC", "q", "Q"]


def test_strings_shown_again_write_what_reportlab_writes(fonts):
    """A leaflet's canvas works out each string's operators once per document (handouts.pdf.textcache): a page
    that shows strings again, in fonts, sizes and leadings that change, in a TrueType font whose characters fill
    more than one subset (the font selection changes inside and between strings) and in a standard font, is the
    same file reportlab's own canvas writes."""
    from reportlab.pdfgen.canvas import Canvas

    from handouts.pdf.finishing import FinishingCanvas
    from handouts.pdf.textcache import CachingTextObject
    from handouts.text.fonts import font_chain

    font = font_chain(fonts, "noto-sans", [], "en").primary.name
    many = "".join(chr(c) for c in range(0x100, 0x250) if c not in (0x149, 0x17F))   # > 256 codes: two subsets
    strings = ["back mouse", many, "back\u00a0mouse", "a (b) \\c", "back mouse", many[::-1], many, "", "mouse"]

    def page(canvas_class) -> bytes:
        buffer = io.BytesIO()
        canvas = canvas_class(buffer, invariant=1)
        for size, leading in ((9, None), (9, 14), (12, 15), (9, None)):
            for face in (font, "Helvetica"):
                tx = canvas.beginText(10, 700)
                tx.setFont(face, size, leading)
                for text in strings:
                    tx.textOut(text)
                    tx._textOut(text)
                in_font = getattr(tx, "operators_in_font", None)   # what shaping.draw_ops uses
                show = in_font() if in_font is not None else tx._formatText
                for text in reversed(strings):
                    tx._code.append(show(text))
                tx.textLine("back mouse")
                canvas.drawText(tx)
            canvas.drawString(10, 600, "back mouse")
        canvas.showPage()
        canvas.save()
        if canvas_class is FinishingCanvas:
            assert isinstance(canvas.beginText(), CachingTextObject)
        return buffer.getvalue()

    mine, reportlabs = page(FinishingCanvas), page(Canvas)
    assert mine == reportlabs
    assert len(pypdf.PdfReader(io.BytesIO(mine)).pages[0].extract_text()) > 100


def test_form_streams_are_encoded_as_reportlab_encodes_them():
    """FinishingCanvas.endForm writes a form's stream as ASCII only where that is what reportlab's
    PDFDocEncoding codec gives (handouts.pdf.pdfbytes); anything else goes reportlab's way."""
    from reportlab.pdfbase.pdfdoc import pdfdocEnc

    from handouts.pdf.finishing import FinishingCanvas

    def form_stream(text: str) -> bytes:
        canvas = FinishingCanvas(io.BytesIO())
        preamble = canvas._preamble
        canvas.beginForm("F")
        canvas._code.append(text)
        canvas.endForm()
        assert canvas._preamble == preamble
        return canvas._doc.idToObject["FormXob.F"].stream

    assert form_stream("0 0 m 10 10 l S") == pdfdocEnc(FinishingCanvas(io.BytesIO())._preamble + "\n0 0 m 10 10 l S")
    assert form_stream("(caf\u00e9) Tj") == pdfdocEnc(FinishingCanvas(io.BytesIO())._preamble + "\n(caf\u00e9) Tj")


def test_remembered_flate_gives_zlibs_bytes_and_keeps_a_bounded_number():
    import zlib

    from handouts.pdf.finishing import RememberedFlate

    flate = RememberedFlate()
    flate.KEPT = 3
    data = [b"0 0 m %d 10 l S\n" % i * 50 for i in range(6)]
    for item in data + data[::-1]:
        assert flate.encode(item) == zlib.compress(item)
    assert flate.encode("caf\u00e9") == zlib.compress("caf\u00e9".encode("utf8"))   # text, as reportlab's filter
    assert len(flate._kept) == 3


def test_compressed_form_reads_back_as_drawn():
    """A form written through FinishingCanvas.endForm (ASCII, remembered compression) is the form reportlab
    writes: the same file as reportlab's own canvas, again when the form is met a second time."""
    from reportlab.pdfgen.canvas import Canvas

    from handouts.pdf.finishing import FinishingCanvas

    def build(kind: type = FinishingCanvas) -> bytes:
        out = io.BytesIO()
        canvas = kind(out, pageCompression=1, invariant=1)
        canvas.beginForm("F", 0, 0, 50, 50)
        canvas.rect(5, 5, 40, 40, fill=1)
        canvas.endForm()
        canvas.doForm("F")
        canvas.showPage()
        canvas.save()
        return out.getvalue()

    first = build()
    assert build() == first == build(Canvas)
    with pikepdf.open(io.BytesIO(first)) as pdf:
        (form,) = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form"]
        assert form.get("/Filter") == pikepdf.Array([pikepdf.Name.FlateDecode])
        assert b"re" in form.read_bytes() and list(form.BBox) == [0, 0, 50, 50]
