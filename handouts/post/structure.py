"""Carry tagged structure from source PDFs into a PDF made of their pages (a merged packet, an imposed booklet).

A structure element finds its content through the page (/Pg) and a marked-content id (MCID) in that page's
stream, or through an MCR dictionary that names the page and, when the content sits in a form XObject, that
stream (/Stm, PDF 1.7 §14.7.4.2); links through an OBJR that names the annotation. Moving pages into another
file, or drawing them as form XObjects on a sheet, changes every one of those objects, so the elements cannot be
copied as they are: `StructureCopier` rebuilds each element in the target with its references re-pointed at
where the content now is, and then rebuilds the parent tree (the reverse map from each stream's
/StructParents and each annotation's /StructParent to the elements) from what it copied, with keys numbered
afresh. Rebuilding it, rather than renumbering the sources' trees, means the tree always matches the content:
an MCID the copy does not reach (a dropped annotation, a page left out) cannot leave a dangling entry.

Works with pikepdf, which copies foreign objects (fonts, images, attributes) with everything they refer to, once
per source file. Pure: the same sources and calls give the same objects in the same order.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject

from handouts.dates import source_date_epoch
from handouts.post.postprocess import add_xmp_metadata, claim_pdf_17, drop_unmapped_codes


MAX_DEPTH = 200   # far deeper than any real document; a deeper tree is damaged or hostile


class DamagedStructure(ValueError):
    """A source's structure tree cannot be followed: a cycle, absurd depth, a kid of the wrong kind."""


@dataclass(frozen=True)
class Location:
    """Where a source page's marked content is in the target: the page that shows it and, when it was drawn
    there as a form XObject, that stream (whose own /StructParents the parent tree then maps)."""

    page: pikepdf.Object
    stream: pikepdf.Object | None = None


# A source page's (object number, generation) -> its Location, or None when the page is not in the target.
Locate = Callable[[tuple[int, int]], "Location | None"]
# A source annotation -> the target annotation that replaces it, or None when it was dropped.
MapAnnotation = Callable[[pikepdf.Object], "pikepdf.Object | None"]


def _kids(value: pikepdf.Object | None) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _objgen(obj: pikepdf.Object) -> tuple[int, int]:
    return obj.objgen


