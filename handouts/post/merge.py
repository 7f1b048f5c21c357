"""Join PDFs into one packet: a clinic's cover letter plus a leaflet, or one leaflet in two languages.

Each part becomes one top-level bookmark (its title) with the part's own bookmarks nested under it, so a
reader of the packet can still jump to "Treatment" in the second language. The packet is tagged: its Document
holds one `Part` element per tagged part, titled with the part's name, holding that part's structure in order
(a leaflet's H1 title, its sections, links with their annotations), with a parent tree rebuilt for the packet
(handouts.post.structure). The packet's /Lang is the first part's; a part in another language carries its own
/Lang on its Part element, which is how a screen reader knows to switch voice. An untagged part's pages come
along untagged. Pure apart from `read_part`, which reads and checks one file for the CLI.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem
from pypdf import PdfReader

from handouts.errors import HandoutsError
from handouts.post.bookmarks import copy_outline
from handouts.post.structure import Location, StructureCopier, digest, save_tagged


def part_title(reader: PdfReader, fallback: str) -> str:
    """The part's /Title metadata, or `fallback` (the file name) when it has none."""
    title = (reader.metadata or {}).get("/Title")
    return str(title).strip() if title and str(title).strip() else fallback


def read_part(path: Path) -> tuple[str, bytes]:
    """Read one input of `handouts merge`: (title, bytes), or a one-line error that names the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise HandoutsError("file not found", path=path, hint="check the path") from None
    except IsADirectoryError:
        raise HandoutsError("is a directory, not a PDF", path=path) from None
    except OSError as exc:
        raise HandoutsError(f"cannot read: {exc.strerror}", path=path) from None
    if b"%PDF-" not in data[:1024]:  # where the PDF specification allows the header
        raise HandoutsError("not a PDF (no %PDF- header)", path=path, hint="give the PDF files to merge")
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # pypdf's repair warnings ("EOF marker not found") would add lines
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise HandoutsError("is encrypted", path=path,
                                hint="merge the unencrypted PDFs, then encrypt the packet with --encrypt")
        if not reader.pages:
            raise HandoutsError("has no pages", path=path)
        for page in reader.pages:  # parse now, so a damaged file fails here, with its name
            page.get_contents()
        with pikepdf.open(io.BytesIO(data)) as pdf:   # and what merge_pdfs copies the pages with can read it
            len(pdf.pages)
        title = part_title(reader, path.stem)
    except HandoutsError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files; all mean the same to the user
        raise HandoutsError(f"not a readable PDF ({exc})", path=path) from None
    finally:
        pypdf_log.setLevel(level)
    return title, data


def is_tagged(data: bytes) -> bool:
    """Whether a part has a structure tree the packet can carry (a part without one comes along untagged)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return "/StructTreeRoot" in pdf.Root


def merge_pdfs(parts: list[tuple[str, bytes]], *, title: str | None = None,
               paths: list[Path] | None = None) -> bytes:
    """Concatenate `parts` ((title, PDF bytes), in order) under one outline; the same input gives the same bytes.

    The packet's /Title is `title`, or the parts' titles joined by " / "; its /Lang is the first part's.
    `paths`: the parts' files, for an error to name (a part whose structure tree cannot be followed).
    """
    if not parts:
        raise ValueError("nothing to merge")
    sources = [pikepdf.open(io.BytesIO(data)) for _, data in parts]
    try:
        packet = pikepdf.new()
        lang = sources[0].Root.get("/Lang")
        if lang is not None:
            packet.Root.Lang = pikepdf.String(str(lang))
        copier = StructureCopier(packet)
        document = packet.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
        elements: list[pikepdf.Object] = []
        outline: list[OutlineItem] = []
        for index, ((part_name, _), source) in enumerate(zip(parts, sources)):
            where = paths[index] if paths is not None and index < len(paths) else None
            element, bookmark = _add_part(packet, copier, document, part_name, source, where)
            if element is not None:
                elements.append(element)
            outline.append(bookmark)
        for page in packet.pages:   # the parts' keys mean nothing in the packet; finish numbers them afresh
            if "/StructParents" in page.obj:
                del page.obj[Name.StructParents]
            for annotation in page.obj.get("/Annots") or []:
                if "/StructParent" in annotation:
                    del annotation[Name.StructParent]
        if elements:   # no tagged part, no claim to be tagged
            document.K = Array(elements)
            copier.finish(document, order=[page.obj for page in packet.pages])
        with packet.open_outline() as tree:
            tree.root.extend(outline)
        if "/Info" in sources[0].trailer:
            for key, value in sources[0].docinfo.items():
                packet.docinfo[key] = pikepdf.String(str(value))
        packet.docinfo["/Title"] = pikepdf.String(title or " / ".join(name for name, _ in parts))
        identifier = digest(*(data for _, data in parts))
        return save_tagged(packet, file_id=(identifier, identifier),
                           conforming=all("/StructTreeRoot" in source.Root for source in sources))
    finally:
        for source in sources:
            source.close()


def _add_part(packet: pikepdf.Pdf, copier: StructureCopier, document: pikepdf.Object, name: str,
              source: pikepdf.Pdf, path: Path | None) -> tuple[pikepdf.Object | None, OutlineItem]:
    """Append `source`'s pages to `packet`; return its Part element (None when it is not tagged) and its
    bookmark, the part's own bookmarks nested under it."""
    first = len(packet.pages)
    pages: dict[tuple[int, int], int] = {}
    for page in source.pages:   # copied with their resources and annotations, once per part
        pages[page.obj.objgen] = len(packet.pages)
        packet.pages.append(page)
    copied = {key: packet.pages[index].obj for key, index in pages.items()}
    part = packet.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, P=document, T=pikepdf.String(name)))
    try:
        kids = copier.copy_children(
            source, part, lambda key: Location(copied[key]) if key in copied else None,
            lambda annotation: packet.copy_foreign(annotation) if annotation.is_indirect else None)
        bookmark = OutlineItem(name, first)
        bookmark.children.extend(copy_outline(source, pages.get, first))
    except (ValueError, TypeError, AttributeError, KeyError, pikepdf.PdfError) as exc:
        # DamagedStructure, or a tree or an outline of the wrong shape somewhere: the same to the user
        raise HandoutsError(f"cannot carry over the tags or bookmarks of part '{name}': {exc}", path=path,
                            hint="rebuild that PDF, or merge an untagged copy of it") from None
    if not kids:
        return None, bookmark
    for key, value in copier.top_attributes(source).items():
        if key != "/T":
            part[key] = value
    packet_lang, part_lang = packet.Root.get("/Lang"), source.Root.get("/Lang")
    if part_lang is not None and str(part_lang) != str(packet_lang or "") and "/Lang" not in part:
        part.Lang = pikepdf.String(str(part_lang))   # a screen reader switches voice here
    part.K = Array(kids)
    part.Pg = packet.pages[first].obj
    return part, bookmark
