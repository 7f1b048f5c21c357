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
2. While reportlab writes the file (handouts.pdf.finishing), with no PDF parsed back: as each page is shown,
   `Tagger.finish_page` gives each link's visible text marked content of its own (handouts.pdf.linktext, on
   the few pages whose paragraphs drew links) and marks the graphics drawn outside any leaf (box backgrounds
   and borders, rules, tick boxes, QR codes, link underlines) as artifacts; when the file is saved,
   `Tagger.write_tree` builds the structure tree (StructTreeRoot → Document → H1/H2/H3, P, L/LI/Lbl/LBody,
   Figure with /Alt, Div), objects of reportlab's document written as ready bytes: the /ParentTree, page
   /StructParents and `/Tabs /S`, Link elements for the link annotations (each holding the annotation as an
   OBJR and the link's visible text, as PDF/UA asks) and `/MarkInfo <</Marked true>>`. Text is never made an artifact: text
   outside a leaf is a bug the tests catch.
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
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator

from reportlab.pdfbase import pdfdoc as rl
from reportlab.platypus import Flowable, ListFlowable, Table
from reportlab.platypus.flowables import LIIndenter, _Container, _listWrapOn

from handouts.pdf.pdfbytes import text_string

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
        # Filled as pages are shown (finish_page) and read when the file is saved (write_tree):
        self._links_drawn: dict[int, dict[int, list[int]]] = defaultdict(dict)   # page -> MCID -> annotations
        self._annotations: dict[int, list[Any]] = {}   # page -> its annotation objects, in /Annots order
        self._became: dict[int, dict] = {}             # page -> what each MCID became (handouts.pdf.linktext)

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

    def leaf(self, canvas: Any, role: str, key: Any = None, alt: str | None = None,
             actual_text: str | None = None) -> contextlib.AbstractContextManager:
        if not self._active(canvas):
            return _NOTHING
        return _Leaf(self, canvas, role, key, alt, actual_text)

    def group(self, canvas: Any, role: str, key: Any = None) -> contextlib.AbstractContextManager:
        return _Group(self, canvas, role, key)

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

    # -- writing (handouts.pdf.finishing calls these while reportlab writes the file) -------------------------
    def finish_page(self, canvas: Any) -> bool:
        """Before the page is shown: give each link's visible text marked content of its own
        (handouts.pdf.linktext) and mark the graphics drawn outside any leaf as artifacts, in the page's content
        as reportlab holds it (canvas._code); remember the page's annotations for the tree. True when the
        content now holds bytes that are not ASCII (qpdf writes some strings as raw bytes), which the page's
        stream must then be written as (reportlab would encode text as UTF-8)."""
        page = canvas.getPageNumber() - 1
        doc = canvas._doc
        annotations = [doc.idToObject[ref.name] for ref in canvas._annotationrefs]
        self._annotations[page] = annotations
        code = canvas._code
        by_mcid = self._links_drawn.get(page)
        if by_mcid:
            links = {mcid: [(i, _rect(annotations[i])) for i in indices
                            if i < len(annotations) and _is_link(annotations[i])]
                     for mcid, indices in by_mcid.items()}
            code, self._became[page] = _split_page_links(canvas, code, links)
        canvas._code = artifact_untagged_graphics(code)
        return bool(by_mcid) and not all(entry.isascii() for entry in canvas._code)

    def write_tree(self, canvas: Any) -> None:
        """When the file is saved: the structure tree of everything recorded, into reportlab's document."""
        if self._became:
            _regroup(self.root, self._became)
            self._became = {}
        _StructureWriter(canvas._doc, self).write()


_NOTHING = contextlib.nullcontext()


class _Group:
    """A structure group around what is drawn inside it (Tagger.group): a plain context manager, as _Leaf, since
    every list item opens three and every box one, in every document."""

    __slots__ = ("tagger", "canvas", "role", "key", "opened")

    def __init__(self, tagger: Tagger, canvas: Any, role: str, key: Any) -> None:
        self.tagger, self.canvas, self.role, self.key = tagger, canvas, role, key
        self.opened = False

    def __enter__(self) -> None:
        tagger = self.tagger
        if tagger._active(self.canvas):
            tagger._stack.append(tagger._element(self.role, self.key))
            self.opened = True

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
        if self.opened:
            self.opened = False
            self.tagger._stack.pop()
        return False


class _Leaf:
    """One leaf's marked content (Tagger.leaf): a plain context manager, since every paragraph, heading, label
    and figure of every try of a leaflet's spacing opens one."""

    __slots__ = ("tagger", "canvas", "element", "page", "mcid", "annotations")

    def __init__(self, tagger: Tagger, canvas: Any, role: str, key: Any, alt: str | None,
                 actual_text: str | None) -> None:
        element = tagger._element(role, key, alt)
        if actual_text:   # the parts of a split paragraph add their text in reading order
            element.actual_text = f"{element.actual_text} {actual_text}" if element.actual_text else actual_text
        page = canvas.getPageNumber() - 1
        mcid = tagger._next_mcid[page]
        tagger._next_mcid[page] += 1
        element.kids.append(MarkedContent(page, mcid))
        self.tagger, self.canvas, self.element, self.page, self.mcid = tagger, canvas, element, page, mcid
        self.annotations = len(canvas._annotationrefs)
        canvas._code.append(f"/{role} <</MCID {mcid}>> BDC")

    def __enter__(self) -> None:
        self.tagger._leaf_depth += 1

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
        tagger, canvas = self.tagger, self.canvas
        tagger._leaf_depth -= 1
        canvas._code.append("EMC")
        if kind is None:
            # Links drawn inside the leaf (reportlab adds them to the page's /Annots in drawing order).
            drawn = range(self.annotations, len(canvas._annotationrefs))
            if drawn:
                self.element.kids.extend(LinkAnnotation(self.page, index) for index in drawn)
                tagger._links_drawn[self.page].setdefault(self.mcid, []).extend(drawn)
        return False


# ---------------------------------------------------------------------------------------------------------------
# What the flowables call. Each is a no-op on a canvas without a tagger (measuring, booklets).


def tagger_of(canvas: Any) -> Tagger | None:
    return getattr(canvas, CANVAS_ATTRIBUTE, None)


def leaf(canvas: Any, role: str, key: Any = None, alt: str | None = None,
         actual_text: str | None = None) -> contextlib.AbstractContextManager:
    """Tag what is drawn inside as one content item of the element `key` (a new element of `role` if the key is
    new). `actual_text`: the element's text in logical order, for shaped and right-to-left paragraphs."""
    tagger = tagger_of(canvas)
    return tagger.leaf(canvas, role, key, alt, actual_text) if tagger else _NOTHING


def group(canvas: Any, role: str, key: Any = None) -> contextlib.AbstractContextManager:
    tagger = tagger_of(canvas)
    return _Group(tagger, canvas, role, key) if tagger else _NOTHING


def artifact(canvas: Any, kind: str | None = None) -> contextlib.AbstractContextManager:
    """Page furniture; kind "Pagination" for running headers, footers and page numbers, else layout."""
    tagger = tagger_of(canvas)
    return tagger.artifact(canvas, kind) if tagger else contextlib.nullcontext()


@lru_cache(maxsize=8192)
def actual_text_operator(text: str) -> str:
    """The operator that opens a span whose glyphs stand for `text` (closed by EMC): handouts.paragraph marks
    shaped clusters with it, inside their text objects, whether or not the document is tagged. Kept by text:
    an Arabic or Hindi leaflet marks the same letters and syllables thousands of times."""
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
# The page content: artifacts and link texts, on the code reportlab holds for a page

_MARKING = frozenset({"m", "re", "Do", "sh", "BI"})
_BREAKS = frozenset({"q", "Q", "BT", "ET", "BMC", "BDC", "EMC"})
_TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})
_ARTIFACT_OPEN, _CLOSE = "/Artifact BMC", "EMC"


