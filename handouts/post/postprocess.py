"""Finish a PDF with pypdf after reportlab wrote it.

Dates: the creation and modification dates come from SOURCE_DATE_EPOCH when set, otherwise from the content's
own publication date, never from the clock, so rebuilding unchanged content gives the same bytes. The viewer
opens with the bookmarks showing and the document title (not the file name) in its title bar.

A tagged file claims PDF/UA-1 (`pdfuaid:part` 1 in its XMP) and says PDF 1.7, which PDF/UA-1 is based on, in
its header and catalog; an untagged file (a booklet) makes neither claim: `handouts check --pdf` holds the
claim to account.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from typing import TYPE_CHECKING

from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, DictionaryObject, NameObject

from handouts.dates import build_timestamp

if TYPE_CHECKING:
    from handouts.pdf.tagging import Tagger


def pdf_date(moment: _dt.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def finish_pdf(data: bytes, *, published: _dt.date, tagger: "Tagger | None" = None, bleed: float = 0.0) -> bytes:
    """`tagger`: the marked content recorded while drawing; its structure tree is added (tagged PDF).
    `bleed` (points): grow each page for a print shop, with trim and bleed boxes and crop marks."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    stamp = pdf_date(build_timestamp(published))
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp})
    root = writer._root_object
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    prefs = root.get("/ViewerPreferences")
    prefs = prefs.get_object() if prefs is not None else DictionaryObject()
    prefs[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    root[NameObject("/ViewerPreferences")] = prefs
    add_xmp_metadata(writer, build_timestamp(published), pdfua=tagger is not None)
    drop_unmapped_codes(writer)
    if tagger is not None:
        tagger.write(writer)
        claim_pdf_17(writer)
    if bleed > 0:
        for page in writer.pages:
            add_bleed_and_crop_marks(writer, page, bleed)
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_VERSION = "1.7"

_BFCHAR = re.compile(rb"\d+\s+beginbfchar\s(.*?)endbfchar\s*", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_ZERO = re.compile(rb"^(?:00)+$")
CMAP_BLOCK = 100   # entries per bfchar block, the most a CMap block may hold


def drop_unmapped_codes(writer: PdfWriter) -> None:
    """reportlab's TrueType subsets (reportlab.pdfbase.ttfonts.makeToUnicodeCMap) write a ToUnicode entry for
    every code of the subset, and the codes no character uses (0, and the unused ones of the first subset) map
    to U+0000, which PDF/UA forbids (ISO 14289-1, 7.21.7). Rewrite each such map without them, in blocks of at
    most 100 entries; the same map in gives the same bytes out, so rebuilds stay byte-identical."""
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
            rewritten = _without_zero_entries(data)
            if rewritten != data:
                stream.set_data(rewritten)


def _without_zero_entries(cmap: bytes) -> bytes:
    blocks = list(_BFCHAR.finditer(cmap))
    if not blocks:
        return cmap
    pairs = [(src, dst) for block in blocks for src, dst in _PAIR.findall(block.group(1))]
    kept = [(src, dst) for src, dst in pairs if not _ZERO.match(dst)]
    if len(kept) == len(pairs) and all(len(_PAIR.findall(b.group(1))) <= CMAP_BLOCK for b in blocks):
        return cmap
    out = b""
    for start in range(0, len(kept), CMAP_BLOCK):
        chunk = kept[start:start + CMAP_BLOCK]
        out += b"%d beginbfchar\n" % len(chunk) + b"".join(b"<%s> <%s>\n" % pair for pair in chunk) + b"endbfchar\n"
    return cmap[:blocks[0].start()] + out + cmap[blocks[-1].end():]


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
    """PDF/UA-1 is a profile of PDF 1.7: say so in the header and in the catalog's /Version (reportlab writes
    1.3 and pypdf keeps it)."""
    writer.pdf_header = f"%PDF-{PDF_VERSION}".encode("ascii")
    writer._root_object[NameObject("/Version")] = NameObject("/" + PDF_VERSION)


def add_xmp_metadata(writer: PdfWriter, moment: _dt.datetime, *, pdfua: bool = False) -> None:
    """XMP metadata mirroring the document information (title, author, subject, keywords, language, dates):
    PDF/UA and PDF/A readers look here rather than in the Info dictionary. Only the document's own metadata goes
    in, never the personal data of a personalised copy (which is only on the page). `pdfua`: claim PDF/UA-1
    (`pdfuaid:part` 1), only for a tagged file."""
    from xml.sax.saxutils import escape

    from pypdf.generic import DecodedStreamObject

    info = writer.metadata or {}

    def value(key: str) -> str:
        return escape(str(info.get(key, "") or ""))

    lang = escape(str(writer._root_object.get("/Lang", "") or ""))
    when = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    claim = ('\n  <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
             '   <pdfuaid:part>1</pdfuaid:part>\n  </rdf:Description>') if pdfua else ""
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{value("/Title")}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{value("/Author")}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{value("/Subject")}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{value("/Keywords")}</pdf:Keywords>
   <pdf:Producer>{value("/Producer")}</pdf:Producer>
   <xmp:CreatorTool>{value("/Creator")}</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
  </rdf:Description>{claim}
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    stream = DecodedStreamObject()
    stream.set_data(packet.encode("utf-8"))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)


MARK_LENGTH = 5 * 72 / 25.4     # crop marks: 5 mm long,
MARK_GAP = 1 * 72 / 25.4        # starting 1 mm beyond the bleed so they never print on the trimmed page


def add_bleed_and_crop_marks(writer: PdfWriter, page, bleed: float) -> None:
    """Grow the media box around the trimmed page instead of moving the content: the page keeps its coordinates
    (and its tags), the TrimBox says where the sheet is cut, the BleedBox how far backgrounds run past it, and
    crop marks in the margin outside the bleed show the cutter where to cut. Backgrounds that run to the page
    edge are drawn oversize, so they fill the bleed."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject

    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    margin = bleed + MARK_GAP + MARK_LENGTH
    page[NameObject("/TrimBox")] = ArrayObject(FloatObject(v) for v in (x0, y0, x1, y1))
    page[NameObject("/BleedBox")] = ArrayObject(FloatObject(v) for v in (x0 - bleed, y0 - bleed,
                                                                          x1 + bleed, y1 + bleed))
    page[NameObject("/MediaBox")] = ArrayObject(FloatObject(v) for v in (x0 - margin, y0 - margin,
                                                                          x1 + margin, y1 + margin))
    page[NameObject("/CropBox")] = page["/MediaBox"]
    start, end = bleed + MARK_GAP, margin
    lines = []
    for x, y, sx, sy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        lines.append(f"{x + sx * start:.2f} {y:.2f} m {x + sx * end:.2f} {y:.2f} l S")   # horizontal mark
        lines.append(f"{x:.2f} {y + sy * start:.2f} m {x:.2f} {y + sy * end:.2f} l S")   # vertical mark
    marks = DecodedStreamObject()
    marks.set_data(("q /Artifact BMC 0.25 w 0 0 0 RG [] 0 d\n" + "\n".join(lines) + "\nEMC Q\n").encode())
    contents = page.get("/Contents")
    existing = contents.get_object() if contents is not None else None
    parts = list(existing) if isinstance(existing, ArrayObject) else ([contents] if contents is not None else [])
    page[NameObject("/Contents")] = ArrayObject(parts + [writer._add_object(marks)])
