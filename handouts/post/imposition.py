"""Booklet imposition: small pages placed two-up on landscape sheets in saddle-stitch order.

An A5 leaflet goes onto A4 landscape (and half-letter onto Letter landscape): print the result double-sided,
fold the stack in half and staple along the fold. The page count is padded to a multiple of four (one sheet,
two sides, two pages a side) with blank pages, or with "Notes" pages that a factory such as `notes_pages`
draws. Padding goes at the end, so the reading order of the leaflet never changes.

Duplex convention: the back of every sheet is laid out *upright*, not rotated, which is what a printer does
with **"flip on short edge"** (also called "short-edge binding" or "tumble off" for landscape) when the PDF page
is landscape. Turning a landscape sheet over around its short (left or right) edge keeps its top at the top and
swaps left and right, so the back of the front's right half is the back's left half. That is the setting
booklet tools (Acrobat's booklet printing, pdfjam --booklet) ask for, and the one the issue names. For a printer
that only flips on the long edge, `flip="long"` turns every back side by 180° instead.

Pure: PDF bytes in, PDF bytes out, the same bytes for the same input. Link annotations and the outline are
dropped (their targets would be wrong on the imposed sheets); the document information and /Lang are kept.
"""

from __future__ import annotations

import hashlib
import io
from typing import Callable, Literal

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

from handouts.errors import HandoutsError

# (width, height) in PostScript points.
A4_LANDSCAPE = (841.89, 595.28)
LETTER_LANDSCAPE = (792.0, 612.0)
A5 = (420.94, 595.28)
HALF_LETTER = (396.0, 612.0)

# (count, (width, height)) -> PDF bytes with exactly `count` pages of that size.
NotesFactory = Callable[[int, tuple[float, float]], bytes]


def booklet_order(pages: int) -> list[tuple[int, int]]:
    """1-based (left, right) page numbers for each sheet side, in print order: front 1, back 1, front 2, ...

    `pages` must be a multiple of four. Sheet i (0-based) carries [n-2i | 2i+1] on its front and
    [2i+2 | n-2i-1] on its back, the back read upright after a short-edge flip (see the module docstring).
    """
    if pages <= 0 or pages % 4:
        raise ValueError(f"a booklet needs a positive multiple of four pages, not {pages}")
    sides: list[tuple[int, int]] = []
    for i in range(pages // 4):
        sides.append((pages - 2 * i, 2 * i + 1))
        sides.append((2 * i + 2, pages - 2 * i - 1))
    return sides


def padded_count(pages: int) -> int:
    return max(4, -(-pages // 4) * 4)


def impose_booklet(data: bytes, sheet: tuple[float, float], *, notes_page: NotesFactory | None = None,
                   flip: Literal["short", "long"] = "short") -> bytes:
    """Impose every page of `data` two-up on landscape `sheet`s (width > height) in saddle-stitch order.

    Each page is scaled to fit half a sheet (A5 on A4 and half-letter on Letter fit exactly, scale 1) and
    centred in it. `notes_page(count, size)` makes the padding pages; without it they stay blank.
    Returns a PDF with one page per sheet side: (padded page count) / 2 pages.
    """
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise HandoutsError("cannot impose an encrypted PDF", hint="impose first, then encrypt")
    sheet_w, sheet_h = float(sheet[0]), float(sheet[1])
    if sheet_w <= sheet_h:
        raise ValueError(f"a booklet sheet is landscape (width > height), not {sheet_w} x {sheet_h}")
    sources = list(reader.pages)
    if not sources:
        raise HandoutsError("cannot impose a PDF without pages")
    total = padded_count(len(sources))
    padding = total - len(sources)
    if padding and notes_page is not None:
        first = sources[0].mediabox
        notes = PdfReader(io.BytesIO(notes_page(padding, (float(first.width), float(first.height)))))
        if len(notes.pages) < padding:
            raise ValueError(f"the notes factory made {len(notes.pages)} page(s), {padding} were asked for")
        sources += list(notes.pages)[:padding]

    writer = PdfWriter()
    half_w = sheet_w / 2
    for side_index, pair in enumerate(booklet_order(total)):
        side = writer.add_blank_page(sheet_w, sheet_h)
        upside_down = flip == "long" and side_index % 2 == 1
        for slot, number in enumerate(pair):
            if number > len(sources):
                continue  # blank padding
            source = sources[number - 1]
            if "/Annots" in source:  # links would point into the un-imposed page order
                del source[NameObject("/Annots")]
            box = source.mediabox
            w, h = float(box.width), float(box.height)
            op = Transformation().translate(-float(box.left), -float(box.bottom))
            turn = source.rotation % 360  # /Rotate, clockwise: place the page as a viewer shows it
            if turn:
                op = op.rotate(-turn).translate(*{90: (0, w), 180: (w, h), 270: (h, 0)}[turn])
                if turn in (90, 270):
                    w, h = h, w
            scale = min(half_w / w, sheet_h / h)
            x = slot * half_w + (half_w - w * scale) / 2
            y = (sheet_h - h * scale) / 2
            op = op.scale(scale).translate(x, y)
            if upside_down:  # turn the whole side about the sheet's centre
                op = op.rotate(180).translate(sheet_w, sheet_h)
            side.merge_transformed_page(source, op, over=True, expand=False)
        side.compress_content_streams()  # the merged stream is written uncompressed otherwise
    _keep_document_info(data, reader, writer)
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _keep_document_info(data: bytes, reader: PdfReader, writer: PdfWriter) -> None:
    """Metadata and /Lang as in the source; a file identifier derived from the input, so output is stable."""
    if reader.metadata:
        writer.add_metadata({key: value for key, value in reader.metadata.items()})
    lang = reader.trailer["/Root"].get("/Lang")
    if lang is not None:
        writer._root_object[NameObject("/Lang")] = TextStringObject(str(lang))
    # Same document (first identifier), another version (second, from the input bytes: stable output).
    digest = hashlib.md5(data).digest()  # an identifier, not security
    source_id = reader.trailer.get("/ID")
    first = digest
    if source_id:
        given = source_id[0]
        first = given.original_bytes if isinstance(given, TextStringObject) else bytes(given)
    writer._ID = ArrayObject([ByteStringObject(first), ByteStringObject(digest)])


def notes_pages(count: int, size: tuple[float, float], title: str = "Notes", *, font_name: str,
                line_gap: float = 24.0, margin: float = 42.0) -> bytes:
    """`count` pages of `size` with a heading and ruled lines for writing on, as PDF bytes.

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
    for _ in range(count):
        canvas.setFont(font_name, heading)
        canvas.setFillColor(Color(0, 0, 0))
        canvas.drawString(margin, height - margin - heading, title)
        canvas.setStrokeColor(rule)
        canvas.setLineWidth(0.6)
        y = height - margin - heading - 1.5 * line_gap
        while y >= margin:
            canvas.line(margin, y, width - margin, y)
            y -= line_gap
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
