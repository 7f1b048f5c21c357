"""Tagged PDF, aiming at PDF/UA-1: the one module every layout shares.

reportlab writes no structure of its own, so tagging happens in two steps.

1. While drawing, a `Tagger` attached to the canvas (`attach`) records marked content. The flowables call
   `leaf` around what they draw (a paragraph, a heading, a list label, a figure): it writes
   `/P <</MCID n>> BDC … EMC` into the page's content stream and records the MCID under the structure element it
   belongs to. `group` opens a structure element without content of its own (a box `Div`, a list `L`, a list item
   `LI`, its `LBody`) around the leaves drawn inside it. `artifact` wraps page furniture (header, footer, page
   number, cover band, fold marks) in `/Artifact … EMC`; leaves drawn inside an artifact are not tagged.
   Platypus draws the story in story order, which is the logical reading order even when a two-column page is
   filled right to left or a box is split across columns; a paragraph or box split across columns or pages
   keeps one structure element because its parts share a key.
2. After reportlab has written the file, `Tagger.write` (called from handouts.postprocess, with pypdf) builds the
   structure tree (StructTreeRoot → Document → H1/H2/H3, P, L/LI/Lbl/LBody, Figure with /Alt, Div), the
   /ParentTree, page /StructParents and `/Tabs /S`, Link elements for the link annotations (each holding the
   annotation as an OBJR and the link's visible text, cut out of its paragraph's marked content by
   handouts.pdf.linktext, as PDF/UA asks), `/MarkInfo <</Marked true>>`, and marks any remaining untagged
   graphics (box backgrounds and borders, rules, tick boxes, QR codes, link underlines) as artifacts. Text is never made an artifact there: text outside a leaf is a bug the tests catch.
   `ReadingRank` reorders the Document's children where drawing order is not reading order (the tri-fold).

Shaped and right-to-left text (handouts.paragraph) draws glyph ids whose Unicode mapping is not the text (Arabic
joining forms, Devanagari conjuncts and reordered vowel signs). Two things give the real words back:
- in the content, each such glyph cluster (neighbouring ones as one) is marked
  `/Span <</ActualText (…)>> BDC … EMC` (`actual_text_operator`) with its characters, in drawing (visual) order,
  which is how extractors such as pdftotext expect it: they reverse right-to-left runs themselves. Done whether
  or not the document is tagged;
- in the tree, the paragraph's element carries `/ActualText` with its whole text in logical order, which screen
  readers use instead of piecing glyphs together.

Runs in another language than the document's are marked `/Span <</Lang (en)>> BDC … EMC` inside the
paragraph's own sequence (`language_operator`, PDF 1.7 §14.9.2.2): no structure element or MCID of their own.

Booklets and `handouts merge` packets are made of pages tagged here: handouts.post.structure carries the
structure tree onto the imposed sheets (each page a form XObject with its own /StructParents, reached through
MCR /Stm references) and into the packet (each part's tree under a Part element), with the parent tree rebuilt.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterator

from reportlab.platypus import Flowable, ListFlowable, Table
from reportlab.platypus.flowables import LIIndenter, _Container, _listWrapOn

CANVAS_ATTRIBUTE = "_handouts_tagger"


@dataclass(frozen=True)
class MarkedContent:
    page: int   # 0-based page index
    mcid: int


@dataclass(frozen=True)
class LinkAnnotation:
    page: int
    index: int  # position in the page's /Annots


@dataclass(eq=False)
class Element:
    """A structure element being recorded; `kids` in reading order."""

    role: str
    parent: "Element | None" = None
    kids: list["Element | MarkedContent | LinkAnnotation"] = field(default_factory=list)
    alt: str | None = None
    actual_text: str | None = None
    rank: int = 0   # reading rank among the Document's children (see ReadingRank)

    def has_content(self) -> bool:
        return any(not isinstance(k, Element) or k.has_content() for k in self.kids)


class Tagger:
    """Per-document recorder of marked content, and the structure-tree builder run on the finished file."""

    def __init__(self) -> None:
        self.root = Element("Document")
        self._stack: list[Element] = [self.root]
        self._by_key: dict[Any, Element] = {}
        self._next_mcid: dict[int, int] = defaultdict(int)
        self._artifact_depth = 0
        self._leaf_depth = 0   # what is drawn inside a leaf (or an artifact) belongs to it: no nested tags
        self.rank = 0

    # -- recording ------------------------------------------------------------------------------------------
    def attach(self, canvas: Any) -> None:
        setattr(canvas, CANVAS_ATTRIBUTE, self)

    def _element(self, role: str, key: Any, alt: str | None = None) -> Element:
        if key is not None and key in self._by_key:
            return self._by_key[key]   # the continuation of a split paragraph, box or list
        parent = self._stack[-1]
        element = Element(role, parent, alt=alt, rank=self.rank)
        parent.kids.append(element)
        if key is not None:
            self._by_key[key] = element
        return element

    def _active(self, canvas: Any) -> bool:
        return (self._artifact_depth == 0 and self._leaf_depth == 0
                and getattr(canvas, "_formData", None) is None)

    @contextlib.contextmanager
    def leaf(self, canvas: Any, role: str, key: Any = None, alt: str | None = None,
             actual_text: str | None = None) -> Iterator[None]:
        if not self._active(canvas):
            yield
            return
        element = self._element(role, key, alt)
        if actual_text:   # the parts of a split paragraph add their text in reading order
            element.actual_text = f"{element.actual_text} {actual_text}" if element.actual_text else actual_text
        page = canvas.getPageNumber() - 1
        mcid = self._next_mcid[page]
        self._next_mcid[page] += 1
        element.kids.append(MarkedContent(page, mcid))
        annotations = len(canvas._annotationrefs)
        canvas._code.append(f"/{role} <</MCID {mcid}>> BDC")
        self._leaf_depth += 1
        try:
            yield
        finally:
            self._leaf_depth -= 1
            canvas._code.append("EMC")
        # Links drawn inside the leaf (reportlab adds them to the page's /Annots in drawing order).
        element.kids.extend(LinkAnnotation(page, index)
                            for index in range(annotations, len(canvas._annotationrefs)))

    @contextlib.contextmanager
    def group(self, canvas: Any, role: str, key: Any = None) -> Iterator[None]:
        if not self._active(canvas):
            yield
            return
        self._stack.append(self._element(role, key))
        try:
            yield
        finally:
            self._stack.pop()

    @contextlib.contextmanager
    def artifact(self, canvas: Any, kind: str | None = None) -> Iterator[None]:
        if not self._active(canvas):
            yield
            return
        canvas._code.append(f"/Artifact <</Type /{kind}>> BDC" if kind else "/Artifact BMC")
        self._artifact_depth += 1
        try:
            yield
        finally:
            self._artifact_depth -= 1
            canvas._code.append("EMC")

    # -- building -------------------------------------------------------------------------------------------
    def write(self, writer: Any) -> None:
        """Add the structure tree to a pypdf PdfWriter holding the PDF this tagger recorded."""
        _StructureWriter(writer, self).write()


# ---------------------------------------------------------------------------------------------------------------
# What the flowables call. Each is a no-op on a canvas without a tagger (measuring, booklets).


def tagger_of(canvas: Any) -> Tagger | None:
    return getattr(canvas, CANVAS_ATTRIBUTE, None)


def leaf(canvas: Any, role: str, key: Any = None, alt: str | None = None,
         actual_text: str | None = None) -> contextlib.AbstractContextManager:
    """Tag what is drawn inside as one content item of the element `key` (a new element of `role` if the key is
    new). `actual_text`: the element's text in logical order, for shaped and right-to-left paragraphs."""
    tagger = tagger_of(canvas)
    return tagger.leaf(canvas, role, key, alt, actual_text) if tagger else contextlib.nullcontext()