def artifact_untagged_graphics(code: list[str]) -> list[str]:
    """Wrap each run of graphics drawn outside any marked content (and outside text objects) in
    `/Artifact BMC … EMC`. Runs stop at q/Q so that marked content and graphics states nest.

    `code` is a page's content as reportlab's canvas holds it (`canvas._code`): one entry per drawing call, a
    whole text object (`BT … ET`) as one entry, or one instruction per entry (what handouts.pdf.linktext gives
    back). An entry that mixes graphics with q/Q or marked-content operators is taken apart into its
    instructions first. One pass over the entries; what an entry outside text objects holds is worked out once
    per process for the same entry (`_parts`): the same few hundred operators (q, Q, colours, the leaves'
    BDC and EMC) make most of every page."""
    out: list[str] = []
    append = out.append
    depth = 0
    in_text = False
    open_run = False
    kept = _KEPT_PARTS
    for entry in code:
        if in_text or entry.startswith("BT"):
            operators = _operators(entry)
            if operators:
                if open_run:
                    append(_CLOSE)
                    open_run = False
                in_text = operators[-1] != "ET"
            append(entry)
            continue
        parts = kept.get(entry)
        if parts is None:
            parts = _parts(entry)
            if len(kept) >= _PARTS_KEPT:
                kept.clear()
            kept[entry] = parts
        if parts is _NO_OPERATORS:
            append(entry)
            continue
        if parts is _STARTS_TEXT:   # graphics state set, then a text object opened, in one entry
            if open_run:
                append(_CLOSE)
                open_run = False
            in_text = _operators(entry)[-1] != "ET"
            append(entry)
            continue
        for text, breaks, marking, nesting in parts:
            if breaks:
                if open_run:
                    append(_CLOSE)
                    open_run = False
                for step in nesting:
                    depth = depth + 1 if step > 0 else max(0, depth - 1)
            elif marking and depth == 0 and not open_run:
                append(_ARTIFACT_OPEN)
                open_run = True
            append(text)
    if open_run:
        append(_CLOSE)
    return out