def _mcid(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise DamagedStructure(f"a marked-content reference has MCID {value!r}, not a number")
    return value


def foreign_value(target: pikepdf.Pdf, value: object) -> object:
    """`value` of another file, made usable in `target`: indirect objects copied with what they refer to,
    direct dictionaries and arrays rebuilt (they cannot be shared with another file), scalars as they are."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return target.copy_foreign(value)
    if isinstance(value, Array):
        return Array([foreign_value(target, v) for v in value])
    if isinstance(value, Dictionary):
        return Dictionary({k: foreign_value(target, value[k]) for k in value.keys()})
    return value


@dataclass
class StructureCopier:
    """Copies structure elements of one or more source files into `target`; `finish` writes the tree."""

    target: pikepdf.Pdf
    role_map: dict[str, pikepdf.Object] = field(default_factory=dict)
    class_map: dict[str, pikepdf.Object] = field(default_factory=dict)
    _owners: list[pikepdf.Object] = field(default_factory=list)          # pages and forms with MCIDs, in order
    _mcids: dict[tuple[int, int], dict[int, pikepdf.Object]] = field(default_factory=dict)
    _links: list[tuple[pikepdf.Object, pikepdf.Object]] = field(default_factory=list)   # (annotation, element)
    _seen: set[tuple[int, int]] = field(default_factory=set)   # the current source's elements copied so far

    def copy_children(self, source: pikepdf.Pdf, parent: pikepdf.Object, locate: Locate,
                      annotation: MapAnnotation) -> list[pikepdf.Object]:
        """The children of `source`'s top element (its Document, or the tree root's kids when it has none),
        copied under `parent` in order; the source's role and class maps are merged (the first meaning of a
        name wins)."""
        root = source.Root.get("/StructTreeRoot")
        if root is None:
            return []
        self._seen = set()
        for role, meaning in (root.get("/RoleMap") or {}).items():
            self.role_map.setdefault(str(role), self._value(meaning))
        for name, attributes in (root.get("/ClassMap") or {}).items():
            self.class_map.setdefault(str(name), self._value(attributes))
        tops = [k for k in _kids(root.get("/K")) if isinstance(k, Dictionary)]
        if len(tops) == 1 and tops[0].get("/S") == "/Document":
            tops = [k for k in _kids(tops[0].get("/K")) if isinstance(k, Dictionary)]
        copied = []
        for top in tops:
            element = self._element(source, top, parent, locate, annotation, 0)
            if element is not None:
                copied.append(element)
        return copied

    def top_attributes(self, source: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
        """/Lang, /Alt and the like of the source's Document element, to carry onto what replaces it."""
        root = source.Root.get("/StructTreeRoot")
        tops = [k for k in _kids(root.get("/K")) if isinstance(k, Dictionary)] if root is not None else []
        if len(tops) != 1 or tops[0].get("/S") != "/Document":
            return {}
        return {key: self._value(tops[0][key]) for key in ("/Lang", "/Alt", "/E", "/ActualText", "/T")
                if key in tops[0]}

    # -- one element ----------------------------------------------------------------------------------------
    def _element(self, source: pikepdf.Pdf, node: pikepdf.Object, parent: pikepdf.Object, locate: Locate,
                 annotation: MapAnnotation, depth: int) -> pikepdf.Object | None:
        """Copy `node` and its descendants; None when none of its content reaches the target."""
        if depth > MAX_DEPTH:
            raise DamagedStructure(f"the structure tree is more than {MAX_DEPTH} levels deep")
        if node.is_indirect:
            if node.objgen in self._seen:
                raise DamagedStructure(f"structure element {node.objgen[0]} appears twice in the tree (a cycle)")
            self._seen.add(node.objgen)
        element = self.target.make_indirect(Dictionary(Type=Name.StructElem))
        source_page = node.get("/Pg")
        default = locate(_objgen(source_page)) if source_page is not None else None
        for key in node.keys():
            if key in ("/P", "/K", "/Pg", "/Type"):
                continue
            element[key] = self._value(node[key])
        element.P = parent
        if default is not None:
            element.Pg = default.page
        kids: list[pikepdf.Object] = []
        for kid in _kids(node.get("/K")):
            copied = self._kid(source, kid, element, default, locate, annotation, depth)
            if copied is not None:
                kids.append(copied)
        if not kids and node.get("/K") is not None:
            return None   # all of its content was left out (a dropped link): the element would be empty
        if kids:
            element.K = kids[0] if len(kids) == 1 else Array(kids)
        if "/Pg" not in element:   # an element without content of its own: take its first kid's page
            first = next((k.get("/Pg") for k in kids if isinstance(k, Dictionary) and "/Pg" in k), None)
            if first is not None:
                element.Pg = first
        return element

    def _kid(self, source: pikepdf.Pdf, kid: pikepdf.Object, element: pikepdf.Object, default: Location | None,
             locate: Locate, annotation: MapAnnotation, depth: int) -> pikepdf.Object | None:
        if isinstance(kid, int):   # pikepdf gives numbers as Python ints
            return self._content(_mcid(kid), default, element) if default is not None else None
        if not isinstance(kid, Dictionary):
            return None
        kind = kid.get("/Type")
        if kind == "/MCR":
            page = kid.get("/Pg")
            where = locate(_objgen(page)) if page is not None else default
            if where is None:
                return None
            if "/Stm" in kid:   # content already in a form XObject (a booklet merged into a packet)
                where = Location(where.page, self.target.copy_foreign(kid.Stm))
            return self._content(_mcid(kid.get("/MCID")), where, element)
        if kind == "/OBJR":
            if not isinstance(kid.get("/Obj"), Dictionary):
                raise DamagedStructure("an object reference (OBJR) names no annotation")
            target = annotation(kid.Obj)
            if target is None:
                return None
            self._links.append((target, element))
            objr = Dictionary(Type=Name.OBJR, Obj=target)
            page = target.get("/P")
            if page is not None:
                objr.Pg = page
            return objr
        return self._element(source, kid, element, locate, annotation, depth + 1)

    def _content(self, mcid: int, where: Location, element: pikepdf.Object) -> pikepdf.Object:
        """Record MCID `mcid` of `where` as `element`'s, and the kid that points at it: the bare number when it
        is in the content of the element's own page, an MCR otherwise."""
        owner = where.stream if where.stream is not None else where.page
        key = _objgen(owner)
        if key not in self._mcids:
            self._owners.append(owner)
            self._mcids[key] = {}
        self._mcids[key][mcid] = element
        if where.stream is None and "/Pg" in element and _objgen(element.Pg) == _objgen(where.page):
            return mcid
        mcr = Dictionary(Type=Name.MCR, Pg=where.page, MCID=mcid)
        if where.stream is not None:
            mcr.Stm = where.stream
        return mcr

    def _value(self, value: pikepdf.Object) -> pikepdf.Object:
        return foreign_value(self.target, value)

    # -- the tree -------------------------------------------------------------------------------------------
    def finish(self, document: pikepdf.Object, order: list[pikepdf.Object] | None = None) -> None:
        """Write the StructTreeRoot over `document` (already holding its children), the parent tree (the
        streams' keys first, in `order` when given, else as met; then the annotations') and /MarkInfo."""
        pdf = self.target
        tree = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
        document.P = tree
        owners = list(self._owners)
        if order is not None:
            rank = {_objgen(o): i for i, o in enumerate(order)}
            owners.sort(key=lambda o: rank.get(_objgen(o), len(rank)))
        nums: list[pikepdf.Object] = []
        key = 0
        for owner in owners:
            mcids = self._mcids[_objgen(owner)]
            owner.StructParents = key
            nums += [key, pdf.make_indirect(Array([mcids.get(m, None) for m in range(max(mcids) + 1)]))]
            key += 1
        for annot, element in self._links:
            annot.StructParent = key
            nums += [key, element]
            key += 1
        tree.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))
        tree.ParentTreeNextKey = key
        if self.role_map:
            tree.RoleMap = Dictionary(dict(sorted(self.role_map.items())))
        if self.class_map:
            tree.ClassMap = Dictionary(dict(sorted(self.class_map.items())))
        pdf.Root.StructTreeRoot = tree
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        for page in pdf.pages:
            page.obj.Tabs = Name.S


