"""A finished PDF in one pass: what a leaflet's file needs beyond reportlab's defaults, written while reportlab
writes it, so that no PDF is parsed back in the normal path.

`FinishingCanvas` is the canvas every leaflet and tri-fold is drawn on (handouts.pdf.pdfdoc). With a `Finish`
set, each page is finished as it is shown (a tagged page's link texts and untagged graphics: handouts.pdf.tagging;
a bleed's crop marks) and the document when it is saved:
- dates: the creation and modification dates come from SOURCE_DATE_EPOCH when set, otherwise from the content's
  own publication date, never from the clock (handouts.dates), so rebuilding unchanged content gives the same
  bytes;
- the viewer opens with the bookmarks showing and the document title (not the file name) in its title bar;
- XMP metadata mirrors the document information: PDF/UA and PDF/A readers look there;
- a tagged file gets its structure tree (handouts.pdf.tagging), claims PDF/UA-1 (`pdfuaid:part` 1 in its XMP)
  and says PDF 1.7, which PDF/UA-1 is based on, in its header and catalog; an untagged file makes neither claim:
  `handouts check --pdf` holds the claim to account;
- the TrueType subsets' ToUnicode maps lose their entries to U+0000 (`without_zero_entries`);
- a bleed grows each page's media box around the trimmed page, with trim and bleed boxes and crop marks.

Files made by pikepdf from finished ones (booklets, packets) are finished likewise by handouts.post, with the
same XMP packet and ToUnicode rule.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Mapping

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc as rl
from reportlab.pdfgen.canvas import Canvas

from handouts.dates import build_timestamp
from handouts.pdf.pdfbytes import numbers_array, same_as_pdfdoc
from handouts.pdf.subsets import KEPT as SUBSETS_KEPT, remember_subsets
from handouts.text.markup import escape   # xml.sax.saxutils' escape, without its urllib.request import
from handouts.timing import stage

PDF_VERSION = "1.7"


@dataclass(frozen=True)
class Finish:
    """What a file's finishing needs to know that reportlab does not."""

    moment: _dt.datetime   # the creation and modification dates
    bleed: float = 0.0     # points; 0 for no bleed

    @classmethod
    def of(cls, published: _dt.date, bleed: float = 0.0) -> "Finish":
        return cls(build_timestamp(published), bleed)


class FinishingCanvas(Canvas):
    """reportlab's canvas, finishing each page as it is shown and the file as it is saved (module docstring).
    Without a `finish` it writes what reportlab writes."""

    finish: Finish | None = None

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> Any:
        """reportlab's text object, with each string's operators worked out once per document
        (handouts.pdf.textcache): the same bytes."""
        from handouts.pdf.textcache import CachingTextObject

        return CachingTextObject(self, x, y, direction=direction)

    def endForm(self, **extra_attributes: Any) -> None:
        """reportlab's endForm, with the form's stream encoded as ASCII when that gives the bytes reportlab's
        PDFDocEncoding codec would (handouts.pdf.pdfbytes): about a tenth of a figure's cost, and a form's stream
        is nearly always plain ASCII. The stream is handed to
        reportlab's form already encoded (attributes endForm sets after its own encoding of the now empty
        list), compressed as reportlab would but remembered (`RememberedFlate`)."""
        if "stream" not in extra_attributes and "Contents" not in extra_attributes:
            text = "\n".join([self._preamble, *self._code])
            if same_as_pdfdoc(text):
                stream = text.encode("ascii")
                extra_attributes = {"stream": stream, **_form_contents(stream, self._pageCompression),
                                    **extra_attributes}
                preamble = self._preamble
                self._preamble, self._code = "", []
                try:
                    super().endForm(**extra_attributes)
                finally:
                    self._preamble = preamble
                return
        super().endForm(**extra_attributes)

    def showPage(self) -> None:
        if self.finish is not None:
            from handouts.pdf.tagging import tagger_of

            with stage("post-process"):
                tagger = tagger_of(self)
                binary = tagger is not None and tagger.finish_page(self)
                if self.finish.bleed > 0:
                    self._code.append(crop_marks(*self._pagesize, self.finish.bleed))
            super().showPage()
            if binary:   # the page's stream as bytes, which reportlab compresses as they are
                page = self._doc.Pages.pages[-1]
                page.stream = page.stream.encode("latin-1")
            return
        super().showPage()

    def save(self) -> None:
        if self.finish is not None:
            with stage("post-process"):
                finish_document(self, self.finish)
        super().save()