def group(canvas: Any, role: str, key: Any = None) -> contextlib.AbstractContextManager:
    tagger = tagger_of(canvas)
    return tagger.group(canvas, role, key) if tagger else contextlib.nullcontext()


def artifact(canvas: Any, kind: str | None = None) -> contextlib.AbstractContextManager:
    """Page furniture; kind "Pagination" for running headers, footers and page numbers, else layout."""
    tagger = tagger_of(canvas)
    return tagger.artifact(canvas, kind) if tagger else contextlib.nullcontext()


def actual_text_operator(text: str) -> str:
    """The operator that opens a span whose glyphs stand for `text` (closed by EMC): handouts.paragraph marks
    shaped clusters with it, inside their text objects, whether or not the document is tagged."""
    return f"/Span <</ActualText {_utf16_hex(text)}>> BDC"


def language_operator(lang: str) -> str:
    """The operator that opens a run in another language than the document's (closed by EMC): a marked-content
    property (PDF 1.7 §14.9.2.2) nested in the paragraph's own marked content, so the run needs no structure
    element and no MCID of its own, and the tree keeps one element per paragraph. `lang` is a BCP 47 tag,
    checked where it is read (handouts.content.langtags)."""
    if not (lang.isascii() and lang.replace("-", "").isalnum()):
        raise ValueError(f"not a language tag: {lang!r}")
    return f"/Span <</Lang ({lang})>> BDC"