# (text, breaks a run, draws, marked-content steps: +1 for BMC/BDC, -1 for EMC) for each instruction of an entry
_Part = tuple[str, bool, bool, tuple[int, ...]]
_NO_OPERATORS: tuple[_Part, ...] = ()
_STARTS_TEXT: tuple[_Part, ...] = (("", True, False, ()),)   # a marker: the entry's first operator is BT
_PARTS_KEPT = 4096   # entries kept (a few pages' worth); the cache is emptied when full
_KEPT_PARTS: dict[str, tuple[_Part, ...]] = {}


def _parts(entry: str) -> tuple[_Part, ...]:
    """What artifact_untagged_graphics needs of an entry outside text objects, which does not start one: its
    instructions (the entry whole unless it mixes graphics with q/Q or marked content), and for each whether it
    breaks a run of graphics (q/Q, BT/ET, marked content, text showing), whether it draws, and how it nests
    marked content. _NO_OPERATORS for an entry without operators that matter, _STARTS_TEXT for one whose first
    operator opens a text object."""
    operators = _operators(entry)
    if not operators:
        return _NO_OPERATORS
    if operators[0] == "BT":
        return _STARTS_TEXT
    if len(operators) > 1 and not _BREAKS.isdisjoint(operators) and "(" not in entry:
        instructions = _instructions(entry)
    else:
        instructions = [(entry, operators)]
    parts = []
    for text, ops in instructions:
        breaks = not _BREAKS.isdisjoint(ops) or not _TEXT_SHOWING.isdisjoint(ops)
        nesting = tuple(1 if op in ("BMC", "BDC") else -1 for op in ops if op in ("BMC", "BDC", "EMC"))
        parts.append((text, breaks, not _MARKING.isdisjoint(ops), nesting))
    return tuple(parts)


