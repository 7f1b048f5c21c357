"""Booklet imposition: small pages placed two-up on landscape sheets in saddle-stitch order.

An A5 leaflet goes onto A4 landscape (and half-letter onto Letter landscape): print the result double-sided,
fold the stack in half and staple along the fold. The page count is padded to a multiple of four (one sheet,
two sides, two pages a side) with blank pages, or with "Notes" pages that a factory such as `notes_pages`
draws. Padding goes at the end, or before the last page when that is the back cover (`back_cover`), so the
reading order of the leaflet never changes.

Duplex convention: the back of every sheet is laid out *upright*, not rotated, which is what a printer does
with **"flip on short edge"** (also called "short-edge binding" or "tumble off" for landscape) when the PDF page
is landscape. Turning a landscape sheet over around its short (left or right) edge keeps its top at the top and
swaps left and right, so the back of the front's right half is the back's left half. That is the setting
booklet tools (Acrobat's booklet printing, pdfjam --booklet) ask for, and the one the issue names. For a printer
that only flips on the long edge, `flip="long"` turns every back side by 180° instead.

Tagged: each source page is drawn on its sheet as one form XObject that keeps the page's marked content; the
form has its own /StructParents, and the structure elements point into it with MCR dictionaries naming the sheet
and the form (/Stm, PDF 1.7 §14.7.4.2). The structure tree is the source's, so it reads in the leaflet's page
order, not the sheets' (handouts.post.structure). Padding (notes pages, ruled lines for writing on) is an
artifact. Web links move with their pages, their rectangles mapped onto the sheet; a link into the document
(a page destination) is dropped, as its target would be the wrong half of a sheet. Bookmarks go to the sheet
that shows their page. The document information, /Lang, XMP and the viewer preferences are as in the source.

Pure: PDF bytes in, PDF bytes out, the same bytes for the same input.
"""

from __future__ import annotations

import io
from typing import Callable, Literal

import pikepdf
from pikepdf import Array, Dictionary, Name

from handouts.errors import HandoutsError
from handouts.post.bookmarks import copy_outline
from handouts.post.structure import Location, StructureCopier, digest, foreign_value, save_tagged

# (width, height) in PostScript points.
A4_LANDSCAPE = (841.89, 595.28)
LETTER_LANDSCAPE = (792.0, 612.0)
A5 = (420.94, 595.28)
HALF_LETTER = (396.0, 612.0)

# (count, (width, height)) -> PDF bytes with exactly `count` pages of that size.
NotesFactory = Callable[[int, tuple[float, float]], bytes]