def _utf16_hex(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


# ---------------------------------------------------------------------------------------------------------------
# Flowables that group what they draw


class ReadingRank(Flowable):
    """A zero-size marker: what is drawn after it is read in this rank. The tri-fold draws its panels in sheet
    order but is read cover first; the structure tree lists the Document's children by rank, then as drawn."""

    _ZEROSIZE = True

    def __init__(self, rank: int) -> None:
        super().__init__()
        self.rank = rank
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        tagger = tagger_of(self.canv)
        if tagger is not None:
            tagger.rank = self.rank


class TagTable(Table):
    """A reportlab Table whose cells are one structure group (`tag_role`, e.g. Div for a box, L for a checklist).
    A table split across columns or pages stays one group."""

    def __init__(self, *args: Any, tag_role: str = "Div", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tag_role = tag_role
        self._tag_key = object()

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        for part in parts:
            if isinstance(part, TagTable):
                part.tag_role, part._tag_key = self.tag_role, self._tag_key
        return parts

    def draw(self) -> None:
        with group(self.canv, self.tag_role, self._tag_key):
            super().draw()


class TagGroup(_Container, Flowable):
    """A few flowables drawn as nested structure groups, e.g. a checklist row's text as LI > LBody."""

    def __init__(self, flowables: list[Flowable], roles: tuple[str, ...]) -> None:
        Flowable.__init__(self)
        self._content = list(flowables)
        self.roles = roles
        self._keys = tuple(object() for _ in roles)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = _listWrapOn(self._content, availWidth, self.canv)
        return self.width, self.height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        with contextlib.ExitStack() as stack:
            for role, key in zip(self.roles, self._keys):
                stack.enter_context(group(canvas, role, key))
            _Container.drawOn(self, canvas, x, y, _sW)


class _TagLI(LIIndenter):
    """One flowable of a list item: L > LI > (Lbl for the bullet, LBody for the flowable)."""

    _IndenterAttrs = LIIndenter._IndenterAttrs + ["_tag_list", "_tag_item"]

    def split(self, aW: float, aH: float) -> list[Any]:
        out = []
        for part in super().split(aW, aH):
            tagged = _TagLI(part._flowable, part._leftIndent, part._rightIndent, part._bullet,
                            spaceBefore=part.__dict__.get("spaceBefore"), spaceAfter=part.__dict__.get("spaceAfter"))
            tagged._tag_list, tagged._tag_item = self._tag_list, self._tag_item
            out.append(tagged)
        return out

    def drawOn(self, canv: Any, x: float, y: float, _sW: float = 0) -> None:
        with group(canv, "L", self._tag_list), group(canv, "LI", self._tag_item):
            if self._bullet and self._bullet.value:
                with leaf(canv, "Lbl"):
                    self._bullet.drawOn(self, canv, x, y, 0)
            with group(canv, "LBody", (self._tag_item, "LBody")):
                self._flowable.drawOn(canv, x + self._leftIndent, y,
                                      max(0, _sW - self._leftIndent - self._rightIndent))


class TagList(ListFlowable):
    """reportlab's ListFlowable, tagged L > LI > Lbl + LBody; a list split across columns stays one L, and lists
    made with the same `tag_key` are one L (a box sets each item of a list in its own row)."""

    def __init__(self, *args: Any, tag_key: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tag_key = tag_key if tag_key is not None else object()

    def _makeLIIndenter(self, flowable: Any, bullet: Any, params: Any = None) -> LIIndenter:
        made = super()._makeLIIndenter(flowable, bullet, params)
        return _TagLI(made._flowable, made._leftIndent, made._rightIndent, made._bullet,
                      spaceBefore=made.__dict__.get("spaceBefore"), spaceAfter=made.__dict__.get("spaceAfter"))

    def _getContent(self) -> list[Any]:
        content = super()._getContent()
        list_key, item = self._tag_key, None
        for flowable in content:
            if isinstance(flowable, _TagLI):
                if flowable._bullet is not None or item is None:   # an item's first flowable carries its bullet
                    item = object()
                flowable._tag_list, flowable._tag_item = list_key, item
        return content


# ---------------------------------------------------------------------------------------------------------------
# The structure tree, written with pypdf

_MARKING = {b"m", b"re", b"Do", b"sh", b"INLINE IMAGE"}
_BREAKS = {b"q", b"Q", b"BT", b"ET", b"BMC", b"BDC", b"EMC"}
_TEXT_SHOWING = {b"Tj", b"TJ", b"'", b'"'}


def artifact_untagged_graphics(instructions: list) -> tuple[list, bool]:
    """Wrap each run of graphics drawn outside any marked content (and outside text objects) in
    `/Artifact BMC … EMC`. Runs stop at q/Q so that marked content and graphics states nest. Takes and returns
    pikepdf content-stream instructions, and says whether anything changed."""
    import pikepdf

    out: list = []
    depth = 0
    in_text = False
    open_run = False
    changed = False
    for instruction in instructions:
        operator = str(instruction.operator).encode("latin-1")
        if open_run and (operator in _BREAKS or operator in _TEXT_SHOWING):
            out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")))
            open_run = False
        if operator in (b"BMC", b"BDC"):
            depth += 1
        elif operator == b"EMC":
            depth = max(0, depth - 1)
        elif operator == b"BT":
            in_text = True
        elif operator == b"ET":
            in_text = False
        elif operator in _MARKING and depth == 0 and not in_text and not open_run:
            out.append(pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC")))
            open_run = changed = True
        out.append(instruction)
    if open_run:
        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")))
    return out, changed


def _parse(data: bytes, scratch: Any) -> list:
    """Content-stream instructions, parsed by qpdf (through pikepdf): several times faster than pypdf's
    pure-Python parser, which dominated the whole build's profile here. `scratch` is a throwaway pikepdf.Pdf
    that owns the stream while it is parsed."""
    import pikepdf

    return list(pikepdf.parse_content_stream(pikepdf.Stream(scratch, data)))


class _StructureWriter:
    def __init__(self, writer: Any, tagger: Tagger) -> None:
        self.writer = writer
        self.tagger = tagger
        self.pages = list(writer.pages)
        self.page_mcids: dict[int, dict[int, Any]] = defaultdict(dict)   # page -> MCID -> element reference
        self.links: list[tuple[Any, Any]] = []                             # (annotation, Link element reference)

    def write(self) -> None:
        from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, NameObject, NullObject, NumberObject

        w = self.writer
        tree_root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        tree_ref = w._add_object(tree_root)
        self.tagger.root.kids.sort(key=lambda kid: kid.rank if isinstance(kid, Element) else 0)   # stable
        self._split_links()
        document = self._element(self.tagger.root, tree_ref)
        tree_root[NameObject("/K")] = ArrayObject([document] if document is not None else [])
        # The parent tree: each page's StructParents key maps its MCIDs to their elements; each link
        # annotation's StructParent key maps to its Link element.
        nums = ArrayObject()
        key = 0
        for index, page in enumerate(self.pages):
            page[NameObject("/Tabs")] = NameObject("/S")
            mcids = self.page_mcids.get(index)
            if mcids:
                page[NameObject("/StructParents")] = NumberObject(key)
                nums += [NumberObject(key), ArrayObject(mcids.get(m, NullObject()) for m in range(max(mcids) + 1))]
                key += 1
            self._artifact_graphics(page)
        for annotation, element in self.links:
            annotation[NameObject("/StructParent")] = NumberObject(key)
            nums += [NumberObject(key), element]
            key += 1
        tree_root[NameObject("/ParentTree")] = w._add_object(DictionaryObject({NameObject("/Nums"): nums}))
        tree_root[NameObject("/ParentTreeNextKey")] = NumberObject(key)
        root = w._root_object
        root[NameObject("/StructTreeRoot")] = tree_ref
        root[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})

    def _element(self, element: Element, parent_ref: Any) -> Any:
        """Write one element and its descendants; returns its reference, or None when it has no content."""
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

        if not element.has_content():
            return None
        node = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                 NameObject("/S"): NameObject("/" + element.role),
                                 NameObject("/P"): parent_ref})
        ref = self.writer._add_object(node)
        if element.alt:
            node[NameObject("/Alt")] = TextStringObject(element.alt)
        if element.actual_text:
            node[NameObject("/ActualText")] = TextStringObject(element.actual_text)
        first_page = next((k.page for k in element.kids if isinstance(k, MarkedContent)), None)
        if first_page is not None:
            node[NameObject("/Pg")] = self.pages[first_page].indirect_reference
        kids = ArrayObject()
        for kid in element.kids:
            if isinstance(kid, Element):
                child = self._element(kid, ref)
                if child is not None:
                    kids.append(child)
            elif isinstance(kid, MarkedContent):
                self.page_mcids[kid.page][kid.mcid] = ref
                if kid.page == first_page:
                    kids.append(NumberObject(kid.mcid))
                else:
                    kids.append(DictionaryObject({NameObject("/Type"): NameObject("/MCR"),
                                                  NameObject("/Pg"): self.pages[kid.page].indirect_reference,
                                                  NameObject("/MCID"): NumberObject(kid.mcid)}))
            else:
                link = self._link(kid, ref, inside_link=element.role == "Link")
                if link is not None:
                    kids.append(link)
        node[NameObject("/K")] = kids[0] if len(kids) == 1 else kids
        return ref

    def _link(self, kid: LinkAnnotation, parent_ref: Any, inside_link: bool = False) -> Any:
        """The annotation as an object reference (OBJR), with a description (/Contents) when it has none.
        `inside_link`: the parent is the Link element that holds the link's text, and gets the OBJR itself;
        otherwise a Link element is made around it (a link whose text was not found)."""
        from pypdf.generic import DictionaryObject, NameObject, TextStringObject

        page = self.pages[kid.page]
        annots = page.get("/Annots")
        annots = annots.get_object() if annots is not None else []
        if kid.index >= len(annots):
            return None
        annotation_ref = annots[kid.index]
        annotation = annotation_ref.get_object()
        if annotation.get("/Subtype") != "/Link" or not hasattr(annotation_ref, "idnum"):
            return None
        action = annotation.get("/A")
        uri = action.get_object().get("/URI") if action is not None else None
        if uri is not None and "/Contents" not in annotation:
            annotation[NameObject("/Contents")] = TextStringObject(str(uri))
        objr = DictionaryObject({NameObject("/Type"): NameObject("/OBJR"), NameObject("/Obj"): annotation_ref,
                                 NameObject("/Pg"): page.indirect_reference})
        if inside_link:
            self.links.append((annotation, parent_ref))
            return objr
        node = DictionaryObject({
            NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Link"),
            NameObject("/P"): parent_ref, NameObject("/Pg"): page.indirect_reference, NameObject("/K"): objr})
        ref = self.writer._add_object(node)
        self.links.append((annotation, ref))
        return ref

    def _split_links(self) -> None:
        """Give each link's visible text marked content of its own (handouts.pdf.linktext) and a Link element
        inside the paragraph that holds that text and the annotation, as PDF/UA asks (7.18.5)."""
        import pikepdf
        from pypdf.generic import DecodedStreamObject

        from handouts.pdf.linktext import split_link_text

        drawn: dict[int, dict[int, list[int]]] = defaultdict(dict)   # page -> MCID -> annotations drawn in it

        def collect(element: Element) -> None:
            last: MarkedContent | None = None
            for kid in element.kids:
                if isinstance(kid, Element):
                    collect(kid)
                elif isinstance(kid, MarkedContent):
                    last = kid
                elif last is not None and last.page == kid.page:
                    drawn[kid.page].setdefault(last.mcid, []).append(kid.index)

        collect(self.tagger.root)
        became: dict[int, dict] = {}
        for page_index, by_mcid in sorted(drawn.items()):
            page = self.pages[page_index]
            annots = page.get("/Annots")
            annots = annots.get_object() if annots is not None else []
            links = {mcid: [(i, tuple(float(v) for v in annots[i].get_object()["/Rect"])) for i in indices
                            if i < len(annots) and annots[i].get_object().get("/Subtype") == "/Link"]
                     for mcid, indices in by_mcid.items()}
            with pikepdf.Pdf.new() as scratch:
                instructions, became[page_index] = split_link_text(
                    _parse(page.get_contents().get_data(), scratch), links, _font_metrics(page))
                stream = DecodedStreamObject()
                stream.set_data(pikepdf.unparse_content_stream(instructions))
            page.replace_contents(stream)
        if became:
            _regroup(self.tagger.root, became)

    def _artifact_graphics(self, page: Any) -> None:
        import pikepdf
        from pypdf.generic import DecodedStreamObject

        # A fresh scratch document per page: qpdf keeps every stream it was given, so a shared one would grow
        # with every page of every document a long build makes.
        with pikepdf.Pdf.new() as scratch:
            instructions, changed = artifact_untagged_graphics(_parse(page.get_contents().get_data(), scratch))
            if changed:
                stream = DecodedStreamObject()
                stream.set_data(pikepdf.unparse_content_stream(instructions))
                page.replace_contents(stream)
                page.compress_content_streams()


def _regroup(root: Element, became: dict[int, dict]) -> None:
    """After `split_link_text`: each element's content items by their new MCIDs, and a Link element (link text
    plus annotation) where a link's text was cut out of a paragraph's sequence."""
    def visit(element: Element) -> None:
        kids: list[Element | MarkedContent | LinkAnnotation] = []
        made: dict[int, Element] = {}   # annotation index -> the Link element holding its text
        placed: set[tuple[int, int]] = set()
        for kid in element.kids:
            if isinstance(kid, Element):
                visit(kid)
                kids.append(kid)
            elif isinstance(kid, MarkedContent) and kid.page in became:
                for segment in became[kid.page].get(kid.mcid, []):
                    item = MarkedContent(kid.page, segment.mcid)
                    link = next((made[a] for a in segment.annotations if a in made), None)
                    if not segment.annotations:
                        kids.append(item)
                    elif link is not None:
                        link.kids.append(item)
                    else:
                        link = Element("Link", element, [item], rank=element.rank)
                        kids.append(link)
                    for annotation in segment.annotations:
                        if (kid.page, annotation) not in placed:
                            placed.add((kid.page, annotation))
                            made[annotation] = link
                            link.kids.append(LinkAnnotation(kid.page, annotation))
            elif isinstance(kid, LinkAnnotation) and (kid.page, kid.index) in placed:
                continue
            else:
                kids.append(kid)
        element.kids = kids

    visit(root)


def _font_metrics(page: Any):
    """For handouts.pdf.linktext: a page font's code size and widths (1/1000 em), by resource name."""
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    fonts = fonts.get_object() if fonts is not None else {}
    cache: dict[str, Any] = {}

    def metrics(name: str) -> Any:
        if name not in cache:
            font = fonts.get(name)
            cache[name] = _widths(font.get_object()) if font is not None else None
        return cache[name]

    return metrics


def _widths(font: Any) -> Any:
    if font.get("/Subtype") == "/Type0":
        descendant = font["/DescendantFonts"][0].get_object()
        default = float(descendant.get("/DW", 1000))
        table: dict[int, float] = {}
        items = list(descendant.get("/W") or [])
        i = 0
        while i + 1 < len(items):
            first = int(items[i])
            second = items[i + 1].get_object() if hasattr(items[i + 1], "get_object") else items[i + 1]
            if isinstance(second, list):
                table.update({first + j: float(w) for j, w in enumerate(second)})
                i += 2
            elif i + 2 < len(items):
                table.update({c: float(items[i + 2]) for c in range(first, int(second) + 1)})
                i += 3
            else:
                break
        return 2, lambda code: table.get(code, default)
    first = int(font.get("/FirstChar", 0))
    widths = [float(w) for w in font.get("/Widths") or []]
    descriptor = font.get("/FontDescriptor")
    missing = float(descriptor.get_object().get("/MissingWidth", 0)) if descriptor is not None else 0.0
    return 1, lambda code: widths[code - first] if 0 <= code - first < len(widths) else missing