def info_moment(info: dict) -> _dt.datetime:
    """The moment the XMP packet states: SOURCE_DATE_EPOCH when set, else the source's own /ModDate (the leaflet's
    publication date), else the epoch. Never the clock, so a rebuild gives the same bytes."""
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    match = re.match(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", str(info.get("/ModDate", "") or ""))
    if match:
        parts = [int(p) if p else d for p, d in zip(match.groups(), (1970, 1, 1, 0, 0, 0))]
        try:
            return _dt.datetime(*parts, tzinfo=_dt.timezone.utc)
        except ValueError:
            pass
    return _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def save_tagged(pdf: pikepdf.Pdf, *, file_id: tuple[bytes, bytes], conforming: bool = True) -> bytes:
    """Finish a tagged PDF made with pikepdf as a leaflet is finished: the viewer shows the title and the
    bookmarks, XMP mirrors the document information (`postprocess.add_xmp_metadata`, which works on pypdf), the
    ToUnicode maps lose their entries to U+0000 (the notes pages' font comes straight from reportlab), and the
    identifier is `file_id`, so the same sources give the same bytes. `conforming`: every page comes from a
    tagged source, so the file claims PDF/UA-1 and PDF 1.7 as a tagged leaflet does (a packet with an untagged
    part makes no claim)."""
    pdf.Root.PageMode = Name.UseOutlines
    prefs = pdf.Root.get("/ViewerPreferences")
    if not isinstance(prefs, Dictionary):
        pdf.Root.ViewerPreferences = prefs = Dictionary()
    prefs.DisplayDocTitle = True
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, compress_streams=True)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    add_xmp_metadata(writer, info_moment(dict(writer.metadata or {})), pdfua=conforming)
    drop_unmapped_codes(writer)
    if conforming:
        claim_pdf_17(writer)
    writer._ID = ArrayObject([ByteStringObject(file_id[0]), ByteStringObject(file_id[1])])
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def digest(*chunks: bytes) -> bytes:
    """A stable 16-byte identifier of some input (MD5: an identifier, not security)."""
    return hashlib.md5(b"".join(hashlib.md5(c).digest() for c in chunks)).digest()