_TOKEN = re.compile(r"\S+")
# The operators that matter here, found in one pass of the regular expression engine: most entries hold none.
_RELEVANT = re.compile(r"(?<!\S)(q|Q|BT|ET|BMC|BDC|EMC|m|re|Do|sh|BI|Tj|TJ|'|\")(?!\S)")


def _operators(entry: str) -> list[str]:
    """The operators of a content entry that open or close something or draw (q/Q, BT/ET, marked content,
    path construction, XObjects, shadings, inline images, text showing), in order. An entry that starts a text
    object gives BT and its last operator (ET when it holds the whole object): what is inside does not matter
    here. Entries outside text objects hold no strings, so tokens are what whitespace separates."""
    if entry.startswith("BT"):
        return ["BT", entry.rsplit(None, 1)[-1]]
    return _RELEVANT.findall(entry)


def _is_operator(token: str) -> bool:
    first = token[0]
    return (first.isalpha() or first in "'\"") and not token.startswith(("true", "false", "null"))


def _instructions(entry: str) -> list[tuple[str, list[str]]]:
    """An entry without strings, taken apart into its instructions: (text, [operator])."""
    parts: list[tuple[str, list[str]]] = []
    operands: list[str] = []
    for token in _TOKEN.findall(entry):
        operands.append(token)
        if _is_operator(token):
            parts.append((" ".join(operands), [token]))
            operands = []
    if operands:
        parts.append((" ".join(operands), []))
    return parts


def _is_link(annotation: Any) -> bool:
    """A link annotation as reportlab makes it: canvas.linkURL's dictionary or linkRect's LinkAnnotation."""
    if isinstance(annotation, rl.LinkAnnotation):
        return True
    return isinstance(annotation, rl.PDFDictionary) and annotation.dict.get("Subtype") == "/Link"


def _rect(annotation: Any) -> tuple[float, float, float, float]:
    rect = annotation.dict["Rect"] if isinstance(annotation, rl.PDFDictionary) else annotation.Rect
    values = rect.sequence if isinstance(rect, rl.PDFArray) else rect
    return tuple(float(v) for v in values)   # type: ignore[return-value]


def _split_page_links(canvas: Any, code: list[str], links: dict) -> tuple[list[str], dict]:
    """handouts.pdf.linktext on one page's content: parsed by qpdf (through pikepdf) only on a page whose
    paragraphs drew links, with the page's fonts as reportlab holds them. The page's preamble (its initial
    font) is parsed with it for the text state and left out of what comes back, as reportlab writes it again."""
    import pikepdf

    from handouts.pdf.linktext import split_link_text

    preamble = canvas._preamble
    with pikepdf.Pdf.new() as scratch:
        head = len(_parse(preamble.encode("utf-8"), scratch))
        instructions = _parse(("\n".join([preamble, *code])).encode("utf-8"), scratch)
        instructions, became = split_link_text(instructions, links, _font_metrics(canvas))
        text = pikepdf.unparse_content_stream(instructions[head:]).decode("latin-1")   # bytes as they are
    return text.split("\n"), became


def _parse(data: bytes, scratch: Any) -> list:
    """Content-stream instructions, parsed by qpdf (through pikepdf). `scratch` is a throwaway pikepdf.Pdf
    that owns the stream while it is parsed."""
    import pikepdf

    return list(pikepdf.parse_content_stream(pikepdf.Stream(scratch, data)))


# ---------------------------------------------------------------------------------------------------------------
# The structure tree, written into reportlab's document before it formats the file


class _Ready(rl.PDFObject):
    """An object of the structure tree, written as bytes when the tree is written. reportlab's PDFDictionary
    formats every key and value through its general `format` (names escaped character by character, keys
    sorted, recursively): a tree of hundreds of elements took longer to format than the rest of the file. The
    tree's objects refer to objects reportlab has already numbered (it numbers an object when it is first
    referenced), so their bytes are known then; only their text strings (/Alt, /ActualText) are left to the
    moment reportlab writes the object (handouts.pdf.pdfbytes.text_string; an encrypting document encrypts
    them with the object's number)."""

    def __init__(self) -> None:
        self.parts: list[bytes | rl.PDFString] = []

    def format(self, document: Any) -> bytes:
        return b"".join(part if isinstance(part, bytes) else text_string(part, document) for part in self.parts)