def _form_contents(stream: bytes, compression: int) -> dict[str, Any]:
    """The attributes that make reportlab's PDFFormXObject.format write `stream` as it would, but compressed by
    `REMEMBERED_FLATE`: the stream object it would make, with the filters it would give it; the form's own
    compression off, so that format does not replace them. Nothing when the form is not compressed."""
    if not compression:
        return {}
    contents = rl.PDFStream(content=stream)
    contents.__Comment__ = "xobject form stream"   # as PDFFormXObject.format names it
    contents.filters = [rl.PDFBase85Encode, REMEMBERED_FLATE] if rl_config.useA85 else [REMEMBERED_FLATE]
    return {"Contents": contents, "compression": 0}


class RememberedFlate(rl.PDFStreamFilterZCompress):
    """reportlab's FlateDecode filter (zlib at its default level), each result remembered by a digest of what
    was compressed: a figure's form comes out the same in every document that draws it at that size (the
    papers and levels of a language, a rebuild), and compressing it again was about a quarter of the zlib time
    of a default build (more in Arabic and Hindi, whose labels are outlines). The same bytes in give the same
    bytes out. Bounded: the most recent `KEPT` results (a few KB each)."""

    KEPT = 128

    def __init__(self, kept: int = KEPT) -> None:
        self.KEPT = kept
        self._kept: OrderedDict[bytes, bytes] = OrderedDict()

    def encode(self, text: str | bytes) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else text   # as the parent encodes text
        key = hashlib.blake2b(data, digest_size=16).digest()
        kept = self._kept
        found = kept.get(key)
        if found is None:
            found = kept[key] = super().encode(data)
            if len(kept) > self.KEPT:
                kept.popitem(last=False)
        else:
            kept.move_to_end(key)
        return found


REMEMBERED_FLATE = RememberedFlate()
# the font files and their ToUnicode maps (handouts.pdf.subsets): the A4 and Letter versions of a document embed
# the same subsets
FONT_FLATE = RememberedFlate(2 * SUBSETS_KEPT)


def finish_document(canvas: Canvas, finish: Finish) -> None:
    """Everything the file needs beyond reportlab's defaults, put into reportlab's document before it is
    formatted (the module docstring says what and why)."""
    from handouts.pdf.tagging import tagger_of

    doc = canvas._doc
    stamp = pdf_date(finish.moment)
    doc.setDateFormatter(lambda *_: stamp)
    catalog = doc.Catalog
    catalog.PageMode = rl.PDFName("UseOutlines")
    canvas.setViewerPreference("DisplayDocTitle", "true")
    # reportlab makes every catalog entry it knows an indirect object; the small dictionaries stay in the
    # catalog (a few bytes and an object fewer each), the version is a name
    catalog.__Refs__ = [key for key in type(catalog).__Refs__ if key not in ("ViewerPreferences", "MarkInfo")]
    tagger = tagger_of(canvas)
    if tagger is not None:
        tagger.write_tree(canvas)
        doc._pdfVersion = tuple(int(part) for part in PDF_VERSION.split("."))
        catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "Version"]
        catalog.Version = rl.PDFName(PDF_VERSION)
    info = doc.info
    lang = catalog.Lang.s if isinstance(getattr(catalog, "Lang", None), rl.PDFString) else ""
    fields = {"Title": info.title, "Author": info.author, "Subject": info.subject, "Keywords": info.keywords,
              "Producer": info.producer, "Creator": info.creator}
    catalog.Metadata = rl.PDFStream(rl.PDFDictionary({"Type": rl.PDFName("Metadata"),
                                                      "Subtype": rl.PDFName("XML")}),
                                    xmp_packet(fields, str(lang), finish.moment, pdfua=tagger is not None))
    _fonts_without_zero_entries(doc)
    if finish.bleed > 0:
        for page in doc.Pages.pages:
            _bleed_boxes(page, finish.bleed)


