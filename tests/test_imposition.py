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
from tests.pdfread import is_struct_element, struct_elements, struct_kids

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


# ---------------------------------------------------------------------------------------------------------------
# Tagged booklets. The helpers read any tagged PDF back (test_merge uses them too): they follow marked content
# into form XObjects, where an imposed page's content is.

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
_kids, _is_elem = struct_kids, is_struct_element


def content_refs(elem) -> list[tuple]:
    """An element's own content, in order: ("mc", stream object number, MCID) or ("objr", annotation number).
    The stream is the page for a bare MCID or an MCR without /Stm, else the MCR's form XObject."""
    refs = []
    for kid in _kids(elem):
        if isinstance(kid, int):
            refs.append(("mc", elem.Pg.objgen[0], int(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            owner = kid.Stm if "/Stm" in kid else kid.get("/Pg", elem.get("/Pg"))
            refs.append(("mc", owner.objgen[0], int(kid.MCID)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            refs.append(("objr", kid.Obj.objgen[0]))
    return refs


def _shows_text(form) -> bool:
    return any(str(op.operator) in TEXT_SHOWING for op in pikepdf.parse_content_stream(form))


def _marked(operations, forms) -> tuple[list[int], int]:
    """(the MCIDs a stream marks, in order; how many text operators it shows outside an MCID or an artifact,
    counting a form without /StructParents that is drawn there and shows text as one)."""
    mcids, outside, stack = [], 0, []
    for op in operations:
        name = str(op.operator)
        if name == "BDC":
            tag, props = op.operands
            is_mcid = isinstance(props, pikepdf.Dictionary) and "/MCID" in props
            if is_mcid:
                mcids.append(int(props.MCID))
            stack.append("artifact" if tag == "/Artifact" else "mcid" if is_mcid else "other")
        elif name == "BMC":
            stack.append("artifact" if op.operands[0] == "/Artifact" else "other")
        elif name == "EMC":
            stack.pop()
        elif "mcid" in stack or "artifact" in stack:
            continue
        elif name in TEXT_SHOWING:
            outside += 1
        elif name == "Do":
            form = forms.get(str(op.operands[0]))
            if form is not None and form.get("/Subtype") == "/Form" and "/StructParents" not in form \
                    and _shows_text(form):
                outside += 1
    assert not stack, "unbalanced marked content"
    return mcids, outside


def _streams(pdf: pikepdf.Pdf):
    """(owner, its instructions, the forms it can draw) of every page, and of every form XObject a page draws
    that has /StructParents or marks MCIDs (an imposed page)."""
    for page in pdf.pages:
        forms = dict((page.Resources.get("/XObject") or {}).items())
        yield page.obj, pikepdf.parse_content_stream(page), forms
        for form in forms.values():
            if form.get("/Subtype") != "/Form":
                continue
            operations = pikepdf.parse_content_stream(form)
            if "/StructParents" in form or _marked(operations, {})[0]:
                yield form, operations, dict((form.get("/Resources", {}).get("/XObject") or {}).items())


def tagging_problems(data: bytes) -> list[str]:
    """What keeps a PDF from being tagged as a leaflet is: the catalog's entries, every MCID of every stream
    referenced by exactly one element through the parent tree and vice versa, no text outside marked content or
    an artifact, every link annotation owned by a Link element through /StructParent and an OBJR."""
    problems: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            return ["no StructTreeRoot"]
        if not (root.get("/MarkInfo") and root.MarkInfo.get("/Marked") is True):
            problems.append("MarkInfo Marked is not true")
        if not str(root.get("/Lang", "")):
            problems.append("no /Lang")
        if root.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is not True:
            problems.append("DisplayDocTitle is not true")
        with pdf.open_metadata() as xmp:
            if xmp.get("dc:title") != str(pdf.docinfo.get("/Title")):
                problems.append(f"XMP title {xmp.get('dc:title')!r} is not the document's")
        tree = {int(k): v for k, v in pikepdf.NumberTree(root.StructTreeRoot.ParentTree).items()}
        if tree and int(root.StructTreeRoot.ParentTreeNextKey) <= max(tree):
            problems.append("ParentTreeNextKey is not past the last key")
        elements = struct_elements(pdf)
        owner_of: dict[tuple, list] = {}
        for elem in elements:
            for ref in content_refs(elem):
                owner_of.setdefault(ref, []).append(elem)
        problems += [f"{ref} referenced by {len(found)} elements" for ref, found in owner_of.items() if len(found) > 1]
        in_streams: set[tuple] = set()
        for owner, operations, forms in _streams(pdf):
            mcids, outside = _marked(operations, forms)
            number = owner.objgen[0]
            if outside:
                problems.append(f"object {number}: {outside} text operator(s) outside marked content")
            if len(set(mcids)) != len(mcids):
                problems.append(f"object {number}: an MCID marks two sequences")
            if not mcids:
                continue
            if "/StructParents" not in owner:
                problems.append(f"object {number}: MCIDs but no /StructParents")
                continue
            array = tree.get(int(owner.StructParents))
            for mcid in mcids:
                in_streams.add(("mc", number, mcid))
                elem = array[mcid] if array is not None and mcid < len(array) else None
                if elem is None or not any(e.objgen == elem.objgen for e in owner_of.get(("mc", number, mcid), [])):
                    problems.append(f"object {number}: MCID {mcid} not mapped to the element that owns it")
        for page in pdf.pages:
            for annot in page.obj.get("/Annots") or []:
                if annot.get("/Subtype") != "/Link":
                    continue
                ref = ("objr", annot.objgen[0])
                in_streams.add(ref)
                elem = tree.get(int(annot.StructParent)) if "/StructParent" in annot else None
                if elem is None or elem.get("/S") != "/Link" or ref not in content_refs(elem):
                    problems.append(f"link annotation {annot.objgen[0]} not owned by a Link element")
        problems += [f"{ref} in the tree but not in any stream or page" for ref in owner_of if ref not in in_streams]
    return problems


def marked_texts(data: bytes) -> dict[tuple[int, int], str]:
    """(stream object number, MCID) -> the text pypdf extracts inside that marked-content sequence, following
    form XObjects: an MCID inside a form with /StructParents is the form's, else the enclosing stream's."""
    texts: dict[tuple[int, int], list[str]] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        stack: list[tuple[str, int | None]] = []      # ("stream", owner) markers and ("mc", MCID or None)

        def owner() -> int:
            return next(value for kind, value in reversed(stack) if kind == "stream")

        forms = page["/Resources"].get_object().get("/XObject", {})
        stack.append(("stream", page.indirect_reference.idnum))

        def before(op, args, cm, tm) -> None:
            if op == b"Do":
                form = forms.get(args[0])
                tagged = form is not None and "/StructParents" in form.get_object()
                stack.append(("stream", form.idnum if tagged else owner()))
            elif op == b"BDC":
                props = args[1] if len(args) > 1 else None
                mcid = props.get("/MCID") if hasattr(props, "get") else None
                stack.append(("mc", (owner(), int(mcid)) if mcid is not None else None))
            elif op == b"BMC":
                stack.append(("mc", None))
            elif op == b"EMC" and stack[-1][0] == "mc":
                stack.pop()

        def after(op, args, cm, tm) -> None:
            if op == b"Do":
                while stack.pop()[0] != "stream":
                    pass

        def text(chunk, cm, tm, font, size) -> None:
            key = next((value for kind, value in reversed(stack) if kind == "mc" and value is not None), None)
            if key is not None:
                texts.setdefault(key, []).append(chunk)

        page.extract_text(visitor_operand_before=before, visitor_operand_after=after, visitor_text=text)
    return {key: "".join(parts) for key, parts in texts.items()}


def reading_text(data: bytes, roles: tuple[str, ...] = ("H1", "H2", "H3", "P", "Lbl")) -> list[str]:
    """The text of the elements of `roles` in tree order (their /ActualText where they have one)."""
    texts = marked_texts(data)
    out = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for elem in struct_elements(pdf):
            if str(elem.S)[1:] not in roles:
                continue
            if "/ActualText" in elem:
                out.append(" ".join(str(elem.ActualText).split()))
            else:
                words = " ".join(texts.get(ref[1:], "") for ref in content_refs(elem) if ref[0] == "mc")
                out.append(" ".join(words.split()))
    return out


def render_with_source(layout_name: str, lang: str, level: str, monkeypatch) -> tuple[bytes, bytes]:
    """(the imposed booklet, the tagged leaflet it was imposed from), rendered in this process."""
    from handouts.config.layouts import load_layout
    from handouts.content.languages import load_language
    from handouts.content.reader import read_document, read_topic
    from handouts.document import template_context
    from handouts.post import imposition
    from handouts.text.fonts import FontLibrary
    from handouts.writers import render
    from tests.conftest import CONTENT, LAYOUTS

    topic = read_topic(CONTENT, "back-mouse")
    language = load_language(CONTENT, lang)
    document = read_document(topic, lang, level, template_context(topic, language, None))
    sources: list[bytes] = []
    real = imposition.impose_booklet

    def keep_source(data: bytes, *args, **kwargs) -> bytes:
        sources.append(data)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(imposition, "impose_booklet", keep_source)
    booklet = render(document, language, load_layout(LAYOUTS, layout_name), "a4", FontLibrary(LAYOUTS)).data
    return booklet, sources[0]


@pytest.fixture(scope="module")
def detailed_booklet() -> tuple[bytes, bytes]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return render_with_source("booklet", "en", "detailed", monkeypatch)


def test_booklet_is_tagged_and_reads_in_page_order(detailed_booklet):
    booklet, source = detailed_booklet
    assert tagging_problems(source) == []
    assert tagging_problems(booklet) == []
    # The tree reads the leaflet's pages in order, not the sheets': the same elements with the same text.
    assert reading_text(booklet) == reading_text(source)
    with pikepdf.open(io.BytesIO(booklet)) as pdf, pikepdf.open(io.BytesIO(source)) as leaflet:
        assert [str(e.S) for e in struct_elements(pdf)] == [str(e.S) for e in struct_elements(leaflet)]
        assert [str(e.Alt) for e in struct_elements(pdf) if e.S == "/Figure"] == \
            [str(e.Alt) for e in struct_elements(leaflet) if e.S == "/Figure"]
        assert str(pdf.Root.Lang) == str(leaflet.Root.Lang) == "en"
        # Every page of the leaflet is one form XObject on a sheet, with its own key in the parent tree.
        tagged_forms = [form for page in pdf.pages for form in page.Resources.XObject.values()
                        if "/StructParents" in form]
        assert len({int(f.StructParents) for f in tagged_forms}) == len(tagged_forms) == len(leaflet.pages)
        assert all(page.obj.Tabs == "/S" for page in pdf.pages)
        # Links: each of the leaflet's web links is on its sheet, owned by a Link element through an OBJR.
        links = [e for e in struct_elements(pdf) if e.S == "/Link"]
        annots = [a for page in pdf.pages for a in page.obj.get("/Annots") or []]
        assert len(links) == len(annots) == sum(len(p.obj.get("/Annots") or []) for p in leaflet.pages) > 0
        kids = [list(link.K) if isinstance(link.K, pikepdf.Array) else [link.K] for link in links]
        assert all(any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" for k in ks)
                   for ks in kids)   # with the link's visible text beside it


def test_booklet_bookmarks_go_to_the_sheet_of_their_page(detailed_booklet):
    booklet, source = detailed_booklet
    imposed, leaflet = PdfReader(io.BytesIO(booklet)), PdfReader(io.BytesIO(source))
    pages = len(leaflet.pages)
    sheet_of = {number: index for index, pair in enumerate(booklet_order(padded_count(pages))) for number in pair}

    def flat(reader, where):
        out = []
        for item in reader.outline:
            if not isinstance(item, list):
                out.append((item.title, where(reader.get_destination_page_number(item))))
        return out

    assert flat(imposed, lambda i: i) == flat(leaflet, lambda i: sheet_of[i + 1])
    assert len(flat(imposed, lambda i: i)) > 3


def test_booklet_padding_and_sheet_drawing_are_artifacts(detailed_booklet):
    """The notes pages' heading and lines are on the sheets but in no structure element."""
    booklet, source = detailed_booklet
    pages = len(PdfReader(io.BytesIO(source)).pages)
    if padded_count(pages) == pages:
        pytest.skip("no padding in this booklet")
    assert "Notes" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(booklet)).pages)
    assert not any("Notes" in text for text in marked_texts(booklet).values())
    with pikepdf.open(io.BytesIO(booklet)) as pdf:
        for page in pdf.pages:   # the sheet draws forms only; padding forms inside an artifact
            for op in pikepdf.parse_content_stream(page):
                if str(op.operator) == "Do":
                    form = page.Resources.XObject[op.operands[0]]
                    assert "/StructParents" in form or b"/Artifact BMC" in form.read_bytes()


def test_booklet_rebuild_is_byte_identical(detailed_booklet, monkeypatch):
    booklet, _ = detailed_booklet
    again, _ = render_with_source("booklet", "en", "detailed", monkeypatch)
    assert again == booklet


def test_tagging_check_finds_a_broken_parent_tree(detailed_booklet):
    """The checker above is not vacuous: a form whose key is gone, or a sheet's text outside marked content,
    is reported."""
    booklet, _ = detailed_booklet
    with pikepdf.open(io.BytesIO(booklet)) as pdf:
        form = next(f for f in pdf.pages[0].Resources.XObject.values() if "/StructParents" in f)
        del form["/StructParents"]
        page = pdf.pages[1]
        page.contents_add(pdf.make_stream(b"BT /F1 12 Tf (x) Tj ET"))
        broken = io.BytesIO()
        pdf.save(broken)
    problems = tagging_problems(broken.getvalue())
    assert any("MCIDs but no /StructParents" in p for p in problems)
    assert any("text operator(s) outside marked content" in p for p in problems)
    assert any("in the tree but not in any stream" in p for p in problems)


def test_right_to_left_booklets_are_bound_on_the_right():
    """An Arabic booklet opens from the right: page 1 is the left half of the outer sheet, page 2 the right half
    of its back, and every side is the mirror of the left-to-right one."""
    assert booklet_order(8, rtl=True) == [(1, 8), (7, 2), (3, 6), (5, 4)]
    imposed = impose_booklet(numbered_pdf(8), A4_LANDSCAPE, rtl=True)
    assert sides(imposed) == [(1, 8), (7, 2), (3, 6), (5, 4)]


def test_booklet_pages_are_numbered_as_the_reader_holds_them(monkeypatch):
    """A leaflet of, say, 14 pages makes a 16-page booklet: every footer says "of 16"; its last page is the back cover
    (contact and dates), printed as page 16 on the outer sheet beside the front cover, and the two notes pages
    before it carry their numbers (14, 15), so the numbering matches what the reader holds."""
    for level in ("easy", "standard", "detailed"):
        booklet, source = render_with_source("booklet", "en", level, monkeypatch)
        pages = len(PdfReader(io.BytesIO(source)).pages)
        held = padded_count(pages)
        if held > pages:
            break
    assert held > pages, "this check needs a leaflet whose page count is not a multiple of four"
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(source)).pages]
    footers = [re.search(r"Page (\d+) of (\d+)", text).groups() for text in texts]
    assert [int(n) for n, _ in footers] == list(range(1, pages)) + [held]   # the back cover is the last page
    assert {int(total) for _, total in footers} == {held}
    assert "Written by" in texts[-1] and all("Written by" not in text for text in texts[:-1])
    sheets = [p.extract_text() for p in PdfReader(io.BytesIO(booklet)).pages]
    assert f"Page {held} of {held}" in sheets[0] and f"Page 1 of {held}" in sheets[0]   # the outer sheet
    for number in range(pages, held):   # the notes pages, between the text and the back cover
        assert re.search(rf"(^|\s){number}(\s|$)", " ".join(sheets)), number
