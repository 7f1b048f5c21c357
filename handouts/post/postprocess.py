"""Finish a PDF that pikepdf made out of finished ones (a booklet's sheets, a merged packet), as a leaflet is
finished while reportlab writes it (handouts.pdf.finishing): with pypdf, on the file.

A tagged file claims PDF/UA-1 (`pdfuaid:part` 1 in its XMP) and says PDF 1.7, which PDF/UA-1 is based on, in
its header and catalog; a file with an untagged part makes neither claim: `handouts check --pdf` holds the
claim to account. The XMP packet and the ToUnicode rule are handouts.pdf.finishing's.
"""

from __future__ import annotations

import datetime as _dt

from pypdf import PdfWriter
from pypdf.generic import NameObject

from handouts.pdf.finishing import PDF_VERSION, without_zero_entries, xmp_packet


def drop_unmapped_codes(writer: PdfWriter) -> None:
    """Rewrite every ToUnicode map of the file without its entries to U+0000 (finishing.without_zero_entries):
    a booklet's notes pages come straight from reportlab."""
    done: set[int] = set()
    for fonts in _font_dictionaries(writer):
        for font in fonts.values():
            font = font.get_object()
            ref = font.get("/ToUnicode")
            if ref is None or not hasattr(ref, "idnum") or ref.idnum in done:
                continue
            done.add(ref.idnum)
            stream = ref.get_object()
            data = stream.get_data()
            rewritten = without_zero_entries(data)
            if rewritten != data:
                stream.set_data(rewritten)


def _font_dictionaries(writer: PdfWriter):
    """The /Font resource dictionaries of every page and of the form XObjects they use."""
    seen: set[int] = set()

    def walk(resources, depth: int):
        resources = resources.get_object() if resources is not None else None
        if not hasattr(resources, "get") or depth > 16:
            return
        fonts = resources.get("/Font")
        if fonts is not None:
            yield fonts.get_object()
        for xobject_ref in (resources.get("/XObject") or {}).values():
            xobject = xobject_ref.get_object()
            ident = getattr(xobject_ref, "idnum", id(xobject))
            if ident in seen or xobject.get("/Subtype") != "/Form":
                continue
            seen.add(ident)
            yield from walk(xobject.get("/Resources"), depth + 1)

    for page in writer.pages:
        yield from walk(page.get("/Resources"), 0)


def claim_pdf_17(writer: PdfWriter) -> None:
    """PDF/UA-1 is a profile of PDF 1.7: say so in the header and in the catalog's /Version."""
    writer.pdf_header = f"%PDF-{PDF_VERSION}".encode("ascii")
    writer._root_object[NameObject("/Version")] = NameObject("/" + PDF_VERSION)


def add_xmp_metadata(writer: PdfWriter, moment: _dt.datetime, *, pdfua: bool = False) -> None:
    """XMP metadata mirroring the file's document information and language (finishing.xmp_packet). `pdfua`:
    claim PDF/UA-1, only for a file whose every page is tagged."""
    from pypdf.generic import DecodedStreamObject

    info = writer.metadata or {}
    fields = {key.lstrip("/"): value for key, value in info.items()}
    lang = str(writer._root_object.get("/Lang", "") or "")
    stream = DecodedStreamObject()
    stream.set_data(xmp_packet(fields, lang, moment, pdfua=pdfua))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
