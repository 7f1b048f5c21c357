"""Helpers that read built PDFs back, for assertions."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
from pypdf import PdfReader


def text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def normalized(path: Path) -> str:
    return re.sub(r"\s+", " ", text(path))


def fonts(path: Path) -> dict[str, dict]:
    """Every font a page or form uses: base name -> {embedded, subset}."""
    found: dict[str, dict] = {}
    with pikepdf.open(path) as pdf:
        def visit(resources) -> None:
            if resources is None:
                return
            for font in (resources.get("/Font") or {}).values():
                descendants = font.get("/DescendantFonts")
                base = str(font.get("/BaseFont"))
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                found[base.lstrip("/")] = {"embedded": embedded,
                                           "subset": bool(re.match(r"/?[A-Z]{6}\+", base))}
            for xobject in (resources.get("/XObject") or {}).values():
                visit(xobject.get("/Resources"))

        for page in pdf.pages:
            visit(page.get("/Resources"))
    return found


def outline_titles(path: Path) -> list[str]:
    reader = PdfReader(path)
    titles: list[str] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def form_names(path: Path) -> list[str]:
    """Names of form XObjects drawn on each page (figures are drawn as forms named Fig-<id>-...)."""
    names: list[str] = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            xobjects = page.get("/Resources", {}).get("/XObject") or {}
            content = page.Contents.read_bytes() if isinstance(page.Contents, pikepdf.Stream) else b"".join(
                c.read_bytes() for c in page.Contents)
            for name in xobjects.keys():
                if (name.encode() + b" Do") in content:
                    names.append(name)
    return names


def qpdf_problems(path: Path) -> list[str]:
    """What `qpdf --check` would complain about (pikepdf bundles qpdf), plus every page's content parsed."""
    with pikepdf.open(path) as pdf:
        problems = list(pdf.check_pdf_syntax())
        for number, page in enumerate(pdf.pages, 1):
            try:
                pikepdf.parse_content_stream(page)
            except pikepdf.PdfError as exc:
                problems.append(f"page {number}: {exc}")
    return problems


def language_runs(path: Path) -> list[tuple[str, str]]:
    """(language, text) of every marked-content sequence with a /Lang property, in content order, read with
    pdfminer (what it draws, through the fonts' ToUnicode maps, not the /ActualText)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    runs: list[tuple[str, str]] = []

    class Device(PDFPageAggregator):
        stack: list = []

        def begin_tag(self, tag, props=None) -> None:
            lang = props.get("Lang") if isinstance(props, dict) else None
            self.stack.append([lang.decode() if isinstance(lang, bytes) else lang, ""])

        def end_tag(self) -> None:
            lang, text = self.stack.pop()
            if lang is not None:
                runs.append((lang, text))

        def render_char(self, *args, **kwargs) -> float:
            adv = super().render_char(*args, **kwargs)
            for entry in self.stack:
                if entry[0] is not None:
                    entry[1] += self.cur_item._objs[-1].get_text()
            return adv

    with open(path, "rb") as handle:
        manager = PDFResourceManager()
        device = Device(manager, laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        for page in PDFPage.get_pages(handle):
            device.stack = []
            interpreter.process_page(page)
    return runs


def extracted_words(path: Path) -> list[str]:
    """The words a layout-reading extractor such as poppler's pdftotext finds, read with pdfplumber's pdfminer.

    pdfminer itself ignores /ActualText, so this applies it the way poppler does: the text of an /ActualText
    span stands in for the glyphs drawn inside it and occupies the box from where its first glyph starts to
    where its last one ends (an empty one adds nothing); glyphs outside spans are themselves. Units on one
    baseline are read left to right, and a gap wider than a tenth of the type size, or a space, ends a word.
    Right-to-left words (Arabic) are drawn and spanned in visual order: they are returned reversed, in logical
    order."""
    import unicodedata

    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.utils import decode_text

    units: list[tuple[int, float, float, float, float, str]] = []   # page, baseline, x0, x1, size, text

    class Device(PDFPageAggregator):
        page = 0
        spans: list = []   # open /ActualText spans: [text, x0, x1, baseline, size] (x0 None until a glyph)

        def begin_tag(self, tag, props=None) -> None:
            text = props.get("ActualText") if isinstance(props, dict) else None
            self.spans.append(None if text is None else [decode_text(text), None, 0.0, 0.0, 0.0])

        def end_tag(self) -> None:
            span = self.spans.pop()
            if span is not None and span[0] and span[1] is not None:
                units.append((self.page, round(span[3], 1), span[1], span[2], span[4], span[0]))

        def render_char(self, *args, **kwargs) -> float:
            adv = super().render_char(*args, **kwargs)
            char = self.cur_item._objs[-1]
            baseline = char.matrix[5]
            span = next((s for s in reversed(self.spans) if s is not None), None)
            if span is None:
                units.append((self.page, round(baseline, 1), char.x0, char.x1, char.size, char.get_text()))
            else:
                if span[1] is None:
                    span[1], span[3], span[4] = char.x0, baseline, char.size
                span[2] = char.x1
            return adv

    with open(path, "rb") as handle:
        manager = PDFResourceManager()
        device = Device(manager, laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        for number, page in enumerate(PDFPage.get_pages(handle)):
            device.page, device.spans = number, []
            interpreter.process_page(page)

    words: list[str] = []
    lines: dict[tuple[int, float], list] = {}
    for page, baseline, x0, x1, size, text in units:
        lines.setdefault((page, baseline), []).append((x0, x1, size, text))
    for key in sorted(lines):
        current, end = "", None
        for x0, x1, size, text in sorted(lines[key], key=lambda unit: unit[0]):
            if text.isspace() or (end is not None and x0 - end > size * 0.1):
                words.append(current)
                current = ""
            if not text.isspace():
                current += text
            end = x1
        words.append(current)
    out = []
    for word in words:
        if any(unicodedata.bidirectional(c) in ("R", "AL") for c in word):
            word = word[::-1]
        if word:
            out.append(unicodedata.normalize("NFC", word))
    return out


def struct_kids(elem) -> list:
    """A structure element's /K as a list (absent, one kid, or an array)."""
    k = elem.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def is_struct_element(obj) -> bool:
    """A structure element, not a marked-content or object reference among an element's kids."""
    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj and obj.get("/Type") not in ("/MCR", "/OBJR")


def struct_elements(pdf: "pikepdf.Pdf") -> list:
    """Every structure element, depth first, in the order of the tree (the reading order)."""
    found: list = []

    def visit(elem) -> None:
        found.append(elem)
        for kid in struct_kids(elem):
            if is_struct_element(kid):
                visit(kid)

    for top in struct_kids(pdf.Root.StructTreeRoot):
        visit(top)
    return found
