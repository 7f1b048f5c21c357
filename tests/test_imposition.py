"""Booklet imposition: saddle-stitch order read back from each half of each sheet side, padding, sizes."""

from __future__ import annotations

import io
import re
from functools import partial

import pikepdf
import pytest
from fontpkg_atkinson_hyperlegible import ROOT as ATKINSON
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from handouts.post.imposition import (A4_LANDSCAPE, A5, HALF_LETTER, LETTER_LANDSCAPE, booklet_order,
                                      impose_booklet, notes_pages, padded_count)

FONT = "TestAtkinson"
pdfmetrics.registerFont(TTFont(FONT, str(ATKINSON / "files" / "AtkinsonHyperlegible-Regular.ttf")))


def numbered_pdf(pages: int, size: tuple[float, float] = A5, *, title: str = "Numbered", lang: str = "en",
                 bookmarks: bool = False, link: bool = False) -> bytes:
    """`pages` pages, each showing "P<number>" large in the middle, in an embedded TrueType font."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, invariant=1, initialFontName=FONT, lang=lang)
    canvas.setTitle(title)
    canvas.setAuthor("Test clinic")
    for number in range(1, pages + 1):
        canvas.setFont(FONT, 60)
        canvas.drawCentredString(size[0] / 2, size[1] / 2, f"P{number}")
        if bookmarks:
            canvas.bookmarkPage(f"p{number}")
            canvas.addOutlineEntry(f"{title} page {number}", f"p{number}", level=0)
        if link:
            canvas.linkURL("https://example.org/", (10, 10, 100, 30))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _times(m: list[float], n: list[float]) -> list[float]:
    """`m` then `n`, as PDF matrices compose."""
    return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]]


def halves(page) -> tuple[str, str]:
    """The text drawn on the left and on the right half of a sheet side, read from glyph positions. A page
    drawn as a form XObject is followed into: pypdf reports positions inside a form in the form's own space, so
    the form's /Matrix and the `cm` it was drawn with are applied here."""
    middle = float(page.mediabox.width) / 2
    found: dict[str, list[str]] = {"left": [], "right": []}
    forms = page["/Resources"].get_object().get("/XObject", {})
    placed: list[list[float]] = []   # one matrix per form being drawn

    def before(op, args, cm, tm) -> None:
        if op == b"Do":
            form = forms[args[0]].get_object() if args[0] in forms else {}
            own = [float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0])]
            placed.append(_times(own, [float(v) for v in cm]))

    def after(op, args, cm, tm) -> None:
        if op == b"Do" and placed:
            placed.pop()

    def visit(text, cm, tm, font_dict, font_size) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if placed:
                m = placed[-1]
                x = x * m[0] + y * m[2] + m[4]
            found["left" if x < middle else "right"].append(text.strip())

    page.extract_text(visitor_text=visit, visitor_operand_before=before, visitor_operand_after=after)
    return " ".join(found["left"]), " ".join(found["right"])


def sides(data: bytes) -> list[tuple[int | None, int | None]]:
    def number(text: str) -> int | None:
        match = re.fullmatch(r"P(\d+)", text)
        return int(match.group(1)) if match else None

    return [tuple(number(t) for t in halves(page)) for page in PdfReader(io.BytesIO(data)).pages]


def test_order_formula():
    assert booklet_order(4) == [(4, 1), (2, 3)]
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    with pytest.raises(ValueError):
        booklet_order(6)
    assert [padded_count(n) for n in (1, 4, 5, 8, 9, 12)] == [4, 4, 8, 8, 12, 12]


@pytest.mark.parametrize("pages,expected", [
    (5, [(None, 1), (2, None), (None, 3), (4, 5)]),  # padded to 8: pages 6-8 blank
    (8, [(8, 1), (2, 7), (6, 3), (4, 5)]),
    (12, [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]),
])
def test_saddle_stitch_order_read_back(pages, expected):
    imposed = impose_booklet(numbered_pdf(pages), A4_LANDSCAPE)
    reader = PdfReader(io.BytesIO(imposed))
    assert len(reader.pages) == padded_count(pages) // 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_LANDSCAPE)
    assert sides(imposed) == expected


def test_every_page_once_and_sheets_pair_up():
    """Folded, the sheets read 1..n: each page appears once and facing halves of a side add up to n+1 or
    are a centre spread."""
    n = 16
    order = booklet_order(n)
    assert sorted(p for side in order for p in side) == list(range(1, n + 1))
    for index, (left, right) in enumerate(order):
        if index % 2 == 0:
            assert left + right == n + 1 and right % 2 == 1  # fronts: outer pages, odd on the right
        else:
            assert left + right == n + 1 and left % 2 == 0  # backs: even on the left