def booklet_order(pages: int, rtl: bool = False) -> list[tuple[int, int]]:
    """1-based (left, right) page numbers for each sheet side, in print order: front 1, back 1, front 2, ...

    `pages` must be a multiple of four. Sheet i (0-based) carries [n-2i | 2i+1] on its front and
    [2i+2 | n-2i-1] on its back, the back read upright after a short-edge flip (see the module docstring).
    A right-to-left booklet (Arabic, Hebrew) is bound on the right: its cover is the left half of the outer
    sheet and it opens from the right, so every side is the mirror: [2i+1 | n-2i] and [n-2i-1 | 2i+2].
    """
    if pages <= 0 or pages % 4:
        raise ValueError(f"a booklet needs a positive multiple of four pages, not {pages}")
    sides: list[tuple[int, int]] = []
    for i in range(pages // 4):
        sides.append((pages - 2 * i, 2 * i + 1))
        sides.append((2 * i + 2, pages - 2 * i - 1))
    return [(right, left) for left, right in sides] if rtl else sides


def padded_count(pages: int) -> int:
    return max(4, -(-pages // 4) * 4)


Matrix = tuple[float, float, float, float, float, float]


def _then(first: Matrix, second: Matrix) -> Matrix:
    """The transformation that applies `first`, then `second` (PDF row-vector convention)."""
    a, b, c, d, e, f = first
    A, B, C, D, E, F = second
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _placement(form: pikepdf.Object, slot: int, half_w: float, sheet: tuple[float, float],
               upside_down: bool) -> Matrix:
    """The `cm` that draws `form` (a page as a form XObject, its /Rotate in its /Matrix) scaled to fit half a
    sheet and centred in it: the left half for slot 0, the right for slot 1; turned about the sheet's centre
    for the back of a long-edge flip."""
    own = tuple(float(v) for v in form.Matrix) if "/Matrix" in form else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    x0, y0, x1, y1 = (float(v) for v in form.BBox)
    corners = [_apply(own, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    left, bottom = min(p[0] for p in corners), min(p[1] for p in corners)
    w, h = max(p[0] for p in corners) - left, max(p[1] for p in corners) - bottom
    sheet_w, sheet_h = sheet
    scale = min(half_w / w, sheet_h / h)
    x = slot * half_w + (half_w - w * scale) / 2
    y = (sheet_h - h * scale) / 2
    m = (scale, 0.0, 0.0, scale, x - left * scale, y - bottom * scale)
    if upside_down:
        m = _then(m, (-1.0, 0.0, 0.0, -1.0, sheet_w, sheet_h))
    return m


def _page_form(page: pikepdf.Page) -> pikepdf.Object:
    """The page as a form XObject (its /Rotate in the form's /Matrix) whose box is the whole media box, as a
    printer sees the page: qpdf would cut it to the trim box, dropping a bleed and its crop marks."""
    page.obj.TrimBox = Array([float(v) for v in page.mediabox])   # the source is only read, never saved
    return page.as_form_xobject()


def _number(value: float) -> str:
    """A number for a content stream: six decimals at most, no trailing zeros, never "-0"."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _moved_link(annotation: pikepdf.Object, to_sheet: Matrix, sheet: pikepdf.Object,
                target: pikepdf.Pdf) -> pikepdf.Object | None:
    """A web link of a source page re-made on its sheet, its rectangle mapped there; None for other annotations
    and for links into the document, whose page destinations would be wrong on the sheets."""
    action = annotation.get("/A")
    if annotation.get("/Subtype") != "/Link" or "/Dest" in annotation or action is None \
            or action.get("/S") != "/URI":
        return None
    x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
    corners = [_apply(to_sheet, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    moved = Dictionary()
    for key in annotation.keys():
        if key not in ("/P", "/Rect", "/QuadPoints", "/StructParent", "/Parent", "/Popup"):
            moved[key] = foreign_value(target, annotation[key])
    moved.Rect = Array([round(v, 3) for v in (min(p[0] for p in corners), min(p[1] for p in corners),
                                              max(p[0] for p in corners), max(p[1] for p in corners))])
    if "/QuadPoints" in annotation:
        quads = [float(v) for v in annotation.QuadPoints]
        moved.QuadPoints = Array([round(c, 3) for i in range(0, len(quads) - 1, 2)
                                  for c in _apply(to_sheet, quads[i], quads[i + 1])])
    moved.P = sheet
    return target.make_indirect(moved)


def impose_booklet(data: bytes, sheet: tuple[float, float], *, notes_page: NotesFactory | None = None,
                   flip: Literal["short", "long"] = "short", rtl: bool = False, back_cover: bool = False) -> bytes:
    """Impose every page of `data` two-up on landscape `sheet`s (width > height) in saddle-stitch order.

    Each page is scaled to fit half a sheet (A5 on A4 and half-letter on Letter fit exactly, scale 1) and
    centred in it. `notes_page(count, size)` makes the padding pages; without it they stay blank. `rtl`: bound
    on the right, for right-to-left languages (booklet_order). `back_cover`: the last page of `data` is the
    back cover, so it stays the booklet's last page and the padding goes before it.
    Returns a PDF with one page per sheet side: (padded page count) / 2 pages, tagged when `data` is.
    """
    sheet_w, sheet_h = float(sheet[0]), float(sheet[1])
    if sheet_w <= sheet_h:
        raise ValueError(f"a booklet sheet is landscape (width > height), not {sheet_w} x {sheet_h}")
    try:
        source = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise HandoutsError("cannot impose an encrypted PDF", hint="impose first, then encrypt") from None
    notes = None
    with source:
        if source.is_encrypted:
            raise HandoutsError("cannot impose an encrypted PDF", hint="impose first, then encrypt")
        pages = list(source.pages)
        if not pages:
            raise HandoutsError("cannot impose a PDF without pages")
        total = padded_count(len(pages))
        padding = total - len(pages)
        if padding and notes_page is not None:
            box = pages[0].mediabox
            notes = pikepdf.open(io.BytesIO(notes_page(padding, (float(box[2]) - float(box[0]),
                                                                  float(box[3]) - float(box[1])))))
            if len(notes.pages) < padding:
                raise ValueError(f"the notes factory made {len(notes.pages)} page(s), {padding} were asked for")
        try:
            return _impose(source, notes, data, (sheet_w, sheet_h), total, flip, rtl, back_cover)
        finally:
            if notes is not None:
                notes.close()


def _impose(source: pikepdf.Pdf, notes: pikepdf.Pdf | None, data: bytes, sheet: tuple[float, float], total: int,
            flip: str, rtl: bool, back_cover: bool = False) -> bytes:
    """Draw the sides, then carry the structure, links and bookmarks over (see the module docstring)."""
    sheet_w, sheet_h = sheet
    half_w = sheet_w / 2
    pages = list(source.pages)
    target = pikepdf.new()
    forms: dict[int, pikepdf.Object] = {}          # 1-based source page number -> its form in the target
    where: dict[tuple[int, int], Location] = {}     # source page -> (sheet, form)
    sheet_of: dict[tuple[int, int], int] = {}       # source page -> sheet index
    links: dict[tuple[int, int], pikepdf.Object] = {}   # source annotation -> the sheet's annotation
    # pages before the padding: all of them, or all but the back cover, which stays the last page of the booklet
    inside = len(pages) - 1 if back_cover and len(pages) > 1 else len(pages)
    for side_index, pair in enumerate(booklet_order(total, rtl)):
        side = target.add_blank_page(page_size=(sheet_w, sheet_h))
        upside_down = flip == "long" and side_index % 2 == 1
        drawing: list[bytes] = []
        annots: list[pikepdf.Object] = []
        for slot, number in enumerate(pair):
            if number <= inside:
                page, padding = pages[number - 1], False
            elif number == total and inside < len(pages):
                page, padding = pages[-1], False   # the back cover
            elif notes is not None:
                page, padding = notes.pages[number - inside - 1], True
            else:
                continue   # blank padding
            form = target.copy_foreign(_page_form(page))
            if padding:   # ruled lines for the reader's notes: not content, an artifact throughout
                form.write(b"/Artifact BMC\n" + form.read_bytes() + b"\nEMC\n")
            name = f"/Pg{number}"
            resources = side.obj.Resources
            if "/XObject" not in resources:
                resources.XObject = Dictionary()
            resources.XObject[name] = form
            m = _placement(form, slot, half_w, (sheet_w, sheet_h), upside_down)
            placed = "q %s cm %s Do Q" % (" ".join(_number(v) for v in m), name)
            if padding:
                drawing.append(f"/Artifact BMC {placed} EMC\n".encode())
                continue
            drawing.append(f"{placed}\n".encode())
            forms[number] = form
            where[page.obj.objgen] = Location(side.obj, form)
            sheet_of[page.obj.objgen] = side_index
            own = tuple(float(v) for v in form.Matrix) if "/Matrix" in form else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
            for annotation in page.obj.get("/Annots") or []:
                moved = _moved_link(annotation, _then(own, m), side.obj, target)
                if moved is not None:
                    annots.append(moved)
                    if annotation.is_indirect:   # only an indirect annotation can be a Link element's OBJR
                        links[annotation.objgen] = moved
        side.obj.Contents = target.make_stream(b"".join(drawing))
        if annots:
            side.obj.Annots = Array(annots)
    copier = StructureCopier(target)
    document = target.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
    kids = copier.copy_children(source, document, where.get,
                                lambda annotation: links.get(annotation.objgen) if annotation.is_indirect else None)
    for key, value in copier.top_attributes(source).items():
        document[key] = value
    if kids:
        document.K = Array(kids)
        document.Pg = next(k.Pg for k in kids if "/Pg" in k)
        copier.finish(document, order=[forms[n] for n in sorted(forms)])
    lang = source.Root.get("/Lang")
    if lang is not None:
        target.Root.Lang = pikepdf.String(str(lang))
    with target.open_outline() as outline:
        outline.root.extend(copy_outline(source, sheet_of.get, 0))
    if "/Info" in source.trailer:
        for key, value in source.docinfo.items():
            target.docinfo[key] = pikepdf.String(str(value))
    # Same document (first identifier), another version (second, from the input bytes: stable output).
    given = source.trailer.get("/ID")
    second = digest(data)
    first = bytes(given[0]) if isinstance(given, Array) and len(given) else second
    return save_tagged(target, file_id=(first, second), conforming="/StructTreeRoot" in source.Root)


def notes_pages(count: int, size: tuple[float, float], title: str = "Notes", *, font_name: str,
                line_gap: float = 24.0, margin: float = 42.0, first_number: int = 0) -> bytes:
    """`count` pages of `size` with a heading and ruled lines for writing on, as PDF bytes.

    `first_number`: the booklet page number of the first notes page, printed at the foot of each so the
    numbering runs on to the last page the reader holds (the leaflet's footers count these pages too).

    `font_name` must be a TrueType font already registered with reportlab, so that it is embedded (the
    project's leaflets embed every font). Usable as `impose_booklet(..., notes_page=partial(notes_pages,
    title=..., font_name=...))`.
    """
    from reportlab.lib.colors import Color
    from reportlab.pdfgen.canvas import Canvas

    width, height = size
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1,
                    initialFontName=font_name)  # reportlab's default, Helvetica, would not be embedded
    rule = Color(0.55, 0.55, 0.55)
    heading = 18.0
    for index in range(count):
        canvas.setFont(font_name, heading)
        canvas.setFillColor(Color(0, 0, 0))
        canvas.drawString(margin, height - margin - heading, title)
        canvas.setStrokeColor(rule)
        canvas.setLineWidth(0.6)
        y = height - margin - heading - 1.5 * line_gap
        while y >= margin:
            canvas.line(margin, y, width - margin, y)
            y -= line_gap
        if first_number:
            canvas.setFont(font_name, 10.0)
            canvas.drawCentredString(width / 2, margin / 2, str(first_number + index))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
