"""Tagged PDF (handouts.tagging), read back with pypdf and pikepdf: the structure tree against the content model,
marked content in the page streams, and the logical text of Arabic."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from handouts.content import model
from handouts.content.languages import load_language
from handouts.content.reader import read_document, read_topic
from handouts.document import template_context
from tests.conftest import CONTENT, build_into
from tests.pdfread import is_struct_element, struct_elements, struct_kids

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


def _doc(lang: str, level: str) -> model.Document:
    topic = read_topic(CONTENT, "back-mouse")
    return read_document(topic, lang, level, template_context(topic, load_language(CONTENT, lang), None))


@pytest.fixture(scope="module")
def arabic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("arabic_tagged")
    build_into(out, langs=("ar",), levels=("standard",), papers=("a4",))
    return out / "back-mouse/ar/back-mouse_ar_standard_leaflet_a4.pdf"


@pytest.fixture(scope="module")
def trifold(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("trifold_tagged")
    build_into(out, langs=("en",), levels=("standard",), papers=("a4",), layouts=("trifold",))
    return next(out.glob("back-mouse/en/*trifold*.pdf"))


@pytest.fixture(params=["en-standard", "en-easy", "ar-standard"])
def tagged(request, english, arabic) -> tuple[Path, model.Document]:
    lang, level = request.param.split("-")
    path = arabic if lang == "ar" else english / f"back-mouse/en/back-mouse_en_{level}_leaflet_a4.pdf"
    return path, _doc(lang, level)


# ---------------------------------------------------------------------------------------------------------------
# Reading the structure back


_kids, _is_elem, walk = struct_kids, is_struct_element, struct_elements


def roles(elems) -> list[str]:
    return [str(e.S)[1:] for e in elems]


def marked_content(pdf: pikepdf.Pdf, elem) -> list[tuple[int, int]]:
    """(page index, MCID) of an element's own content items, in order."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    default = pages.get(elem.Pg.objgen) if "/Pg" in elem else None
    out = []
    for kid in _kids(elem):
        if isinstance(kid, int):
            out.append((default, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            out.append((pages[kid.Pg.objgen], int(kid.MCID)))
    return out


def mcid_texts(path: Path) -> dict[tuple[int, int], str]:
    """The text pypdf extracts inside each marked-content sequence with an MCID."""
    texts: dict[tuple[int, int], list[str]] = {}
    for index, page in enumerate(PdfReader(path).pages):
        stack: list[int | None] = []

        def before(op, args, cm, tm) -> None:
            if op == b"BDC":
                props = args[1] if len(args) > 1 else None
                stack.append(props.get("/MCID") if hasattr(props, "get") else None)
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(chunk, cm, tm, font, size) -> None:
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                texts.setdefault((index, int(mcid)), []).append(chunk)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {key: "".join(parts) for key, parts in texts.items()}


def squash(text: str) -> str:
    return " ".join(text.split())


def element_text(pdf, elem, texts) -> str:
    """An element's text: its /ActualText (shaped, right-to-left paragraphs), else what its content shows."""
    if "/ActualText" in elem:
        return squash(str(elem.ActualText))
    return squash(" ".join(texts.get(key, "") for key in marked_content(pdf, elem)))


def model_paragraphs(blocks) -> int:
    count = 0
    for block in blocks:
        if isinstance(block, model.Paragraph):
            count += 1
        elif isinstance(block, (model.Box, model.PictureRow)):
            count += model_paragraphs(block.blocks)
        elif isinstance(block, model.ListBlock):
            count += sum(model_paragraphs(item) for item in block.items)
    return count


def model_items(blocks) -> int:
    count = 0
    for block in blocks:
        if isinstance(block, model.ListBlock):
            count += len(block.items) + sum(model_items(item) for item in block.items)
        elif isinstance(block, (model.Box, model.PictureRow)):
            count += model_items(block.blocks)
    return count


# ---------------------------------------------------------------------------------------------------------------
# The document is tagged


def test_catalog_says_tagged(tagged):
    path, document = tagged
    with pikepdf.open(path) as pdf:
        assert pdf.Root.MarkInfo.Marked is True   # what pdfinfo reports as "Tagged: yes"
        assert str(pdf.Root.Lang) == document.lang
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        tops = _kids(pdf.Root.StructTreeRoot)
        assert len(tops) == 1 and tops[0].S == "/Document"
        for page in pdf.pages:
            assert page.obj.Tabs == "/S"
            assert "/StructParents" in page.obj


def test_headings_match_the_model_in_order(tagged):
    path, document = tagged
    texts = mcid_texts(path)
    with pikepdf.open(path) as pdf:
        elems = walk(pdf)
        h1 = [element_text(pdf, e, texts) for e in elems if e.S == "/H1"]
        # a box's title is a heading too (H2 on the cover, H3 under a section heading), inside its box's Div:
        # the section headings and the model's own subheadings are the others
        h2 = [element_text(pdf, e, texts) for e in elems if e.S == "/H2" and e.P.S != "/Div"]
        h3 = [element_text(pdf, e, texts) for e in elems if e.S == "/H3" and e.P.S != "/Div"]
    assert h1 == [squash(document.title)]
    assert h2 == [squash(section.title) for section in document.sections]   # each once, in order
    model_h3 = [squash(block.text) for section in document.sections for block in section.blocks
                if isinstance(block, model.Heading)]
    assert h3 == model_h3


def test_every_paragraph_and_list_item_is_tagged(tagged):
    path, document = tagged
    blocks = [block for section in document.sections for block in section.blocks]
    with pikepdf.open(path) as pdf:
        elems = walk(pdf)
        kinds = roles(elems)
        assert kinds.count("P") >= model_paragraphs(blocks)
        assert kinds.count("LI") >= model_items(blocks)
        for elem in elems:
            if elem.S == "/LI":
                assert [str(k.S) for k in _kids(elem) if _is_elem(k)][-1] == "/LBody"
            if elem.S == "/L":
                assert all(k.S == "/LI" for k in _kids(elem) if _is_elem(k))
        # each content item belongs to exactly one element
        items = [item for elem in elems for item in marked_content(pdf, elem)]
        assert len(items) == len(set(items))


def test_figures_carry_their_alt_text_in_order(tagged):
    path, document = tagged
    with pikepdf.open(path) as pdf:
        alts = [str(e.Alt) for e in walk(pdf) if e.S == "/Figure"]
    assert alts and all(alt.strip() for alt in alts)
    assert alts == [document.figures[fid].alt for fid in document.figure_ids()]


def _marked_stream_problems(operations, where: str, forms: dict) -> list[str]:
    problems = []
    stack: list[str] = []   # "mcid", "artifact" or "other" per open sequence
    for op in operations:
        name = str(op.operator)
        if name == "BDC":
            tag, props = op.operands
            if tag == "/Artifact":
                stack.append("artifact")
            elif isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                stack.append("mcid")
            else:
                stack.append("other")
        elif name == "BMC":
            stack.append("artifact" if op.operands[0] == "/Artifact" else "other")
        elif name == "EMC":
            stack.pop()
        elif name in TEXT_SHOWING or name == "Do":
            if "mcid" not in stack and "artifact" not in stack:
                problems.append(f"{where}: {name} outside marked content")
            if name == "Do" and "mcid" in stack:
                forms[str(op.operands[0])] = True
    assert not stack, f"{where}: unbalanced marked content"
    return problems


def test_no_text_outside_marked_content_or_artifacts(tagged):
    path, _ = tagged
    with pikepdf.open(path) as pdf:
        problems: list[str] = []
        for number, page in enumerate(pdf.pages, 1):
            tagged_forms: dict[str, bool] = {}
            problems += _marked_stream_problems(pikepdf.parse_content_stream(page), f"page {number}", tagged_forms)
            # A figure's labels are text in its form XObject: the form is drawn inside the Figure's content.
            for name, xobject in (page.Resources.get("/XObject") or {}).items():
                if xobject.get("/Subtype") != "/Form":
                    continue
                has_text = any(str(op.operator) in TEXT_SHOWING for op in pikepdf.parse_content_stream(xobject))
                if has_text and name in _drawn_forms(page):
                    assert name in tagged_forms, f"page {number}: form {name} with text drawn untagged"
        assert problems == []


def _drawn_forms(page) -> set[str]:
    return {str(op.operands[0]) for op in pikepdf.parse_content_stream(page) if str(op.operator) == "Do"}


def test_parent_tree_maps_every_mcid_to_its_element(tagged):
    path, _ = tagged
    with pikepdf.open(path) as pdf:
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == len(tree)
        for index, page in enumerate(pdf.pages):
            used = [int(op.operands[1].MCID) for op in pikepdf.parse_content_stream(page)
                    if str(op.operator) == "BDC" and isinstance(op.operands[1], pikepdf.Dictionary)
                    and "/MCID" in op.operands[1]]
            assert used == sorted(used) == list(range(len(used))), f"page {index + 1}: MCIDs not 0..n in order"
            array = tree[int(page.obj.StructParents)]
            assert len(array) == len(used)
            for mcid, elem in enumerate(array):
                assert (index, mcid) in marked_content(pdf, elem)


def test_reading_order_follows_the_story_across_columns(english):
    """In the two-column standard leaflet the tree reads section by section; each section's paragraphs come
    before the next heading even where platypus moved to the next column or page."""
    path = english / "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf"
    document = _doc("en", "standard")
    texts = mcid_texts(path)
    with pikepdf.open(path) as pdf:
        flat = [(str(e.S), element_text(pdf, e, texts)) for e in walk(pdf) if e.S in ("/H2", "/P")]
    for section in document.sections:
        first = next((b for b in section.blocks if isinstance(b, model.Paragraph)), None)
        if first is None:
            continue
        heading = flat.index(("/H2", squash(section.title)))
        words = " ".join(first.text.split()[:4])
        following = next(text for role, text in flat[heading + 1:] if role == "/P" and text)
        assert following.startswith(words), (section.id, following[:60])


def test_links_are_tagged(english):
    path = english / "back-mouse/en/back-mouse_en_detailed_leaflet_a4.pdf"
    with pikepdf.open(path) as pdf:
        links = [e for e in walk(pdf) if e.S == "/Link"]
        annots = [a for page in pdf.pages for a in (page.obj.get("/Annots") or []) if a.Subtype == "/Link"]
        if not annots:
            pytest.skip("no links in this document")
        assert len(links) == len(annots)
        for annot in annots:
            assert "/StructParent" in annot and str(annot.Contents)
        for link in links:   # the annotation as an OBJR (the link's text is marked content beside it)
            assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" for k in _kids(link))


def test_furniture_is_artifact(english):
    """Page numbers and running headers are artifacts: the footer's words appear in no structure element."""
    path = english / "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf"
    texts = mcid_texts(path)
    assert not any("Page 2 of" in text for text in texts.values())
    assert any("Page 2 of" in (page.extract_text() or "") for page in PdfReader(path).pages)


# ---------------------------------------------------------------------------------------------------------------
# Arabic: logical text for screen readers and copying


def test_arabic_paragraphs_have_their_words_in_logical_order(arabic):
    document = _doc("ar", "standard")
    first_section = document.sections[0]
    first = next(b for b in first_section.blocks if isinstance(b, model.Paragraph))
    with pikepdf.open(arabic) as pdf:
        elems = walk(pdf)
        heading = next(i for i, e in enumerate(elems) if e.S == "/H2" and e.P.S != "/Div")   # not a box title
        paragraph = next(e for e in elems[heading + 1:] if e.S == "/P")
        text = squash(str(paragraph.ActualText))
    assert text == squash(first.text)
    assert text.startswith(" ".join(first.text.split()[:3]))


def test_arabic_shaped_glyphs_are_in_actual_text_spans(arabic):
    """Joining forms and marks are drawn as glyph ids whose own Unicode mapping is not the text: each such
    cluster is wrapped in a /Span with /ActualText, and together the spans hold every letter of the title."""
    document = _doc("ar", "standard")
    with pikepdf.open(arabic) as pdf:
        spans = [str(op.operands[1].ActualText) for op in pikepdf.parse_content_stream(pdf.pages[0])
                 if str(op.operator) == "BDC" and op.operands[0] == "/Span" and "/ActualText" in op.operands[1]]
    assert spans
    letters = [c for c in document.title if not c.isspace()]
    assert all(letter in "".join(spans) for letter in letters)


# ---------------------------------------------------------------------------------------------------------------
# Other layouts


def test_trifold_is_tagged(trifold):
    document = _doc("en", "standard")
    with pikepdf.open(trifold) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        elems = walk(pdf)
        kinds = roles(elems)
        assert kinds[:2] == ["Document", "H1"]
        problems: list[str] = []
        for number, page in enumerate(pdf.pages, 1):
            problems += _marked_stream_problems(pikepdf.parse_content_stream(page), f"page {number}", {})
        assert problems == []
        alts = [str(e.Alt) for e in elems if e.S == "/Figure"]
        assert all(alt in {f.alt for f in document.figures.values()} for alt in alts)