def test_half_letter_on_letter():
    imposed = impose_booklet(numbered_pdf(4, HALF_LETTER), LETTER_LANDSCAPE)
    reader = PdfReader(io.BytesIO(imposed))
    assert [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages] == [LETTER_LANDSCAPE] * 2
    assert sides(imposed) == [(4, 1), (2, 3)]


def test_other_sizes_are_scaled_to_fit_half_a_sheet():
    imposed = impose_booklet(numbered_pdf(4, (595.28, 841.89)), A4_LANDSCAPE)  # A4 pages: shrunk to A5
    assert sides(imposed) == [(4, 1), (2, 3)]


def test_rotated_pages_are_placed_as_a_viewer_shows_them():
    reader = PdfReader(io.BytesIO(numbered_pdf(4, (595.28, 420.94))))  # landscape A5, shown portrait
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page).rotate(90)
    buffer = io.BytesIO()
    writer.write(buffer)
    imposed = impose_booklet(buffer.getvalue(), A4_LANDSCAPE)
    assert [len(side) for side in sides(imposed)] == [2, 2]
    first = PdfReader(io.BytesIO(imposed)).pages[0]
    assert halves(first)[1] == "P1"


def test_notes_pages_pad_with_a_heading_and_embedded_font():
    factory = partial(notes_pages, title="Notes", font_name=FONT)
    imposed = impose_booklet(numbered_pdf(6), A4_LANDSCAPE, notes_page=factory)
    reader = PdfReader(io.BytesIO(imposed))
    assert len(reader.pages) == 4
    # 8 pages: 7 and 8 are notes; sheet 1 front is [8 | 1], its back [2 | 7].
    assert halves(reader.pages[0])[0].startswith("Notes") and halves(reader.pages[0])[1] == "P1"
    assert halves(reader.pages[1])[0] == "P2" and halves(reader.pages[1])[1].startswith("Notes")
    with pikepdf.open(io.BytesIO(imposed)) as pdf:
        for page in pdf.pages:
            for xobject in page.Resources.get("/XObject", {}).values():
                for font in xobject.get("/Resources", {}).get("/Font", {}).values():
                    descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                    assert "/FontFile2" in descriptor, font.BaseFont
            for font in page.Resources.get("/Font", {}).values():
                assert "/FontFile2" in (font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor)


def test_long_edge_flip_turns_backs_upside_down():
    imposed = impose_booklet(numbered_pdf(8), A4_LANDSCAPE, flip="long")
    # Read in page space, a back turned by 180° has its pages' positions swapped.
    assert sides(imposed) == [(8, 1), (7, 2), (6, 3), (5, 4)]


def test_deterministic_valid_metadata_kept_web_links_and_bookmarks_follow_their_pages():
    source = numbered_pdf(5, title="Back mouse", lang="en-GB", bookmarks=True, link=True)
    imposed = impose_booklet(source, A4_LANDSCAPE, notes_page=partial(notes_pages, font_name=FONT))
    assert imposed == impose_booklet(source, A4_LANDSCAPE, notes_page=partial(notes_pages, font_name=FONT))
    reader = PdfReader(io.BytesIO(imposed))
    assert reader.metadata.title == "Back mouse"
    assert reader.metadata.author == "Test clinic"
    assert str(reader.trailer["/Root"]["/Lang"]) == "en-GB"
    # 8 pages: sheet sides [8 | 1], [2 | 7], [6 | 3], [4 | 5]; each bookmark goes to the side showing its page.
    assert [(item.title, reader.get_destination_page_number(item)) for item in reader.outline] == [
        ("Back mouse page 1", 0), ("Back mouse page 2", 1), ("Back mouse page 3", 2), ("Back mouse page 4", 3),
        ("Back mouse page 5", 3)]
    # The web link drawn at (10, 10)-(100, 30) of each page moves with its page onto its half of the sheet.
    rects = [(index, [float(v) for v in annot.get_object()["/Rect"]])
             for index, page in enumerate(reader.pages) for annot in page.get("/Annots", [])]
    half = A4_LANDSCAPE[0] / 2
    assert sorted((i, round(r[0])) for i, r in rects) == [(0, round(half + 10)), (1, 10), (2, round(half + 10)),
                                                           (3, 10), (3, round(half + 10))]
    assert all(r[2] - r[0] == pytest.approx(90) and r[3] - r[1] == pytest.approx(20) for _, r in rects)
    with pikepdf.open(io.BytesIO(imposed)) as pdf:
        assert list(pdf.check_pdf_syntax()) == []
        for page in pdf.pages:
            pikepdf.parse_content_stream(page)


def test_portrait_sheet_is_refused():
    with pytest.raises(ValueError, match="landscape"):
        impose_booklet(numbered_pdf(4), (595.28, 841.89))