@lru_cache(maxsize=256)
def _name(role: str) -> bytes:
    """A role as a PDF name, as reportlab escapes it."""
    return rl.PDFName(role).encode("ascii")


def _array(items: list[bytes]) -> bytes:
    return b"[" + b" ".join(items) + b"]"


class _StructureWriter:
    """The tree's objects, registered with reportlab's document in reading order (each element before its
    children, the parent tree last) and written as bytes (`_Ready`). A dictionary is written `<</Key value …>>`
    with its keys in the order set and single spaces, an array `[a b]`."""

    def __init__(self, doc: Any, tagger: Tagger) -> None:
        self.doc = doc
        self.tagger = tagger
        self.numbers = doc.idToObjectNumberAndVersion
        self.page_mcids: dict[int, dict[int, bytes]] = defaultdict(dict)   # page -> MCID -> element reference
        self.links: list[tuple[Any, bytes]] = []                             # (annotation, Link element reference)
        self._pages: dict[int, bytes] = {}

    def ref(self, obj: Any) -> bytes:
        """Register `obj` (if it is not yet) and give its reference, `n 0 R`."""
        return b"%d %d R" % self.numbers[self.doc.Reference(obj).name]

    def page_ref(self, index: int) -> bytes:
        found = self._pages.get(index)
        if found is None:   # how PDFDocument.addPage names its pages
            found = self._pages[index] = b"%d %d R" % self.numbers[f"Page{index + 1}"]
        return found

    def write(self) -> None:
        doc = self.doc
        tree_root = _Ready()
        tree = doc.Reference(tree_root)
        tree_ref = b"%d %d R" % self.numbers[tree.name]
        self.tagger.root.kids.sort(key=lambda kid: kid.rank if isinstance(kid, Element) else 0)   # stable
        document = self._element(self.tagger.root, tree_ref)
        # The parent tree: each page's StructParents key maps its MCIDs to their elements; each link
        # annotation's StructParent key maps to its Link element.
        nums: list[bytes] = []
        key = 0
        for index, page in enumerate(doc.Pages.pages):
            extra = ["Tabs"]
            page.Tabs = rl.PDFName("S")
            mcids = self.page_mcids.get(index)
            if mcids:
                page.StructParents = key
                extra.append("StructParents")
                nums += [b"%d" % key, _array([mcids.get(m, b"null") for m in range(max(mcids) + 1)])]
                key += 1
            page.__NoDefault__ = [*type(page).__NoDefault__, *extra]   # keys reportlab's PDFPage does not know
        for annotation, element in self.links:
            _set_annotation_key(annotation, "StructParent", key)
            nums += [b"%d" % key, element]
            key += 1
        parent_tree = _Ready()
        parent_tree.parts.append(b"<</Nums " + _array(nums) + b">>")
        tree_root.parts.append(b"<</Type /StructTreeRoot /K %s /ParentTree %s /ParentTreeNextKey %d>>"
                               % (_array([document] if document is not None else []), self.ref(parent_tree), key))
        catalog = doc.Catalog
        catalog.StructTreeRoot = tree
        catalog.MarkInfo = rl.PDFDictionary({"Marked": rl.PDFtrue})

    def _element(self, element: Element, parent_ref: bytes) -> bytes | None:
        """Write one element and its descendants; returns its reference, or None when it has no content."""
        if not element.has_content():
            return None
        node = _Ready()
        ref = self.ref(node)
        parts = node.parts
        parts.append(b"<</Type /StructElem /S %s /P %s" % (_name(element.role), parent_ref))
        if element.alt:
            parts += [b" /Alt ", rl.PDFString(element.alt)]
        if element.actual_text:
            parts += [b" /ActualText ", rl.PDFString(element.actual_text)]
        first_page = next((k.page for k in element.kids if isinstance(k, MarkedContent)), None)
        if first_page is not None:
            parts.append(b" /Pg " + self.page_ref(first_page))
        kids: list[bytes] = []
        for kid in element.kids:
            if isinstance(kid, Element):
                child = self._element(kid, ref)
                if child is not None:
                    kids.append(child)
            elif isinstance(kid, MarkedContent):
                self.page_mcids[kid.page][kid.mcid] = ref
                if kid.page == first_page:
                    kids.append(b"%d" % kid.mcid)
                else:
                    kids.append(b"<</Type /MCR /Pg %s /MCID %d>>" % (self.page_ref(kid.page), kid.mcid))
            else:
                link = self._link(kid, ref, inside_link=element.role == "Link")
                if link is not None:
                    kids.append(link)
        parts.append(b" /K " + (kids[0] if len(kids) == 1 else _array(kids)) + b">>")
        return ref

    def _link(self, kid: LinkAnnotation, parent_ref: bytes, inside_link: bool = False) -> bytes | None:
        """The annotation as an object reference (OBJR), with a description (/Contents) when it has none.
        `inside_link`: the parent is the Link element that holds the link's text, and gets the OBJR itself;
        otherwise a Link element is made around it (a link whose text was not found)."""
        annotations = self.tagger._annotations.get(kid.page, [])
        if kid.index >= len(annotations) or not _is_link(annotations[kid.index]):
            return None
        annotation = annotations[kid.index]
        if isinstance(annotation, rl.PDFDictionary):
            action = annotation.dict.get("A")
            uri = action.dict.get("URI") if isinstance(action, rl.PDFDictionary) else None
            if uri is not None and "Contents" not in annotation:
                annotation["Contents"] = uri
        page = self.page_ref(kid.page)
        objr = b"<</Type /OBJR /Obj %s /Pg %s>>" % (self.ref(annotation), page)
        if inside_link:
            self.links.append((annotation, parent_ref))
            return objr
        node = _Ready()
        ref = self.ref(node)
        node.parts.append(b"<</Type /StructElem /S /Link /P %s /Pg %s /K %s>>" % (parent_ref, page, objr))
        self.links.append((annotation, ref))
        return ref