def pdf_date(moment: _dt.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def xmp_packet(info: Mapping[str, Any], lang: str, moment: _dt.datetime, *, pdfua: bool = False) -> bytes:
    """XMP metadata mirroring the document information (`info`: Title, Author, Subject, Keywords, Producer,
    Creator), its language and dates. Only the document's own metadata goes in, never the personal data of a
    personalised copy (which is only on the page). `pdfua`: claim PDF/UA-1 (`pdfuaid:part` 1), only for a tagged
    file."""
    def value(key: str) -> str:
        return escape(str(info.get(key, "") or ""))

    when = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    claim = ('\n  <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
             '   <pdfuaid:part>1</pdfuaid:part>\n  </rdf:Description>') if pdfua else ""
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{value("Title")}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{value("Author")}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{value("Subject")}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{value("Keywords")}</pdf:Keywords>
   <pdf:Producer>{value("Producer")}</pdf:Producer>
   <xmp:CreatorTool>{value("Creator")}</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
  </rdf:Description>{claim}
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")


# -- ToUnicode --------------------------------------------------------------------------------------------------

_BFCHAR = re.compile(rb"\d+\s+beginbfchar\s(.*?)endbfchar\s*", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_ZERO = re.compile(rb"^(?:00)+$")
CMAP_BLOCK = 100   # entries per bfchar block, the most a CMap block may hold


def without_zero_entries(cmap: bytes) -> bytes:
    """reportlab's TrueType subsets (reportlab.pdfbase.ttfonts.makeToUnicodeCMap) write a ToUnicode entry for
    every code of the subset, and the codes no character uses (0, and the unused ones of the first subset) map
    to U+0000, which PDF/UA forbids (ISO 14289-1, 7.21.7). The same map without them, in blocks of at most 100
    entries; the same map in gives the same bytes out, so rebuilds stay byte-identical."""
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


_TOUNICODE_PREFIX = "toUnicodeCMap:"   # how reportlab.pdfbase.ttfonts.TTFont.addObjects names the maps
_FONT_FILE_PREFIX = "fontFile:"        # and TTFontFace.addSubsetObjects the subsets


def _fonts_without_zero_entries(doc: Any) -> None:
    """Make the fonts' objects now rather than when reportlab formats the file (PDFDocument.GetPDFData does the
    same, in the same order), and rewrite their ToUnicode maps. A TrueType subset made before in this process
    is not made again, nor compressed again (handouts.pdf.subsets), nor its widths formatted again
    (pdfbytes.numbers_array): the same bytes."""
    for font in doc.delayedFonts:
        face = getattr(font, "face", None)
        if face is not None and hasattr(face, "makeSubset"):
            remember_subsets(face)
        font.addObjects(doc)
    doc.delayedFonts = []
    for name, obj in doc.idToObject.items():
        if isinstance(obj, rl.PDFTrueTypeFont):
            widths = getattr(obj, "Widths", None)
            if isinstance(widths, rl.PDFArray):   # the same subset's widths, in every document that embeds it
                obj.Widths = numbers_array(tuple(widths.sequence))
            continue
        if not isinstance(obj, rl.PDFStream):
            continue
        if name.startswith(_TOUNICODE_PREFIX):
            content = obj.content.encode("latin-1") if isinstance(obj.content, str) else obj.content
            obj.content = without_zero_entries(content)
        elif not name.startswith(_FONT_FILE_PREFIX):
            continue
        filters = getattr(obj, "filters", None)
        if filters is not None and len(filters) == 1 and type(filters[0]) is rl.PDFStreamFilterZCompress:
            obj.filters = [FONT_FLATE]   # reportlab's filter, remembering


# -- bleed ------------------------------------------------------------------------------------------------------

MARK_LENGTH = 5 * 72 / 25.4     # crop marks: 5 mm long,
MARK_GAP = 1 * 72 / 25.4        # starting 1 mm beyond the bleed so they never print on the trimmed page


def _bleed_boxes(page: Any, bleed: float) -> None:
    """Grow the media box around the trimmed page instead of moving the content: the page keeps its coordinates
    (and its tags), the TrimBox says where the sheet is cut, the BleedBox how far backgrounds run past it.
    Backgrounds that run to the page edge are drawn oversize, so they fill the bleed."""
    x0, y0, x1, y1 = 0.0, 0.0, float(page.pagewidth), float(page.pageheight)
    margin = bleed + MARK_GAP + MARK_LENGTH
    page.TrimBox = rl.PDFArray([x0, y0, x1, y1])
    page.BleedBox = rl.PDFArray([x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed])
    page.MediaBox = rl.PDFArray([x0 - margin, y0 - margin, x1 + margin, y1 + margin])
    page.CropBox = page.MediaBox


def crop_marks(width: float, height: float, bleed: float) -> str:
    """Crop marks in the margin outside the bleed, which show the cutter where to cut: an artifact."""
    x0, y0, x1, y1 = 0.0, 0.0, width, height
    start, end = bleed + MARK_GAP, bleed + MARK_GAP + MARK_LENGTH
    lines = []
    for x, y, sx, sy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        lines.append(f"{x + sx * start:.2f} {y:.2f} m {x + sx * end:.2f} {y:.2f} l S")   # horizontal mark
        lines.append(f"{x:.2f} {y + sy * start:.2f} m {x:.2f} {y + sy * end:.2f} l S")   # vertical mark
    return "q /Artifact BMC 0.25 w 0 0 0 RG [] 0 d\n" + "\n".join(lines) + "\nEMC Q"