def _set_annotation_key(annotation: Any, key: str, value: Any) -> None:
    """A key on a link annotation: canvas.linkURL makes a dictionary; linkRect's LinkAnnotation checks its
    keys against a list, which this annotation's own copy is widened for."""
    if isinstance(annotation, rl.PDFDictionary):
        annotation[key] = value
    else:
        annotation.permitted = (*type(annotation).permitted, key)
        annotation.otherkw[key] = value


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


def _font_metrics(canvas: Any):
    """For handouts.pdf.linktext: a page font's code size and widths (1/1000 em), by resource name, from the
    fonts as reportlab holds them (a TrueType subset's codes are one byte each, `/F1+0`)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    doc = canvas._doc
    names = {internal.lstrip("/"): name for name, internal in doc.fontMapping.items()}
    cache: dict[str, Any] = {}

    def metrics(resource: str) -> Any:
        if resource not in cache:
            internal, _, subset = resource.lstrip("/").partition("+")
            name = names.get(internal)
            font = pdfmetrics.getFont(name) if name is not None else None
            if isinstance(font, TTFont):
                state = font.state.get(doc)
                subsets = state.subsets if state is not None else []
                index = int(subset) if subset.isdigit() else 0
                codes = subsets[index] if index < len(subsets) else []
                width = font.face.getCharWidth
                cache[resource] = (1, lambda code: float(width(codes[code])) if 0 <= code < len(codes) else 0.0)
            elif font is not None and getattr(font, "widths", None):
                widths = font.widths
                cache[resource] = (1, lambda code: float(widths[code]) if 0 <= code < len(widths) else 0.0)
            else:
                cache[resource] = None
        return cache[resource]

    return metrics
